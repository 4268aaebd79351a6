//===--- SqliteStatement.h - A prepared SQLite statement --------*- C++ -*-===//
//
// Shared by the readers of the summaries database (SummaryDatabase.h) and
// concur-advise's unit cache, which writes it.
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_ANALYSIS_SQLITESTATEMENT_H
#define CONCUR_ANALYSIS_SQLITESTATEMENT_H

#include "llvm/ADT/StringRef.h"
#include <cstdint>
#include <sqlite3.h>
#include <string>

namespace concur {

/// A prepared statement that finalises itself.
class SqliteStatement {
public:
  SqliteStatement(sqlite3 *Db, llvm::StringRef Sql) : Db(Db) {
    Prepared = sqlite3_prepare_v2(Db, Sql.data(), int(Sql.size()), &S, nullptr);
    Rc = Prepared;
  }
  ~SqliteStatement() { sqlite3_finalize(S); }
  SqliteStatement(const SqliteStatement &) = delete;
  SqliteStatement &operator=(const SqliteStatement &) = delete;

  /// Whether the statement was prepared (step() results are separate).
  bool ok() const { return Prepared == SQLITE_OK; }
  int rc() const { return Rc; }
  void bind(int I, llvm::StringRef Text) {
    sqlite3_bind_text(S, I, Text.data(), int(Text.size()), SQLITE_TRANSIENT);
  }
  void bind(int I, int64_t V) { sqlite3_bind_int64(S, I, V); }
  void bindBlob(int I, llvm::StringRef Bytes) {
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
  llvm::StringRef blob(int I) const {
    const void *B = sqlite3_column_blob(S, I);
    return B ? llvm::StringRef(static_cast<const char *>(B),
                               size_t(sqlite3_column_bytes(S, I)))
             : llvm::StringRef();
  }

private:
  sqlite3 *Db;
  sqlite3_stmt *S = nullptr;
  int Prepared = SQLITE_OK;
  int Rc = SQLITE_OK;
};

} // namespace concur

#endif // CONCUR_ANALYSIS_SQLITESTATEMENT_H
