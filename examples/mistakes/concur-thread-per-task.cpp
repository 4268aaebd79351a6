// Mistake: a thread per request (concur-thread-per-task).
//
// An echo server that starts a new std::thread for every connection it
// accepts. Each thread costs a stack and a kernel thread, and the number of
// threads grows with the number of clients. concur reports the thread start
// in serve() with row `asyncio`: the handler waits on the network, and a
// server loop's fan-out is unbounded, so one event loop (concur::event_loop,
// a concur::task per connection) serves them all on one thread.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <thread>

static void handle(int client) {
  char buffer[4096];
  for (;;) {
    ssize_t n = recv(client, buffer, sizeof buffer, 0);
    if (n <= 0)
      break;
    send(client, buffer, size_t(n), 0);
  }
  close(client);
}

static void serve(int listener) {
  for (;;) {
    int client = accept(listener, nullptr, nullptr);
    if (client < 0)
      continue;
    std::thread(handle, client).detach(); // one thread per connection
  }
}

int main() {
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(7007);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listener, reinterpret_cast<sockaddr *>(&address), sizeof address) ||
      listen(listener, 64)) {
    std::perror("echo");
    return 1;
  }
  serve(listener);
}
