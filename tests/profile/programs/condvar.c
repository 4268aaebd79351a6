// Waits on a condition variable: the main thread waits for a worker that
// sleeps 20 ms between 20 signals.
#include <pthread.h>
#include <time.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready = PTHREAD_COND_INITIALIZER;
static int produced;

static void *producer(void *arg) {
  (void)arg;
  for (int i = 0; i < 20; ++i) {
    struct timespec t = {0, 20 * 1000 * 1000};
    nanosleep(&t, 0);
    pthread_mutex_lock(&lock);
    ++produced;
    pthread_cond_signal(&ready);
    pthread_mutex_unlock(&lock);
  }
  return 0;
}

__attribute__((noinline)) void wait_for_all(void) {
  pthread_mutex_lock(&lock);
  while (produced < 20)
    pthread_cond_wait(&ready, &lock);
  pthread_mutex_unlock(&lock);
}

int main(void) {
  pthread_t worker;
  pthread_create(&worker, 0, producer, 0);
  wait_for_all();
  pthread_join(worker, 0);
  return 0;
}
