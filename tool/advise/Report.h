//===--- Report.h - Rendering what the database holds -----------*- C++ -*-===//
//
// A report is read from the summaries database only (so --from-db needs no
// parsing), then decided (Decide.h) and written by an Emitter.
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_TOOL_ADVISE_REPORT_H
#define CONCUR_TOOL_ADVISE_REPORT_H

#include "Records.h"
#include "UnitCache.h"
#include "llvm/Support/raw_ostream.h"
#include <map>
#include <optional>

namespace concur::advise {

/// What a run measured for a function (concur-advise --profile).
struct MeasuredRecord {
  std::string Class; ///< io, cpu, mixed or trivial, as the static class.
  double Confidence = 0;
  double OnCpuMs = 0, OffCpuMs = 0;
  std::map<std::string, double> OffCpuByReason;
  std::string JoinedBy;    ///< "file:line" or "name".
  std::string StaticClass; ///< The class the analysis gave.
  bool Overrides = false;  ///< It replaced the static class.
};

struct FunctionRecord {
  FunctionSummary S;
  unsigned EndLine = 0;
  /// The row for the function's own body: its best opportunity (the row its
  /// most severe finding names), sequential when it has none (set by
  /// decideReport()).
  std::string Model;
  /// The row for running calls of the function concurrently: the selection
  /// table's decision on its summary (set by decideReport()).
  std::string CallersModel;
  /// Set by joinProfile() when a profile has the function.
  std::optional<MeasuredRecord> Measured;
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

/// Reads the report of \p Units (all units when empty): failed units,
/// functions by file and line, findings once each by file, line, column and
/// check. Nothing is decided yet: see decideReport().
llvm::Expected<Report> loadReport(UnitCache &Db,
                                  llvm::ArrayRef<std::string> Units);

} // namespace concur::advise

#endif // CONCUR_TOOL_ADVISE_REPORT_H
