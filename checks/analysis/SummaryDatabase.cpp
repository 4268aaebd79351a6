//===--- SummaryDatabase.cpp - Per-function summaries in SQLite -----------===//

#include "SummaryDatabase.h"
#include "ComponentFold.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/xxhash.h"
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>
#include <utility>

using namespace llvm;

namespace concur {

namespace {

constexpr const char *SchemaSql = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE units(file TEXT PRIMARY KEY, key TEXT NOT NULL,
                   failed INTEGER NOT NULL, error TEXT NOT NULL,
                   lookups TEXT NOT NULL, findings TEXT NOT NULL);
CREATE TABLE deps(unit TEXT NOT NULL, path TEXT NOT NULL,
                  size INTEGER NOT NULL, mtime INTEGER NOT NULL,
                  hash TEXT NOT NULL, PRIMARY KEY(unit, path));
CREATE TABLE functions(usr TEXT NOT NULL, unit TEXT NOT NULL,
                       in_main INTEGER NOT NULL, end_line INTEGER NOT NULL,
                       summary BLOB NOT NULL, PRIMARY KEY(usr, unit));
CREATE INDEX functions_by_unit ON functions(unit);
CREATE TABLE linked(usr TEXT PRIMARY KEY, fingerprint TEXT NOT NULL,
                    summary BLOB NOT NULL);
)sql";

/// A prepared statement that finalises itself.
class Statement {
public:
  Statement(sqlite3 *Db, StringRef Sql) : Db(Db) {
    Prepared = sqlite3_prepare_v2(Db, Sql.data(), int(Sql.size()), &S, nullptr);
    Rc = Prepared;
  }
  ~Statement() { sqlite3_finalize(S); }
  Statement(const Statement &) = delete;
  Statement &operator=(const Statement &) = delete;

  /// Whether the statement was prepared (step() results are separate).
  bool ok() const { return Prepared == SQLITE_OK; }
  int rc() const { return Rc; }
  void bind(int I, StringRef Text) {
    sqlite3_bind_text(S, I, Text.data(), int(Text.size()), SQLITE_TRANSIENT);
  }
  void bind(int I, int64_t V) { sqlite3_bind_int64(S, I, V); }
  void bindBlob(int I, StringRef Bytes) {
    sqlite3_bind_blob(S, I, Bytes.data(), int(Bytes.size()), SQLITE_TRANSIENT);
  }
  /// SQLITE_ROW, SQLITE_DONE or an error code.
  int step() { return Rc = sqlite3_step(S); }
  void reset() {
    sqlite3_reset(S);
    sqlite3_clear_bindings(S);
  }
  std::string text(int I) const {
    const unsigned char *T = sqlite3_column_text(S, I);
    return T ? std::string(reinterpret_cast<const char *>(T),
                           size_t(sqlite3_column_bytes(S, I)))
             : std::string();
  }
  int64_t integer(int I) const { return sqlite3_column_int64(S, I); }
  /// The bytes of a column, valid until the next step().
  StringRef blob(int I) const {
    const void *B = sqlite3_column_blob(S, I);
    return B ? StringRef(static_cast<const char *>(B),
                         size_t(sqlite3_column_bytes(S, I)))
             : StringRef();
  }

private:
  sqlite3 *Db;
  sqlite3_stmt *S = nullptr;
  int Prepared = SQLITE_OK;
  int Rc = SQLITE_OK;
};

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

Expected<FunctionSummary> summaryFromBlob(StringRef Bytes, StringRef Where) {
  Expected<FunctionSummary> S = decodeSummary(Bytes);
  if (!S)
    return createStringError(inconvertibleErrorCode(),
                             "damaged summary in %s: %s", Where.str().c_str(),
                             toString(S.takeError()).c_str());
  return S;
}

} // namespace

std::string hashContent(StringRef Data) {
  return utohexstr(xxh3_64bits(Data), /*LowerCase=*/true, /*Width=*/16);
}

std::string fingerprint(const FunctionSummary &S) {
  return hashContent(encodeSummary(S));
}

//===----------------------------------------------------------------------===//
// Opening and validating
//===----------------------------------------------------------------------===//

Error SummaryDatabase::error(StringRef What) const {
  return createStringError(inconvertibleErrorCode(),
                           "summaries database '%s': %s: %s", Path.c_str(),
                           What.str().c_str(), sqlite3_errmsg(Db));
}

Error SummaryDatabase::exec(StringRef Sql) {
  char *Message = nullptr;
  int Rc = sqlite3_exec(Db, Sql.str().c_str(), nullptr, nullptr, &Message);
  if (Rc == SQLITE_OK)
    return Error::success();
  std::string Text = Message ? Message : sqlite3_errstr(Rc);
  sqlite3_free(Message);
  return createStringError(inconvertibleErrorCode(),
                           "summaries database '%s': %s", Path.c_str(),
                           Text.c_str());
}

Error SummaryDatabase::createSchema() {
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
  Statement Count(Db, "SELECT count(*) FROM sqlite_master");
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

Error SummaryDatabase::validate() {
  Statement Tables(Db, "SELECT count(*) FROM sqlite_master");
  if (!Tables.ok() || Tables.step() != SQLITE_ROW)
    return createStringError(
        inconvertibleErrorCode(),
        "summaries database '%s' is not a valid SQLite database (%s)",
        Path.c_str(), sqlite3_errmsg(Db));
  if (Tables.integer(0) == 0)
    return createStringError(inconvertibleErrorCode(),
                             "summaries database '%s' is empty", Path.c_str());
  Statement Meta(Db, "SELECT key, value FROM meta");
  if (!Meta.ok())
    return createStringError(
        inconvertibleErrorCode(),
        "'%s' is a SQLite database but not a concur summaries database",
        Path.c_str());
  std::string Schema, Version;
  int Rc;
  while ((Rc = Meta.step()) == SQLITE_ROW) {
    if (Meta.text(0) == "schema")
      Schema = Meta.text(1);
    else if (Meta.text(0) == "version")
      Version = Meta.text(1);
  }
  if (Rc != SQLITE_DONE)
    return error("cannot read its metadata");
  if (Schema != SchemaName)
    return createStringError(
        inconvertibleErrorCode(),
        "'%s' is a SQLite database but not a concur summaries database",
        Path.c_str());
  if (Version != std::to_string(SchemaVersion))
    return createStringError(
        inconvertibleErrorCode(),
        "summaries database '%s' has schema version %s; this build reads "
        "version %d (run concur-advise again to rebuild it)",
        Path.c_str(), Version.c_str(), SchemaVersion);
  Statement Quick(Db, "PRAGMA quick_check");
  if (!Quick.ok() || Quick.step() != SQLITE_ROW || Quick.text(0) != "ok")
    return createStringError(inconvertibleErrorCode(),
                             "summaries database '%s' is damaged (%s)",
                             Path.c_str(),
                             Quick.ok() ? Quick.text(0).c_str()
                                        : sqlite3_errmsg(Db));
  return Error::success();
}

namespace {

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

static void removeDatabaseFiles(StringRef Path) {
  for (StringRef Suffix : {"", "-wal", "-shm", "-journal"})
    sys::fs::remove(Path.str() + Suffix.str());
}

Expected<std::unique_ptr<SummaryDatabase>>
SummaryDatabase::open(StringRef Path, OpenMode Mode) {
  bool Exists = sys::fs::exists(Path);
  if (Mode == OpenMode::ReadOnly && !Exists)
    return createStringError(inconvertibleErrorCode(),
                             "summaries database '%s' does not exist",
                             Path.str().c_str());
  if (Exists && sys::fs::is_directory(Path))
    return createStringError(inconvertibleErrorCode(),
                             "summaries database '%s' is a directory",
                             Path.str().c_str());

  auto OpenOnce = [&]() -> Expected<std::unique_ptr<SummaryDatabase>> {
    sqlite3 *Raw = nullptr;
    int Flags = Mode == OpenMode::ReadOnly
                    ? SQLITE_OPEN_READONLY
                    : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    int Rc = sqlite3_open_v2(Path.str().c_str(), &Raw,
                             Flags | SQLITE_OPEN_FULLMUTEX, nullptr);
    std::unique_ptr<SummaryDatabase> Db(new SummaryDatabase(Path.str(), Raw));
    if (Rc != SQLITE_OK)
      return Db->error("cannot open");
    sqlite3_busy_timeout(Raw, 120000);
    // A cache that holds a project's database (64 MiB): validate()'s check
    // reads every page once, and the report then reads them again.
    (void)Db->exec("PRAGMA cache_size=-65536");
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
  Expected<std::unique_ptr<SummaryDatabase>> Db = OpenOnce();
  if (Db || Mode != OpenMode::RebuildIfInvalid)
    return Db;
  std::string Reason = toString(Db.takeError());
  removeDatabaseFiles(Path);
  Db = OpenOnce();
  if (Db)
    (*Db)->RebuildReason = std::move(Reason);
  return Db;
}

SummaryDatabase::~SummaryDatabase() { sqlite3_close_v2(Db); }

Error SummaryDatabase::checkIntegrity() {
  std::lock_guard<std::mutex> Lock(Mutex);
  Statement Check(Db, "PRAGMA integrity_check");
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

Expected<std::vector<UnitState>> SummaryDatabase::units(bool WithDeps,
                                                        bool WithLookups) {
  std::lock_guard<std::mutex> Lock(Mutex);
  std::vector<UnitState> Out;
  std::map<std::string, size_t> Index;
  {
    Statement Units(Db, "SELECT file, key, failed, error, lookups FROM units "
                        "ORDER BY file");
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
  Statement Deps(Db, "SELECT unit, path, size, mtime, hash FROM deps "
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

Error SummaryDatabase::storeUnit(const UnitRecord &R) {
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
  for (StringRef Table : {"units WHERE file", "deps WHERE unit",
                          "functions WHERE unit"}) {
    Statement Delete(Db, ("DELETE FROM " + Table + " = ?1").str());
    Delete.bind(1, R.File);
    if (!Delete.ok() || Delete.step() != SQLITE_DONE)
      return Fail("cannot replace a unit");
  }
  {
    Statement Insert(Db, "INSERT INTO units VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
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
    Statement Insert(Db,
                     "INSERT OR REPLACE INTO deps VALUES(?1, ?2, ?3, ?4, ?5)");
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
    Statement Insert(
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

Error SummaryDatabase::updateFindings(
    StringRef File, const std::map<std::string, std::string> &Lookups,
    StringRef Findings) {
  std::lock_guard<std::mutex> Lock(Mutex);
  Statement Update(Db,
                   "UPDATE units SET lookups = ?2, findings = ?3 WHERE file = ?1");
  Update.bind(1, File);
  Update.bind(2, lookupsToJson(Lookups));
  Update.bind(3, Findings);
  if (!Update.ok() || Update.step() != SQLITE_DONE)
    return error("cannot store findings");
  return Error::success();
}

Error SummaryDatabase::removeUnit(StringRef File) {
  UnitRecord Empty;
  Empty.File = File.str();
  if (Error E = storeUnit(Empty))
    return E;
  std::lock_guard<std::mutex> Lock(Mutex);
  Statement Delete(Db, "DELETE FROM units WHERE file = ?1");
  Delete.bind(1, File);
  if (!Delete.ok() || Delete.step() != SQLITE_DONE)
    return error("cannot remove a unit");
  return Error::success();
}

Expected<std::map<std::string, std::string>> SummaryDatabase::findings() {
  std::lock_guard<std::mutex> Lock(Mutex);
  std::map<std::string, std::string> Out;
  Statement Select(Db, "SELECT file, findings FROM units ORDER BY file");
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
SummaryDatabase::localFunctions(bool WithSummaries) {
  std::lock_guard<std::mutex> Lock(Mutex);
  std::vector<StoredFunction> Out;
  Statement Select(Db, WithSummaries
                           ? "SELECT unit, in_main, end_line, summary FROM "
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

Error SummaryDatabase::storeLinked(ArrayRef<FunctionSummary> Linked,
                                   StringRef Generation) {
  std::lock_guard<std::mutex> Lock(Mutex);
  if (Error E = exec("BEGIN IMMEDIATE; DELETE FROM linked;"))
    return E;
  {
    Statement Mark(Db, "INSERT OR REPLACE INTO meta "
                       "VALUES('linked-generation', ?1)");
    Mark.bind(1, Generation);
    if (!Mark.ok() || Mark.step() != SQLITE_DONE) {
      Error E = error("cannot store linked summaries");
      (void)exec("ROLLBACK");
      return E;
    }
  }
  Statement Insert(Db, "INSERT OR REPLACE INTO linked VALUES(?1, ?2, ?3)");
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

Expected<std::string> SummaryDatabase::localGeneration() {
  std::lock_guard<std::mutex> Lock(Mutex);
  Statement Select(Db, "SELECT value FROM meta WHERE key = 'generation'");
  if (!Select.ok())
    return error("cannot read its metadata");
  int Rc = Select.step();
  if (Rc == SQLITE_DONE)
    return std::string("0");
  if (Rc != SQLITE_ROW)
    return error("cannot read its metadata");
  return Select.text(0);
}

Expected<bool> SummaryDatabase::linkIsCurrent() {
  Expected<std::string> Now = localGeneration();
  if (!Now)
    return Now.takeError();
  std::lock_guard<std::mutex> Lock(Mutex);
  Statement Select(Db,
                   "SELECT value FROM meta WHERE key = 'linked-generation'");
  if (!Select.ok())
    return error("cannot read its metadata");
  int Rc = Select.step();
  if (Rc == SQLITE_DONE)
    return false;
  if (Rc != SQLITE_ROW)
    return error("cannot read its metadata");
  return Select.text(0) == *Now;
}

Expected<unsigned> SummaryDatabase::linkedCount() {
  std::lock_guard<std::mutex> Lock(Mutex);
  Statement Select(Db, "SELECT count(*) FROM linked");
  if (!Select.ok() || Select.step() != SQLITE_ROW)
    return error("cannot read linked summaries");
  return unsigned(Select.integer(0));
}

Expected<std::optional<FunctionSummary>>
SummaryDatabase::linked(StringRef USR) {
  std::lock_guard<std::mutex> Lock(Mutex);
  Statement Select(Db, "SELECT summary FROM linked WHERE usr = ?1");
  Select.bind(1, USR);
  if (!Select.ok())
    return error("cannot read linked summaries");
  int Rc = Select.step();
  if (Rc == SQLITE_DONE)
    return std::nullopt;
  if (Rc != SQLITE_ROW)
    return error("cannot read linked summaries");
  Expected<FunctionSummary> S = summaryFromBlob(Select.blob(0), Path);
  if (!S)
    return S.takeError();
  return std::optional<FunctionSummary>(std::move(*S));
}

Expected<int64_t> SummaryDatabase::dataVersion() {
  std::lock_guard<std::mutex> Lock(Mutex);
  Statement Pragma(Db, "PRAGMA data_version");
  if (!Pragma.ok() || Pragma.step() != SQLITE_ROW)
    return error("cannot read the data version");
  return Pragma.integer(0);
}

Expected<std::vector<FunctionSummary>>
SummaryDatabase::allLinked(function_ref<bool(StringRef USR)> Wanted) {
  std::lock_guard<std::mutex> Lock(Mutex);
  std::vector<FunctionSummary> Out;
  Statement Select(Db, "SELECT usr, summary FROM linked ORDER BY usr");
  if (!Select.ok())
    return error("cannot read linked summaries");
  int Rc;
  while ((Rc = Select.step()) == SQLITE_ROW) {
    if (Wanted && !Wanted(Select.blob(0)))
      continue;
    Expected<FunctionSummary> S = summaryFromBlob(Select.blob(1), Path);
    if (!S)
      return S.takeError();
    Out.push_back(std::move(*S));
  }
  if (Rc != SQLITE_DONE)
    return error("cannot read linked summaries");
  return Out;
}

Expected<StringMap<std::string>> SummaryDatabase::linkedFingerprints() {
  std::lock_guard<std::mutex> Lock(Mutex);
  StringMap<std::string> Out;
  Statement Select(Db, "SELECT usr, fingerprint FROM linked");
  if (!Select.ok())
    return error("cannot read linked summaries");
  int Rc;
  while ((Rc = Select.step()) == SQLITE_ROW)
    Out[Select.text(0)] = Select.text(1);
  if (Rc != SQLITE_DONE)
    return error("cannot read linked summaries");
  return Out;
}

Error SummaryDatabase::mergeFrom(StringRef OtherPath) {
  // Validate the other file with the same rules before attaching it.
  Expected<std::unique_ptr<SummaryDatabase>> Other =
      open(OtherPath, OpenMode::ReadOnly);
  if (!Other)
    return Other.takeError();
  Other->reset();
  std::lock_guard<std::mutex> Lock(Mutex);
  Statement Attach(Db, "ATTACH DATABASE ?1 AS other");
  Attach.bind(1, OtherPath);
  if (!Attach.ok() || Attach.step() != SQLITE_DONE)
    return error("cannot attach '" + OtherPath.str() + "'");
  Error E = exec(
      "BEGIN IMMEDIATE;"
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
// Linking
//===----------------------------------------------------------------------===//

namespace {

/// One local summary per USR: the one from the unit whose main file defines
/// it, else the first unit by name (inline functions in headers are
/// summarised alike by every unit that includes them).
bool preferred(const StoredFunction &F, const StoredFunction &Over) {
  return (F.InMainFile && !Over.InMainFile) ||
         (F.InMainFile == Over.InMainFile && F.Unit < Over.Unit);
}

class Linker {
public:
  Linker(ArrayRef<const StoredFunction *> Local,
         function_ref<AnalysisOptions(const FunctionSummary &)> OptionsFor)
      : OptionsFor(OptionsFor) {
    for (const StoredFunction *F : Local) {
      if (F->Summary.USR.empty())
        continue;
      auto [It, Inserted] = Index.try_emplace(F->Summary.USR, Nodes.size());
      if (Inserted) {
        Nodes.emplace_back();
        Nodes.back().F = F;
        continue;
      }
      const StoredFunction *&Have = Nodes[It->second].F;
      if (preferred(*F, *Have))
        Have = F;
    }
  }

  std::vector<FunctionSummary> run() {
    for (unsigned I = 0; I < Nodes.size(); ++I)
      if (!Nodes[I].Visited)
        strongConnect(I);
    std::vector<FunctionSummary> Out;
    Out.reserve(Nodes.size());
    for (Node &N : Nodes)
      Out.push_back(std::move(N.Linked));
    llvm::sort(Out, [](const FunctionSummary &A, const FunctionSummary &B) {
      return A.USR < B.USR;
    });
    return Out;
  }

private:
  struct Node {
    const StoredFunction *F = nullptr;
    bool Visited = false, OnStack = false, Done = false;
    unsigned Index = 0, Low = 0;
    FunctionSummary Linked;
  };

  std::optional<unsigned> target(const ExternalCall &C) const {
    auto It = Index.find(C.USR);
    if (It == Index.end())
      return std::nullopt;
    return It->second;
  }

  /// A copy of \p Local without its external calls, which linking replaces
  /// (they are most of a local summary's size).
  static FunctionSummary withoutCalls(const FunctionSummary &Local) {
    FunctionSummary S;
    S.USR = Local.USR;
    S.Name = Local.Name;
    S.QualifiedName = Local.QualifiedName;
    S.File = Local.File;
    S.Line = Local.Line;
    S.Column = Local.Column;
    S.IsCoroutine = Local.IsCoroutine;
    S.Total = Local.Total;
    S.Class = Local.Class;
    S.WrittenParams = Local.WrittenParams;
    return S;
  }

  /// The folder's view of a member: its local summary (callees in its own
  /// unit folded in), and its external calls as edges. \p Paths keeps the
  /// hops of each edge (the call's Via, then the call).
  FoldMember viewOf(unsigned Member, ArrayRef<unsigned> Group,
                    std::vector<FoldEdge> &Edges,
                    std::vector<std::vector<Hop>> &Paths) const {
    const FunctionSummary &Local = Nodes[Member].F->Summary;
    for (const ExternalCall &C : Local.ExternalCalls) {
      FoldEdge &E = Edges.emplace_back();
      E.Call = &C;
      std::optional<unsigned> T = target(C);
      if (!T)
        continue;
      E.To = llvm::is_contained(Group, *T) ? FoldEdge::Target::Inside
                                           : FoldEdge::Target::Outside;
      if (E.To == FoldEdge::Target::Outside)
        E.Callee = &Nodes[*T].Linked;
      std::vector<Hop> &Path = Paths.emplace_back(C.Via);
      Path.push_back(C.Site);
      E.Path = Path;
      E.Times = C.Times;
      E.Synchronized = C.Synchronized;
      E.Sites = C.Paths;
    }
    return {&Local.Total, Edges};
  }

  void finish(ArrayRef<unsigned> Members) {
    // In USR order, not the order nodes were added: linking a subset of the
    // program (IncrementalLinker) must give the same results. The first is
    // where a recursion is reported.
    SmallVector<unsigned, 4> Sorted(Members.begin(), Members.end());
    llvm::sort(Sorted, [&](unsigned A, unsigned B) {
      return Nodes[A].F->Summary.USR < Nodes[B].F->Summary.USR;
    });
    size_t Calls = 0;
    for (unsigned I : Sorted)
      Calls += Nodes[I].F->Summary.ExternalCalls.size();
    // Reserved: the view points into both.
    std::vector<std::vector<FoldEdge>> Edges(Sorted.size());
    std::vector<std::vector<Hop>> Paths;
    Paths.reserve(Calls);
    SmallVector<FoldMember, 4> View;
    for (size_t I = 0; I < Sorted.size(); ++I)
      View.push_back(viewOf(Sorted[I], Sorted, Edges[I], Paths));

    AnalysisOptions GroupOpts = OptionsFor(Nodes[Sorted.front()].F->Summary);
    FoldResult Folded = foldComponent(View, GroupOpts);
    for (unsigned I : Sorted) {
      FunctionSummary S = withoutCalls(Nodes[I].F->Summary);
      // The last member (the only one, mostly) takes the result.
      bool Last = I == Sorted.back();
      S.Total = Last ? std::move(Folded.Total) : Folded.Total;
      S.ExternalCalls = Last ? std::move(Folded.External) : Folded.External;
      S.Class = classify(S.Total, Folded.Recursive ? OptionsFor(S) : GroupOpts);
      Nodes[I].Linked = std::move(S);
      Nodes[I].Done = true;
    }
  }

  /// Tarjan's algorithm without recursion: deep call chains are common.
  void strongConnect(unsigned Root) {
    struct Frame {
      unsigned N;
      size_t Next;
    };
    SmallVector<Frame, 32> Frames;
    auto Push = [&](unsigned N) {
      Nodes[N].Visited = Nodes[N].OnStack = true;
      Nodes[N].Index = Nodes[N].Low = Counter++;
      Stack.push_back(N);
      Frames.push_back({N, 0});
    };
    Push(Root);
    while (!Frames.empty()) {
      unsigned N = Frames.back().N;
      const auto &Calls = Nodes[N].F->Summary.ExternalCalls;
      if (Frames.back().Next < Calls.size()) {
        std::optional<unsigned> T = target(Calls[Frames.back().Next++]);
        if (!T || Nodes[*T].Done)
          continue;
        if (!Nodes[*T].Visited)
          Push(*T);
        else if (Nodes[*T].OnStack)
          Nodes[N].Low = std::min(Nodes[N].Low, Nodes[*T].Index);
        continue;
      }
      Frames.pop_back();
      if (!Frames.empty()) {
        unsigned Parent = Frames.back().N;
        Nodes[Parent].Low = std::min(Nodes[Parent].Low, Nodes[N].Low);
      }
      if (Nodes[N].Low != Nodes[N].Index)
        continue;
      SmallVector<unsigned, 4> Members;
      unsigned M;
      do {
        M = Stack.pop_back_val();
        Nodes[M].OnStack = false;
        Members.push_back(M);
      } while (M != N);
      finish(Members);
    }
  }

  function_ref<AnalysisOptions(const FunctionSummary &)> OptionsFor;
  std::vector<Node> Nodes;
  StringMap<unsigned> Index;
  SmallVector<unsigned, 32> Stack;
  unsigned Counter = 0;
};

} // namespace

std::vector<FunctionSummary> linkSummaries(
    ArrayRef<StoredFunction> Local,
    function_ref<AnalysisOptions(const FunctionSummary &)> OptionsFor) {
  std::vector<const StoredFunction *> Functions;
  Functions.reserve(Local.size());
  for (const StoredFunction &F : Local)
    Functions.push_back(&F);
  return Linker(Functions, OptionsFor).run();
}

IncrementalLinker::IncrementalLinker(OptionsFunction OptionsFor)
    : OptionsFor(std::move(OptionsFor)) {}

IncrementalLinker::~IncrementalLinker() = default;

const StoredFunction *IncrementalLinker::choose(const StoredFunction &F) {
  if (F.Summary.USR.empty())
    return nullptr;
  auto [It, New] = Chosen.try_emplace(F.Summary.USR, &F);
  if (New || !preferred(F, *It->second))
    return nullptr;
  return std::exchange(It->second, &F);
}

void IncrementalLinker::retireAnswers() {
  for (auto &Entry : Memo)
    Retired.push_back(std::move(Entry.second.Summary));
  Memo.clear();
}

void IncrementalLinker::addUnit(StringRef Unit,
                                std::vector<StoredFunction> Functions) {
  // As a database stores them: the hops' source locations belong to the
  // unit that computed them and mean nothing in another; the unit decides
  // between definitions of one USR (preferred()).
  for (StoredFunction &F : Functions) {
    F.Summary = cantFail(decodeSummary(encodeSummary(F.Summary)));
    F.Unit = Unit.str();
  }
  std::lock_guard<std::mutex> Lock(Mutex);
  auto [It, New] = Units.try_emplace(Unit.str());
  It->second = std::move(Functions);
  if (New) {
    // Answers linked with a definition now replaced are out of date, unless
    // both say the same (as the copies of an inline function mostly do).
    bool Stale = false;
    for (const StoredFunction &F : It->second)
      if (const StoredFunction *Replaced = choose(F))
        Stale = Stale || encodeSummary(F.Summary) !=
                             encodeSummary(Replaced->Summary);
    if (Stale)
      retireAnswers();
    return;
  }
  // A unit analysed again: what it defined before may be gone.
  Chosen.clear();
  for (const auto &Entry : Units)
    for (const StoredFunction &F : Entry.second)
      choose(F);
  retireAnswers();
}

bool IncrementalLinker::current(const Linked &L) const {
  return llvm::none_of(*L.Missing,
                       [&](const std::string &USR) { return Chosen.count(USR); });
}

FingerprintingSummaryProvider::Answer
IncrementalLinker::answer(StringRef USR) const {
  std::lock_guard<std::mutex> Lock(Mutex);
  if (auto It = Memo.find(USR); It != Memo.end() && current(It->second))
    return {It->second.Summary.get(), It->second.Fingerprint};
  if (!Chosen.count(USR))
    return {};
  // The callee's call closure among the summaries added so far.
  std::vector<const StoredFunction *> Closure;
  auto Missing = std::make_shared<std::vector<std::string>>();
  StringSet<> Seen;
  Seen.insert(USR);
  Closure.push_back(Chosen.lookup(USR));
  for (size_t I = 0; I < Closure.size(); ++I)
    for (const ExternalCall &C : Closure[I]->Summary.ExternalCalls) {
      if (!Seen.insert(C.USR).second)
        continue;
      if (const StoredFunction *F = Chosen.lookup(C.USR))
        Closure.push_back(F);
      else
        Missing->push_back(C.USR);
    }
  // Each member's closure is within the callee's, so what is missing for
  // the callee covers it too.
  for (FunctionSummary &S : Linker(Closure, OptionsFor).run()) {
    Linked &L = Memo[S.USR];
    if (L.Summary && current(L))
      continue;
    if (L.Summary)
      Retired.push_back(std::move(L.Summary));
    L.Fingerprint = fingerprint(S);
    L.Summary = std::make_unique<FunctionSummary>(std::move(S));
    L.Missing = Missing;
  }
  const Linked &L = Memo.find(USR)->second;
  return {L.Summary.get(), L.Fingerprint};
}

//===----------------------------------------------------------------------===//
// Providers
//===----------------------------------------------------------------------===//

Expected<std::unique_ptr<DatabaseSummaryProvider>>
DatabaseSummaryProvider::open(StringRef Path) {
  Expected<std::unique_ptr<SummaryDatabase>> Db =
      SummaryDatabase::open(Path, SummaryDatabase::OpenMode::ReadOnly);
  if (!Db)
    return Db.takeError();
  return std::make_unique<DatabaseSummaryProvider>(std::move(*Db));
}

const DatabaseSummaryProvider::Entry &
DatabaseSummaryProvider::entry(StringRef USR) const {
  std::lock_guard<std::mutex> Lock(Mutex);
  auto It = Cache.find(USR);
  if (It != Cache.end())
    return It->second;
  Entry E;
  Expected<std::optional<FunctionSummary>> S = Db->linked(USR);
  if (!S) {
    // A read error after a successful open (the file was replaced or
    // damaged meanwhile): the callee stays unknown, as without a database.
    consumeError(S.takeError());
  } else if (*S) {
    E.Fingerprint = fingerprint(**S);
    E.Summary = std::make_unique<FunctionSummary>(std::move(**S));
  }
  return Cache.try_emplace(USR, std::move(E)).first->second;
}

FingerprintingSummaryProvider::Answer
DatabaseSummaryProvider::answer(StringRef USR) const {
  const Entry &E = entry(USR);
  return {E.Summary.get(), E.Fingerprint};
}

Expected<std::shared_ptr<DatabaseSummaryProvider>>
DatabaseSummaryProvider::shared(StringRef Path) {
  // What a provider was opened on: the file (a rebuilt database is a new
  // file) and the version of its content.
  struct OpenProvider {
    std::shared_ptr<DatabaseSummaryProvider> Provider;
    sys::fs::UniqueID File;
    int64_t Version = 0;
  };
  static std::mutex SharedMutex;
  static StringMap<OpenProvider> Open;
  SmallString<256> Absolute(Path);
  sys::fs::make_absolute(Absolute);
  sys::fs::UniqueID File;
  if (std::error_code EC = sys::fs::getUniqueID(Absolute, File))
    return createStringError(EC, "cannot open summaries database '%s': %s",
                             Absolute.c_str(), EC.message().c_str());
  std::lock_guard<std::mutex> Lock(SharedMutex);
  auto It = Open.find(Absolute);
  if (It != Open.end() && It->second.File == File) {
    Expected<int64_t> Version = It->second.Provider->database().dataVersion();
    if (Version && *Version == It->second.Version)
      return It->second.Provider;
    consumeError(Version.takeError()); // reopening reports what is wrong
  }
  Expected<std::unique_ptr<DatabaseSummaryProvider>> P = open(Absolute);
  if (!P)
    return P.takeError();
  Expected<int64_t> Version = (*P)->database().dataVersion();
  if (!Version)
    return Version.takeError();
  OpenProvider &Entry = Open[Absolute];
  Entry = {std::move(*P), File, *Version};
  return Entry.Provider;
}

const FunctionSummary *RecordingSummaryProvider::lookup(StringRef USR) const {
  std::lock_guard<std::mutex> Lock(Mutex);
  auto [It, New] = Seen.try_emplace(USR.str());
  if (New && Inner)
    It->second = Inner->answer(USR);
  return It->second.Summary;
}

std::map<std::string, std::string>
RecordingSummaryProvider::takeLookups() const {
  std::lock_guard<std::mutex> Lock(Mutex);
  std::map<std::string, std::string> Lookups;
  for (auto &[USR, A] : Seen)
    Lookups.emplace(USR, std::move(A.Fingerprint));
  Seen.clear();
  return Lookups;
}

} // namespace concur
