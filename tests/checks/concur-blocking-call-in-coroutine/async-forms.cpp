// What a coroutine may call without stalling the loop: asynchronous
// operations it co_awaits, other coroutines (their own bodies are checked
// where they are defined), non-blocking library APIs, and blocking work handed
// to an executor. Blocking synchronous forms of the same libraries still warn.
#include <asio.hpp>
#include <concur_mock_posix.h>
#include <curl/curl.h>
#include <libpq-fe.h>
#include <mock_pools.h>
#include <mock_std.h>
#include <mock_task.h>
#include <mysql.h>

// concur's runtime: run_in_executor is in the knowledge base (it runs the
// callable on the pool); the pools come from mock_pools.h.
namespace concur {
thread_pool &cpu_pool();
thread_pool &io_pool();
template <class F, class... A>
task<std::invoke_result_t<std::decay_t<F>, std::decay_t<A>...>>
run_in_executor(thread_pool &pool, F &&f, A &&...args) {
  using R = std::invoke_result_t<std::decay_t<F>, std::decay_t<A>...>;
  return task<R>(typename task<R>::handle_type());
}
} // namespace concur

// --- awaiting other coroutines --------------------------------------------------

concur::task<long> blocking_reader(int fd) {
  char buf[64];
  co_return recv(fd, buf, sizeof buf, 0);
  // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: 'recv' blocks on network I/O inside coroutine 'blocking_reader'
}

// negative: awaiting a coroutine only resumes it; its recv is reported once,
// in 'blocking_reader' itself, not at every await
concur::task<long> caller(int fd) {
  long n = co_await blocking_reader(fd);
  n += co_await blocking_reader(fd);
  co_return n;
}

// negative: creating a coroutine without awaiting it does not run its body here
concur::task<void> fire_and_forget(int fd) {
  concur::task<long> pending = blocking_reader(fd);
  pending.start();
  co_return;
}

concur::task<int> compute() { co_return 42; }

// negative: chains of coroutines that only await each other
concur::task<int> pipeline() {
  int a = co_await compute();
  int b = co_await compute();
  co_return a + b;
}

// --- timers -----------------------------------------------------------------------

// negative: concur's asynchronous sleep suspends the task, not the thread
concur::task<void> tick() {
  co_await concur::sleep_for(std::chrono::milliseconds(100));
  co_await concur::sleep_until(std::chrono::steady_clock::now() +
                               std::chrono::seconds(1));
}

// --- Asio: async_* with use_awaitable, and the synchronous forms ---------------

// negative: async_* operations are listed as asynchronous in the knowledge base
concur::task<std::size_t> echo_async(asio::ip::tcp::socket &sock) {
  char buf[128];
  std::size_t n =
      co_await sock.async_read_some(asio::buffer(buf), asio::use_awaitable);
  co_await asio::async_write(sock, asio::buffer(buf, n), asio::use_awaitable);
  co_return n;
}

// negative: an Asio timer awaited asynchronously
concur::task<void> asio_delay(asio::steady_timer &timer) {
  timer.expires_after(std::chrono::milliseconds(5));
  co_await timer.async_wait(asio::use_awaitable);
}

concur::task<std::size_t> echo_sync(asio::ip::tcp::socket &sock) {
  char buf[128];
  std::size_t n = sock.read_some(asio::buffer(buf));
  // CHECK-MESSAGES: :[[@LINE-1]]:24: warning: 'asio::basic_stream_socket<asio::ip::tcp>::read_some' blocks on network I/O inside coroutine 'echo_sync'
  // CHECK-NOTES: :[[@LINE-2]]:24: note: asynchronous form of 'asio::basic_stream_socket<asio::ip::tcp>::read_some': the async_* form with co_await (asio::use_awaitable) on the io_context
  co_return n;
}

concur::task<void> asio_sleep(asio::steady_timer &timer) {
  timer.wait();
  // CHECK-MESSAGES: :[[@LINE-1]]:9: warning: 'asio::basic_waitable_timer<std::chrono::steady_clock>::wait' blocks on sleep I/O inside coroutine 'asio_sleep'
  co_return;
}

// --- libcurl multi, libpq and MariaDB non-blocking APIs --------------------------

// negative: curl_multi_perform does what is ready and returns
concur::task<int> drive_transfers(CURLM *multi) {
  int running = 0;
  curl_multi_perform(multi, &running);
  co_await concur::sleep_for(std::chrono::milliseconds(1));
  co_return running;
}

// negative: libpq's asynchronous API sends and reads what is available
concur::task<bool> pg_async(PGconn *conn) {
  PQsendQuery(conn, "select 1");
  while (PQisBusy(conn)) {
    co_await concur::sleep_for(std::chrono::milliseconds(1));
    PQconsumeInput(conn);
  }
  co_return true;
}

// negative: MariaDB's non-blocking query start
concur::task<int> maria_async(MYSQL *db) {
  int ret = 0;
  int status = mysql_real_query_start(&ret, db, "select 1", 8);
  co_return status;
}

// --- blocking work handed to an executor -----------------------------------------

// negative: the lambda runs on the I/O pool; the coroutine only awaits it
concur::task<int> offload_query(const char *cmd) {
  int rc = co_await concur::run_in_executor(
      concur::io_pool(), [cmd] { return system(cmd); });
  co_return rc;
}

int read_file_blocking(const char *path) {
  char buf[256];
  int fd = open(path, 0);
  return int(read(fd, buf, sizeof buf));
}

// negative: a named function passed to run_in_executor with its arguments
concur::task<int> offload_read(const char *path) {
  co_return co_await concur::run_in_executor(concur::io_pool(),
                                             read_file_blocking, path);
}

// negative: a blocking lambda submitted to a thread pool, not waited for here
concur::task<void> submit_only(concur::thread_pool &pool, int fd) {
  auto done = pool.submit([fd] {
    char buf[8];
    return recv(fd, buf, sizeof buf, 0);
  });
  (void)done;
  co_return;
}

// negative: a detached thread runs the blocking call on its own
concur::task<void> detach_worker(int fd) {
  std::thread t([fd] { sleep(1); (void)fd; });
  t.detach();
  co_return;
}

// negative: asio::post queues the function on another executor
concur::task<void> post_to_pool(asio::thread_pool &pool) {
  asio::post(pool, [] { usleep(1000); });
  co_return;
}

concur::task<int> offload_then_block(concur::thread_pool &pool) {
  auto fut = pool.submit([] { return 1; });
  co_return fut.get();
  // CHECK-MESSAGES: :[[@LINE-1]]:17: warning: 'std::future<int>::get' blocks on sync I/O inside coroutine 'offload_then_block'
}
