//===--- ConcurAdvise.cpp - The whole-project concurrency advisor ---------===//
//
// concur-advise analyses every translation unit of a compilation database
// and reports which concurrency model each function and loop should use,
// with the same findings the clang-tidy checks give, but over the whole
// program: a loop in a.cpp that calls a helper in b.cpp that calls `recv` is
// I/O-bound.
//
// Design
// ------
// Three layers, as in include-what-you-use: collect, decide, report.
//
//  * Collect (UnitRunner). Each translation unit is parsed once, in process.
//    On that AST, clang-tidy's own library (ClangTidyASTConsumerFactory,
//    ClangTidyDiagnosticConsumer) runs the concur checks, so messages, notes,
//    NOLINT, .clang-tidy options, header filters and fixes are exactly
//    clang-tidy's; and a collector computes the *local* summary of every
//    function defined in the main file: its effects with calls into other
//    units left unresolved (ExternalCall, with the hops that lead to it).
//    The checks get cross-unit facts from a SummaryProvider over the linked
//    summaries, installed for the worker thread; it records each USR looked
//    up with the fingerprint of the answer.
//
//  * Decide (Project, SummaryDatabase). Local summaries, findings, the files
//    each unit read (with content hashes) and its lookups go to SQLite. The
//    linker folds external calls bottom-up over the whole-program call graph
//    (Tarjan's SCCs, so recursion across units is solved like recursion in
//    one unit): the fixed point of "a summary includes its callees'". Local
//    summaries never depend on other units, so after one link every unit
//    whose recorded lookups disagree with the new fingerprints is re-checked
//    once, and the result is final. A cold run re-checks few: units are
//    analysed callees first (UnitOrder guesses the order from a raw lexing)
//    and each sees the units stored before it, linked on demand
//    (IncrementalLinker). A unit is re-parsed only when its key
//    (compile command, checks, options, .clang-tidy/.concur.yaml, tool
//    version) or the content of a file it read changed; an unchanged tree
//    parses nothing.
//
//  * Report (Report). Everything is rendered from the database alone, so
//    --from-db and `merge` of sharded databases need no parsing. Formats:
//    text (clang-style, evidence chain as notes), json (schema
//    "concur-advise/1"), sarif (2.1.0), html (one self-contained page),
//    markdown.
//
// Glossary
//   unit         a translation unit: one main file of the compile database
//   local        a summary computed inside one unit, external calls open
//   linked       a summary with every external call folded in
//   lookup       a check asking the provider for a linked summary by USR
//   fingerprint  hash of a linked summary; a changed one re-checks its users
//
// Exit status (the CI contract)
//   0  no finding at or above --fail-on (default: warning)
//   1  findings at or above --fail-on
//   2  usage or configuration error (bad option, missing or malformed
//      compilation database, a named file absent from it, malformed
//      .concur.yaml or --config, unusable summaries database or baseline)
//   3  some translation units could not be analysed (the rest are reported,
//      and the failed ones are named); takes precedence over 1
//
//===----------------------------------------------------------------------===//

#include "Project.h"
#include "Report.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/BuryPointer.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/CrashRecoveryContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "clang/Tooling/JSONCompilationDatabase.h"

using namespace llvm;
using namespace concur;
using namespace concur::advise;

namespace {

enum ExitCode { ExitClean = 0, ExitFindings = 1, ExitUsage = 2, ExitFailedUnits = 3 };

cl::OptionCategory Category("concur-advise options");

cl::list<std::string> Files(cl::Positional, cl::desc("[<file> ...]"),
                            cl::cat(Category));
cl::opt<std::string> BuildPath("p", cl::desc("Build directory with compile_commands.json"),
                               cl::value_desc("build-dir"), cl::cat(Category));
cl::opt<unsigned> Jobs("j", cl::desc("Translation units analysed in parallel (default: all cores)"),
                       cl::init(0), cl::Prefix, cl::cat(Category));
cl::opt<std::string> SummariesPath(
    "summaries",
    cl::desc("Summaries database (default: <build-dir>/concur-summaries.db)"),
    cl::value_desc("file"), cl::cat(Category));
cl::opt<std::string> Shard("shard", cl::desc("Analyse only slice I of N (1-based): I/N"),
                           cl::value_desc("I/N"), cl::cat(Category));
cl::opt<bool> FromDb("from-db", cl::desc("Report from the summaries database without parsing"),
                     cl::cat(Category));
cl::opt<std::string> FormatName("format",
                                cl::desc("Output format: text, json, sarif, html, markdown"),
                                cl::init("text"), cl::cat(Category));
cl::opt<std::string> OutputPath("o", cl::desc("Write the report to this file"),
                                cl::value_desc("file"), cl::cat(Category));
cl::opt<std::string> FailOn("fail-on",
                            cl::desc("Exit 1 for findings at or above: none, note, warning, error"),
                            cl::init("warning"), cl::cat(Category));
cl::opt<std::string> Baseline("baseline", cl::desc("Hide findings recorded in this baseline"),
                              cl::value_desc("file"), cl::cat(Category));
cl::opt<std::string> WriteBaseline("write-baseline",
                                   cl::desc("Record the current findings as a baseline"),
                                   cl::value_desc("file"), cl::cat(Category));
cl::opt<std::string> Explain("explain",
                             cl::desc("Explain one function: class, scores, evidence, decision path"),
                             cl::value_desc("name"), cl::cat(Category));
cl::opt<bool> Summary("summary",
                      cl::desc("Print counts per class and model and the top "
                               "functions instead of the report (-o still "
                               "writes it)"),
                      cl::cat(Category));
cl::opt<std::string> Checks("checks", cl::desc("clang-tidy check globs, after -*,concur-*"),
                            cl::cat(Category));
cl::opt<std::string> Config("config", cl::desc("clang-tidy configuration (YAML), as clang-tidy --config"),
                            cl::cat(Category));
cl::opt<std::string> HeaderFilter("header-filter",
                                  cl::desc("Report findings in headers matching this regex"),
                                  cl::cat(Category));
cl::list<std::string> ExtraArgs("extra-arg", cl::desc("Append to the compiler command line"),
                                cl::cat(Category));
cl::list<std::string> ExtraArgsBefore("extra-arg-before",
                                      cl::desc("Prepend to the compiler command line"),
                                      cl::cat(Category));
cl::opt<std::string> ProgressName("progress",
                                  cl::desc("Progress on stderr: auto, bar, lines, none"),
                                  cl::init("auto"), cl::cat(Category));
cl::opt<bool> Fix("fix", cl::desc("Apply the fixes of warnings and errors"), cl::cat(Category));
cl::opt<bool> Quiet("quiet", cl::desc("No statistics on stderr"), cl::cat(Category));
cl::opt<bool> PrintStats("incremental-stats",
                         cl::desc("Print which units were parsed and re-checked"),
                         cl::cat(Category));
cl::opt<unsigned> KeptMiB(
    "kept-memory",
    cl::desc("Keep units parsed, to check them again without parsing when "
             "facts of other units change, while the heap holds less than "
             "this many MiB (default: a quarter of the memory, at most 4096; "
             "0: never)"),
    cl::cat(Category));
cl::opt<std::string> DocBase("doc-url",
                             cl::desc("Base URL of the checks' documentation (default: "
                                      "the installed pages, else the source tree's)"),
                             cl::cat(Category));

/// The checks' pages installed beside the executable
/// (<prefix>/share/doc/concur/checks/), else those of the source tree it was
/// built from.
std::string defaultDocBase(const char *Argv0) {
  std::string Executable =
      sys::fs::getMainExecutable(Argv0, reinterpret_cast<void *>(&defaultDocBase));
  SmallString<256> Installed(sys::path::parent_path(sys::path::parent_path(Executable)));
  sys::path::append(Installed, "share", "doc", "concur", "checks");
  if (!Executable.empty() && sys::fs::is_directory(Installed))
    return "file://" + std::string(Installed) + "/";
  return CONCUR_DOCS_URL;
}

int usage(const Twine &Message) {
  WithColor::error(errs(), "concur-advise") << Message << "\n";
  return ExitUsage;
}

std::string absolute(StringRef Path) {
  SmallString<256> P(Path);
  sys::fs::make_absolute(P);
  sys::path::remove_dots(P, /*remove_dot_dot=*/true);
  return std::string(P);
}

/// `concur-advise merge A.db B.db ... -o ALL.db`
int runMerge(ArrayRef<const char *> Args) {
  std::vector<std::string> Inputs;
  std::string Output;
  // The link classifies each file's functions with its check options: the
  // shards' --config, else its .clang-tidy files.
  TidySettings Tidy;
  for (size_t I = 0; I < Args.size(); ++I) {
    StringRef A = Args[I];
    if (A == "-o" && I + 1 < Args.size())
      Output = Args[++I];
    else if (A.starts_with("-o="))
      Output = A.drop_front(3).str();
    else if (A == "--config" && I + 1 < Args.size())
      Tidy.Config = Args[++I];
    else if (A.starts_with("--config="))
      Tidy.Config = A.drop_front(9).str();
    else if (A == "-h" || A == "--help") {
      outs() << "USAGE: concur-advise merge A.db B.db ... -o ALL.db "
                "[--config TEXT]\n"
                "Combines summaries databases (e.g. of --shard runs) and links "
                "them; --config is the one the shards ran with.\n";
      return ExitClean;
    } else if (A.starts_with("-"))
      return usage("merge: unknown option '" + A + "'");
    else
      Inputs.push_back(A.str());
  }
  if (Inputs.empty() || Output.empty())
    return usage("merge needs input databases and -o OUTPUT");
  if (std::string Error = validateTidySettings(Tidy); !Error.empty())
    return usage("merge: " + Error);
  for (const std::string &In : Inputs)
    if (absolute(In) == absolute(Output))
      return usage("merge: the output '" + Output + "' is also an input");
  for (StringRef Suffix : {"", "-wal", "-shm"})
    sys::fs::remove(Output + Suffix.str());
  auto Db = SummaryDatabase::open(Output, SummaryDatabase::OpenMode::ReadWrite);
  if (!Db)
    return usage(toString(Db.takeError()));
  for (const std::string &In : Inputs)
    if (Error E = (*Db)->mergeFrom(In))
      return usage(toString(std::move(E)));
  unsigned Functions = 0;
  if (Error E = linkDatabase(**Db, Tidy, &Functions))
    return usage(toString(std::move(E)));
  auto Units = (*Db)->units(/*WithDeps=*/false);
  auto Stale = staleFindings(**Db, {});
  if (!Units || !Stale) {
    consumeError(Units.takeError());
    consumeError(Stale.takeError());
    return usage("merge: cannot read the merged database");
  }
  errs() << "concur-advise: merged " << Inputs.size() << " databases into "
         << Output << ": " << Units->size() << " units, " << Functions
         << " functions";
  if (!Stale->empty())
    errs() << "; " << Stale->size()
           << " units used facts from other shards and are re-checked by the "
              "next run with -p over this database";
  errs() << "\n";
  return ExitClean;
}

} // namespace

static int runAdvise(int argc, const char **argv) {
  if (argc > 1 && StringRef(argv[1]) == "merge")
    return runMerge(ArrayRef<const char *>(argv + 2, argv + argc));

  // `file -- compiler args` as clang-tidy: a fixed compilation database.
  std::string FixedError;
  std::unique_ptr<clang::tooling::CompilationDatabase> Fixed =
      clang::tooling::FixedCompilationDatabase::loadFromCommandLine(argc, argv,
                                                                    FixedError);
  cl::HideUnrelatedOptions(Category);
  cl::SetVersionPrinter([](raw_ostream &OS) { OS << "concur-advise 0.1.0\n"; });
  if (!cl::ParseCommandLineOptions(
          argc, argv,
          "concur-advise: which concurrency model should this C or C++ code "
          "use?\n\n"
          "  concur-advise -p build/ [files...]      analyse a project\n"
          "  concur-advise file.cpp -- -std=c++20    one file, fixed flags\n"
          "  concur-advise merge A.db B.db -o ALL.db combine sharded runs\n",
          &errs()))
    return ExitUsage;

  std::optional<Format> Form = StringSwitch<std::optional<Format>>(FormatName)
                                   .Case("text", Format::Text)
                                   .Case("json", Format::Json)
                                   .Case("sarif", Format::Sarif)
                                   .Case("html", Format::Html)
                                   .Case("markdown", Format::Markdown)
                                   .Default(std::nullopt);
  if (!Form)
    return usage("unknown --format '" + FormatName +
                 "' (text, json, sarif, html, markdown)");
  if (severityRank(FailOn) == 0 && FailOn != "none")
    return usage("unknown --fail-on '" + FailOn + "' (none, note, warning, error)");
  std::optional<ProgressMode> Progress =
      StringSwitch<std::optional<ProgressMode>>(ProgressName)
          .Case("auto", ProgressMode::Auto)
          .Case("bar", ProgressMode::Bar)
          .Case("lines", ProgressMode::Lines)
          .Case("none", ProgressMode::None)
          .Default(std::nullopt);
  if (!Progress)
    return usage("unknown --progress '" + ProgressName + "' (auto, bar, lines, none)");
  unsigned ShardIndex = 0, ShardCount = 0;
  if (!Shard.empty()) {
    auto [I, N] = StringRef(Shard).split('/');
    if (I.getAsInteger(10, ShardIndex) || N.getAsInteger(10, ShardCount) ||
        ShardCount == 0 || ShardIndex == 0 || ShardIndex > ShardCount)
      return usage("--shard expects I/N with 1 <= I <= N, not '" + Shard + "'");
  }
  // A database's fix offsets are trusted only right after a run has
  // verified the files they edit; --from-db verifies nothing.
  if (FromDb && Fix)
    return usage("--fix cannot be used with --from-db: the stored fixes may "
                 "not match the files any more (run with -p to fix)");
  if (FromDb && Fixed)
    return usage("--from-db reads the database only; it takes no compiler "
                 "flags");

  // The compilation database.
  std::unique_ptr<clang::tooling::CompilationDatabase> Compilations;
  std::string DbDir;
  if (Fixed) {
    Compilations = std::move(Fixed);
  } else if (!BuildPath.empty()) {
    DbDir = absolute(BuildPath);
    if (!FromDb) {
      std::string Error;
      if (!sys::fs::is_directory(DbDir) && !sys::fs::exists(DbDir))
        return usage("build directory '" + BuildPath + "' does not exist");
      SmallString<256> JsonPath(DbDir);
      if (sys::fs::is_directory(DbDir))
        sys::path::append(JsonPath, "compile_commands.json");
      else
        DbDir = sys::path::parent_path(DbDir).str();
      if (!sys::fs::exists(JsonPath))
        return usage("no compilation database: '" + std::string(JsonPath) +
                     "' does not exist (configure with "
                     "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON)");
      Compilations = clang::tooling::JSONCompilationDatabase::loadFromFile(
          JsonPath, Error, clang::tooling::JSONCommandLineSyntax::AutoDetect);
      if (!Compilations)
        return usage("malformed compilation database '" + std::string(JsonPath) +
                     "': " + Error);
    }
  } else if (!FromDb || SummariesPath.empty()) {
    if (Files.empty())
      return usage("nothing to analyse: give -p <build-dir> or files followed "
                   "by -- and compiler flags (see --help)");
    std::string Error;
    Compilations = clang::tooling::CompilationDatabase::autoDetectFromSource(
        absolute(Files.front()), Error);
    if (!Compilations)
      return usage("no compilation database found for '" + Files.front() +
                   "': " + Error + " (give -p <build-dir>, or -- and flags)");
  }

  // The summaries database: given, next to the compilation database, or a
  // scratch file for a one-off run with fixed flags.
  std::string DbPath = SummariesPath;
  std::optional<FileRemover> Scratch;
  if (DbPath.empty()) {
    if (!DbDir.empty()) {
      SmallString<256> P(DbDir);
      sys::path::append(P, "concur-summaries.db");
      DbPath = std::string(P);
    } else {
      SmallString<256> P;
      int FD;
      if (std::error_code EC =
              sys::fs::createTemporaryFile("concur-summaries", "db", FD, P))
        return usage("cannot create a scratch database: " + EC.message());
      sys::Process::SafelyCloseFileDescriptor(FD);
      sys::fs::remove(P); // SQLite creates it
      DbPath = std::string(P);
      Scratch.emplace(DbPath);
    }
  }

  // The units.
  std::vector<std::string> Units;
  if (Compilations) {
    if (!Files.empty()) {
      for (const std::string &F : Files) {
        std::string File = absolute(F);
        if (!sys::fs::exists(File))
          return usage("'" + F + "' does not exist");
        if (Compilations->getCompileCommands(File).empty())
          return usage("'" + F + "' is not in the compilation database");
        if (!isCOrCxxUnit(*Compilations, File))
          return usage("'" + F + "' is not compiled as C or C++");
        Units.push_back(File);
      }
    } else {
      unsigned Skipped = 0;
      for (const std::string &F : Compilations->getAllFiles()) {
        if (isCOrCxxUnit(*Compilations, F))
          Units.push_back(absolute(F));
        else
          ++Skipped;
      }
      if (Skipped)
        WithColor::note(errs(), "concur-advise")
            << Skipped << " file" << (Skipped == 1 ? "" : "s")
            << " of the compilation database not compiled as C or C++ "
               "(assembly, other languages) skipped\n";
    }
    llvm::sort(Units);
    Units.erase(std::unique(Units.begin(), Units.end()), Units.end());
    if (ShardCount) {
      std::vector<std::string> Slice;
      for (size_t I = 0; I < Units.size(); ++I)
        if (I % ShardCount == ShardIndex - 1)
          Slice.push_back(Units[I]);
      Units = std::move(Slice);
    }
  } else {
    for (const std::string &F : Files)
      Units.push_back(absolute(F));
  }

  auto Db = SummaryDatabase::open(DbPath, FromDb
                                              ? SummaryDatabase::OpenMode::ReadOnly
                                              : SummaryDatabase::OpenMode::RebuildIfInvalid);
  if (!Db)
    return usage(toString(Db.takeError()));
  if (!(*Db)->rebuildReason().empty())
    WithColor::warning(errs(), "concur-advise")
        << (*Db)->rebuildReason() << "; rebuilt it from scratch\n";

  if (!FromDb) {
    ProjectOptions Opts;
    Opts.Compilations = Compilations.get();
    Opts.Units = Units;
    Opts.Jobs = Jobs;
    Opts.Tidy.Checks = Checks;
    Opts.Tidy.Config = Config;
    if (HeaderFilter.getNumOccurrences())
      Opts.Tidy.HeaderFilter = std::string(HeaderFilter);
    Opts.Tidy.ExtraArgs.assign(ExtraArgs.begin(), ExtraArgs.end());
    Opts.Tidy.ExtraArgsBefore.assign(ExtraArgsBefore.begin(), ExtraArgsBefore.end());
    Opts.Progress = *Progress;
    Opts.Prune = Files.empty() && !ShardCount;
    Opts.KeptBudget = KeptMiB.getNumOccurrences() ? size_t(KeptMiB) << 20
                                                  : defaultKeptBudget();
    CrashRecoveryContext::Enable();
    Expected<ProjectStats> Stats = analyseProject(Opts, **Db);
    if (!Stats)
      return usage(toString(Stats.takeError()));
    if (PrintStats) {
      errs() << "concur-advise: " << Stats->Units << " units, "
             << Stats->Parsed.size() << " parsed, " << Stats->Rechecked.size()
             << " re-checked (" << Stats->RecheckedKept << " on a kept AST), "
             << Stats->Functions << " functions linked"
             << formatv(" (analysing {0:f1}s, linking {1:f1}s, re-checking "
                        "{2:f1}s)\n",
                        Stats->AnalyseSeconds, Stats->LinkSeconds,
                        Stats->RecheckSeconds);
      for (const std::string &F : Stats->Parsed)
        errs() << "  parsed: " << F << "\n";
      for (const std::string &F : Stats->Rechecked)
        errs() << "  re-checked: " << F << "\n";
    }
  }

  Expected<Report> Loaded = loadReport(**Db, FromDb && Files.empty() ? std::vector<std::string>() : Units);
  if (!Loaded)
    return usage(toString(Loaded.takeError()));
  // The report lives until the process exits: freeing its thousands of
  // evidence chains only delays the exit (as clang's -disable-free).
  auto Owned = std::make_unique<Report>(std::move(*Loaded));
  Report &R = *Owned;
  BuryPointer(std::move(Owned));
  if (FromDb) {
    auto Stale = staleFindings(**Db, Units);
    if (!Stale)
      return usage(toString(Stale.takeError()));
    if (!Stale->empty())
      WithColor::warning(errs(), "concur-advise")
          << Stale->size() << " units' findings predate facts they use (a "
          << "merged database?); run concur-advise -p <build-dir> --summaries "
          << DbPath << " to refresh them\n";
  }

  if (!WriteBaseline.empty())
    if (Error E = writeBaseline(R, WriteBaseline))
      return usage(toString(std::move(E)));
  if (!Baseline.empty())
    if (Error E = applyBaseline(R, Baseline))
      return usage(toString(std::move(E)));

  if (!Explain.empty()) {
    if (!explain(R, Explain, outs())) {
      return usage("no function named '" + Explain + "' in the analysed units");
    }
  } else {
    RenderOptions Opts;
    Opts.Form = *Form;
    Opts.DocBase = DocBase.getNumOccurrences() ? DocBase : defaultDocBase(argv[0]);
    if (!StringRef(Opts.DocBase).ends_with("/"))
      Opts.DocBase += "/";
    if (OutputPath.empty()) {
      // --summary asks for the summary instead of the report on stdout.
      if (!Summary) {
        Opts.Color = *Form == Format::Text && outs().has_colors();
        render(R, Opts, outs());
      }
    } else {
      std::error_code EC;
      ToolOutputFile Out(OutputPath, EC, sys::fs::OF_Text);
      if (EC)
        return usage("cannot write '" + OutputPath + "': " + EC.message());
      Out.os().SetBufferSize(1 << 20); // reports run to megabytes
      render(R, Opts, Out.os());
      Out.keep();
    }
  }
  if (Summary)
    renderSummary(R, outs());

  // The report and the exit status describe the code before the fixes.
  if (Fix && !R.Failed.empty()) {
    // As clang-tidy without --fix-errors: an AST with errors may place
    // edits wrongly, so nothing is changed.
    WithColor::warning(errs(), "concur-advise")
        << "no fixes applied: some translation units could not be analysed\n";
  } else if (Fix) {
    Expected<FixOutcome> Applied = applyFixes(R);
    if (!Applied)
      return usage(toString(Applied.takeError()));
    if (!Quiet) {
      errs() << "concur-advise: applied " << Applied->Applied << " fixes in "
             << Applied->Files << " files";
      if (Applied->Conflicting)
        errs() << "; " << Applied->Conflicting
               << " skipped (they overlap a fix applied first: run again)";
      errs() << "\n";
    }
  }

  unsigned AtThreshold = 0;
  int Threshold = severityRank(FailOn);
  for (const FindingRecord &F : R.Findings)
    if (severityRank(F.Severity == "remark" ? "note" : F.Severity) >= Threshold)
      ++AtThreshold;
  if (!Quiet) {
    errs() << "concur-advise: " << R.Findings.size() << " findings in "
           << R.Units << " units";
    if (R.Hidden)
      errs() << " (" << R.Hidden << " hidden by the baseline)";
    errs() << "\n";
  }
  if (!R.Failed.empty()) {
    WithColor::error(errs(), "concur-advise")
        << R.Failed.size() << " of " << R.Units
        << " translation units could not be analysed:\n";
    for (const FailedUnit &U : R.Failed)
      errs() << "  " << U.File << ": " << U.Error << "\n";
    return ExitFailedUnits;
  }
  return AtThreshold ? ExitFindings : ExitClean;
}

int main(int argc, const char **argv) {
  InitLLVM X(argc, argv);
  int Code = runAdvise(argc, argv);
  outs().flush();
  errs().flush();
  // Everything of ours is closed by now. LLVM's shutdown is skipped: a unit
  // whose front end crashed (and was recovered) can leave LLVM's global timer
  // lock held by the abandoned frame, and the shutdown would wait forever.
  sys::Process::Exit(Code, /*NoCleanup=*/true);
}
