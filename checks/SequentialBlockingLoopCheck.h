//===--- SequentialBlockingLoopCheck.h - concur -----------------*- C++ -*-===//

#ifndef CONCUR_CHECKS_SEQUENTIALBLOCKINGLOOPCHECK_H
#define CONCUR_CHECKS_SEQUENTIALBLOCKINGLOOPCHECK_H

#include "utils/LoopCheck.h"

namespace clang::tidy::concur {

/// Finds loops whose independent iterations each block on I/O, one after
/// another, and recommends asyncio, threading or futures over an I/O pool by
/// the selection table's decision order.
///
/// For the user-facing documentation see:
/// checks/docs/concur-sequential-blocking-loop.md
class SequentialBlockingLoopCheck : public OutermostLoopCheck {
public:
  using OutermostLoopCheck::OutermostLoopCheck;

private:
  bool qualifies(const Stmt *Loop, const LoopFacts &Facts) override;
  void report(const Stmt *Loop, const LoopFacts &Facts,
              const Recommendation &Rec, ASTContext &Ctx) override;
};

} // namespace clang::tidy::concur

#endif // CONCUR_CHECKS_SEQUENTIALBLOCKINGLOOPCHECK_H
