//===--- UnitCache.h - concur-advise's incremental state --------*- C++ -*-===//
//
// What concur-advise keeps between runs in the summaries database, beside
// the linked summaries every front end reads (SummaryDatabase.h, which
// defines the file's schema): each unit's key, the files it read, its local
// summaries, what its checks looked up and its findings. Only concur-advise
// writes the file.
//
// Writers open the file one at a time (an flock on FILE.lock), so creating,
// checking and rebuilding it never race. A writer may ask for a bad file to
// be rebuilt (OpenMode::RebuildIfInvalid); the open then says what was wrong
// in rebuildReason().
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_TOOL_ADVISE_UNITCACHE_H
#define CONCUR_TOOL_ADVISE_UNITCACHE_H

#include "SummaryLinker.h"

namespace concur::advise {

/// A file a translation unit read, as it was when the unit was analysed.
struct FileStamp {
  std::string Path;
  uint64_t Size = 0;
  int64_t MTime = 0; ///< Nanoseconds since the epoch.
  std::string Hash;  ///< Hex content hash (see hashContent()).
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

/// Where a database's units come from, as its metadata records it. Fields
/// are empty (0) when not recorded, as in files written by older versions.
struct Provenance {
  /// projectIdentity() of the compilation database the units come from.
  std::string Project;
  /// The analysis version (analysisVersion()) that wrote the units.
  std::string Version;
  /// --shard I/N of the run that wrote the file; 0/0 without.
  unsigned ShardIndex = 0, ShardCount = 0;
  /// Written by --recheck-into: only findings of units re-checked against
  /// another database, whose factsIdentity() is Facts.
  bool FindingsOnly = false;
  std::string Facts;
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

/// Removes a database file with its journal files (WAL, shared memory).
void removeDatabaseFiles(llvm::StringRef Path);

class UnitCache : public SummaryDatabase {
public:
  enum class OpenMode {
    ReadOnly,        ///< Must exist and be valid.
    ReadWrite,       ///< Created when missing; must be valid otherwise.
    RebuildIfInvalid ///< Like ReadWrite, but a bad file is replaced.
  };

  static llvm::Expected<std::unique_ptr<UnitCache>> open(llvm::StringRef Path,
                                                         OpenMode Mode);

  /// Why the file was rebuilt on open (empty when it was not).
  const std::string &rebuildReason() const { return RebuildReason; }

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

  /// Copies every unit of \p Other into this database (a unit present in
  /// both is taken from \p Other). Linked summaries are not copied: link
  /// again after merging.
  llvm::Error mergeFrom(llvm::StringRef OtherPath);

  /// What the metadata says about where the units come from.
  llvm::Expected<Provenance> provenance();
  /// Records \p P in the metadata (empty fields are removed).
  llvm::Error setProvenance(const Provenance &P);

  /// Writes a compact copy of the whole file to \p Path, which must not
  /// exist (SQLite's VACUUM INTO).
  llvm::Error copyTo(llvm::StringRef Path);

  /// Runs SQLite's integrity check.
  llvm::Error checkIntegrity();

private:
  using SummaryDatabase::SummaryDatabase;
  llvm::Error createSchema();

  std::string RebuildReason;
};

} // namespace concur::advise

#endif // CONCUR_TOOL_ADVISE_UNITCACHE_H
