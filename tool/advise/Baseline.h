//===--- Baseline.h - Accepted findings -------------------------*- C++ -*-===//
//
// A baseline records the fingerprints of findings a project has accepted
// (schema "concur-advise-baseline/1"); applying it hides one finding per
// recorded fingerprint, so that CI fails only on new ones.
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_TOOL_ADVISE_BASELINE_H
#define CONCUR_TOOL_ADVISE_BASELINE_H

#include "Report.h"
#include "llvm/Support/Error.h"

namespace concur::advise {

/// Writes the findings of \p R as a baseline to \p Path.
llvm::Error writeBaseline(const Report &R, llvm::StringRef Path);

/// Removes the findings \p Path records (each recorded finding hides one)
/// and counts them in R.Hidden.
llvm::Error applyBaseline(Report &R, llvm::StringRef Path);

/// applyBaseline() on a baseline already read: \p Text is its content,
/// \p Name names it in errors.
llvm::Error applyBaselineText(Report &R, llvm::StringRef Text,
                              llvm::StringRef Name);

} // namespace concur::advise

#endif // CONCUR_TOOL_ADVISE_BASELINE_H
