//===--- OversubscribedCpuPoolCheck.cpp - concur --------------------------===//

#include "OversubscribedCpuPoolCheck.h"
#include "utils/TaskSites.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/OpenMPClause.h"
#include "clang/AST/StmtOpenMP.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include <functional>

using namespace clang::ast_matchers;

namespace clang::tidy::concur {

static constexpr char DefaultPoolClasses[] =
    "::concur::thread_pool;::BS::thread_pool;::tbb::task_arena;"
    "::tbb::detail::d1::task_arena";
static constexpr char DefaultExecutorClasses[] = "::concur::executor";
static constexpr char DefaultIoPoolFunctions[] = "::concur::io_pool";
OversubscribedCpuPoolCheck::OversubscribedCpuPoolCheck(
    StringRef Name, ClangTidyContext *Context)
    : ConcurCheck(Name, Context),
      PoolClasses(
          qualifiedNameList(Options.get("PoolClasses", DefaultPoolClasses))),
      ExecutorClasses(qualifiedNameList(
          Options.get("ExecutorClasses", DefaultExecutorClasses))),
      IoPoolFunctions(qualifiedNameList(
          Options.get("IoPoolFunctions", DefaultIoPoolFunctions))),
      ThreadClasses(qualifiedNameList(
          Options.get("ThreadClasses", DefaultThreadClasses))),
      ThreadFunctions(qualifiedNameList(
          Options.get("ThreadFunctions", DefaultThreadFunctions))),
      CoreCountFunctions(qualifiedNameList(Options.getLocalOrGlobal(
          "CoreCountFunctions", DefaultCoreCountFunctions))),
      MaxHardwareThreads(Options.get("MaxHardwareThreads", 16U)) {}

void OversubscribedCpuPoolCheck::storeOptions(
    ClangTidyOptions::OptionMap &Opts) {
  ConcurCheck::storeOptions(Opts);
  Options.store(Opts, "PoolClasses", joinNameList(PoolClasses));
  Options.store(Opts, "ExecutorClasses", joinNameList(ExecutorClasses));
  Options.store(Opts, "IoPoolFunctions", joinNameList(IoPoolFunctions));
  Options.store(Opts, "ThreadClasses", joinNameList(ThreadClasses));
  Options.store(Opts, "ThreadFunctions", joinNameList(ThreadFunctions));
  Options.store(Opts, "CoreCountFunctions", joinNameList(CoreCountFunctions));
  Options.store(Opts, "MaxHardwareThreads", MaxHardwareThreads);
}

void OversubscribedCpuPoolCheck::onStartOfTranslationUnit() {
  ConcurCheck::onStartOfTranslationUnit();
  Reported.clear();
}

void OversubscribedCpuPoolCheck::registerMatchers(MatchFinder *Finder) {
  std::vector<StringRef> Pools(PoolClasses.begin(), PoolClasses.end());
  Pools.insert(Pools.end(), ExecutorClasses.begin(), ExecutorClasses.end());
  auto InUserCode = allOf(unless(isInTemplateInstantiation()),
                          unless(isExpansionInSystemHeader()));
  // Work handed to a pool object.
  Finder->addMatcher(
      cxxMemberCallExpr(on(hasType(hasUnqualifiedDesugaredType(recordType(
                            hasDeclaration(namedDecl(hasAnyName(Pools))))))),
                        InUserCode)
          .bind("submit"),
      this);
  // Hand-started threads, counted up to a multiple of the core count.
  addThreadStartMatchers(*Finder, this, ThreadClasses, ThreadFunctions,
                         "thread");
  // OpenMP regions with a num_threads clause.
  Finder->addMatcher(ompExecutableDirective(InUserCode).bind("omp"), this);
}

std::string OversubscribedCpuPoolCheck::oversubscription(const Expr *Size,
                                                         ASTContext &Ctx,
                                                         unsigned Depth) {
  if (!Size || Size->isValueDependent() || Size->isTypeDependent())
    return "";
  Size = Size->IgnoreParenImpCasts();
  if (std::optional<llvm::APSInt> N = Size->getIntegerConstantExpr(Ctx)) {
    if (N->isSigned() ? N->getSExtValue() > int64_t(MaxHardwareThreads)
                      : N->getZExtValue() > MaxHardwareThreads)
      return std::to_string(N->getExtValue()) + " threads";
    return "";
  }
  // A variable initialised with such a count.
  if (const VarDecl *Var = referencedVar(Size);
      Var && Depth == 0 && !isa<ParmVarDecl>(Var) && Var->getInit())
    return oversubscription(Var->getInit(), Ctx, Depth + 1);
  const auto *BO = dyn_cast<BinaryOperator>(Size);
  if (!BO)
    return "";
  const Expr *L = BO->getLHS(), *R = BO->getRHS();
  auto Constant = [&](const Expr *E) -> std::optional<int64_t> {
    if (std::optional<llvm::APSInt> V = E->getIntegerConstantExpr(Ctx))
      return V->getExtValue();
    return std::nullopt;
  };
  if (BO->getOpcode() == BO_Mul) {
    for (auto [Cores, Factor] : {std::pair(L, R), std::pair(R, L)})
      if (std::optional<int64_t> K = Constant(Factor);
          K && *K > 1 && mentionsCall(Cores, CoreCountFunctions))
        return std::to_string(*K) + " times the core count";
  }
  if (BO->getOpcode() == BO_Shl)
    if (std::optional<int64_t> K = Constant(R);
        K && *K >= 1 && *K < 16 && mentionsCall(L, CoreCountFunctions))
      return std::to_string(int64_t(1) << *K) + " times the core count";
  return "";
}

/// The first argument of a construction, looking through the temporaries
/// around it.
static const CXXConstructExpr *constructionOf(const Expr *Init) {
  while (Init) {
    Init = Init->IgnoreImplicit()->IgnoreParenImpCasts();
    const auto *Construct = dyn_cast<CXXConstructExpr>(Init);
    if (!Construct)
      return nullptr;
    // A copy or move of a temporary: look at what it copies.
    if (Construct->getNumArgs() == 1 &&
        Construct->getConstructor()->isCopyOrMoveConstructor()) {
      Init = Construct->getArg(0);
      continue;
    }
    return Construct;
  }
  return nullptr;
}

std::optional<OversubscribedCpuPoolCheck::PoolSite>
OversubscribedCpuPoolCheck::oversizedPool(const Expr *Object, ASTContext &Ctx,
                                          unsigned Depth) {
  if (!Object || Depth > 2)
    return std::nullopt;
  Object = Object->IgnoreImplicit()->IgnoreParenImpCasts();
  // concur::io_pool().submit(...): the pool sized for waiting.
  if (const auto *Call = dyn_cast<CallExpr>(Object)) {
    if (isOneOf(Call->getDirectCallee(), IoPoolFunctions))
      return PoolSite{Call, Call->getBeginLoc(),
                      "the I/O pool '" +
                          Call->getDirectCallee()->getQualifiedNameAsString() +
                          "()', sized for waiting"};
    return std::nullopt;
  }
  const VarDecl *Var = referencedVar(Object);
  if (!Var || !Var->getInit())
    return std::nullopt;
  const Expr *Init = Var->getInit();
  // A reference bound to a pool: `auto &pool = concur::io_pool();`.
  if (Var->getType()->isReferenceType())
    return oversizedPool(Init, Ctx, Depth + 1);
  const CXXConstructExpr *Construct = constructionOf(Init);
  if (!Construct || Construct->getNumArgs() == 0)
    return std::nullopt;
  const CXXRecordDecl *Class = Construct->getConstructor()->getParent();
  std::string ClassName = "::" + Class->getQualifiedNameAsString();
  if (llvm::is_contained(ExecutorClasses, ClassName))
    // An executor over a pool: the pool decides.
    return oversizedPool(Construct->getArg(0), Ctx, Depth + 1);
  if (!llvm::is_contained(PoolClasses, ClassName))
    return std::nullopt;
  const Expr *Size = Construct->getArg(0);
  if (isa<CXXDefaultArgExpr>(Size))
    return std::nullopt;
  std::string Why = oversubscription(Size, Ctx);
  if (Why.empty())
    return std::nullopt;
  return PoolSite{Var, Size->getBeginLoc(),
                  "a pool of " + Why + " ('" + Var->getNameAsString() + "')"};
}

void OversubscribedCpuPoolCheck::report(const PoolSite &Pool,
                                        const ::concur::FunctionSummary &Work,
                                        const FunctionDecl *Task,
                                        SourceLocation PassedAt,
                                        SourceLocation WorkLoc,
                                        StringRef WorkNote, ASTContext &Ctx) {
  if (Work.Class.Class != ::concur::WorkloadClass::Cpu ||
      Reported.contains(Pool.Key))
    return;
  Reported.insert(Pool.Key);
  WorkloadAnalyzer &Analyzer = analyzer(Ctx);
  ::concur::SiteFacts Site = ::concur::functionSite(Work);
  Recommendation Rec = table().decide(Site);
  std::vector<Evidence> Shown = taskEvidence(Work, Task, PassedAt, Analyzer);
  std::string What = describeTaskWork(Work, Shown, analysisOptions());
  diag(Pool.Loc,
       "%0 runs on %1: more workers than cores do not speed up CPU-bound "
       "work; use one worker per core (%2)")
      << What << Pool.What << rowLabel(Rec);
  diag(WorkLoc, "%0", DiagnosticIDs::Note) << WorkNote;
  emitRowNote(Pool.Loc, Rec);
  for (const Evidence &E : Shown)
    emitChain(E, Ctx);
}

void OversubscribedCpuPoolCheck::checkSubmit(const CXXMemberCallExpr *Submit,
                                             ASTContext &Ctx) {
  const CXXMethodDecl *Method = Submit->getMethodDecl();
  if (!Method || Submit->getNumArgs() == 0)
    return;
  WorkloadAnalyzer &Analyzer = analyzer(Ctx);
  std::optional<::concur::ApiEffects> Api = Analyzer.apiEffects(Method);
  // Only the members that run a callable on the pool's workers.
  if (!Api ||
      !(Api->Spawns || Api->Callback == ::concur::CallbackPolicy::Inline))
    return;
  std::optional<PoolSite> Pool =
      oversizedPool(Submit->getImplicitObjectArgument(), Ctx);
  if (!Pool || Reported.contains(Pool->Key))
    return;
  SmallVector<const Expr *, 4> Args(Submit->arg_begin(), Submit->arg_end());
  auto [Arg, Target] = firstCallableArgument(Args);
  const FunctionDecl *Task = Target ? Target->getDefinition() : nullptr;
  if (!Task || !Analyzer.isAnalysable(Task))
    return;
  report(*Pool, Analyzer.summarize(Task), Task, Arg->getBeginLoc(),
         Submit->getExprLoc(), "the CPU work is submitted here", Ctx);
}

void OversubscribedCpuPoolCheck::checkThreadLoop(const Expr *Start,
                                                 ASTContext &Ctx) {
  const Stmt *Loop = enclosingLoop(Start, Ctx);
  if (!Loop || Reported.contains(Loop))
    return;
  // Only for and while loops: a do loop's bound is not read here.
  const Expr *Cond = isa<DoStmt>(Loop) ? nullptr : loopCondition(Loop);
  // The bound of a comparison in the condition (`i < 2 * cores && ...`);
  // only counts derived from the core count: a constant count is a thread
  // per item, which concur-thread-per-task reports.
  const Expr *Bound = nullptr;
  std::function<void(const Expr *)> FindBound = [&](const Expr *E) {
    const auto *BO =
        E ? dyn_cast<BinaryOperator>(E->IgnoreParenImpCasts()) : nullptr;
    if (!BO || Bound)
      return;
    if (BO->getOpcode() == BO_LAnd) {
      FindBound(BO->getLHS());
      FindBound(BO->getRHS());
      return;
    }
    if (!BO->isRelationalOp())
      return;
    const Expr *Side = BO->getOpcode() == BO_LT || BO->getOpcode() == BO_LE
                           ? BO->getRHS()
                           : BO->getLHS();
    if (mentionsCall(Side, CoreCountFunctions))
      Bound = Side;
  };
  FindBound(Cond);
  if (!Bound)
    return;
  std::string Why = oversubscription(Bound, Ctx);
  if (Why.empty())
    return;
  SmallVector<const Expr *, 4> Args = startArguments(Start);
  auto [Arg, Target] = firstCallableArgument(Args);
  const FunctionDecl *Task = Target ? Target->getDefinition() : nullptr;
  WorkloadAnalyzer &Analyzer = analyzer(Ctx);
  if (!Task || !Analyzer.isAnalysable(Task))
    return;
  PoolSite Pool{Loop, Bound->getBeginLoc(), "threads started up to " + Why};
  report(Pool, Analyzer.summarize(Task), Task, Arg->getBeginLoc(),
         Start->getBeginLoc(), "each thread is started here", Ctx);
}

void OversubscribedCpuPoolCheck::checkOpenMP(
    const OMPExecutableDirective *Directive, ASTContext &Ctx) {
  const Expr *Threads = nullptr;
  for (const OMPClause *Clause : Directive->clauses())
    if (const auto *NT = dyn_cast_or_null<OMPNumThreadsClause>(Clause))
      Threads = NT->getNumThreads();
  if (!Threads || !Directive->hasAssociatedStmt())
    return;
  std::string Why = oversubscription(Threads, Ctx);
  if (Why.empty())
    return;
  const Stmt *Body = Directive->getStructuredBlock();
  if (!Body)
    return;
  WorkloadAnalyzer &Analyzer = analyzer(Ctx);
  ::concur::FunctionSummary Work;
  Work.Total = Analyzer.analyzeStmt(Body);
  // A loop directive's body runs once per iteration of the loop.
  if (const auto *Loop = dyn_cast<OMPLoopDirective>(Directive))
    if (const Stmt *Associated = Loop->getAssociatedStmt())
      if (const auto *Captured = dyn_cast<CapturedStmt>(Associated))
        Work.Total = Analyzer.analyzeStmt(Captured->getCapturedStmt());
  Work.Class = ::concur::classify(Work.Total, analysisOptions());
  PoolSite Pool{Directive, Threads->getBeginLoc(), "an OpenMP team of " + Why};
  report(Pool, Work, nullptr, SourceLocation(), Directive->getBeginLoc(),
         "the parallel region starts here", Ctx);
}

void OversubscribedCpuPoolCheck::check(const MatchFinder::MatchResult &Result) {
  ASTContext &Ctx = *Result.Context;
  if (const auto *Submit =
          Result.Nodes.getNodeAs<CXXMemberCallExpr>("submit")) {
    if (!Submit->getBeginLoc().isMacroID())
      checkSubmit(Submit, Ctx);
    return;
  }
  if (const auto *Start = Result.Nodes.getNodeAs<Expr>("thread")) {
    if (!Start->getBeginLoc().isMacroID())
      checkThreadLoop(Start, Ctx);
    return;
  }
  if (const auto *Directive =
          Result.Nodes.getNodeAs<OMPExecutableDirective>("omp"))
    checkOpenMP(Directive, Ctx);
}

} // namespace clang::tidy::concur
