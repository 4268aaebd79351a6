//===--- FutureGetInLoopCheck.cpp - concur --------------------------------===//

#include "FutureGetInLoopCheck.h"
#include "LoopIndependence.h"
#include "utils/TaskSites.h"
#include "clang/AST/ExprCXX.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringExtras.h"
#include <functional>

using namespace clang::ast_matchers;

namespace clang::tidy::concur {

static constexpr char DefaultFutureClasses[] =
    "::std::future;::std::shared_future;::boost::future;"
    "::boost::shared_future;::concur::future;::QFuture";
static constexpr char DefaultWaitMethods[] = "get;wait;result;waitForFinished";

FutureGetInLoopCheck::FutureGetInLoopCheck(StringRef Name,
                                           ClangTidyContext *Context)
    : ConcurCheck(Name, Context), FutureClasses(qualifiedNameList(Options.get(
                                      "FutureClasses", DefaultFutureClasses))) {
  SmallVector<StringRef, 8> Methods;
  StringRef(Options.get("WaitMethods", DefaultWaitMethods))
      .split(Methods, ';', -1, /*KeepEmpty=*/false);
  for (StringRef M : Methods)
    if (!M.trim().empty())
      WaitMethods.push_back(M.trim().str());
}

void FutureGetInLoopCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  ConcurCheck::storeOptions(Opts);
  Options.store(Opts, "FutureClasses", joinNameList(FutureClasses));
  Options.store(Opts, "WaitMethods", llvm::join(WaitMethods, ";"));
}

void FutureGetInLoopCheck::registerMatchers(MatchFinder *Finder) {
  std::vector<StringRef> Classes(FutureClasses.begin(), FutureClasses.end());
  std::vector<StringRef> Methods(WaitMethods.begin(), WaitMethods.end());
  Finder->addMatcher(
      cxxMemberCallExpr(callee(cxxMethodDecl(hasAnyName(Methods))),
                        on(hasType(hasUnqualifiedDesugaredType(recordType(
                            hasDeclaration(namedDecl(hasAnyName(Classes))))))),
                        unless(isInTemplateInstantiation()),
                        unless(isExpansionInSystemHeader()))
          .bind("wait"),
      this);
}

/// The call an initialiser or assigned value is, through the temporaries
/// and moves that wrap it.
static const CallExpr *asCall(const Expr *E) {
  while (E) {
    E = E->IgnoreImplicit()->IgnoreParenImpCasts();
    if (const auto *Construct = dyn_cast<CXXConstructExpr>(E)) {
      if (Construct->getNumArgs() != 1)
        return nullptr;
      E = Construct->getArg(0);
      continue;
    }
    // std::async(...).share() is the same task.
    if (const auto *Member = dyn_cast<CXXMemberCallExpr>(E);
        Member && Member->getMethodDecl() &&
        Member->getMethodDecl()->getName() == "share") {
      E = Member->getImplicitObjectArgument();
      continue;
    }
    if (const auto *Call = dyn_cast<CallExpr>(E))
      return isa<CXXOperatorCallExpr>(Call) ? nullptr : Call;
    return nullptr;
  }
  return nullptr;
}

const CallExpr *FutureGetInLoopCheck::producer(const Expr *Object,
                                               const Stmt *Loop,
                                               const Expr *Wait,
                                               ASTContext &Ctx) {
  // std::async(...).get(): a temporary.
  if (const CallExpr *Call = asCall(Object))
    return Call;
  const VarDecl *Var = referencedVar(Object);
  const Stmt *Body = loopBody(Loop);
  if (!Var || !Body || !Var->hasLocalStorage())
    return nullptr;
  const SourceManager &SM = Ctx.getSourceManager();
  // Declared in this iteration: `auto f = std::async(...); f.get();`.
  if (Var->getInit() &&
      Body->getSourceRange().fullyContains(Var->getSourceRange()))
    return asCall(Var->getInit());
  // Assigned earlier in this iteration: `f = pool.submit(...); f.get();`.
  const CallExpr *Found = nullptr;
  std::function<void(const Stmt *)> Visit = [&](const Stmt *S) {
    if (!S || isa<LambdaExpr>(S))
      return;
    if (const auto *Assign = dyn_cast<CXXOperatorCallExpr>(S);
        Assign && Assign->getOperator() == OO_Equal &&
        Assign->getNumArgs() == 2 && referencedVar(Assign->getArg(0)) == Var &&
        SM.isBeforeInTranslationUnit(Assign->getEndLoc(),
                                     Wait->getBeginLoc()) &&
        enclosingLoop(Assign, Ctx) == Loop)
      Found = asCall(Assign->getArg(1));
    for (const Stmt *Child : S->children())
      Visit(Child);
  };
  Visit(Body);
  return Found;
}

/// Whether the task started by \p Start reads a variable that the loop
/// writes (other than the future itself): `url = std::async(next, url).get()`
/// needs each result before the next task can start. Writes to the pool
/// (submit) and to the loop's own counter do not count.
static bool startDependsOnLoop(const Stmt *Loop, const CallExpr *Start,
                               const Expr *Future) {
  const VarDecl *FutureVar = referencedVar(Future);
  llvm::SmallPtrSet<const ValueDecl *, 8> Written;
  std::function<void(const Stmt *)> CollectWrites = [&](const Stmt *S) {
    if (!S)
      return;
    const Expr *Target = nullptr;
    if (const auto *BO = dyn_cast<BinaryOperator>(S);
        BO && BO->isAssignmentOp())
      Target = BO->getLHS();
    else if (const auto *UO = dyn_cast<UnaryOperator>(S);
             UO && UO->isIncrementDecrementOp())
      Target = UO->getSubExpr();
    else if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(S);
             Op && Op->isAssignmentOp() && Op->getNumArgs() == 2)
      Target = Op->getArg(0);
    if (Target)
      if (const ValueDecl *D = ::concur::baseDeclOf(Target);
          D && D != FutureVar)
        Written.insert(D);
    for (const Stmt *Child : S->children())
      CollectWrites(Child);
  };
  CollectWrites(loopBody(Loop));
  if (Written.empty())
    return false;
  bool Reads = false;
  std::function<void(const Stmt *)> FindReads = [&](const Stmt *S) {
    if (!S || Reads)
      return;
    if (const auto *Ref = dyn_cast<DeclRefExpr>(S))
      Reads = Written.contains(Ref->getDecl());
    if (const auto *Lambda = dyn_cast<LambdaExpr>(S))
      FindReads(Lambda->getBody());
    for (const Stmt *Child : S->children())
      FindReads(Child);
  };
  for (const Expr *Arg : Start->arguments())
    FindReads(Arg);
  return Reads;
}

void FutureGetInLoopCheck::check(const MatchFinder::MatchResult &Result) {
  const auto *Wait = Result.Nodes.getNodeAs<CXXMemberCallExpr>("wait");
  ASTContext &Ctx = *Result.Context;
  if (Wait->getBeginLoc().isMacroID())
    return;
  const Stmt *Loop = enclosingLoop(Wait, Ctx);
  if (!Loop)
    return;
  const CallExpr *Start =
      producer(Wait->getImplicitObjectArgument(), Loop, Wait, Ctx);
  if (!Start || enclosingLoop(Start, Ctx) != Loop)
    return;
  WorkloadAnalyzer &Analyzer = analyzer(Ctx);
  const FunctionDecl *Starter = Start->getDirectCallee();
  std::optional<::concur::ApiEffects> Api =
      Starter ? Analyzer.apiEffects(Starter) : std::nullopt;
  // Only calls that start the work elsewhere: a promise's get_future or a
  // deferred std::async do not.
  if (!Api || !Api->Spawns)
    return;
  SmallVector<const Expr *, 4> Args(Start->arg_begin(), Start->arg_end());
  if (isDeferredLaunch(Args))
    return;
  auto [Arg, Target] = firstCallableArgument(Args);
  const FunctionDecl *Task = Target ? Target->getDefinition() : nullptr;
  if (!Task || !Analyzer.isAnalysable(Task))
    return;

  // Iterations whose task needs the previous result must wait for it.
  if (startDependsOnLoop(Loop, Start, Wait->getImplicitObjectArgument()))
    return;
  const LoopFacts &Facts = Analyzer.analyzeLoop(Loop);
  if (Facts.Shape == ::concur::FanOut::Single)
    return;
  const ::concur::FunctionSummary &Summary = Analyzer.summarize(Task);
  ::concur::SiteFacts Site = ::concur::functionSite(Summary);
  Site.Shape = Facts.Shape;
  Site.Batch = true;
  Recommendation Rec = table().decide(Site);
  std::vector<Evidence> Shown =
      taskEvidence(Summary, Task, Arg->getBeginLoc(), Analyzer);
  std::string Work = describeTaskWork(Summary, Shown, analysisOptions());
  std::string StarterName = Starter->getQualifiedNameAsString();
  std::string WaitName = Wait->getMethodDecl()->getNameAsString();

  if (Rec.id() == ::concur::RowId::Sequential)
    diag(Wait->getExprLoc(),
         "'%0' waits in the same iteration for the task that '%1' started "
         "for %2; the task costs more than it saves: call it directly (%3)")
        << WaitName << StarterName << Work << rowLabel(Rec);
  else
    diag(Wait->getExprLoc(),
         "'%0' waits in the same iteration for the task that '%1' started "
         "for %2, so the tasks run one at a time; start them all first, then "
         "collect the results with as_completed or gather (%3)")
        << WaitName << StarterName << Work << rowLabel(Rec);
  diag(Start->getBeginLoc(), "the task is started here", DiagnosticIDs::Note);
  emitRowNote(Wait->getExprLoc(), Rec);
  for (const Evidence &E : Shown)
    emitChain(E, Ctx);
}

} // namespace clang::tidy::concur
