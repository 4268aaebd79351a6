//===--- Options.cpp - concur-advise's command line -----------------------===//

#include "Options.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;

namespace concur::advise {

char UsageError::ID;

Error usageError(const Twine &Message) {
  return make_error<UsageError>(Message.str());
}

int reportUsage(Error E) {
  handleAllErrors(
      std::move(E),
      [](const UsageError &U) {
        if (U.Verbatim)
          errs() << U.Message;
        else
          WithColor::error(errs(), "concur-advise") << U.Message << "\n";
      },
      [](const ErrorInfoBase &Other) {
        WithColor::error(errs(), "concur-advise") << Other.message() << "\n";
      });
  return ExitUsage;
}

namespace {

// The options are LLVM's global cl::opts, as in every LLVM tool; parsing
// resets them first, so a process (a test) may parse several command lines.
cl::OptionCategory Category("concur-advise options");

cl::list<std::string> Files(cl::Positional, cl::desc("[<file> ...]"),
                            cl::cat(Category));
cl::opt<std::string>
    BuildPath("p", cl::desc("Build directory with compile_commands.json"),
              cl::value_desc("build-dir"), cl::cat(Category));
cl::opt<unsigned> Jobs(
    "j",
    cl::desc("Translation units analysed in parallel (default: all cores)"),
    cl::init(0), cl::Prefix, cl::cat(Category));
cl::opt<std::string> SummariesPath(
    "summaries",
    cl::desc("Summaries database (default: <build-dir>/concur-summaries.db)"),
    cl::value_desc("file"), cl::cat(Category));
cl::opt<std::string> Shard("shard",
                           cl::desc("Analyse only slice I of N (1-based): I/N"),
                           cl::value_desc("I/N"), cl::cat(Category));
cl::opt<bool>
    FromDb("from-db",
           cl::desc("Report from the summaries database without parsing"),
           cl::cat(Category));
cl::opt<std::string> RecheckInto(
    "recheck-into",
    cl::desc("Second phase of a sharded run: re-check the units whose facts "
             "changed in the merged --summaries database (only read), parse "
             "nothing else, and write their findings to this file"),
    cl::value_desc("file"), cl::cat(Category));
cl::opt<std::string>
    FormatName("format",
               cl::desc("Output format: text, json, sarif, html, markdown"),
               cl::init("text"), cl::cat(Category));
cl::opt<std::string> OutputPath("o", cl::desc("Write the report to this file"),
                                cl::value_desc("file"), cl::cat(Category));
cl::opt<std::string> FailOn(
    "fail-on",
    cl::desc("Exit 1 for findings at or above: none, note, warning, error"),
    cl::init("warning"), cl::cat(Category));
cl::opt<std::string>
    Baseline("baseline", cl::desc("Hide findings recorded in this baseline"),
             cl::value_desc("file"), cl::cat(Category));
cl::opt<std::string>
    WriteBaseline("write-baseline",
                  cl::desc("Record the current findings as a baseline"),
                  cl::value_desc("file"), cl::cat(Category));
cl::opt<std::string> Explain(
    "explain",
    cl::desc("Explain one function: class, scores, evidence, decision path"),
    cl::value_desc("name"), cl::cat(Category));
cl::opt<bool> Summary("summary",
                      cl::desc("Print counts per class and model and the top "
                               "functions instead of the report (-o still "
                               "writes it)"),
                      cl::cat(Category));
cl::opt<std::string>
    Checks("checks", cl::desc("clang-tidy check globs, after -*,concur-*"),
           cl::cat(Category));
cl::opt<std::string>
    Config("config",
           cl::desc("clang-tidy configuration (YAML), as clang-tidy --config"),
           cl::cat(Category));
cl::opt<std::string>
    HeaderFilter("header-filter",
                 cl::desc("Report findings in headers matching this regex"),
                 cl::cat(Category));
cl::list<std::string> ExtraArgs("extra-arg",
                                cl::desc("Append to the compiler command line"),
                                cl::cat(Category));
cl::list<std::string>
    ExtraArgsBefore("extra-arg-before",
                    cl::desc("Prepend to the compiler command line"),
                    cl::cat(Category));
cl::opt<std::string>
    ProgressName("progress",
                 cl::desc("Progress on stderr: auto, bar, lines, none"),
                 cl::init("auto"), cl::cat(Category));
cl::opt<bool> Fix("fix", cl::desc("Apply the fixes of warnings and errors"),
                  cl::cat(Category));
cl::opt<bool> Quiet("quiet", cl::desc("No statistics on stderr"),
                    cl::cat(Category));
cl::opt<bool>
    PrintStats("incremental-stats",
               cl::desc("Print which units were parsed and re-checked"),
               cl::cat(Category));
cl::opt<unsigned> KeptMiB(
    "kept-memory",
    cl::desc("Keep units parsed, to check them again without parsing when "
             "facts of other units change, while the resident size, with "
             "room for -j more units, stays under this many MiB (default: a "
             "quarter of the memory, at most 1536; 0: never)"),
    cl::cat(Category));
cl::opt<std::string>
    Profile("profile",
            cl::desc("Join what concur-profile measured in a run (its JSON "
                     "file) with the functions of the report"),
            cl::value_desc("file"), cl::cat(Category));
cl::opt<bool> ProfileFindings(
    "profile-findings",
    cl::desc("With --profile: report a confident measured class that "
             "disagrees with the static one (remark "
             "concur-profile-disagrees)"),
    cl::cat(Category));
cl::opt<bool> ProfileOverrides(
    "profile-overrides",
    cl::desc("With --profile: a confident measured class replaces the "
             "static one, and the row for callers follows the run"),
    cl::cat(Category));
cl::opt<std::string>
    DocBase("doc-url",
            cl::desc("Base URL of the checks' documentation (default: "
                     "the installed pages, else the source tree's)"),
            cl::cat(Category));

constexpr const char *Overview =
    "concur-advise: which concurrency model should this C or C++ code "
    "use?\n\n"
    "  concur-advise -p build/ [files...]      analyse a project\n"
    "  concur-advise file.cpp -- -std=c++20    one file, fixed flags\n"
    "  concur-advise merge A.db B.db -o ALL.db combine sharded runs\n"
    "  concur-advise -p build/ --shard I/N --summaries ALL.db --recheck-into "
    "R.db\n"
    "                                          re-check a shard after the "
    "merge\n"
    "  concur-advise merge ALL.db R*.db -o FINAL.db\n"
    "                                          combine the re-checked shards\n";

/// Checks the values cl::opt cannot check itself and copies them into \p
/// Opts.
Error readValues(AdviseOptions &Opts) {
  std::optional<Format> Form = parseFormat(FormatName);
  if (!Form)
    return usageError("unknown --format '" + FormatName +
                      "' (text, json, sarif, html, markdown)");
  if (severityRank(FailOn) == 0 && FailOn != "none")
    return usageError("unknown --fail-on '" + FailOn +
                      "' (none, note, warning, error)");
  std::optional<ProgressMode> Progress =
      StringSwitch<std::optional<ProgressMode>>(ProgressName)
          .Case("auto", ProgressMode::Auto)
          .Case("bar", ProgressMode::Bar)
          .Case("lines", ProgressMode::Lines)
          .Case("none", ProgressMode::None)
          .Default(std::nullopt);
  if (!Progress)
    return usageError("unknown --progress '" + ProgressName +
                      "' (auto, bar, lines, none)");
  if (!Shard.empty()) {
    auto [I, N] = StringRef(Shard).split('/');
    if (I.getAsInteger(10, Opts.ShardIndex) ||
        N.getAsInteger(10, Opts.ShardCount) || Opts.ShardCount == 0 ||
        Opts.ShardIndex == 0 || Opts.ShardIndex > Opts.ShardCount)
      return usageError("--shard expects I/N with 1 <= I <= N, not '" + Shard +
                        "'");
  }
  // A database's fix offsets are trusted only right after a run has
  // verified the files they edit; --from-db verifies nothing.
  if (FromDb && Fix)
    return usageError("--fix cannot be used with --from-db: the stored fixes "
                      "may not match the files any more (run with -p to fix)");
  if (FromDb && Opts.Fixed)
    return usageError("--from-db reads the database only; it takes no "
                      "compiler flags");
  if (!RecheckInto.empty()) {
    // It writes no report: the final merge's database gives it.
    std::pair<bool, StringRef> Conflicts[] = {
        {FromDb, "--from-db"},
        {Fix, "--fix"},
        {!OutputPath.empty(), "-o"},
        {FormatName.getNumOccurrences() > 0, "--format"},
        {!Baseline.empty(), "--baseline"},
        {!WriteBaseline.empty(), "--write-baseline"},
        {!Explain.empty(), "--explain"},
        {Summary, "--summary"},
        {!Files.empty(), "file arguments"},
        {Opts.Fixed != nullptr, "compiler flags after --"}};
    for (const auto &[Given, Option] : Conflicts)
      if (Given)
        return usageError("--recheck-into writes no report and takes -p: it "
                          "cannot be used with " +
                          Option +
                          " (report from the final merge's database with "
                          "--from-db)");
    if (BuildPath.empty())
      return usageError("--recheck-into needs -p <build-dir>: the units are "
                        "those of its compilation database");
  }
  if (Profile.empty() && (ProfileFindings || ProfileOverrides))
    return usageError(
        Twine(ProfileFindings ? "--profile-findings" : "--profile-overrides") +
        " needs --profile <file> (written by concur-profile)");
  Opts.Profile = Profile;
  Opts.ProfileFindings = ProfileFindings;
  Opts.ProfileOverrides = ProfileOverrides;
  Opts.Form = *Form;
  Opts.Progress = *Progress;
  Opts.Files.assign(Files.begin(), Files.end());
  Opts.BuildPath = BuildPath;
  Opts.Jobs = Jobs;
  Opts.SummariesPath = SummariesPath;
  Opts.FromDb = FromDb;
  Opts.RecheckInto = RecheckInto;
  Opts.OutputPath = OutputPath;
  Opts.FailOn = FailOn;
  Opts.Baseline = Baseline;
  Opts.WriteBaseline = WriteBaseline;
  Opts.Explain = Explain;
  Opts.Summary = Summary;
  Opts.Tidy.Checks = Checks;
  Opts.Tidy.Config = Config;
  if (HeaderFilter.getNumOccurrences())
    Opts.Tidy.HeaderFilter = std::string(HeaderFilter);
  Opts.Tidy.ExtraArgs.assign(ExtraArgs.begin(), ExtraArgs.end());
  Opts.Tidy.ExtraArgsBefore.assign(ExtraArgsBefore.begin(),
                                   ExtraArgsBefore.end());
  Opts.Fix = Fix;
  Opts.Quiet = Quiet;
  Opts.PrintStats = PrintStats;
  if (KeptMiB.getNumOccurrences())
    Opts.KeptBudget = size_t(KeptMiB) << 20;
  if (DocBase.getNumOccurrences())
    Opts.DocBase = DocBase;
  return Error::success();
}

} // namespace

Expected<AdviseOptions> parseAdviseOptions(int Argc, const char **Argv) {
  AdviseOptions Opts;
  // `file -- compiler args` as clang-tidy: a fixed compilation database.
  // It takes the arguments after `--` off the command line.
  std::string FixedError;
  Opts.Fixed = clang::tooling::FixedCompilationDatabase::loadFromCommandLine(
      Argc, Argv, FixedError);
  cl::ResetAllOptionOccurrences();
  cl::HideUnrelatedOptions(Category);
  cl::SetVersionPrinter([](raw_ostream &OS) { OS << "concur-advise 0.1.0\n"; });
  std::string Messages;
  raw_string_ostream Errs(Messages);
  if (!cl::ParseCommandLineOptions(Argc, Argv, Overview, &Errs))
    return make_error<UsageError>(std::move(Errs.str()), /*Verbatim=*/true);
  if (Error E = readValues(Opts))
    return E;
  return Opts;
}

const char MergeHelp[] =
    "USAGE: concur-advise merge A.db B.db ... -o ALL.db [--config TEXT]\n"
    "       concur-advise merge ALL.db R1.db R2.db ... -o FINAL.db\n"
    "The first form combines summaries databases (e.g. of --shard runs) and "
    "links them; --config is the one the shards ran with. Shards must all be "
    "there, from one project and one version of concur-advise.\n"
    "The second form combines a merged database with the findings its "
    "shards re-checked (--recheck-into), one file per shard, into a "
    "database to report from (--from-db).\n";

Expected<MergeOptions> parseMergeOptions(ArrayRef<const char *> Args) {
  MergeOptions Opts;
  for (size_t I = 0; I < Args.size(); ++I) {
    StringRef A = Args[I];
    if (A == "-o" && I + 1 < Args.size())
      Opts.Output = Args[++I];
    else if (A.starts_with("-o="))
      Opts.Output = A.drop_front(3).str();
    else if (A == "--config" && I + 1 < Args.size())
      Opts.Tidy.Config = Args[++I];
    else if (A.starts_with("--config="))
      Opts.Tidy.Config = A.drop_front(9).str();
    else if (A == "-h" || A == "--help") {
      Opts.Help = true;
      return Opts;
    } else if (A.starts_with("-"))
      return usageError("merge: unknown option '" + A + "'");
    else
      Opts.Inputs.push_back(A.str());
  }
  if (Opts.Inputs.empty() || Opts.Output.empty())
    return usageError("merge needs input databases and -o OUTPUT");
  return Opts;
}

} // namespace concur::advise
