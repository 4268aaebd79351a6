// The load client of bench/event_loop: N connections to 127.0.0.1:PORT, each
// sending a fixed message and waiting for all of it to come back before the
// next, for a fixed time. Plain epoll, one thread, no concur code, so that
// every server meets the same client. Prints "round_trips_per_second N".
//
// Bounded: loopback only, at most 1,000 connections and 60 seconds.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {
struct connection {
  int fd = -1;
  std::size_t received = 0;
};

[[noreturn]] void fail(const char *what) {
  std::fprintf(stderr, "echo_client: %s: %s\n", what, std::strerror(errno));
  std::exit(1);
}
} // namespace

int main(int argc, char **argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s PORT CONNECTIONS SECONDS MESSAGE_BYTES\n", argv[0]);
    return 2;
  }
  int port = std::atoi(argv[1]);
  int count = std::atoi(argv[2]);
  double seconds = std::atof(argv[3]);
  std::size_t size = std::size_t(std::atol(argv[4]));
  if (port <= 0 || port > 65535 || count < 1 || count > 1000 || seconds <= 0 || seconds > 60 || size < 1 ||
      size > 65536) {
    std::fprintf(stderr, "echo_client: out of bounds (1-1000 connections, <=60 s, 1-65536 bytes)\n");
    return 2;
  }
  std::string message(size, 'm');
  std::vector<char> buffer(size);
  int epoll = ::epoll_create1(0);
  std::vector<connection> connections(static_cast<std::size_t>(count));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(uint16_t(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  for (int i = 0; i < count; ++i) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0)
      fail("connect");
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    connections[std::size_t(i)].fd = fd;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u32 = uint32_t(i);
    ::epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &ev);
  }
  long round_trips = 0;
  auto start = std::chrono::steady_clock::now();
  auto end = start + std::chrono::duration<double>(seconds);
  for (connection &c : connections)
    if (::send(c.fd, message.data(), size, MSG_NOSIGNAL) != ssize_t(size))
      fail("send");
  std::vector<epoll_event> events(static_cast<std::size_t>(count));
  while (std::chrono::steady_clock::now() < end) {
    int n = ::epoll_wait(epoll, events.data(), count, 100);
    for (int i = 0; i < n; ++i) {
      connection &c = connections[events[std::size_t(i)].data.u32];
      ssize_t got = ::recv(c.fd, buffer.data(), size - c.received, 0);
      if (got <= 0)
        fail("recv (server closed?)");
      c.received += std::size_t(got);
      if (c.received == size) {
        c.received = 0;
        ++round_trips;
        if (::send(c.fd, message.data(), size, MSG_NOSIGNAL) != ssize_t(size))
          fail("send");
      }
    }
  }
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (connection &c : connections)
    ::close(c.fd);
  std::printf("round_trips_per_second %.0f\n", double(round_trips) / elapsed);
}
