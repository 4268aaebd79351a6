// Common mistake: giving I/O-bound work to CPU-oriented parallelism.
//
// Health checks connect to a list of services with blocking sockets, spread
// with std::execution::par. The parallel algorithms run on one worker per
// core, so only "number of cores" connections wait at a time while the
// cores sit idle. concur reports the lambda as `concur-model-mismatch` and
// recommends the row made for network waits at a runtime-sized fan-out
// (row: asyncio: concur::event_loop with concur::gather).
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <execution>
#include <string>
#include <vector>

static bool probe(const std::string &host) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo *found = nullptr;
  if (getaddrinfo(host.c_str(), "80", &hints, &found) != 0)
    return false;
  int fd = socket(found->ai_family, found->ai_socktype, found->ai_protocol);
  bool up = fd >= 0 && connect(fd, found->ai_addr, found->ai_addrlen) == 0;
  char reply[16];
  if (up)
    up = send(fd, "HEAD / HTTP/1.0\r\n\r\n", 19, 0) > 0 &&
         recv(fd, reply, sizeof reply, 0) > 0;
  if (fd >= 0)
    close(fd);
  freeaddrinfo(found);
  return up;
}

int main(int argc, char **argv) {
  std::vector<std::string> hosts(argv + 1, argv + argc);
  std::vector<char> up(hosts.size());
  std::transform(std::execution::par, hosts.begin(), hosts.end(), up.begin(),
                 [](const std::string &host) { return char(probe(host)); });
  for (size_t i = 0; i < hosts.size(); ++i)
    std::printf("%s %s\n", hosts[i].c_str(), up[i] ? "up" : "down");
  return 0;
}
