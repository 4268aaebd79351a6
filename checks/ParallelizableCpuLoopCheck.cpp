//===--- ParallelizableCpuLoopCheck.cpp - concur --------------------------===//

#include "ParallelizableCpuLoopCheck.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"

using namespace clang::ast_matchers;

namespace clang::tidy::concur {

void ParallelizableCpuLoopCheck::registerMatchers(MatchFinder *Finder) {
  Finder->addMatcher(loopFunctionMatcher(), this);
}

void ParallelizableCpuLoopCheck::onStartOfTranslationUnit() {
  ConcurCheck::onStartOfTranslationUnit();
  Cache.clear();
}

const LoopFacts *ParallelizableCpuLoopCheck::qualifying(const Stmt *Loop,
                                                        ASTContext &Ctx) {
  if (auto It = Cache.find(Loop); It != Cache.end())
    return It->second ? &*It->second : nullptr;
  LoopFacts Facts = analyzer(Ctx).analyzeLoop(Loop);
  bool Qualifies =
      Facts.IterationClass.Class == ::concur::WorkloadClass::Cpu &&
      Facts.PerIteration.Work >= analysisOptions().MinIterationWork &&
      Facts.Dependences.Independent &&
      Facts.Shape != ::concur::FanOut::Single && !Facts.PerIteration.Spawns;
  auto &Slot = Cache[Loop];
  if (Qualifies)
    Slot = std::move(Facts);
  return Slot ? &*Slot : nullptr;
}

void ParallelizableCpuLoopCheck::check(
    const MatchFinder::MatchResult &Result) {
  const auto *Function = Result.Nodes.getNodeAs<FunctionDecl>("function");
  ASTContext &Ctx = *Result.Context;
  forEachLoop(
      Function->getBody(),
      [&](const Stmt *Loop) { return qualifying(Loop, Ctx) != nullptr; },
      [&](const Stmt *Loop) { report(Loop, *qualifying(Loop, Ctx), Ctx); });
}

void ParallelizableCpuLoopCheck::report(const Stmt *Loop,
                                        const LoopFacts &Facts,
                                        ASTContext &Ctx) {
  // A loop written by a macro has no place for the advice.
  if (Loop->getBeginLoc().isMacroID())
    return;
  Recommendation Rec = table().decide(::concur::loopSite(Facts, false));
  if (!Rec.Row || Rec.Row->Id == "sequential")
    return;
  const Evidence *Top =
      ::concur::topEvidence(Facts.PerIteration, EvidenceKind::Cpu);
  std::string What = Top ? ::concur::describeWork(*Top)
                         : std::string("computation");
  if (Facts.PerIteration.ThreadUnsafe)
    diag(Loop->getBeginLoc(),
         "independent iterations each do substantial CPU work (%0) that is "
         "not thread-safe; run them in parallel worker processes (%1)")
        << What << rowLabel(Rec);
  else
    diag(Loop->getBeginLoc(),
         "independent iterations each do substantial CPU work (%0); run them "
         "in parallel (%1)")
        << What << rowLabel(Rec);
  emitRowNote(Loop->getBeginLoc(), Rec);
  if (Top)
    emitChain(*Top, Ctx);
  if (Facts.PerIteration.ThreadUnsafe) {
    if (const Evidence *Unsafe =
            ::concur::topEvidence(Facts.PerIteration, EvidenceKind::MtUnsafe))
      emitChain(*Unsafe, Ctx);
    else if (const Evidence *Write = ::concur::topEvidence(
                 Facts.PerIteration, EvidenceKind::SharedWrite))
      emitChain(*Write, Ctx);
  }
}

} // namespace clang::tidy::concur
