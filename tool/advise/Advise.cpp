//===--- Advise.cpp - One run of concur-advise ----------------------------===//

#include "Advise.h"
#include "Baseline.h"
#include "Decide.h"
#include "Explain.h"
#include "Fixes.h"
#include "ProfileJoin.h"
#include "clang/Tooling/JSONCompilationDatabase.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/BuryPointer.h"
#include "llvm/Support/CrashRecoveryContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;

namespace concur::advise {

namespace {

/// The checks' pages installed beside the executable
/// (<prefix>/share/doc/concur/checks/), else those of the source tree it was
/// built from.
std::string defaultDocBase(const char *Argv0) {
  std::string Executable = sys::fs::getMainExecutable(
      Argv0, reinterpret_cast<void *>(&defaultDocBase));
  SmallString<256> Installed(
      sys::path::parent_path(sys::path::parent_path(Executable)));
  sys::path::append(Installed, "share", "doc", "concur", "checks");
  if (!Executable.empty() && sys::fs::is_directory(Installed))
    return "file://" + std::string(Installed) + "/";
  return CONCUR_DOCS_URL;
}

/// One run, step by step; each step reads what the ones before it set.
class AdviseRun {
public:
  AdviseRun(const AdviseOptions &Opts, const char *Argv0)
      : Opts(Opts), Argv0(Argv0) {}

  int run();

private:
  Error openCompilations();
  Error loadCompilationDatabase();
  Error chooseDatabasePath();
  Error selectUnits();
  Error checkNamedFiles();
  Error openDatabase();
  Error openRecheckInto(const Provenance &From);
  Error analyse();
  int finishRecheck();
  void printStats(const ProjectStats &Stats);
  Expected<Report *> loadDecidedReport();
  Error writeOutput(const Report &R);
  Error writeReport(const Report &R);
  Error fix(const Report &R);
  int finish(const Report &R);

  const AdviseOptions &Opts;
  const char *Argv0;
  std::shared_ptr<clang::tooling::CompilationDatabase> Compilations;
  /// The build directory, where the summaries database goes by default.
  std::string DbDir;
  std::string DbPath;
  std::optional<FileRemover> Scratch;
  std::vector<std::string> Units;
  /// projectIdentity() of every unit of the compilation database.
  std::string ProjectId;
  std::unique_ptr<UnitCache> Db;
  /// --recheck-into's database, once this run created it.
  std::unique_ptr<UnitCache> Rechecked;
};

int AdviseRun::run() {
  for (auto Step :
       {&AdviseRun::openCompilations, &AdviseRun::chooseDatabasePath,
        &AdviseRun::selectUnits, &AdviseRun::openDatabase, &AdviseRun::analyse})
    if (Error E = (this->*Step)()) {
      if (Rechecked) {
        // No half-written findings database for the merge to pick up.
        Rechecked.reset();
        removeDatabaseFiles(Opts.RecheckInto);
      }
      return reportUsage(std::move(E));
    }
  if (Rechecked)
    return finishRecheck();
  Expected<Report *> Loaded = loadDecidedReport();
  if (!Loaded)
    return reportUsage(Loaded.takeError());
  Report &R = **Loaded;
  if (!Opts.WriteBaseline.empty())
    if (Error E = writeBaseline(R, Opts.WriteBaseline))
      return reportUsage(std::move(E));
  if (!Opts.Baseline.empty())
    if (Error E = applyBaseline(R, Opts.Baseline))
      return reportUsage(std::move(E));
  if (Error E = writeOutput(R))
    return reportUsage(std::move(E));
  // The report and the exit status describe the code before the fixes.
  if (Error E = fix(R))
    return reportUsage(std::move(E));
  return finish(R);
}

Error AdviseRun::openCompilations() {
  if (Opts.Fixed) {
    Compilations = Opts.Fixed;
    return Error::success();
  }
  if (!Opts.BuildPath.empty()) {
    DbDir = absolutePath(Opts.BuildPath);
    return Opts.FromDb ? Error::success() : loadCompilationDatabase();
  }
  if (Opts.FromDb && !Opts.SummariesPath.empty())
    return Error::success();
  if (Opts.Files.empty())
    return usageError("nothing to analyse: give -p <build-dir> or files "
                      "followed by -- and compiler flags (see --help)");
  std::string Error;
  Compilations = clang::tooling::CompilationDatabase::autoDetectFromSource(
      absolutePath(Opts.Files.front()), Error);
  if (!Compilations)
    return usageError("no compilation database found for '" +
                      Opts.Files.front() + "': " + Error +
                      " (give -p <build-dir>, or -- and flags)");
  return Error::success();
}

/// The compile_commands.json of -p, a directory or the file itself.
Error AdviseRun::loadCompilationDatabase() {
  if (!sys::fs::is_directory(DbDir) && !sys::fs::exists(DbDir))
    return usageError("build directory '" + Opts.BuildPath +
                      "' does not exist");
  SmallString<256> JsonPath(DbDir);
  if (sys::fs::is_directory(DbDir))
    sys::path::append(JsonPath, "compile_commands.json");
  else
    DbDir = sys::path::parent_path(DbDir).str();
  if (!sys::fs::exists(JsonPath))
    return usageError("no compilation database: '" + JsonPath +
                      "' does not exist (configure with "
                      "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON)");
  std::string Error;
  Compilations = clang::tooling::JSONCompilationDatabase::loadFromFile(
      JsonPath, Error, clang::tooling::JSONCommandLineSyntax::AutoDetect);
  if (!Compilations)
    return usageError("malformed compilation database '" + JsonPath +
                      "': " + Error);
  return Error::success();
}

/// The summaries database: given, next to the compilation database, or a
/// scratch file for a one-off run with fixed flags.
Error AdviseRun::chooseDatabasePath() {
  DbPath = Opts.SummariesPath;
  if (!DbPath.empty())
    return Error::success();
  if (!DbDir.empty()) {
    SmallString<256> P(DbDir);
    sys::path::append(P, "concur-summaries.db");
    DbPath = std::string(P);
    return Error::success();
  }
  SmallString<256> P;
  int FD;
  if (std::error_code EC =
          sys::fs::createTemporaryFile("concur-summaries", "db", FD, P))
    return usageError("cannot create a scratch database: " + EC.message());
  sys::Process::SafelyCloseFileDescriptor(FD);
  sys::fs::remove(P); // SQLite creates it
  DbPath = std::string(P);
  Scratch.emplace(DbPath);
  return Error::success();
}

/// The units: the files named, else every C or C++ file of the compilation
/// database, then this run's shard of them.
Error AdviseRun::selectUnits() {
  if (!Compilations) {
    for (const std::string &F : Opts.Files)
      Units.push_back(absolutePath(F));
    return Error::success();
  }
  if (!Opts.Files.empty()) {
    if (Error E = checkNamedFiles())
      return E;
  } else {
    unsigned Skipped = 0;
    for (const std::string &F : Compilations->getAllFiles()) {
      if (isCOrCxxUnit(*Compilations, F))
        Units.push_back(absolutePath(F));
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
  ProjectId = projectIdentity(Units);
  if (Opts.ShardCount) {
    std::vector<std::string> Slice;
    for (size_t I = 0; I < Units.size(); ++I)
      if (I % Opts.ShardCount == Opts.ShardIndex - 1)
        Slice.push_back(Units[I]);
    Units = std::move(Slice);
  }
  return Error::success();
}

Error AdviseRun::checkNamedFiles() {
  for (const std::string &F : Opts.Files) {
    std::string File = absolutePath(F);
    if (!sys::fs::exists(File))
      return usageError("'" + F + "' does not exist");
    if (Compilations->getCompileCommands(File).empty())
      return usageError("'" + F + "' is not in the compilation database");
    if (!isCOrCxxUnit(*Compilations, File))
      return usageError("'" + F + "' is not compiled as C or C++");
    Units.push_back(File);
  }
  return Error::success();
}

Error AdviseRun::openDatabase() {
  bool Writes = !Opts.FromDb && Opts.RecheckInto.empty();
  auto Opened =
      UnitCache::open(DbPath, Writes ? UnitCache::OpenMode::RebuildIfInvalid
                                     : UnitCache::OpenMode::ReadOnly);
  if (!Opened)
    return Opened.takeError();
  Db = std::move(*Opened);
  if (!Db->rebuildReason().empty())
    WithColor::warning(errs(), "concur-advise")
        << Db->rebuildReason() << "; rebuilt it from scratch\n";
  Expected<Provenance> From = Db->provenance();
  if (!From)
    return From.takeError();
  if (From->FindingsOnly)
    return usageError("'" + DbPath +
                      "' holds only the findings of re-checked units "
                      "(--recheck-into): merge it into the database they were "
                      "re-checked against (concur-advise merge ALL.db " +
                      DbPath + " ... -o FINAL.db) and report from that");
  if (!Opts.RecheckInto.empty())
    return openRecheckInto(*From);
  if (!Writes)
    return Error::success();
  // Where the units come from, for `merge` to check that shards fit.
  Provenance Now;
  Now.Project = ProjectId;
  Now.Version = analysisVersion().str();
  Now.ShardIndex = Opts.ShardIndex;
  Now.ShardCount = Opts.ShardCount;
  return Db->setProvenance(Now);
}

/// The second phase of a sharded run reads the merged database \p From and
/// writes a new findings-only database, marked with the facts it is
/// re-checked against.
Error AdviseRun::openRecheckInto(const Provenance &From) {
  if (!From.Version.empty() && From.Version != analysisVersion())
    return usageError("'" + DbPath +
                      "' was written by another version of concur-advise "
                      "(analysis " +
                      From.Version + ", this is " + analysisVersion().str() +
                      "): run every phase with the same version");
  if (!From.Project.empty() && From.Project != ProjectId)
    return usageError("'" + DbPath +
                      "' comes from another project: its units are not "
                      "those of this compilation database");
  if (absolutePath(Opts.RecheckInto) == absolutePath(DbPath))
    return usageError("--recheck-into '" + Opts.RecheckInto +
                      "' is the summaries database it re-checks against");
  Expected<std::string> Facts = factsIdentity(*Db);
  if (!Facts)
    return Facts.takeError();
  removeDatabaseFiles(Opts.RecheckInto);
  auto Created =
      UnitCache::open(Opts.RecheckInto, UnitCache::OpenMode::ReadWrite);
  if (!Created)
    return Created.takeError();
  Rechecked = std::move(*Created);
  Provenance Out;
  Out.Project = ProjectId;
  Out.Version = analysisVersion().str();
  Out.ShardIndex = Opts.ShardCount ? Opts.ShardIndex : 1;
  Out.ShardCount = Opts.ShardCount ? Opts.ShardCount : 1;
  Out.FindingsOnly = true;
  Out.Facts = *Facts;
  return Rechecked->setProvenance(Out);
}

Error AdviseRun::analyse() {
  if (Opts.FromDb)
    return Error::success();
  ProjectOptions Project;
  Project.Compilations = Compilations.get();
  Project.Units = Units;
  Project.Jobs = Opts.Jobs;
  Project.Tidy = Opts.Tidy;
  Project.Progress = Opts.Progress;
  Project.Prune =
      Opts.Files.empty() && !Opts.ShardCount && Opts.RecheckInto.empty();
  Project.KeptBudget = Opts.KeptBudget.value_or(defaultKeptBudget());
  Project.RecheckInto = Rechecked.get();
  CrashRecoveryContext::Enable();
  Expected<ProjectStats> Stats = analyseProject(Project, *Db);
  if (!Stats)
    return Stats.takeError();
  if (Opts.PrintStats)
    printStats(*Stats);
  return Error::success();
}

void AdviseRun::printStats(const ProjectStats &Stats) {
  errs() << "concur-advise: " << Stats.Units << " units, "
         << Stats.Parsed.size() << " parsed, " << Stats.Rechecked.size()
         << " re-checked (" << Stats.RecheckedKept << " on a kept AST), "
         << Stats.Functions << " functions linked"
         << formatv(" (analysing {0:f1}s, linking {1:f1}s, re-checking "
                    "{2:f1}s)\n",
                    Stats.AnalyseSeconds, Stats.LinkSeconds,
                    Stats.RecheckSeconds);
  for (const std::string &F : Stats.Parsed)
    errs() << "  parsed: " << F << "\n";
  for (const std::string &F : Stats.Rechecked)
    errs() << "  re-checked: " << F << "\n";
}

Expected<Report *> AdviseRun::loadDecidedReport() {
  Expected<Report> Loaded = loadReport(*Db, Opts.FromDb && Opts.Files.empty()
                                                ? std::vector<std::string>()
                                                : Units);
  if (!Loaded)
    return Loaded.takeError();
  if (!Opts.Profile.empty()) {
    auto Profile = loadProfile(Opts.Profile);
    if (!Profile)
      return usageError(toString(Profile.takeError()));
    joinProfile(*Loaded, *Profile,
                {Opts.ProfileFindings, Opts.ProfileOverrides});
  }
  decideReport(*Loaded);
  // The report lives until the process exits: freeing its thousands of
  // evidence chains only delays the exit (as clang's -disable-free).
  auto Owned = std::make_unique<Report>(std::move(*Loaded));
  Report *R = Owned.get();
  BuryPointer(std::move(Owned));
  if (!Opts.FromDb)
    return R;
  auto Stale = staleFindings(*Db, Units);
  if (!Stale)
    return Stale.takeError();
  if (!Stale->empty())
    WithColor::warning(errs(), "concur-advise")
        << Stale->size() << " units' findings predate facts they use (a "
        << "merged database?); run concur-advise -p <build-dir> --summaries "
        << DbPath << " to refresh them\n";
  return R;
}

/// The report, the explanation of one function, or the summary.
Error AdviseRun::writeOutput(const Report &R) {
  if (!Opts.Explain.empty()) {
    if (!explain(R, Opts.Explain, outs()))
      return usageError("no function named '" + Opts.Explain +
                        "' in the analysed units");
  } else if (Error E = writeReport(R)) {
    return E;
  }
  if (Opts.Summary)
    renderSummary(R, outs());
  return Error::success();
}

Error AdviseRun::writeReport(const Report &R) {
  RenderOptions Render;
  Render.Form = Opts.Form;
  Render.DocBase = Opts.DocBase ? *Opts.DocBase : defaultDocBase(Argv0);
  if (!StringRef(Render.DocBase).ends_with("/"))
    Render.DocBase += "/";
  if (Opts.OutputPath.empty()) {
    // --summary asks for the summary instead of the report on stdout.
    if (!Opts.Summary) {
      Render.Color = Opts.Form == Format::Text && outs().has_colors();
      render(R, Render, outs());
    }
    return Error::success();
  }
  std::error_code EC;
  ToolOutputFile Out(Opts.OutputPath, EC, sys::fs::OF_Text);
  if (EC)
    return usageError("cannot write '" + Opts.OutputPath +
                      "': " + EC.message());
  Out.os().SetBufferSize(1 << 20); // reports run to megabytes
  render(R, Render, Out.os());
  Out.keep();
  return Error::success();
}

Error AdviseRun::fix(const Report &R) {
  if (!Opts.Fix)
    return Error::success();
  if (!R.Failed.empty()) {
    // As clang-tidy without --fix-errors: an AST with errors may place
    // edits wrongly, so nothing is changed.
    WithColor::warning(errs(), "concur-advise")
        << "no fixes applied: some translation units could not be analysed\n";
    return Error::success();
  }
  Expected<FixOutcome> Applied = applyFixes(R);
  if (!Applied)
    return Applied.takeError();
  if (Opts.Quiet)
    return Error::success();
  errs() << "concur-advise: applied " << Applied->Applied << " fixes in "
         << Applied->Files << " files";
  if (Applied->Conflicting)
    errs() << "; " << Applied->Conflicting
           << " skipped (they overlap a fix applied first: run again)";
  errs() << "\n";
  return Error::success();
}

/// A --recheck-into run reports nothing; it fails only when a unit's checks
/// did (the final merge's report names it too).
int AdviseRun::finishRecheck() {
  Expected<std::vector<UnitState>> Written =
      Rechecked->units(/*WithDeps=*/false, /*WithLookups=*/false);
  if (!Written)
    return reportUsage(Written.takeError());
  if (!Opts.Quiet)
    errs() << "concur-advise: re-checked " << Written->size() << " of "
           << Units.size() << " units (those whose facts changed in the "
           << "merge) into " << Opts.RecheckInto << "\n";
  std::vector<const UnitState *> Failed;
  for (const UnitState &U : *Written)
    if (U.Failed)
      Failed.push_back(&U);
  if (Failed.empty())
    return ExitClean;
  WithColor::error(errs(), "concur-advise")
      << Failed.size() << " of " << Written->size()
      << " re-checked translation units could not be analysed:\n";
  for (const UnitState *U : Failed)
    errs() << "  " << U->File << ": " << U->Error << "\n";
  return ExitFailedUnits;
}

int AdviseRun::finish(const Report &R) {
  if (!Opts.Quiet) {
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
  return findingsAtOrAbove(R, Opts.FailOn) ? ExitFindings : ExitClean;
}

} // namespace

unsigned findingsAtOrAbove(const Report &R, StringRef FailOn) {
  int Threshold = severityRank(FailOn);
  return unsigned(llvm::count_if(R.Findings, [&](const FindingRecord &F) {
    return severityRank(F.Severity == "remark" ? "note" : F.Severity) >=
           Threshold;
  }));
}

int runAdvise(const AdviseOptions &Opts, const char *Argv0) {
  return AdviseRun(Opts, Argv0).run();
}

} // namespace concur::advise
