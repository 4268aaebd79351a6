// concur/http_server.hpp - an HTTP/1.1 server on the event loop (row: mixed;
// the guides' FastAPI service with async and blocking endpoints).
//
//   using concur::http::request, concur::http::response;
//   concur::task<void> serve(std::stop_token stop) { // concur::run(serve(t))
//     concur::http::server app;
//     app.get("/async", [](const request &) -> concur::task<response> {
//       co_await concur::sleep_for(1s);        // runs on the loop
//       co_return response::json(R"({"type": "async"})");
//     });
//     app.get("/sync", [](const request &) {
//       std::this_thread::sleep_for(1s);       // runs on concur::io_pool()
//       return response::json(R"({"type": "sync"})");
//     });
//     app.get("/sum", sum_handler, concur::http::run_on::cpu_pool);
//     app.listen("127.0.0.1", 8000);           // on the loop's thread
//     co_await app.serve(stop);                // until stop is requested
//   }
//
// A handler that returns concur::task<response> runs on the loop; any other
// callable taking the request and returning a response (or a std::string,
// sent as text/plain) is a blocking function and runs on io_pool() (or on
// cpu_pool() with run_on::cpu_pool), so neither kind stalls the other.
// While other blocking requests are in progress, the pool thread also sends
// a blocking handler's answer when it can (the connection stays open and the
// socket takes it whole), so the busy loop is not woken for it.
//
// Requests are read by http::request_parser, an incremental parser that
// rejects malformed requests with 400, answers limits with 413 (body), 414
// (request line) or 431 (headers), unsupported transfer codings with 501 and
// other HTTP versions with 505, and never buffers past its limits.
// Connections are kept alive (HTTP/1.1's default; HTTP/1.0 with
// "Connection: keep-alive"), pipelined requests are answered in order, and
// chunked request bodies are decoded. Three timeouts bound slow clients:
// header_timeout (first byte of a request to the end of its head: 408),
// body_timeout (end of the head to the end of the body: 408) and
// idle_timeout (a kept-alive connection with no request: closed).
//
// Stopping: a stop request on serve()'s std::stop_token closes the listening
// socket and the idle connections at once; requests in progress are
// answered (with "Connection: close"), and after options.stop_timeout the
// remaining connections are cancelled. serve() returns when all are gone.
#pragma once

#include "concur/event_loop.hpp"
#include "concur/net.hpp"
#include "concur/task.hpp"

#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace concur {
class async_event;
}

namespace concur::http {

namespace detail {
struct worker_view;
}

/// One header field as received (name as sent; compare case-insensitively).
struct header {
  std::string name;
  std::string value;
};

/// A parsed request. `body` is decoded (chunked bodies joined).
struct request {
  std::string method; // "GET", as sent (methods are case-sensitive)
  std::string target; // "/items?id=3", as sent
  std::string path;   // "/items": the target up to '?'
  std::string query;  // "id=3": after '?', without it
  int version = 11;   // 10 for HTTP/1.0, 11 for HTTP/1.1
  std::vector<header> headers;
  std::string body;
  bool keep_alive = true; // what the client asked for
  /// The first header named `name` (case-insensitive), if any.
  [[nodiscard]] std::optional<std::string_view>
  header_value(std::string_view name) const;
};

/// A response. Content-Length and Connection are added by the server.
struct response {
  int status = 200;
  std::vector<header> headers;
  std::string body;

  /// `body` as text/plain; charset=utf-8.
  [[nodiscard]] static response text(std::string body, int status = 200);
  /// `body` (already JSON text) as application/json.
  [[nodiscard]] static response json(std::string body, int status = 200);
  response &set_header(std::string name, std::string value);
};

/// The standard reason phrase of `status` ("Not Found"), or "Unknown".
[[nodiscard]] std::string_view reason_phrase(int status) noexcept;
/// True if `a` and `b` are equal ignoring ASCII case.
[[nodiscard]] bool iequals(std::string_view a, std::string_view b) noexcept;

/// Limits of one request; exceeding one is an error with its status.
struct parser_limits {
  std::size_t max_request_line = 8 * 1024;  // 414 beyond
  std::size_t max_header_bytes = 16 * 1024; // all header lines: 431 beyond
  std::size_t max_headers = 100;            // header fields: 431 beyond
  std::size_t max_body = 1024 * 1024;       // decoded body: 413 beyond
};

/// Incremental HTTP/1.1 request parser: feed it bytes as they arrive, in
/// pieces of any size (one byte at a time works). It consumes at most one
/// request per call, so pipelined requests stay in the caller's buffer for
/// the next one, and it holds no more than the limits allow: a request that
/// exceeds one fails as soon as the excess arrives.
///
/// Strict where leniency lets two parsers disagree (request smuggling):
/// lines end in CRLF, no whitespace before a header's colon, no obsolete
/// line folding, no control characters, one Content-Length value, not both
/// Content-Length and Transfer-Encoding, Transfer-Encoding only "chunked"
/// (others: 501), exactly one Host in HTTP/1.1.
class request_parser {
public:
  enum class state { incomplete, complete, failed };

  explicit request_parser(parser_limits limits = {}) : limits_(limits) {}

  /// Parses from the start of `data`; returns how many bytes it consumed
  /// (all of them unless the request completed or failed inside `data`).
  std::size_t feed(std::string_view data);
  [[nodiscard]] state status() const noexcept { return state_; }
  /// True once any byte of the current request has been consumed.
  [[nodiscard]] bool started() const noexcept { return started_; }
  /// True once the head (request line and headers) is complete.
  [[nodiscard]] bool head_complete() const noexcept { return head_done_; }
  /// The head asked for "Expect: 100-continue" and the body is pending.
  [[nodiscard]] bool expects_continue() const noexcept {
    return expect_continue_ && state_ == state::incomplete;
  }
  /// When failed: the status to answer (400, 413, 414, 417, 431, 501, 505)
  /// and why, in words.
  [[nodiscard]] int error_status() const noexcept { return error_status_; }
  [[nodiscard]] const std::string &error_reason() const noexcept {
    return error_reason_;
  }
  /// The completed request; the parser is then ready for the next one.
  request take();
  /// Forgets everything, ready for a new request.
  void reset();

private:
  enum class phase {
    request_line,
    header_line,
    body,
    chunk_size,
    chunk_data,
    chunk_end,
    trailer_line,
    done
  };
  void fail(int status, std::string reason);
  void on_request_line(std::string_view line);
  void on_header_line(std::string_view line, bool trailer);
  void on_head_end();
  void on_chunk_size(std::string_view line);
  void finish();

  parser_limits limits_;
  state state_ = state::incomplete;
  phase phase_ = phase::request_line;
  request request_;
  std::string line_;
  std::size_t header_bytes_ = 0;
  std::size_t blank_lines_ = 0;
  std::uint64_t remaining_ = 0; // of the body or of the current chunk
  std::optional<std::uint64_t> content_length_;
  bool chunked_ = false;
  bool host_seen_ = false;
  bool started_ = false;
  bool head_done_ = false;
  bool expect_continue_ = false;
  int error_status_ = 0;
  std::string error_reason_;
};

/// Where a blocking handler runs.
enum class run_on {
  io_pool, // concur::io_pool(): blocking calls (the default)
  cpu_pool // concur::cpu_pool(): computation
};

/// Options of a server.
struct server_options {
  parser_limits limits;
  /// From a request's first byte to the end of its head (then 408).
  std::chrono::nanoseconds header_timeout = std::chrono::seconds(10);
  /// From the end of the head to the end of the body (then 408).
  std::chrono::nanoseconds body_timeout = std::chrono::seconds(30);
  /// A kept-alive connection waiting for its next request (then closed).
  std::chrono::nanoseconds idle_timeout = std::chrono::seconds(60);
  /// After a stop request, how long requests in progress may take.
  std::chrono::nanoseconds stop_timeout = std::chrono::seconds(5);
  /// Connections at once; more wait in the listen backlog.
  std::size_t max_connections = 10000;
  /// Sent as the Server header when not empty.
  std::string server_name = "concur";
};

/// The HTTP/1.1 server: a routing table plus a listening socket. Routes are
/// added before serve(); serve() runs on an event loop's thread.
class server {
public:
  using async_handler = std::function<task<response>(const request &)>;
  using blocking_handler = std::function<response(const request &)>;

  explicit server(server_options options = {});
  server(const server &) = delete;
  server &operator=(const server &) = delete;
  ~server();

  /// Routes `method` `path` (exact match of the path, no query) to
  /// `handler`, which takes the request (by value or const reference; it
  /// stays alive until the handler finishes): a coroutine (returns
  /// task<response>, runs on the loop) or a
  /// blocking function (returns response or std::string, runs on the pool
  /// `where` names). A path with no route answers 404; a path routed for
  /// other methods answers 405 with an Allow header. Replaces an existing
  /// route for the same method and path. HEAD falls back to GET's route.
  template <class Handler>
  server &route(std::string method, std::string path, Handler handler,
                run_on where = run_on::io_pool);
  template <class Handler>
  server &get(std::string path, Handler handler,
              run_on where = run_on::io_pool) {
    return route("GET", std::move(path), std::move(handler), where);
  }
  template <class Handler>
  server &post(std::string path, Handler handler,
               run_on where = run_on::io_pool) {
    return route("POST", std::move(path), std::move(handler), where);
  }

  /// Binds and listens on a numeric address; port 0 picks a free port.
  /// Call it on the running loop that will run serve() (inside a task).
  void listen(std::string_view host, std::uint16_t port);
  /// The port listened on (after listen()).
  [[nodiscard]] std::uint16_t port() const;

  /// Accepts and serves connections until `stop` is requested (or the task
  /// is cancelled), then stops as the header comment says. listen() first.
  [[nodiscard]] task<void> serve(std::stop_token stop = {});

  /// Connections open now (for tests and metrics).
  [[nodiscard]] std::size_t connections() const noexcept;

private:
  struct route_entry {
    std::string method;
    std::string path;
    std::shared_ptr<const async_handler> async;
    std::shared_ptr<const blocking_handler> blocking;
    run_on where = run_on::io_pool;
  };
  struct connection;
  void add_route(route_entry entry);
  task<void> connection_main(connection &conn, tcp_stream stream);
  task<void> serve_connection(connection &conn, tcp_stream stream);
  const route_entry *find_route(const request &req, response &otherwise) const;
  void begin_stop();
  task<void> sweep();

  server_options options_;
  // What the pool threads running blocking handlers share with the server
  // (the Server header, whether it is stopping, how many blocking requests
  // are in progress); shared, as a handler may outlive serve().
  std::shared_ptr<detail::worker_view> worker_view_;
  std::vector<route_entry> routes_;
  tcp_listener listener_;
  std::list<connection> connections_;
  std::size_t open_ = 0;                    // connection tasks not finished
  std::unique_ptr<async_event> all_closed_; // open_ reached 0 while stopping
  std::unique_ptr<async_event> slot_free_;  // open_ fell below the maximum
  bool stopping_ = false;
  event_loop *loop_ = nullptr;
};

namespace detail {
template <class T> struct is_task : std::false_type {};
template <class T> struct is_task<task<T>> : std::true_type {};
} // namespace detail

template <class Handler>
server &server::route(std::string method, std::string path, Handler handler,
                      run_on where) {
  route_entry entry;
  entry.method = std::move(method);
  entry.path = std::move(path);
  entry.where = where;
  if constexpr (std::is_invocable_v<Handler &, const request &>) {
    using result = std::invoke_result_t<Handler &, const request &>;
    if constexpr (detail::is_task<result>::value) {
      static_assert(std::is_same_v<result, task<response>>,
                    "a coroutine handler must return task<response>");
      entry.async = std::make_shared<const async_handler>(std::move(handler));
    } else if constexpr (std::is_convertible_v<result, response>) {
      entry.blocking = std::make_shared<const blocking_handler>(
          [h = std::move(handler)](const request &r) -> response {
            return h(r);
          });
    } else {
      static_assert(std::is_convertible_v<result, std::string>,
                    "a handler returns task<response>, response or "
                    "std::string");
      entry.blocking = std::make_shared<const blocking_handler>(
          [h = std::move(handler)](const request &r) -> response {
            return response::text(h(r));
          });
    }
  } else {
    static_assert(std::is_invocable_v<Handler &, const request &>,
                  "a handler takes the request (concur::http::request or "
                  "const request &)");
  }
  add_route(std::move(entry));
  return *this;
}

} // namespace concur::http
