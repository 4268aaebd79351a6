//===--- MtUnsafeInParallelCheck.h - concur ---------------------*- C++ -*-===//

#ifndef CONCUR_CHECKS_MTUNSAFEINPARALLELCHECK_H
#define CONCUR_CHECKS_MTUNSAFEINPARALLELCHECK_H

#include "utils/ConcurCheck.h"

namespace clang::tidy::concur {

/// Finds code run on several threads (a callable given to std::thread,
/// std::async, a pool's submit, a parallel algorithm, or an OpenMP region)
/// that reaches MT-unsafe calls or unsynchronised writes to globals and
/// statics through its callees. Shows the chain; recommends synchronisation,
/// the thread-safe form, or worker processes for CPU work (row:
/// multiprocessing). A thread started once, outside any loop, runs its
/// function on one thread and is not reported.
///
/// For the user-facing documentation see:
/// checks/docs/concur-mt-unsafe-in-parallel.md
class MtUnsafeInParallelCheck : public ConcurCheck {
public:
  MtUnsafeInParallelCheck(StringRef Name, ClangTidyContext *Context);
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;

private:
  const std::vector<std::string> ThreadClasses;
  const std::vector<std::string> ThreadFunctions;
};

} // namespace clang::tidy::concur

#endif // CONCUR_CHECKS_MTUNSAFEINPARALLELCHECK_H
