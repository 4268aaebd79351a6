// Hand-started threads counted up to a multiple of the core count, and
// OpenMP teams larger than the machine, running CPU-bound work.
// CONCUR-ARGS: -std=c++20 -fopenmp
#include <concur_mock_posix.h>
#include <mock_std.h>

extern "C" int omp_get_num_procs(void);
extern "C" int omp_get_max_threads(void);

void rank_block(std::vector<long> *keys) {
  std::sort(keys->begin(), keys->end());
}

// --- threads ---------------------------------------------------------------------

void rank_on_threads(std::vector<std::vector<long>> &blocks) {
  std::vector<std::thread> threads;
  for (unsigned i = 0; i < 2 * std::thread::hardware_concurrency(); ++i)
    threads.emplace_back(rank_block, &blocks[i]);
  // CHECK-MESSAGES: :[[@LINE-2]]:28: warning: CPU work (sort work in 'std::sort' via 'rank_block') runs on threads started up to 2 times the core count: more workers than cores do not speed up CPU-bound work; use one worker per core (row: futures, core-sized pool)
  // CHECK-NOTES: :[[@LINE-2]]:5: note: each thread is started here
  for (std::thread &t : threads)
    t.join();
}

void rank_on_named_count(std::vector<std::vector<long>> &blocks) {
  const unsigned count = std::thread::hardware_concurrency() * 8;
  std::vector<std::jthread> threads;
  for (unsigned i = 0; i < count; ++i)
    threads.emplace_back([&blocks, i] { rank_block(&blocks[i]); });
  // CHECK-MESSAGES: :[[@LINE-2]]:28: warning: CPU work (sort work in 'std::sort' via 'rank_block') runs on threads started up to 8 times the core count
}

void rank_on_pthreads(std::vector<std::vector<long>> &blocks, pthread_t *ids) {
  for (int i = 0; i < omp_get_num_procs() * 4; ++i)
    pthread_create(&ids[i], nullptr,
                   [](void *p) -> void * {
                     rank_block(static_cast<std::vector<long> *>(p));
                     return nullptr;
                   },
                   &blocks[i]);
  // CHECK-MESSAGES: :[[@LINE-7]]:23: warning: CPU work (sort work in 'std::sort' via 'rank_block') runs on threads started up to 4 times the core count
}

// --- OpenMP -------------------------------------------------------------------------

void scale(double *xs, int n) {
#pragma omp parallel for num_threads(64)
  for (int i = 0; i < n; ++i)
    xs[i] = sqrt(xs[i]) * 2.5 + exp(xs[i]);
  // CHECK-MESSAGES: :[[@LINE-3]]:38: warning: CPU work (math work in 'sqrt') runs on an OpenMP team of 64 threads: more workers than cores do not speed up CPU-bound work; use one worker per core (row: joblib)
}

void sort_rows(std::vector<std::vector<long>> &rows) {
#pragma omp parallel num_threads(omp_get_max_threads() * 4)
  {
    for (std::vector<long> &row : rows)
      std::sort(row.begin(), row.end());
  }
  // CHECK-MESSAGES: :[[@LINE-5]]:34: warning: CPU work (sort work in 'std::sort') runs on an OpenMP team of 4 times the core count
}
