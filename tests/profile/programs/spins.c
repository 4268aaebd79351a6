// Computes: a floating-point series for about 0.3 s of CPU time.
#include <stdio.h>

__attribute__((noinline)) double crunch(long n) {
  double s = 0;
  for (long i = 1; i < n; ++i)
    s += 1.0 / (double)i;
  return s;
}

int main(void) {
  printf("%f\n", crunch(150 * 1000 * 1000));
  return 0;
}
