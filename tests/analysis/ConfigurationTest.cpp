#include "Configuration.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include "gtest/gtest.h"
#include <map>

using namespace concur;

namespace {

/// A project directory with a source file and, optionally, a `.concur.yaml`.
class Project {
public:
  Project() {
    EXPECT_FALSE(llvm::sys::fs::createUniqueDirectory("concur-config", Dir));
    Source = Dir;
    llvm::sys::path::append(Source, "src", "a.cpp");
    llvm::StringRef SourceDir = llvm::sys::path::parent_path(Source);
    EXPECT_FALSE(llvm::sys::fs::create_directories(SourceDir));
  }
  ~Project() { llvm::sys::fs::remove_directories(Dir); }

  void writeYaml(llvm::StringRef Text) {
    llvm::SmallString<128> Path(Dir);
    llvm::sys::path::append(Path, ".concur.yaml");
    std::error_code EC;
    llvm::raw_fd_ostream Out(Path, EC);
    Out << Text;
  }

  llvm::SmallString<128> Dir, Source;
};

/// Check options read from a map, as a front end reads its own.
CheckOptionValues options(std::map<std::string, std::string> Set) {
  return CheckOptionValues::read(
      [&](llvm::StringRef Name) -> std::optional<std::string> {
        auto It = Set.find(Name.str());
        if (It == Set.end())
          return std::nullopt;
        return It->second;
      });
}

TEST(Configuration, DefaultsThenCheckOptionsThenProjectFile) {
  Project P;
  ProjectConfigFinder Finder;
  AnalysisOptions Defaults;

  FileConfiguration None = resolveConfiguration(
      P.Source, CheckOptionValues(), ConfigParts::All, Finder);
  EXPECT_EQ(None.Options.SubstantialWork, Defaults.SubstantialWork);
  EXPECT_EQ(None.Options.FanOutThreshold, Defaults.FanOutThreshold);
  EXPECT_TRUE(None.Problems.empty());
  EXPECT_EQ(&None.knowledgeBase(), &KnowledgeBase::builtin());

  CheckOptionValues Checks =
      options({{"SubstantialWork", "50"}, {"FanOutThreshold", "3"},
               {"SummaryFile", "/elsewhere/checks.db"}});
  FileConfiguration FromChecks =
      resolveConfiguration(P.Source, Checks, ConfigParts::All, Finder);
  EXPECT_EQ(FromChecks.Options.SubstantialWork, 50);
  EXPECT_EQ(FromChecks.Options.FanOutThreshold, 3u);
  EXPECT_EQ(FromChecks.Options.SubstantialBlocking,
            Defaults.SubstantialBlocking);
  EXPECT_EQ(FromChecks.SummaryPath, "/elsewhere/checks.db");

  // `.concur.yaml` overrides what it sets, thresholds and summaries alike,
  // and leaves the rest to the check options.
  P.writeYaml("options:\n  substantial-work: 70\nsummaries: yaml.db\n");
  FileConfiguration FromYaml =
      resolveConfiguration(P.Source, Checks, ConfigParts::All, Finder);
  EXPECT_TRUE(FromYaml.Problems.empty());
  EXPECT_EQ(FromYaml.Options.SubstantialWork, 70);
  EXPECT_EQ(FromYaml.Options.FanOutThreshold, 3u);
  llvm::SmallString<128> YamlDb(P.Dir);
  llvm::sys::path::append(YamlDb, "yaml.db");
  EXPECT_EQ(FromYaml.SummaryPath, YamlDb.str());

  // The linker asks for the thresholds only, with the same answer.
  FileConfiguration Thresholds =
      resolveConfiguration(P.Source, Checks, ConfigParts::Thresholds, Finder);
  EXPECT_EQ(Thresholds.Options.SubstantialWork, 70);
  EXPECT_EQ(Thresholds.Options.FanOutThreshold, 3u);
}

TEST(Configuration, KnowledgeBaseExtendedInOrder) {
  Project P;
  ProjectConfigFinder Finder;
  P.writeYaml("knowledge-base:\n  - names: [both]\n    io: file\n");
  FileConfiguration Config = resolveConfiguration(
      P.Source,
      options({{"ExtraBlockingFunctions", "both=network;mine=database"}}),
      ConfigParts::All, Finder);
  ASSERT_TRUE(Config.knowledgeBase().lookup("mine"));
  ASSERT_TRUE(Config.knowledgeBase().lookup("both"));
  EXPECT_EQ(Config.knowledgeBase().lookup("both")->Io, IoKind::File);

  // Without the knowledge base, nothing is read or extended.
  FileConfiguration Thresholds = resolveConfiguration(
      P.Source, options({{"ExtraBlockingFunctions", "mine=database"}}),
      ConfigParts::Thresholds, Finder);
  EXPECT_EQ(&Thresholds.knowledgeBase(), &KnowledgeBase::builtin());
}

TEST(Configuration, MalformedProjectFileIsAClearError) {
  Project P;
  ProjectConfigFinder Finder;
  P.writeYaml("options:\n  substantial-work: lots\n");
  FileConfiguration Config = resolveConfiguration(
      P.Source, options({{"SubstantialWork", "50"}}), ConfigParts::All,
      Finder);
  ASSERT_EQ(Config.Problems.size(), 1u);
  EXPECT_EQ(Config.Problems[0].Source, ConfigProblem::ProjectFile);
  const std::string &Message = Config.Problems[0].Message;
  EXPECT_NE(Message.find(".concur.yaml:2:"), std::string::npos) << Message;
  EXPECT_NE(Message.find("invalid project configuration"), std::string::npos)
      << Message;
  // The check options still apply.
  EXPECT_EQ(Config.Options.SubstantialWork, 50);
}

TEST(Configuration, BadCheckOptionsAreLeftOutOrReported) {
  // A threshold that is not a whole number stays unset (the checks report
  // it as clang-tidy does); a bad function list is a problem of the options.
  CheckOptionValues Checks = options({{"SubstantialWork", "many"},
                                      {"ExtraCpuFunctions", "f=nonsense"}});
  EXPECT_FALSE(Checks.SubstantialWork);
  FileConfiguration Config = resolveConfiguration("", Checks);
  EXPECT_EQ(Config.Options.SubstantialWork, AnalysisOptions().SubstantialWork);
  ASSERT_EQ(Config.Problems.size(), 1u);
  EXPECT_EQ(Config.Problems[0].Source, ConfigProblem::CheckOption);
  EXPECT_NE(Config.Problems[0].Message.find("ExtraCpuFunctions"),
            std::string::npos);
}

TEST(Configuration, KeyTellsOptionsApart) {
  EXPECT_EQ(CheckOptionValues().key(), CheckOptionValues().key());
  EXPECT_NE(options({{"SubstantialWork", "50"}}).key(),
            CheckOptionValues().key());
  EXPECT_NE(options({{"SubstantialWork", "50"}}).key(),
            options({{"SubstantialBlocking", "50"}}).key());
  EXPECT_NE(options({{"SummaryFile", "a.db"}}).key(),
            options({{"KnowledgeBaseFile", "a.db"}}).key());
}

} // namespace
