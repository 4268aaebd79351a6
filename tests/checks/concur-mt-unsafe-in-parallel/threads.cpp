// Callables given to std::thread, std::jthread, std::async, pthread_create
// and pools: MT-unsafe calls and unsynchronised writes to globals and
// statics, direct and through callees; and the thread-safe versions.
#include <concur_mock_posix.h>
#include <mock_concur_models.h>
#include <mock_pools.h>
#include <mock_std.h>

int processed = 0;
std::atomic<int> processed_atomic{0};
std::mutex processed_mutex;

// --- MT-unsafe libc calls -------------------------------------------------------

int count_words(char *line) {
  int n = 0;
  for (char *w = strtok(line, " "); w; w = strtok(nullptr, " "))
    ++n;
  return n;
}

void tokenize_worker(char *line) { count_words(line); }

void start_tokenizers(char **lines, int n) {
  for (int i = 0; i < n; ++i) {
    std::thread t(tokenize_worker, lines[i]);
    // CHECK-MESSAGES: :[[@LINE-1]]:19: warning: 'tokenize_worker' runs on several threads ('std::thread') but is not thread-safe: a call of 'strtok' via 'count_words'; synchronise it or use thread-safe forms (row: sequential)
    // CHECK-NOTES: :[[@LINE-2]]:19: note: 'tokenize_worker' is called here
    // CHECK-NOTES: :[[@LINE-7]]:36: note: 'count_words' is called here
    // CHECK-NOTES: :[[@LINE-13]]:44: note: 'strtok' is not thread-safe
    // CHECK-NOTES: :[[@LINE-5]]:19: note: thread-safe form of 'strtok': strtok_r
    t.detach();
  }
}

void stamp(char *out) {
  time_t now = time(nullptr);
  struct tm *parts = localtime(&now);
  snprintf(out, 32, "%d", parts->tm_hour);
}

void start_stampers(char (*out)[32], int n) {
  for (int i = 0; i < n; ++i) {
    std::jthread t([out, i] { stamp(out[i]); });
    // CHECK-MESSAGES: :[[@LINE-1]]:20: warning: the lambda runs on several threads ('std::jthread') but is not thread-safe: a call of 'localtime' via 'stamp'
  }
}

void start_async_envs(int n) {
  for (int i = 0; i < n; ++i)
    auto f = std::async(std::launch::async, [] { return getenv("HOME") != nullptr; });
  // CHECK-MESSAGES: :[[@LINE-1]]:45: warning: the lambda runs on several threads ('std::async') but is not thread-safe: a call of 'getenv'
}

void *posix_worker(void *arg) {
  char *msg = strerror(*(int *)arg);
  return msg;
}

void start_posix(int *errs, int n) {
  pthread_t tids[8];
  for (int i = 0; i < n && i < 8; ++i)
    pthread_create(&tids[i], nullptr, posix_worker, &errs[i]);
  // CHECK-MESSAGES: :[[@LINE-1]]:39: warning: 'posix_worker' runs on several threads ('pthread_create') but is not thread-safe: a call of 'strerror'
}

// --- unsynchronised writes --------------------------------------------------------

void bump() { ++processed; }
void handle_item(int) { bump(); }

void start_counter_threads(std::vector<std::thread> &threads) {
  for (int i = 0; i < 4; ++i)
    threads.push_back(std::thread(handle_item, i));
  // CHECK-MESSAGES: :[[@LINE-1]]:35: warning: 'handle_item' runs on several threads ('std::thread') but is not thread-safe: an unsynchronised global update to 'processed' via 'bump'
  // CHECK-NOTES: :[[@LINE-2]]:35: note: 'handle_item' is called here
  // CHECK-NOTES: :[[@LINE-7]]:25: note: 'bump' is called here
  // CHECK-NOTES: :[[@LINE-9]]:15: note: unsynchronised global update to 'processed'
}

int next_id() {
  static int counter = 0;
  return ++counter;
}

void submit_ids(concur::thread_pool &pool) {
  auto make = [] { return next_id(); };
  auto f = pool.submit(make);
  // CHECK-MESSAGES: :[[@LINE-1]]:24: warning: the lambda runs on several threads ('concur::thread_pool::submit') but is not thread-safe: an unsynchronised static update to 'counter' via 'next_id'
}

double totals[64];
void accumulate_row(int row) {
  for (int i = 0; i < 1000; ++i)
    totals[row % 64] += i * 0.5;
}

void submit_rows(concur::thread_pool &pool, int rows) {
  for (int r = 0; r < rows; ++r)
    pool.post([r] { accumulate_row(r); });
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: the lambda runs on several threads ('concur::thread_pool::post') but is not thread-safe: an unsynchronised global update to 'totals' via 'accumulate_row'; synchronise it or use thread-safe forms, or run it in worker processes (row: multiprocessing)
  // CHECK-NOTES: :[[@LINE-2]]:15: note: row 'multiprocessing' (decision step 5)
}

unsigned seed_state = 1;
int simulate(int scale) {
  int hits = 0;
  for (int i = 0; i < 100000; ++i)
    if ((rand() % 1000) * scale > i % 997)
      ++hits;
  return hits;
}

void run_in_cpu_pool(int steps) {
  auto f = concur::cpu_pool().submit(simulate, steps);
  // CHECK-MESSAGES: :[[@LINE-1]]:38: warning: 'simulate' runs on several threads ('concur::thread_pool::submit') but is not thread-safe: a call of 'rand'; synchronise it or use thread-safe forms, or run it in worker processes (row: multiprocessing)
}

void through_executor(concur::executor &ex, char *line) {
  auto f = ex.submit([line] { return count_words(line); });
  // CHECK-MESSAGES: :[[@LINE-1]]:22: warning: the lambda runs on several threads ('concur::executor::submit') but is not thread-safe: a call of 'strtok' via 'count_words'
}

// --- negative cases ---------------------------------------------------------------

// negative: strtok_r keeps its state in the caller's buffer.
int count_words_r(char *line) {
  char *save = nullptr;
  int n = 0;
  for (char *w = strtok_r(line, " ", &save); w; w = strtok_r(nullptr, " ", &save))
    ++n;
  return n;
}
void start_tokenizer_r(char **lines, int n) {
  for (int i = 0; i < n; ++i) {
    std::thread t([lines, i] { count_words_r(lines[i]); });
    t.detach();
  }
}

// negative: an atomic counter.
void bump_atomic() { processed_atomic.fetch_add(1); }
void start_atomic_counter() {
  for (int i = 0; i < 4; ++i)
    std::thread(bump_atomic).detach();
}

// negative: the write is made under a mutex.
void bump_locked() {
  std::lock_guard<std::mutex> guard(processed_mutex);
  ++processed;
}
void start_locked_counter() {
  for (int i = 0; i < 4; ++i)
    std::thread(bump_locked).detach();
}

// negative: std::call_once runs the initialisation under its own lock.
std::once_flag config_once;
int config_value = 0;
void load_config() { config_value = 42; }
void read_config_once() { std::call_once(config_once, load_config); }
void start_config_readers() {
  for (int i = 0; i < 2; ++i)
    std::thread(read_config_once).detach();
}

// negative: thread_local state is per thread.
thread_local int per_thread_count = 0;
void bump_thread_local() { ++per_thread_count; }
void start_thread_local() {
  for (int i = 0; i < 4; ++i)
    std::thread(bump_thread_local).detach();
}

// negative: worker processes have their own memory.
void in_processes(concur::process_pool &pool, char *line) {
  auto f = pool.submit(tokenize_worker, line);
}

// negative: a deferred std::async runs on the thread that waits for it.
auto deferred_env() {
  return std::async(std::launch::deferred, [] { return getenv("HOME") != nullptr; });
}

// negative: the function is declared thread-safe by its author.
[[clang::annotate("concur::thread_safe")]] void audited_worker() { ++processed; }
void start_audited() {
  for (int i = 0; i < 4; ++i)
    std::thread(audited_worker).detach();
}

// negative: std::for_each without a policy calls the lambda on this thread.
void sequential_each(std::vector<int> &items) {
  std::for_each(items.begin(), items.end(), [](int) { ++processed; });
}

// negative: only locals and the lambda's own captures are written.
void start_pure(std::vector<int> *outs, int n) {
  for (int k = 0; k < n; ++k) {
    std::thread t([out = &outs[k]] {
      int local = 0;
      for (int i = 0; i < 10; ++i)
        local += i;
      out->push_back(local);
    });
    t.detach();
  }
}

// negative: one thread started outside any loop (a maintenance or logger
// thread) runs its function on one thread: strtok there races with nothing
// the analysis can show.
void start_one_tokenizer(char *line) {
  std::thread t(tokenize_worker, line);
  t.join();
}
void *log_flusher(void *arg) {
  char *msg = strerror(*(int *)arg);
  return msg;
}
void start_logger(int *err) {
  pthread_t tid;
  pthread_create(&tid, nullptr, log_flusher, err);
}
