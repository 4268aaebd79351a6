/* libpq-fe.h - mock of PostgreSQL's libpq for concur's check tests: the
 * blocking calls and the asynchronous API (PQsendQuery, PQconsumeInput). */
#ifndef CONCUR_MOCK_LIBPQ_FE_H
#define CONCUR_MOCK_LIBPQ_FE_H
#pragma GCC system_header

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;
typedef unsigned int Oid;
typedef enum { CONNECTION_OK, CONNECTION_BAD } ConnStatusType;
typedef enum {
  PGRES_EMPTY_QUERY = 0,
  PGRES_COMMAND_OK,
  PGRES_TUPLES_OK,
  PGRES_FATAL_ERROR = 7
} ExecStatusType;
typedef enum {
  PGRES_POLLING_FAILED = 0,
  PGRES_POLLING_READING,
  PGRES_POLLING_WRITING,
  PGRES_POLLING_OK
} PostgresPollingStatusType;

PGconn *PQconnectdb(const char *conninfo);
PGconn *PQconnectdbParams(const char *const *keywords,
                          const char *const *values, int expand_dbname);
PGconn *PQconnectStart(const char *conninfo);
PostgresPollingStatusType PQconnectPoll(PGconn *conn);
ConnStatusType PQstatus(const PGconn *conn);
void PQfinish(PGconn *conn);
int PQsocket(const PGconn *conn);
char *PQerrorMessage(const PGconn *conn);

PGresult *PQexec(PGconn *conn, const char *query);
PGresult *PQexecParams(PGconn *conn, const char *command, int nparams,
                       const Oid *types, const char *const *values,
                       const int *lengths, const int *formats,
                       int result_format);
PGresult *PQprepare(PGconn *conn, const char *name, const char *query,
                    int nparams, const Oid *types);
PGresult *PQexecPrepared(PGconn *conn, const char *name, int nparams,
                         const char *const *values, const int *lengths,
                         const int *formats, int result_format);
PGresult *PQgetResult(PGconn *conn);

int PQsendQuery(PGconn *conn, const char *query);
int PQsendQueryParams(PGconn *conn, const char *command, int nparams,
                      const Oid *types, const char *const *values,
                      const int *lengths, const int *formats,
                      int result_format);
int PQsendPrepare(PGconn *conn, const char *name, const char *query,
                  int nparams, const Oid *types);
int PQsendQueryPrepared(PGconn *conn, const char *name, int nparams,
                        const char *const *values, const int *lengths,
                        const int *formats, int result_format);
int PQconsumeInput(PGconn *conn);
int PQisBusy(PGconn *conn);
int PQsetnonblocking(PGconn *conn, int arg);
int PQflush(PGconn *conn);

ExecStatusType PQresultStatus(const PGresult *res);
int PQntuples(const PGresult *res);
int PQnfields(const PGresult *res);
char *PQgetvalue(const PGresult *res, int row, int field);
int PQgetisnull(const PGresult *res, int row, int field);
void PQclear(PGresult *res);

#ifdef __cplusplus
}
#endif

#endif /* CONCUR_MOCK_LIBPQ_FE_H */
