//===--- SequentialBlockingLoopCheck.cpp - concur -------------------------===//

#include "SequentialBlockingLoopCheck.h"

namespace clang::tidy::concur {

/// Waiting that concurrency would overlap: not console output, and not
/// waiting for other threads (joining workers in a loop is how pools end).
static double overlappableBlocking(const Effects &E) {
  return E.substantialBlocking() -
         E.BlockingByKind[unsigned(::concur::IoKind::Sync)];
}

bool SequentialBlockingLoopCheck::qualifies(const Stmt *Loop,
                                            const LoopFacts &Facts) {
  using ::concur::WorkloadClass;
  WorkloadClass Class = Facts.IterationClass.Class;
  double Overlappable = overlappableBlocking(Facts.PerIteration);
  // A while or do loop that only sleeps paces itself or polls: its
  // iterations are not items to overlap (concur-sleep-polling-loop reports
  // the polling). A loop over a range or a count may sleep per item.
  if (isa<WhileStmt, DoStmt>(Loop))
    Overlappable -=
        Facts.PerIteration.BlockingByKind[unsigned(::concur::IoKind::Sleep)];
  return (Class == WorkloadClass::Io || Class == WorkloadClass::Mixed) &&
         Overlappable >= analysisOptions().SubstantialBlocking &&
         Facts.Dependences.Independent &&
         Facts.Shape != ::concur::FanOut::Single && !Facts.PerIteration.Spawns;
}

void SequentialBlockingLoopCheck::report(const Stmt *Loop,
                                         const LoopFacts &Facts,
                                         const Recommendation &Rec,
                                         ASTContext &Ctx) {
  // The chain shown is one of the waits the message names: console output
  // and joins may weigh more in the evidence, but they are not the waiting
  // that running the iterations concurrently would overlap.
  ::concur::IoKindSet Overlapped;
  for (unsigned K = 0; K < ::concur::NumIoKinds; ++K)
    if (::concur::IoKind(K) != ::concur::IoKind::Console &&
        ::concur::IoKind(K) != ::concur::IoKind::Sync)
      Overlapped.insert(::concur::IoKind(K));
  const Evidence *Top = ::concur::topIoEvidence(Facts.PerIteration, Overlapped);
  if (!Top)
    Top = ::concur::topEvidence(Facts.PerIteration, EvidenceKind::Io);
  std::string Kinds =
      ::concur::describeIoKinds(Facts.PerIteration, analysisOptions());
  // Mixed work: the computing is half of the reason for the row, so it is
  // named and shown too.
  const Evidence *Work =
      Facts.IterationClass.Class == ::concur::WorkloadClass::Mixed
          ? ::concur::topEvidence(Facts.PerIteration, EvidenceKind::Cpu)
          : nullptr;
  std::string Computes =
      Work ? " and compute (" + ::concur::describeWork(*Work) + ")" : "";
  diag(Loop->getBeginLoc(),
       "independent iterations each block on %0 I/O in %1%2; run them "
       "concurrently (%3)")
      << Kinds
      << (Top ? ::concur::describeEvidence(*Top) : std::string("callees"))
      << Computes << rowLabel(Rec);
  emitRowNote(Loop->getBeginLoc(), Rec);
  if (Top)
    emitChain(*Top, Ctx);
  if (Work)
    emitChain(*Work, Ctx);
}

} // namespace clang::tidy::concur
