//===--- Decide.h - What the report says about each function ----*- C++ -*-===//
//
// The report's only decisions: which function each finding is in, and which
// row (model) each function gets. Rows are never chosen here: a function
// takes the row its findings name (the checks' decision, made by the
// analysis' selection table), and a function without one takes the row the
// table gives for running calls of it concurrently, asked in one place
// (functionRow). Emitters render what this leaves in the Report.
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_TOOL_ADVISE_DECIDE_H
#define CONCUR_TOOL_ADVISE_DECIDE_H

#include "Report.h"
#include "SelectionTable.h"

namespace concur::advise {

/// The row of the selection table for running calls of \p S concurrently:
/// the analysis' decision (functionSite, SelectionTable::decide).
std::string functionRow(const FunctionSummary &S);

/// One rule of the decision order as tried for a site.
struct RuleTried {
  const DecisionRule *Rule;
  bool Matches;
};

/// What functionRow() decides on, and the rules it tries, in order, up to
/// the one that matches.
struct DecisionPath {
  SiteFacts Facts;
  std::vector<RuleTried> Rules;
};
DecisionPath functionDecisionPath(const FunctionSummary &S);

/// The innermost function of \p Functions whose definition contains \p F,
/// or null.
const FunctionRecord *
enclosingFunction(const FindingRecord &F,
                  llvm::ArrayRef<FunctionRecord> Functions);

/// The model of \p Fn's own body: the row named by the most severe of its
/// findings (\p Findings with their Function set), else sequential. The row
/// for its callers is functionRow().
std::string functionModel(const FunctionRecord &Fn,
                          llvm::ArrayRef<FindingRecord> Findings);

/// Sets each finding's Function, then each function's Model.
void decideReport(Report &R);

} // namespace concur::advise

#endif // CONCUR_TOOL_ADVISE_DECIDE_H
