// Mistake: a blocking file read in an event loop's handler
// (concur-blocking-call-in-event-loop).
//
// An epoll server answers each request with a file it reads from disk, in
// the handler the loop calls: while one read waits for the disk, every other
// connection waits too. concur reports the call of handle_request() in the
// dispatch loop, with the chain down to the read, and row `asyncio`: read
// with the loop's asynchronous form, or on a worker pool that hands the
// result back to the loop (the `mixed` implementation: an eventfd wakes the
// loop when the page is ready).
#include <cstdio>
#include <string>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

static std::string load_page(const char *path) {
  std::string page;
  if (FILE *f = std::fopen(path, "rb")) {
    char buf[65536];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0)
      page.append(buf, n);
    std::fclose(f);
  }
  return page;
}

static void handle_request(int fd) {
  std::string page = load_page("/var/www/index.html");
  send(fd, page.data(), page.size(), MSG_DONTWAIT);
}

void serve(int epfd) {
  epoll_event events[64];
  for (;;) {
    int n = epoll_wait(epfd, events, 64, -1);
    for (int i = 0; i < n; ++i)
      handle_request(events[i].data.fd);
  }
}

int main() {
  int epfd = epoll_create1(0);
  if (epfd < 0)
    return 1;
  // A real server registers its listening socket here, then calls serve().
  close(epfd);
  return 0;
}
