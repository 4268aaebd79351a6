// Pools and thread counts that fit the work: core-sized pools for CPU work,
// large pools for I/O work, small constants, and counts that are unknown.
// CONCUR-ARGS: -std=c++20 -fopenmp
#include <concur_mock_posix.h>
#include <curl/curl.h>
#include <mock_pools.h>
#include <mock_std.h>

extern "C" int omp_get_num_procs(void);

long rank(std::vector<long> &keys) {
  std::sort(keys.begin(), keys.end());
  return keys.empty() ? 0 : keys.front();
}

void fetch(const char *url) {
  CURL *curl = curl_easy_init();
  curl_easy_perform(curl);
}

// negative: a pool sized to the cores
void rank_on_cores(std::vector<std::vector<long>> &blocks) {
  concur::thread_pool pool(std::thread::hardware_concurrency());
  for (std::vector<long> &keys : blocks)
    pool.submit(rank, std::ref(keys));
}

// negative: the runtime's core-sized pool
void rank_on_cpu_pool(std::vector<std::vector<long>> &blocks) {
  concur::executor ex(concur::cpu_pool());
  for (std::vector<long> &keys : blocks)
    ex.submit(rank, std::ref(keys));
}

// negative: the pool's default size
void rank_on_default(std::vector<std::vector<long>> &blocks) {
  concur::thread_pool pool;
  for (std::vector<long> &keys : blocks)
    pool.submit(rank, std::ref(keys));
}

// negative: a small constant is within what a machine has
void rank_on_8(std::vector<std::vector<long>> &blocks) {
  concur::thread_pool pool(8);
  for (std::vector<long> &keys : blocks)
    pool.submit(rank, std::ref(keys));
}

// negative: many threads for I/O work is what an I/O pool is for
void fetch_on_64(const std::vector<const char *> &urls) {
  concur::thread_pool pool(64);
  for (const char *url : urls)
    pool.submit(fetch, url);
}

// negative: the I/O pool given I/O work
void fetch_on_io_pool(const std::vector<const char *> &urls) {
  for (const char *url : urls)
    concur::io_pool().submit(fetch, url);
}

// negative: one more thread than cores is not a multiple
void rank_on_cores_plus_one(std::vector<std::vector<long>> &blocks) {
  concur::thread_pool pool(std::thread::hardware_concurrency() + 1);
  for (std::vector<long> &keys : blocks)
    pool.submit(rank, std::ref(keys));
}

// negative: a size from a parameter is not known here
void rank_on_given(std::vector<std::vector<long>> &blocks, unsigned workers) {
  concur::thread_pool pool(workers);
  for (std::vector<long> &keys : blocks)
    pool.submit(rank, std::ref(keys));
}

// negative: threads counted up to the core count
void rank_on_threads(std::vector<std::vector<long>> &blocks) {
  std::vector<std::thread> threads;
  for (unsigned i = 0; i < std::thread::hardware_concurrency(); ++i)
    threads.emplace_back([&blocks, i] { rank(blocks[i]); });
  for (std::thread &t : threads)
    t.join();
}

// negative: twice the cores of threads that wait on the network
void fetch_on_threads(const char **urls) {
  std::vector<std::thread> threads;
  for (unsigned i = 0; i < 2 * std::thread::hardware_concurrency(); ++i)
    threads.emplace_back(fetch, urls[i]);
  for (std::thread &t : threads)
    t.join();
}

// negative: an OpenMP team sized to the processors
void scale(double *xs, int n) {
#pragma omp parallel for num_threads(omp_get_num_procs())
  for (int i = 0; i < n; ++i)
    xs[i] = sqrt(xs[i]) * 2.5 + exp(xs[i]);
}

// negative: an OpenMP team of 64 for I/O work
void fetch_all(const char **urls, int n) {
#pragma omp parallel for num_threads(64)
  for (int i = 0; i < n; ++i)
    fetch(urls[i]);
}

// negative: trivial work on a big pool is no CPU-bound work
void bump(int *counter) { *counter += 1; }
void bump_on_64(std::vector<int> &counters) {
  concur::thread_pool pool(64);
  for (int &c : counters)
    pool.submit(bump, &c);
}

// negative: a pool member function that runs nothing
std::size_t pool_size() {
  concur::thread_pool pool(64);
  return pool.size();
}

// negative: NOLINT
void suppressed(std::vector<std::vector<long>> &blocks) {
  concur::thread_pool pool(64); // NOLINT(concur-oversubscribed-cpu-pool)
  for (std::vector<long> &keys : blocks)
    pool.submit(rank, std::ref(keys));
}
