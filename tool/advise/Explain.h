//===--- Explain.h - --summary and --explain --------------------*- C++ -*-===//
//
// Two text views of a decided report besides the formats: counts with the
// top functions, and one function's class, scores, evidence and the
// selection table's decision path.
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_TOOL_ADVISE_EXPLAIN_H
#define CONCUR_TOOL_ADVISE_EXPLAIN_H

#include "Report.h"
#include "llvm/Support/raw_ostream.h"

namespace concur::advise {

/// Counts per class and model, and the top functions by blocking and work.
void renderSummary(const Report &R, llvm::raw_ostream &OS);

/// One function's class, scores, evidence and the selection table's
/// decision path. False when no function has that name.
bool explain(const Report &R, llvm::StringRef Name, llvm::raw_ostream &OS);

} // namespace concur::advise

#endif // CONCUR_TOOL_ADVISE_EXPLAIN_H
