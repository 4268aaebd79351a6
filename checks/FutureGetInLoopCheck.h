//===--- FutureGetInLoopCheck.h - concur ------------------------*- C++ -*-===//

#ifndef CONCUR_CHECKS_FUTUREGETINLOOPCHECK_H
#define CONCUR_CHECKS_FUTUREGETINLOOPCHECK_H

#include "utils/ConcurCheck.h"

namespace clang::tidy::concur {

/// Finds a task started (std::async, a pool's submit) and waited for
/// (.get(), .wait()) in the same loop iteration: the tasks run one at a
/// time. Recommends starting all of them first and collecting the results
/// with as_completed or gather, over the row the task's work calls for.
///
/// For the user-facing documentation see:
/// checks/docs/concur-future-get-in-loop.md
class FutureGetInLoopCheck : public ConcurCheck {
public:
  FutureGetInLoopCheck(StringRef Name, ClangTidyContext *Context);
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;

private:
  std::vector<std::string> FutureClasses;
  std::vector<std::string> WaitMethods;

  /// The call that produced the future \p Object designates in the same
  /// iteration of \p Loop, before \p Wait; null when it is not known to.
  const CallExpr *producer(const Expr *Object, const Stmt *Loop,
                           const Expr *Wait, ASTContext &Ctx);
};

} // namespace clang::tidy::concur

#endif // CONCUR_CHECKS_FUTUREGETINLOOPCHECK_H
