// store writes to a file descriptor; fan_out loops over fetch_all's
// neighbour in another shard.
#include "io.h"

long store(int fd, const char *text) {
  unsigned long n = 0;
  while (text[n])
    ++n;
  return write(fd, text, n);
}

long fan_out(const int *fds, int n) {
  long total = 0;
  for (int i = 0; i < n; ++i)
    total += relay(fds[i], 1);
  return total;
}
