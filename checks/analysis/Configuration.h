//===--- Configuration.h - A file's configuration, resolved once *- C++ -*-===//
//
// Every front end (the clang-tidy checks, concur-clangd through them, and
// concur-advise's summaries and linker) asks resolveConfiguration() what
// applies to a file, so a threshold means the same wherever it is set.
//
// Precedence, each layer overriding the ones before it:
//
//   1. the built-in defaults (ConfigOptions.def);
//   2. the check options (clang-tidy's: `.clang-tidy` files, --config). A
//      check reads its own `concur-<check>.Name` before the global `Name`;
//      whole-program facts (the summaries concur-advise stores and links)
//      are shared by every check, so they read only the global `Name`;
//   3. the nearest `.concur.yaml`: its `options:` and `summaries`.
//
// The knowledge base is extended in the same order: the built-in entries,
// then KnowledgeBaseFile, ExtraBlockingFunctions, ExtraCpuFunctions and
// ExtraMtUnsafeFunctions, then the `knowledge-base:` entries of
// `.concur.yaml`; entries for the same name are merged, what a later one
// sets (a kind, a cost) overriding the earlier one.
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_ANALYSIS_CONFIGURATION_H
#define CONCUR_ANALYSIS_CONFIGURATION_H

#include "AnalysisOptions.h"
#include "KnowledgeBase.h"
#include "ProjectConfig.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace concur {

/// The check options of ConfigOptions.def as a front end found them; a
/// threshold not set is empty.
struct CheckOptionValues {
#define CONCUR_THRESHOLD(Field, YamlKey, CheckOption, Type, Default)           \
  std::optional<unsigned> Field;
#define CONCUR_STRING_OPTION(Field, CheckOption) std::string Field;
#include "ConfigOptions.def"

  /// Reads every option through \p Get, which returns the text set for a
  /// check-option name, if any. A threshold that is not a whole number stays
  /// unset (the checks report it where they read it, as clang-tidy does).
  static CheckOptionValues
  read(llvm::function_ref<std::optional<std::string>(llvm::StringRef)> Get);

  /// Text that differs between values that configure differently: the key
  /// under which the checks of a unit share one analysis.
  std::string key() const;
};

/// A problem in a file's configuration. The analysis goes on with what the
/// rest of the configuration says.
struct ConfigProblem {
  enum Origin {
    /// In a check option (reported as clang-tidy reports bad options).
    CheckOption,
    /// In `.concur.yaml` (reported at the top of the file analysed).
    ProjectFile,
  };
  Origin Source;
  std::string Message;
};

/// What applies to one file.
struct FileConfiguration {
  AnalysisOptions Options;
  /// The summaries database named by the configuration, or empty.
  std::string SummaryPath;
  std::vector<ConfigProblem> Problems;

  /// The built-in knowledge base, or its extension by the configuration.
  const KnowledgeBase &knowledgeBase() const { return *KB; }
  /// The knowledge base to extend: a copy of the built-in one, made on first
  /// use (most files extend nothing and share the built-in one).
  KnowledgeBase &extendedKB();

private:
  const KnowledgeBase *KB = &KnowledgeBase::builtin();
  std::unique_ptr<KnowledgeBase> OwnKB;
};

/// What of a file's configuration to resolve: the linker needs only the
/// thresholds, and reads no knowledge-base file.
enum class ConfigParts { Thresholds, All };

/// The configuration of \p File (a source file; `.concur.yaml` is looked up
/// from its directory) under check options \p Checks, in the precedence
/// stated at the top of this file.
FileConfiguration resolveConfiguration(
    llvm::StringRef File, const CheckOptionValues &Checks,
    ConfigParts Parts = ConfigParts::All,
    ProjectConfigFinder &Finder = ProjectConfigFinder::shared());

} // namespace concur

#endif // CONCUR_ANALYSIS_CONFIGURATION_H
