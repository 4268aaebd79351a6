// Diagnostics, failure branches and wake-ups while a lock is held are not
// waiting under the lock: output to stderr, syslog, a project's own logger,
// level-gated logging, a branch taken only when a call failed, an error
// label, a few-byte eventfd or pipe write. Real blocking next to them is
// still reported.
#include <concur_mock_posix.h>

pthread_mutex_t cache_lock;
FILE *log_file;
int log_fd;
struct Settings {
  int verbose;
} settings;
struct Log {
  int level;
} *app_log;
int debug_level;
pthread_t worker;
void *work(void *arg);

// A project's own logger: named as one, takes a format, and only writes
// output (to its log file here).
void app_log_write(int level, const char *fmt, ...) {
  if (level < debug_level)
    return;
  FILE *f = fopen("/var/log/app.log", "a");
  fprintf(f, "%d %s\n", level, fmt);
  fflush(f);
  fclose(f);
}

// negative: fprintf and fflush to stderr are console output.
void stderr_under_lock(int key) {
  pthread_mutex_lock(&cache_lock);
  fprintf(stderr, "miss %d\n", key);
  fflush(stderr);
  write(STDERR_FILENO, "!\n", 2);
  pthread_mutex_unlock(&cache_lock);
}

// negative: the project's logger and syslog are diagnostics.
void logger_under_lock(int key) {
  pthread_mutex_lock(&cache_lock);
  app_log_write(3, "evicting %d", key);
  syslog(LOG_ERR, "evicting %d", key);
  pthread_mutex_unlock(&cache_lock);
}

// negative: logging to a file behind a level check.
void gated_under_lock(int key, const char *buf, size_t n) {
  pthread_mutex_lock(&cache_lock);
  if (settings.verbose > 1)
    fprintf(log_file, "key %d\n", key);
  if (app_log->level >= LOG_DEBUG)
    fwrite(buf, 1, n, log_file);
  pthread_mutex_unlock(&cache_lock);
}

// negative: an 8-byte eventfd write and a 1-byte pipe write wake a thread.
void wake_under_lock(int efd, int pipe_fd) {
  unsigned long one = 1;
  pthread_mutex_lock(&cache_lock);
  write(efd, &one, sizeof(unsigned long));
  write(pipe_fd, "x", 1);
  eventfd_write(efd, 1);
  pthread_mutex_unlock(&cache_lock);
}

// negative: the branch taken when the thread could not start logs to a file
// and leaves.
int start_under_lock(const char *msg) {
  pthread_mutex_lock(&cache_lock);
  int ret;
  if ((ret = pthread_create(&worker, nullptr, work, nullptr)) != 0) {
    write(log_fd, msg, 64);
    pthread_mutex_unlock(&cache_lock);
    return -1;
  }
  pthread_mutex_unlock(&cache_lock);
  return 0;
}

// The lock-failure branch is not under the lock; the read after it is.
int read_locked(int fd, char *buf, const char *msg) {
  if (pthread_mutex_lock(&cache_lock) != 0) {
    write(log_fd, msg, 64);
    return -1;
  }
  int n = (int)read(fd, buf, 4096);
  // CHECK-MESSAGES: :[[@LINE-1]]:16: warning: 'read' blocks on file I/O while 'cache_lock' is locked
  pthread_mutex_unlock(&cache_lock);
  return n;
}

// negative: the error path after the label logs to a file.
int fill_or_fail(int n, const char *msg) {
  pthread_mutex_lock(&cache_lock);
  if (n < 0)
    goto err;
  pthread_mutex_unlock(&cache_lock);
  return n;
err:
  write(log_fd, msg, 64);
  pthread_mutex_unlock(&cache_lock);
  return -1;
}

// Real waiting next to the diagnostics is still reported.
long serve_locked(int sock, char *buf, const char *data, size_t n) {
  pthread_mutex_lock(&cache_lock);
  fprintf(stderr, "serving\n");
  long got = recv(sock, buf, 4096, 0);
  // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: 'recv' blocks on network I/O while 'cache_lock' is locked
  write(log_fd, data, n);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'write' blocks on file I/O while 'cache_lock' is locked
  pthread_mutex_unlock(&cache_lock);
  return got;
}
