// C code that already uses libevent (through its headers) is told to use
// its libevent loop.
#include "event2/event.h"

long recv(int fd, void *buf, unsigned long len, int flags);

static long read_request(int fd) {
  char buf[4096];
  return recv(fd, buf, sizeof buf, 0) + recv(fd, buf, sizeof buf, 0);
}

long serve_all(const int *fds, int n) {
  long total = 0;
  for (int i = 0; i < n; ++i)
    total += read_request(fds[i]);
  return total;
}
