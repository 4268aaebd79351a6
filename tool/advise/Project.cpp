//===--- Project.cpp - Whole-program runs over a summaries database -------===//

#include "Project.h"
#include "Configuration.h"
#include "Scheduler.h"
#include "UnitOrder.h"
#include "clang/Driver/Types.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include <chrono>
#include <map>
#include <set>
#include <unistd.h>

using namespace llvm;

namespace concur::advise {

/// Bumped whenever the analysis or the checks change what they report, so
/// that results stored by an older build are not reused.
/// (3: the link takes thresholds from the check options too. 4: costs are
/// growths in the unknown size, and loops over data do element work. 5:
/// retry and geometric loops run a few times; appends, callees' global
/// stores and search conditions are dependences; copying is not computing;
/// taking a lock is not waiting. 7: the knowledge base's costs are
/// calibrated; mixed needs work comparable to the waiting; floating-point
/// elements reached through accessors are numeric work. 8: would-block
/// results through a descriptor layer; the project's static functions are
/// not library functions; a global passed to a writer is shared state.)
static constexpr StringLiteral AnalysisVersion = "concur-advise 0.1.0/8";

//===----------------------------------------------------------------------===//
// Keys and linking
//===----------------------------------------------------------------------===//

StringRef analysisVersion() { return AnalysisVersion; }

std::string projectIdentity(ArrayRef<std::string> Units) {
  std::string All;
  for (const std::string &U : Units) {
    All += U;
    All += '\n';
  }
  return hashContent(All);
}

Expected<std::string> factsIdentity(SummaryDatabase &Db) {
  Expected<StringMap<std::string>> Fingerprints = Db.linkedFingerprints();
  if (!Fingerprints)
    return Fingerprints.takeError();
  std::vector<std::pair<StringRef, StringRef>> Sorted;
  for (const auto &Entry : *Fingerprints)
    Sorted.emplace_back(Entry.getKey(), Entry.getValue());
  llvm::sort(Sorted);
  std::string All;
  for (const auto &[USR, Fingerprint] : Sorted) {
    All += USR;
    All += '\0';
    All += Fingerprint;
    All += '\n';
  }
  return hashContent(All);
}

AnalysisOptions optionsForFile(StringRef File,
                               const CheckOptionValues &CheckOptions) {
  // A malformed .concur.yaml is reported when planning, and by the checks.
  return resolveConfiguration(File, CheckOptions, ConfigParts::Thresholds)
      .Options;
}

namespace {

/// optionsForFile() for the linker, one look-up per file rather than per
/// function: finding a file's .clang-tidy and .concur.yaml stats every
/// directory above it. Copies share the cache.
class OptionsByFile {
public:
  explicit OptionsByFile(const TidySettings &Tidy)
      : CheckOptions(checkOptionsReader(Tidy)),
        Cache(std::make_shared<StringMap<AnalysisOptions>>()) {}
  AnalysisOptions operator()(const FunctionSummary &S) {
    auto [It, New] = Cache->try_emplace(S.File);
    if (New)
      It->second = optionsForFile(S.File, CheckOptions(S.File));
    return It->second;
  }

private:
  CheckOptionsReader CheckOptions;
  std::shared_ptr<StringMap<AnalysisOptions>> Cache;
};

} // namespace

/// The language a compile command gives its file: the last `-x`, else the
/// file's extension, as the driver decides it.
static clang::driver::types::ID
languageOf(const clang::tooling::CompileCommand &Command) {
  namespace types = clang::driver::types;
  StringRef Language;
  ArrayRef<std::string> Args = Command.CommandLine;
  for (size_t I = 0; I < Args.size(); ++I) {
    StringRef Arg = Args[I];
    if (Arg == "-x" && I + 1 < Args.size())
      Language = Args[++I];
    else if (Arg.starts_with("-x") && Arg.size() > 2 && Arg != "-xlinker")
      Language = Arg.drop_front(2);
  }
  if (!Language.empty() && Language != "none")
    return types::lookupTypeForTypeSpecifier(Language.str().c_str());
  StringRef Extension = sys::path::extension(Command.Filename);
  return types::lookupTypeForExtension(Extension.drop_front());
}

bool isCOrCxxUnit(const clang::tooling::CompilationDatabase &Compilations,
                  StringRef File) {
  namespace types = clang::driver::types;
  std::vector<clang::tooling::CompileCommand> Commands =
      Compilations.getCompileCommands(File);
  return llvm::any_of(Commands, [](const clang::tooling::CompileCommand &C) {
    types::ID Language = languageOf(C);
    return Language != types::TY_INVALID && types::isDerivedFromC(Language) &&
           !types::isObjC(Language) && !types::isCuda(Language) &&
           !types::isHIP(Language) && !types::isOpenCL(Language) &&
           !types::isHLSL(Language);
  });
}

std::string unitKey(const clang::tooling::CompilationDatabase &Compilations,
                    StringRef File, const TidySettings &Tidy) {
  std::string Key;
  auto Add = [&Key](StringRef Tag, StringRef Value) {
    Key += Tag;
    Key += '=';
    Key += Value;
    Key += '\x1f';
  };
  Add("version", AnalysisVersion);
  for (const clang::tooling::CompileCommand &C :
       Compilations.getCompileCommands(File)) {
    Add("dir", C.Directory);
    for (const std::string &Arg : C.CommandLine)
      Add("arg", Arg);
  }
  Add("checks", Tidy.Checks);
  Add("config", Tidy.Config);
  if (Tidy.HeaderFilter)
    Add("header-filter", *Tidy.HeaderFilter);
  for (const std::string &A : Tidy.ExtraArgsBefore)
    Add("before", A);
  for (const std::string &A : Tidy.ExtraArgs)
    Add("after", A);
  // .clang-tidy and .concur.yaml files that apply are dependencies like
  // headers; they are found from the file's directory upwards.
  SmallString<256> Dir = sys::path::parent_path(File);
  while (!Dir.empty()) {
    for (StringRef Name : {".clang-tidy", ".concur.yaml"}) {
      SmallString<256> Candidate(Dir);
      sys::path::append(Candidate, Name);
      if (auto Buffer = MemoryBuffer::getFile(Candidate))
        Add(Candidate, hashContent((*Buffer)->getBuffer()));
    }
    StringRef Parent = sys::path::parent_path(Dir);
    if (Parent == Dir)
      break;
    Dir = Parent;
  }
  return hashContent(Key);
}

Error linkDatabase(UnitCache &Db, const TidySettings &Tidy,
                   unsigned *Functions) {
  // Read before the summaries: a unit stored meanwhile makes this link
  // out of date rather than wrongly current.
  Expected<std::string> Generation = Db.localGeneration();
  if (!Generation)
    return Generation.takeError();
  Expected<std::vector<StoredFunction>> Local = Db.localFunctions();
  if (!Local)
    return Local.takeError();
  OptionsByFile Options(Tidy);
  std::vector<FunctionSummary> Linked = linkSummaries(*Local, Options);
  if (Functions)
    *Functions = unsigned(Linked.size());
  return Db.storeLinked(Linked, *Generation);
}

Expected<std::vector<std::string>> staleFindings(UnitCache &Db,
                                                 ArrayRef<std::string> Units) {
  Expected<StringMap<std::string>> Fingerprints = Db.linkedFingerprints();
  if (!Fingerprints)
    return Fingerprints.takeError();
  Expected<std::vector<UnitState>> States = Db.units(/*WithDeps=*/false);
  if (!States)
    return States.takeError();
  std::set<std::string> Wanted(Units.begin(), Units.end());
  std::vector<std::string> Stale;
  for (const UnitState &U : *States) {
    if (!Wanted.empty() && !Wanted.count(U.File))
      continue;
    for (const auto &[USR, Seen] : U.Lookups) {
      auto It = Fingerprints->find(USR);
      std::string Now = It == Fingerprints->end() ? "" : It->second;
      if (Now != Seen) {
        Stale.push_back(U.File);
        break;
      }
    }
  }
  return Stale;
}

//===----------------------------------------------------------------------===//
// Runs
//===----------------------------------------------------------------------===//

std::string absolutePath(StringRef Path) {
  SmallString<256> P(Path);
  sys::fs::make_absolute(P);
  sys::path::remove_dots(P, /*remove_dot_dot=*/true);
  return std::string(P);
}

size_t defaultKeptBudget() {
  size_t Memory =
      size_t(::sysconf(_SC_PHYS_PAGES)) * size_t(::sysconf(_SC_PAGESIZE));
  return std::min(Memory / 4, size_t(1536) << 20);
}

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point Start) {
  return std::chrono::duration<double>(Clock::now() - Start).count();
}

/// One analyseProject(), phase by phase: find the changed units, parse
/// them, link, re-check the units whose facts changed.
class ProjectRun {
public:
  ProjectRun(const ProjectOptions &Opts, UnitCache &Db) : Opts(Opts), Db(Db) {}

  Expected<ProjectStats> run();

private:
  Error checkConfiguration();
  Error findChanged();
  bool isFresh(const std::string &File, const std::string &Key);
  Error prune();
  Error analyseChanged();
  Error loadStoredFacts(IncrementalLinker &Facts);
  Error storeAnalysed(UnitOutcome &Out, IncrementalLinker &Facts);
  Error storeRechecked(UnitOutcome &Out);
  Error link();
  Error linkIfNeeded();
  Error recheckStale();
  Error checkRecheckOnly();

  const ProjectOptions &Opts;
  UnitCache &Db;
  ProjectStats Stats;
  FileCache Files;
  /// What the database knew before this run.
  std::vector<UnitState> States;
  std::map<std::string, const UnitState *> Known;
  std::map<std::string, std::string> Keys;
  /// The units to parse: new, or changed since they were stored.
  std::vector<std::string> Changed;
  /// Units checked again after their first checks in this run: a unit is
  /// re-checked once.
  std::set<std::string> RecheckedOnce;
  /// The link, timed on its own: it may run within the analysis phase,
  /// beside the re-checks of kept units.
  std::optional<double> LinkedSeconds;
};

Expected<ProjectStats> ProjectRun::run() {
  Stats.Units = unsigned(Opts.Units.size());
  if (Error E = checkConfiguration())
    return E;
  // 1. Which units changed: the key, then every file each one read.
  if (Error E = findChanged())
    return E;
  if (Opts.RecheckInto) {
    // The second phase of a sharded run: the merged database is final but
    // for the findings of units that used facts from other shards.
    if (Error E = checkRecheckOnly())
      return E;
    Clock::time_point PhaseStart = Clock::now();
    if (Error E = recheckStale())
      return E;
    Stats.RecheckSeconds = secondsSince(PhaseStart);
    llvm::sort(Stats.Rechecked);
    return Stats;
  }
  if (Opts.Prune)
    if (Error E = prune())
      return E;
  // 2. Parse the changed units.
  Clock::time_point PhaseStart = Clock::now();
  if (Error E = analyseChanged())
    return E;
  Stats.AnalyseSeconds = secondsSince(PhaseStart);
  // 3. Link, then re-check the units whose facts changed.
  PhaseStart = Clock::now();
  if (Error E = linkIfNeeded())
    return E;
  Stats.LinkSeconds = LinkedSeconds.value_or(secondsSince(PhaseStart));
  PhaseStart = Clock::now();
  if (Error E = recheckStale())
    return E;
  Stats.RecheckSeconds = secondsSince(PhaseStart);
  llvm::sort(Stats.Parsed);
  llvm::sort(Stats.Rechecked);
  return Stats;
}

/// A bad --config or a malformed .concur.yaml is a configuration error for
/// the whole run.
Error ProjectRun::checkConfiguration() {
  std::string Error =
      UnitRunner(*Opts.Compilations, Opts.Tidy, Files).validate();
  if (!Error.empty())
    return createStringError(inconvertibleErrorCode(), "%s", Error.c_str());
  for (const std::string &File : Opts.Units)
    if (auto Config = ProjectConfigFinder::shared().find(File); !Config)
      return Config.takeError();
  return Error::success();
}

Error ProjectRun::findChanged() {
  Expected<std::vector<UnitState>> Stored =
      Db.units(/*WithDeps=*/true, /*WithLookups=*/false);
  if (!Stored)
    return Stored.takeError();
  States = std::move(*Stored);
  for (const UnitState &U : States)
    Known[U.File] = &U;
  for (const std::string &File : Opts.Units) {
    std::string Key = unitKey(*Opts.Compilations, File, Opts.Tidy);
    if (!isFresh(File, Key))
      Changed.push_back(File);
    Keys[File] = std::move(Key);
  }
  return Error::success();
}

bool ProjectRun::isFresh(const std::string &File, const std::string &Key) {
  auto It = Known.find(File);
  return It != Known.end() && It->second->Key == Key && !It->second->Failed &&
         !It->second->Deps.empty() &&
         llvm::all_of(It->second->Deps,
                      [&](const FileStamp &D) { return Files.unchanged(D); });
}

/// A re-check only run parses nothing: every unit must be in the database
/// as it is now (a failed one stays failed), and the database linked.
Error ProjectRun::checkRecheckOnly() {
  std::vector<std::string> Missing, Stale;
  for (const std::string &File : Opts.Units) {
    auto It = Known.find(File);
    if (It == Known.end())
      Missing.push_back(File);
    else if (!It->second->Failed && !isFresh(File, Keys[File]))
      Stale.push_back(File);
  }
  auto Fail = [&](const std::vector<std::string> &Files, StringRef What,
                  StringRef Hint) {
    std::string Message =
        formatv("{0} unit{1} {2} (first: '{3}'): {4}", Files.size(),
                Files.size() == 1 ? "" : "s", What, Files.front(), Hint)
            .str();
    return createStringError(inconvertibleErrorCode(), "%s", Message.c_str());
  };
  if (!Missing.empty())
    return Fail(Missing,
                "of this shard are not in the summaries database '" +
                    Db.path() + "'",
                "give the merge of every shard's database");
  if (!Stale.empty())
    return Fail(Stale,
                "changed since the shards analysed them (their files, "
                "compile commands or options differ)",
                "re-check the checkout the shards analysed, with their "
                "options, or run the shards again");
  Expected<bool> Current = Db.linkIsCurrent();
  if (!Current)
    return Current.takeError();
  if (!*Current)
    return createStringError(
        inconvertibleErrorCode(),
        "summaries database '%s' is not linked: give the database "
        "`concur-advise merge` wrote",
        Db.path().c_str());
  return Error::success();
}

/// A full run removes the units that left the compilation database.
Error ProjectRun::prune() {
  std::set<std::string> Selected(Opts.Units.begin(), Opts.Units.end());
  for (const UnitState &U : States)
    if (!Selected.count(U.File))
      if (Error E = Db.removeUnit(U.File))
        return E;
  return Error::success();
}

/// Parses the changed units. Their checks see the facts of the units stored
/// before (by earlier runs, or by this one before they started), linked as
/// they ask; a unit that saw what the final link gives is not checked
/// again. Units whose facts may still change are kept parsed: once every
/// unit is in, Facts answers as the final link does, and those whose facts
/// changed are checked again on their AST while the database is linked;
/// their findings are stored after it.
Error ProjectRun::analyseChanged() {
  if (Changed.empty())
    return Error::success();
  IncrementalLinker Facts{OptionsByFile(Opts.Tidy)};
  if (Error E = loadStoredFacts(Facts))
    return E;
  std::vector<UnitOutcome> RecheckedKept;
  auto FactsChanged = [&](const UnitRecord &First) {
    return llvm::any_of(First.Lookups, [&](const auto &Seen) {
      return Facts.answer(Seen.first).Fingerprint != Seen.second;
    });
  };
  auto Link = [this] { return link(); };
  auto KeepRechecked = [&](UnitOutcome &Out) {
    RecheckedKept.push_back(std::move(Out));
    return Error::success();
  };
  auto Store = [&](UnitOutcome &Out) { return storeAnalysed(Out, Facts); };
  Keeping Keep{Opts.KeptBudget, FactsChanged, Link, KeepRechecked};
  UnitPlan Plan = planUnits(Changed);
  UnitBatch Batch{Plan.Order,        Plan.Needs, Plan.Calls, "analysing",
                  UnitPass::Analyse, &Facts,     Store,      &Keep};
  if (Error E = UnitScheduler(Opts, Files, Batch).run())
    return E;
  Stats.RecheckedKept = unsigned(RecheckedKept.size());
  for (UnitOutcome &Out : RecheckedKept)
    if (Error E = storeRechecked(Out))
      return E;
  return Error::success();
}

Error ProjectRun::loadStoredFacts(IncrementalLinker &Facts) {
  if (Known.empty())
    return Error::success();
  Expected<std::vector<StoredFunction>> Stored = Db.localFunctions();
  if (!Stored)
    return Stored.takeError();
  std::map<std::string, std::vector<StoredFunction>> ByUnit;
  for (StoredFunction &F : *Stored)
    ByUnit[F.Unit].push_back(std::move(F));
  for (auto &[Unit, Functions] : ByUnit)
    Facts.addUnit(Unit, std::move(Functions));
  return Error::success();
}

Error ProjectRun::storeAnalysed(UnitOutcome &Out, IncrementalLinker &Facts) {
  Out.Record.Key = Keys[Out.Record.File];
  Stats.Parsed.push_back(Out.Record.File);
  if (!Out.Record.Failed)
    Facts.addUnit(Out.Record.File, Out.Record.Functions);
  return Db.storeUnit(Out.Record);
}

/// What a re-check leaves: the new findings and what they looked up.
Error ProjectRun::storeRechecked(UnitOutcome &Out) {
  Stats.Rechecked.push_back(Out.Record.File);
  RecheckedOnce.insert(Out.Record.File);
  if (Opts.RecheckInto) {
    // Only the unit's row: the merge takes its findings and lookups, or,
    // when the checks failed, stores it failed as storeUnit() does here.
    Out.Record.Key = Keys[Out.Record.File];
    Out.Record.Deps.clear();
    Out.Record.Functions.clear();
    return Opts.RecheckInto->storeUnit(Out.Record);
  }
  if (Out.Record.Failed) {
    Out.Record.Key = Keys[Out.Record.File];
    return Db.storeUnit(Out.Record);
  }
  return Db.updateFindings(Out.Record.File, Out.Record.Lookups,
                           Out.Record.Findings);
}

Error ProjectRun::link() {
  Clock::time_point LinkStart = Clock::now();
  if (Error E = linkDatabase(Db, Opts.Tidy, &Stats.Functions))
    return E;
  LinkedSeconds = secondsSince(LinkStart);
  return Error::success();
}

/// An unchanged database (nothing parsed or removed here or by another run
/// since the last link) is not linked again.
Error ProjectRun::linkIfNeeded() {
  Expected<bool> Current = Db.linkIsCurrent();
  if (!Current)
    return Current.takeError();
  if (!*Current)
    return link();
  if (!LinkedSeconds) {
    Expected<unsigned> Count = Db.linkedCount();
    if (!Count)
      return Count.takeError();
    Stats.Functions = *Count;
  }
  return Error::success();
}

/// Linking reads only local summaries, so one round of re-checks reaches
/// the fixed point. The loop guards against a unit whose lookups vary
/// between parses.
Error ProjectRun::recheckStale() {
  // staleFindings() reads an empty list as every unit; an empty shard has
  // none.
  if (Opts.Units.empty())
    return Error::success();
  auto Store = [this](UnitOutcome &Out) { return storeRechecked(Out); };
  for (unsigned Round = 0; Round < 3; ++Round) {
    Expected<std::vector<std::string>> Stale = staleFindings(Db, Opts.Units);
    if (!Stale)
      return Stale.takeError();
    std::vector<std::string> Todo;
    for (std::string &File : *Stale)
      if (RecheckedOnce.insert(File).second)
        Todo.push_back(std::move(File));
    if (Todo.empty())
      break;
    auto Facts = DatabaseSummaryProvider::open(Db.path());
    if (!Facts)
      return Facts.takeError();
    UnitBatch Batch{Todo,         {},   {}, "re-checking", UnitPass::Recheck,
                    Facts->get(), Store};
    if (Error E = UnitScheduler(Opts, Files, Batch).run())
      return E;
  }
  return Error::success();
}

} // namespace

Expected<ProjectStats> analyseProject(const ProjectOptions &Opts,
                                      UnitCache &Db) {
  return ProjectRun(Opts, Db).run();
}

} // namespace concur::advise
