//===--- Scheduler.h - Units on worker threads ------------------*- C++ -*-===//
//
// Runs a batch of translation units on -j worker threads, callees first
// where the plan (UnitOrder.h) says so, and hands each outcome, one at a
// time, to the caller. It may keep units parsed after their first checks
// (Keeping) so that those whose cross-unit facts change once every unit is
// in are checked again on the same AST instead of being parsed again.
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_TOOL_ADVISE_SCHEDULER_H
#define CONCUR_TOOL_ADVISE_SCHEDULER_H

#include "Progress.h"
#include "UnitRunner.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"
#include <condition_variable>
#include <list>
#include <thread>

namespace concur::advise {

struct ProjectOptions;

/// How the scheduler keeps units parsed. Each kept unit holds a worker
/// thread, which waits, and its AST; a new worker takes its place.
struct Keeping {
  /// A unit is kept only while the resident size, with room for -j more
  /// units as large as the largest seen, stays under this many bytes.
  size_t Budget = 0;
  /// Called once every unit has delivered its first outcome, for each kept
  /// one with what it delivered: whether its facts changed since. Those are
  /// checked again, with the batch's facts.
  llvm::function_ref<bool(const UnitRecord &)> FactsChanged;
  /// Runs on the calling thread while the kept units are checked again; it
  /// takes one of the -j jobs.
  llvm::function_ref<llvm::Error()> Meanwhile;
  /// Takes the outcome of a kept unit's second checks.
  llvm::function_ref<llvm::Error(UnitOutcome &)> Rechecked;
};

/// The units of one phase and what to do with their outcomes.
struct UnitBatch {
  llvm::ArrayRef<std::string> Units;
  /// For each unit, the positions in Units of the units that should deliver
  /// before it starts; none when empty. Rather than leave a worker idle, the
  /// first waiting unit starts anyway.
  llvm::ArrayRef<std::vector<unsigned>> Needs;
  /// For each unit, all the units it calls into (for Keep); none when empty.
  llvm::ArrayRef<std::vector<unsigned>> Calls;
  /// Named by the progress display.
  llvm::StringRef Phase;
  UnitPass Pass = UnitPass::Analyse;
  /// The linked summaries the checks see (may be null).
  const FingerprintingSummaryProvider *Facts = nullptr;
  /// Takes each unit's (first) outcome; calls are serialised.
  llvm::function_ref<llvm::Error(UnitOutcome &)> Done;
  /// Keeps units parsed for a second check (Analyse only), or null.
  Keeping *Keep = nullptr;
};

class UnitScheduler {
public:
  UnitScheduler(const ProjectOptions &Opts, FileCache &Files,
                const UnitBatch &Batch);

  /// Runs every unit of the batch; the first error any callback returned.
  llvm::Error run();

private:
  /// A kept unit, waiting on its worker for the decision to check it again.
  struct Kept {
    /// What the unit delivered: its worker waits, so this lives.
    const UnitRecord *First;
    bool Decided = false;
    bool Again = false;
  };
  /// One unit on its worker: whether its first outcome went out through
  /// the KeepHook, and whether it is being checked again.
  struct Attempt {
    size_t Index;
    /// The resident size when the unit started.
    size_t StartBytes = 0;
    bool Delivered = false;
    bool CheckedAgain = false;
  };

  void work();
  std::optional<size_t> next();
  void runUnit(size_t I);
  const FingerprintingSummaryProvider *keepUnit(Attempt &A, UnitOutcome &Out);
  void deliver(size_t I, UnitOutcome &Out);
  bool calleesDoneFirst(size_t I) const;
  void recheckKept();
  void note(llvm::Error E);

  const UnitBatch &Batch;
  unsigned Jobs;
  Progress Bar;
  UnitRunner Runner;

  /// Guards everything below.
  std::mutex Mutex;
  std::condition_variable Changed;
  std::vector<bool> Started, Finished;
  size_t FirstWaiting = 0, Delivered = 0;
  /// When each unit started and delivered, counted in deliveries.
  std::vector<size_t> StartedAt, DeliveredAt;
  std::list<Kept> KeptUnits;
  /// Jobs taken by re-checks and by Keep->Meanwhile.
  unsigned Rechecking = 0;
  /// The most memory a unit has taken so far: its AST
  /// (UnitOutcome::AstBytes) or, when larger, what the resident size grew by
  /// while it was parsed (which also counts what the compiler holds besides
  /// the AST, and the units parsed beside it: an estimate that errs high).
  size_t LargestUnit = 0;
  std::vector<std::thread> Workers;
  llvm::Error First = llvm::Error::success();
};

} // namespace concur::advise

#endif // CONCUR_TOOL_ADVISE_SCHEDULER_H
