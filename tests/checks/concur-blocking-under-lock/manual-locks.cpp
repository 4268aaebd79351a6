// Critical sections opened and closed by hand: mutex.lock()/unlock(),
// pthread_mutex_lock/unlock, pthread_rwlock_*, and std::lock with adopting
// guards; plus the option that adds waiting on other threads.
// CONCUR-CONFIG: {CheckOptions: {concur-blocking-under-lock.BlockingKinds: 'network;file;database;ipc;process;sleep;sync'}}
#include <concur_mock_posix.h>
#include <mock_std.h>

pthread_mutex_t queue_lock;
pthread_rwlock_t index_lock;
std::mutex state_mutex;
int pending = 0;

void push_and_log(int fd, const char *msg) {
  pthread_mutex_lock(&queue_lock);
  ++pending;
  write(fd, msg, 32);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'write' blocks on file I/O while 'queue_lock' is locked
  // CHECK-NOTES: :[[@LINE-4]]:3: note: 'queue_lock' is locked here by 'pthread_mutex_lock'
  pthread_mutex_unlock(&queue_lock);
}

// negative: pthread lock released before the write.
void push_then_log(int fd, const char *msg) {
  pthread_mutex_lock(&queue_lock);
  ++pending;
  pthread_mutex_unlock(&queue_lock);
  write(fd, msg, 32);
}

void sleep_in_lock() {
  pthread_mutex_lock(&queue_lock);
  usleep(1000);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'usleep' blocks on sleep I/O while 'queue_lock' is locked
  pthread_mutex_unlock(&queue_lock);
  usleep(1000);
}

// The early return keeps the lock held on the path that reaches the read.
int lock_or_fail(int fd, char *buf) {
  if (pthread_mutex_lock(&queue_lock) != 0)
    return -1;
  int n = (int)read(fd, buf, 16);
  // CHECK-MESSAGES: :[[@LINE-1]]:16: warning: 'read' blocks on file I/O while 'queue_lock' is locked
  pthread_mutex_unlock(&queue_lock);
  return n;
}

void rebuild_index(int fd, char *buf) {
  pthread_rwlock_wrlock(&index_lock);
  pread(fd, buf, 4096, 0);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'pread' blocks on file I/O while 'index_lock' is locked
  pthread_rwlock_unlock(&index_lock);
}

void member_lock(int sock, char *buf) {
  state_mutex.lock();
  recv(sock, buf, 128, 0);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'recv' blocks on network I/O while 'state_mutex' is locked
  state_mutex.unlock();
}

// negative: member unlock() before the I/O.
void member_unlock_first(int sock, char *buf) {
  state_mutex.lock();
  ++pending;
  state_mutex.unlock();
  recv(sock, buf, 128, 0);
}

void try_lock_then_io(int fd) {
  if (state_mutex.try_lock()) {
    fsync(fd);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'fsync' blocks on file I/O while 'state_mutex' is locked
    state_mutex.unlock();
  }
}

void lock_two(std::mutex &a, std::mutex &b, int fd) {
  std::lock(a, b);
  std::lock_guard<std::mutex> ga(a, std::adopt_lock);
  std::lock_guard<std::mutex> gb(b, std::adopt_lock);
  fsync(fd);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'fsync' blocks on file I/O while 'b' is locked
}

// negative: the adopting guards end with their block, and so does the lock.
void lock_two_scoped(std::mutex &a, std::mutex &b, int fd) {
  {
    std::lock(a, b);
    std::lock_guard<std::mutex> ga(a, std::adopt_lock);
    std::lock_guard<std::mutex> gb(b, std::adopt_lock);
    ++pending;
  }
  fsync(fd);
}

// With sync waits enabled: joining a thread while holding the lock.
void join_under_lock(std::thread &worker) {
  std::lock_guard<std::mutex> guard(state_mutex);
  worker.join();
  // CHECK-MESSAGES: :[[@LINE-1]]:10: warning: 'std::thread::join' blocks on sync I/O while 'state_mutex' is locked
}

pthread_cond_t nonempty;
// negative: pthread_cond_wait releases the mutex it is given.
void wait_nonempty() {
  pthread_mutex_lock(&queue_lock);
  while (pending == 0)
    pthread_cond_wait(&nonempty, &queue_lock);
  --pending;
  pthread_mutex_unlock(&queue_lock);
}

std::mutex inner_mutex;
// negative: taking a second lock is lock machinery, not a report of its own.
void nested_locks() {
  std::lock_guard<std::mutex> outer(state_mutex);
  std::lock_guard<std::mutex> inner(inner_mutex);
  ++pending;
}

// negative: releasing by unique_lock::unlock() on a guard taken with lock().
void unique_relock_then_unlock(int fd) {
  std::unique_lock<std::mutex> lock(state_mutex, std::defer_lock);
  lock.lock();
  ++pending;
  lock.unlock();
  fsync(fd);
}
