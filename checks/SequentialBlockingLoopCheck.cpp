//===--- SequentialBlockingLoopCheck.cpp - concur -------------------------===//

#include "SequentialBlockingLoopCheck.h"

namespace clang::tidy::concur {

/// Waiting that concurrency would overlap: not console output, and not
/// waiting for other threads (joining workers in a loop is how pools end).
static double overlappableBlocking(const Effects &E) {
  return E.substantialBlocking() -
         E.BlockingByKind[unsigned(::concur::IoKind::Sync)];
}

bool SequentialBlockingLoopCheck::qualifies(const LoopFacts &Facts) {
  using ::concur::WorkloadClass;
  WorkloadClass Class = Facts.IterationClass.Class;
  return (Class == WorkloadClass::Io || Class == WorkloadClass::Mixed) &&
         overlappableBlocking(Facts.PerIteration) >=
             analysisOptions().SubstantialBlocking &&
         Facts.Dependences.Independent &&
         Facts.Shape != ::concur::FanOut::Single && !Facts.PerIteration.Spawns;
}

void SequentialBlockingLoopCheck::report(const Stmt *Loop,
                                         const LoopFacts &Facts,
                                         const Recommendation &Rec,
                                         ASTContext &Ctx) {
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
