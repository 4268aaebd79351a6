//===--- AnalysisSession.h - What one unit's analysis uses ------*- C++ -*-===//
//
// A front end builds one AnalysisSession per translation unit (and set of
// check options): the file's configuration, its knowledge base, the facts
// about functions defined in other units, and the analyzer that uses them.
// Everything the analysis of the unit reads comes through it, so a value can
// be followed from the front end that chose it to the check that uses it.
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_ANALYSIS_ANALYSISSESSION_H
#define CONCUR_ANALYSIS_ANALYSISSESSION_H

#include "Configuration.h"
#include "WorkloadAnalyzer.h"
#include <memory>

namespace concur {

class DatabaseSummaryProvider;

class AnalysisSession {
public:
  /// Where a session's cross-unit facts come from.
  enum class FactsSource {
    /// Only the unit itself: calls into other units stay unresolved (the
    /// local summaries that linking folds together).
    None,
    /// The provider the front end gives (concur-advise's linker).
    Given,
    /// The summaries database the configuration names (SummaryFile, the
    /// `summaries` key of `.concur.yaml`), else `concur-summaries.db` in
    /// the working directory, which clang-tidy and clangd set to the
    /// compile command's: concur-advise's default next to
    /// compile_commands.json.
    Configured,
  };

  /// The session of the unit of \p Ctx, configured for its main file under
  /// \p Checks (resolveConfiguration()). \p Facts is used when \p Source is
  /// Given, and must outlive the session.
  AnalysisSession(clang::ASTContext &Ctx, const CheckOptionValues &Checks,
                  FactsSource Source, const SummaryProvider *Facts = nullptr);
  ~AnalysisSession();
  AnalysisSession(const AnalysisSession &) = delete;
  AnalysisSession &operator=(const AnalysisSession &) = delete;

  /// The main file's configuration; its problems are for the front end to
  /// report (the checks report them at the top of the file).
  const FileConfiguration &configuration() const { return Config; }
  const AnalysisOptions &options() const { return Config.Options; }
  const KnowledgeBase &knowledgeBase() const { return Config.knowledgeBase(); }
  WorkloadAnalyzer &analyzer() { return *Analyzer; }

private:
  FileConfiguration Config;
  /// The configured database, when the session opened one.
  std::shared_ptr<DatabaseSummaryProvider> Database;
  std::unique_ptr<WorkloadAnalyzer> Analyzer;
};

} // namespace concur

#endif // CONCUR_ANALYSIS_ANALYSISSESSION_H
