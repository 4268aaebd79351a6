// Blocking I/O and sleeps while a std::lock_guard, std::unique_lock,
// std::scoped_lock or std::shared_lock holds a mutex, directly and through
// callees; and the same code with the lock released before the I/O.
#include <concur_mock_posix.h>
#include <curl/curl.h>
#include <mock_std.h>
#include <sqlite3.h>

std::mutex cache_mutex;
std::shared_mutex table_mutex;
std::mutex log_mutex;
int cache_size = 0;

// --- direct calls under a guard -----------------------------------------------

void store_direct(int fd, const char *buf) {
  std::lock_guard<std::mutex> guard(cache_mutex);
  write(fd, buf, 64);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'write' blocks on file I/O while 'cache_mutex' is locked; release the lock before waiting or hand the I/O to a worker (row: threading)
  // CHECK-NOTES: :[[@LINE-2]]:3: note: row 'threading' (decision step 4)
  // CHECK-NOTES: :[[@LINE-4]]:31: note: 'cache_mutex' is locked here by 'std::lock_guard'
  // CHECK-NOTES: :[[@LINE-4]]:3: note: 'write' blocks on file I/O
  ++cache_size;
}

void refresh_ctad(int sock, char *buf) {
  std::lock_guard guard(cache_mutex);
  recv(sock, buf, 512, 0);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'recv' blocks on network I/O while 'cache_mutex' is locked
}

void nap_under_unique_lock() {
  std::unique_lock<std::mutex> lock(cache_mutex);
  std::this_thread::sleep_for(std::chrono::milliseconds(10));
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'std::this_thread::sleep_for' blocks on sleep I/O while 'cache_mutex' is locked
}

void transfer(std::mutex &a, std::mutex &b, sqlite3 *db) {
  std::scoped_lock both(a, b);
  sqlite3_exec(db, "update accounts set balance = 0", nullptr, nullptr, nullptr);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'sqlite3_exec' blocks on database I/O while 'b' is locked
}

int read_table(int fd, char *buf) {
  std::shared_lock<std::shared_mutex> reader(table_mutex);
  return (int)read(fd, buf, 128);
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: 'read' blocks on file I/O while 'table_mutex' is locked
}

void run_child_locked() {
  std::lock_guard<std::mutex> guard(cache_mutex);
  system("make all");
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'system' blocks on process I/O while 'cache_mutex' is locked
}

// --- through callees ------------------------------------------------------------

static size_t ignore_body(char *, size_t size, size_t n, void *) { return size * n; }

long download(const char *url) {
  CURL *curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_URL, url);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, ignore_body);
  long rc = curl_easy_perform(curl);
  curl_easy_cleanup(curl);
  return rc;
}

long refresh_entry(const char *url) {
  long rc = download(url);
  return rc;
}

void refresh_cache(const char *url) {
  std::lock_guard<std::mutex> guard(cache_mutex);
  refresh_entry(url);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'refresh_entry' blocks on network I/O ('curl_easy_perform') while 'cache_mutex' is locked
  // CHECK-NOTES: :[[@LINE-2]]:3: note: 'refresh_entry' is called here
  // CHECK-NOTES: :[[@LINE-9]]:13: note: 'download' is called here
  // CHECK-NOTES: :[[@LINE-16]]:13: note: 'curl_easy_perform' blocks on network I/O
  ++cache_size;
}

void append_line(const char *path, const char *line) {
  FILE *f = fopen(path, "a");
  fputs(line, f);
  fclose(f);
}

void log_event(const char *line) {
  std::lock_guard<std::mutex> guard(log_mutex);
  append_line("/var/log/app.log", line);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'append_line' blocks on file I/O ('fopen') while 'log_mutex' is locked
}

struct Store {
  std::mutex mu;
  int fd = -1;
  void flush_to_disk(const char *buf) { write(fd, buf, 4096); fsync(fd); }
  void put(const char *buf) {
    std::lock_guard<std::mutex> guard(mu);
    flush_to_disk(buf);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'Store::flush_to_disk' blocks on file I/O ('fsync') while 'mu' is locked
  }
};

// --- nested scopes: the guard ends with its block -------------------------------

void nested_scope(int fd, char *buf) {
  {
    std::lock_guard<std::mutex> guard(cache_mutex);
    ++cache_size;
    {
      pread(fd, buf, 64, 0);
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'pread' blocks on file I/O while 'cache_mutex' is locked
    }
  }
  write(fd, buf, 64);
}

void loop_under_lock(int fd, char *buf, int n) {
  std::lock_guard<std::mutex> guard(cache_mutex);
  for (int i = 0; i < n; ++i)
    send(fd, buf + i, 1, 0);
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'send' blocks on network I/O while 'cache_mutex' is locked
}

void lock_in_if_init(int fd, char *buf) {
  if (std::lock_guard guard(cache_mutex); cache_size > 0)
    write(fd, buf, cache_size);
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'write' blocks on file I/O while 'cache_mutex' is locked
  write(fd, buf, 1);
}

// A lambda called under the lock runs under it.
void lambda_called_under_lock(int fd) {
  auto save = [fd] { fsync(fd); };
  std::lock_guard<std::mutex> guard(cache_mutex);
  save();
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'lambda' blocks on file I/O ('fsync') while 'cache_mutex' is locked
}

// Inside a lambda body: the lambda holds the lock itself.
void lambda_with_its_own_lock(int fd) {
  auto save = [fd] {
    std::lock_guard<std::mutex> guard(cache_mutex);
    fsync(fd);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'fsync' blocks on file I/O while 'cache_mutex' is locked
  };
  save();
}

// --- negative cases -------------------------------------------------------------

// negative: the lock is released (end of scope) before the write.
void copy_then_write(int fd) {
  int snapshot;
  {
    std::lock_guard<std::mutex> guard(cache_mutex);
    snapshot = cache_size;
  }
  write(fd, &snapshot, sizeof snapshot);
}

// negative: unique_lock::unlock() before the I/O.
void unlock_then_send(int sock, char *buf) {
  std::unique_lock<std::mutex> lock(cache_mutex);
  int n = cache_size;
  lock.unlock();
  send(sock, buf, n, 0);
}

// negative: a deferred unique_lock holds nothing until lock().
void deferred_lock(int fd, char *buf) {
  std::unique_lock<std::mutex> lock(cache_mutex, std::defer_lock);
  read(fd, buf, 64);
  lock.lock();
  ++cache_size;
}

// relocked: the I/O after lock() is under the lock again.
void relock(int fd, char *buf) {
  std::unique_lock<std::mutex> lock(cache_mutex, std::defer_lock);
  lock.lock();
  read(fd, buf, 64);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'read' blocks on file I/O while 'cache_mutex' is locked
}

std::condition_variable ready_cv;
bool ready = false;

// negative: a condition variable's wait releases the lock while it waits.
void wait_ready() {
  std::unique_lock<std::mutex> lock(cache_mutex);
  ready_cv.wait(lock, [] { return ready; });
  ++cache_size;
}

// negative: console output under a lock keeps lines whole and is cheap.
void print_locked(int v) {
  std::lock_guard<std::mutex> guard(log_mutex);
  printf("value %d\n", v);
}

// negative: CPU work and memory under a lock are not waiting.
int sum_locked(const int *values, int n) {
  std::lock_guard<std::mutex> guard(cache_mutex);
  int total = 0;
  for (int i = 0; i < n; ++i)
    total += values[i];
  return total;
}

// negative: a lambda written under the lock runs later, elsewhere.
void lambda_defined_under_lock(int fd, std::vector<std::thread> &workers) {
  std::lock_guard<std::mutex> guard(cache_mutex);
  workers.push_back(std::thread([fd] { fsync(fd); }));
}

std::atomic<int> hits{0};
// negative: no lock at all, only an atomic.
void count_and_write(int fd) {
  hits.fetch_add(1);
  write(fd, "x", 1);
}

std::once_flag init_flag;
void open_log() { fopen("/tmp/app.log", "a"); }
// negative: std::call_once is not a mutex the caller holds.
void init_once() { std::call_once(init_flag, open_log); }

// negative: a temporary guard locks and unlocks within its statement.
void temporary_guard(int fd) {
  std::lock_guard<std::mutex>{cache_mutex};
  fsync(fd);
}
