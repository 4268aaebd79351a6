// A loop that blocks two shards away: fetch_page (b.cpp) calls net_read
// (c.cpp), which calls recv.
#include "io.h"

long fetch_all(const int *fds, int n) {
  long total = 0;
  for (int i = 0; i < n; ++i)
    total += fetch_page(fds[i]);
  return total;
}

int add(int a, int b) { return a + b; }
