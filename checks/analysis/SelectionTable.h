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

/// The language of the code a recommendation is for: each row names its
/// implementation in it.
enum class SourceLanguage { C, CPlusPlus };

/// How a row is written in one language.
struct Implementation {
  std::string Model;
  /// What to use: concur's runtime for C++, POSIX and C libraries for C.
  std::string Runtime;
  std::string Pros;
  std::string Cons;
};

/// One row: a concurrency model.
struct ModelRow {
  RowId Id = RowId::Sequential;
  std::string SeedsRow;
  std::string Data;
  Implementation CPlusPlus;
  Implementation C;

  const Implementation &in(SourceLanguage Language) const {
    return Language == SourceLanguage::C ? C : CPlusPlus;
  }
};

/// A library that implements some rows, recognised by the headers a
/// translation unit includes: code that already uses it is told to use it.
struct KnownLibrary {
  std::string Name;
  /// The language whose code it serves; none: both.
  std::optional<SourceLanguage> Language;
  /// Header paths as included (`event2/event.h`): a file whose path ends in
  /// one of them, at a directory boundary, means the library is used.
  std::vector<std::string> Headers;
  /// What to use for a row, in the words of the note ("the libuv loop this
  /// code already uses (uv_run ...)").
  std::vector<std::pair<RowId, std::string>> Uses;

  bool providesHeader(llvm::StringRef Path) const;
  /// The library's implementation of \p Row, or empty.
  llvm::StringRef use(RowId Row) const;
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
  /// In order of preference: the first one a unit uses that implements a
  /// row gives that row's advice.
  llvm::ArrayRef<KnownLibrary> libraries() const { return Libraries; }

private:
  std::vector<ModelRow> Rows;
  std::vector<DecisionRule> Rules;
  std::vector<KnownLibrary> Libraries;
  friend struct SelectionTableParser;
};

} // namespace concur

#endif // CONCUR_ANALYSIS_SELECTIONTABLE_H
