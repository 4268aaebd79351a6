//===--- TaskSites.h - Where code starts and waits for tasks ----*- C++ -*-===//
//
// Syntactic helpers shared by the checks that look at code which already
// uses concurrency (thread-per-task, future-get-in-loop, sleep-polling-loop,
// oversubscribed-cpu-pool): the callable a thread or pool is given, the loop
// a statement runs in, and whether a count is derived from the core count.
// They only find sites; the analysis classifies the work and the selection
// table picks the row.
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_CHECKS_UTILS_TASKSITES_H
#define CONCUR_CHECKS_UTILS_TASKSITES_H

#include "Advice.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Expr.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include <string>
#include <vector>

namespace clang::tidy::concur {

/// The defaults of the options that name thread starts and core counts,
/// shared by every check that reads them.
inline constexpr char DefaultThreadClasses[] =
    "::std::thread;::std::jthread;::boost::thread";
inline constexpr char DefaultThreadFunctions[] =
    "::pthread_create;::thrd_create;::std::async;::boost::async";
inline constexpr char DefaultCoreCountFunctions[] =
    "::std::thread::hardware_concurrency;::std::jthread::hardware_concurrency;"
    "::boost::thread::hardware_concurrency;::get_nprocs;::sysconf;"
    "::omp_get_num_procs;::omp_get_max_threads";

/// Registers on \p Finder the matchers of the places that start a thread, in
/// user code, each bound to \p BindName: the construction of one of
/// \p ThreadClasses, a call to one of \p ThreadFunctions, and an emplace into
/// a container of \p ThreadClasses (`threads.emplace_back(work, item)`: the
/// thread itself is constructed inside the container, in a system header).
/// Thread starts are rare, so a check decides everything else in check().
void addThreadStartMatchers(ast_matchers::MatchFinder &Finder,
                            ast_matchers::MatchFinder::MatchCallback *Callback,
                            llvm::ArrayRef<std::string> ThreadClasses,
                            llvm::ArrayRef<std::string> ThreadFunctions,
                            llvm::StringRef BindName);

/// Whether \p E starts one thread: constructs one of \p ThreadClasses or
/// calls one of \p ThreadFunctions (qualified, "::" prefixed).
bool isThreadStart(const Expr *E, llvm::ArrayRef<std::string> ThreadClasses,
                   llvm::ArrayRef<std::string> ThreadFunctions);

/// The arguments a thread start found by addThreadStartMatchers() passes:
/// the constructor's, the function's or the emplace's.
llvm::SmallVector<const Expr *, 4> startArguments(const Expr *Start);

/// Whether \p Args begin with `std::launch::deferred`: the task then runs in
/// the caller when its result is asked for, not on another thread.
bool isDeferredLaunch(llvm::ArrayRef<const Expr *> Args);

/// The function a callable expression designates: a lambda's call operator,
/// a function (or a pointer to one), or the operator() of a function object.
/// Null when it cannot be told (a std::function, a call through a pointer).
const FunctionDecl *callableTarget(const Expr *E);

/// The first argument of \p Args that designates a callable, with its
/// target; {nullptr, nullptr} when there is none.
std::pair<const Expr *, const FunctionDecl *>
firstCallableArgument(llvm::ArrayRef<const Expr *> Args);

/// The innermost loop that runs \p S once per iteration (its body, its
/// condition or increment), in the same function: the search stops at
/// function and lambda boundaries. Null when \p S runs outside any loop.
const Stmt *enclosingLoop(const Stmt *S, ASTContext &Ctx);

/// The body of a for, range-for, while or do loop.
const Stmt *loopBody(const Stmt *Loop);

/// The condition of a for, while or do loop; null for a range-for or a
/// for without one.
const Expr *loopCondition(const Stmt *Loop);

/// Whether \p E calls one of \p Functions (qualified names, "::" prefixed),
/// directly or through a variable initialised from such a call (one level:
/// `unsigned n = std::thread::hardware_concurrency(); ... n * 4`).
bool mentionsCall(const Expr *E, llvm::ArrayRef<std::string> Functions);

/// Whether the fully qualified name of \p FD ("::std::thread::join") is one
/// of \p Names.
bool isOneOf(const FunctionDecl *FD, llvm::ArrayRef<std::string> Names);

/// Splits a check option "a;b;c" into its items, trimmed, "::" prefixed.
std::vector<std::string> qualifiedNameList(llvm::StringRef Option);

/// Joins a name list back into the option's form.
std::string joinNameList(llvm::ArrayRef<std::string> Names);

/// The variable \p E names, looking through parentheses and implicit casts.
const VarDecl *referencedVar(const Expr *E);

/// "std::thread" for a class, "pthread_create" for a function: the
/// spelling a message names a thread start with.
std::string startName(const Expr *Start);

/// The evidence a finding about a task shows: the heaviest I/O item for
/// io or mixed work, the heaviest CPU item for cpu or mixed work, each with
/// the task itself as the first hop when it is a named function.
std::vector<::concur::Evidence>
taskEvidence(const ::concur::FunctionSummary &S, const FunctionDecl *Task,
             SourceLocation PassedAt, const ::concur::WorkloadAnalyzer &A);

/// The task's work for a message: "network I/O ('recv' via 'handle')",
/// "CPU work (sort work in 'std::sort' via 'rank')", "trivial work".
std::string describeTaskWork(const ::concur::FunctionSummary &S,
                             llvm::ArrayRef<::concur::Evidence> Evidence,
                             const ::concur::AnalysisOptions &Opts);

/// "a loop with 100 iterations", "a loop with a runtime-sized fan-out",
/// "a server loop (one per request)".
std::string describeFanOut(const ::concur::LoopFacts &Facts);

} // namespace clang::tidy::concur

#endif // CONCUR_CHECKS_UTILS_TASKSITES_H
