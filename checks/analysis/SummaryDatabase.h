//===--- SummaryDatabase.h - Linked summaries in SQLite ---------*- C++ -*-===//
//
// The summaries database links what each translation unit knows about its
// functions into facts about the whole program. concur-advise writes it (its
// unit cache, tool/advise/UnitCache.h); every front end (the clang-tidy
// plugin with the SummaryFile option or the `summaries` key of
// `.concur.yaml`, concur-clangd) reads its linked summaries through
// DatabaseSummaryProvider, so a per-file run sees that the helper in b.cpp
// that a loop in a.cpp calls ends in `recv`. This is the part every front
// end needs: the file's schema, opening and validating it, and reading
// linked summaries.
//
// Layout (schema "concur-summaries", version SchemaVersion; the tables are
// defined once, by SchemaSql in the .cpp):
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
// and readers never see a half-written unit. One SummaryDatabase object may
// be used from several threads (calls are serialised by a mutex).
//
// Bad files: a file that is not SQLite, a SQLite file of another schema or
// version, or a damaged one is reported as an error naming the file and the
// problem.
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_ANALYSIS_SUMMARYDATABASE_H
#define CONCUR_ANALYSIS_SUMMARYDATABASE_H

#include "Summary.h"
#include "WorkloadAnalyzer.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace concur {

/// A summaries database opened to read its linked summaries. concur-advise's
/// unit cache derives from it to read and write the rest.
class SummaryDatabase {
public:
  static constexpr llvm::StringLiteral SchemaName = "concur-summaries";
  /// 2: summaries are stored in encodeSummary()'s binary form (1: JSON).
  /// 3: external calls say whether they are synchronised callbacks, and
  /// callbacks defined in other units are external calls.
  /// 5: summaries say whether the function takes or releases a lock for
  /// its caller (a lock wrapper), whether it is a log sink, and which
  /// parameters it writes through.
  /// 6: work and blocking are growths in the unknown size (Growth.h), and
  /// calls into other units say how often they are made as one.
  /// 7: effects say how deep the code waits for events (an event loop's
  /// epoll_wait, poll or select), itself or in a callee.
  static constexpr int SchemaVersion = 7;
  /// The tables of a new database, as SQL (see the layout above).
  static const char *const SchemaSql;

  /// Opens \p Path read-only; it must exist and be valid.
  static llvm::Expected<std::unique_ptr<SummaryDatabase>>
  open(llvm::StringRef Path);
  virtual ~SummaryDatabase();

  const std::string &path() const { return Path; }

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

protected:
  explicit SummaryDatabase(std::string Path) : Path(std::move(Path)) {}
  /// Whether \p Path can be opened at all: not a directory, and present
  /// when \p MustExist.
  static llvm::Error checkPath(llvm::StringRef Path, bool MustExist);
  /// Opens the connection, read-only or read-write (creating the file).
  llvm::Error connect(bool Writable);
  llvm::Error exec(llvm::StringRef Sql);
  llvm::Error error(llvm::StringRef What) const;
  /// Checks that the file is a summaries database of SchemaVersion.
  llvm::Error validate();
  /// Decodes a stored summary; \p Where names the file in errors.
  static llvm::Expected<FunctionSummary> summaryFromBlob(llvm::StringRef Bytes,
                                                         llvm::StringRef Where);

  std::string Path;
  sqlite3 *Db = nullptr;
  std::mutex Mutex;
};

/// The hex content hash used for dependencies and fingerprints.
std::string hashContent(llvm::StringRef Data);

/// The stable fingerprint of a linked summary.
std::string fingerprint(const FunctionSummary &S);

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
