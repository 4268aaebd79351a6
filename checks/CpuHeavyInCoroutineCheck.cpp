//===--- CpuHeavyInCoroutineCheck.cpp - concur ----------------------------===//

#include "CpuHeavyInCoroutineCheck.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtCXX.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"

using namespace clang::ast_matchers;

namespace clang::tidy::concur {

void CpuHeavyInCoroutineCheck::registerMatchers(MatchFinder *Finder) {
  Finder->addMatcher(coroutineMatcher(), this);
}

/// Whether \p S suspends (co_await, co_yield) somewhere outside lambdas: a
/// loop that suspends gives the event loop its turn.
static bool suspends(const Stmt *S) {
  if (!S || isa<LambdaExpr>(S))
    return false;
  if (isa<CoroutineSuspendExpr, DependentCoawaitExpr>(S))
    return true;
  for (const Stmt *Child : S->children())
    if (suspends(Child))
      return true;
  return false;
}

void CpuHeavyInCoroutineCheck::check(const MatchFinder::MatchResult &Result) {
  const auto *Coroutine = Result.Nodes.getNodeAs<FunctionDecl>("coroutine");
  // Templates are checked once, in their pattern.
  if (Coroutine->getTemplateInstantiationPattern())
    return;
  ASTContext &Ctx = *Result.Context;
  WorkloadAnalyzer &Analyzer = analyzer(Ctx);
  const AnalysisOptions &Opts = analysisOptions();
  ::concur::SiteFacts Facts;
  Facts.Class = ::concur::WorkloadClass::Cpu;
  Facts.InCoroutine = true;
  Recommendation Rec = table().decide(Facts);

  auto Report = [&](SourceLocation Loc, const Effects &E, StringRef What) {
    const Evidence *Top = ::concur::topEvidence(E, EvidenceKind::Cpu);
    std::string Detail =
        Top ? ::concur::describeWork(*Top) : std::string("computation");
    diag(Loc, "%0 does substantial CPU work (%1) inside coroutine '%2'; "
              "offload it to a core-sized pool with run_in_executor (%3)")
        << What << Detail << Coroutine->getName() << rowLabel(Rec);
    emitRowNote(Loc, Rec);
    if (Top)
      emitChain(*Top, Ctx);
  };
  // Waiting is the other check's business; a call that blocks substantially
  // is reported there, not twice.
  // Element work stalls the loop only when there is a lot of it: a short
  // loop over a batch between two suspensions gives the loop its turn.
  auto IsCpuHeavy = [&](const Effects &E) {
    ::concur::WorkReason Reason =
        ::concur::substantialWork(E, Opts.SubstantialWork, Opts);
    return Reason != ::concur::WorkReason::None &&
           (Reason != ::concur::WorkReason::Element ||
            E.Work >= Opts.SubstantialWork) &&
           E.substantialBlocking() < Opts.SubstantialBlocking;
  };

  walkCoroutineBody(Coroutine->getBody(), [&](const Stmt *S) {
    if (isa<ForStmt, CXXForRangeStmt, WhileStmt, DoStmt>(S)) {
      if (suspends(S))
        return true;
      Effects E = Analyzer.analyzeStmt(S);
      if (!IsCpuHeavy(E))
        return true;
      Report(S->getBeginLoc(), E, "this loop");
      return false;
    }
    if (!isa<CallExpr, CXXConstructExpr>(S))
      return true;
    const FunctionDecl *Callee =
        isa<CallExpr>(S) ? cast<CallExpr>(S)->getDirectCallee()
                         : cast<CXXConstructExpr>(S)->getConstructor();
    if (Callee && WorkloadAnalyzer::isCoroutine(Callee))
      return true;
    Effects E = Analyzer.analyzeCall(cast<Expr>(S));
    if (!IsCpuHeavy(E))
      return true;
    std::string Name = "this call";
    if (const auto *Method = dyn_cast_or_null<CXXMethodDecl>(Callee);
        Method && Method->getParent()->isLambda())
      Name = "the lambda";
    else if (Callee)
      Name = "'" + Callee->getNameAsString() + "'";
    Report(cast<Expr>(S)->getExprLoc(), E, Name);
    return true;
  });
}

} // namespace clang::tidy::concur
