// crunch is arithmetic; save_all writes through store (f.cpp).
#include "io.h"

double crunch(const double *v, int n) {
  double sum = 0;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      sum += v[i] * v[j] / (1.0 + i + j);
  return sum;
}

long save_all(int fd, const char *const *texts, int n) {
  long written = 0;
  for (int i = 0; i < n; ++i)
    written += store(fd, texts[i]);
  return written;
}
