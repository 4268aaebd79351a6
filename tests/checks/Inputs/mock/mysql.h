/* mysql.h - mock of the MySQL/MariaDB C client for concur's check tests. */
#ifndef CONCUR_MOCK_MYSQL_H
#define CONCUR_MOCK_MYSQL_H
#pragma GCC system_header

#ifdef __cplusplus
extern "C" {
#endif

typedef struct MYSQL MYSQL;
typedef struct MYSQL_RES MYSQL_RES;
typedef struct MYSQL_STMT MYSQL_STMT;
typedef struct MYSQL_BIND MYSQL_BIND;
typedef char **MYSQL_ROW;
typedef char my_bool;

int mysql_library_init(int argc, char **argv, char **groups);
void mysql_library_end(void);
MYSQL *mysql_init(MYSQL *mysql);
MYSQL *mysql_real_connect(MYSQL *mysql, const char *host, const char *user,
                          const char *passwd, const char *db,
                          unsigned int port, const char *unix_socket,
                          unsigned long flags);
int mysql_select_db(MYSQL *mysql, const char *db);
int mysql_query(MYSQL *mysql, const char *query);
int mysql_real_query(MYSQL *mysql, const char *query, unsigned long length);
MYSQL_RES *mysql_store_result(MYSQL *mysql);
MYSQL_RES *mysql_use_result(MYSQL *mysql);
MYSQL_ROW mysql_fetch_row(MYSQL_RES *result);
unsigned long *mysql_fetch_lengths(MYSQL_RES *result);
unsigned int mysql_num_fields(MYSQL_RES *result);
unsigned long long mysql_num_rows(MYSQL_RES *result);
void mysql_free_result(MYSQL_RES *result);
int mysql_next_result(MYSQL *mysql);
my_bool mysql_commit(MYSQL *mysql);
my_bool mysql_rollback(MYSQL *mysql);
int mysql_ping(MYSQL *mysql);
const char *mysql_error(MYSQL *mysql);
void mysql_close(MYSQL *mysql);

MYSQL_STMT *mysql_stmt_init(MYSQL *mysql);
int mysql_stmt_prepare(MYSQL_STMT *stmt, const char *query,
                       unsigned long length);
my_bool mysql_stmt_bind_param(MYSQL_STMT *stmt, MYSQL_BIND *bind);
my_bool mysql_stmt_bind_result(MYSQL_STMT *stmt, MYSQL_BIND *bind);
int mysql_stmt_execute(MYSQL_STMT *stmt);
int mysql_stmt_store_result(MYSQL_STMT *stmt);
int mysql_stmt_fetch(MYSQL_STMT *stmt);
my_bool mysql_stmt_close(MYSQL_STMT *stmt);

/* MariaDB's non-blocking API. */
int mysql_real_query_start(int *ret, MYSQL *mysql, const char *query,
                           unsigned long length);
int mysql_real_query_cont(int *ret, MYSQL *mysql, int status);

#ifdef __cplusplus
}
#endif

#endif /* CONCUR_MOCK_MYSQL_H */
