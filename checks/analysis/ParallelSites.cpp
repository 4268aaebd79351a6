//===--- ParallelSites.cpp - Where code is handed to concurrency ----------===//

#include "ParallelSites.h"
#include "Advice.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/Basic/OpenMPKinds.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/raw_ostream.h"

using namespace clang;
using namespace llvm;

namespace concur {

std::string ParallelSite::describe() const {
  if (!Callable)
    return "this OpenMP region";
  if (const auto *MD = dyn_cast<CXXMethodDecl>(Callable);
      MD && MD->getParent()->isLambda())
    return "the lambda";
  return "'" + Callable->getQualifiedNameAsString() + "'";
}

Evidence ParallelSite::withoutSite(const Evidence &E) const {
  Evidence Shown = E;
  if (Callable && Shown.Chain.size() > 1)
    Shown.Chain.erase(Shown.Chain.begin());
  return Shown;
}

/// The std::execution policy an argument names, if it is a parallel one.
static std::optional<StringRef> parallelPolicy(const Expr *Arg) {
  const auto *RD = Arg->getType().getNonReferenceType()->getAsCXXRecordDecl();
  if (!RD || !RD->getIdentifier())
    return std::nullopt;
  // std::execution::parallel_policy, or libstdc++'s
  // __pstl::execution::v1::parallel_policy that std::execution re-exports.
  bool InExecution = false;
  for (const DeclContext *DC = RD->getDeclContext(); DC; DC = DC->getParent())
    if (const auto *NS = dyn_cast<NamespaceDecl>(DC);
        NS && NS->getName() == "execution")
      InExecution = true;
  if (!InExecution)
    return std::nullopt;
  // unsequenced_policy vectorises on one thread: not parallel.
  return StringSwitch<std::optional<StringRef>>(RD->getName())
      .Case("parallel_policy", StringRef("std::execution::par"))
      .Case("parallel_unsequenced_policy",
            StringRef("std::execution::par_unseq"))
      .Default(std::nullopt);
}

/// Where work submitted to the pool \p E evaluates to runs, when \p E is a
/// call of a pool-returning function (concur::cpu_pool()) or a variable
/// initialised from one.
static RunsOn poolOf(const Expr *E, WorkloadAnalyzer &A) {
  E = E->IgnoreParenImpCasts();
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
      if (const Expr *Init = VD->getInit())
        E = Init->IgnoreParenImpCasts();
  if (const auto *Call = dyn_cast<CallExpr>(E))
    if (const FunctionDecl *Callee = Call->getDirectCallee())
      if (std::optional<ApiEffects> Api = A.apiEffects(Callee))
        return Api->Runs;
  return RunsOn::Caller;
}

const FunctionDecl *callableOf(const Expr *Arg) {
  const Expr *E = Arg->IgnoreImplicit()->IgnoreParenImpCasts();
  if (const auto *Construct = dyn_cast<CXXConstructExpr>(E);
      Construct && Construct->getNumArgs() == 1)
    E = Construct->getArg(0)->IgnoreImplicit()->IgnoreParenImpCasts();
  // A C callback cast to the registration's type: (uv_read_cb)on_read.
  if (const auto *Cast = dyn_cast<ExplicitCastExpr>(E))
    E = Cast->getSubExpr()->IgnoreParenImpCasts();
  if (const auto *UO = dyn_cast<UnaryOperator>(E);
      UO && UO->getOpcode() == UO_AddrOf)
    E = UO->getSubExpr()->IgnoreParenImpCasts();
  if (const auto *Lambda = dyn_cast<LambdaExpr>(E))
    return Lambda->getCallOperator();
  const auto *DRE = dyn_cast<DeclRefExpr>(E);
  if (!DRE)
    return nullptr;
  if (const auto *FD = dyn_cast<FunctionDecl>(DRE->getDecl()))
    return FD;
  if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
    if (const Expr *Init = VD->getInit())
      if (const auto *Lambda = dyn_cast<LambdaExpr>(
              Init->IgnoreImplicit()->IgnoreParenImpCasts()))
        return Lambda->getCallOperator();
  return nullptr;
}

CallParts callParts(const Expr *Call) {
  CallParts Parts;
  if (const auto *CE = dyn_cast<CallExpr>(Call)) {
    Parts.Callee = CE->getDirectCallee();
    Parts.Args = {CE->getArgs(), CE->getNumArgs()};
  } else if (const auto *Construct = dyn_cast<CXXConstructExpr>(Call)) {
    Parts.Callee = Construct->getConstructor();
    Parts.Args = {Construct->getArgs(), Construct->getNumArgs()};
  }
  return Parts;
}

SmallVector<ParallelSite, 1> parallelSites(const Expr *Call,
                                           WorkloadAnalyzer &A) {
  SmallVector<ParallelSite, 1> Sites;
  auto [Callee, Args] = callParts(Call);
  if (!Callee)
    return Sites;

  RunsOn Runs = RunsOn::Caller;
  std::string Api = A.knowledgeBaseName(Callee);
  if (isa<CXXConstructorDecl>(Callee))
    Api = A.knowledgeBaseName(cast<CXXConstructorDecl>(Callee)->getParent());
  // A function named with a qualifier is shown as written: tbb::parallel_for
  // rather than the tbb::detail::d1::parallel_for it is declared as.
  if (const auto *CE = dyn_cast<CallExpr>(Call))
    if (const auto *DRE =
            dyn_cast<DeclRefExpr>(CE->getCallee()->IgnoreParenImpCasts());
        DRE && DRE->getQualifier()) {
      std::string Written;
      llvm::raw_string_ostream OS(Written);
      DRE->getQualifier()->print(OS, A.context().getPrintingPolicy());
      OS << DRE->getNameInfo().getAsString();
      Api = Written;
    }
  if (std::optional<ApiEffects> Effects = A.apiEffects(Callee))
    Runs = Effects->Runs;
  if (Runs == RunsOn::Caller && Callee->isInStdNamespace() && !Args.empty())
    if (std::optional<StringRef> Policy = parallelPolicy(Args.front())) {
      Runs = RunsOn::Cores;
      Api += " with " + Policy->str();
    }
  if (Runs == RunsOn::Threads) {
    // A pool that says where its work runs: concur::cpu_pool().submit(f),
    // run_in_executor(concur::cpu_pool(), f).
    SmallVector<const Expr *, 4> Pools;
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(Call))
      Pools.push_back(MC->getImplicitObjectArgument());
    append_range(Pools, Args);
    for (const Expr *Pool : Pools)
      if (RunsOn P = poolOf(Pool, A); P != RunsOn::Caller) {
        Runs = P;
        break;
      }
    // std::async(std::launch::deferred, f) runs f on the thread that waits.
    if (!Args.empty())
      if (const auto *DRE =
              dyn_cast<DeclRefExpr>(Args.front()->IgnoreParenImpCasts()))
        if (const auto *Launch = dyn_cast<EnumConstantDecl>(DRE->getDecl());
            Launch && Launch->getName() == "deferred")
          Runs = RunsOn::Caller;
  }
  if (Runs == RunsOn::Caller)
    return Sites;

  for (const Expr *Arg : Args) {
    const FunctionDecl *Target = callableOf(Arg);
    const FunctionDecl *Def = nullptr;
    if (!Target || !Target->hasBody(Def) || !A.isAnalysable(Def))
      continue;
    ParallelSite Site;
    Site.Runs = Runs;
    Site.Api = Api;
    Site.Callable = Def;
    Site.Loc = Arg->getBeginLoc();
    Sites.push_back(std::move(Site));
  }
  return Sites;
}

std::optional<ParallelSite>
openMPSite(const OMPExecutableDirective *Directive) {
  OpenMPDirectiveKind Kind = Directive->getDirectiveKind();
  if (!isOpenMPParallelDirective(Kind) && !isOpenMPTaskingDirective(Kind) &&
      !isOpenMPTeamsDirective(Kind))
    return std::nullopt;
  if (!Directive->hasAssociatedStmt())
    return std::nullopt;
  ParallelSite Site;
  Site.Runs = RunsOn::Cores;
  Site.Api = ("omp " + getOpenMPDirectiveName(Kind)).str();
  Site.Loc = Directive->getBeginLoc();
  Site.Region = Directive->getInnermostCapturedStmt()->getCapturedStmt();
  return Site;
}

SiteTask siteTask(const ParallelSite &Site, WorkloadAnalyzer &Analyzer,
                  bool OneIteration) {
  const AnalysisOptions &Opts = Analyzer.options();
  SiteTask Task;
  if (Site.Callable) {
    const FunctionSummary &S = Analyzer.summarize(Site.Callable);
    std::string Name = Site.describe();
    Hop Via = Analyzer.makeHop(
        Name == "the lambda" ? "lambda" : Site.Callable->getNameAsString(),
        Site.Loc);
    Task.Work.addScaled(S.Total, Growth::constant(1), Via, Opts);
    Task.Facts = functionSite(S);
  } else if (OneIteration &&
             llvm::isa<clang::ForStmt, clang::CXXForRangeStmt>(Site.Region)) {
    const LoopFacts &Loop = Analyzer.analyzeLoop(Site.Region);
    Task.Work = Loop.PerIteration;
    Task.Facts = loopSite(Loop, false);
  } else {
    Task.Work = Analyzer.analyzeStmt(Site.Region);
    FunctionSummary Region;
    Region.Total = Task.Work;
    Region.Class = classify(Task.Work, Opts);
    Task.Facts = functionSite(Region);
  }
  return Task;
}

} // namespace concur
