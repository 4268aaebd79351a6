//===--- Advise.h - One run of concur-advise --------------------*- C++ -*-===//
//
// The steps of a run, in order: find the units, bring the summaries
// database up to date, load and decide the report, apply a baseline, write
// the report, apply fixes, and choose the exit status.
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_TOOL_ADVISE_ADVISE_H
#define CONCUR_TOOL_ADVISE_ADVISE_H

#include "Options.h"

namespace concur::advise {

/// Runs `concur-advise` with \p Opts; \p Argv0 locates the installed
/// documentation. Returns the exit status.
int runAdvise(const AdviseOptions &Opts, const char *Argv0);

/// The findings of \p R at or above \p FailOn (none, note, warning, error).
unsigned findingsAtOrAbove(const Report &R, llvm::StringRef FailOn);

} // namespace concur::advise

#endif // CONCUR_TOOL_ADVISE_ADVISE_H
