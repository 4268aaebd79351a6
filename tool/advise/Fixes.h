//===--- Fixes.h - Applying the checks' fixes -------------------*- C++ -*-===//

#ifndef CONCUR_TOOL_ADVISE_FIXES_H
#define CONCUR_TOOL_ADVISE_FIXES_H

#include "Report.h"
#include "llvm/Support/Error.h"

namespace concur::advise {

struct FixOutcome {
  unsigned Applied = 0;     ///< Findings whose fix was applied.
  unsigned Conflicting = 0; ///< Skipped: they overlap a fix applied first.
  unsigned Files = 0;       ///< Files rewritten.
};

/// Applies the fixes of the warnings and errors in \p R. The offsets are
/// those of the files as this run analysed (or verified) them; an edit past
/// the end of its file is an error, and then nothing is written. The same
/// fix offered by several units is applied once; of overlapping fixes, the
/// first wins.
llvm::Expected<FixOutcome> applyFixes(const Report &R);

} // namespace concur::advise

#endif // CONCUR_TOOL_ADVISE_FIXES_H
