//===--- ParallelizableCpuLoopCheck.h - concur ------------------*- C++ -*-===//

#ifndef CONCUR_CHECKS_PARALLELIZABLECPULOOPCHECK_H
#define CONCUR_CHECKS_PARALLELIZABLECPULOOPCHECK_H

#include "utils/LoopCheck.h"

namespace clang::tidy::concur {

/// Finds loops whose independent iterations each do substantial CPU work and
/// recommends futures over a core-sized pool, joblib for numeric batches, or
/// multiprocessing when the work is not thread-safe.
///
/// For the user-facing documentation see:
/// checks/docs/concur-parallelizable-cpu-loop.md
class ParallelizableCpuLoopCheck : public OutermostLoopCheck {
public:
  using OutermostLoopCheck::OutermostLoopCheck;

private:
  bool qualifies(const Stmt *Loop, const LoopFacts &Facts) override;
  void report(const Stmt *Loop, const LoopFacts &Facts,
              const Recommendation &Rec, ASTContext &Ctx) override;
};

} // namespace clang::tidy::concur

#endif // CONCUR_CHECKS_PARALLELIZABLECPULOOPCHECK_H
