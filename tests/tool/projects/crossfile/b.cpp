// The helpers: fetch_page reaches recv through net_read.
#include "net.h"

extern "C" long recv(int fd, void *buf, unsigned long len, int flags);

long net_read(int fd) {
  char buf[4096];
  return recv(fd, buf, sizeof buf, 0);
}

long fetch_page(int fd) { return net_read(fd) + net_read(fd); }

double checksum(const double *values, int n) {
  double sum = 0;
  for (int i = 0; i < n; ++i)
    sum += values[i] * values[i];
  return sum;
}
