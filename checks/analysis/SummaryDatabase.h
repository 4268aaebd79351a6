//===--- SummaryDatabase.h - Per-function summaries in SQLite ---*- C++ -*-===//
//
// The summaries database links what each translation unit knows about its
// functions into facts about the whole program. concur-advise writes it; every
// front end (the clang-tidy plugin with the SummaryFile option or the
// `summaries` key of `.concur.yaml`, concur-clangd) reads it through
// DatabaseSummaryProvider, so a per-file run sees that the helper in b.cpp
// that a loop in a.cpp calls ends in `recv`.
//
// Layout (schema "concur-summaries", version SchemaVersion; see the .cpp):
//   meta       key/value: schema name, version, tool version
//   units      one row per analysed translation unit: its key (compile
//              command and configuration), status, error, the linked facts
//              it consulted, and its findings as a JSON array
//   deps       the files a unit read (main file and every header) with size,
//              modification time and content hash: the incremental key
//   functions  local summaries (callees in other units not yet folded in),
//              keyed by USR and unit
//   linked     one summary per USR with every external call folded in, and
//              a fingerprint of it
// Summaries are BLOBs in encodeSummary()'s binary form (Summary.h).
//
// Concurrency: WAL journal and a busy timeout, and every write is one
// IMMEDIATE transaction, so two processes on one file serialise their writes
// and readers never see a half-written unit. Writers open the file one at a
// time (an flock on FILE.lock), so creating, checking and rebuilding it
// never race. One SummaryDatabase object may
// be used from several threads (calls are serialised by a mutex).
//
// Bad files: a file that is not SQLite, a SQLite file of another schema or
// version, or a damaged one is reported as an error naming the file and the
// problem. Writers may instead ask for such a file to be rebuilt (OpenMode::
// RebuildIfInvalid); the open then says what was wrong in rebuildReason().
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_ANALYSIS_SUMMARYDATABASE_H
#define CONCUR_ANALYSIS_SUMMARYDATABASE_H

#include "Summary.h"
#include "WorkloadAnalyzer.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace concur {

/// A file a translation unit read, as it was when the unit was analysed.
struct FileStamp {
  std::string Path;
  uint64_t Size = 0;
  int64_t MTime = 0; ///< Nanoseconds since the epoch.
  std::string Hash;  ///< Hex content hash (see hashContent()).
};

/// A function's local summary as one translation unit computed it.
struct StoredFunction {
  FunctionSummary Summary;
  std::string Unit; ///< The main file of the unit that computed it.
  /// Defined in the unit's main file (not in a header it includes).
  bool InMainFile = true;
  /// Last line of the definition, to place findings in functions.
  unsigned EndLine = 0;
};

/// Everything stored about one translation unit.
struct UnitRecord {
  std::string File; ///< Absolute path of the main file: the unit's name.
  /// Hash of everything besides file contents that decides the result: the
  /// compile command, the enabled checks, their options and the tool.
  std::string Key;
  bool Failed = false;
  std::string Error; ///< Why the unit could not be analysed.
  std::vector<FileStamp> Deps;
  /// The linked summaries the unit's checks looked up, by USR, with the
  /// fingerprint each had then ("" when there was none).
  std::map<std::string, std::string> Lookups;
  /// The findings, as a JSON array in the front end's own form.
  std::string Findings = "[]";
  std::vector<StoredFunction> Functions;
};

/// A unit as listed without its functions.
struct UnitState {
  std::string File;
  std::string Key;
  bool Failed = false;
  std::string Error;
  std::vector<FileStamp> Deps;
  std::map<std::string, std::string> Lookups;
};

class SummaryDatabase {
public:
  static constexpr llvm::StringLiteral SchemaName = "concur-summaries";
  /// 2: summaries are stored in encodeSummary()'s binary form (1: JSON).
  /// 3: external calls say whether they are synchronised callbacks, and
  /// callbacks defined in other units are external calls.
  /// 4: summaries carry the parameters a function writes through.
  static constexpr int SchemaVersion = 4;

  enum class OpenMode {
    ReadOnly,        ///< Must exist and be valid.
    ReadWrite,       ///< Created when missing; must be valid otherwise.
    RebuildIfInvalid ///< Like ReadWrite, but a bad file is replaced.
  };

  static llvm::Expected<std::unique_ptr<SummaryDatabase>>
  open(llvm::StringRef Path, OpenMode Mode);
  ~SummaryDatabase();

  const std::string &path() const { return Path; }
  /// Why the file was rebuilt on open (empty when it was not).
  const std::string &rebuildReason() const { return RebuildReason; }

  // --- units ---
  /// Every unit; with \p WithDeps false, without the files each read (Deps
  /// left empty), which is much cheaper; with \p WithLookups false, without
  /// what its checks looked up (Lookups left empty).
  llvm::Expected<std::vector<UnitState>> units(bool WithDeps = true,
                                               bool WithLookups = true);
  /// Replaces everything stored for R.File in one transaction.
  llvm::Error storeUnit(const UnitRecord &R);
  /// Replaces only the findings and lookups of a unit (a re-check after
  /// linking changed facts it consulted).
  llvm::Error updateFindings(llvm::StringRef File,
                             const std::map<std::string, std::string> &Lookups,
                             llvm::StringRef Findings);
  llvm::Error removeUnit(llvm::StringRef File);
  /// Findings JSON of every unit, by main file.
  llvm::Expected<std::map<std::string, std::string>> findings();

  // --- summaries ---
  /// Every local summary; with \p WithSummaries false, only where each
  /// function is (Summary holds just its USR), which is much cheaper.
  llvm::Expected<std::vector<StoredFunction>>
  localFunctions(bool WithSummaries = true);
  /// Replaces the linked summaries (one transaction). \p Generation is
  /// localGeneration() as read before the local summaries they come from.
  llvm::Error storeLinked(llvm::ArrayRef<FunctionSummary> Linked,
                          llvm::StringRef Generation = "");
  /// Changes whenever local summaries are stored, removed or merged in.
  llvm::Expected<std::string> localGeneration();
  /// Whether the linked summaries were computed from the local summaries
  /// as they are now (so an unchanged tree need not be linked again).
  llvm::Expected<bool> linkIsCurrent();
  /// How many linked summaries there are.
  llvm::Expected<unsigned> linkedCount();
  /// The linked summary of \p USR, if any.
  llvm::Expected<std::optional<FunctionSummary>> linked(llvm::StringRef USR);
  /// The linked summaries in USR order; with \p Wanted, only those whose USR
  /// it accepts are decoded and returned.
  llvm::Expected<std::vector<FunctionSummary>>
  allLinked(llvm::function_ref<bool(llvm::StringRef USR)> Wanted = nullptr);
  /// SQLite's data_version: differs between two calls when another
  /// connection committed in between.
  llvm::Expected<int64_t> dataVersion();
  /// Fingerprints of all linked summaries, by USR.
  llvm::Expected<llvm::StringMap<std::string>> linkedFingerprints();

  /// Copies every unit of \p Other into this database (a unit present in
  /// both is taken from \p Other). Linked summaries are not copied: link
  /// again after merging.
  llvm::Error mergeFrom(llvm::StringRef OtherPath);

  /// Runs SQLite's integrity check.
  llvm::Error checkIntegrity();

private:
  SummaryDatabase(std::string Path, sqlite3 *Db) : Path(std::move(Path)), Db(Db) {}
  llvm::Error exec(llvm::StringRef Sql);
  llvm::Error error(llvm::StringRef What) const;
  llvm::Error validate();
  llvm::Error createSchema();

  std::string Path;
  sqlite3 *Db = nullptr;
  std::string RebuildReason;
  std::mutex Mutex;
};

/// The hex content hash used for dependencies and fingerprints.
std::string hashContent(llvm::StringRef Data);

/// The stable fingerprint of a linked summary.
std::string fingerprint(const FunctionSummary &S);

/// Folds each summary's calls into other units into it, bottom-up over the
/// whole program's call graph; a recursive group of functions (within or
/// across units) is folded by the analyzer's own foldComponent()
/// (ComponentFold.h), so a recursion split across files comes out as it
/// does in one. The result is the fixed point of "a summary includes its
/// callees' summaries".
/// \p OptionsFor gives the thresholds that classify a function (from the
/// `.concur.yaml` that applies to its file).
std::vector<FunctionSummary>
linkSummaries(llvm::ArrayRef<StoredFunction> Local,
              llvm::function_ref<AnalysisOptions(const FunctionSummary &)>
                  OptionsFor);

/// A SummaryProvider that also gives the fingerprint of each answer, so a
/// front end can tell later whether the facts a result used have changed.
class FingerprintingSummaryProvider : public SummaryProvider {
public:
  struct Answer {
    const FunctionSummary *Summary = nullptr;
    std::string Fingerprint; ///< "" when there is no summary.
  };
  /// The summary of \p USR with its fingerprint, taken together: a provider
  /// whose answers change over time gives both from the same state.
  virtual Answer answer(llvm::StringRef USR) const = 0;
  const FunctionSummary *lookup(llvm::StringRef USR) const override {
    return answer(USR).Summary;
  }
};

/// A SummaryProvider over a database's linked summaries; lookups are cached.
/// Thread-safe.
class DatabaseSummaryProvider : public FingerprintingSummaryProvider {
public:
  explicit DatabaseSummaryProvider(std::unique_ptr<SummaryDatabase> Db)
      : Db(std::move(Db)) {}
  /// Opens \p Path read-only.
  static llvm::Expected<std::unique_ptr<DatabaseSummaryProvider>>
  open(llvm::StringRef Path);

  Answer answer(llvm::StringRef USR) const override;
  SummaryDatabase &database() const { return *Db; }

  /// A provider per database file shared by the whole process (the plugin's
  /// checks in every translation unit, clangd's open files). Opened anew when
  /// the file was replaced or another process committed to it since (a
  /// re-run of concur-advise), so a long-lived clangd sees fresh facts; errors
  /// are not cached.
  static llvm::Expected<std::shared_ptr<DatabaseSummaryProvider>>
  shared(llvm::StringRef Path);

private:
  struct Entry {
    std::unique_ptr<FunctionSummary> Summary;
    std::string Fingerprint;
  };
  const Entry &entry(llvm::StringRef USR) const;

  std::unique_ptr<SummaryDatabase> Db;
  mutable std::mutex Mutex;
  mutable llvm::StringMap<Entry> Cache;
};

/// Links on demand the local summaries of the units added so far: a look-up
/// links the callee with everything it calls among them. In a cold run of
/// a whole project this gives each unit the facts of the units analysed
/// before it; when those already hold the callee's whole call closure, the
/// answer is what the final link gives, and the unit need not be checked
/// again. Answers, once given, stay valid for the linker's lifetime.
/// Thread-safe.
class IncrementalLinker : public FingerprintingSummaryProvider {
public:
  using OptionsFunction =
      std::function<AnalysisOptions(const FunctionSummary &)>;
  /// \p OptionsFor as for linkSummaries(); it is called under a lock.
  explicit IncrementalLinker(OptionsFunction OptionsFor);
  ~IncrementalLinker() override;
  /// Adds the local summaries of \p Unit, replacing those it had.
  void addUnit(llvm::StringRef Unit, std::vector<StoredFunction> Functions);
  Answer answer(llvm::StringRef USR) const override;

private:
  struct Linked {
    std::unique_ptr<FunctionSummary> Summary;
    std::string Fingerprint;
    /// Callees that had no summary when this was linked: it is out of date
    /// once one of them has.
    std::shared_ptr<const std::vector<std::string>> Missing;
  };
  bool current(const Linked &L) const;
  /// Makes \p F the definition of its USR if it is preferred; returns the
  /// one it replaced, if any.
  const StoredFunction *choose(const StoredFunction &F);
  /// Drops every memoised answer (those given stay readable).
  void retireAnswers();

  OptionsFunction OptionsFor;
  mutable std::mutex Mutex;
  std::map<std::string, std::vector<StoredFunction>> Units;
  /// The local summary the whole-program link would use for each USR.
  llvm::StringMap<const StoredFunction *> Chosen;
  mutable llvm::StringMap<Linked> Memo;
  /// Summaries replaced in Memo, kept because answers point to them.
  mutable std::vector<std::unique_ptr<FunctionSummary>> Retired;
};

/// Wraps a provider and records each USR looked up with the fingerprint of
/// the answer, so a front end knows which cross-unit facts a result used.
/// The first answer for a USR is kept: one unit sees one version of a fact.
class RecordingSummaryProvider : public SummaryProvider {
public:
  explicit RecordingSummaryProvider(const FingerprintingSummaryProvider *Inner)
      : Inner(Inner) {}
  const FunctionSummary *lookup(llvm::StringRef USR) const override;
  std::map<std::string, std::string> takeLookups() const;

private:
  const FingerprintingSummaryProvider *Inner;
  mutable std::mutex Mutex;
  mutable std::map<std::string, FingerprintingSummaryProvider::Answer> Seen;
};

} // namespace concur

#endif // CONCUR_ANALYSIS_SUMMARYDATABASE_H
