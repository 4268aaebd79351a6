//===--- CpuHeavyInCoroutineCheck.h - concur --------------------*- C++ -*-===//

#ifndef CONCUR_CHECKS_CPUHEAVYINCOROUTINECHECK_H
#define CONCUR_CHECKS_CPUHEAVYINCOROUTINECHECK_H

#include "utils/ConcurCheck.h"

namespace clang::tidy::concur {

/// Finds substantial CPU work inside a C++20 coroutine (a heavy call or a
/// heavy loop): it holds the event loop and every other task waits. Recommends
/// the mixed row: offload to a core-sized pool with run_in_executor.
///
/// For the user-facing documentation see:
/// checks/docs/concur-cpu-heavy-in-coroutine.md
class CpuHeavyInCoroutineCheck : public ConcurCheck {
public:
  using ConcurCheck::ConcurCheck;
  bool isLanguageVersionSupported(const LangOptions &LangOpts) const override {
    return LangOpts.CPlusPlus20;
  }
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;
};

} // namespace clang::tidy::concur

#endif // CONCUR_CHECKS_CPUHEAVYINCOROUTINECHECK_H
