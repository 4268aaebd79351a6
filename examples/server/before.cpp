// Scenario 2 of the seeds: a TCP server.
//
// A blocking, one-client-at-a-time echo server: while one client is being
// served, every other client waits in the accept queue. concur reports the
// accept loop as `concur-sequential-blocking-loop` with row `asyncio` (a
// server loop: network waits with an unbounded fan-out). See after.cpp.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

void serve_client(int client) {
  char buffer[4096];
  for (;;) {
    ssize_t received = recv(client, buffer, sizeof buffer, 0);
    if (received <= 0)
      break;
    send(client, buffer, size_t(received), 0);
  }
  close(client);
}

int main(int argc, char **argv) {
  int port = argc > 1 ? std::atoi(argv[1]) : 8080;
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(uint16_t(port));
  if (bind(listener, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0 ||
      listen(listener, 128) != 0) {
    std::perror("listen");
    return 1;
  }
  while (true) {
    int client = accept(listener, nullptr, nullptr);
    if (client < 0)
      continue;
    serve_client(client);
  }
}
