/* sqlite3.h - mock of SQLite's C API for concur's check tests. */
#ifndef CONCUR_MOCK_SQLITE3_H
#define CONCUR_MOCK_SQLITE3_H
#pragma GCC system_header

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sqlite3 sqlite3;
typedef struct sqlite3_stmt sqlite3_stmt;
typedef struct sqlite3_blob sqlite3_blob;
typedef struct sqlite3_backup sqlite3_backup;
typedef long long sqlite3_int64;
#define SQLITE_OK 0
#define SQLITE_ROW 100
#define SQLITE_DONE 101
#define SQLITE_OPEN_READONLY 0x1
#define SQLITE_OPEN_READWRITE 0x2
#define SQLITE_OPEN_CREATE 0x4
#define SQLITE_TRANSIENT ((void (*)(void *))-1)

int sqlite3_open(const char *filename, sqlite3 **db);
int sqlite3_open_v2(const char *filename, sqlite3 **db, int flags,
                    const char *vfs);
int sqlite3_close(sqlite3 *db);
int sqlite3_close_v2(sqlite3 *db);
int sqlite3_exec(sqlite3 *db, const char *sql,
                 int (*callback)(void *, int, char **, char **), void *arg,
                 char **errmsg);
int sqlite3_prepare_v2(sqlite3 *db, const char *sql, int n,
                       sqlite3_stmt **stmt, const char **tail);
int sqlite3_prepare_v3(sqlite3 *db, const char *sql, int n, unsigned flags,
                       sqlite3_stmt **stmt, const char **tail);
int sqlite3_bind_int(sqlite3_stmt *stmt, int index, int value);
int sqlite3_bind_int64(sqlite3_stmt *stmt, int index, sqlite3_int64 value);
int sqlite3_bind_double(sqlite3_stmt *stmt, int index, double value);
int sqlite3_bind_text(sqlite3_stmt *stmt, int index, const char *text, int n,
                      void (*destructor)(void *));
int sqlite3_step(sqlite3_stmt *stmt);
int sqlite3_column_count(sqlite3_stmt *stmt);
int sqlite3_column_int(sqlite3_stmt *stmt, int col);
sqlite3_int64 sqlite3_column_int64(sqlite3_stmt *stmt, int col);
double sqlite3_column_double(sqlite3_stmt *stmt, int col);
const unsigned char *sqlite3_column_text(sqlite3_stmt *stmt, int col);
int sqlite3_reset(sqlite3_stmt *stmt);
int sqlite3_finalize(sqlite3_stmt *stmt);
int sqlite3_get_table(sqlite3 *db, const char *sql, char ***result, int *rows,
                      int *cols, char **errmsg);
void sqlite3_free_table(char **result);
int sqlite3_blob_open(sqlite3 *db, const char *dbname, const char *table,
                      const char *column, sqlite3_int64 row, int flags,
                      sqlite3_blob **blob);
int sqlite3_blob_read(sqlite3_blob *blob, void *buf, int n, int offset);
int sqlite3_blob_write(sqlite3_blob *blob, const void *buf, int n, int offset);
int sqlite3_blob_close(sqlite3_blob *blob);
sqlite3_backup *sqlite3_backup_init(sqlite3 *dest, const char *dest_name,
                                    sqlite3 *source, const char *source_name);
int sqlite3_backup_step(sqlite3_backup *backup, int pages);
int sqlite3_backup_finish(sqlite3_backup *backup);
const char *sqlite3_errmsg(sqlite3 *db);
void sqlite3_free(void *p);

#ifdef __cplusplus
}
#endif

#endif /* CONCUR_MOCK_SQLITE3_H */
