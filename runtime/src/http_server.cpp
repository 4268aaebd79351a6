// concur::http::server (concur/http_server.hpp): one task per connection on
// the event loop; blocking handlers run on a pool thread, which also writes
// their response when the loop is busy.
//
// Blocking handlers: a hop from the loop to a pool thread and back costs two
// wake-ups (a futex, then the loop's eventfd) and their context switches,
// more than the request itself. So while other blocking requests are in
// progress (the loop is busy), the pool thread formats the response and
// sends it itself when it can (the connection keeps alive and the socket
// takes the whole response at once), and does not wake the loop: the task
// of the connection waits as the socket's reader, and the client's next
// request (or its close) wakes the loop, which then finds the job done. The
// pool thread posts to the loop only when the loop must act: the write was
// partial or failed, the connection closes, the loop saw the socket become
// readable while the handler ran (a pipelined request or a close), or bytes
// of a next request were already read. A connection whose client sends
// nothing more is picked up by the sweeper (below) and goes idle. The socket
// is never written by both: the loop writes only while no handler runs, and
// a connection that is cancelled while a pool thread is inside its send()
// waits for that one non-blocking call before it closes the descriptor.
//
// When it is the only blocking request in progress, the pool thread hands
// the formatted answer back to the loop (idle then) instead: it then looks
// for work a while before it sleeps, and usually takes the connection's next
// request still awake; had it sent the answer itself, it would be asleep by
// the time the client's next request arrives, and each request would pay a
// sleep and a wake-up of the pool thread (measured: about twice the CPU per
// request at one connection; docs/benchmarks.md).
//
// Timeouts: each connection records its phase and the deadline of that
// phase; one sweeper task per server wakes a few times per timeout and
// cancels the connections whose deadline has passed (cheaper than a timer
// per read). A cancelled connection answers 408 if it was inside a request.
#include "concur/http_server.hpp"

#include "concur/async_sync.hpp"
#include "concur/gather.hpp"
#include "concur/thread_pool.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <ctime>
#include <exception>
#include <stdexcept>
#include <system_error>
#include <thread>

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

struct detail::worker_view {
  std::string server_name;
  std::atomic<bool> stopping{false};
  std::atomic<int> in_flight{0}; // blocking handlers posted, not finished
};

namespace {
// The server's checks of a handler's response: a status or header the
// server could not send safely becomes a 500. Returns false if the response
// asks to close the connection.
bool check_response(response &res) {
  if (!std::all_of(res.headers.begin(), res.headers.end(), valid_header) ||
      res.status < 100 || res.status > 999)
    res = response::text("Internal Server Error\n", 500);
  for (const header &h : res.headers)
    if (iequals(h.name, "Connection") && iequals(h.value, "close"))
      return false;
  return true;
}

class blocking_wait;

// One request to a blocking handler, shared by the connection's task (on
// the loop) and the pool thread that runs the handler.
struct blocking_job {
  // `state` bits. The pool thread sets `writing` around its send() and
  // `done` when it has finished; the loop sets `wake` to be told (posted
  // to) when the job is done, and `abandoned` when it no longer waits.
  enum : std::uint32_t { writing = 1, done = 2, wake = 4, abandoned = 8 };
  std::atomic<std::uint32_t> state{0};

  // Set on the loop before the job is posted.
  std::shared_ptr<const server::blocking_handler> handler;
  std::shared_ptr<detail::worker_view> view;
  std::shared_ptr<concur::detail::loop_anchor> anchor;
  request req;
  int fd = -1;
  bool head = false;
  bool keep_alive = true; // then: whether the response keeps it alive

  // Set by the pool thread before `done`.
  std::string output;   // the formatted response
  std::size_t sent = 0; // how much of it the pool thread sent
  int error = 0;        // errno of its send(), if that failed
  bool failed = false;  // formatting failed (out of memory): loop answers
  clock::time_point done_at;

  // The loop thread only: the waiting task, until something resumes it.
  blocking_wait *waiter = nullptr;

  [[nodiscard]] bool is_done() const noexcept {
    return state.load(std::memory_order_acquire) & done;
  }
  // Written completely by the pool thread: nothing left for the loop.
  [[nodiscard]] bool answered() const noexcept {
    return !failed && !error && keep_alive && sent == output.size();
  }
};

void run_blocking(std::shared_ptr<blocking_job> job) noexcept;

// The connection's task waits here while a pool thread runs the handler:
// parked as the socket's reader, so the client's next request (or close)
// resumes it once the job is done, or asks the pool thread for a post if it
// is not done yet.
class blocking_wait : public concur::detail::io_op {
public:
  explicit blocking_wait(std::shared_ptr<blocking_job> job)
      : job_(std::move(job)) {
    fd = job_->fd;
    perform = &on_readable;
  }
  blocking_wait(const blocking_wait &) = delete;
  blocking_wait &operator=(const blocking_wait &) = delete;

  bool await_ready() const noexcept { return job_->is_done(); }
  bool await_suspend(std::coroutine_handle<> coro) {
    event_loop &loop = event_loop::require_current(
        "concur::http::server: a connection outside its loop");
    if (!loop.suspend_io(*this, false, coro))
      return false; // cancelled before it could wait
    leave_watch_ = cancel_fn;
    cancel_fn = &on_cancel;
    job_->waiter = this;
    return true;
  }
  void await_resume() {
    if (cancelled || error) {
      abandon();
      throw cancelled_error();
    }
  }

  [[nodiscard]] const blocking_job &job() const noexcept { return *job_; }

  // Resumes the task (loop thread) once the job is done: from the pool
  // thread's post, the sweeper or a stop.
  void resume() {
    if (job_->waiter != this)
      return; // already resumed (each way of resuming clears `waiter`)
    job_->waiter = nullptr;
    if (owner && owner->parked == this)
      owner->parked = nullptr;
    leave_watch_(this); // leaves the socket's watch and schedules the task
  }
  // A stop: resume now if the job is done, else be told when it is.
  void wake_when_done() {
    if (job_->state.fetch_or(blocking_job::wake, std::memory_order_acq_rel) &
        blocking_job::done)
      resume();
  }

private:
  // The socket became readable while the task waits: go on if the job is
  // done; otherwise ask the pool thread to post when it is.
  static bool on_readable(concur::detail::io_op *base) {
    auto *me = static_cast<blocking_wait *>(base);
    if (!(me->job_->state.fetch_or(blocking_job::wake,
                                   std::memory_order_acq_rel) &
          blocking_job::done))
      return false;
    me->job_->waiter = nullptr; // the loop resumes the task
    return true;
  }
  static void on_cancel(concur::detail::suspension *base) {
    auto *me = static_cast<blocking_wait *>(base);
    me->job_->waiter = nullptr;
    me->abandon();
    me->leave_watch_(me);
  }
  // From now on the pool thread leaves the socket alone; if it is inside
  // its send() (one non-blocking call), wait for that to return so that
  // the descriptor is not closed (and reused) under it.
  void abandon() noexcept {
    std::uint32_t s = job_->state.fetch_or(blocking_job::abandoned,
                                           std::memory_order_acq_rel);
    while (s & blocking_job::writing) {
      std::this_thread::yield();
      s = job_->state.load(std::memory_order_acquire);
    }
  }

  std::shared_ptr<blocking_job> job_;
  void (*leave_watch_)(concur::detail::suspension *) = nullptr;
};

// On the pool thread: runs the handler, formats the response and, if the
// connection stays open and other blocking requests are in progress, sends
// it; posts to the loop when the loop must act (the header comment lists
// when).
void run_blocking(std::shared_ptr<blocking_job> job) noexcept {
  blocking_job &j = *job;
  try {
    response res;
    try {
      res = (*j.handler)(j.req);
    } catch (...) {
      res = response::text("Internal Server Error\n", 500);
    }
    j.keep_alive = check_response(res) && j.keep_alive &&
                   !j.view->stopping.load(std::memory_order_acquire);
    append_response(j.output, res, !j.head, j.keep_alive, j.req.version,
                    j.view->server_name);
  } catch (...) { // out of memory while formatting
    j.failed = true;
  }
  // The only blocking request in progress: the loop sends the answer (see
  // the header comment).
  bool alone = j.view->in_flight.fetch_sub(1, std::memory_order_relaxed) == 1;
  if (!j.failed && j.keep_alive && !alone &&
      !(j.state.fetch_or(blocking_job::writing, std::memory_order_acq_rel) &
        blocking_job::abandoned)) {
    const char *data = j.output.data();
    std::size_t left = j.output.size();
    while (left > 0) {
      ssize_t n = ::send(j.fd, data, left, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        data += n;
        left -= std::size_t(n);
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else {
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
          j.error = errno;
        break; // the loop sends the rest when the socket takes it
      }
    }
    j.sent = j.output.size() - left;
  }
  j.done_at = clock::now();
  bool answered = j.answered();
  std::uint32_t s = j.state.load(std::memory_order_relaxed);
  while (!j.state.compare_exchange_weak(
      s, (s | blocking_job::done) & ~std::uint32_t(blocking_job::writing),
      std::memory_order_acq_rel)) {
  }
  if ((s & blocking_job::abandoned) || (answered && !(s & blocking_job::wake)))
    return; // nobody waits, or the client's next request wakes the loop
  std::shared_ptr<concur::detail::loop_anchor> anchor = j.anchor;
  try {
    anchor->post([job = std::move(job)] {
      if (blocking_wait *w = job->waiter)
        w->resume();
    });
  } catch (...) { // out of memory: the sweeper finds the job done
  }
}
} // namespace

enum class conn_phase { idle, head, body, handling, writing, draining };

struct server::connection {
  task_handle<void> handle;
  conn_phase phase = conn_phase::idle;
  clock::time_point deadline = clock::time_point::max();
  bool timed_out = false;
  blocking_wait *waiting = nullptr; // while a blocking handler runs
  void enter(conn_phase p, std::chrono::nanoseconds limit,
             clock::time_point from = clock::now()) {
    phase = p;
    deadline = from + std::chrono::duration_cast<clock::duration>(limit);
  }
};

// What serve() shares with its stop callback, which may post to the loop
// after serve() has returned.
struct stop_link {
  server *target = nullptr;
};

server::server(server_options options)
    : options_(std::move(options)),
      worker_view_(std::make_shared<detail::worker_view>()) {
  worker_view_->server_name = options_.server_name;
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

const server::route_entry *server::find_route(const request &req,
                                              response &otherwise) const {
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
    if (allow.empty()) {
      otherwise = response::text("Not Found\n", 404);
    } else {
      otherwise = response::text("Method Not Allowed\n", 405);
      otherwise.set_header("Allow", allow);
    }
  }
  return found;
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
  bool read_filled = false; // the last read filled the buffer: more may wait
  clock::time_point answered_at = clock::now();
  while (keep_alive && !stopping_) {
    conn.timed_out = false;
    conn.enter(conn_phase::idle, options_.idle_timeout, answered_at);
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
        read_filled = n == read_chunk;
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
    const route_entry *route = find_route(req, res);
    if (route && route->blocking) {
      auto job = std::make_shared<blocking_job>();
      job->handler = route->blocking;
      job->view = worker_view_;
      job->anchor = loop_->anchor();
      job->fd = stream.native_handle();
      job->head = head;
      job->keep_alive = keep_alive;
      job->req = std::move(req);
      // Bytes of a next request may be here already (pipelined): then the
      // loop has work as soon as the job is done, so it asks to be told.
      if (!pending.empty() || read_filled)
        job->state.store(blocking_job::wake, std::memory_order_relaxed);
      bool posted = false;
      try {
        thread_pool &pool =
            route->where == run_on::cpu_pool ? cpu_pool() : io_pool();
        worker_view_->in_flight.fetch_add(1, std::memory_order_relaxed);
        try {
          pool.post([job]() mutable noexcept { run_blocking(std::move(job)); });
        } catch (...) {
          worker_view_->in_flight.fetch_sub(1, std::memory_order_relaxed);
          throw;
        }
        posted = true;
      } catch (...) { // the pool was shut down
        res = response::text("Internal Server Error\n", 500);
      }
      if (posted) {
        blocking_wait wait(job);
        conn.waiting = &wait;
        bool gave_up = false;
        try {
          co_await wait;
        } catch (const cancelled_error &) {
          gave_up = true;
        }
        conn.waiting = nullptr;
        if (gave_up || job->error)
          co_return; // cancelled, or the socket failed under the pool thread
        keep_alive = job->keep_alive;
        if (job->answered()) {
          answered_at = job->done_at;
          continue;
        }
        if (!job->failed) {
          output = std::move(job->output);
          conn.enter(conn_phase::writing, options_.idle_timeout);
          co_await stream.write_all(std::string_view(output).substr(job->sent));
          answered_at = clock::now();
          continue;
        }
        res = response::text("Internal Server Error\n", 500);
      }
    } else if (route) {
      try {
        res = co_await (*route->async)(req);
      } catch (const cancelled_error &) {
        co_return;
      } catch (...) {
        res = response::text("Internal Server Error\n", 500);
      }
    }
    if (!check_response(res) || stopping_)
      keep_alive = false;
    output.clear();
    append_response(output, res, !head, keep_alive, version,
                    options_.server_name);
    conn.enter(conn_phase::writing, options_.idle_timeout);
    co_await stream.write_all(output);
    answered_at = clock::now();
  }
}

void server::begin_stop() {
  if (stopping_)
    return;
  stopping_ = true;
  worker_view_->stopping.store(true, std::memory_order_release);
  listener_.close(); // the pending accept fails with ECANCELED
  for (connection &c : connections_) {
    if (c.handle.done())
      continue;
    if (c.phase == conn_phase::idle)
      c.handle.cancel();
    else if (c.waiting) // answered by now, or told when answered
      c.waiting->wake_when_done();
  }
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
      // A blocking handler's connection whose pool thread sent the answer
      // and whose client has not sent anything since: it is idle now.
      if (it->waiting && it->waiting->job().is_done())
        it->waiting->resume();
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
  worker_view_->stopping.store(false, std::memory_order_release);
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
