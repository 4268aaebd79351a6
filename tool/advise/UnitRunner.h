//===--- UnitRunner.h - One translation unit, in process --------*- C++ -*-===//
//
// Parses one translation unit once and, on that AST, (1) runs the concur
// clang-tidy checks through clang-tidy's own library, so diagnostics, notes,
// NOLINT handling, options and fixes are exactly clang-tidy's, and (2)
// computes the local summaries of the functions defined in the main file for
// the summaries database. Cross-unit facts reach the checks through the
// SummaryProvider installed for the worker thread.
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_TOOL_ADVISE_UNITRUNNER_H
#define CONCUR_TOOL_ADVISE_UNITRUNNER_H

#include "Records.h"
#include "SummaryDatabase.h"
#include "clang/Tooling/CompilationDatabase.h"
#include <map>
#include <memory>
#include <mutex>
#include <optional>

namespace concur::advise {

/// How clang-tidy is set up, as on its command line.
struct TidySettings {
  /// Appended to "-*,concur-*" (so concur checks run even where a
  /// .clang-tidy disables them, and the user may narrow them).
  std::string Checks;
  /// --config: YAML or JSON that replaces .clang-tidy files.
  std::string Config;
  std::optional<std::string> HeaderFilter;
  std::vector<std::string> ExtraArgs, ExtraArgsBefore;
};

/// Analyse: the checks and the local summaries (with the files read).
/// Recheck: the checks only, for a unit whose summaries are stored and
/// whose cross-unit facts changed.
enum class UnitPass { Analyse, Recheck };

struct UnitOutcome {
  UnitRecord Record; ///< Everything but Key, which the caller sets.
  std::vector<FindingRecord> Findings;
};

/// Caches file contents hashes and line tables shared by all workers.
class FileCache {
public:
  /// The stamp of a file as it is now (std::nullopt when unreadable).
  std::optional<FileStamp> stamp(llvm::StringRef Path);
  /// Whether \p Old still describes the file (size and time first; the
  /// content hash decides when they differ).
  bool unchanged(const FileStamp &Old);
  /// 1-based line and column of \p Offset in \p Path.
  std::pair<unsigned, unsigned> lineColumn(llvm::StringRef Path,
                                           unsigned Offset);

private:
  std::mutex Mutex;
  llvm::StringMap<FileStamp> Stamps;
  llvm::StringMap<std::vector<unsigned>> LineStarts;
};

class UnitRunner {
public:
  UnitRunner(const clang::tooling::CompilationDatabase &Compilations,
             TidySettings Settings, FileCache &Files);

  /// Analyses \p File. \p Facts serves linked summaries (may be null).
  /// Never throws; failures are recorded in the outcome.
  UnitOutcome run(llvm::StringRef File, const FingerprintingSummaryProvider *Facts,
                  UnitPass Pass = UnitPass::Analyse);

  /// Checks the settings once (bad --config YAML): a message, or "".
  std::string validate() const;

private:
  const clang::tooling::CompilationDatabase &Compilations;
  TidySettings Settings;
  FileCache &Files;
};

} // namespace concur::advise

#endif // CONCUR_TOOL_ADVISE_UNITRUNNER_H
