//===--- Scheduler.cpp - Units on worker threads --------------------------===//

#include "Scheduler.h"
#include "Project.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/CrashRecoveryContext.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Process.h"
#ifdef __GLIBC__
#include <malloc.h>
#endif

using namespace llvm;

namespace concur::advise {

static unsigned jobsFor(const ProjectOptions &Opts, size_t Units) {
  unsigned Jobs =
      Opts.Jobs ? Opts.Jobs : std::max(1u, std::thread::hardware_concurrency());
  return std::max(1u, std::min<unsigned>(Jobs, Units));
}

/// The process's resident size, which the kept budget bounds: it is what a
/// machine runs out of. The heap alone misses the mapped source files of
/// each unit and the freed memory the allocator's per-thread arenas retain.
static size_t residentBytes() {
  ErrorOr<std::unique_ptr<MemoryBuffer>> Statm =
      MemoryBuffer::getFileAsStream("/proc/self/statm");
  size_t Pages = 0;
  if (!Statm ||
      (*Statm)->getBuffer().split(' ').second.split(' ').first.getAsInteger(
          10, Pages))
    return sys::Process::GetMallocUsage();
  return Pages * sys::Process::getPageSizeEstimate();
}

/// Hands the memory freed with a unit's AST back to the system, so that the
/// resident size measures what is still held.
static void releaseFreedMemory() {
#ifdef __GLIBC__
  ::malloc_trim(0);
#endif
}

UnitScheduler::UnitScheduler(const ProjectOptions &Opts, FileCache &Files,
                             const UnitBatch &Batch)
    : Batch(Batch), Jobs(jobsFor(Opts, Batch.Units.size())),
      Bar(Opts.Progress, Batch.Phase, unsigned(Batch.Units.size())),
      Runner(*Opts.Compilations, Opts.Tidy, Files), Started(Batch.Units.size()),
      Finished(Batch.Units.size()), StartedAt(Batch.Units.size()),
      DeliveredAt(Batch.Units.size()) {}

Error UnitScheduler::run() {
  if (Batch.Units.empty())
    return Error::success();
  {
    std::unique_lock<std::mutex> Lock(Mutex);
    for (unsigned J = 0; J < Jobs; ++J)
      Workers.emplace_back([this] { work(); });
    Changed.wait(Lock, [&] { return Delivered == Batch.Units.size(); });
  }
  if (Batch.Keep)
    recheckKept();
  // Every unit has started: no worker is added any more.
  for (std::thread &W : Workers)
    W.join();
  return std::move(First);
}

void UnitScheduler::note(Error E) {
  if (!First)
    First = std::move(E);
  else
    consumeError(std::move(E));
}

void UnitScheduler::work() {
  for (;;) {
    std::optional<size_t> I;
    {
      std::lock_guard<std::mutex> Lock(Mutex);
      I = next();
    }
    if (!I)
      return;
    runUnit(*I);
  }
}

/// The next unit to start, under Mutex; a bounded look-ahead keeps the
/// choice cheap on huge projects.
std::optional<size_t> UnitScheduler::next() {
  size_t Size = Batch.Units.size();
  while (FirstWaiting < Size && Started[FirstWaiting])
    ++FirstWaiting;
  if (FirstWaiting == Size)
    return std::nullopt;
  size_t Pick = FirstWaiting;
  for (size_t I = FirstWaiting, E = std::min(Size, I + 256);
       I < E && !Batch.Needs.empty(); ++I)
    if (!Started[I] &&
        llvm::all_of(Batch.Needs[I], [&](unsigned N) { return Finished[N]; })) {
      Pick = I;
      break;
    }
  Started[Pick] = true;
  StartedAt[Pick] = Delivered;
  return Pick;
}

/// Under Mutex. A delivered unit counts as done for the units that need it:
/// its summaries are stored.
void UnitScheduler::deliver(size_t I, UnitOutcome &Out) {
  note(Batch.Done(Out));
  Bar.tick(Out.Record.File);
  Finished[I] = true;
  DeliveredAt[I] = Delivered++;
  Changed.notify_all();
}

/// Under Mutex: whether every unit that unit I calls into, directly or
/// through others, had delivered when I started. Then the facts its checks
/// saw are final (as far as the plan's guess of the calls goes): it is not
/// worth keeping. Through a cycle back to I they are not.
bool UnitScheduler::calleesDoneFirst(size_t I) const {
  SmallVector<size_t, 16> Stack{I};
  DenseSet<size_t> Seen{I};
  while (!Stack.empty()) {
    size_t U = Stack.pop_back_val();
    for (unsigned N : Batch.Calls[U]) {
      if (N == I || !Finished[N] || DeliveredAt[N] >= StartedAt[I] ||
          Seen.size() > 4096)
        return false;
      if (Seen.insert(N).second)
        Stack.push_back(N);
    }
  }
  return true;
}

void UnitScheduler::runUnit(size_t I) {
  const std::string &File = Batch.Units[I];
  Attempt A{I, Batch.Keep ? residentBytes() : 0};
  auto Hook = [&](UnitOutcome &Out) { return keepUnit(A, Out); };
  UnitOutcome Out;
  CrashRecoveryContext CRC;
  if (!CRC.RunSafely([&] {
        Out = Runner.run(File, Batch.Facts, Batch.Pass,
                         Batch.Keep ? KeepHook(Hook) : KeepHook());
      })) {
    Out = UnitOutcome();
    Out.Record.File = File;
    Out.Record.Failed = true;
    Out.Record.Error = "the analysis crashed on this file";
  }
  if (Batch.Keep)
    releaseFreedMemory();
  std::lock_guard<std::mutex> Lock(Mutex);
  if (!A.Delivered)
    deliver(I, Out);
  else if (Out.Rechecked || Out.Record.Failed)
    note(Batch.Keep->Rechecked(Out));
  if (A.CheckedAgain) {
    --Rechecking;
    Changed.notify_all();
  }
}

/// The KeepHook of a unit: delivers its first outcome, then keeps its
/// worker (and AST) waiting until every unit is in, when the facts to check
/// it again with are known; null lets it go.
const FingerprintingSummaryProvider *UnitScheduler::keepUnit(Attempt &A,
                                                             UnitOutcome &Out) {
  std::unique_lock<std::mutex> Lock(Mutex);
  size_t Resident = residentBytes();
  LargestUnit =
      std::max({LargestUnit, Out.AstBytes,
                Resident > A.StartBytes ? Resident - A.StartBytes : 0});
  deliver(A.Index, Out);
  A.Delivered = true;
  // Keeping pays when the facts the unit looked up may still change, and
  // only while the units parsed meanwhile still fit in the budget.
  if (Out.Record.Failed || Out.Record.Lookups.empty() ||
      (!Batch.Calls.empty() && calleesDoneFirst(A.Index)) ||
      Resident + Jobs * LargestUnit > Batch.Keep->Budget)
    return nullptr;
  Kept &K = KeptUnits.emplace_back(Kept{&Out.Record});
  if (FirstWaiting < Batch.Units.size())
    Workers.emplace_back(
        [this] { work(); }); // in this thread's place meanwhile
  // Checked again at most Jobs at a time, like the parses.
  Changed.wait(Lock,
               [&] { return K.Decided && (!K.Again || Rechecking < Jobs); });
  if (!K.Again)
    return nullptr;
  ++Rechecking;
  A.CheckedAgain = true;
  return Batch.Facts;
}

/// Every unit has delivered: the kept ones wait and KeptUnits is final.
/// Decides which are checked again, and runs Keep->Meanwhile while they are.
void UnitScheduler::recheckKept() {
  std::vector<bool> Again;
  for (const Kept &K : KeptUnits)
    Again.push_back(Batch.Facts && Batch.Keep->FactsChanged(*K.First));
  {
    std::lock_guard<std::mutex> Lock(Mutex);
    auto It = Again.begin();
    for (Kept &K : KeptUnits) {
      K.Decided = true;
      K.Again = *It++;
    }
    ++Rechecking; // for Meanwhile
    Changed.notify_all();
  }
  Error E = Batch.Keep->Meanwhile();
  std::lock_guard<std::mutex> Lock(Mutex);
  note(std::move(E));
  --Rechecking;
  Changed.notify_all();
}

} // namespace concur::advise
