//===--- BlockingCallInCoroutineCheck.h - concur ----------------*- C++ -*-===//

#ifndef CONCUR_CHECKS_BLOCKINGCALLINCOROUTINECHECK_H
#define CONCUR_CHECKS_BLOCKINGCALLINCOROUTINECHECK_H

#include "utils/ConcurCheck.h"

namespace clang::tidy::concur {

/// Finds blocking calls, direct or through any callee, inside a C++20
/// coroutine: on an event loop they stall every other task. Suggests the
/// asynchronous form or offloading with run_in_executor (row: asyncio).
///
/// For the user-facing documentation see:
/// checks/docs/concur-blocking-call-in-coroutine.md
class BlockingCallInCoroutineCheck : public ConcurCheck {
public:
  using ConcurCheck::ConcurCheck;
  bool isLanguageVersionSupported(const LangOptions &LangOpts) const override {
    return LangOpts.CPlusPlus20;
  }
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;
};

} // namespace clang::tidy::concur

#endif // CONCUR_CHECKS_BLOCKINGCALLINCOROUTINECHECK_H
