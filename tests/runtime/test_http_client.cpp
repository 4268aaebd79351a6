// Tests for concur/http/client.hpp (concur::http::client, libcurl's multi
// interface on the event loop), against a local HTTP/1.1 server written with
// concur's TCP server (net.hpp) on a thread of its own, bound to 127.0.0.1:
// GET, POST bodies, headers, redirects (followed, limited, not followed),
// timeouts, connection resets and refusals, cancellation (task cancel, stop
// token, queued requests), connection reuse, the per-host limit, 5,000
// requests in flight on one thread, and descriptors left open afterwards.
#include "concur/http/client.hpp"

#include "concur/gather.hpp"
#include "concur/net.hpp"

#include <gtest/gtest.h>

#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <filesystem>
#include <future>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
namespace http = concur::http;

namespace {

std::size_t open_descriptors() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto &entry :
       std::filesystem::directory_iterator("/proc/self/fd"))
    ++n;
  return n;
}

// A request built field by field (GCC 12 warns about designated
// initializers that leave fields out).
http::request make(std::string method, std::string url) {
  http::request req;
  req.method = std::move(method);
  req.url = std::move(url);
  return req;
}

http::client_options per_host(std::size_t limit) {
  http::client_options options;
  options.max_per_host = limit;
  return options;
}

std::size_t number_after(std::string_view path, std::string_view prefix) {
  std::string_view rest = path.substr(prefix.size());
  std::size_t value = 0;
  std::from_chars(rest.data(), rest.data() + rest.size(), value);
  return value;
}

// An HTTP/1.1 server with keep-alive on its own thread and loop. Paths:
//   /hello            200 "hello"
//   /bytes/N          N bytes of 'x'
//   /slow/MS          "slow" after MS milliseconds
//   /reset            the connection is reset (RST), no response
//   /redirect/N       302 to /redirect/N-1; /redirect/0 answers "landed"
//   /loop             302 to itself
//   /status/N         status N
//   /echo             the request body; X-Method: the method; X-Echo: the
//                     request's X-Test header
class test_server {
public:
  test_server() {
    std::promise<std::uint16_t> port;
    thread_ = std::thread([this, &port] {
      concur::event_loop loop;
      concur::tcp_listener listener =
          concur::tcp_listener::bind(loop, "127.0.0.1", 0);
      port.set_value(listener.port());
      auto main = loop.spawn(serve(std::move(listener)), stop_.get_token());
      loop.run_until([&] { return main.done(); });
    });
    port_ = port.get_future().get();
  }
  ~test_server() {
    stop_.request_stop();
    thread_.join();
  }
  [[nodiscard]] std::string url(std::string_view path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
  }
  [[nodiscard]] std::uint16_t port() const { return port_; }

  std::atomic<int> connections{0};
  std::atomic<int> requests{0};
  std::atomic<int> busy{0};     // requests being answered now
  std::atomic<int> max_busy{0}; // the most at once

private:
  concur::task<void> serve(concur::tcp_listener listener) {
    for (;;) {
      concur::tcp_stream client = co_await listener.accept();
      ++connections;
      (void)concur::spawn(guarded(std::move(client)));
    }
  }

  concur::task<void> guarded(concur::tcp_stream client) {
    try {
      co_await session(client);
    } catch (const std::system_error &) {
    } catch (const std::length_error &) {
    } catch (const concur::incomplete_read_error &) {
    }
  }

  concur::task<void> session(concur::tcp_stream &client) {
    for (;;) {
      std::string head = co_await client.read_until("\r\n\r\n", 64 * 1024);
      if (!head.ends_with("\r\n\r\n"))
        co_return;
      ++requests;
      std::string_view text(head);
      std::string_view line = text.substr(0, text.find("\r\n"));
      std::string_view method = line.substr(0, line.find(' '));
      std::string_view path = line.substr(method.size() + 1);
      path = path.substr(0, path.find(' '));
      std::string body(number_after(header(text, "Content-Length"), ""), '\0');
      if (!body.empty())
        co_await client.read_exact(std::as_writable_bytes(std::span(body)));

      int now = ++busy;
      int seen = max_busy.load();
      while (now > seen && !max_busy.compare_exchange_weak(seen, now)) {
      }
      struct leave {
        std::atomic<int> &busy;
        ~leave() { --busy; }
      } leaving{busy};

      std::string status = "200 OK", extra, reply;
      if (path == "/hello") {
        reply = "hello";
      } else if (path.starts_with("/bytes/")) {
        reply.assign(number_after(path, "/bytes/"), 'x');
      } else if (path.starts_with("/slow/")) {
        co_await concur::sleep_for(
            std::chrono::milliseconds(number_after(path, "/slow/")));
        reply = "slow";
      } else if (path == "/reset") {
        linger hard{1, 0}; // close with RST
        ::setsockopt(client.native_handle(), SOL_SOCKET, SO_LINGER, &hard,
                     sizeof hard);
        client.close();
        co_return;
      } else if (path.starts_with("/redirect/")) {
        std::size_t n = number_after(path, "/redirect/");
        if (n == 0) {
          reply = "landed";
        } else {
          status = "302 Found";
          extra = "Location: /redirect/" + std::to_string(n - 1) + "\r\n";
        }
      } else if (path == "/loop") {
        status = "302 Found";
        extra = "Location: /loop\r\n";
      } else if (path.starts_with("/status/")) {
        status = std::to_string(number_after(path, "/status/")) + " Status";
      } else if (path == "/echo") {
        reply = body;
        extra = "X-Method: " + std::string(method) +
                "\r\nX-Echo: " + std::string(header(text, "X-Test")) + "\r\n";
      } else {
        status = "404 Not Found";
      }
      co_await client.write_all("HTTP/1.1 " + status + "\r\nContent-Length: " +
                                std::to_string(reply.size()) + "\r\n" + extra +
                                "\r\n" + reply);
    }
  }

  static std::string_view header(std::string_view head, std::string_view name) {
    std::size_t at = 0;
    while ((at = head.find("\r\n", at)) != std::string_view::npos) {
      at += 2;
      std::string_view line = head.substr(at, head.find("\r\n", at) - at);
      if (line.size() > name.size() && line[name.size()] == ':' &&
          std::equal(name.begin(), name.end(), line.begin(),
                     [](char a, char b) {
                       return std::tolower(static_cast<unsigned char>(a)) ==
                              std::tolower(static_cast<unsigned char>(b));
                     })) {
        std::string_view value = line.substr(name.size() + 1);
        while (value.starts_with(' '))
          value.remove_prefix(1);
        return value;
      }
    }
    return {};
  }

  std::stop_source stop_;
  std::thread thread_;
  std::uint16_t port_ = 0;
};

TEST(HttpClient, GetReturnsStatusHeadersAndBody) {
  test_server server;
  http::response page = concur::run([&]() -> concur::task<http::response> {
    http::client client;
    co_return co_await client.get(server.url("/hello"));
  }());
  EXPECT_EQ(page.status, 200);
  EXPECT_TRUE(page.ok());
  EXPECT_EQ(page.body, "hello");
  EXPECT_EQ(page.header("content-length"), "5");
  EXPECT_EQ(page.header("Content-Length"), "5");
  EXPECT_FALSE(page.header("X-Missing"));
  EXPECT_EQ(page.url, server.url("/hello"));
  EXPECT_EQ(page.redirects, 0);
}

TEST(HttpClient, PostAndPutSendTheBodyMethodAndHeaders) {
  test_server server;
  std::string big(300 * 1024, '\0');
  for (std::size_t i = 0; i < big.size(); ++i)
    big[i] = char('a' + i % 26);
  concur::run([&]() -> concur::task<void> {
    http::client_options options;
    options.headers = {{"X-Test", "from-client"}};
    options.timeout = 30s; // a stalled transfer fails instead of hanging
    http::client client(options);
    http::request post = make("POST", server.url("/echo"));
    post.body = big;
    http::response posted = co_await client.request(post);
    EXPECT_EQ(posted.status, 200);
    EXPECT_EQ(posted.body, big);
    EXPECT_EQ(posted.header("X-Method"), "POST");
    EXPECT_EQ(posted.header("X-Echo"), "from-client");
    http::request put_request = make("PUT", server.url("/echo"));
    put_request.headers = {{"X-Test", "from-request"}};
    put_request.body = "small";
    http::response put = co_await client.request(put_request);
    EXPECT_EQ(put.body, "small");
    EXPECT_EQ(put.header("X-Method"), "PUT");
    EXPECT_EQ(put.header("X-Echo"), "from-request");
    http::response deleted =
        co_await client.request(make("DELETE", server.url("/echo")));
    EXPECT_EQ(deleted.header("X-Method"), "DELETE");
    EXPECT_EQ(deleted.body, "");
  }());
}

TEST(HttpClient, RedirectsAreFollowedLimitedOrReturned) {
  test_server server;
  concur::run([&]() -> concur::task<void> {
    http::client client;
    http::response landed = co_await client.get(server.url("/redirect/3"));
    EXPECT_EQ(landed.status, 200);
    EXPECT_EQ(landed.body, "landed");
    EXPECT_EQ(landed.redirects, 3);
    EXPECT_EQ(landed.url, server.url("/redirect/0"));

    http::request unfollowed = make("GET", server.url("/redirect/3"));
    unfollowed.follow_redirects = false;
    http::response first = co_await client.request(unfollowed);
    EXPECT_EQ(first.status, 302);
    EXPECT_EQ(first.header("Location"), "/redirect/2");

    std::string message;
    try {
      http::request looping = make("GET", server.url("/loop"));
      looping.max_redirects = 5;
      (void)co_await client.request(looping);
    } catch (const http::error &e) {
      message = e.what();
      EXPECT_EQ(e.url(), server.url("/loop"));
      EXPECT_FALSE(e.timed_out());
    }
    EXPECT_NE(message.find("GET " + server.url("/loop")), std::string::npos)
        << message;
    EXPECT_NE(message.find("Maximum (5) redirects"), std::string::npos)
        << message;
  }());
}

TEST(HttpClient, TimeoutIsAnErrorNamingTheUrl) {
  test_server server;
  auto start = std::chrono::steady_clock::now();
  std::string message;
  bool timed_out = false;
  concur::run([&]() -> concur::task<void> {
    http::client client;
    try {
      http::request slow = make("GET", server.url("/slow/10000"));
      slow.timeout = 200ms;
      (void)co_await client.request(slow);
    } catch (const http::error &e) {
      message = e.what();
      timed_out = e.timed_out();
    }
  }());
  EXPECT_TRUE(timed_out) << message;
  EXPECT_NE(message.find(server.url("/slow/10000")), std::string::npos)
      << message;
  EXPECT_NE(message.find("timed out"), std::string::npos) << message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST(HttpClient, ResetAndRefusedConnectionsAreErrors) {
  test_server server;
  std::uint16_t closed_port = 0;
  {
    concur::event_loop loop;
    closed_port = concur::tcp_listener::bind(loop, "127.0.0.1", 0).port();
  }
  concur::run([&]() -> concur::task<void> {
    http::client client;
    std::string reset;
    try {
      (void)co_await client.get(server.url("/reset"));
    } catch (const http::error &e) {
      reset = e.what();
      EXPECT_NE(e.code(), 0);
    }
    EXPECT_NE(reset.find(server.url("/reset")), std::string::npos) << reset;
    std::string refused_url =
        "http://127.0.0.1:" + std::to_string(closed_port) + "/";
    std::string refused;
    try {
      (void)co_await client.get(refused_url);
    } catch (const http::error &e) {
      refused = e.what();
    }
    EXPECT_NE(refused.find(refused_url), std::string::npos) << refused;
    EXPECT_NE(refused.find("onnect"), std::string::npos) << refused;
    // The client still works after both.
    EXPECT_EQ((co_await client.get(server.url("/hello"))).body, "hello");
  }());
}

TEST(HttpClient, StatusErrorsAreResponsesUntilRaised) {
  test_server server;
  http::response missing = concur::run([&]() -> concur::task<http::response> {
    http::client client;
    co_return co_await client.get(server.url("/status/404"));
  }());
  EXPECT_EQ(missing.status, 404);
  EXPECT_FALSE(missing.ok());
  try {
    missing.raise_for_status();
    ADD_FAILURE() << "raise_for_status did not throw";
  } catch (const http::status_error &e) {
    EXPECT_EQ(e.status(), 404);
    EXPECT_NE(std::string(e.what()).find("404"), std::string::npos);
  }
}

TEST(HttpClient, BadRequestsAreClearErrors) {
  EXPECT_THROW(http::client(), std::logic_error); // outside a loop
  concur::run([&]() -> concur::task<void> {
    http::client client;
    EXPECT_THROW((void)client.get(""), std::invalid_argument);
    EXPECT_THROW((void)client.request(make("", "http://127.0.0.1:1/")),
                 std::invalid_argument);
    http::request negative = make("GET", "http://127.0.0.1:1/");
    negative.max_redirects = -1;
    EXPECT_THROW((void)client.request(negative), std::invalid_argument);
    EXPECT_THROW(http::client(per_host(0)), std::invalid_argument);
    EXPECT_THROW(http::client(per_host(100001)), std::invalid_argument);
    std::string message;
    try {
      (void)co_await client.get("ftp://127.0.0.1:1/file");
    } catch (const http::error &e) {
      message = e.what();
    }
    EXPECT_NE(message.find("ftp://127.0.0.1:1/file"), std::string::npos)
        << message;
  }());
}

TEST(HttpClient, ConnectionsAreReused) {
  test_server server;
  concur::run([&]() -> concur::task<void> {
    http::client client;
    for (int i = 0; i < 20; ++i)
      EXPECT_EQ((co_await client.get(server.url("/hello"))).body, "hello");
  }());
  EXPECT_EQ(server.requests, 20);
  EXPECT_EQ(server.connections, 1);
}

TEST(HttpClient, CancellingTheTaskRemovesItsTransfer) {
  test_server server;
  concur::run([&]() -> concur::task<void> {
    http::client client;
    auto slow = concur::spawn(client.get(server.url("/slow/20000")));
    while (server.busy == 0)
      co_await concur::sleep_for(1ms);
    EXPECT_EQ(client.in_flight(), 1u);
    auto start = std::chrono::steady_clock::now();
    slow.cancel();
    EXPECT_THROW((void)co_await slow, concur::cancelled_error);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
    EXPECT_EQ(client.in_flight(), 0u);
    // The client goes on working.
    EXPECT_EQ((co_await client.get(server.url("/hello"))).body, "hello");
  }());
}

TEST(HttpClient, StopTokenCancelsFromAnotherThread) {
  test_server server;
  std::stop_source stop;
  concur::event_loop loop;
  http::client client(loop);
  auto request =
      loop.spawn(client.get(server.url("/slow/20000")), stop.get_token());
  std::thread stopper([&] {
    while (server.busy == 0)
      std::this_thread::sleep_for(1ms);
    stop.request_stop();
  });
  loop.run_until([&] { return request.done(); });
  stopper.join();
  EXPECT_TRUE(request.cancelled());
  EXPECT_EQ(client.in_flight(), 0u);
}

TEST(HttpClient, PerHostLimitQueuesTheRestInOrder) {
  test_server server;
  concur::run([&]() -> concur::task<void> {
    http::client client(per_host(4));
    std::vector<concur::task<http::response>> requests;
    for (int i = 0; i < 20; ++i)
      requests.push_back(client.get(server.url("/slow/50")));
    auto all = concur::spawn(concur::gather(std::move(requests)));
    co_await concur::sleep_for(20ms);
    EXPECT_EQ(client.in_flight(), 4u);
    EXPECT_EQ(client.queued(), 16u);
    std::vector<http::response> pages = co_await all;
    EXPECT_EQ(pages.size(), 20u);
    for (const auto &page : pages)
      EXPECT_EQ(page.body, "slow");
    // A queued request cancelled before it starts leaves the queue.
    auto first = concur::spawn(client.get(server.url("/slow/300")));
    auto second = concur::spawn(client.get(server.url("/slow/300")));
    auto third = concur::spawn(client.get(server.url("/slow/300")));
    auto fourth = concur::spawn(client.get(server.url("/slow/300")));
    auto waiting = concur::spawn(client.get(server.url("/hello")));
    co_await concur::sleep_for(20ms);
    EXPECT_EQ(client.queued(), 1u);
    waiting.cancel();
    EXPECT_THROW((void)co_await waiting, concur::cancelled_error);
    EXPECT_EQ(client.queued(), 0u);
    for (auto *handle : {&first, &second, &third, &fourth})
      EXPECT_EQ((co_await *handle).body, "slow");
  }());
  EXPECT_EQ(server.max_busy, 4);
}

TEST(HttpClient, FiveThousandRequestsInFlightOnOneThreadLeakNothing) {
  constexpr int count = 5000;
  std::size_t descriptors_before = open_descriptors();
  {
    test_server server;
    auto start = std::chrono::steady_clock::now();
    std::size_t bytes = concur::run([&]() -> concur::task<std::size_t> {
      http::client client(per_host(count));
      std::vector<concur::task<http::response>> requests;
      for (int i = 0; i < count; ++i)
        requests.push_back(client.get(
            server.url(i % 2 ? "/slow/500" : "/bytes/" + std::to_string(i))));
      std::vector<http::response> pages =
          co_await concur::gather(std::move(requests));
      std::size_t total = 0;
      for (int i = 0; i < count; ++i) {
        EXPECT_EQ(pages[std::size_t(i)].status, 200);
        EXPECT_EQ(pages[std::size_t(i)].body.size(),
                  i % 2 ? 4u : std::size_t(i));
        total += pages[std::size_t(i)].body.size();
      }
      co_return total;
    }());
    std::size_t expected = 0;
    for (int i = 0; i < count; ++i)
      expected += i % 2 ? 4 : std::size_t(i);
    EXPECT_EQ(bytes, expected);
    EXPECT_EQ(server.requests, count);
    // The slow half was answered concurrently: 2,500 half-second responses
    // one after another would take 20 minutes.
    EXPECT_GT(server.max_busy, 1000);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 60s);
  }
  EXPECT_EQ(open_descriptors(), descriptors_before);
}

TEST(HttpClient, ClientMovedOrDestroyedWhileRequestsAreInFlight) {
  std::size_t descriptors_before = open_descriptors();
  {
    test_server server; // its end of each connection closes with it
    concur::run([&]() -> concur::task<void> {
      auto client = std::make_unique<http::client>();
      auto request = concur::spawn(client->get(server.url("/slow/100")));
      http::client moved = std::move(*client);
      client.reset();
      EXPECT_EQ((co_await request).body, "slow");
      EXPECT_EQ((co_await moved.get(server.url("/hello"))).body, "hello");
    }());
  }
  EXPECT_EQ(open_descriptors(), descriptors_before);
}

} // namespace
