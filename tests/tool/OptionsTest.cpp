//===--- OptionsTest.cpp - concur-advise's command line --------------------===//

#include "Options.h"
#include "gtest/gtest.h"

using namespace concur::advise;
using namespace llvm;

namespace {

/// Parses "concur-advise" followed by \p Args.
Expected<AdviseOptions> parse(std::vector<const char *> Args) {
  Args.insert(Args.begin(), "concur-advise");
  return parseAdviseOptions(int(Args.size()), Args.data());
}

/// The message of a failed parse; fails the test when it succeeded or the
/// error is not a usage error (exit status 2).
std::string usageMessage(Expected<AdviseOptions> Parsed) {
  EXPECT_FALSE(bool(Parsed));
  if (Parsed)
    return "";
  std::string Message;
  handleAllErrors(
      Parsed.takeError(), [&](const UsageError &E) { Message = E.Message; },
      [&](const ErrorInfoBase &E) {
        ADD_FAILURE() << "not a usage error: " << E.message();
      });
  return Message;
}

TEST(Options, DefaultsWithABuildDirectory) {
  Expected<AdviseOptions> Opts = parse({"-p", "build"});
  ASSERT_TRUE(bool(Opts)) << toString(Opts.takeError());
  EXPECT_EQ(Opts->BuildPath, "build");
  EXPECT_EQ(Opts->Form, Format::Text);
  EXPECT_EQ(Opts->FailOn, "warning");
  EXPECT_EQ(Opts->Progress, ProgressMode::Auto);
  EXPECT_EQ(Opts->Jobs, 0u);
  EXPECT_EQ(Opts->ShardCount, 0u);
  EXPECT_FALSE(Opts->KeptBudget);
  EXPECT_FALSE(Opts->DocBase);
  EXPECT_FALSE(Opts->Tidy.HeaderFilter);
  EXPECT_FALSE(Opts->Fixed);
  EXPECT_TRUE(Opts->Files.empty());
}

TEST(Options, EveryValueIsRead) {
  Expected<AdviseOptions> Opts =
      parse({"-p", "b", "-j3", "--format=sarif", "-o", "out.sarif",
             "--fail-on=error", "--shard=2/4", "--progress=lines",
             "--kept-memory=16", "--doc-url=https://x/", "--checks=-concur-a",
             "--config={}", "--header-filter=.*", "--extra-arg=-DX",
             "--extra-arg=-DY", "--extra-arg-before=-DZ", "--quiet",
             "--incremental-stats", "--summary", "--baseline=old.json",
             "--write-baseline=new.json", "--summaries=s.db", "a.cpp",
             "b.cpp"});
  ASSERT_TRUE(bool(Opts)) << toString(Opts.takeError());
  EXPECT_EQ(Opts->Jobs, 3u);
  EXPECT_EQ(Opts->Form, Format::Sarif);
  EXPECT_EQ(Opts->OutputPath, "out.sarif");
  EXPECT_EQ(Opts->FailOn, "error");
  EXPECT_EQ(Opts->ShardIndex, 2u);
  EXPECT_EQ(Opts->ShardCount, 4u);
  EXPECT_EQ(Opts->Progress, ProgressMode::Lines);
  EXPECT_EQ(Opts->KeptBudget, size_t(16) << 20);
  EXPECT_EQ(Opts->DocBase, "https://x/");
  EXPECT_EQ(Opts->Tidy.Checks, "-concur-a");
  EXPECT_EQ(Opts->Tidy.Config, "{}");
  EXPECT_EQ(Opts->Tidy.HeaderFilter, ".*");
  EXPECT_EQ(Opts->Tidy.ExtraArgs, (std::vector<std::string>{"-DX", "-DY"}));
  EXPECT_EQ(Opts->Tidy.ExtraArgsBefore, std::vector<std::string>{"-DZ"});
  EXPECT_TRUE(Opts->Quiet && Opts->PrintStats && Opts->Summary);
  EXPECT_EQ(Opts->Baseline, "old.json");
  EXPECT_EQ(Opts->WriteBaseline, "new.json");
  EXPECT_EQ(Opts->SummariesPath, "s.db");
  EXPECT_EQ(Opts->Files, (std::vector<std::string>{"a.cpp", "b.cpp"}));
}

TEST(Options, ParsingAgainStartsFromTheDefaults) {
  ASSERT_TRUE(bool(parse({"-p", "b", "--format=json", "--extra-arg=-DX"})));
  Expected<AdviseOptions> Opts = parse({"-p", "c"});
  ASSERT_TRUE(bool(Opts)) << toString(Opts.takeError());
  EXPECT_EQ(Opts->Form, Format::Text);
  EXPECT_TRUE(Opts->Tidy.ExtraArgs.empty());
}

TEST(Options, FixedCompilerFlagsAfterTwoDashes) {
  Expected<AdviseOptions> Opts = parse({"a.cpp", "--", "-std=c++20"});
  ASSERT_TRUE(bool(Opts)) << toString(Opts.takeError());
  ASSERT_TRUE(Opts->Fixed);
  EXPECT_EQ(Opts->Files, std::vector<std::string>{"a.cpp"});
}

TEST(Options, BadValuesAreUsageErrors) {
  EXPECT_EQ(usageMessage(parse({"--format=yaml"})),
            "unknown --format 'yaml' (text, json, sarif, html, markdown)");
  EXPECT_EQ(usageMessage(parse({"--fail-on=fatal"})),
            "unknown --fail-on 'fatal' (none, note, warning, error)");
  EXPECT_EQ(usageMessage(parse({"--progress=spinner"})),
            "unknown --progress 'spinner' (auto, bar, lines, none)");
  for (const char *Shard : {"--shard=3/2", "--shard=0/2", "--shard=1/0",
                            "--shard=x/2", "--shard=2"})
    EXPECT_NE(usageMessage(parse({Shard})).find("--shard expects I/N"),
              std::string::npos)
        << Shard;
  EXPECT_NE(usageMessage(parse({"--from-db", "--fix"})).find("--fix cannot"),
            std::string::npos);
  EXPECT_NE(usageMessage(parse({"--from-db", "a.cpp", "--", "-O2"}))
                .find("takes no compiler flags"),
            std::string::npos);
}

TEST(Options, RecheckIntoTakesABuildDirectoryAndWritesNoReport) {
  Expected<AdviseOptions> Opts =
      parse({"-p", "b", "--shard=2/4", "--summaries=all.db",
             "--recheck-into=r.db", "--progress=lines", "-j2"});
  ASSERT_TRUE(bool(Opts)) << toString(Opts.takeError());
  EXPECT_EQ(Opts->RecheckInto, "r.db");
  EXPECT_EQ(Opts->ShardIndex, 2u);
  for (const char *Other : {"--from-db", "--fix", "-o=x", "--format=json",
                            "--baseline=b", "--write-baseline=b",
                            "--explain=f", "--summary", "a.cpp"})
    EXPECT_NE(usageMessage(parse({"-p", "b", "--recheck-into=r.db", Other}))
                  .find("--recheck-into writes no report"),
              std::string::npos)
        << Other;
  EXPECT_NE(usageMessage(parse({"--recheck-into=r.db", "--summaries=a.db"}))
                .find("--recheck-into needs -p"),
            std::string::npos);
}

TEST(Options, UnknownOptionsGetTheParsersMessage) {
  Expected<AdviseOptions> Parsed = parse({"--no-such-option"});
  ASSERT_FALSE(bool(Parsed));
  handleAllErrors(Parsed.takeError(), [](const UsageError &E) {
    EXPECT_TRUE(E.Verbatim);
    EXPECT_NE(E.Message.find("Unknown command line argument '--no-such-option'"),
              std::string::npos)
        << E.Message;
  });
  // A bad value of a typed option: cl reports it on stderr itself.
  usageMessage(parse({"-j", "many"}));
}

TEST(Options, UsageErrorsExitWithTwo) {
  EXPECT_EQ(reportUsage(usageError("test: a usage error")), ExitUsage);
}

TEST(MergeOptions, InputsOutputAndConfig) {
  Expected<MergeOptions> Opts = parseMergeOptions(
      {"a.db", "-o", "all.db", "b.db", "--config={Checks: x}"});
  ASSERT_TRUE(bool(Opts)) << toString(Opts.takeError());
  EXPECT_EQ(Opts->Inputs, (std::vector<std::string>{"a.db", "b.db"}));
  EXPECT_EQ(Opts->Output, "all.db");
  EXPECT_EQ(Opts->Tidy.Config, "{Checks: x}");
  EXPECT_FALSE(Opts->Help);
  Opts = parseMergeOptions({"-o=all.db", "--config", "{}", "a.db"});
  ASSERT_TRUE(bool(Opts)) << toString(Opts.takeError());
  EXPECT_EQ(Opts->Output, "all.db");
  EXPECT_EQ(Opts->Tidy.Config, "{}");
}

TEST(MergeOptions, HelpAndErrors) {
  Expected<MergeOptions> Help = parseMergeOptions({"--help"});
  ASSERT_TRUE(bool(Help));
  EXPECT_TRUE(Help->Help);
  auto Message = [](Expected<MergeOptions> Parsed) {
    EXPECT_FALSE(bool(Parsed));
    return Parsed ? std::string() : toString(Parsed.takeError());
  };
  EXPECT_EQ(Message(parseMergeOptions({"a.db", "-x"})),
            "merge: unknown option '-x'");
  EXPECT_EQ(Message(parseMergeOptions({"a.db"})),
            "merge needs input databases and -o OUTPUT");
  EXPECT_EQ(Message(parseMergeOptions({"-o", "all.db"})),
            "merge needs input databases and -o OUTPUT");
}

} // namespace
