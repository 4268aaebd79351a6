// A C file: its row note names the row's C implementation.
#include <concur_mock_posix.h>

static long fetch_page(int fd) {
  char buf[4096];
  return recv(fd, buf, sizeof buf, 0) + recv(fd, buf, sizeof buf, 0);
}

long fetch_all(const int *fds, int n) {
  long total = 0;
  for (int i = 0; i < n; ++i)
    total += fetch_page(fds[i]);
  return total;
}
