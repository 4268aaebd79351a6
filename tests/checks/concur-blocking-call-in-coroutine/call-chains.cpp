// Blocking calls reached through helpers, member functions, virtual calls and
// recursion: the warning is at the call in the coroutine, the notes walk the
// chain down to the blocking API.
#include <concur_mock_posix.h>
#include <curl/curl.h>
#include <mock_std.h>
#include <mock_task.h>
#include <sqlite3.h>

// --- one, two and three levels ----------------------------------------------

long read_request(int fd, char *buf) {
  return recv(fd, buf, 512, 0);
}

concur::task<long> handle(int fd) {
  char buf[512];
  long n = read_request(fd, buf);
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'read_request' blocks on network I/O ('recv') inside coroutine 'handle'; use its asynchronous form or run_in_executor (row: asyncio)
  // CHECK-NOTES: :[[@LINE-2]]:12: note: 'read_request' is called here
  // CHECK-NOTES: :[[@LINE-8]]:10: note: 'recv' blocks on network I/O
  // CHECK-NOTES: :[[@LINE-4]]:12: note: asynchronous form of 'recv': a non-blocking socket on an event loop
  co_return n;
}

int run_sql(sqlite3 *db, const char *sql) {
  return sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
}

int load_user(sqlite3 *db, int id) {
  char sql[64];
  snprintf(sql, sizeof sql, "select * from users where id = %d", id);
  return run_sql(db, sql);
}

concur::task<int> profile_page(sqlite3 *db, int id) {
  int rc = load_user(db, id);
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'load_user' blocks on database I/O ('sqlite3_exec') inside coroutine 'profile_page'
  // CHECK-NOTES: :[[@LINE-2]]:12: note: 'load_user' is called here
  // CHECK-NOTES: :[[@LINE-7]]:10: note: 'run_sql' is called here
  // CHECK-NOTES: :[[@LINE-14]]:10: note: 'sqlite3_exec' blocks on database I/O
  co_return rc;
}

void pause_briefly() { usleep(5000); }
void retry_step() { pause_briefly(); }
void retry_policy(int attempt) {
  if (attempt > 0)
    retry_step();
}

concur::task<void> reconnect(int attempts) {
  for (int i = 0; i < attempts; ++i) {
    retry_policy(i);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'retry_policy' blocks on sleep I/O ('usleep') inside coroutine 'reconnect'
    // CHECK-NOTES: :[[@LINE-7]]:5: note: 'retry_step' is called here
    // CHECK-NOTES: :[[@LINE-11]]:21: note: 'pause_briefly' is called here
    // CHECK-NOTES: :[[@LINE-13]]:24: note: 'usleep' blocks on sleep I/O
    co_await concur::sleep_for(std::chrono::milliseconds(1));
  }
}

// --- member functions ---------------------------------------------------------

class Client {
public:
  int fetch() { return int(curl_easy_perform(handle_)); }
  int cached() const { return last_; }

private:
  CURL *handle_ = nullptr;
  int last_ = 0;
};

concur::task<int> refresh(Client &c) {
  int rc = c.fetch();
  // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: 'Client::fetch' blocks on network I/O ('curl_easy_perform') inside coroutine 'refresh'
  // CHECK-NOTES: :[[@LINE-2]]:14: note: asynchronous form of 'curl_easy_perform': co_await concur::http::client::get/request
  co_return rc;
}

// negative: a getter on the same class does not block
concur::task<int> peek(const Client &c) { co_return c.cached(); }

// --- several kinds in one helper ------------------------------------------------

// A write beside a network round trip is not named (a fraction of it);
// flushing to stable storage is.
void mirror(int sock, int fd) {
  char buf[1024];
  long n = recv(sock, buf, sizeof buf, 0);
  write(fd, buf, (unsigned long)n);
  fsync(fd);
  send(sock, "ok", 2, 0);
}

concur::task<void> relay(int sock, int fd) {
  mirror(sock, fd);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'mirror' blocks on file and network I/O ('fsync') inside coroutine 'relay'
  co_return;
}

// --- the same helper twice: each call is a stall of its own ---------------------

concur::task<long> two_reads(int fd) {
  char a[512], b[512];
  long n = read_request(fd, a);
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'read_request' blocks on network I/O ('recv') inside coroutine 'two_reads'
  n += read_request(fd, b);
  // CHECK-MESSAGES: :[[@LINE-1]]:8: warning: 'read_request' blocks on network I/O ('recv') inside coroutine 'two_reads'
  co_return n;
}

// --- recursion ------------------------------------------------------------------

int drain(int fd, int depth) {
  char buf[64];
  if (depth == 0)
    return 0;
  recv(fd, buf, sizeof buf, 0);
  return drain(fd, depth - 1);
}

concur::task<int> drain_all(int fd) {
  co_return drain(fd, 8);
  // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: 'drain' blocks on network I/O ('recv') inside coroutine 'drain_all'
}

bool ping_peer(int fd, int n);
bool pong_peer(int fd, int n) { return n > 0 && ping_peer(fd, n - 1); }
bool ping_peer(int fd, int n) {
  return send(fd, "p", 1, 0) == 1 && pong_peer(fd, n);
}

concur::task<bool> keepalive(int fd) {
  bool ok = ping_peer(fd, 3);
  // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: 'ping_peer' blocks on network I/O ('send') inside coroutine 'keepalive'
  co_return ok;
}

int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

// negative: a recursive helper that only computes does not block
concur::task<int> fib_task(int n) { co_return fib(n); }

// --- virtual calls --------------------------------------------------------------

struct Source {
  virtual ~Source() = default;
  virtual long next(char *buf) = 0;
};
struct SocketSource : Source {
  int fd = 0;
  long next(char *buf) override { return recv(fd, buf, 256, 0); }
};
struct MemorySource final : Source {
  const char *data = "";
  long next(char *buf) override {
    buf[0] = data[0];
    return 1;
  }
};

concur::task<long> pull(Source &src) {
  char buf[256];
  long n = src.next(buf);
  // CHECK-MESSAGES: :[[@LINE-1]]:16: warning: 'Source::next (virtual; assumed SocketSource::next)' blocks on network I/O ('recv') inside coroutine 'pull'
  co_return n;
}

// negative: a call on a final class has one target, and it does not block
concur::task<long> pull_memory(MemorySource &src) {
  char buf[4];
  co_return src.next(buf);
}

// negative: a qualified call is not virtual; its one target does not block
concur::task<long> pull_memory_qualified(MemorySource &src) {
  char buf[4];
  co_return src.MemorySource::next(buf);
}

// --- what the analysis cannot see -----------------------------------------------

long fetch_elsewhere(int fd); // defined in another translation unit

// negative: a callee without a body here is not analysed (the summaries
// database of concur-advise links it across translation units)
concur::task<long> opaque(int fd) { co_return fetch_elsewhere(fd); }

// negative: a call through a function pointer has no known target
concur::task<long> indirect(long (*reader)(int, char *), int fd) {
  char buf[8];
  co_return reader(fd, buf);
}
