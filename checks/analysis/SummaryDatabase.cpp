//===--- SummaryDatabase.cpp - Linked summaries in SQLite -----------------===//

#include "SummaryDatabase.h"
#include "SqliteStatement.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/xxhash.h"
#include <sqlite3.h>

using namespace llvm;

namespace concur {

// The one definition of the tables; concur-advise's unit cache creates them.
const char *const SummaryDatabase::SchemaSql = R"sql(
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

std::string hashContent(StringRef Data) {
  return utohexstr(xxh3_64bits(Data), /*LowerCase=*/true, /*Width=*/16);
}

std::string fingerprint(const FunctionSummary &S) {
  return hashContent(encodeSummary(S));
}

//===----------------------------------------------------------------------===//
// Opening and validating
//===----------------------------------------------------------------------===//

Error SummaryDatabase::checkPath(StringRef Path, bool MustExist) {
  bool Exists = sys::fs::exists(Path);
  if (MustExist && !Exists)
    return createStringError(inconvertibleErrorCode(),
                             "summaries database '%s' does not exist",
                             Path.str().c_str());
  if (Exists && sys::fs::is_directory(Path))
    return createStringError(inconvertibleErrorCode(),
                             "summaries database '%s' is a directory",
                             Path.str().c_str());
  return Error::success();
}

Error SummaryDatabase::connect(bool Writable) {
  int Flags = Writable ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                       : SQLITE_OPEN_READONLY;
  int Rc = sqlite3_open_v2(Path.c_str(), &Db, Flags | SQLITE_OPEN_FULLMUTEX,
                           nullptr);
  if (Rc != SQLITE_OK)
    return error("cannot open");
  sqlite3_busy_timeout(Db, 120000);
  // A cache that holds a project's database (64 MiB): validate()'s check
  // reads every page once, and the report then reads them again.
  (void)exec("PRAGMA cache_size=-65536");
  return Error::success();
}

Expected<std::unique_ptr<SummaryDatabase>>
SummaryDatabase::open(StringRef Path) {
  if (Error E = checkPath(Path, /*MustExist=*/true))
    return E;
  std::unique_ptr<SummaryDatabase> Db(new SummaryDatabase(Path.str()));
  if (Error E = Db->connect(/*Writable=*/false))
    return E;
  if (Error E = Db->validate())
    return E;
  return Db;
}

SummaryDatabase::~SummaryDatabase() { sqlite3_close_v2(Db); }

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

Error SummaryDatabase::validate() {
  SqliteStatement Tables(Db, "SELECT count(*) FROM sqlite_master");
  if (!Tables.ok() || Tables.step() != SQLITE_ROW)
    return createStringError(
        inconvertibleErrorCode(),
        "summaries database '%s' is not a valid SQLite database (%s)",
        Path.c_str(), sqlite3_errmsg(Db));
  if (Tables.integer(0) == 0)
    return createStringError(inconvertibleErrorCode(),
                             "summaries database '%s' is empty", Path.c_str());
  SqliteStatement Meta(Db, "SELECT key, value FROM meta");
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
  SqliteStatement Quick(Db, "PRAGMA quick_check");
  if (!Quick.ok() || Quick.step() != SQLITE_ROW || Quick.text(0) != "ok")
    return createStringError(
        inconvertibleErrorCode(), "summaries database '%s' is damaged (%s)",
        Path.c_str(), Quick.ok() ? Quick.text(0).c_str() : sqlite3_errmsg(Db));
  return Error::success();
}

Expected<FunctionSummary> SummaryDatabase::summaryFromBlob(StringRef Bytes,
                                                           StringRef Where) {
  Expected<FunctionSummary> S = decodeSummary(Bytes);
  if (!S)
    return createStringError(inconvertibleErrorCode(),
                             "damaged summary in %s: %s", Where.str().c_str(),
                             toString(S.takeError()).c_str());
  return S;
}

//===----------------------------------------------------------------------===//
// Linked summaries
//===----------------------------------------------------------------------===//

Expected<unsigned> SummaryDatabase::linkedCount() {
  std::lock_guard<std::mutex> Lock(Mutex);
  SqliteStatement Select(Db, "SELECT count(*) FROM linked");
  if (!Select.ok() || Select.step() != SQLITE_ROW)
    return error("cannot read linked summaries");
  return unsigned(Select.integer(0));
}

Expected<std::optional<FunctionSummary>>
SummaryDatabase::linked(StringRef USR) {
  std::lock_guard<std::mutex> Lock(Mutex);
  SqliteStatement Select(Db, "SELECT summary FROM linked WHERE usr = ?1");
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
  SqliteStatement Pragma(Db, "PRAGMA data_version");
  if (!Pragma.ok() || Pragma.step() != SQLITE_ROW)
    return error("cannot read the data version");
  return Pragma.integer(0);
}

Expected<std::vector<FunctionSummary>>
SummaryDatabase::allLinked(function_ref<bool(StringRef USR)> Wanted) {
  std::lock_guard<std::mutex> Lock(Mutex);
  std::vector<FunctionSummary> Out;
  SqliteStatement Select(Db, "SELECT usr, summary FROM linked ORDER BY usr");
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
  SqliteStatement Select(Db, "SELECT usr, fingerprint FROM linked");
  if (!Select.ok())
    return error("cannot read linked summaries");
  int Rc;
  while ((Rc = Select.step()) == SQLITE_ROW)
    Out[Select.text(0)] = Select.text(1);
  if (Rc != SQLITE_DONE)
    return error("cannot read linked summaries");
  return Out;
}

//===----------------------------------------------------------------------===//
// Providers
//===----------------------------------------------------------------------===//

Expected<std::unique_ptr<DatabaseSummaryProvider>>
DatabaseSummaryProvider::open(StringRef Path) {
  Expected<std::unique_ptr<SummaryDatabase>> Db = SummaryDatabase::open(Path);
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
