// concur::http::server (concur/http_server.hpp): one task per connection on
// the event loop; blocking handlers go to a pool through run_in_executor.
//
// Timeouts: each connection records its phase and the deadline of that
// phase; one sweeper task per server wakes a few times per timeout and
// cancels the connections whose deadline has passed (cheaper than a timer
// per read). A cancelled connection answers 408 if it was inside a request.
#include "concur/http_server.hpp"

#include "concur/async_bridge.hpp"
#include "concur/async_sync.hpp"
#include "concur/gather.hpp"
#include "concur/thread_pool.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <exception>
#include <stdexcept>
#include <system_error>

namespace concur::http {

namespace {
using clock = event_loop::clock;

bool is_token_char(unsigned char c) noexcept {
  return c > 0x20 && c < 0x7f &&
         std::string_view("\"(),/:;<=>?@[\\]{}").find(char(c)) ==
             std::string_view::npos;
}

bool valid_header(const header &h) noexcept {
  return !h.name.empty() &&
         std::all_of(h.name.begin(), h.name.end(),
                     [](char c) {
                       return is_token_char(static_cast<unsigned char>(c));
                     }) &&
         std::none_of(h.value.begin(), h.value.end(),
                      [](char c) { return c == '\r' || c == '\n' || c == 0; });
}

// "Sun, 06 Nov 1994 08:49:37 GMT", formatted once a second.
class date_cache {
public:
  std::string_view now() {
    std::time_t t = std::time(nullptr);
    if (t != second_) {
      second_ = t;
      std::tm parts{};
      ::gmtime_r(&t, &parts);
      std::size_t n = std::strftime(text_, sizeof text_,
                                    "%a, %d %b %Y %H:%M:%S GMT", &parts);
      length_ = n;
    }
    return {text_, length_};
  }

private:
  std::time_t second_ = -1;
  char text_[64] = {};
  std::size_t length_ = 0;
};

thread_local date_cache dates;

void append_response(std::string &out, const response &r, bool send_body,
                     bool keep_alive, int version,
                     const std::string &server_name) {
  out += "HTTP/1.1 ";
  out += std::to_string(r.status);
  out += ' ';
  out += reason_phrase(r.status);
  out += "\r\nDate: ";
  out += dates.now();
  if (!server_name.empty()) {
    out += "\r\nServer: ";
    out += server_name;
  }
  for (const header &h : r.headers) {
    if (iequals(h.name, "Content-Length") || iequals(h.name, "Connection") ||
        iequals(h.name, "Transfer-Encoding") || iequals(h.name, "Date"))
      continue; // the server's own
    out += "\r\n";
    out += h.name;
    out += ": ";
    out += h.value;
  }
  bool bodiless = r.status < 200 || r.status == 204 || r.status == 304;
  if (!bodiless) {
    out += "\r\nContent-Length: ";
    out += std::to_string(r.body.size());
  }
  if (!keep_alive)
    out += "\r\nConnection: close";
  else if (version == 10)
    out += "\r\nConnection: keep-alive";
  out += "\r\n\r\n";
  if (send_body && !bodiless)
    out += r.body;
}

// One read; after an error, how much more the server reads before closing.
constexpr std::size_t read_chunk = 8 * 1024;
constexpr std::size_t max_drain_bytes = 256 * 1024;
} // namespace

std::string_view reason_phrase(int status) noexcept {
  switch (status) {
  case 100:
    return "Continue";
  case 200:
    return "OK";
  case 201:
    return "Created";
  case 202:
    return "Accepted";
  case 204:
    return "No Content";
  case 301:
    return "Moved Permanently";
  case 302:
    return "Found";
  case 303:
    return "See Other";
  case 304:
    return "Not Modified";
  case 307:
    return "Temporary Redirect";
  case 308:
    return "Permanent Redirect";
  case 400:
    return "Bad Request";
  case 401:
    return "Unauthorized";
  case 403:
    return "Forbidden";
  case 404:
    return "Not Found";
  case 405:
    return "Method Not Allowed";
  case 408:
    return "Request Timeout";
  case 409:
    return "Conflict";
  case 411:
    return "Length Required";
  case 413:
    return "Content Too Large";
  case 414:
    return "URI Too Long";
  case 415:
    return "Unsupported Media Type";
  case 417:
    return "Expectation Failed";
  case 422:
    return "Unprocessable Content";
  case 429:
    return "Too Many Requests";
  case 431:
    return "Request Header Fields Too Large";
  case 500:
    return "Internal Server Error";
  case 501:
    return "Not Implemented";
  case 502:
    return "Bad Gateway";
  case 503:
    return "Service Unavailable";
  case 504:
    return "Gateway Timeout";
  case 505:
    return "HTTP Version Not Supported";
  default:
    return "Unknown";
  }
}

response response::text(std::string body, int status) {
  response r;
  r.status = status;
  r.body = std::move(body);
  r.headers.push_back({"Content-Type", "text/plain; charset=utf-8"});
  return r;
}

response response::json(std::string body, int status) {
  response r;
  r.status = status;
  r.body = std::move(body);
  r.headers.push_back({"Content-Type", "application/json"});
  return r;
}

response &response::set_header(std::string name, std::string value) {
  for (header &h : headers)
    if (iequals(h.name, name)) {
      h.value = std::move(value);
      return *this;
    }
  headers.push_back({std::move(name), std::move(value)});
  return *this;
}

// ---------------------------------------------------------------------------

enum class conn_phase { idle, head, body, handling, writing, draining };

struct server::connection {
  task_handle<void> handle;
  conn_phase phase = conn_phase::idle;
  clock::time_point deadline = clock::time_point::max();
  bool timed_out = false;
  void enter(conn_phase p, std::chrono::nanoseconds limit) {
    phase = p;
    deadline =
        clock::now() + std::chrono::duration_cast<clock::duration>(limit);
  }
};

// What serve() shares with its stop callback, which may post to the loop
// after serve() has returned.
struct stop_link {
  server *target = nullptr;
};

server::server(server_options options) : options_(std::move(options)) {
  if (options_.limits.max_request_line < 16 ||
      options_.limits.max_header_bytes < 2)
    throw std::invalid_argument(
        "concur::http::server: max_request_line must be at least 16 and "
        "max_header_bytes at least 2");
  if (options_.header_timeout <= std::chrono::nanoseconds::zero() ||
      options_.body_timeout <= std::chrono::nanoseconds::zero() ||
      options_.idle_timeout <= std::chrono::nanoseconds::zero())
    throw std::invalid_argument(
        "concur::http::server: timeouts must be positive");
  if (options_.max_connections == 0)
    throw std::invalid_argument(
        "concur::http::server: max_connections must be at least 1");
}

server::~server() = default;

void server::add_route(route_entry entry) {
  if (entry.method.empty() ||
      !std::all_of(entry.method.begin(), entry.method.end(), [](char c) {
        return is_token_char(static_cast<unsigned char>(c));
      }))
    throw std::invalid_argument("concur::http::server::route: method '" +
                                entry.method + "' is not a token");
  if (entry.path.empty() || entry.path.front() != '/')
    throw std::invalid_argument("concur::http::server::route: path '" +
                                entry.path + "' does not start with '/'");
  for (route_entry &r : routes_)
    if (r.method == entry.method && r.path == entry.path) {
      r = std::move(entry);
      return;
    }
  routes_.push_back(std::move(entry));
}

void server::listen(std::string_view host, std::uint16_t port) {
  listener_ = tcp_listener::bind(
      event_loop::require_current("concur::http::server::listen outside an "
                                  "event loop"),
      host, port);
}

std::uint16_t server::port() const {
  if (!listener_.is_open())
    throw std::logic_error("concur::http::server::port: not listening");
  return listener_.port();
}

std::size_t server::connections() const noexcept { return open_; }

task<response> server::dispatch(request req) {
  const route_entry *found = nullptr;
  const route_entry *head_fallback = nullptr;
  std::string allow;
  for (const route_entry &r : routes_) {
    if (r.path != req.path)
      continue;
    if (r.method == req.method)
      found = &r;
    else if (req.method == "HEAD" && r.method == "GET")
      head_fallback = &r;
    if (allow.find(r.method) == std::string::npos)
      allow += (allow.empty() ? "" : ", ") + r.method;
  }
  if (!found)
    found = head_fallback;
  if (!found) {
    if (allow.empty())
      co_return response::text("Not Found\n", 404);
    response r = response::text("Method Not Allowed\n", 405);
    r.set_header("Allow", allow);
    co_return r;
  }
  if (found->async)
    co_return co_await (*found->async)(req);
  thread_pool &pool = found->where == run_on::cpu_pool ? cpu_pool() : io_pool();
  // The job owns the request and the handler: a cancelled connection stops
  // waiting, but the job may still be running.
  auto shared = std::make_shared<const request>(std::move(req));
  std::function<response()> job = [handler = found->blocking, shared] {
    return (*handler)(*shared);
  };
  response res = co_await run_in_executor(pool, std::move(job));
  co_return res;
}

task<void> server::connection_main(connection &conn, tcp_stream stream) {
  try {
    co_await serve_connection(conn, std::move(stream));
  } catch (...) { // the client went away, or the connection was cancelled
  }
  conn.phase = conn_phase::draining;
  if (--open_ == 0 && stopping_)
    all_closed_->set();
  if (open_ < options_.max_connections)
    slot_free_->set();
}

task<void> server::serve_connection(connection &conn, tcp_stream stream) {
  int one = 1;
  ::setsockopt(stream.native_handle(), IPPROTO_TCP, TCP_NODELAY, &one,
               sizeof one);
  request_parser parser(options_.limits);
  std::string pending; // read but not parsed: pipelined requests
  // Not zero-filled: thousands of idle connections should cost little.
  std::unique_ptr<char[]> input =
      std::make_unique_for_overwrite<char[]>(read_chunk);
  std::string output;
  bool keep_alive = true;
  while (keep_alive && !stopping_) {
    conn.timed_out = false;
    conn.enter(conn_phase::idle, options_.idle_timeout);
    bool continue_sent = false;
    bool cancelled = false;
    while (parser.status() == request_parser::state::incomplete) {
      if (pending.empty()) {
        if (parser.expects_continue() && !continue_sent) {
          continue_sent = true;
          co_await stream.write_all("HTTP/1.1 100 Continue\r\n\r\n");
        }
        std::size_t n = 0;
        try {
          n = co_await stream.read_some(input.get(), read_chunk);
        } catch (const cancelled_error &) {
          cancelled = true;
        }
        if (cancelled)
          break;
        if (n == 0)
          co_return; // the client closed (mid-request or between requests)
        std::size_t used = parser.feed(std::string_view(input.get(), n));
        if (used < n)
          pending.append(input.get() + used, n - used);
      } else {
        std::size_t used = parser.feed(pending);
        pending.erase(0, used);
      }
      if (conn.phase == conn_phase::idle && parser.started())
        conn.enter(conn_phase::head, options_.header_timeout);
      if (conn.phase == conn_phase::head && parser.head_complete())
        conn.enter(conn_phase::body, options_.body_timeout);
    }
    if (cancelled) {
      // A timeout inside a request answers 408; idle connections (and
      // everything at a stop) just close.
      if (!conn.timed_out || conn.phase == conn_phase::idle)
        co_return;
      output.clear();
      append_response(output, response::text("Request Timeout\n", 408), true,
                      false, 11, options_.server_name);
      conn.phase = conn_phase::writing;
      co_await stream.write_all(output);
      co_return;
    }

    if (parser.status() == request_parser::state::failed) {
      output.clear();
      append_response(
          output,
          response::text(std::string(reason_phrase(parser.error_status())) +
                             ": " + parser.error_reason() + "\n",
                         parser.error_status()),
          true, false, 11, options_.server_name);
      conn.enter(conn_phase::writing, options_.idle_timeout);
      co_await stream.write_all(output);
      // Lingering close: read what the client still sends (bounded), so
      // that closing does not reset the connection before it reads the
      // answer.
      stream.shutdown_write();
      conn.enter(conn_phase::draining,
                 std::min<std::chrono::nanoseconds>(options_.idle_timeout,
                                                    std::chrono::seconds(2)));
      std::size_t drained = 0;
      while (drained < max_drain_bytes) {
        std::size_t n = co_await stream.read_some(input.get(), read_chunk);
        if (n == 0)
          break;
        drained += n;
      }
      co_return;
    }

    request req = parser.take();
    bool head = req.method == "HEAD";
    int version = req.version;
    keep_alive = req.keep_alive;
    conn.phase = conn_phase::handling;
    conn.deadline = clock::time_point::max();
    response res;
    bool handler_cancelled = false;
    try {
      res = co_await dispatch(std::move(req));
    } catch (const cancelled_error &) {
      handler_cancelled = true;
    } catch (...) {
      res = response::text("Internal Server Error\n", 500);
    }
    if (handler_cancelled)
      co_return;
    if (!std::all_of(res.headers.begin(), res.headers.end(), valid_header) ||
        res.status < 100 || res.status > 999)
      res = response::text("Internal Server Error\n", 500);
    for (const header &h : res.headers)
      if (iequals(h.name, "Connection") && iequals(h.value, "close"))
        keep_alive = false;
    if (stopping_)
      keep_alive = false;
    output.clear();
    append_response(output, res, !head, keep_alive, version,
                    options_.server_name);
    conn.enter(conn_phase::writing, options_.idle_timeout);
    co_await stream.write_all(output);
  }
}

void server::begin_stop() {
  if (stopping_)
    return;
  stopping_ = true;
  listener_.close(); // the pending accept fails with ECANCELED
  for (connection &c : connections_)
    if (!c.handle.done() && c.phase == conn_phase::idle)
      c.handle.cancel();
  if (open_ == 0)
    all_closed_->set();
  slot_free_->set();
}

task<void> server::sweep() {
  auto tick = std::min({options_.header_timeout, options_.body_timeout,
                        options_.idle_timeout}) /
              4;
  tick = std::clamp<std::chrono::nanoseconds>(
      tick, std::chrono::milliseconds(1), std::chrono::seconds(1));
  while (true) {
    co_await sleep_for(tick);
    clock::time_point now = clock::now();
    for (auto it = connections_.begin(); it != connections_.end();) {
      if (it->handle.done()) {
        it = connections_.erase(it);
        continue;
      }
      if (!it->timed_out && it->phase != conn_phase::handling &&
          it->deadline < now) {
        it->timed_out = true;
        it->handle.cancel();
      }
      ++it;
    }
  }
}

task<void> server::serve(std::stop_token stop) {
  if (!listener_.is_open())
    throw std::logic_error("concur::http::server::serve: call listen() first");
  if (loop_)
    throw std::logic_error("concur::http::server::serve: already serving");
  event_loop &loop = event_loop::require_current(
      "concur::http::server::serve outside an event loop");
  loop_ = &loop;
  stopping_ = false;
  all_closed_ = std::make_unique<async_event>();
  slot_free_ = std::make_unique<async_event>();
  auto link = std::make_shared<stop_link>();
  link->target = this;
  std::stop_callback on_stop(stop, [anchor = loop.anchor(), link] {
    anchor->post([link] {
      if (link->target)
        link->target->begin_stop();
    });
  });
  task_handle<void> sweeper = loop.spawn(sweep(), "http-sweeper");

  bool cancelled = false;
  try {
    while (!stopping_) {
      if (open_ >= options_.max_connections) {
        slot_free_->clear();
        co_await slot_free_->wait();
        continue;
      }
      tcp_stream client;
      try {
        client = co_await listener_.accept();
      } catch (const std::system_error &e) {
        if (stopping_)
          break;
        int code = e.code().value();
        if (code != EMFILE && code != ENFILE && code != ENOBUFS &&
            code != ENOMEM && code != ECONNABORTED)
          throw;
      }
      if (!client.is_open()) {
        co_await sleep_for(std::chrono::milliseconds(10)); // out of fds
        continue;
      }
      connection &conn = connections_.emplace_back();
      ++open_;
      conn.handle =
          loop.spawn(connection_main(conn, std::move(client)), "http-conn");
    }
  } catch (const cancelled_error &) {
    cancelled = true;
  }

  // Stop: idle connections are cancelled by begin_stop, the others get
  // stop_timeout to finish their request (none if serve was cancelled).
  begin_stop();
  bool drained = false;
  if (!cancelled) {
    try {
      co_await wait_for(
          [](async_event &e) -> task<void> { co_await e.wait(); }(*all_closed_),
          options_.stop_timeout);
      drained = true;
    } catch (const timeout_error &) {
    }
  }
  if (!drained) {
    for (connection &c : connections_)
      c.handle.cancel();
    while (open_ > 0)
      co_await all_closed_->wait();
  }
  sweeper.cancel();
  try {
    co_await sweeper;
  } catch (const cancelled_error &) {
  }
  connections_.clear();
  link->target = nullptr;
  loop_ = nullptr;
  if (cancelled)
    throw cancelled_error();
}

} // namespace concur::http
