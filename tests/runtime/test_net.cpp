// Tests of concur/net.hpp: a loopback server/client pair, errors with errno
// text, timeouts, cancellation at accept/read, and a load test with as many
// concurrent connections as RLIMIT_NOFILE allows (up to 10,000).
#include "concur/async_sync.hpp"
#include "concur/gather.hpp"
#include "concur/net.hpp"

#include <gtest/gtest.h>

#include <dirent.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <system_error>
#include <vector>

using namespace std::chrono_literals;

namespace {

int open_descriptors() {
  int count = 0;
  if (DIR *dir = ::opendir("/proc/self/fd")) {
    while (::readdir(dir))
      ++count;
    ::closedir(dir);
  }
  return count;
}

concur::task<void> echo_session(concur::tcp_stream client) {
  char buffer[4096];
  for (;;) {
    std::size_t n = co_await client.read_some(buffer, sizeof buffer);
    if (n == 0)
      co_return;
    co_await client.write_all(std::string_view(buffer, n));
  }
}

concur::task<void> echo_server(concur::tcp_listener &listener) {
  for (;;)
    (void)concur::spawn(echo_session(co_await listener.accept()));
}

TEST(Net, EchoServerAndClientOnLoopback) {
  concur::run([]() -> concur::task<void> {
    auto listener = concur::tcp_listen("127.0.0.1", 0);
    auto server = concur::spawn(echo_server(listener));
    concur::tcp_stream client =
        co_await concur::tcp_connect("127.0.0.1", listener.port());
    EXPECT_EQ(client.peer_address().port(), listener.port());
    std::string message(100000, 'x'); // more than one socket buffer's worth
    for (std::size_t i = 0; i < message.size(); ++i)
      message[i] = char('a' + i % 26);
    auto writer = concur::spawn(
        [](concur::tcp_stream &c, const std::string &m) -> concur::task<void> {
          co_await c.write_all(m);
        }(client, message));
    std::string echoed(message.size(), '\0');
    co_await client.read_exact(std::as_writable_bytes(std::span(echoed)));
    co_await writer;
    EXPECT_EQ(echoed, message);
    server.cancel();
  }());
}

TEST(Net, ReadUntilKeepsTheRestBuffered) {
  concur::run([]() -> concur::task<void> {
    auto listener = concur::tcp_listen("127.0.0.1", 0);
    auto sender =
        concur::spawn([](concur::tcp_listener &l) -> concur::task<void> {
          concur::tcp_stream peer = co_await l.accept();
          co_await peer.write_all("GET / HTTP/1.1\r\nHost: x\r\n\r\nBODY");
          peer.shutdown_write();
          char sink[16];
          (void)co_await peer.read_some(
              sink, sizeof sink); // wait for the client to close
        }(listener));
    concur::tcp_stream client =
        co_await concur::tcp_connect("127.0.0.1", listener.port());
    EXPECT_EQ(co_await client.read_until("\r\n"), "GET / HTTP/1.1\r\n");
    EXPECT_EQ(co_await client.read_until("\r\n\r\n"), "Host: x\r\n\r\n");
    char body[8];
    std::size_t n = co_await client.read_some(body, sizeof body);
    EXPECT_EQ(std::string(body, n), "BODY");
    char more[4];
    EXPECT_THROW(
        co_await client.read_exact(std::as_writable_bytes(std::span(more))),
        concur::incomplete_read_error);
    client.close();
    co_await sender;
  }());
}

TEST(Net, ConnectionRefusedCarriesTheErrnoText) {
  concur::run([]() -> concur::task<void> {
    std::uint16_t port;
    {
      auto probe = concur::tcp_listen("127.0.0.1", 0);
      port = probe.port();
    } // closed: nothing listens there now
    try {
      (void)co_await concur::tcp_connect("127.0.0.1", port);
      ADD_FAILURE() << "connect succeeded";
    } catch (const std::system_error &e) {
      EXPECT_EQ(e.code().value(), ECONNREFUSED);
      EXPECT_NE(std::string(e.what()).find("Connection refused"),
                std::string::npos)
          << e.what();
      EXPECT_NE(std::string(e.what()).find("127.0.0.1:" + std::to_string(port)),
                std::string::npos)
          << e.what();
    }
  }());
}

TEST(Net, BindErrorsAndBadAddresses) {
  concur::run([]() -> concur::task<void> {
    auto first = concur::tcp_listen("127.0.0.1", 0);
    EXPECT_THROW((void)concur::tcp_listen("127.0.0.1", first.port()),
                 std::system_error); // EADDRINUSE
    EXPECT_THROW((void)concur::tcp_listen("not-an-address", 0),
                 std::invalid_argument);
    co_return;
  }());
}

TEST(Net, ResolveOffloadsNamesAndReportsFailures) {
  concur::run([]() -> concur::task<void> {
    auto numeric = co_await concur::resolve("127.0.0.1", 80);
    EXPECT_EQ(numeric.size(), 1u);
    EXPECT_EQ(numeric[0].to_string(), "127.0.0.1:80");
    auto local = co_await concur::resolve("localhost", 8080);
    EXPECT_FALSE(local.empty());
    EXPECT_EQ(local[0].port(), 8080);
    EXPECT_THROW((void)co_await concur::resolve("no-such-host.invalid", 80),
                 std::runtime_error);
  }());
}

TEST(Net, ConnectTimeoutAgainstAFullBacklog) {
  // A listener that never accepts, with the smallest backlog: once its queue
  // is full the kernel drops further SYNs and connect stays pending.
  concur::run([]() -> concur::task<void> {
    auto listener = concur::tcp_listen("127.0.0.1", 0, 0);
    std::vector<concur::tcp_stream> held;
    bool timed_out = false;
    for (int i = 0; i < 64 && !timed_out; ++i) {
      try {
        held.push_back(
            co_await concur::tcp_connect("127.0.0.1", listener.port(), 50ms));
      } catch (const concur::timeout_error &e) {
        timed_out = true;
        EXPECT_NE(std::string(e.what()).find("timed out"), std::string::npos);
      }
    }
    EXPECT_TRUE(timed_out) << "the kernel accepted " << held.size()
                           << " connections";
  }());
}

TEST(Net, CancelAtAcceptAndAtRead) {
  concur::run([]() -> concur::task<void> {
    auto listener = concur::tcp_listen("127.0.0.1", 0);
    auto acceptor =
        concur::spawn([](concur::tcp_listener &l) -> concur::task<void> {
          (void)co_await l.accept();
        }(listener));
    co_await concur::yield();
    acceptor.cancel();
    EXPECT_THROW(co_await acceptor, concur::cancelled_error);

    // The listener still works after a cancelled accept.
    auto accepted = concur::spawn(
        [](concur::tcp_listener &l) -> concur::task<concur::tcp_stream> {
          co_return co_await l.accept();
        }(listener));
    concur::tcp_stream client =
        co_await concur::tcp_connect("127.0.0.1", listener.port());
    concur::tcp_stream server_side = co_await accepted;
    auto reader =
        concur::spawn([](concur::tcp_stream &s) -> concur::task<std::size_t> {
          char b[8];
          co_return co_await s.read_some(b, sizeof b);
        }(server_side));
    co_await concur::yield();
    reader.cancel();
    EXPECT_THROW(co_await reader, concur::cancelled_error);
    co_await client.write_all("ping");
    char b[8];
    EXPECT_EQ(co_await server_side.read_some(b, sizeof b), 4u);
  }());
}

TEST(Net, CancelAWriteBlockedOnAFullSocket) {
  concur::run([]() -> concur::task<void> {
    auto listener = concur::tcp_listen("127.0.0.1", 0);
    auto accepted = concur::spawn(
        [](concur::tcp_listener &l) -> concur::task<concur::tcp_stream> {
          co_return co_await l.accept();
        }(listener));
    concur::tcp_stream client =
        co_await concur::tcp_connect("127.0.0.1", listener.port());
    concur::tcp_stream server_side = co_await accepted; // never reads
    std::string big(64 << 20, 'z'); // far more than both socket buffers
    auto writer =
        concur::spawn([](concur::tcp_stream &s,
                         const std::string &data) -> concur::task<void> {
          co_await s.write_all(data);
        }(client, big));
    co_await concur::sleep_for(10ms);
    EXPECT_FALSE(writer.done());
    writer.cancel();
    EXPECT_THROW(co_await writer, concur::cancelled_error);
  }());
}

TEST(Net, CloseWhileReadingFailsTheRead) {
  concur::run([]() -> concur::task<void> {
    auto listener = concur::tcp_listen("127.0.0.1", 0);
    auto accepted = concur::spawn(
        [](concur::tcp_listener &l) -> concur::task<concur::tcp_stream> {
          co_return co_await l.accept();
        }(listener));
    concur::tcp_stream client =
        co_await concur::tcp_connect("127.0.0.1", listener.port());
    concur::tcp_stream server_side = co_await accepted;
    auto reader =
        concur::spawn([](concur::tcp_stream &s) -> concur::task<std::size_t> {
          char b[8];
          co_return co_await s.read_some(b, sizeof b);
        }(client));
    co_await concur::yield();
    client.close();
    try {
      (void)co_await reader;
      ADD_FAILURE() << "read did not fail";
    } catch (const std::system_error &e) {
      EXPECT_EQ(e.code().value(), ECANCELED);
    }
    EXPECT_THROW((void)client.read_some(nullptr, 0), std::logic_error);
  }());
}

TEST(Net, UdpDatagramsBothWays) {
  concur::run([]() -> concur::task<void> {
    auto a = concur::udp_bind("127.0.0.1", 0);
    auto b = concur::udp_bind("127.0.0.1", 0);
    auto receiver =
        concur::spawn([](concur::udp_socket &s) -> concur::task<std::string> {
          char buffer[64];
          auto [n, from] = co_await s.receive_from(
              std::as_writable_bytes(std::span(buffer)));
          co_await s.send_to(std::string_view(buffer, n),
                             from); // echo back to the sender
          co_return std::string(buffer, n);
        }(b));
    co_await a.send_to("datagram", b.local_address());
    char reply[64];
    auto [n, from] =
        co_await a.receive_from(std::as_writable_bytes(std::span(reply)));
    EXPECT_EQ(std::string(reply, n), "datagram");
    EXPECT_EQ(from.port(), b.local_address().port());
    EXPECT_EQ(co_await receiver, "datagram");
    // Cancel a receive that will never complete.
    auto waiting =
        concur::spawn([](concur::udp_socket &s) -> concur::task<void> {
          char buffer[8];
          (void)co_await s.receive_from(
              std::as_writable_bytes(std::span(buffer)));
        }(a));
    co_await concur::yield();
    waiting.cancel();
    EXPECT_THROW(co_await waiting, concur::cancelled_error);
  }());
}

// Load test: N concurrent client connections to one loop-based echo server
// in the same loop, every byte checked, no descriptor leaked. N is 10,000
// when RLIMIT_NOFILE allows (each connection costs two descriptors here),
// else the largest count it permits; the test prints which.
TEST(Net, TenThousandConcurrentConnections) {
  rlimit limit{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &limit), 0);
  rlimit raised = limit;
  raised.rlim_cur = limit.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &raised); // where allowed
  ::getrlimit(RLIMIT_NOFILE, &raised);
  const long headroom = 64;
  const long connections = std::min<long>(
      10000, (long(raised.rlim_cur) - open_descriptors() - headroom) / 2);
  std::printf(
      "load test: %ld connections (RLIMIT_NOFILE soft %llu, hard %llu)\n",
      connections, (unsigned long long)raised.rlim_cur,
      (unsigned long long)raised.rlim_max);
  ASSERT_GE(connections, 100);
  int before = open_descriptors();
  auto start = std::chrono::steady_clock::now();

  std::size_t verified = concur::run([](long count)
                                         -> concur::task<std::size_t> {
    auto listener = concur::tcp_listen("127.0.0.1", 0, 65535);
    auto server = concur::spawn(echo_server(listener), "echo-server");
    concur::async_semaphore connecting(
        512); // bounds the SYN burst on the backlog
    concur::async_event everyone_connected;
    long connected_count = 0;
    std::vector<concur::task<std::size_t>> clients;
    for (long i = 0; i < count; ++i)
      clients.push_back([](std::uint16_t port, long id,
                           concur::async_semaphore &gate,
                           concur::async_event &all_connected, long &connected,
                           long total) -> concur::task<std::size_t> {
        concur::tcp_stream s;
        {
          auto permit = co_await gate.acquire_scoped();
          s = co_await concur::tcp_connect("127.0.0.1", port);
        }
        if (++connected == total)
          all_connected.set();
        co_await all_connected.wait(); // every connection is open at once
        std::string payload = "client " + std::to_string(id) + " " +
                              std::string(std::size_t(id % 200), '#');
        co_await s.write_all(payload);
        std::string back(payload.size(), '\0');
        co_await s.read_exact(std::as_writable_bytes(std::span(back)));
        if (back != payload)
          throw std::runtime_error("mismatch on client " + std::to_string(id));
        co_return back.size();
      }(listener.port(), i, connecting, everyone_connected, connected_count,
                                       count));
    auto sizes =
        co_await concur::wait_for(concur::gather(std::move(clients)), 120s);
    server.cancel();
    std::size_t total = 0;
    for (std::size_t n : sizes)
      total += n;
    co_return total;
  }(connections));

  std::size_t expected = 0;
  for (long id = 0; id < connections; ++id)
    expected +=
        ("client " + std::to_string(id) + " ").size() + std::size_t(id % 200);
  EXPECT_EQ(verified, expected);
  EXPECT_EQ(open_descriptors(), before) << "descriptors leaked";
  std::printf(
      "load test: %.2f s\n",
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count());
  ::setrlimit(RLIMIT_NOFILE, &limit);
}

} // namespace
