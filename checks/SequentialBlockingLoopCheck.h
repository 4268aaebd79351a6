//===--- SequentialBlockingLoopCheck.h - concur -----------------*- C++ -*-===//

#ifndef CONCUR_CHECKS_SEQUENTIALBLOCKINGLOOPCHECK_H
#define CONCUR_CHECKS_SEQUENTIALBLOCKINGLOOPCHECK_H

#include "utils/ConcurCheck.h"
#include "llvm/ADT/DenseMap.h"

namespace clang::tidy::concur {

/// Finds loops whose independent iterations each block on I/O, one after
/// another, and recommends asyncio, threading or futures over an I/O pool by
/// the selection table's decision order.
///
/// For the user-facing documentation see:
/// checks/docs/concur-sequential-blocking-loop.md
class SequentialBlockingLoopCheck : public ConcurCheck {
public:
  using ConcurCheck::ConcurCheck;
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;
  void onStartOfTranslationUnit() override;

private:
  /// The loop's facts when it qualifies for this check.
  const LoopFacts *qualifying(const Stmt *Loop, ASTContext &Ctx);
  void report(const Stmt *Loop, const LoopFacts &Facts, ASTContext &Ctx);
  llvm::DenseMap<const Stmt *, std::optional<LoopFacts>> Cache;
};

} // namespace clang::tidy::concur

#endif // CONCUR_CHECKS_SEQUENTIALBLOCKINGLOOPCHECK_H
