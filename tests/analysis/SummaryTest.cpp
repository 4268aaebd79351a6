#include "AnalysisTestUtil.h"
#include "ProjectConfig.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace concur;
using namespace concur::test;

TEST(Summary, JsonRoundTripKeepsEverything) {
  Parsed P(R"(
    extern "C" long recv(int, void *, unsigned long, int);
    long ext(int);
    long fetch(int fd) { char b[8]; return recv(fd, b, 8, 0) + ext(fd); }
  )");
  const FunctionSummary &S = P.summary("fetch");
  llvm::json::Value Json = toJSON(S);
  FunctionSummary Back;
  llvm::json::Path::Root Root;
  ASSERT_TRUE(fromJSON(Json, Back, Root));
  EXPECT_EQ(Back.USR, S.USR);
  EXPECT_EQ(Back.QualifiedName, "fetch");
  EXPECT_EQ(Back.Line, S.Line);
  EXPECT_EQ(Back.Total.Blocking, S.Total.Blocking);
  EXPECT_EQ(Back.Total.BlockingByKind, S.Total.BlockingByKind);
  ASSERT_EQ(Back.Total.Items.size(), S.Total.Items.size());
  EXPECT_EQ(Back.Total.Items[0].chainText(), S.Total.Items[0].chainText());
  ASSERT_EQ(Back.ExternalCalls.size(), 1u);
  EXPECT_EQ(Back.ExternalCalls[0].USR, S.ExternalCalls[0].USR);
  EXPECT_EQ(classify(Back.Total, {}).Class, S.Class.Class);
}

TEST(Summary, CorruptJsonIsRejectedWithAPath) {
  FunctionSummary S;
  llvm::json::Path::Root Root;
  llvm::Expected<llvm::json::Value> Bad =
      llvm::json::parse(R"({"usr": "c:@F@f", "name": 3})");
  ASSERT_TRUE(bool(Bad));
  EXPECT_FALSE(fromJSON(*Bad, S, Root));
}

TEST(ProjectConfig, ParsesOptionsKnowledgeAndSummaries) {
  auto Config = ProjectConfig::parse(R"(
version: 1
knowledge-base:
  - names: ['mylib::fetch']
    io: network
options:
  fan-out-threshold: 3
  substantial-work: 500
summaries: build/concur.db
)",
                                     "/project/.concur.yaml");
  ASSERT_TRUE(bool(Config)) << llvm::toString(Config.takeError());
  EXPECT_TRUE(Config->Extra.lookup("mylib::fetch"));
  AnalysisOptions Opts;
  Config->applyTo(Opts);
  EXPECT_EQ(Opts.FanOutThreshold, 3u);
  EXPECT_EQ(Opts.SubstantialWork, 500);
  EXPECT_EQ(Config->Summaries, "/project/build/concur.db");
}

TEST(ProjectConfig, MalformedFilesSayWhereAndWhat) {
  auto Config = ProjectConfig::parse("options:\n  fan-out-threshold: many\n",
                                     "/p/.concur.yaml");
  ASSERT_FALSE(bool(Config));
  std::string Message = llvm::toString(Config.takeError());
  EXPECT_NE(Message.find("/p/.concur.yaml:2:"), std::string::npos) << Message;
  auto Unknown = ProjectConfig::parse("colour: red\n", "/p/.concur.yaml");
  ASSERT_FALSE(bool(Unknown));
  EXPECT_NE(llvm::toString(Unknown.takeError()).find("unknown key 'colour'"),
            std::string::npos);
}

TEST(ProjectConfig, FinderWalksUpAndSeesEdits) {
  llvm::SmallString<128> Dir;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("concur-config", Dir));
  llvm::SmallString<128> Sub(Dir), Config(Dir), Source;
  llvm::sys::path::append(Sub, "src", "deep");
  ASSERT_FALSE(llvm::sys::fs::create_directories(Sub));
  llvm::sys::path::append(Config, ".concur.yaml");
  Source = Sub;
  llvm::sys::path::append(Source, "a.cpp");
  {
    std::error_code EC;
    llvm::raw_fd_ostream Out(Config, EC);
    Out << "knowledge-base:\n  - names: [local_fetch]\n    io: network\n";
  }
  ProjectConfigFinder Finder;
  auto Found = Finder.find(Source);
  ASSERT_TRUE(bool(Found));
  ASSERT_TRUE(*Found);
  EXPECT_TRUE((*Found)->Extra.lookup("local_fetch"));
  {
    std::error_code EC;
    llvm::raw_fd_ostream Out(Config, EC);
    Out << "knowledge-base: [\n";
  }
  // The same finder sees the edit (a long-running server keeps one), and
  // then the file's removal.
  auto Broken = Finder.find(Source);
  ASSERT_FALSE(bool(Broken));
  EXPECT_NE(llvm::toString(Broken.takeError()).find(".concur.yaml"),
            std::string::npos);
  ASSERT_FALSE(llvm::sys::fs::remove(Config));
  auto Gone = Finder.find(Source);
  ASSERT_TRUE(bool(Gone));
  EXPECT_FALSE(*Gone);
  llvm::sys::fs::remove_directories(Dir);
}
