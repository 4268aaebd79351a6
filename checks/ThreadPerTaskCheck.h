//===--- ThreadPerTaskCheck.h - concur --------------------------*- C++ -*-===//

#ifndef CONCUR_CHECKS_THREADPERTASKCHECK_H
#define CONCUR_CHECKS_THREADPERTASKCHECK_H

#include "utils/ConcurCheck.h"
#include "llvm/ADT/DenseMap.h"

namespace clang::tidy::concur {

/// Finds a thread (std::thread, std::jthread, pthread_create, std::async ...)
/// started once per iteration of a loop with a large or runtime-sized
/// fan-out, or per request of a server loop, and recommends the row the
/// thread's work calls for: a bounded pool or an event loop instead of one
/// thread per task, or no thread at all for trivial work.
///
/// For the user-facing documentation see:
/// checks/docs/concur-thread-per-task.md
class ThreadPerTaskCheck : public ConcurCheck {
public:
  ThreadPerTaskCheck(StringRef Name, ClangTidyContext *Context);
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;

private:
  std::vector<std::string> ThreadClasses;
  std::vector<std::string> ThreadFunctions;
  std::vector<std::string> CoreCountFunctions;
  /// Whether \p Task serves a queue (a loop that waits on other threads):
  /// a hand-written pool's worker, not a task.
  bool isWorker(const FunctionDecl *Task, ASTContext &Ctx);
};

} // namespace clang::tidy::concur

#endif // CONCUR_CHECKS_THREADPERTASKCHECK_H
