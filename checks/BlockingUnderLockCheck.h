//===--- BlockingUnderLockCheck.h - concur ----------------------*- C++ -*-===//

#ifndef CONCUR_CHECKS_BLOCKINGUNDERLOCKCHECK_H
#define CONCUR_CHECKS_BLOCKINGUNDERLOCKCHECK_H

#include "utils/ConcurCheck.h"

namespace clang::tidy::concur {

/// Finds blocking I/O and sleeps, direct or through any callee, made while a
/// mutex is held: every other thread that needs the lock waits for the I/O
/// too. Suggests moving the wait out of the critical section or handing it to
/// an I/O worker (row: threading; asyncio inside a coroutine).
///
/// For the user-facing documentation see:
/// checks/docs/concur-blocking-under-lock.md
class BlockingUnderLockCheck : public ConcurCheck {
public:
  BlockingUnderLockCheck(StringRef Name, ClangTidyContext *Context);
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;

private:
  /// The I/O kinds that count, as written in the option.
  std::string BlockingKinds;
  ::concur::IoKindSet Kinds;
  bool KindsChecked = false;
};

} // namespace clang::tidy::concur

#endif // CONCUR_CHECKS_BLOCKINGUNDERLOCKCHECK_H
