// More sites: functions passed by name, OpenMP tasks and combined
// constructs, std::async on an event loop, and the negatives around them.
// CONCUR-ARGS: -std=c++20 -fopenmp
#include <concur_mock_posix.h>
#include <mock_concur_models.h>
#include <mock_pools.h>
#include <mock_std.h>

void wait_for_peer(int sock) {
  char buf[256];
  recv(sock, buf, sizeof buf, 0);
}

void tbb_by_name(int n) {
  tbb::parallel_for(0, n, wait_for_peer);
  // CHECK-MESSAGES: :[[@LINE-1]]:27: warning: 'wait_for_peer' blocks on network I/O ('recv') but runs on CPU-oriented parallelism ('tbb::parallel_for')
}

void omp_task_io(int sock) {
#pragma omp task
  wait_for_peer(sock);
  // CHECK-MESSAGES: :[[@LINE-2]]:1: warning: this OpenMP region blocks on network I/O ('recv' via 'wait_for_peer') but runs on CPU-oriented parallelism ('omp task')
}

void omp_parallel_sections_files(int a, int b) {
#pragma omp parallel sections
  {
#pragma omp section
    fsync(a);
#pragma omp section
    fsync(b);
  }
  // CHECK-MESSAGES: :[[@LINE-7]]:1: warning: this OpenMP region blocks on file I/O ('fsync') but runs on CPU-oriented parallelism ('omp parallel sections')
}

void checksum_block(const double *v, int n, double *out) {
  double s = 0;
  for (int i = 0; i < n; ++i)
    s += v[i] * v[i] + sqrt(v[i]);
  *out = s;
}

void post_checksum(concur::event_loop &loop, const double *v, int n,
                   double *out) {
  loop.post([v, n, out] { checksum_block(v, n, out); });
  // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: the lambda does substantial CPU work
}

// negative: a callback that only starts I/O is what the loop is for.
void post_small_io(concur::event_loop &loop, int fd) {
  loop.post([fd] { write(fd, "x", 1); });
}

// negative: std::async runs on its own thread, not on the cores' pool.
void async_fetch(int sock) {
  auto f = std::async(std::launch::async, wait_for_peer, sock);
}

// negative: OpenMP over computation.
void omp_checksum(const double *const *rows, int count, int n, double *out) {
#pragma omp parallel for
  for (int i = 0; i < count; ++i)
    checksum_block(rows[i], n, out + i);
}

// negative: worker processes are not CPU-oriented threads.
void in_processes(concur::process_pool &pool, int sock) {
  auto f = pool.submit(wait_for_peer, sock);
}
