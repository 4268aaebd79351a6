//===--- BlockingCallInEventLoopCheck.h - concur ----------------*- C++ -*-===//

#ifndef CONCUR_CHECKS_BLOCKINGCALLINEVENTLOOPCHECK_H
#define CONCUR_CHECKS_BLOCKINGCALLINEVENTLOOPCHECK_H

#include "utils/ConcurCheck.h"
#include "llvm/ADT/DenseSet.h"

namespace clang::tidy::concur {

/// Finds code that runs on an event loop's thread without being a
/// coroutine and blocks there, or computes for long: a callback registered
/// with a loop API (libevent, libuv, libev, an Asio completion handler, a
/// project's own loop named in the knowledge base), a function called from
/// an epoll_wait/poll/select dispatch loop, or a handler named in
/// `.concur.yaml`. Everything such code calls, in this unit or (through
/// the summaries) in others, runs on the loop too. Suggests the loop's
/// asynchronous form or a worker pool that hands the result back to the
/// loop.
///
/// For the user-facing documentation see:
/// checks/docs/concur-blocking-call-in-event-loop.md
class BlockingCallInEventLoopCheck : public ConcurCheck {
public:
  BlockingCallInEventLoopCheck(StringRef Name, ClangTidyContext *Context);
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;
  void onStartOfTranslationUnit() override;

private:
  /// Code that runs on the loop: \p Work is one run of it, with evidence
  /// chains that start at \p Loc; \p Subject names it for messages. Loops
  /// in the code count as computation unless \p Dispatched (a function a
  /// dispatch loop calls, whose own loops go over the events).
  void report(SourceLocation Loc, const std::string &Subject,
              const Effects &Work, ASTContext &Ctx, bool Dispatched = false);
  /// Reports \p Target, registered at \p Arg, once per unit.
  void reportCallback(const FunctionDecl *Target, const Expr *Arg,
                      StringRef Api, ASTContext &Ctx);
  void checkDispatchLoops(const FunctionDecl *Function, ASTContext &Ctx);

  /// Whether a would-block call (send, recv, connect) on a descriptor not
  /// visibly made non-blocking is reported, as possibly blocking. Off by
  /// default: code on a loop works on the non-blocking descriptors the loop
  /// watches, usually made so in another function.
  const bool ReportPossiblyBlocking;

  /// The callables reported in this unit (one finding per callback, at its
  /// first registration).
  llvm::DenseSet<const FunctionDecl *> Reported;
};

} // namespace clang::tidy::concur

#endif // CONCUR_CHECKS_BLOCKINGCALLINEVENTLOOPCHECK_H
