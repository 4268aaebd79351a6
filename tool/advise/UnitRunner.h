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

#include "Configuration.h"
#include "Records.h"
#include "UnitCache.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include <functional>
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
  /// The first outcome went to the KeepHook; this one is empty, or the
  /// outcome of the checks run again on the kept AST (Rechecked).
  bool Delivered = false;
  bool Rechecked = false;
  /// The memory the unit's AST, source buffers and preprocessor hold, as
  /// the KeepHook sees it (0 elsewhere).
  size_t AstBytes = 0;
};

/// Called on the worker after the checks of an Analyse pass, while the AST
/// is still alive, with the unit's outcome (unless it failed to compile). It
/// takes the outcome and returns the facts to run the checks again with on
/// the same AST, without parsing again, or null to let the unit go.
using KeepHook =
    llvm::function_ref<const FingerprintingSummaryProvider *(UnitOutcome &)>;

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
  /// Size and modification time, as first seen in this run (none when the
  /// file is missing).
  llvm::StringMap<std::optional<std::pair<uint64_t, int64_t>>> Status;
  llvm::StringMap<std::vector<unsigned>> LineStarts;
};

/// The check options of ConfigOptions.def that apply to every check in a
/// file (the global ones), from the clang-tidy options the units' checks
/// see: --config, else the .clang-tidy files.
using CheckOptionsReader =
    std::function<::concur::CheckOptionValues(llvm::StringRef File)>;
CheckOptionsReader checkOptionsReader(const TidySettings &Settings);

/// Checks \p Settings once (bad --config YAML): a message, or "".
std::string validateTidySettings(const TidySettings &Settings);

class UnitRunner {
public:
  UnitRunner(const clang::tooling::CompilationDatabase &Compilations,
             TidySettings Settings, FileCache &Files);

  /// Analyses \p File. \p Facts serves linked summaries (may be null).
  /// Never throws; failures are recorded in the outcome.
  UnitOutcome run(llvm::StringRef File,
                  const FingerprintingSummaryProvider *Facts,
                  UnitPass Pass = UnitPass::Analyse, KeepHook Keep = {});

  /// Checks the settings once (bad --config YAML): a message, or "".
  std::string validate() const;

private:
  const clang::tooling::CompilationDatabase &Compilations;
  TidySettings Settings;
  FileCache &Files;
};

} // namespace concur::advise

#endif // CONCUR_TOOL_ADVISE_UNITRUNNER_H
