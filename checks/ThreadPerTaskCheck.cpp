//===--- ThreadPerTaskCheck.cpp - concur ----------------------------------===//

#include "ThreadPerTaskCheck.h"
#include "utils/TaskSites.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "llvm/ADT/SmallPtrSet.h"
#include <functional>

using namespace clang::ast_matchers;

namespace clang::tidy::concur {

ThreadPerTaskCheck::ThreadPerTaskCheck(StringRef Name,
                                       ClangTidyContext *Context)
    : ConcurCheck(Name, Context),
      ThreadClasses(qualifiedNameList(
          Options.getLocalOrGlobal("ThreadClasses", DefaultThreadClasses))),
      ThreadFunctions(qualifiedNameList(
          Options.getLocalOrGlobal("ThreadFunctions", DefaultThreadFunctions))),
      CoreCountFunctions(qualifiedNameList(Options.getLocalOrGlobal(
          "CoreCountFunctions", DefaultCoreCountFunctions))) {}

void ThreadPerTaskCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  ConcurCheck::storeOptions(Opts);
  Options.store(Opts, "ThreadClasses", joinNameList(ThreadClasses));
  Options.store(Opts, "ThreadFunctions", joinNameList(ThreadFunctions));
  Options.store(Opts, "CoreCountFunctions", joinNameList(CoreCountFunctions));
}

void ThreadPerTaskCheck::registerMatchers(MatchFinder *Finder) {
  addThreadStartMatchers(*Finder, this, ThreadClasses, ThreadFunctions,
                         "start");
}

bool ThreadPerTaskCheck::isWorker(const FunctionDecl *Task, ASTContext &Ctx) {
  // A worker loops waiting on other threads (a condition variable, a
  // semaphore, a future, an atomic wait), in the task or in what it calls;
  // taking a lock is too cheap to count as waiting for work.
  WorkloadAnalyzer &Analyzer = analyzer(Ctx);
  double Waiting = analysisOptions().SubstantialBlocking;
  llvm::SmallPtrSet<const FunctionDecl *, 8> Seen;
  bool Serves = false;
  std::function<void(const Stmt *, unsigned)> Visit = [&](const Stmt *S,
                                                          unsigned Depth) {
    if (!S || Serves || isa<LambdaExpr, BlockExpr>(S))
      return;
    if (isa<ForStmt, CXXForRangeStmt, WhileStmt, DoStmt>(S) &&
        Analyzer.analyzeLoop(S).PerIteration.BlockingByKind[unsigned(
            ::concur::IoKind::Sync)] >= Waiting) {
      Serves = true;
      return;
    }
    if (const auto *Call = dyn_cast<CallExpr>(S); Call && Depth < 3)
      if (const FunctionDecl *Callee = Call->getDirectCallee())
        if (const FunctionDecl *Def = Callee->getDefinition();
            Def && Seen.insert(Def).second && Analyzer.isAnalysable(Def))
          Visit(Def->getBody(), Depth + 1);
    for (const Stmt *Child : S->children())
      Visit(Child, Depth);
  };
  Seen.insert(Task);
  Visit(Task->getBody(), 0);
  return Serves;
}

/// Whether the loop's bound is derived from the core count: a core-sized set
/// of workers, not a thread per item.
static bool boundedByCores(const Stmt *Loop,
                           ArrayRef<std::string> CoreCountFunctions) {
  const Expr *Cond = loopCondition(Loop);
  return Cond && mentionsCall(Cond, CoreCountFunctions);
}

/// Whether the loop's condition names a count of threads or workers
/// (`i < num_threads`, `i < pool->nworkers`, `i < config.threads`): a loop
/// that starts the set of workers a setting asks for, not a thread per item.
static bool boundedByThreadCount(const Stmt *Loop) {
  const Expr *Cond = loopCondition(Loop);
  if (!Cond)
    return false;
  std::function<bool(const Stmt *)> Names = [&](const Stmt *S) {
    if (!S)
      return false;
    StringRef Name;
    if (const auto *Ref = dyn_cast<DeclRefExpr>(S))
      Name = Ref->getDecl()->getName();
    else if (const auto *Member = dyn_cast<MemberExpr>(S))
      Name = Member->getMemberDecl()->getName();
    std::string Lower = Name.lower();
    if (StringRef(Lower).contains("thread") ||
        StringRef(Lower).contains("worker"))
      return true;
    return llvm::any_of(S->children(), Names);
  };
  return Names(Cond);
}

void ThreadPerTaskCheck::check(const MatchFinder::MatchResult &Result) {
  const auto *Start = Result.Nodes.getNodeAs<Expr>("start");
  ASTContext &Ctx = *Result.Context;
  if (Start->getBeginLoc().isMacroID())
    return;

  std::string Name;
  SmallVector<const Expr *, 4> Args = startArguments(Start);
  if (const auto *Member = dyn_cast<CXXMemberCallExpr>(Start)) {
    const auto *Spec = cast<ClassTemplateSpecializationDecl>(
        Member->getMethodDecl()->getParent());
    const auto *Thread =
        Spec->getTemplateArgs()[0].getAsType()->getAsCXXRecordDecl();
    Name = Thread ? Thread->getQualifiedNameAsString() : "thread";
  } else {
    Name = startName(Start);
    // std::async(std::launch::deferred, f) runs f in the caller at get().
    if (isa<CallExpr>(Start) && isDeferredLaunch(Args))
      return;
  }

  const Stmt *Loop = enclosingLoop(Start, Ctx);
  if (!Loop || Loop->getBeginLoc().isMacroID())
    return;
  auto [Arg, Target] = firstCallableArgument(Args);
  if (!Target)
    return;
  const FunctionDecl *Task = Target->getDefinition();
  WorkloadAnalyzer &Analyzer = analyzer(Ctx);
  if (!Task || !Analyzer.isAnalysable(Task))
    return;
  if (boundedByCores(Loop, CoreCountFunctions) || boundedByThreadCount(Loop) ||
      isWorker(Task, Ctx))
    return;
  const LoopFacts &Facts = Analyzer.analyzeLoop(Loop);
  if (Facts.Shape == ::concur::FanOut::Single ||
      Facts.Shape == ::concur::FanOut::Small)
    return;

  const ::concur::FunctionSummary &Summary = Analyzer.summarize(Task);
  ::concur::SiteFacts Site = ::concur::functionSite(Summary);
  Site.Shape = Facts.Shape;
  Site.Batch = Facts.Dependences.CollectsResults;
  Recommendation Rec = table().decide(Site);
  std::vector<Evidence> Shown =
      taskEvidence(Summary, Task, Arg->getBeginLoc(), Analyzer);
  std::string Work = describeTaskWork(Summary, Shown, analysisOptions());

  if (Rec.id() == ::concur::RowId::Sequential)
    diag(Start->getBeginLoc(),
         "'%0' starts a thread per iteration of %1 for %2; starting a thread "
         "costs more than the work: call it inline (%3)")
        << Name << describeFanOut(Facts) << Work << rowLabel(Rec);
  else
    diag(Start->getBeginLoc(),
         "'%0' starts a thread per iteration of %1 for %2; reuse a bounded "
         "set of workers instead of one thread per task (%3)")
        << Name << describeFanOut(Facts) << Work << rowLabel(Rec);
  diag(Loop->getBeginLoc(), "one thread is started per iteration of this loop",
       DiagnosticIDs::Note);
  emitRowNote(Start->getBeginLoc(), Rec);
  for (const Evidence &E : Shown)
    emitChain(E, Ctx);
}

} // namespace clang::tidy::concur
