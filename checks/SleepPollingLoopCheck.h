//===--- SleepPollingLoopCheck.h - concur -----------------------*- C++ -*-===//

#ifndef CONCUR_CHECKS_SLEEPPOLLINGLOOPCHECK_H
#define CONCUR_CHECKS_SLEEPPOLLINGLOOPCHECK_H

#include "utils/ConcurCheck.h"

namespace clang::tidy::concur {

/// Finds loops that poll a condition (a flag, an atomic, a queue, a
/// non-blocking read) and sleep between the checks, and recommends waiting
/// for a notification instead: a condition variable, an atomic wait or a
/// channel (row threading), or readiness on an event loop (row asyncio).
///
/// For the user-facing documentation see:
/// checks/docs/concur-sleep-polling-loop.md
class SleepPollingLoopCheck : public ConcurCheck {
public:
  SleepPollingLoopCheck(StringRef Name, ClangTidyContext *Context);
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;

private:
  std::vector<std::string> ClockFunctions;

  void checkLoop(const Stmt *Loop, ASTContext &Ctx);
};

} // namespace clang::tidy::concur

#endif // CONCUR_CHECKS_SLEEPPOLLINGLOOPCHECK_H
