// Direct blocking calls of every kind inside a coroutine: each one stalls the
// event loop and every other task on it (row: asyncio, decision step 2).
#include <concur_mock_posix.h>
#include <curl/curl.h>
#include <libpq-fe.h>
#include <mock_std.h>
#include <mock_task.h>
#include <mysql.h>
#include <openssl/ssl.h>
#include <sqlite3.h>

// --- network ------------------------------------------------------------------

concur::task<int> serve(int fd) {
  char buf[256];
  long n = recv(fd, buf, sizeof buf, 0);
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'recv' blocks on network I/O inside coroutine 'serve'; use its asynchronous form or run_in_executor (row: asyncio)
  // CHECK-NOTES: :[[@LINE-2]]:12: note: row 'asyncio' (decision step 2): blocking call on the event loop
  // CHECK-NOTES: :[[@LINE-3]]:12: note: 'recv' blocks on network I/O
  // CHECK-NOTES: :[[@LINE-4]]:12: note: asynchronous form of 'recv': a non-blocking socket on an event loop
  send(fd, buf, n, 0);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'send' blocks on network I/O inside coroutine 'serve'
  co_return int(n);
}

concur::task<int> dial(const sockaddr *addr) {
  int fd = socket(2, 1, 0);
  connect(fd, addr, 16);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'connect' blocks on network I/O inside coroutine 'dial'
  co_return fd;
}

concur::task<void> acceptor(int listener) {
  for (;;) {
    int client = accept(listener, nullptr, nullptr);
    // CHECK-MESSAGES: :[[@LINE-1]]:18: warning: 'accept' blocks on network I/O inside coroutine 'acceptor'
    (void)client;
    co_await concur::sleep_for(std::chrono::milliseconds(0));
  }
}

concur::task<void> resolve(const char *host) {
  addrinfo *res = nullptr;
  getaddrinfo(host, "443", nullptr, &res);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'getaddrinfo' blocks on network I/O inside coroutine 'resolve'
  // CHECK-NOTES: :[[@LINE-2]]:3: note: asynchronous form of 'getaddrinfo': getaddrinfo_a, or resolve on an I/O pool with run_in_executor
  freeaddrinfo(res);
  co_return;
}

concur::task<int> download(CURL *curl) {
  CURLcode rc = curl_easy_perform(curl);
  // CHECK-MESSAGES: :[[@LINE-1]]:17: warning: 'curl_easy_perform' blocks on network I/O inside coroutine 'download'
  // CHECK-NOTES: :[[@LINE-2]]:17: note: asynchronous form of 'curl_easy_perform': co_await concur::http::client::get/request (curl_multi on the event loop)
  co_return int(rc);
}

concur::task<int> tls_read(SSL *ssl, char *buf) {
  int n = SSL_read(ssl, buf, 512);
  // CHECK-MESSAGES: :[[@LINE-1]]:11: warning: 'SSL_read' blocks on network I/O inside coroutine 'tls_read'
  co_return n;
}

// --- files --------------------------------------------------------------------

concur::task<long> load(const char *path, char *out) {
  int fd = open(path, 0);
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'open' blocks on file I/O inside coroutine 'load'
  long n = read(fd, out, 4096);
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'read' blocks on file I/O inside coroutine 'load'
  co_return n;
}

concur::task<unsigned long> slurp(FILE *f, char *out) {
  unsigned long n = fread(out, 1, 4096, f);
  // CHECK-MESSAGES: :[[@LINE-1]]:21: warning: 'fread' blocks on file I/O inside coroutine 'slurp'
  co_return n;
}

concur::task<int> durable(int fd) {
  int rc = fsync(fd);
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'fsync' blocks on file I/O inside coroutine 'durable'
  co_return rc;
}

concur::task<bool> config_present(const std::filesystem::path &p) {
  bool there = std::filesystem::exists(p);
  // CHECK-MESSAGES: :[[@LINE-1]]:16: warning: 'std::filesystem::exists' blocks on file I/O inside coroutine 'config_present'
  co_return there;
}

// --- databases ----------------------------------------------------------------

concur::task<int> next_row(sqlite3_stmt *stmt) {
  int rc = sqlite3_step(stmt);
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'sqlite3_step' blocks on database I/O inside coroutine 'next_row'
  co_return rc;
}

concur::task<int> pg_count(PGconn *conn) {
  PGresult *res = PQexec(conn, "select count(*) from t");
  // CHECK-MESSAGES: :[[@LINE-1]]:19: warning: 'PQexec' blocks on database I/O inside coroutine 'pg_count'
  // CHECK-NOTES: :[[@LINE-2]]:19: note: asynchronous form of 'PQexec': PQsendQuery/PQsendQueryParams with PQconsumeInput
  int n = PQntuples(res);
  PQclear(res);
  co_return n;
}

concur::task<int> my_update(MYSQL *db) {
  int rc = mysql_query(db, "update t set x = 1");
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'mysql_query' blocks on database I/O inside coroutine 'my_update'
  co_return rc;
}

// --- sleeps -------------------------------------------------------------------

concur::task<void> backoff_posix(unsigned seconds) {
  sleep(seconds);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'sleep' blocks on sleep I/O inside coroutine 'backoff_posix'
  // CHECK-NOTES: :[[@LINE-2]]:3: note: asynchronous form of 'sleep': co_await concur::sleep_for on the event loop, or a timer
  usleep(1000);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'usleep' blocks on sleep I/O inside coroutine 'backoff_posix'
  co_return;
}

// --- waiting on other threads -------------------------------------------------

concur::task<int> await_future(std::future<int> fut) {
  int v = fut.get();
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: 'std::future<int>::get' blocks on sync I/O inside coroutine 'await_future'
  co_return v;
}

concur::task<void> join_worker(std::thread &worker) {
  worker.join();
  // CHECK-MESSAGES: :[[@LINE-1]]:10: warning: 'std::thread::join' blocks on sync I/O inside coroutine 'join_worker'
  co_return;
}

std::mutex queue_mutex;
std::condition_variable queue_ready;

concur::task<void> wait_for_work() {
  std::unique_lock<std::mutex> lock(queue_mutex);
  queue_ready.wait(lock);
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: 'std::condition_variable::wait' blocks on sync I/O inside coroutine 'wait_for_work'
  co_return;
}

concur::task<void> rendezvous(std::latch &done, pthread_t t) {
  done.wait();
  // CHECK-MESSAGES: :[[@LINE-1]]:8: warning: 'std::latch::wait' blocks on sync I/O inside coroutine 'rendezvous'
  pthread_join(t, nullptr);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'pthread_join' blocks on sync I/O inside coroutine 'rendezvous'
  co_return;
}

// --- processes and ipc --------------------------------------------------------

concur::task<int> run_tool(const char *cmd) {
  int rc = system(cmd);
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'system' blocks on process I/O inside coroutine 'run_tool'
  // CHECK-NOTES: :[[@LINE-2]]:12: note: asynchronous form of 'system': start the child with posix_spawn
  co_return rc;
}

concur::task<int> reap(int pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'waitpid' blocks on process I/O inside coroutine 'reap'
  co_return status;
}

concur::task<long> next_message(int queue, void *msg) {
  long n = msgrcv(queue, msg, 128, 0, 0);
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'msgrcv' blocks on ipc I/O inside coroutine 'next_message'
  co_return n;
}

// --- what stays silent --------------------------------------------------------

// negative: console output is cheap per call; it is not a wait worth a warning
concur::task<void> log_progress(int done, int total) {
  printf("%d/%d\n", done, total);
  puts("ok");
  std::cout << done << "\n";
  co_return;
}

// negative: an uncontended lock is quick (cost below SubstantialBlocking)
concur::task<int> bump(std::mutex &m, int &counter) {
  std::lock_guard<std::mutex> guard(m);
  co_return ++counter;
}

// negative: plain computation and cheap library calls do not block
concur::task<unsigned long> measure(const char *s, char *copy) {
  unsigned long n = strlen(s);
  memcpy(copy, s, n);
  co_return n;
}

// negative: a plain function is not a coroutine; the loop checks look at it
int blocking_but_not_a_coroutine(int fd) {
  char buf[16];
  return int(recv(fd, buf, sizeof buf, 0));
}
