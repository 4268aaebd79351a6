// Waits on a timer: 20 sleeps of 20 ms.
#include <time.h>

__attribute__((noinline)) void nap(void) {
  struct timespec t = {0, 20 * 1000 * 1000};
  nanosleep(&t, 0);
}

int main(void) {
  for (int i = 0; i < 20; ++i)
    nap();
  return 0;
}
