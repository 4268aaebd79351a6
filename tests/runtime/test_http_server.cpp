// Tests of concur::http::server (concur/http_server.hpp) on 127.0.0.1:
// routing, keep-alive, pipelining, chunked bodies, error statuses, limits,
// timeouts, graceful stop, and a load test of many keep-alive clients where
// blocking handlers must not stall the coroutine ones.
#include <concur/async_bridge.hpp>
#include <concur/event_loop.hpp>
#include <concur/gather.hpp>
#include <concur/http_server.hpp>
#include <concur/net.hpp>

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace http = concur::http;
using namespace std::chrono_literals;

namespace {

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
constexpr bool sanitized = true;
#else
constexpr bool sanitized = false;
#endif

concur::task<void> serve_main(http::server &srv,
                              std::promise<std::uint16_t> &port,
                              std::stop_token stop) {
  srv.listen("127.0.0.1", 0);
  port.set_value(srv.port());
  co_await srv.serve(stop);
}

// A server on its own thread and loop; stopped (gracefully) on destruction.
class running_server {
public:
  explicit running_server(http::server &srv) : server_(srv) {
    std::future<std::uint16_t> port = port_promise_.get_future();
    thread_ = std::jthread([this](std::stop_token stop) {
      try {
        concur::run(serve_main(server_, port_promise_, stop));
      } catch (...) {
        error_ = std::current_exception();
      }
      finished_ = true;
    });
    port_ = port.get();
  }
  ~running_server() { stop(); }
  void stop() {
    thread_.request_stop();
    if (thread_.joinable())
      thread_.join();
    if (error_)
      ADD_FAILURE() << "serve() threw";
  }
  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] bool finished() const { return finished_; }
  std::jthread &thread() { return thread_; }

private:
  http::server &server_;
  std::promise<std::uint16_t> port_promise_;
  std::uint16_t port_ = 0;
  std::exception_ptr error_;
  std::atomic<bool> finished_{false};
  std::jthread thread_;
};

// A blocking test client with a receive timeout.
class client {
public:
  explicit client(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr *>(&address),
                  sizeof address) != 0)
      throw std::runtime_error("connect failed");
    timeval tv{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~client() { ::close(fd_); }
  client(const client &) = delete;
  client &operator=(const client &) = delete;

  void send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0)
        throw std::runtime_error("send failed");
      data.remove_prefix(std::size_t(n));
    }
  }

  struct reply {
    int status = 0;
    std::string head;
    std::string body;
    [[nodiscard]] bool has(std::string_view line) const {
      return head.find(std::string(line) + "\r\n") != std::string::npos;
    }
  };

  // One response (Content-Length framed); status 0 if the server closed
  // first.
  reply receive(bool with_body = true) {
    reply r;
    std::size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos)
      if (!fill())
        return r;
    r.head = buffer_.substr(0, end + 2);
    buffer_.erase(0, end + 4);
    r.status = std::stoi(r.head.substr(9, 3));
    std::size_t length = 0;
    if (!with_body)
      return r;
    if (auto at = r.head.find("Content-Length: "); at != std::string::npos)
      length = std::stoul(r.head.substr(at + 16));
    while (buffer_.size() < length)
      if (!fill())
        throw std::runtime_error("body cut short");
    r.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return r;
  }
  reply request(std::string_view text) {
    send(text);
    return receive();
  }
  // True if something arrives (or the server closes) within `wait`.
  bool readable_within(std::chrono::milliseconds wait) {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, int(wait.count())) == 1;
  }
  // True if the server closes the connection (after what it still sends).
  bool closed() {
    while (fill()) {
    }
    return eof_;
  }

private:
  bool fill() {
    char chunk[4096];
    ssize_t n;
    do
      n = ::recv(fd_, chunk, sizeof chunk, 0);
    while (n < 0 && errno == EINTR);
    if (n == 0)
      eof_ = true;
    if (n <= 0)
      return false;
    buffer_.append(chunk, std::size_t(n));
    return true;
  }
  int fd_ = -1;
  std::string buffer_;
  bool eof_ = false;
};

std::string get(std::string_view path, std::string_view extra = "") {
  return "GET " + std::string(path) + " HTTP/1.1\r\nHost: t\r\n" +
         std::string(extra) + "\r\n";
}

void add_mixed_routes(http::server &srv) {
  srv.get("/async", [](const http::request &) -> concur::task<http::response> {
    co_await concur::sleep_for(1ms);
    co_return http::response::json(R"({"type": "async"})");
  });
  srv.get("/sync", [](const http::request &) {
    return http::response::json(R"({"type": "sync"})");
  });
  srv.get(
      "/cpu", [](const http::request &r) { return "cpu " + r.query; },
      http::run_on::cpu_pool);
  srv.post("/echo", [](http::request r) -> concur::task<http::response> {
    co_return http::response::text(r.body);
  });
  srv.get("/throws", [](const http::request &) -> http::response {
    throw std::runtime_error("handler failed");
  });
  srv.get("/throws-async",
          [](const http::request &) -> concur::task<http::response> {
            throw std::runtime_error("handler failed");
            co_return http::response{};
          });
  srv.get("/bad-header", [](const http::request &) {
    return http::response::text("x").set_header("X-Split", "a\r\nInjected: 1");
  });
}

} // namespace

TEST(HttpServer, RoutesCoroutineAndBlockingHandlersOnOneConnection) {
  http::server srv;
  add_mixed_routes(srv);
  running_server running(srv);
  client c(running.port());
  client::reply a = c.request(get("/async"));
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.body, R"({"type": "async"})");
  EXPECT_TRUE(a.has("Content-Type: application/json"));
  EXPECT_FALSE(a.has("Connection: close"));
  client::reply s = c.request(get("/sync"));
  EXPECT_EQ(s.status, 200);
  EXPECT_EQ(s.body, R"({"type": "sync"})");
  client::reply cpu = c.request(get("/cpu?n=4"));
  EXPECT_EQ(cpu.body, "cpu n=4");
  EXPECT_TRUE(cpu.has("Content-Type: text/plain; charset=utf-8"));
  EXPECT_EQ(c.request(get("/missing")).status, 404);
  client::reply wrong = c.request("DELETE /sync HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_TRUE(wrong.has("Allow: GET"));
  EXPECT_EQ(c.request(get("/throws")).status, 500);
  EXPECT_EQ(c.request(get("/throws-async")).status, 500);
  EXPECT_EQ(c.request(get("/bad-header")).status, 500); // no header injection
  // Still the same connection after all of these.
  EXPECT_EQ(c.request(get("/sync")).status, 200);
  client::reply last = c.request(get("/async", "Connection: close\r\n"));
  EXPECT_EQ(last.status, 200);
  EXPECT_TRUE(last.has("Connection: close"));
  EXPECT_TRUE(c.closed());
}

TEST(HttpServer, HeadAnswersWithoutABody) {
  http::server srv;
  add_mixed_routes(srv);
  running_server running(srv);
  client c(running.port());
  c.send("HEAD /sync HTTP/1.1\r\nHost: t\r\n\r\n" + get("/async"));
  client::reply head = c.receive(/*body=*/false);
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.has("Content-Length: 16")); // GET's length, no body
  client::reply next = c.receive();            // starts right after HEAD's head
  EXPECT_EQ(next.status, 200);
  EXPECT_EQ(next.body, R"({"type": "async"})");
}

TEST(HttpServer, PipelinedRequestsAreAnsweredInOrder) {
  http::server srv;
  add_mixed_routes(srv);
  running_server running(srv);
  client c(running.port());
  c.send(get("/sync") + get("/async") +
         "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello" +
         get("/cpu?x") + get("/missing"));
  EXPECT_EQ(c.receive().body, R"({"type": "sync"})");
  EXPECT_EQ(c.receive().body, R"({"type": "async"})");
  EXPECT_EQ(c.receive().body, "hello");
  EXPECT_EQ(c.receive().body, "cpu x");
  EXPECT_EQ(c.receive().status, 404);
}

TEST(HttpServer, ChunkedBodiesAndExpectContinue) {
  http::server srv;
  add_mixed_routes(srv);
  running_server running(srv);
  client c(running.port());
  client::reply r =
      c.request("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked"
                "\r\n\r\n3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "abcdefg");
  c.send("POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
         "Content-Length: 2\r\n\r\n");
  client::reply go_on = c.receive();
  EXPECT_EQ(go_on.status, 100);
  c.send("ok");
  EXPECT_EQ(c.receive().body, "ok");
}

TEST(HttpServer, MalformedRequestsGetTheirStatusAndAClose) {
  http::server_options options;
  options.limits.max_body = 16;
  options.limits.max_header_bytes = 256;
  http::server srv(options);
  add_mixed_routes(srv);
  running_server running(srv);
  struct probe {
    std::string text;
    int status;
  };
  std::vector<probe> probes = {
      {"GET /sync HTTP/1.1\r\nHost : t\r\n\r\n", 400},
      {"GET /sync\r\n\r\n", 400},
      {"GET /sync HTTP/3.0\r\nHost: t\r\n\r\n", 505},
      {"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 17\r\n\r\n", 413},
      {"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\n"
       "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
       400},
      {"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n",
       501},
      {"GET /sync HTTP/1.1\r\nHost: t\r\nX: " + std::string(300, 'x') +
           "\r\n\r\n",
       431},
  };
  for (const probe &p : probes) {
    client c(running.port());
    client::reply r = c.request(p.text);
    EXPECT_EQ(r.status, p.status) << p.text;
    EXPECT_TRUE(r.has("Connection: close")) << p.text;
    EXPECT_TRUE(c.closed()) << p.text;
  }
  // A good request on a connection before a bad one is answered first.
  client c(running.port());
  c.send(get("/sync") + "BAD\r\n\r\n");
  EXPECT_EQ(c.receive().status, 200);
  EXPECT_EQ(c.receive().status, 400);
  EXPECT_TRUE(c.closed());
}

TEST(HttpServer, TimeoutsCloseSlowAndIdleClients) {
  http::server_options options;
  options.header_timeout = 200ms;
  options.body_timeout = 200ms;
  options.idle_timeout = 300ms;
  http::server srv(options);
  add_mixed_routes(srv);
  running_server running(srv);

  client slow_head(running.port());
  slow_head.send("GET /sync HTTP/1.1\r\nHo");
  client slow_body(running.port());
  slow_body.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 9\r\n\r\n"
                 "part");
  client idle(running.port());
  EXPECT_EQ(idle.request(get("/sync")).status, 200);

  auto start = std::chrono::steady_clock::now();
  client::reply r = slow_head.receive();
  EXPECT_EQ(r.status, 408);
  EXPECT_TRUE(slow_head.closed());
  EXPECT_EQ(slow_body.receive().status, 408);
  EXPECT_TRUE(slow_body.closed());
  EXPECT_TRUE(idle.closed()); // no reply, just closed
  auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, 150ms);
  EXPECT_LT(waited, 5s);
}

TEST(HttpServer, StopAnswersTheRequestInProgressThenReturns) {
  http::server srv;
  std::atomic<int> handlers_started{0};
  srv.get("/slow", [&](const http::request &) -> concur::task<http::response> {
    ++handlers_started;
    co_await concur::sleep_for(300ms);
    co_return http::response::text("finished");
  });
  running_server running(srv);
  client idle(running.port());
  EXPECT_EQ(idle.request(get("/slow")).status, 200);
  client busy(running.port());
  busy.send(get("/slow"));
  while (handlers_started < 2) // the second request is in its handler
    std::this_thread::sleep_for(1ms);
  running.thread().request_stop();
  EXPECT_TRUE(idle.closed()); // the idle connection closes at once
  client::reply r = busy.receive();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "finished");
  EXPECT_TRUE(r.has("Connection: close"));
  EXPECT_TRUE(busy.closed());
  running.stop();
  EXPECT_TRUE(running.finished());
  EXPECT_EQ(srv.connections(), 0u);
  // The listening socket is closed: new connections are refused.
  EXPECT_THROW(client(running.port()), std::runtime_error);
}

TEST(HttpServer, StopTimeoutCancelsHandlersThatTakeTooLong) {
  http::server_options options;
  options.stop_timeout = 100ms;
  http::server srv(options);
  std::atomic<bool> started{false};
  srv.get("/forever",
          [&](const http::request &) -> concur::task<http::response> {
            started = true;
            co_await concur::sleep_for(1h);
            co_return http::response::text("never");
          });
  running_server running(srv);
  client c(running.port());
  c.send(get("/forever"));
  while (!started)
    std::this_thread::sleep_for(1ms);
  auto start = std::chrono::steady_clock::now();
  running.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_TRUE(c.closed());
}

TEST(HttpServer, ConnectionsBeyondTheMaximumWaitForAFreeSlot) {
  http::server_options options;
  options.max_connections = 2;
  http::server srv(options);
  add_mixed_routes(srv);
  running_server running(srv);
  auto first = std::make_unique<client>(running.port());
  client second(running.port());
  EXPECT_EQ(first->request(get("/sync")).status, 200);
  EXPECT_EQ(second.request(get("/sync")).status, 200);
  client third(running.port()); // in the listen backlog, not accepted yet
  third.send(get("/sync"));
  EXPECT_FALSE(third.readable_within(300ms));
  first.reset(); // frees a slot
  EXPECT_EQ(third.receive().status, 200);
  EXPECT_EQ(second.request(get("/async")).status, 200);
}

namespace {
// Serves until `go` is set, then cancels the task running serve().
concur::task<void> serve_then_cancel(http::server &srv,
                                     std::promise<std::uint16_t> &port,
                                     const std::atomic<bool> &go,
                                     std::atomic<bool> &cancelled) {
  srv.listen("127.0.0.1", 0);
  port.set_value(srv.port());
  concur::task_handle<void> serving = concur::spawn(srv.serve());
  while (!go)
    co_await concur::sleep_for(1ms);
  serving.cancel();
  try {
    co_await serving;
  } catch (const concur::cancelled_error &) {
    cancelled = true;
  }
}
} // namespace

TEST(HttpServer, CancellingServeClosesEveryConnection) {
  http::server srv;
  add_mixed_routes(srv);
  std::promise<std::uint16_t> port;
  std::future<std::uint16_t> known = port.get_future();
  std::atomic<bool> go{false}, cancelled{false};
  std::jthread loop(
      [&] { concur::run(serve_then_cancel(srv, port, go, cancelled)); });
  client c(known.get());
  EXPECT_EQ(c.request(get("/sync")).status, 200); // now idle, kept alive
  go = true;
  loop.join();
  EXPECT_TRUE(cancelled); // serve() rethrew cancelled_error
  EXPECT_TRUE(c.closed());
  EXPECT_EQ(srv.connections(), 0u);
}

TEST(HttpServer, BadOptionsAndRoutesAreRejected) {
  http::server_options options;
  options.idle_timeout = 0s;
  EXPECT_THROW(http::server{options}, std::invalid_argument);
  http::server srv;
  auto h = [](const http::request &) { return http::response{}; };
  EXPECT_THROW(srv.get("no-slash", h), std::invalid_argument);
  EXPECT_THROW(srv.route("G T", "/", h), std::invalid_argument);
  EXPECT_THROW((void)srv.port(), std::logic_error);
  EXPECT_THROW(concur::run(srv.serve()), std::logic_error); // no listen()
}

// --- blocking handlers: the pool thread sends the answer ---------------------

namespace {
// A blocking route, /hold, whose handler runs until the holder lets it go.
// While one is running, the pool thread of any other blocking request sends
// that request's answer itself; when it is the only blocking request in
// progress, the server hands its answer back to the loop. Tests run both.
struct hold_gate {
  std::atomic<bool> running{false};
  std::atomic<bool> release{false};
};

void add_hold_route(http::server &srv, hold_gate &gate) {
  srv.get("/hold", [&gate](const http::request &) {
    gate.running = true;
    while (!gate.release)
      std::this_thread::sleep_for(1ms);
    return "held";
  });
}

// Keeps a /hold request in progress from construction to destruction (or
// nothing, when `active` is false).
class holder {
public:
  holder(std::uint16_t port, hold_gate &gate, bool active) : gate_(gate) {
    if (!active)
      return;
    client_ = std::make_unique<client>(port);
    client_->send(get("/hold"));
    while (!gate_.running)
      std::this_thread::sleep_for(1ms);
  }
  ~holder() {
    gate_.release = true;
    if (client_) {
      EXPECT_EQ(client_->receive().body, "held");
    }
  }
  holder(const holder &) = delete;
  holder &operator=(const holder &) = delete;

private:
  hold_gate &gate_;
  std::unique_ptr<client> client_;
};

const char *path_name(bool pool_sends) {
  return pool_sends ? "answer sent by the pool thread"
                    : "answer sent by the loop";
}
} // namespace

TEST(HttpServer, BlockingAnswersKeepPipelinedRequestsInOrder) {
  for (bool pool_sends : {false, true}) {
    SCOPED_TRACE(path_name(pool_sends));
    http::server srv;
    add_mixed_routes(srv);
    hold_gate gate;
    add_hold_route(srv, gate);
    std::atomic<int> calls{0};
    srv.get("/count", [&](const http::request &) {
      return http::response::text(std::to_string(++calls));
    });
    running_server running(srv);
    holder busy(running.port(), gate, pool_sends);
    client c(running.port());
    // Blocking, blocking, coroutine, blocking: each answer in order.
    c.send(get("/count") + get("/count") + get("/async") + get("/count"));
    EXPECT_EQ(c.receive().body, "1");
    EXPECT_EQ(c.receive().body, "2");
    EXPECT_EQ(c.receive().body, R"({"type": "async"})");
    EXPECT_EQ(c.receive().body, "3");
    // One at a time afterwards, on the same connection.
    for (int i = 4; i < 50; ++i)
      EXPECT_EQ(c.request(get("/count")).body, std::to_string(i));
  }
}

TEST(HttpServer, BlockingAnswerLargerThanTheSocketTakesIsSentWhole) {
  for (bool pool_sends : {false, true}) {
    SCOPED_TRACE(path_name(pool_sends));
    http::server srv;
    hold_gate gate;
    add_hold_route(srv, gate);
    const std::size_t size = 8 * 1024 * 1024;
    srv.get("/big", [&](const http::request &) {
      std::string body(size, '\0');
      for (std::size_t i = 0; i < size; ++i)
        body[i] = char('a' + i % 23);
      return http::response::text(std::move(body));
    });
    srv.get("/small", [](const http::request &) { return "small"; });
    running_server running(srv);
    holder busy(running.port(), gate, pool_sends);
    client c(running.port());
    c.send(get("/big"));
    // The client reads nothing for a while: the socket fills and the rest
    // of the answer must wait for room (not be dropped or sent twice).
    std::this_thread::sleep_for(200ms);
    client::reply r = c.receive();
    EXPECT_EQ(r.status, 200);
    ASSERT_EQ(r.body.size(), size);
    std::size_t wrong = 0;
    for (std::size_t i = 0; i < size; ++i)
      wrong += r.body[i] != char('a' + i % 23);
    EXPECT_EQ(wrong, 0u);
    EXPECT_EQ(c.request(get("/small")).body, "small"); // still kept alive
  }
}

TEST(HttpServer, BlockingHandlerWhoseClientLeftDoesNotStopTheServer) {
  for (bool pool_sends : {false, true}) {
    SCOPED_TRACE(path_name(pool_sends));
    http::server srv;
    hold_gate gate;
    add_hold_route(srv, gate);
    std::atomic<bool> started{false}, release{false};
    srv.get("/wait", [&](const http::request &) {
      started = true;
      while (!release)
        std::this_thread::sleep_for(1ms);
      return "late";
    });
    // Asked on the loop's thread, where connections() may be read.
    srv.get("/open",
            [&](const http::request &) -> concur::task<http::response> {
              co_return http::response::text(std::to_string(srv.connections()));
            });
    running_server running(srv);
    holder busy(running.port(), gate, pool_sends);
    {
      client gone(running.port());
      gone.send(get("/wait"));
      while (!started)
        std::this_thread::sleep_for(1ms);
    } // closed while its handler runs
    std::this_thread::sleep_for(50ms);
    release = true; // its answer now goes to a closed connection
    client next(running.port());
    std::string expected = pool_sends ? "2" : "1"; // and the holder's
    auto give_up = std::chrono::steady_clock::now() + 5s;
    std::string open;
    while ((open = next.request(get("/open")).body) != expected &&
           std::chrono::steady_clock::now() < give_up)
      std::this_thread::sleep_for(1ms);
    EXPECT_EQ(open, expected); // the one that left has closed
  }
}

TEST(HttpServer, IdleTimeoutCountsFromAPoolThreadsAnswer) {
  http::server_options options;
  options.idle_timeout = 300ms;
  http::server srv(options);
  hold_gate gate;
  add_hold_route(srv, gate);
  srv.get("/sync", [](const http::request &) { return "sync"; });
  running_server running(srv);
  holder busy(running.port(), gate, true);
  client c(running.port());
  EXPECT_EQ(c.request(get("/sync")).body, "sync");
  EXPECT_EQ(c.request(get("/sync")).body, "sync"); // kept alive
  auto answered = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.closed()); // silent since: closed as idle
  auto waited = std::chrono::steady_clock::now() - answered;
  EXPECT_GE(waited, 250ms);
  EXPECT_LT(waited, 3s);
}

TEST(HttpServer, BlockingHandlersHonourConnectionClose) {
  http::server srv;
  add_mixed_routes(srv);
  srv.get("/closing", [](const http::request &) {
    return http::response::text("bye").set_header("Connection", "close");
  });
  running_server running(srv);
  {
    client c(running.port());
    client::reply r = c.request(get("/sync", "Connection: close\r\n"));
    EXPECT_EQ(r.body, R"({"type": "sync"})");
    EXPECT_TRUE(r.has("Connection: close"));
    EXPECT_TRUE(c.closed());
  }
  {
    client c(running.port());
    client::reply r = c.request(get("/closing"));
    EXPECT_EQ(r.body, "bye");
    EXPECT_TRUE(r.has("Connection: close"));
    EXPECT_TRUE(c.closed());
  }
  {
    client c(running.port()); // HTTP/1.0 closes unless asked otherwise
    client::reply r = c.request("GET /sync HTTP/1.0\r\n\r\n");
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(c.closed());
  }
}

TEST(HttpServer, StopClosesBlockingConnectionsAndAnswersTheRunningOne) {
  http::server srv;
  std::atomic<bool> started{false};
  srv.get("/sync", [](const http::request &) { return "sync"; });
  srv.get("/slow", [&](const http::request &) {
    started = true;
    std::this_thread::sleep_for(300ms);
    return "finished";
  });
  running_server running(srv);
  client busy(running.port());
  busy.send(get("/slow"));
  while (!started)
    std::this_thread::sleep_for(1ms);
  // With /slow running, a pool thread sends this answer; the client then
  // stays silent.
  client idle(running.port());
  EXPECT_EQ(idle.request(get("/sync")).body, "sync");
  auto start = std::chrono::steady_clock::now();
  running.thread().request_stop();
  EXPECT_TRUE(idle.closed());
  // At once, not at the sweeper's next look (a second, with these options).
  EXPECT_LT(std::chrono::steady_clock::now() - start, 200ms);
  client::reply r = busy.receive();
  EXPECT_EQ(r.body, "finished");
  EXPECT_TRUE(r.has("Connection: close"));
  EXPECT_TRUE(busy.closed());
  running.stop();
  EXPECT_EQ(srv.connections(), 0u);
}

TEST(HttpServer, StopTimeoutLeavesABlockingHandlerRunning) {
  http::server_options options;
  options.stop_timeout = 100ms;
  http::server srv(options);
  std::atomic<bool> started{false}, finished{false};
  srv.get("/long", [&](const http::request &) {
    started = true;
    std::this_thread::sleep_for(500ms);
    finished = true;
    return "too late";
  });
  running_server running(srv);
  client c(running.port());
  c.send(get("/long"));
  while (!started)
    std::this_thread::sleep_for(1ms);
  auto start = std::chrono::steady_clock::now();
  running.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 450ms);
  EXPECT_TRUE(c.closed()); // closed without the answer
  // Descriptors opened now take the lowest free numbers, the closed
  // connection's among them: the pool thread must not send its late answer
  // into whichever reuses it.
  std::vector<std::array<int, 2>> pairs(8);
  for (auto &p : pairs)
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, p.data()), 0);
  while (!finished)
    std::this_thread::sleep_for(1ms);
  std::this_thread::sleep_for(50ms);
  for (auto &p : pairs)
    for (int fd : p) {
      pollfd q{fd, POLLIN, 0};
      EXPECT_EQ(::poll(&q, 1, 0), 0) << "data arrived on descriptor " << fd;
    }
  for (auto &p : pairs)
    for (int fd : p)
      ::close(fd);
}

// --- load ------------------------------------------------------------------

namespace {
// One keep-alive client: `requests` GETs of `path`, each answer checked.
concur::task<int> keep_alive_client(std::uint16_t port, std::string path,
                                    int requests) {
  concur::tcp_stream s = co_await concur::tcp_connect("127.0.0.1", port, 30s);
  std::string request = get(path);
  int answered = 0;
  for (int i = 0; i < requests; ++i) {
    co_await s.write_all(request);
    std::string head = co_await s.read_until("\r\n\r\n", 4096);
    if (!head.starts_with("HTTP/1.1 200 "))
      throw std::runtime_error("unexpected reply: " + head);
    auto at = head.find("Content-Length: ");
    std::string body(std::stoul(head.substr(at + 16)), '\0');
    co_await s.read_exact(std::as_writable_bytes(std::span(body)));
    ++answered;
  }
  co_return answered;
}

concur::task<std::chrono::nanoseconds> timed_get(std::uint16_t port,
                                                 std::string path) {
  auto start = std::chrono::steady_clock::now();
  co_await keep_alive_client(port, std::move(path), 1);
  co_return std::chrono::steady_clock::now() - start;
}

concur::task<void> load(std::uint16_t port, int clients, int requests,
                        int &answered) {
  std::vector<concur::task<int>> all;
  for (int i = 0; i < clients; ++i)
    all.push_back(
        keep_alive_client(port, i % 2 ? "/async" : "/sync", requests));
  for (int n : co_await concur::gather(std::move(all)))
    answered += n;
}

concur::task<void> blocking_and_fast(std::uint16_t port, int sleepers,
                                     const std::atomic<int> &sleeping,
                                     std::chrono::nanoseconds &fast,
                                     int &slept_during_fast, int &slept) {
  std::vector<concur::task<int>> slow;
  for (int i = 0; i < sleepers; ++i)
    slow.push_back(keep_alive_client(port, "/sleep", 1));
  auto slow_done = concur::spawn(concur::gather(std::move(slow)));
  // Every blocking handler is sleeping now (if they ran on the loop, one at
  // a time, this gives up after 5 s and the checks below fail).
  auto give_up = std::chrono::steady_clock::now() + 5s;
  while (sleeping < sleepers && std::chrono::steady_clock::now() < give_up)
    co_await concur::sleep_for(1ms);
  fast = co_await timed_get(port, "/async");
  slept_during_fast = sleeping; // none has finished yet (they sleep 1 s)
  for (int n : co_await slow_done)
    slept += n;
}
} // namespace

TEST(HttpServer, LoadThousandKeepAliveClients) {
  http::server srv;
  add_mixed_routes(srv);
  running_server running(srv);
  const int clients = 1000;
  const int requests = sanitized ? 3 : 10;
  int answered = 0;
  concur::run(load(running.port(), clients, requests, answered));
  EXPECT_EQ(answered, clients * requests);
}

TEST(HttpServer, BlockingHandlersDoNotStallCoroutineHandlers) {
  http::server srv;
  add_mixed_routes(srv);
  std::atomic<int> sleeping{0};
  srv.get("/sleep", [&](const http::request &) {
    ++sleeping;
    std::this_thread::sleep_for(1s); // blocks a thread of io_pool()
    --sleeping;
    return http::response::text("slept");
  });
  running_server running(srv);
  std::chrono::nanoseconds fast{};
  int slept = 0;
  int slept_during_fast = 0;
  const int sleepers = 4; // io_pool() has at least 8 threads
  concur::run(blocking_and_fast(running.port(), sleepers, sleeping, fast,
                                slept_during_fast, slept));
  EXPECT_EQ(slept, sleepers);
  EXPECT_EQ(slept_during_fast, sleepers);
  // The coroutine endpoint answered while the blocking ones slept: well
  // under their one second.
  EXPECT_LT(fast, 500ms) << "coroutine endpoint took "
                         << std::chrono::duration<double>(fast).count() << " s";
}
