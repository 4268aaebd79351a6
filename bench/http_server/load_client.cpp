// The load client of bench/http_server: N keep-alive connections to
// 127.0.0.1:PORT, each sending "GET PATH" and reading the whole response
// (its head and Content-Length bytes of body) before the next request, for a
// fixed time. Plain epoll, one thread, no concur code, so that every server
// meets the same client. Prints "requests_per_second N"; any status other
// than 200 or a closed connection is an error.
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
  std::string received;
};

[[noreturn]] void fail(const char *what) {
  std::fprintf(stderr, "load_client: %s: %s\n", what, std::strerror(errno));
  std::exit(1);
}

// The length of the first complete response in `data`, or 0.
std::size_t complete_response(const std::string &data) {
  std::size_t end = data.find("\r\n\r\n");
  if (end == std::string::npos)
    return 0;
  if (data.compare(0, 13, "HTTP/1.1 200 ") != 0) {
    std::fprintf(stderr, "load_client: unexpected response: %.60s\n", data.c_str());
    std::exit(1);
  }
  std::size_t length = 0;
  for (const char *name : {"\r\nContent-Length: ", "\r\ncontent-length: "})
    if (std::size_t at = data.find(name); at != std::string::npos && at < end)
      length = std::strtoul(data.c_str() + at + std::strlen(name), nullptr, 10);
  std::size_t total = end + 4 + length;
  return data.size() >= total ? total : 0;
}
} // namespace

int main(int argc, char **argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s PORT CONNECTIONS SECONDS PATH\n", argv[0]);
    return 2;
  }
  int port = std::atoi(argv[1]);
  int count = std::atoi(argv[2]);
  double seconds = std::atof(argv[3]);
  if (port <= 0 || port > 65535 || count < 1 || count > 1000 || seconds <= 0 || seconds > 60) {
    std::fprintf(stderr, "load_client: out of bounds (1-1000 connections, <=60 s)\n");
    return 2;
  }
  std::string request = std::string("GET ") + argv[4] + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
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
  long requests = 0;
  auto start = std::chrono::steady_clock::now();
  auto end = start + std::chrono::duration<double>(seconds);
  for (connection &c : connections)
    if (::send(c.fd, request.data(), request.size(), MSG_NOSIGNAL) != ssize_t(request.size()))
      fail("send");
  std::vector<epoll_event> events(static_cast<std::size_t>(count));
  char buffer[16384];
  while (std::chrono::steady_clock::now() < end) {
    int n = ::epoll_wait(epoll, events.data(), count, 100);
    for (int i = 0; i < n; ++i) {
      connection &c = connections[events[std::size_t(i)].data.u32];
      ssize_t got = ::recv(c.fd, buffer, sizeof buffer, 0);
      if (got <= 0)
        fail("recv (server closed?)");
      c.received.append(buffer, std::size_t(got));
      if (std::size_t size = complete_response(c.received)) {
        c.received.erase(0, size);
        ++requests;
        if (::send(c.fd, request.data(), request.size(), MSG_NOSIGNAL) != ssize_t(request.size()))
          fail("send");
      }
    }
  }
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (connection &c : connections)
    ::close(c.fd);
  std::printf("requests_per_second %.0f\n", double(requests) / elapsed);
}
