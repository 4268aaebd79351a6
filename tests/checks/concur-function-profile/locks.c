// Taking a lock is not waiting: an uncontended mutex costs about 100 ns, and
// how long other threads hold it is concur-blocking-under-lock's business.
// A function that takes a lock around a counter, even once per item, is not
// `io`. One that waits on a condition variable does wait.
// CONCUR-ARGS: -std=c11
// CONCUR-CONFIG: {CheckOptions: {concur-function-profile.Enable: true}}
#include <concur_mock_posix.h>

pthread_mutex_t stats_lock;
pthread_cond_t stats_ready;
long hits;
int ready;

// One lock per item around an increment: trivial.
void count_hits(int n) {
  for (int i = 0; i < n; i++) {
    pthread_mutex_lock(&stats_lock);
    hits++;
    pthread_mutex_unlock(&stats_lock);
  }
}
// CHECK-MESSAGES: :[[@LINE-7]]:6: remark: 'count_hits' is trivial

long wait_for_stats(void) {
  pthread_mutex_lock(&stats_lock);
  while (!ready)
    pthread_cond_wait(&stats_ready, &stats_lock);
  long h = hits;
  pthread_mutex_unlock(&stats_lock);
  return h;
}
// CHECK-MESSAGES: :[[@LINE-8]]:6: remark: 'wait_for_stats' is io
