//===--- Report.h - Rendering what the database holds -----------*- C++ -*-===//
//
// A report is read from the summaries database only (so --from-db needs no
// parsing) and rendered in one of the output formats. The JSON form is the
// stable schema "concur-advise/1" (tests/tool pins it).
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_TOOL_ADVISE_REPORT_H
#define CONCUR_TOOL_ADVISE_REPORT_H

#include "Records.h"
#include "SummaryDatabase.h"
#include "llvm/Support/raw_ostream.h"

namespace concur::advise {

struct FunctionRecord {
  FunctionSummary S;
  unsigned EndLine = 0;
  /// The row for the best opportunity inside the function, else the row for
  /// running calls of it concurrently.
  std::string Model;
};

struct FailedUnit {
  std::string File;
  std::string Error;
};

struct Report {
  unsigned Units = 0;
  std::vector<FunctionRecord> Functions; ///< By file, line.
  std::vector<FindingRecord> Findings;   ///< By file, line, column, check.
  std::vector<FailedUnit> Failed;
  /// Units whose findings predate a change of facts they used (a merged
  /// database read with --from-db before a refreshing run).
  std::vector<std::string> Stale;
  unsigned Hidden = 0; ///< Findings hidden by a baseline.
};

/// Reads the report of \p Units (all units when empty).
llvm::Expected<Report> loadReport(SummaryDatabase &Db,
                                  llvm::ArrayRef<std::string> Units);

/// Counts per class and model, and the top functions by blocking and work.
void renderSummary(const Report &R, llvm::raw_ostream &OS);

/// One function's class, scores, evidence and the selection table's
/// decision path. False when no function has that name.
bool explain(const Report &R, llvm::StringRef Name, llvm::raw_ostream &OS);

/// Baselines: fingerprints of accepted findings.
llvm::Error writeBaseline(const Report &R, llvm::StringRef Path);
/// Removes the findings \p Path records (each recorded finding hides one).
llvm::Error applyBaseline(Report &R, llvm::StringRef Path);

struct FixOutcome {
  unsigned Applied = 0;     ///< Findings whose fix was applied.
  unsigned Conflicting = 0; ///< Skipped: they overlap a fix applied first.
  unsigned Files = 0;       ///< Files rewritten.
};

/// Applies the fixes of the warnings and errors in \p R. The offsets are
/// those of the files as this run analysed (or verified) them; an edit past
/// the end of its file is an error, and then nothing is written. The same fix offered by
/// several units is applied once; of overlapping fixes, the first wins.
llvm::Expected<FixOutcome> applyFixes(const Report &R);

} // namespace concur::advise

#endif // CONCUR_TOOL_ADVISE_REPORT_H
