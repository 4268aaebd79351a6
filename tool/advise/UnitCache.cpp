//===--- UnitCache.cpp - concur-advise's incremental state ----------------===//

#include "UnitCache.h"
#include "SqliteStatement.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

using namespace llvm;

namespace concur::advise {

namespace {

std::string lookupsToJson(const std::map<std::string, std::string> &Lookups) {
  json::Object O;
  for (const auto &[USR, Fingerprint] : Lookups)
    O[USR] = Fingerprint;
  std::string Out;
  raw_string_ostream(Out) << json::Value(std::move(O));
  return Out;
}

std::map<std::string, std::string> lookupsFromJson(StringRef Text) {
  std::map<std::string, std::string> Out;
  Expected<json::Value> V = json::parse(Text);
  if (!V) {
    consumeError(V.takeError());
    return Out;
  }
  if (const json::Object *O = V->getAsObject())
    for (const auto &[Key, Value] : *O)
      if (std::optional<StringRef> S = Value.getAsString())
        Out[Key.str()] = S->str();
  return Out;
}

/// An exclusive advisory lock (flock) on a side file, held while in scope.
class OpenLock {
public:
  static Expected<OpenLock> acquire(const std::string &Path) {
    int Fd = ::open(Path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (Fd < 0)
      return createStringError(std::error_code(errno, std::generic_category()),
                               "cannot create the lock file '%s': %s",
                               Path.c_str(), std::strerror(errno));
    OpenLock Lock(Fd);
    while (::flock(Fd, LOCK_EX) != 0)
      if (errno != EINTR)
        return createStringError(
            std::error_code(errno, std::generic_category()),
            "cannot lock '%s': %s", Path.c_str(), std::strerror(errno));
    return Lock;
  }
  OpenLock(OpenLock &&Other) : Fd(std::exchange(Other.Fd, -1)) {}
  OpenLock &operator=(OpenLock &&) = delete;
  ~OpenLock() {
    if (Fd >= 0)
      ::close(Fd); // Releases the lock.
  }

private:
  explicit OpenLock(int Fd) : Fd(Fd) {}
  int Fd;
};

} // namespace

void removeDatabaseFiles(StringRef Path) {
  for (StringRef Suffix : {"", "-wal", "-shm", "-journal"})
    sys::fs::remove(Path.str() + Suffix.str());
}

//===----------------------------------------------------------------------===//
// Opening
//===----------------------------------------------------------------------===//

Error UnitCache::createSchema() {
  if (Error E = exec("BEGIN IMMEDIATE")) {
    // validate() says better what is wrong with a file that is not SQLite.
    if (sqlite3_errcode(Db) == SQLITE_NOTADB) {
      consumeError(std::move(E));
      return validate();
    }
    return E;
  }
  // The count is read inside the write transaction: a schema that another
  // process is creating is either seen whole or waited for, never half.
  SqliteStatement Count(Db, "SELECT count(*) FROM sqlite_master");
  if (!Count.ok() || Count.step() != SQLITE_ROW) {
    (void)exec("ROLLBACK");
    return error("cannot read the schema");
  }
  if (Count.integer(0) == 0) {
    std::string Meta =
        formatv("INSERT INTO meta VALUES('schema', '{0}'), ('version', '{1}');",
                SchemaName, SchemaVersion)
            .str();
    if (Error E = exec(std::string(SchemaSql) + Meta)) {
      (void)exec("ROLLBACK");
      return E;
    }
  }
  return exec("COMMIT");
}

Expected<std::unique_ptr<UnitCache>> UnitCache::open(StringRef Path,
                                                     OpenMode Mode) {
  if (Error E = checkPath(Path, /*MustExist=*/Mode == OpenMode::ReadOnly))
    return E;

  auto OpenOnce = [&]() -> Expected<std::unique_ptr<UnitCache>> {
    std::unique_ptr<UnitCache> Db(new UnitCache(Path.str()));
    if (Error E = Db->connect(/*Writable=*/Mode != OpenMode::ReadOnly))
      return E;
    if (Mode != OpenMode::ReadOnly) {
      // Fails on a file that is not a database; validate() says so.
      (void)Db->exec("PRAGMA journal_mode=WAL");
      (void)Db->exec("PRAGMA synchronous=NORMAL");
      if (Error E = Db->createSchema())
        return E;
    }
    if (Error E = Db->validate())
      return E;
    return Db;
  };

  // Writers open one at a time: a writer that finds the file invalid removes
  // it, which must not happen to a file that another writer is creating.
  std::optional<OpenLock> Lock;
  if (Mode != OpenMode::ReadOnly) {
    Expected<OpenLock> Locked = OpenLock::acquire(Path.str() + ".lock");
    if (!Locked)
      return Locked.takeError();
    Lock.emplace(std::move(*Locked));
  }
  Expected<std::unique_ptr<UnitCache>> Db = OpenOnce();
  if (Db || Mode != OpenMode::RebuildIfInvalid)
    return Db;
  std::string Reason = toString(Db.takeError());
  removeDatabaseFiles(Path);
  Db = OpenOnce();
  if (Db)
    (*Db)->RebuildReason = std::move(Reason);
  return Db;
}

Error UnitCache::checkIntegrity() {
  std::lock_guard<std::mutex> Lock(Mutex);
  SqliteStatement Check(Db, "PRAGMA integrity_check");
  if (!Check.ok() || Check.step() != SQLITE_ROW)
    return error("integrity check failed");
  if (Check.text(0) != "ok")
    return createStringError(inconvertibleErrorCode(),
                             "summaries database '%s' is damaged: %s",
                             Path.c_str(), Check.text(0).c_str());
  return Error::success();
}

//===----------------------------------------------------------------------===//
// Units
//===----------------------------------------------------------------------===//

Expected<std::vector<UnitState>> UnitCache::units(bool WithDeps,
                                                  bool WithLookups) {
  std::lock_guard<std::mutex> Lock(Mutex);
  std::vector<UnitState> Out;
  std::map<std::string, size_t> Index;
  {
    SqliteStatement Units(Db, "SELECT file, key, failed, error, lookups "
                              "FROM units ORDER BY file");
    if (!Units.ok())
      return error("cannot read units");
    int Rc;
    while ((Rc = Units.step()) == SQLITE_ROW) {
      UnitState U;
      U.File = Units.text(0);
      U.Key = Units.text(1);
      U.Failed = Units.integer(2) != 0;
      U.Error = Units.text(3);
      if (WithLookups)
        U.Lookups = lookupsFromJson(Units.text(4));
      Index[U.File] = Out.size();
      Out.push_back(std::move(U));
    }
    if (Rc != SQLITE_DONE)
      return error("cannot read units");
  }
  if (!WithDeps)
    return Out;
  SqliteStatement Deps(Db, "SELECT unit, path, size, mtime, hash FROM deps "
                           "ORDER BY unit, path");
  if (!Deps.ok())
    return error("cannot read dependencies");
  int Rc;
  while ((Rc = Deps.step()) == SQLITE_ROW) {
    auto It = Index.find(Deps.text(0));
    if (It == Index.end())
      continue;
    Out[It->second].Deps.push_back({Deps.text(1), uint64_t(Deps.integer(2)),
                                    Deps.integer(3), Deps.text(4)});
  }
  if (Rc != SQLITE_DONE)
    return error("cannot read dependencies");
  return Out;
}

/// Run inside each transaction that changes local summaries: a link that
/// read an older generation is not current any more.
static constexpr const char *BumpGeneration =
    "INSERT OR REPLACE INTO meta VALUES('generation', "
    "COALESCE((SELECT CAST(value AS INTEGER) FROM meta "
    "WHERE key = 'generation'), 0) + 1);";

Error UnitCache::storeUnit(const UnitRecord &R) {
  std::lock_guard<std::mutex> Lock(Mutex);
  if (Error E = exec("BEGIN IMMEDIATE"))
    return E;
  auto Fail = [&](StringRef What) {
    Error E = error(What);
    (void)exec("ROLLBACK");
    return E;
  };
  if (Error E = exec(BumpGeneration)) {
    (void)exec("ROLLBACK");
    return E;
  }
  for (StringRef Table :
       {"units WHERE file", "deps WHERE unit", "functions WHERE unit"}) {
    SqliteStatement Delete(Db, ("DELETE FROM " + Table + " = ?1").str());
    Delete.bind(1, R.File);
    if (!Delete.ok() || Delete.step() != SQLITE_DONE)
      return Fail("cannot replace a unit");
  }
  {
    SqliteStatement Insert(Db,
                           "INSERT INTO units VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
    Insert.bind(1, R.File);
    Insert.bind(2, R.Key);
    Insert.bind(3, int64_t(R.Failed));
    Insert.bind(4, R.Error);
    Insert.bind(5, lookupsToJson(R.Lookups));
    Insert.bind(6, R.Findings);
    if (!Insert.ok() || Insert.step() != SQLITE_DONE)
      return Fail("cannot store a unit");
  }
  {
    SqliteStatement Insert(
        Db, "INSERT OR REPLACE INTO deps VALUES(?1, ?2, ?3, ?4, ?5)");
    for (const FileStamp &D : R.Deps) {
      Insert.reset();
      Insert.bind(1, R.File);
      Insert.bind(2, D.Path);
      Insert.bind(3, int64_t(D.Size));
      Insert.bind(4, D.MTime);
      Insert.bind(5, D.Hash);
      if (!Insert.ok() || Insert.step() != SQLITE_DONE)
        return Fail("cannot store dependencies");
    }
  }
  {
    SqliteStatement Insert(
        Db, "INSERT OR REPLACE INTO functions VALUES(?1, ?2, ?3, ?4, ?5)");
    for (const StoredFunction &F : R.Functions) {
      Insert.reset();
      Insert.bind(1, F.Summary.USR);
      Insert.bind(2, R.File);
      Insert.bind(3, int64_t(F.InMainFile));
      Insert.bind(4, int64_t(F.EndLine));
      Insert.bindBlob(5, encodeSummary(F.Summary));
      if (!Insert.ok() || Insert.step() != SQLITE_DONE)
        return Fail("cannot store summaries");
    }
  }
  return exec("COMMIT");
}

Error UnitCache::updateFindings(
    StringRef File, const std::map<std::string, std::string> &Lookups,
    StringRef Findings) {
  std::lock_guard<std::mutex> Lock(Mutex);
  SqliteStatement Update(
      Db, "UPDATE units SET lookups = ?2, findings = ?3 WHERE file = ?1");
  Update.bind(1, File);
  Update.bind(2, lookupsToJson(Lookups));
  Update.bind(3, Findings);
  if (!Update.ok() || Update.step() != SQLITE_DONE)
    return error("cannot store findings");
  return Error::success();
}

Error UnitCache::removeUnit(StringRef File) {
  UnitRecord Empty;
  Empty.File = File.str();
  if (Error E = storeUnit(Empty))
    return E;
  std::lock_guard<std::mutex> Lock(Mutex);
  SqliteStatement Delete(Db, "DELETE FROM units WHERE file = ?1");
  Delete.bind(1, File);
  if (!Delete.ok() || Delete.step() != SQLITE_DONE)
    return error("cannot remove a unit");
  return Error::success();
}

Expected<std::map<std::string, std::string>> UnitCache::findings() {
  std::lock_guard<std::mutex> Lock(Mutex);
  std::map<std::string, std::string> Out;
  SqliteStatement Select(Db, "SELECT file, findings FROM units ORDER BY file");
  if (!Select.ok())
    return error("cannot read findings");
  int Rc;
  while ((Rc = Select.step()) == SQLITE_ROW)
    Out[Select.text(0)] = Select.text(1);
  if (Rc != SQLITE_DONE)
    return error("cannot read findings");
  return Out;
}

//===----------------------------------------------------------------------===//
// Summaries
//===----------------------------------------------------------------------===//

Expected<std::vector<StoredFunction>>
UnitCache::localFunctions(bool WithSummaries) {
  std::lock_guard<std::mutex> Lock(Mutex);
  std::vector<StoredFunction> Out;
  SqliteStatement Select(
      Db, WithSummaries ? "SELECT unit, in_main, end_line, summary FROM "
                          "functions ORDER BY usr, unit"
                        : "SELECT unit, in_main, end_line, usr FROM "
                          "functions ORDER BY usr, unit");
  if (!Select.ok())
    return error("cannot read summaries");
  int Rc;
  while ((Rc = Select.step()) == SQLITE_ROW) {
    StoredFunction F;
    if (WithSummaries) {
      Expected<FunctionSummary> S = summaryFromBlob(Select.blob(3), Path);
      if (!S)
        return S.takeError();
      F.Summary = std::move(*S);
    } else {
      F.Summary.USR = Select.text(3);
    }
    F.Unit = Select.text(0);
    F.InMainFile = Select.integer(1) != 0;
    F.EndLine = unsigned(Select.integer(2));
    Out.push_back(std::move(F));
  }
  if (Rc != SQLITE_DONE)
    return error("cannot read summaries");
  return Out;
}

Error UnitCache::storeLinked(ArrayRef<FunctionSummary> Linked,
                             StringRef Generation) {
  std::lock_guard<std::mutex> Lock(Mutex);
  if (Error E = exec("BEGIN IMMEDIATE; DELETE FROM linked;"))
    return E;
  {
    SqliteStatement Mark(Db, "INSERT OR REPLACE INTO meta "
                             "VALUES('linked-generation', ?1)");
    Mark.bind(1, Generation);
    if (!Mark.ok() || Mark.step() != SQLITE_DONE) {
      Error E = error("cannot store linked summaries");
      (void)exec("ROLLBACK");
      return E;
    }
  }
  SqliteStatement Insert(Db,
                         "INSERT OR REPLACE INTO linked VALUES(?1, ?2, ?3)");
  for (const FunctionSummary &S : Linked) {
    std::string Bytes = encodeSummary(S);
    Insert.reset();
    Insert.bind(1, S.USR);
    Insert.bind(2, hashContent(Bytes));
    Insert.bindBlob(3, Bytes);
    if (!Insert.ok() || Insert.step() != SQLITE_DONE) {
      Error E = error("cannot store linked summaries");
      (void)exec("ROLLBACK");
      return E;
    }
  }
  return exec("COMMIT");
}

Expected<std::string> UnitCache::localGeneration() {
  std::lock_guard<std::mutex> Lock(Mutex);
  SqliteStatement Select(Db, "SELECT value FROM meta WHERE key = 'generation'");
  if (!Select.ok())
    return error("cannot read its metadata");
  int Rc = Select.step();
  if (Rc == SQLITE_DONE)
    return std::string("0");
  if (Rc != SQLITE_ROW)
    return error("cannot read its metadata");
  return Select.text(0);
}

Expected<bool> UnitCache::linkIsCurrent() {
  Expected<std::string> Now = localGeneration();
  if (!Now)
    return Now.takeError();
  std::lock_guard<std::mutex> Lock(Mutex);
  SqliteStatement Select(
      Db, "SELECT value FROM meta WHERE key = 'linked-generation'");
  if (!Select.ok())
    return error("cannot read its metadata");
  int Rc = Select.step();
  if (Rc == SQLITE_DONE)
    return false;
  if (Rc != SQLITE_ROW)
    return error("cannot read its metadata");
  return Select.text(0) == *Now;
}

Error UnitCache::mergeFrom(StringRef OtherPath) {
  // Validate the other file with the same rules before attaching it.
  Expected<std::unique_ptr<UnitCache>> Other =
      open(OtherPath, OpenMode::ReadOnly);
  if (!Other)
    return Other.takeError();
  Other->reset();
  std::lock_guard<std::mutex> Lock(Mutex);
  SqliteStatement Attach(Db, "ATTACH DATABASE ?1 AS other");
  Attach.bind(1, OtherPath);
  if (!Attach.ok() || Attach.step() != SQLITE_DONE)
    return error("cannot attach '" + OtherPath.str() + "'");
  Error E =
      exec("BEGIN IMMEDIATE;"
           "DELETE FROM units WHERE file IN (SELECT file FROM other.units);"
           "DELETE FROM deps WHERE unit IN (SELECT file FROM other.units);"
           "DELETE FROM functions WHERE unit IN (SELECT file FROM other.units);"
           "INSERT INTO units SELECT * FROM other.units;"
           "INSERT INTO deps SELECT * FROM other.deps;"
           "INSERT INTO functions SELECT * FROM other.functions;" +
           std::string(BumpGeneration) + "COMMIT;");
  if (E)
    (void)exec("ROLLBACK");
  Error Detach = exec("DETACH DATABASE other");
  if (E)
    return joinErrors(std::move(E), std::move(Detach));
  return Detach;
}

//===----------------------------------------------------------------------===//
// Provenance
//===----------------------------------------------------------------------===//

Expected<Provenance> UnitCache::provenance() {
  std::lock_guard<std::mutex> Lock(Mutex);
  SqliteStatement Select(Db, "SELECT key, value FROM meta");
  if (!Select.ok())
    return error("cannot read its metadata");
  Provenance P;
  int Rc;
  while ((Rc = Select.step()) == SQLITE_ROW) {
    std::string Key = Select.text(0), Value = Select.text(1);
    if (Key == "project")
      P.Project = Value;
    else if (Key == "analysis-version")
      P.Version = Value;
    else if (Key == "facts")
      P.Facts = Value;
    else if (Key == "content")
      P.FindingsOnly = Value == "findings";
    else if (Key == "shard") {
      auto [I, N] = StringRef(Value).split('/');
      if (I.getAsInteger(10, P.ShardIndex) || N.getAsInteger(10, P.ShardCount))
        P.ShardIndex = P.ShardCount = 0;
    }
  }
  if (Rc != SQLITE_DONE)
    return error("cannot read its metadata");
  return P;
}

Error UnitCache::setProvenance(const Provenance &P) {
  std::string Shard =
      P.ShardCount ? formatv("{0}/{1}", P.ShardIndex, P.ShardCount).str() : "";
  std::pair<StringRef, std::string> Values[] = {
      {"project", P.Project},
      {"analysis-version", P.Version},
      {"shard", Shard},
      {"content", P.FindingsOnly ? "findings" : ""},
      {"facts", P.Facts}};
  std::lock_guard<std::mutex> Lock(Mutex);
  if (Error E = exec("BEGIN IMMEDIATE"))
    return E;
  for (const auto &[Key, Value] : Values) {
    SqliteStatement Set(Db, Value.empty()
                                ? "DELETE FROM meta WHERE key = ?1"
                                : "INSERT OR REPLACE INTO meta VALUES(?1, ?2)");
    Set.bind(1, Key);
    if (!Value.empty())
      Set.bind(2, Value);
    if (!Set.ok() || Set.step() != SQLITE_DONE) {
      Error E = error("cannot write its metadata");
      (void)exec("ROLLBACK");
      return E;
    }
  }
  return exec("COMMIT");
}

Error UnitCache::copyTo(StringRef CopyPath) {
  std::lock_guard<std::mutex> Lock(Mutex);
  SqliteStatement Vacuum(Db, "VACUUM INTO ?1");
  Vacuum.bind(1, CopyPath);
  if (!Vacuum.ok() || Vacuum.step() != SQLITE_DONE)
    return error("cannot copy it to '" + CopyPath.str() + "'");
  return Error::success();
}

} // namespace concur::advise
