//===--- SequentialBlockingLoopCheck.cpp - concur -------------------------===//

#include "SequentialBlockingLoopCheck.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"

using namespace clang::ast_matchers;

namespace clang::tidy::concur {

void SequentialBlockingLoopCheck::registerMatchers(MatchFinder *Finder) {
  Finder->addMatcher(loopFunctionMatcher(), this);
}

void SequentialBlockingLoopCheck::onStartOfTranslationUnit() {
  ConcurCheck::onStartOfTranslationUnit();
  Cache.clear();
}

/// Waiting that concurrency would overlap: not console output, and not
/// waiting for other threads (joining workers in a loop is how pools end).
static double overlappableBlocking(const Effects &E) {
  return E.substantialBlocking() -
         E.BlockingByKind[unsigned(::concur::IoKind::Sync)];
}

const LoopFacts *SequentialBlockingLoopCheck::qualifying(const Stmt *Loop,
                                                         ASTContext &Ctx) {
  auto [It, Inserted] = Cache.try_emplace(Loop);
  if (!Inserted)
    return It->second ? &*It->second : nullptr;
  LoopFacts Facts = analyzer(Ctx).analyzeLoop(Loop);
  using ::concur::WorkloadClass;
  WorkloadClass Class = Facts.IterationClass.Class;
  bool Qualifies =
      (Class == WorkloadClass::Io || Class == WorkloadClass::Mixed) &&
      overlappableBlocking(Facts.PerIteration) >=
          analysisOptions().SubstantialBlocking &&
      Facts.Dependences.Independent &&
      Facts.Shape != ::concur::FanOut::Single && !Facts.PerIteration.Spawns;
  // Look the slot up again: analyzeLoop may not touch this map, but keep the
  // code independent of that.
  auto &Slot = Cache[Loop];
  if (Qualifies)
    Slot = std::move(Facts);
  return Slot ? &*Slot : nullptr;
}

void SequentialBlockingLoopCheck::check(
    const MatchFinder::MatchResult &Result) {
  const auto *Function = Result.Nodes.getNodeAs<FunctionDecl>("function");
  ASTContext &Ctx = *Result.Context;
  forEachLoop(
      Function->getBody(),
      [&](const Stmt *Loop) { return qualifying(Loop, Ctx) != nullptr; },
      [&](const Stmt *Loop) { report(Loop, *qualifying(Loop, Ctx), Ctx); });
}

void SequentialBlockingLoopCheck::report(const Stmt *Loop,
                                         const LoopFacts &Facts,
                                         ASTContext &Ctx) {
  // A loop written by a macro has no place for the advice.
  if (Loop->getBeginLoc().isMacroID())
    return;
  Recommendation Rec = table().decide(::concur::loopSite(Facts, false));
  if (!Rec.Row || Rec.Row->Id == "sequential")
    return;
  const Evidence *Top =
      ::concur::topEvidence(Facts.PerIteration, EvidenceKind::Io);
  std::string Kinds =
      ::concur::describeIoKinds(Facts.PerIteration, analysisOptions());
  diag(Loop->getBeginLoc(),
       "independent iterations each block on %0 I/O in %1; run them "
       "concurrently (%2)")
      << Kinds
      << (Top ? ::concur::describeEvidence(*Top) : std::string("callees"))
      << rowLabel(Rec);
  emitRowNote(Loop->getBeginLoc(), Rec);
  if (Top)
    emitChain(*Top, Ctx);
}

} // namespace clang::tidy::concur
