// A global written between a project's own lock and unlock functions is
// synchronised, as between pthread_mutex_lock and pthread_mutex_unlock.
// CONCUR-ARGS: -std=c11
#include <concur_mock_posix.h>

static pthread_mutex_t stats_mutex;
static long total_items;
static long unguarded_items;

void stats_lock(void) { pthread_mutex_lock(&stats_mutex); }
void stats_unlock(void) { pthread_mutex_unlock(&stats_mutex); }

static void count_item(void) {
  stats_lock();
  total_items++;
  stats_unlock();
}

static void *worker(void *arg) {
  (void)arg;
  for (int i = 0; i < 100; ++i)
    count_item();
  return 0;
}

static void *careless_worker(void *arg) {
  (void)arg;
  unguarded_items++;
  return 0;
}

void start_workers(void) {
  pthread_t threads[4];
  for (int i = 0; i < 4; ++i)
    // negative: the write to total_items is under stats_lock().
    pthread_create(&threads[i], 0, worker, 0);
  for (int i = 0; i < 4; ++i)
    pthread_create(&threads[i], 0, careless_worker, 0);
  // CHECK-MESSAGES: :[[@LINE-1]]:36: warning: 'careless_worker' runs on several threads ('pthread_create') but is not thread-safe: an unsynchronised global update to 'unguarded_items'
}

// A helper called while its caller holds the lock writes under that lock.
static pthread_mutex_t table_mutex;
static long table_size;

static void grow_table(void) { table_size *= 2; }

static void *maintenance(void *arg) {
  (void)arg;
  pthread_mutex_lock(&table_mutex);
  grow_table();
  pthread_mutex_unlock(&table_mutex);
  return 0;
}

static void *careless_maintenance(void *arg) {
  (void)arg;
  pthread_mutex_lock(&table_mutex);
  pthread_mutex_unlock(&table_mutex);
  grow_table();
  return 0;
}

void start_maintenance(void) {
  pthread_t threads[2];
  for (int i = 0; i < 2; ++i) {
    // negative: grow_table runs with table_mutex held.
    pthread_create(&threads[i], 0, maintenance, 0);
    pthread_create(&threads[i], 0, careless_maintenance, 0);
    // CHECK-MESSAGES: :[[@LINE-1]]:36: warning: 'careless_maintenance' runs on several threads ('pthread_create') but is not thread-safe: an unsynchronised global update to 'table_size' via 'grow_table'
  }
}
