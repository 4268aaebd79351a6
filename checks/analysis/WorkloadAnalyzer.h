//===--- WorkloadAnalyzer.h - Interprocedural workload analysis -*- C++ -*-===//
//
// Classifies code as io, cpu, mixed or trivial through its callees, in the
// manner of clang-tidy's utils/ExceptionAnalyzer: summaries are computed on
// demand, memoised per function, bottom-up over the call graph (recursion is
// handled per strongly connected component), and every conclusion carries the
// evidence chain that led to it.
//
// Glossary:
//   work      estimated computation, in units of about one simple operation
//   blocking  estimated waiting, in the same units
//   effects   work, blocking, thread safety and evidence of some code
//   summary   the effects of one function including all of its callees
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_ANALYSIS_WORKLOADANALYZER_H
#define CONCUR_ANALYSIS_WORKLOADANALYZER_H

#include "AnalysisOptions.h"
#include "KnowledgeBase.h"
#include "LoopIndependence.h"
#include "Summary.h"
#include "clang/AST/ASTContext.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include <memory>

namespace concur {

/// Summaries of functions defined in other translation units (the CLI's
/// summaries database). Implementations must be usable from one thread.
class SummaryProvider {
public:
  virtual ~SummaryProvider();
  /// The linked summary of the function with this USR, or null.
  virtual const FunctionSummary *lookup(llvm::StringRef USR) const = 0;
};

/// Everything the checks need to know about one loop.
struct LoopFacts {
  /// The effects of one iteration, with evidence chains starting in the body.
  Effects PerIteration;
  Classification IterationClass;
  double TripCount = 0;
  bool TripCountKnown = false;
  FanOut Shape = FanOut::Runtime;
  Dependence Dependences;
};

class WorkloadAnalyzer {
public:
  WorkloadAnalyzer(clang::ASTContext &Ctx, const KnowledgeBase &KB,
                   const AnalysisOptions &Opts,
                   const SummaryProvider *External = nullptr);
  ~WorkloadAnalyzer();

  /// The summary of a function that has a body in this translation unit.
  const FunctionSummary &summarize(const clang::FunctionDecl *FD);

  /// The effects of one execution of \p S (a loop body, a statement), with
  /// evidence chains that start at the calls in \p S.
  Effects analyzeStmt(const clang::Stmt *S);

  /// The effects of one call of \p Callee at \p CallSite, as the caller sees
  /// them; \p Call is the call expression (used for virtual dispatch).
  /// \p Context, the body the call is in, tells whether its descriptor is
  /// non-blocking (handlesWouldBlock, isNonBlockingDescriptor).
  Effects analyzeCall(const clang::Expr *Call,
                      const clang::Stmt *Context = nullptr);

  /// Per-iteration effects, trip count, fan-out and dependences of a loop
  /// (for, range-for, while, do). Computed once per loop: the reference
  /// lives as long as the analyzer.
  const LoopFacts &analyzeLoop(const clang::Stmt *Loop);

  /// The parameters a call of \p Callee may change (FunctionSummary::
  /// WrittenParams): from its body here, else from its linked summary, else
  /// from its declaration; a knowledge-base API that reads or writes a
  /// stream (network, file, database, IPC) changes its descriptor argument.
  uint64_t writtenParams(const clang::FunctionDecl *Callee);

  /// The knowledge-base (or annotation) effects of a function, if any.
  std::optional<ApiEffects> apiEffects(const clang::FunctionDecl *FD);

  /// Whether calling a function the knowledge base does not describe
  /// returns holding a lock or releases one (LockRegions.h says how a body
  /// is read); from the summaries of other units for functions defined
  /// there.
  LockWrapping lockWrapping(const clang::FunctionDecl *FD);

  /// "ns::Class::method", without template arguments or inline namespaces:
  /// the form knowledge-base names are written in.
  std::string knowledgeBaseName(const clang::FunctionDecl *FD);

  /// The same form for a class: "std::basic_istringstream".
  static std::string knowledgeBaseName(const clang::TagDecl *TD);

  /// Whether the function is a C++20 coroutine.
  static bool isCoroutine(const clang::FunctionDecl *FD);

  /// Whether the function's body is analysed (it has one outside system
  /// headers, and neither the knowledge base nor an annotation describes it).
  bool isAnalysable(const clang::FunctionDecl *FD);

  Hop makeHop(llvm::StringRef Callee, clang::SourceLocation Loc) const;

  /// Whether \p Branch of \p If is not part of the workload: it ends the
  /// program, it is taken only when a call failed (`if (rc != 0) { log;
  /// return; }`, `if (fd < 0)`, `if (!p) goto err;`), or it is diagnostics
  /// behind a level check (`if (settings.verbose > 1)`).
  bool isIncidentalBranch(const clang::IfStmt *If, const clang::Stmt *Branch);

  /// Whether \p Label starts an error path (`err:`, `fail_close:`): the
  /// statements from it to the end of its block are not the workload.
  bool isErrorLabel(const clang::LabelStmt *Label) const;

  /// Whether \p Body uses one of the knowledge base's would-block codes
  /// (`errno == EAGAIN`): it works on non-blocking descriptors.
  bool handlesWouldBlock(const clang::Stmt *Body);
  /// Whether \p Body returns the value of \p Call: `return send(...)`, or
  /// `n = send(...); ... return n;` (the caller sees its would-block result).
  bool returnsResult(const clang::Expr *Call, const clang::Stmt *Body);
  /// A call in \p S (not in a lambda it defines) that prints to the standard
  /// output without naming a stream: printf, puts, putchar.
  const clang::CallExpr *printsToConsole(const clang::Stmt *S);

  /// Whether the descriptor \p Descriptor (a variable) is visibly made
  /// non-blocking in \p Body: created with SOCK_NONBLOCK or O_NONBLOCK,
  /// switched with fcntl(F_SETFL, O_NONBLOCK) or ioctl(FIONBIO), or passed
  /// to a function named for it (evutil_make_socket_nonblocking).
  bool isNonBlockingDescriptor(const clang::Expr *Descriptor,
                               const clang::Stmt *Body);

  /// Whether \p Call waits for events on many descriptors: a call of a
  /// knowledge-base dispatch-wait (epoll_wait, poll, select) that does not
  /// watch a constant one descriptor or none, with a timeout that is not 0.
  bool isDispatchWait(const clang::Expr *Call);

  /// The effects of one call of \p Target (a function or a lambda's call
  /// operator) named at \p Loc, with evidence chains that start there: from
  /// its body in this unit, else from the linked summary of another unit.
  /// None when neither is available.
  std::optional<Effects> analyzeCallable(const clang::FunctionDecl *Target,
                                         clang::SourceLocation Loc);

  /// Whether \p FD is a log sink by its name and its effects: named as a
  /// logger, taking a format, and doing no I/O but output.
  bool isLogSink(const clang::FunctionDecl *FD, const Effects &Total) const;

  /// Whether a loop body only releases resources (frees, closes, destroys,
  /// unreferences) and otherwise does less than a task's worth of work.
  bool isCleanupBody(const clang::Stmt *Body);

  const AnalysisOptions &options() const { return Opts; }
  const KnowledgeBase &knowledgeBase() const { return KB; }
  clang::ASTContext &context() const { return Ctx; }

  class Impl;

private:
  clang::ASTContext &Ctx;
  const KnowledgeBase &KB;
  AnalysisOptions Opts;
  std::unique_ptr<Impl> P;
};

} // namespace concur

#endif // CONCUR_ANALYSIS_WORKLOADANALYZER_H
