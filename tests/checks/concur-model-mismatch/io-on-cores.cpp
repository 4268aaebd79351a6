// I/O-bound work given to CPU-oriented parallelism: parallel algorithms,
// OpenMP, TBB, concur::parallel_for and the core-sized pool. Their workers
// number the cores, so waiting there leaves cores idle and caps the number
// of waits in flight.
// CONCUR-ARGS: -std=c++20 -fopenmp
#include <concur_mock_posix.h>
#include <curl/curl.h>
#include <mock_concur_models.h>
#include <mock_pools.h>
#include <mock_std.h>
#include <mock_std_parallel.h>
#include <sqlite3.h>

long fetch(const char *url) {
  CURL *curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_URL, url);
  long rc = curl_easy_perform(curl);
  curl_easy_cleanup(curl);
  return rc;
}

void par_fetch_all(std::vector<const char *> &urls) {
  std::for_each(std::execution::par, urls.begin(), urls.end(),
                [](const char *url) { fetch(url); });
  // CHECK-MESSAGES: :[[@LINE-1]]:17: warning: the lambda blocks on network I/O ('curl_easy_perform' via 'fetch') but runs on CPU-oriented parallelism ('std::for_each with std::execution::par'), which keeps only as many waits in flight as there are cores; use a model made for waiting (row: asyncio)
  // CHECK-NOTES: :[[@LINE-2]]:17: note: row 'asyncio' (decision step 4)
  // CHECK-NOTES: :[[@LINE-3]]:17: note: 'lambda' is called here
  // CHECK-NOTES: :[[@LINE-4]]:39: note: 'fetch' is called here
  // CHECK-NOTES: :[[@LINE-12]]:13: note: 'curl_easy_perform' blocks on network I/O
}

void par_transform_files(std::vector<int> &fds, std::vector<long> &sizes) {
  std::transform(std::execution::par_unseq, fds.begin(), fds.end(),
                 sizes.begin(), [](int fd) {
                   char buf[4096];
                   return (long)read(fd, buf, sizeof buf);
                 });
  // CHECK-MESSAGES: :[[@LINE-4]]:33: warning: the lambda blocks on file I/O ('read') but runs on CPU-oriented parallelism ('std::transform with std::execution::par_unseq'), which keeps only as many waits in flight as there are cores; use a model made for waiting (row: threading)
}

void omp_fetch(const char **urls, int n) {
#pragma omp parallel for
  for (int i = 0; i < n; ++i)
    fetch(urls[i]);
  // CHECK-MESSAGES: :[[@LINE-3]]:1: warning: this OpenMP region blocks on network I/O ('curl_easy_perform' via 'fetch') but runs on CPU-oriented parallelism ('omp parallel for')
}

void omp_region_sleeps() {
#pragma omp parallel
  {
    usleep(100000);
  }
  // CHECK-MESSAGES: :[[@LINE-4]]:1: warning: this OpenMP region blocks on sleep I/O ('usleep') but runs on CPU-oriented parallelism ('omp parallel')
}

int query_one(sqlite3 *db, int id) {
  char sql[64];
  snprintf(sql, sizeof sql, "select * from t where id = %d", id);
  return sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
}

void tbb_queries(sqlite3 *db, int n) {
  tbb::parallel_for(0, n, [db](int i) { query_one(db, i); });
  // CHECK-MESSAGES: :[[@LINE-1]]:27: warning: the lambda blocks on database I/O ('sqlite3_exec' via 'query_one') but runs on CPU-oriented parallelism ('tbb::parallel_for'), which keeps only as many waits in flight as there are cores; use a model made for waiting (row: threading)
}

void concur_parallel_fetch(const char **urls, int n) {
  concur::parallel_for(0, n, [urls](int i) { fetch(urls[i]); });
  // CHECK-MESSAGES: :[[@LINE-1]]:30: warning: the lambda blocks on network I/O ('curl_easy_perform' via 'fetch') but runs on CPU-oriented parallelism ('concur::parallel_for')
}

void cpu_pool_fetch(const char *url) {
  auto f = concur::cpu_pool().submit(fetch, url);
  // CHECK-MESSAGES: :[[@LINE-1]]:38: warning: 'fetch' blocks on network I/O ('curl_easy_perform') but runs on CPU-oriented parallelism ('concur::thread_pool::submit')
}

void cpu_pool_by_reference(int fd) {
  concur::thread_pool &pool = concur::cpu_pool();
  pool.post([fd] { fsync(fd); });
  // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: the lambda blocks on file I/O ('fsync') but runs on CPU-oriented parallelism ('concur::thread_pool::post')
}

void offload_io_to_cpu_pool(int sock, char *buf) {
  auto f = concur::run_in_executor(concur::cpu_pool(),
                                   [sock, buf] { return recv(sock, buf, 512, 0); });
  // CHECK-MESSAGES: :[[@LINE-1]]:36: warning: the lambda blocks on network I/O ('recv') but runs on CPU-oriented parallelism ('concur::run_in_executor')
}

void bs_loop_downloads(BS::thread_pool &pool, const char **urls, int n) {
  pool.detach_loop(0, n, [urls](int i) { fetch(urls[i]); });
  // CHECK-MESSAGES: :[[@LINE-1]]:26: warning: the lambda blocks on network I/O ('curl_easy_perform' via 'fetch') but runs on CPU-oriented parallelism ('BS::thread_pool::detach_loop')
}

// --- negative cases -------------------------------------------------------------

double score(const double *v, int n) {
  double s = 0;
  for (int i = 0; i < n; ++i)
    s += sqrt(v[i]) * v[i];
  return s;
}

// negative: CPU work on a parallel algorithm is the match.
void par_scores(std::vector<const double *> &rows, int n) {
  std::for_each(std::execution::par, rows.begin(), rows.end(),
                [n](const double *row) { score(row, n); });
}

// negative: CPU work in an OpenMP loop.
void omp_scores(const double *const *rows, int count, int n) {
#pragma omp parallel for
  for (int i = 0; i < count; ++i)
    score(rows[i], n);
}

// negative: I/O on the I/O pool is the match.
void io_pool_fetch(const char *url) {
  auto f = concur::io_pool().submit(fetch, url);
}

// negative: a plain thread pool, size not known to be the cores.
void plain_pool_fetch(concur::thread_pool &pool, const char *url) {
  auto f = pool.submit(fetch, url);
}

// negative: the sequenced policy is not parallel.
void seq_fetch_all(std::vector<const char *> &urls) {
  std::for_each(std::execution::seq, urls.begin(), urls.end(),
                [](const char *url) { fetch(url); });
}

// negative: console output is not waiting.
void omp_print(int n) {
#pragma omp parallel for
  for (int i = 0; i < n; ++i)
    printf("%d\n", i);
}

// negative: TBB over pure computation.
void tbb_scores(const double *const *rows, int count, int n) {
  tbb::parallel_for(0, count, [rows, n](int i) { score(rows[i], n); });
}

// negative: mixed fetch-then-compute is not pure waiting.
double fetch_and_score(const char *url, const double *v, int n) {
  fetch(url);
  double s = 0;
  for (int k = 0; k < 100; ++k)
    s += score(v, n);
  return s;
}
void omp_mixed(const char **urls, const double *v, int count, int n) {
#pragma omp parallel for
  for (int i = 0; i < count; ++i)
    fetch_and_score(urls[i], v, n);
}
