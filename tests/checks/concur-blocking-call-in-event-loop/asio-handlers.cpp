// Asio: the completion handler of an async_* operation (its last argument)
// runs on the io_context's thread, as a callback registered with a C loop
// does; a blocking call or heavy computation there stalls every other
// operation. The handler is usually a lambda.
#include <asio.hpp>
#include <concur_mock_posix.h>
#include <mock_std.h>
#include <openssl/sha.h>
#include <sqlite3.h>

using asio::ip::tcp;

struct session {
  tcp::socket socket;
  char data[1024];
  sqlite3 *db;
};

void save_row(sqlite3 *db, const char *row) {
  sqlite3_exec(db, row, nullptr, nullptr, nullptr);
}

void read_request(session &s) {
  s.socket.async_read_some(asio::buffer(s.data, sizeof s.data),
                           [&s](asio::error_code ec, std::size_t n) {
                             save_row(s.db, s.data);
                           });
  // CHECK-MESSAGES: :[[@LINE-3]]:28: warning: the lambda (registered with 'asio::basic_stream_socket::async_read_some') blocks on database I/O ('sqlite3_exec' via 'save_row') on the event loop's thread
  // CHECK-NOTES: :[[@LINE-4]]:28: note: row 'asyncio' (decision step 2): {{.*}}Asio io_context this code already uses
  // CHECK-NOTES: :[[@LINE-4]]:30: note: 'save_row' is called here
}

void on_timer(asio::error_code ec) { usleep(50000); }

void arm(asio::steady_timer &timer) {
  timer.async_wait(on_timer);
  // CHECK-MESSAGES: :[[@LINE-1]]:20: warning: 'on_timer' (registered with 'asio::basic_waitable_timer::async_wait') blocks on sleep I/O ('usleep') on the event loop's thread
}

void digest_all(const unsigned char *p, unsigned char *out) {
  for (int i = 0; i < 1000; ++i)
    SHA256(p, 1 << 20, out);
}

void hash_upload(session &s, unsigned char *out) {
  s.socket.async_read_some(asio::buffer(s.data, sizeof s.data),
                           [&s, out](asio::error_code, std::size_t) {
                             digest_all((const unsigned char *)s.data, out);
                           });
  // CHECK-MESSAGES: :[[@LINE-3]]:28: warning: the lambda (registered with 'asio::basic_stream_socket::async_read_some') does substantial CPU work ({{.*}}'SHA256'{{.*}}) on the event loop's thread{{.*}}(row: mixed)
}

// negative: a handler that starts the next asynchronous operation.
void echo(session &s) {
  s.socket.async_read_some(asio::buffer(s.data, sizeof s.data),
                           [&s](asio::error_code ec, std::size_t n) {
                             asio::async_write(s.socket,
                                               asio::buffer(s.data, n),
                                               [](asio::error_code,
                                                  std::size_t) {});
                           });
}

// negative: a handler that only counts.
static int completed;
void count(asio::steady_timer &timer) {
  timer.async_wait([](asio::error_code) { ++completed; });
}
