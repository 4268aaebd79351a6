// Parallel algorithms, OpenMP regions, TBB and concur::parallel_for: the
// code they run on several threads at once must be thread-safe.
// CONCUR-ARGS: -std=c++20 -fopenmp
#include <concur_mock_posix.h>
#include <mock_pools.h>
#include <mock_std.h>
#include <mock_std_parallel.h>

long long checksum = 0;
int histogram[256];
std::atomic<long long> checksum_atomic{0};
std::mutex checksum_mutex;

void add_to_checksum(int v) { checksum += v; }

void par_for_each(std::vector<int> &items) {
  std::for_each(std::execution::par, items.begin(), items.end(),
                [](int v) { add_to_checksum(v); });
  // CHECK-MESSAGES: :[[@LINE-1]]:17: warning: the lambda runs on several threads ('std::for_each with std::execution::par') but is not thread-safe: an unsynchronised global update to 'checksum' via 'add_to_checksum'
}

void par_unseq_transform(std::vector<int> &in, std::vector<int> &out) {
  std::transform(std::execution::par_unseq, in.begin(), in.end(), out.begin(),
                 [](int v) { return v + rand(); });
  // CHECK-MESSAGES: :[[@LINE-1]]:18: warning: the lambda runs on several threads ('std::transform with std::execution::par_unseq') but is not thread-safe: a call of 'rand'
}

void omp_parallel_for(const unsigned char *data, int n) {
#pragma omp parallel for
  for (int i = 0; i < n; ++i)
    histogram[data[i]]++;
  // CHECK-MESSAGES: :[[@LINE-3]]:1: warning: this OpenMP region runs on several threads ('omp parallel for') but is not thread-safe: an unsynchronised global update to 'histogram'
  // CHECK-NOTES: :[[@LINE-2]]:23: note: unsynchronised global update to 'histogram'
}

void omp_parallel_region(char *line) {
#pragma omp parallel
  {
    strtok(line, ",");
  }
  // CHECK-MESSAGES: :[[@LINE-4]]:1: warning: this OpenMP region runs on several threads ('omp parallel') but is not thread-safe: a call of 'strtok'
}

void omp_task(int v) {
#pragma omp task
  add_to_checksum(v);
  // CHECK-MESSAGES: :[[@LINE-2]]:1: warning: this OpenMP region runs on several threads ('omp task') but is not thread-safe: an unsynchronised global update to 'checksum' via 'add_to_checksum'
}

void tbb_loop(int n) {
  tbb::parallel_for(0, n, [](int i) { histogram[i % 256] = i; });
  // CHECK-MESSAGES: :[[@LINE-1]]:27: warning: the lambda runs on several threads ('tbb::parallel_for') but is not thread-safe: an unsynchronised global write to 'histogram'
}

void concur_loop(int n) {
  concur::parallel_for(0, n, [](int i) { add_to_checksum(i); });
  // CHECK-MESSAGES: :[[@LINE-1]]:30: warning: the lambda runs on several threads ('concur::parallel_for') but is not thread-safe: an unsynchronised global update to 'checksum' via 'add_to_checksum'
}

void bs_pool(BS::thread_pool &pool, char *line) {
  pool.detach_task([line] { strtok(line, " "); });
  // CHECK-MESSAGES: :[[@LINE-1]]:20: warning: the lambda runs on several threads ('BS::thread_pool::detach_task') but is not thread-safe: a call of 'strtok'
}

// --- negative cases ---------------------------------------------------------------

// negative: OpenMP critical synchronises the write.
void omp_critical(const unsigned char *data, int n) {
#pragma omp parallel for
  for (int i = 0; i < n; ++i) {
#pragma omp critical
    histogram[data[i]]++;
  }
}

// negative: OpenMP atomic synchronises the update.
void omp_atomic(const int *data, int n) {
#pragma omp parallel for
  for (int i = 0; i < n; ++i) {
#pragma omp atomic
    checksum += data[i];
  }
}

// negative: a reduction into a local, no shared state.
long long omp_reduction(const int *data, int n) {
  long long sum = 0;
#pragma omp parallel for reduction(+ : sum)
  for (int i = 0; i < n; ++i)
    sum += data[i];
  return sum;
}

int scratch_counter = 0;
#pragma omp threadprivate(scratch_counter)
// negative: threadprivate globals are per thread.
void omp_threadprivate(int n) {
#pragma omp parallel for
  for (int i = 0; i < n; ++i)
    scratch_counter += i;
}

// negative: the sequenced policy runs on the calling thread.
void seq_policy(std::vector<int> &items) {
  std::for_each(std::execution::seq, items.begin(), items.end(),
                [](int v) { add_to_checksum(v); });
}

// negative: an atomic accumulator in a parallel algorithm.
void par_atomic(std::vector<int> &items) {
  std::for_each(std::execution::par, items.begin(), items.end(),
                [](int v) { checksum_atomic.fetch_add(v); });
}

// negative: a mutex-protected accumulator.
void par_locked(std::vector<int> &items) {
  std::for_each(std::execution::par, items.begin(), items.end(), [](int v) {
    std::lock_guard<std::mutex> guard(checksum_mutex);
    checksum += v;
  });
}

// negative: each iteration writes its own element of the output.
void tbb_own_slot(std::vector<double> &out) {
  tbb::parallel_for(0, 100, [&out](int i) { out[i] = i * 0.5; });
}

// negative: OpenMP simd vectorises on one thread.
void omp_simd(int n) {
#pragma omp simd
  for (int i = 0; i < n; ++i)
    histogram[i % 256] = i;
}
