//===--- ParallelizableCpuLoopCheck.cpp - concur --------------------------===//

#include "ParallelizableCpuLoopCheck.h"

namespace clang::tidy::concur {

bool ParallelizableCpuLoopCheck::qualifies(const Stmt *,
                                           const LoopFacts &Facts) {
  return Facts.IterationClass.Class == ::concur::WorkloadClass::Cpu &&
         Facts.PerIteration.Work >= analysisOptions().MinIterationWork &&
         Facts.Dependences.Independent &&
         Facts.Shape != ::concur::FanOut::Single && !Facts.PerIteration.Spawns;
}

void ParallelizableCpuLoopCheck::report(const Stmt *Loop,
                                        const LoopFacts &Facts,
                                        const Recommendation &Rec,
                                        ASTContext &Ctx) {
  const Evidence *Top =
      ::concur::topEvidence(Facts.PerIteration, EvidenceKind::Cpu);
  std::string What =
      Top ? ::concur::describeWork(*Top) : std::string("computation");
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
