//===--- BlockingCallInCoroutineCheck.cpp - concur ------------------------===//

#include "BlockingCallInCoroutineCheck.h"
#include "clang/AST/ExprCXX.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Lex/Lexer.h"

using namespace clang::ast_matchers;

namespace clang::tidy::concur {

void BlockingCallInCoroutineCheck::registerMatchers(MatchFinder *Finder) {
  Finder->addMatcher(coroutineMatcher(), this);
}

/// The function a call expression calls, if any.
static const FunctionDecl *calleeOf(const Stmt *S) {
  if (const auto *Call = dyn_cast<CallExpr>(S))
    return Call->getDirectCallee();
  if (const auto *Construct = dyn_cast<CXXConstructExpr>(S))
    return Construct->getConstructor();
  return nullptr;
}

void BlockingCallInCoroutineCheck::check(
    const MatchFinder::MatchResult &Result) {
  const auto *Coroutine = Result.Nodes.getNodeAs<FunctionDecl>("coroutine");
  // Templates are checked once, in their pattern.
  if (Coroutine->getTemplateInstantiationPattern())
    return;
  ASTContext &Ctx = *Result.Context;
  WorkloadAnalyzer &Analyzer = analyzer(Ctx);
  const AnalysisOptions &Opts = analysisOptions();

  walkCoroutineBody(Coroutine->getBody(), [&](const Stmt *S) {
    if (!isa<CallExpr, CXXConstructExpr>(S))
      return true;
    const FunctionDecl *Callee = calleeOf(S);
    // Calling a coroutine only creates it; its own body is checked itself.
    if (Callee && WorkloadAnalyzer::isCoroutine(Callee))
      return true;
    // A descriptor the coroutine made non-blocking does not wait.
    Effects E = Analyzer.analyzeCall(cast<Expr>(S), Coroutine->getBody());
    if (E.substantialBlocking() < Opts.SubstantialBlocking)
      return true;
    const Evidence *Top = ::concur::topEvidence(E, EvidenceKind::Io);
    if (!Top || Top->Chain.empty())
      return true;

    ::concur::SiteFacts Facts;
    Facts.Class = ::concur::WorkloadClass::Io;
    Facts.InCoroutine = true;
    Facts.IoKinds = E.ioKinds();
    Facts.ThreadSafe = !E.ThreadUnsafe;
    Recommendation Rec = table().decide(Facts);
    SourceLocation Loc = cast<Expr>(S)->getExprLoc();
    const std::string &Blocker = Top->Chain.back().Callee;
    bool Direct = Top->Chain.size() == 1;
    std::optional<::concur::ApiEffects> Api =
        Analyzer.knowledgeBase().lookup(Blocker);
    if (Direct && Callee)
      Api = Analyzer.apiEffects(Callee);

    // A direct call with a mechanical asynchronous form: replace the callee.
    std::optional<FixItHint> Fix;
    const auto *Call = dyn_cast<CallExpr>(S);
    if (Direct && Call && Api && !Api->Fix.empty()) {
      SourceRange Range = Call->getCallee()->getSourceRange();
      if (Range.isValid() && !Range.getBegin().isMacroID() &&
          !Range.getEnd().isMacroID())
        Fix = FixItHint::CreateReplacement(
            CharSourceRange::getTokenRange(Range), Api->Fix);
    }
    {
      auto Diag = diag(Loc, "'%0' blocks on %1 I/O%2 inside coroutine '%3'; "
                            "use its asynchronous form or run_in_executor "
                            "(%4)")
                  << Top->Chain.front().Callee
                  << ::concur::describeIoKinds(E, Opts)
                  << (Direct ? std::string() : " ('" + Blocker + "')")
                  << Coroutine->getName() << rowLabel(Rec);
      if (Fix)
        Diag << *Fix;
    }
    emitRowNote(Loc, Rec);
    emitChain(*Top, Ctx);
    if (Api && !Api->AsyncForm.empty())
      diag(Loc, "asynchronous form of '%0': %1", DiagnosticIDs::Note)
          << Blocker << Api->AsyncForm;
    return true;
  });
}

} // namespace clang::tidy::concur
