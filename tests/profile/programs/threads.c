// Spreads a computation over four threads.
#include <pthread.h>
#include <stdio.h>

static double results[4];

__attribute__((noinline)) double slice(long from, long to) {
  double s = 0;
  for (long i = from; i < to; ++i)
    s += 1.0 / (double)i;
  return s;
}

static void *work(void *arg) {
  long k = (long)arg;
  results[k] = slice(1 + k * 40000000L, 1 + (k + 1) * 40000000L);
  return 0;
}

int main(void) {
  pthread_t t[4];
  for (long k = 0; k < 4; ++k)
    pthread_create(&t[k], 0, work, (void *)k);
  for (int k = 0; k < 4; ++k)
    pthread_join(t[k], 0);
  printf("%f\n", results[0] + results[1] + results[2] + results[3]);
  return 0;
}
