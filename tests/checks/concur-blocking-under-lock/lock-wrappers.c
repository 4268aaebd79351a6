// C servers take their locks through their own functions: a function that
// returns holding a lock (cache_lock) opens a critical section at its call,
// its partner (cache_unlock) closes it, as pthread_mutex_lock/unlock would.
// CONCUR-ARGS: -std=c11
#include <concur_mock_posix.h>

static pthread_mutex_t cache_mutex;
static pthread_mutex_t bucket_locks[16];

void cache_lock(void) { pthread_mutex_lock(&cache_mutex); }
void cache_unlock(void) { pthread_mutex_unlock(&cache_mutex); }

// A wrapper of a wrapper, and one whose lock depends on its argument.
void cache_lock_twice_removed(void) { cache_lock(); }
void bucket_lock(unsigned hv) { pthread_mutex_lock(&bucket_locks[hv & 15]); }
void bucket_unlock(unsigned hv) { pthread_mutex_unlock(&bucket_locks[hv & 15]); }

long fill_from_disk(int fd, char *buf) {
  cache_lock();
  long n = read(fd, buf, 65536);
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'read' blocks on file I/O while 'cache_mutex' is locked
  // CHECK-NOTES: :[[@LINE-3]]:3: note: 'cache_mutex' is locked here by 'cache_lock'
  cache_unlock();
  return n;
}

// negative: the read comes after the wrapper released the lock.
long fill_after_unlock(int fd, char *buf) {
  cache_lock();
  cache_unlock();
  return read(fd, buf, 65536);
}

long fill_through_two_wrappers(int fd, char *buf) {
  cache_lock_twice_removed();
  long n = read(fd, buf, 65536);
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'read' blocks on file I/O while 'cache_mutex' is locked
  cache_unlock();
  return n;
}

long fill_bucket(int fd, char *buf, unsigned hv) {
  bucket_lock(hv);
  long n = recv(fd, buf, 65536, 0);
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'recv' blocks on network I/O while 'bucket_locks[hv & 15]' is locked
  bucket_unlock(hv);
  // negative: the bucket's lock is released.
  return n + recv(fd, buf, 65536, 0);
}
