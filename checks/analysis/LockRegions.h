//===--- LockRegions.h - Where a function body holds a lock -----*- C++ -*-===//
//
// Finds the critical sections of a function body: from a lock acquisition
// (a std::lock_guard/unique_lock/scoped_lock/shared_lock, mutex.lock(),
// pthread_mutex_lock(&m), ...) to its release (the end of the guard's scope,
// unlock()). Which functions lock and unlock is knowledge-base data
// (`acquires-lock`, `releases-lock`); this file only follows the body. A
// project's own lock wrappers (`void stats_lock(void)` around
// pthread_mutex_lock) are found by reading their bodies the same way.
//
// The walk is linear in source order and does not follow control flow: a
// release on one branch ends the section for the code after it. That errs on
// the side of silence: code after a conditional unlock is not reported.
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_ANALYSIS_LOCKREGIONS_H
#define CONCUR_ANALYSIS_LOCKREGIONS_H

#include "WorkloadAnalyzer.h"
#include "clang/AST/Expr.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include <string>

namespace concur {

/// A lock held at some point of a body.
struct HeldLock {
  /// The mutex as written: "m", "state.mu", "table_lock".
  std::string Mutex;
  /// The call or construction that took it.
  const clang::Expr *Acquired = nullptr;
  /// What took it: "std::lock_guard", "pthread_mutex_lock".
  std::string Via;
};

/// Calls \p Visit for every call (or construction) in \p Body made while a
/// lock is held, in source order, with the most recently taken lock. Lock
/// machinery is not visited: the calls that take and release locks, and
/// calls that are given a held lock or its mutex (a condition variable's
/// wait releases it while waiting). Lambda and block bodies are skipped:
/// they run when they are called, not where they are written.
void forEachCallUnderLock(
    const clang::Stmt *Body, WorkloadAnalyzer &Analyzer,
    llvm::function_ref<void(const clang::Expr *Call, const HeldLock &Lock)>
        Visit);

/// Whether \p Call, in \p Function, runs once per process: in `main`, outside
/// any loop (start-up and shutdown). Waiting there under a lock holds up no
/// work of other threads worth a finding.
bool runsOncePerProcess(const clang::FunctionDecl *Function,
                        const clang::Expr *Call);

/// What \p Body does to locks for its caller: it returns holding a lock it
/// took (an acquire wrapper) or releases one it did not take (a release
/// wrapper), lock guards aside (they end with their scope).
LockWrapping lockWrappingOf(const clang::Stmt *Body,
                            WorkloadAnalyzer &Analyzer);

} // namespace concur

#endif // CONCUR_ANALYSIS_LOCKREGIONS_H
