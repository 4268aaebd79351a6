//===--- LoopCheck.h - Checks that judge a function's loops -----*- C++ -*-===//
//
// The base of the checks that report the outermost loop of a function whose
// facts qualify (concur-sequential-blocking-loop,
// concur-parallelizable-cpu-loop): it finds the functions, walks their loops
// once, memoises each loop's facts and hands a qualifying loop, with the row
// the selection table picks for it, to the check's report().
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_CHECKS_UTILS_LOOPCHECK_H
#define CONCUR_CHECKS_UTILS_LOOPCHECK_H

#include "ConcurCheck.h"
#include "llvm/ADT/DenseMap.h"
#include <optional>

namespace clang::tidy::concur {

class OutermostLoopCheck : public ConcurCheck {
public:
  using ConcurCheck::ConcurCheck;
  void registerMatchers(ast_matchers::MatchFinder *Finder) final;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) final;
  void onStartOfTranslationUnit() override;

protected:
  /// Whether \p Loop, with \p Facts, is this check's to report.
  virtual bool qualifies(const Stmt *Loop, const LoopFacts &Facts) = 0;
  /// Reports a qualifying loop (not one written by a macro) for which the
  /// table recommends \p Rec, a row other than sequential.
  virtual void report(const Stmt *Loop, const LoopFacts &Facts,
                      const Recommendation &Rec, ASTContext &Ctx) = 0;

private:
  /// The loop's facts when it qualifies.
  const LoopFacts *qualifying(const Stmt *Loop, ASTContext &Ctx);
  /// Whether each loop seen qualifies.
  llvm::DenseMap<const Stmt *, bool> Qualifying;
};

} // namespace clang::tidy::concur

#endif // CONCUR_CHECKS_UTILS_LOOPCHECK_H
