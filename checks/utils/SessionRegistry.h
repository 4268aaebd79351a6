//===--- SessionRegistry.h - How the checks find their session --*- C++ -*-===//
//
// The concur checks of one clang-tidy context and translation unit share one
// AnalysisSession when their options agree: the configuration is read once,
// and the analyzer's caches serve every check. A front end that runs the
// checks in process (concur-advise) gives them its cross-unit facts by
// registering them for its context; clang-tidy and clangd register nothing,
// and the checks use the configured summaries database.
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_CHECKS_UTILS_SESSIONREGISTRY_H
#define CONCUR_CHECKS_UTILS_SESSIONREGISTRY_H

#include "AnalysisSession.h"
#include <memory>

namespace clang::tidy {
class ClangTidyContext;
}

namespace clang::tidy::concur {

/// Gives the concur checks run with \p Context the cross-unit facts \p Facts
/// while it lives. \p Facts must outlive it.
class ScopedUnitFacts {
public:
  ScopedUnitFacts(const ClangTidyContext &Context,
                  const ::concur::SummaryProvider &Facts);
  ~ScopedUnitFacts();
  ScopedUnitFacts(const ScopedUnitFacts &) = delete;
  ScopedUnitFacts &operator=(const ScopedUnitFacts &) = delete;

private:
  const ClangTidyContext &Context;
};

/// The session the checks of \p Context configured with \p Checks share in
/// the translation unit of \p Ctx, built by the first of them to ask. A
/// check keeps it until its next translation unit starts: a clang-tidy
/// context serves one unit at a time, and its checks all let go of the
/// previous unit's session before any asks for the next, so a live session
/// is never another unit's.
std::shared_ptr<::concur::AnalysisSession>
sharedSession(const ClangTidyContext &Context, ASTContext &Ctx,
              const ::concur::CheckOptionValues &Checks);

} // namespace clang::tidy::concur

#endif // CONCUR_CHECKS_UTILS_SESSIONREGISTRY_H
