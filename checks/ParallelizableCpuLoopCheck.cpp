//===--- ParallelizableCpuLoopCheck.cpp - concur --------------------------===//

#include "ParallelizableCpuLoopCheck.h"

namespace clang::tidy::concur {

using ::concur::WorkReason;

/// The CPU evidence that says what an iteration computes (computes()):
/// the heaviest item that is not copying, searching or formatting.
static const ::concur::Evidence *computingEvidence(const ::concur::Effects &E) {
  for (const ::concur::Evidence &Item : E.Items)
    if (::concur::isComputing(Item))
      return &Item;
  return nullptr;
}

/// Why one iteration is worth a task: element work over runtime-sized data
/// of at least MinIterationWork at n = UnknownTripCount (a row's dot
/// product; not one short string's hash), at least MinIterationWork of
/// constant work, or work that costs that much per element and reaches a
/// call that says what it is (a sort, a regex per item). Work that only
/// copies, searches or formats (a string per item) is not. A loop whose trip
/// count is known must do in all what a loop of UnknownTripCount such
/// iterations would: sixteen small allocations are no batch.
static bool worthATask(const LoopFacts &Facts,
                       const ::concur::AnalysisOptions &Opts) {
  const ::concur::Effects &E = Facts.PerIteration;
  if (Facts.TripCountKnown &&
      Facts.TripCount * E.Work < Opts.MinIterationWork * Opts.UnknownTripCount)
    return false;
  bool Computes =
      computingEvidence(E) || !::concur::topEvidence(E, EvidenceKind::Cpu);
  switch (::concur::substantialWork(E, Opts.MinIterationWork, Opts)) {
  case WorkReason::None:
    return false;
  case WorkReason::Element:
    if (E.ElementGrowth.at(Opts.UnknownTripCount) >= Opts.MinIterationWork)
      return true;
    break;
  case WorkReason::Constant:
    return Computes;
  case WorkReason::PerElement:
    break;
  }
  // Element work too small by itself: the other reasons may still hold.
  if (!Computes)
    return false;
  if (E.WorkGrowth.coefficient(0) >= Opts.MinIterationWork)
    return true;
  return E.WorkGrowth.grows() &&
         E.WorkGrowth.growing().perElement(Opts.UnknownTripCount) >=
             Opts.MinIterationWork &&
         computingEvidence(E);
}

bool ParallelizableCpuLoopCheck::qualifies(const Stmt *,
                                           const LoopFacts &Facts) {
  return Facts.IterationClass.Class == ::concur::WorkloadClass::Cpu &&
         Facts.Dependences.Independent &&
         Facts.Shape != ::concur::FanOut::Single &&
         !Facts.PerIteration.Spawns && worthATask(Facts, analysisOptions());
}

void ParallelizableCpuLoopCheck::report(const Stmt *Loop,
                                        const LoopFacts &Facts,
                                        const Recommendation &Rec,
                                        ASTContext &Ctx) {
  const Evidence *Top = computingEvidence(Facts.PerIteration);
  // Without CPU evidence, the work is constant arithmetic written in the
  // loop (at least MinIterationWork of it): say how much.
  std::string What = Top ? ::concur::describeWork(*Top)
                         : "arithmetic written in the loop, work ~ " +
                               Facts.PerIteration.WorkGrowth.str() +
                               " per iteration";
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
