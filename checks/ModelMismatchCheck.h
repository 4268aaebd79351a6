//===--- ModelMismatchCheck.h - concur --------------------------*- C++ -*-===//

#ifndef CONCUR_CHECKS_MODELMISMATCHCHECK_H
#define CONCUR_CHECKS_MODELMISMATCHCHECK_H

#include "utils/ConcurCheck.h"

namespace clang::tidy::concur {

/// Finds work given to a concurrency model made for the other kind of work:
/// I/O-bound work on CPU-oriented parallelism (std::execution::par
/// algorithms, OpenMP, TBB, concur::parallel_for, a core-sized pool), and
/// CPU-bound work posted to an event loop's thread. Recommends the row the
/// work's class calls for.
///
/// For the user-facing documentation see:
/// checks/docs/concur-model-mismatch.md
class ModelMismatchCheck : public ConcurCheck {
public:
  using ConcurCheck::ConcurCheck;
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;
};

} // namespace clang::tidy::concur

#endif // CONCUR_CHECKS_MODELMISMATCHCHECK_H
