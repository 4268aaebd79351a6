// fetch_page reaches recv in another shard; summarise calls crunch in a
// third.
#include "io.h"

long fetch_page(int fd) { return net_read(fd) + net_read(fd); }

double summarise(const double *const *rows, int n, int width) {
  double sum = 0;
  for (int i = 0; i < n; ++i)
    sum += crunch(rows[i], width);
  return sum;
}
