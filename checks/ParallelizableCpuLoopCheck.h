//===--- ParallelizableCpuLoopCheck.h - concur ------------------*- C++ -*-===//

#ifndef CONCUR_CHECKS_PARALLELIZABLECPULOOPCHECK_H
#define CONCUR_CHECKS_PARALLELIZABLECPULOOPCHECK_H

#include "utils/ConcurCheck.h"
#include "llvm/ADT/DenseMap.h"

namespace clang::tidy::concur {

/// Finds loops whose independent iterations each do substantial CPU work and
/// recommends futures over a core-sized pool, joblib for numeric batches, or
/// multiprocessing when the work is not thread-safe.
///
/// For the user-facing documentation see:
/// checks/docs/concur-parallelizable-cpu-loop.md
class ParallelizableCpuLoopCheck : public ConcurCheck {
public:
  using ConcurCheck::ConcurCheck;
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;
  void onStartOfTranslationUnit() override;

private:
  const LoopFacts *qualifying(const Stmt *Loop, ASTContext &Ctx);
  void report(const Stmt *Loop, const LoopFacts &Facts, ASTContext &Ctx);
  llvm::DenseMap<const Stmt *, std::optional<LoopFacts>> Cache;
};

} // namespace clang::tidy::concur

#endif // CONCUR_CHECKS_PARALLELIZABLECPULOOPCHECK_H
