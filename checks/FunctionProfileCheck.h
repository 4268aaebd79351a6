//===--- FunctionProfileCheck.h - concur ------------------------*- C++ -*-===//

#ifndef CONCUR_CHECKS_FUNCTIONPROFILECHECK_H
#define CONCUR_CHECKS_FUNCTIONPROFILECHECK_H

#include "utils/ConcurCheck.h"

namespace clang::tidy::concur {

/// One remark per function definition: its class, confidence, model and top
/// evidence. Off unless enabled with the option `Enable` (a `concur-*` glob
/// alone would make every function noisy).
///
/// For the user-facing documentation see:
/// checks/docs/concur-function-profile.md
class FunctionProfileCheck : public ConcurCheck {
public:
  FunctionProfileCheck(StringRef Name, ClangTidyContext *Context);
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;

private:
  const bool Enable;
};

} // namespace clang::tidy::concur

#endif // CONCUR_CHECKS_FUNCTIONPROFILECHECK_H
