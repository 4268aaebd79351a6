// CPU-bound work on pools with more workers than cores: constant sizes above
// MaxHardwareThreads (16 by default), multiples of the core count, and the
// runtime's I/O pool.
#include <concur_mock_posix.h>
#include <mock_pools.h>
#include <mock_std.h>

long rank(std::vector<long> &keys) {
  std::sort(keys.begin(), keys.end());
  return keys.empty() ? 0 : keys.front();
}

double energy(const std::vector<double> &xs) {
  double e = 0;
  for (double x : xs)
    e += exp(x * x * 0.5) + x * 1.5;
  return e;
}

// --- a constant size ----------------------------------------------------------

void rank_on_64(std::vector<std::vector<long>> &blocks) {
  concur::thread_pool pool(64);
  // CHECK-MESSAGES: :[[@LINE-1]]:28: warning: CPU work (sort work in 'std::sort' via 'rank') runs on a pool of 64 threads ('pool'): more workers than cores do not speed up CPU-bound work; use one worker per core (row: futures, core-sized pool)
  // CHECK-NOTES: :[[@LINE-2]]:28: note: row 'futures' (decision step 5): independent CPU tasks on a core-sized pool
  for (std::vector<long> &keys : blocks)
    pool.submit(rank, std::ref(keys));
  // CHECK-NOTES: :[[@LINE-1]]:10: note: the CPU work is submitted here
  // CHECK-NOTES: :[[@LINE-2]]:17: note: 'rank' is called here
  pool.wait();
}

void rank_lambda_on_100(std::vector<std::vector<long>> &blocks) {
  concur::thread_pool pool{100};
  // CHECK-MESSAGES: :[[@LINE-1]]:28: warning: CPU work (sort work in 'std::sort' via 'rank') runs on a pool of 100 threads ('pool')
  for (std::vector<long> &keys : blocks)
    pool.post([&keys] { rank(keys); });
}

void rank_named_size(std::vector<std::vector<long>> &blocks) {
  const int workers = 32;
  BS::thread_pool pool(workers);
  // CHECK-MESSAGES: :[[@LINE-1]]:24: warning: CPU work (sort work in 'std::sort' via 'rank') runs on a pool of 32 threads ('pool')
  for (std::vector<long> &keys : blocks)
    pool.detach_task([&keys] { rank(keys); });
  pool.wait();
}

void numeric_on_50(std::vector<std::vector<double>> &series) {
  concur::thread_pool pool(50);
  // CHECK-MESSAGES: :[[@LINE-1]]:28: warning: CPU work (math work in 'exp' via 'energy') runs on a pool of 50 threads ('pool'): more workers than cores do not speed up CPU-bound work; use one worker per core (row: joblib)
  for (const std::vector<double> &xs : series)
    pool.submit(energy, std::cref(xs));
}

// --- a multiple of the core count -----------------------------------------------

void rank_on_4x(std::vector<std::vector<long>> &blocks) {
  concur::thread_pool pool(4 * std::thread::hardware_concurrency());
  // CHECK-MESSAGES: :[[@LINE-1]]:28: warning: CPU work (sort work in 'std::sort' via 'rank') runs on a pool of 4 times the core count ('pool')
  for (std::vector<long> &keys : blocks)
    pool.submit(rank, std::ref(keys));
}

void rank_on_2x_named(std::vector<std::vector<long>> &blocks) {
  unsigned threads = std::thread::hardware_concurrency() * 2;
  concur::thread_pool pool(threads);
  // CHECK-MESSAGES: :[[@LINE-1]]:28: warning: CPU work (sort work in 'std::sort' via 'rank') runs on a pool of 2 times the core count ('pool')
  for (std::vector<long> &keys : blocks)
    pool.submit(rank, std::ref(keys));
}

void rank_on_shifted(std::vector<std::vector<long>> &blocks) {
  concur::thread_pool pool(std::thread::hardware_concurrency() << 3);
  // CHECK-MESSAGES: :[[@LINE-1]]:28: warning: CPU work (sort work in 'std::sort' via 'rank') runs on a pool of 8 times the core count ('pool')
  for (std::vector<long> &keys : blocks)
    pool.submit(rank, std::ref(keys));
}

// --- the I/O pool ------------------------------------------------------------------

void rank_on_io_pool(std::vector<std::vector<long>> &blocks) {
  for (std::vector<long> &keys : blocks)
    concur::io_pool().submit(rank, std::ref(keys));
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: CPU work (sort work in 'std::sort' via 'rank') runs on the I/O pool 'concur::io_pool()', sized for waiting: more workers than cores do not speed up CPU-bound work; use one worker per core (row: futures, core-sized pool)
}

void rank_on_io_reference(std::vector<std::vector<long>> &blocks) {
  concur::thread_pool &pool = concur::io_pool();
  // CHECK-MESSAGES: :[[@LINE-1]]:31: warning: CPU work (sort work in 'std::sort' via 'rank') runs on the I/O pool 'concur::io_pool()'
  for (std::vector<long> &keys : blocks)
    pool.submit(rank, std::ref(keys));
}

void rank_on_io_executor(std::vector<std::vector<long>> &blocks) {
  concur::executor ex(concur::io_pool());
  // CHECK-MESSAGES: :[[@LINE-1]]:23: warning: CPU work (sort work in 'std::sort' via 'rank') runs on the I/O pool 'concur::io_pool()'
  for (std::vector<long> &keys : blocks)
    ex.submit(rank, std::ref(keys));
}

void rank_on_sized_executor(std::vector<std::vector<long>> &blocks) {
  concur::thread_pool pool(200);
  // CHECK-MESSAGES: :[[@LINE-1]]:28: warning: CPU work (sort work in 'std::sort' via 'rank') runs on a pool of 200 threads ('pool')
  concur::executor ex(pool);
  for (std::vector<long> &keys : blocks)
    ex.submit(rank, std::ref(keys));
}

// --- TBB arenas ----------------------------------------------------------------------

void rank_in_arena(std::vector<std::vector<long>> &blocks) {
  tbb::task_arena arena(64);
  // CHECK-MESSAGES: :[[@LINE-1]]:25: warning: CPU work (sort work in 'std::sort' via 'rank') runs on a pool of 64 threads ('arena')
  for (std::vector<long> &keys : blocks)
    arena.enqueue([&keys] { rank(keys); });
}

// --- thread-unsafe CPU work: processes -------------------------------------------------

void scramble(char *text) {
  for (char *word = strtok(text, " "); word; word = strtok(nullptr, " "))
    for (char *c = word; *c; ++c)
      *c = char(*c ^ 0x20) + char(rand() % 3);
}

void scramble_on_io_pool(std::vector<char *> &texts) {
  for (char *text : texts)
    concur::io_pool().post([text] { scramble(text); });
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: CPU work
  // CHECK-NOTES: :[[@LINE-2]]:5: note: row 'multiprocessing' (decision step 5): CPU work that is not thread-safe
}
