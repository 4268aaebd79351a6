//===--- ParallelizableCpuLoopCheck.cpp - concur --------------------------===//

#include "ParallelizableCpuLoopCheck.h"

namespace clang::tidy::concur {

using ::concur::WorkReason;

/// The evidence that one iteration is worth a task, or null: element work
/// over runtime-sized data (its loop), a heavy call (the knowledge base's,
/// or one whose cost grows per element), or at least MinIterationWork of
/// constant work (then the heaviest CPU evidence, if any).
static const Evidence *iterationEvidence(const LoopFacts &Facts,
                                         const ::concur::AnalysisOptions &Opts,
                                         WorkReason &Reason) {
  const ::concur::Effects &E = Facts.PerIteration;
  Reason = ::concur::substantialWork(E, Opts.MinIterationWork, Opts);
  if (Reason == WorkReason::Element) {
    for (const Evidence &Item : E.Items)
      if (Item.Kind == EvidenceKind::Cpu &&
          llvm::StringRef(Item.Api).ends_with("over runtime-sized data"))
        return &Item;
  }
  return ::concur::topEvidence(E, EvidenceKind::Cpu);
}

bool ParallelizableCpuLoopCheck::qualifies(const Stmt *,
                                           const LoopFacts &Facts) {
  if (Facts.IterationClass.Class != ::concur::WorkloadClass::Cpu ||
      !Facts.Dependences.Independent ||
      Facts.Shape == ::concur::FanOut::Single || Facts.PerIteration.Spawns)
    return false;
  // Positive evidence per iteration: work that grows with the data but is
  // not element work counts only through a call that says what it is.
  WorkReason Reason;
  const Evidence *Top = iterationEvidence(Facts, analysisOptions(), Reason);
  return Reason == WorkReason::Element || Reason == WorkReason::Constant ||
         (Reason == WorkReason::PerElement && Top);
}

void ParallelizableCpuLoopCheck::report(const Stmt *Loop,
                                        const LoopFacts &Facts,
                                        const Recommendation &Rec,
                                        ASTContext &Ctx) {
  WorkReason Reason;
  const Evidence *Top = iterationEvidence(Facts, analysisOptions(), Reason);
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
