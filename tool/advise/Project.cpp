//===--- Project.cpp - Whole-program runs over a summaries database -------===//

#include "Project.h"
#include "Configuration.h"
#include "UnitOrder.h"
#include "clang/Driver/Types.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CrashRecoveryContext.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Threading.h"
#include <condition_variable>
#include <list>
#include <set>
#include <thread>
#include <unistd.h>

using namespace llvm;

namespace concur::advise {

/// Bumped whenever the analysis or the checks change what they report, so
/// that results stored by an older build are not reused.
/// (3: the link takes thresholds from the check options too.)
static constexpr StringLiteral AnalysisVersion = "concur-advise 0.1.0/3";

//===----------------------------------------------------------------------===//
// Progress
//===----------------------------------------------------------------------===//

static std::string duration(double Seconds) {
  unsigned S = unsigned(Seconds + 0.5);
  if (S < 60)
    return std::to_string(S) + "s";
  return std::to_string(S / 60) + "m" + (S % 60 < 10 ? "0" : "") +
         std::to_string(S % 60) + "s";
}

Progress::Progress(ProgressMode Mode, StringRef Phase, unsigned Total)
    : Bar(Mode == ProgressMode::Bar ||
          (Mode == ProgressMode::Auto && sys::Process::StandardErrIsDisplayed())),
      Enabled(Mode != ProgressMode::None && Total > 0), Phase(Phase.str()),
      Total(Total), Start(std::chrono::steady_clock::now()), LastLine(Start) {
  if (Enabled && !Bar)
    errs() << "concur-advise: " << Phase << " " << Total << " units\n";
}

Progress::~Progress() {
  if (!Enabled)
    return;
  std::lock_guard<std::mutex> Lock(Mutex);
  draw(/*Final=*/true);
}

void Progress::tick(StringRef File) {
  if (!Enabled)
    return;
  std::lock_guard<std::mutex> Lock(Mutex);
  ++Done;
  Current = sys::path::filename(File).str();
  draw(/*Final=*/false);
}

void Progress::draw(bool Final) {
  auto Now = std::chrono::steady_clock::now();
  double Elapsed = std::chrono::duration<double>(Now - Start).count();
  double Eta = Done ? Elapsed / Done * (Total - Done) : 0;
  unsigned Percent = Total ? Done * 100 / Total : 100;
  if (Bar) {
    constexpr unsigned Width = 30;
    unsigned Filled = Total ? Done * Width / Total : Width;
    std::string Line = "\r" + Phase + " [" + std::string(Filled, '#') +
                       std::string(Width - Filled, '.') + "] " +
                       std::to_string(Done) + "/" + std::to_string(Total) +
                       " " + std::to_string(Percent) + "%";
    Line += Final ? " in " + duration(Elapsed) : " ETA " + duration(Eta) + " " +
                                                     Current;
    errs() << Line << "\x1b[K";
    if (Final)
      errs() << "\n";
    return;
  }
  // Plain lines: at most one every five seconds, and the last one.
  if (!Final &&
      std::chrono::duration<double>(Now - LastLine).count() < 5 && Done != Total)
    return;
  if (Final && Done == Total && LastLine != Start &&
      std::chrono::duration<double>(Now - LastLine).count() < 0.001)
    return;
  LastLine = Now;
  errs() << formatv("concur-advise: {0} {1}/{2} ({3}%), {4} elapsed{5}\n",
                    Phase, Done, Total, Percent, duration(Elapsed),
                    Done < Total ? ", ETA " + duration(Eta) : std::string());
}

//===----------------------------------------------------------------------===//
// Keys and linking
//===----------------------------------------------------------------------===//

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

Error linkDatabase(SummaryDatabase &Db, const TidySettings &Tidy,
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

Expected<std::vector<std::string>>
staleFindings(SummaryDatabase &Db, ArrayRef<std::string> Units) {
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

size_t defaultKeptBudget() {
  size_t Memory = size_t(::sysconf(_SC_PHYS_PAGES)) * size_t(::sysconf(_SC_PAGESIZE));
  return std::min(Memory / 4, size_t(4) << 30);
}

namespace {

/// How runUnits keeps units parsed after their first checks (KeepHook), so
/// that one whose facts change once every unit is in is checked again on the
/// same AST instead of being parsed again. Each kept unit holds a worker
/// thread, which waits, and its AST; a new worker takes its place.
struct Keeping {
  /// No more units are kept once the heap holds this many bytes.
  size_t Budget = 0;
  /// Called once every unit has delivered its first outcome, for each kept
  /// one with what it delivered: whether its facts changed since. Those are
  /// checked again, with the facts runUnits was given.
  function_ref<bool(const UnitRecord &)> FactsChanged;
  /// Runs on the calling thread while the kept units are checked again; it
  /// takes one of the -j jobs.
  function_ref<Error()> Meanwhile;
  /// Takes the outcome of a kept unit's second checks.
  function_ref<Error(UnitOutcome &)> Rechecked;
};

/// Runs \p Units on worker threads; \p Done is called (serialised) with each
/// outcome. A unit starts after the units that \p Needs lists for it
/// (positions in \p Units; none when empty) where it can: rather than leave
/// a worker idle, the first waiting unit starts anyway. \p Calls lists all
/// the units each one calls into, for Keep.
Error runUnits(const ProjectOptions &Opts, ArrayRef<std::string> Units,
               ArrayRef<std::vector<unsigned>> Needs,
               ArrayRef<std::vector<unsigned>> Calls, StringRef Phase,
               UnitPass Pass, const FingerprintingSummaryProvider *Facts,
               function_ref<Error(UnitOutcome &)> Done, FileCache &Files,
               Keeping *Keep = nullptr) {
  if (Units.empty())
    return Error::success();
  unsigned Jobs = Opts.Jobs ? Opts.Jobs
                            : std::max(1u, std::thread::hardware_concurrency());
  Jobs = std::max(1u, std::min<unsigned>(Jobs, Units.size()));
  std::vector<bool> Started(Units.size()), Finished(Units.size());
  size_t FirstWaiting = 0, Delivered = 0;
  // When each unit started and delivered, counted in deliveries.
  std::vector<size_t> StartedAt(Units.size()), DeliveredAt(Units.size());
  Progress Bar(Opts.Progress, Phase, unsigned(Units.size()));
  UnitRunner Runner(*Opts.Compilations, Opts.Tidy, Files);
  std::mutex DoneMutex;
  std::condition_variable Changed;
  std::vector<std::thread> Workers;
  Error First = Error::success();
  auto Note = [&](Error E) {
    if (!First)
      First = std::move(E);
    else
      consumeError(std::move(E));
  };
  // Under DoneMutex. A delivered unit counts as done for the units that
  // need it: its summaries are stored.
  auto Deliver = [&](size_t I, UnitOutcome &Out) {
    Note(Done(Out));
    Bar.tick(Out.Record.File);
    Finished[I] = true;
    DeliveredAt[I] = Delivered++;
    Changed.notify_all();
  };

  // Under DoneMutex: whether every unit that unit I calls into, directly
  // or through others, had delivered when I started. Then the facts its
  // checks saw are final (as far as the plan's guess of the calls goes):
  // it is not worth keeping. Through a cycle back to I they are not.
  auto CalleesDoneFirst = [&](size_t I) {
    SmallVector<size_t, 16> Stack{I};
    DenseSet<size_t> Seen{I};
    while (!Stack.empty()) {
      size_t U = Stack.pop_back_val();
      for (unsigned N : Calls[U]) {
        if (N == I || !Finished[N] || DeliveredAt[N] >= StartedAt[I] ||
            Seen.size() > 4096)
          return false;
        if (Seen.insert(N).second)
          Stack.push_back(N);
      }
    }
    return true;
  };

  struct Kept {
    /// What the unit delivered: its worker waits, so this lives.
    const UnitRecord *First;
    bool Decided = false;
    bool Again = false;
  };
  std::list<Kept> KeptUnits;
  // Jobs taken by re-checks and by Keep->Meanwhile.
  unsigned Rechecking = 0;
  std::function<void()> Work;

  auto One = [&](size_t I) {
    const std::string &File = Units[I];
    bool WasDelivered = false, CheckedAgain = false;
    auto KeepUnit = [&](UnitOutcome &Out) -> const FingerprintingSummaryProvider * {
      std::unique_lock<std::mutex> Lock(DoneMutex);
      Deliver(I, Out);
      WasDelivered = true;
      if (Out.Record.Failed || Out.Record.Lookups.empty() ||
          (!Calls.empty() && CalleesDoneFirst(I)) ||
          sys::Process::GetMallocUsage() >= Keep->Budget)
        return nullptr;
      Kept &K = KeptUnits.emplace_back(Kept{&Out.Record});
      if (FirstWaiting < Units.size())
        Workers.emplace_back(Work); // in this thread's place meanwhile
      // Checked again at most Jobs at a time, like the parses.
      Changed.wait(Lock, [&] {
        return K.Decided && (!K.Again || Rechecking < Jobs);
      });
      if (!K.Again)
        return nullptr;
      ++Rechecking;
      CheckedAgain = true;
      return Facts;
    };
    UnitOutcome Out;
    CrashRecoveryContext CRC;
    if (!CRC.RunSafely([&] {
          Out = Runner.run(File, Facts, Pass,
                           Keep ? KeepHook(KeepUnit) : KeepHook());
        })) {
      Out = UnitOutcome();
      Out.Record.File = File;
      Out.Record.Failed = true;
      Out.Record.Error = "the analysis crashed on this file";
    }
    std::lock_guard<std::mutex> Lock(DoneMutex);
    if (!WasDelivered)
      Deliver(I, Out);
    else if (Out.Rechecked || Out.Record.Failed)
      Note(Keep->Rechecked(Out));
    if (CheckedAgain) {
      --Rechecking;
      Changed.notify_all();
    }
  };
  // The next unit to start, under DoneMutex; a bounded look-ahead keeps the
  // choice cheap on huge projects.
  auto Next = [&]() -> std::optional<size_t> {
    while (FirstWaiting < Units.size() && Started[FirstWaiting])
      ++FirstWaiting;
    if (FirstWaiting == Units.size())
      return std::nullopt;
    size_t Pick = FirstWaiting;
    for (size_t I = FirstWaiting, E = std::min(Units.size(), I + 256);
         I < E && !Needs.empty(); ++I)
      if (!Started[I] &&
          llvm::all_of(Needs[I], [&](unsigned N) { return Finished[N]; })) {
        Pick = I;
        break;
      }
    Started[Pick] = true;
    StartedAt[Pick] = Delivered;
    return Pick;
  };
  Work = [&] {
    for (;;) {
      std::optional<size_t> I;
      {
        std::lock_guard<std::mutex> Lock(DoneMutex);
        I = Next();
      }
      if (!I)
        return;
      One(*I);
    }
  };
  {
    std::unique_lock<std::mutex> Lock(DoneMutex);
    for (unsigned J = 0; J < Jobs; ++J)
      Workers.emplace_back(Work);
    Changed.wait(Lock, [&] { return Delivered == Units.size(); });
  }
  if (Keep) {
    // Every unit has delivered: the kept ones wait and KeptUnits is final.
    std::vector<bool> Again;
    for (const Kept &K : KeptUnits)
      Again.push_back(Facts && Keep->FactsChanged(*K.First));
    {
      std::lock_guard<std::mutex> Lock(DoneMutex);
      auto It = Again.begin();
      for (Kept &K : KeptUnits) {
        K.Decided = true;
        K.Again = *It++;
      }
      ++Rechecking; // for Meanwhile
      Changed.notify_all();
    }
    Error E = Keep->Meanwhile();
    std::lock_guard<std::mutex> Lock(DoneMutex);
    Note(std::move(E));
    --Rechecking;
    Changed.notify_all();
  }
  // Every unit has started: no worker is added any more.
  for (std::thread &W : Workers)
    W.join();
  return First;
}

} // namespace

Expected<ProjectStats> analyseProject(const ProjectOptions &Opts,
                                      SummaryDatabase &Db) {
  ProjectStats Stats;
  Stats.Units = unsigned(Opts.Units.size());
  FileCache Files;
  {
    std::string Error = UnitRunner(*Opts.Compilations, Opts.Tidy, Files).validate();
    if (!Error.empty())
      return createStringError(inconvertibleErrorCode(), "%s", Error.c_str());
  }
  // A malformed .concur.yaml is a configuration error for the whole run.
  for (const std::string &File : Opts.Units)
    if (auto Config = ProjectConfigFinder::shared().find(File); !Config)
      return Config.takeError();

  // 1. Which units changed: the key, then every file each one read.
  Expected<std::vector<UnitState>> States =
      Db.units(/*WithDeps=*/true, /*WithLookups=*/false);
  if (!States)
    return States.takeError();
  std::map<std::string, const UnitState *> Known;
  for (const UnitState &U : *States)
    Known[U.File] = &U;
  std::map<std::string, std::string> Keys;
  std::vector<std::string> Changed;
  for (const std::string &File : Opts.Units) {
    std::string Key = unitKey(*Opts.Compilations, File, Opts.Tidy);
    Keys[File] = Key;
    auto It = Known.find(File);
    bool Fresh = It != Known.end() && It->second->Key == Key &&
                 !It->second->Failed && !It->second->Deps.empty() &&
                 llvm::all_of(It->second->Deps, [&](const FileStamp &D) {
                   return Files.unchanged(D);
                 });
    if (!Fresh)
      Changed.push_back(File);
  }
  if (Opts.Prune) {
    std::set<std::string> Selected(Opts.Units.begin(), Opts.Units.end());
    for (const UnitState &U : *States)
      if (!Selected.count(U.File))
        if (Error E = Db.removeUnit(U.File))
          return E;
  }

  using Clock = std::chrono::steady_clock;
  auto Since = [](Clock::time_point Start) {
    return std::chrono::duration<double>(Clock::now() - Start).count();
  };
  // 2. Parse the changed units. Their checks see the facts of the units
  // stored before (by earlier runs, or by this one before they started),
  // linked as they ask; a unit that saw what the final link gives is not
  // checked again.
  Clock::time_point PhaseStart = Clock::now();
  // What a re-check leaves: the new findings and what they looked up.
  std::set<std::string> RecheckedOnce;
  // The link, timed on its own: it may run within phase 2, beside the
  // re-checks of kept units.
  std::optional<double> LinkedSeconds;
  auto Link = [&]() -> Error {
    Clock::time_point LinkStart = Clock::now();
    if (Error E = linkDatabase(Db, Opts.Tidy, &Stats.Functions))
      return E;
    LinkedSeconds = Since(LinkStart);
    return Error::success();
  };
  auto Rechecked = [&](UnitOutcome &Out) -> Error {
    Stats.Rechecked.push_back(Out.Record.File);
    RecheckedOnce.insert(Out.Record.File);
    if (Out.Record.Failed) {
      Out.Record.Key = Keys[Out.Record.File];
      return Db.storeUnit(Out.Record);
    }
    return Db.updateFindings(Out.Record.File, Out.Record.Lookups,
                             Out.Record.Findings);
  };
  if (!Changed.empty()) {
    IncrementalLinker Facts{OptionsByFile(Opts.Tidy)};
    if (!Known.empty()) {
      Expected<std::vector<StoredFunction>> Stored = Db.localFunctions();
      if (!Stored)
        return Stored.takeError();
      std::map<std::string, std::vector<StoredFunction>> ByUnit;
      for (StoredFunction &F : *Stored)
        ByUnit[F.Unit].push_back(std::move(F));
      for (auto &[Unit, Functions] : ByUnit)
        Facts.addUnit(Unit, std::move(Functions));
    }
    // Units whose facts may still change are kept parsed. Once every unit is
    // in, Facts answers as the final link does: those whose facts changed
    // are checked again on their AST while the database is linked; their
    // findings are stored after it.
    Keeping Keep;
    Keep.Budget = Opts.KeptBudget;
    auto FactsChanged = [&](const UnitRecord &First) {
      return llvm::any_of(First.Lookups, [&](const auto &Seen) {
        return Facts.answer(Seen.first).Fingerprint != Seen.second;
      });
    };
    Keep.FactsChanged = FactsChanged;
    Keep.Meanwhile = Link;
    std::vector<UnitOutcome> RecheckedKept;
    auto KeepRechecked = [&](UnitOutcome &Out) {
      RecheckedKept.push_back(std::move(Out));
      return Error::success();
    };
    Keep.Rechecked = KeepRechecked;
    UnitPlan Plan = planUnits(Changed);
    if (Error E = runUnits(
            Opts, Plan.Order, Plan.Needs, Plan.Calls, "analysing",
            UnitPass::Analyse,
            &Facts,
            [&](UnitOutcome &Out) {
              Out.Record.Key = Keys[Out.Record.File];
              Stats.Parsed.push_back(Out.Record.File);
              if (!Out.Record.Failed)
                Facts.addUnit(Out.Record.File, Out.Record.Functions);
              return Db.storeUnit(Out.Record);
            },
            Files, &Keep))
      return E;
    Stats.RecheckedKept = unsigned(RecheckedKept.size());
    for (UnitOutcome &Out : RecheckedKept)
      if (Error E = Rechecked(Out))
        return E;
  }

  // 3. Link, then re-check the units whose facts changed; linking reads
  // only local summaries, so one round reaches the fixed point. The loop
  // guards against a unit whose lookups vary between parses.
  Stats.AnalyseSeconds = Since(PhaseStart);
  PhaseStart = Clock::now();
  // An unchanged database (nothing parsed or removed here or by another
  // run since the last link) is not linked again.
  Expected<bool> Current = Db.linkIsCurrent();
  if (!Current)
    return Current.takeError();
  if (!*Current) {
    if (Error E = Link())
      return E;
  } else if (!LinkedSeconds) {
    Expected<unsigned> Count = Db.linkedCount();
    if (!Count)
      return Count.takeError();
    Stats.Functions = *Count;
  }
  Stats.LinkSeconds = LinkedSeconds.value_or(Since(PhaseStart));
  PhaseStart = Clock::now();
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
    if (Error E = runUnits(Opts, Todo, {}, {}, "re-checking",
                           UnitPass::Recheck, Facts->get(), Rechecked, Files))
      return E;
  }
  Stats.RecheckSeconds = Since(PhaseStart);
  llvm::sort(Stats.Parsed);
  llvm::sort(Stats.Rechecked);
  return Stats;
}

} // namespace concur::advise
