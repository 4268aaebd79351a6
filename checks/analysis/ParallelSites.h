//===--- ParallelSites.h - Where code is handed to concurrency --*- C++ -*-===//
//
// Finds the places where code is given to a concurrency model, and which
// model: a callable passed to std::thread, std::async, a pool's submit or an
// event loop's post (the knowledge base's `runs-on`), to a parallel algorithm
// (a std::execution::par policy argument), or the statement of an OpenMP
// parallel or task construct. Checks then ask whether the code fits the
// model: thread-safe on threads, computing on cores, not computing on a loop.
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_ANALYSIS_PARALLELSITES_H
#define CONCUR_ANALYSIS_PARALLELSITES_H

#include "SelectionTable.h"
#include "WorkloadAnalyzer.h"
#include "clang/AST/StmtOpenMP.h"
#include "llvm/ADT/SmallVector.h"
#include <optional>
#include <string>

namespace concur {

/// Code handed to a concurrency model.
struct ParallelSite {
  RunsOn Runs = RunsOn::Caller;
  /// What runs it, for messages: "std::thread", "tbb::parallel_for",
  /// "std::for_each with std::execution::par", "omp parallel for".
  std::string Api;
  /// The callable's definition (a lambda's call operator or a function);
  /// null for an OpenMP region.
  const clang::FunctionDecl *Callable = nullptr;
  /// Where the callable is named (the argument), or the directive.
  clang::SourceLocation Loc;
  /// For OpenMP: the statement the threads run (for a loop construct, the
  /// loop: each iteration is a task).
  const clang::Stmt *Region = nullptr;

  /// "'worker'", "the lambda" or "this OpenMP region", for messages.
  std::string describe() const;
  /// \p E without its first hop when that hop is the site itself (the
  /// callable named at the site), for messages that already name it.
  Evidence withoutSite(const Evidence &E) const;
};

/// One task of a site: its work, with evidence chains that start at the
/// site, and the facts the selection table decides on.
struct SiteTask {
  Effects Work;
  SiteFacts Facts;
};

/// What one task of \p Site does: one call of its callable, one run of its
/// OpenMP region or, with \p OneIteration, one iteration of its OpenMP loop.
SiteTask siteTask(const ParallelSite &Site, WorkloadAnalyzer &Analyzer,
                  bool OneIteration);

/// The callee and the arguments of a call or a construction (a callee of
/// null when it is neither, or calls through a pointer).
struct CallParts {
  const clang::FunctionDecl *Callee = nullptr;
  llvm::ArrayRef<const clang::Expr *> Args;
};
CallParts callParts(const clang::Expr *Call);

/// The function a callable argument names: a lambda, a function (or its
/// address, possibly cast), or a variable initialised with a lambda.
const clang::FunctionDecl *callableOf(const clang::Expr *Arg);

/// The callables \p Call (a call or construction) hands to a concurrency
/// model, one site per callable argument with a body that is analysed. Empty
/// when the callee runs its callables on the caller's thread.
llvm::SmallVector<ParallelSite, 1> parallelSites(const clang::Expr *Call,
                                                 WorkloadAnalyzer &Analyzer);

/// The site of an OpenMP construct whose statement runs on several threads
/// (parallel, task, taskloop, teams and their combined forms), if it is one.
std::optional<ParallelSite>
openMPSite(const clang::OMPExecutableDirective *Directive);

} // namespace concur

#endif // CONCUR_ANALYSIS_PARALLELSITES_H
