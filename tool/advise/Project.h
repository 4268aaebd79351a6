//===--- Project.h - Whole-program runs over a summaries database -*- C++
//-*-===//
//
// Decides which translation units need parsing, runs them in parallel,
// links the summaries and re-checks the units whose cross-unit facts
// changed. See the design notes at the top of ConcurAdvise.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_TOOL_ADVISE_PROJECT_H
#define CONCUR_TOOL_ADVISE_PROJECT_H

#include "Progress.h"
#include "UnitRunner.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "llvm/Support/raw_ostream.h"

namespace concur::advise {

struct ProjectOptions {
  const clang::tooling::CompilationDatabase *Compilations = nullptr;
  /// The units to analyse (absolute main files), already filtered.
  std::vector<std::string> Units;
  unsigned Jobs = 0;
  TidySettings Tidy;
  ProgressMode Progress = ProgressMode::Auto;
  /// Remove units that are not in Units from the database (a full run).
  bool Prune = false;
  /// Units are kept parsed after their first checks, for a re-check without
  /// parsing, while the process holds fewer bytes than this (0: never).
  size_t KeptBudget = 0;
  /// Re-check only (the second phase of a sharded run): parse nothing,
  /// re-check the units whose facts changed in the (merged, linked)
  /// database, which is only read, and store their outcomes here.
  UnitCache *RecheckInto = nullptr;
};

/// \p Path made absolute against the working directory, without `.` and
/// `..`: the form in which units and databases are compared.
std::string absolutePath(llvm::StringRef Path);

/// The default KeptBudget: a quarter of the memory, at most 1.5 GiB (a CI
/// runner has 7 GB, and the memory a kept unit saves is a parse's time).
size_t defaultKeptBudget();

struct ProjectStats {
  unsigned Units = 0;
  /// Units parsed because they were new or changed.
  std::vector<std::string> Parsed;
  /// Units checked again because facts they used changed after linking.
  std::vector<std::string> Rechecked;
  /// How many of them were checked on the AST kept from their first parse;
  /// the others were parsed again.
  unsigned RecheckedKept = 0;
  unsigned Functions = 0;
  /// Wall-clock seconds of each phase: parsing the changed units (with the
  /// re-checks of kept units), linking (which overlaps those re-checks),
  /// re-checking the units parsed again.
  double AnalyseSeconds = 0, LinkSeconds = 0, RecheckSeconds = 0;
};

/// The version of the analysis, part of every unit's key: results stored by
/// another version are not reused.
llvm::StringRef analysisVersion();

/// Identifies a project by its units (absolute main files, sorted): shards
/// of one compilation database have the same.
std::string projectIdentity(llvm::ArrayRef<std::string> Units);

/// Identifies the linked summaries of \p Db (all of their fingerprints):
/// findings re-checked against them are valid in any database that has the
/// same.
llvm::Expected<std::string> factsIdentity(SummaryDatabase &Db);

/// Whether \p File is compiled as C or C++ by its compile commands (an
/// explicit `-x`, else its extension). Databases of real projects also list
/// assembly and other languages, which the analysis does not read.
bool isCOrCxxUnit(const clang::tooling::CompilationDatabase &Compilations,
                  llvm::StringRef File);

/// The key of everything besides file contents that decides a unit's
/// result.
std::string unitKey(const clang::tooling::CompilationDatabase &Compilations,
                    llvm::StringRef File, const TidySettings &Tidy);

/// Thresholds for classifying the functions of \p File when linking: what
/// resolveConfiguration() gives with \p CheckOptions, as for the summaries.
AnalysisOptions optionsForFile(llvm::StringRef File,
                               const ::concur::CheckOptionValues &CheckOptions);

/// Links all local summaries in \p Db and stores the result; \p Tidy gives
/// the check options of each file.
llvm::Error linkDatabase(UnitCache &Db, const TidySettings &Tidy,
                         unsigned *Functions = nullptr);

/// The units whose recorded lookups disagree with the linked summaries.
llvm::Expected<std::vector<std::string>>
staleFindings(UnitCache &Db, llvm::ArrayRef<std::string> Units);

/// Brings \p Db up to date for \p Opts.Units.
llvm::Expected<ProjectStats> analyseProject(const ProjectOptions &Opts,
                                            UnitCache &Db);

} // namespace concur::advise

#endif // CONCUR_TOOL_ADVISE_PROJECT_H
