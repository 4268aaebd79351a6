//===--- SelectionTable.h - The spec's rows and decision order --*- C++ -*-===//
//
// The selection table of shared/selection-table.md, loaded from
// checks/data/selection-table.yaml: seven rows (concurrency models) and the
// decision order that picks one for a site. Every recommendation carries its
// row, the rule that chose it, and the row's trade-offs.
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_ANALYSIS_SELECTIONTABLE_H
#define CONCUR_ANALYSIS_SELECTIONTABLE_H

#include "Workload.h"
#include "llvm/Support/Error.h"
#include <optional>
#include <string>
#include <vector>

namespace concur {

/// One row: a concurrency model.
struct ModelRow {
  RowId Id = RowId::Sequential;
  std::string SeedsRow;
  std::string Model;
  std::string Runtime;
  std::string Data;
  std::string Pros;
  std::string Cons;
};

/// The facts about a site that the decision order looks at.
struct SiteFacts {
  WorkloadClass Class = WorkloadClass::Trivial;
  bool Dependent = false;
  bool InCoroutine = false;
  IoKindSet IoKinds;
  FanOut Shape = FanOut::Runtime;
  bool Batch = false;
  bool ThreadSafe = true;
  bool Numeric = false;
};

/// One rule of the decision order; unset conditions always hold.
struct DecisionRule {
  unsigned Step = 0;
  std::vector<WorkloadClass> Classes;
  std::optional<bool> Dependent, InCoroutine, Batch, ThreadSafe, Numeric;
  IoKindSet IoKinds;
  std::vector<FanOut> FanOuts;
  RowId Row = RowId::Sequential;
  std::string Pool;
  std::string Why;

  bool matches(const SiteFacts &Facts) const;
};

struct Recommendation {
  const ModelRow *Row = nullptr;
  const DecisionRule *Rule = nullptr;
  /// The row chosen: sequential when there is none.
  RowId id() const { return Row ? Row->Id : RowId::Sequential; }
  /// For the futures row: "io" or "cpu", the pool that backs the executor.
  llvm::StringRef pool() const { return Rule ? Rule->Pool : ""; }
};

class SelectionTable {
public:
  /// The table compiled into the binary from checks/data/selection-table.yaml.
  static const SelectionTable &builtin();
  static llvm::Expected<SelectionTable> parse(llvm::StringRef Yaml,
                                              llvm::StringRef FileName);

  /// Applies the decision order; the last rule is a catch-all, so there is
  /// always a row (sequential when nothing else fits).
  Recommendation decide(const SiteFacts &Facts) const;

  const ModelRow *row(RowId Id) const;
  llvm::ArrayRef<ModelRow> rows() const { return Rows; }
  llvm::ArrayRef<DecisionRule> rules() const { return Rules; }

private:
  std::vector<ModelRow> Rows;
  std::vector<DecisionRule> Rules;
  friend struct SelectionTableParser;
};

} // namespace concur

#endif // CONCUR_ANALYSIS_SELECTIONTABLE_H
