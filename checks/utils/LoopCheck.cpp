//===--- LoopCheck.cpp - Checks that judge a function's loops -------------===//

#include "LoopCheck.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"

namespace clang::tidy::concur {

void OutermostLoopCheck::registerMatchers(ast_matchers::MatchFinder *Finder) {
  Finder->addMatcher(loopFunctionMatcher(), this);
}

void OutermostLoopCheck::onStartOfTranslationUnit() {
  ConcurCheck::onStartOfTranslationUnit();
  Qualifying.clear();
}

const LoopFacts *OutermostLoopCheck::qualifying(const Stmt *Loop,
                                                ASTContext &Ctx) {
  const LoopFacts &Facts = analyzer(Ctx).analyzeLoop(Loop);
  auto [It, Inserted] = Qualifying.try_emplace(Loop);
  if (Inserted)
    It->second = qualifies(Loop, Facts);
  return It->second ? &Facts : nullptr;
}

void OutermostLoopCheck::check(
    const ast_matchers::MatchFinder::MatchResult &Result) {
  const auto *Function = Result.Nodes.getNodeAs<FunctionDecl>("function");
  ASTContext &Ctx = *Result.Context;
  forEachLoop(
      Function->getBody(),
      [&](const Stmt *Loop) { return qualifying(Loop, Ctx) != nullptr; },
      [&](const Stmt *Loop) {
        // A loop written by a macro has no place for the advice.
        if (Loop->getBeginLoc().isMacroID())
          return;
        const LoopFacts &Facts = *qualifying(Loop, Ctx);
        Recommendation Rec = table().decide(::concur::loopSite(Facts, false));
        if (Rec.id() == ::concur::RowId::Sequential)
          return;
        report(Loop, Facts, Rec, Ctx);
      });
}

} // namespace clang::tidy::concur
