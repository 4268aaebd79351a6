// The workloads of the concur-profile overhead benchmark. Each prints the
// wall time of its own work in seconds, so that a run with and without the
// profiler compares the program's time, not the profiler's start or its
// symbolisation after the end.
//
//   workload cpu   four threads computing a floating-point series
//   workload io    two threads passing a byte back and forth over pipes
//                  (two context switches per round trip) plus short sleeps
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static double results[4];

__attribute__((noinline)) static double series(long from, long to) {
  double s = 0;
  for (long i = from; i < to; ++i)
    s += 1.0 / (double)i;
  return s;
}

static void *compute(void *arg) {
  long k = (long)arg;
  results[k] = series(1 + k * 200000000L, 1 + (k + 1) * 200000000L);
  return 0;
}

static int ping[2], pong[2];
enum { RoundTrips = 20000 };

static void *echo(void *arg) {
  (void)arg;
  char byte;
  while (read(ping[0], &byte, 1) == 1 && byte != 'q')
    if (write(pong[1], &byte, 1) != 1)
      break;
  return 0;
}

__attribute__((noinline)) static int exchange(void) {
  char byte = 'x';
  for (int i = 0; i < RoundTrips; ++i) {
    if (write(ping[1], &byte, 1) != 1 || read(pong[0], &byte, 1) != 1)
      return 1;
    if (i % 1000 == 0) {
      struct timespec t = {0, 5 * 1000 * 1000};
      nanosleep(&t, 0);
    }
  }
  return write(ping[1], "q", 1) != 1;
}

int main(int argc, char **argv) {
  if (argc != 2 || (strcmp(argv[1], "cpu") != 0 && strcmp(argv[1], "io") != 0)) {
    fprintf(stderr, "usage: workload cpu|io\n");
    return 2;
  }
  double start = now();
  pthread_t threads[4];
  if (strcmp(argv[1], "cpu") == 0) {
    for (long k = 0; k < 4; ++k)
      pthread_create(&threads[k], 0, compute, (void *)k);
    for (int k = 0; k < 4; ++k)
      pthread_join(threads[k], 0);
    if (results[0] + results[1] + results[2] + results[3] <= 0)
      return 1; // uses the results, which keeps the computation
  } else {
    if (pipe(ping) != 0 || pipe(pong) != 0)
      return 1;
    pthread_create(&threads[0], 0, echo, 0);
    if (exchange() != 0)
      return 1;
    pthread_join(threads[0], 0);
  }
  printf("%.6f\n", now() - start);
  return 0;
}
