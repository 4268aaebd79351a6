// Patterns of real C servers where a lock is held and nothing waits on it,
// or nothing waits at all: start-up code in main, a trylock's branches,
// non-blocking descriptors, and a poll that returns at once.
// CONCUR-ARGS: -std=c11
#include <concur_mock_posix.h>

static pthread_mutex_t module_gil;
static pthread_mutex_t maintenance_lock;
static pthread_mutex_t out_mutex;
static pthread_mutex_t watchers_lock;

void load_config(const char *path, char *buf) {
  int fd = open(path, 0);
  read(fd, buf, 4096);
  close(fd);
}

// negative: main takes the lock for the whole run by design; its straight-line
// start-up runs once, before any thread could contend.
int main(int argc, char **argv) {
  char buf[4096];
  pthread_mutex_lock(&module_gil);
  load_config(argc > 1 ? argv[1] : "server.conf", buf);
  for (int i = 0; i < argc; ++i) {
    load_config(argv[i], buf);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'load_config' blocks on file I/O ('open') while 'module_gil' is locked
  }
  pthread_mutex_unlock(&module_gil);
  return 0;
}

// negative: the sleep is on the branch where the trylock failed; the branch
// where it succeeded does not wait.
void expand_step(pthread_mutex_t *bucket) {
  pthread_mutex_lock(&maintenance_lock);
  pthread_mutex_unlock(&maintenance_lock);
  if (pthread_mutex_trylock(bucket) == 0) {
    pthread_mutex_unlock(bucket);
  } else {
    usleep(10 * 1000);
  }
}

// The branch where the trylock succeeded holds the lock.
long try_then_read_inside(int fd, char *buf) {
  long n = 0;
  if (pthread_mutex_trylock(&out_mutex) == 0) {
    n = read(fd, buf, 4096);
    // CHECK-MESSAGES: :[[@LINE-1]]:9: warning: 'read' blocks on file I/O while 'out_mutex' is locked
    pthread_mutex_unlock(&out_mutex);
  } else {
    usleep(1000); // negative: the lock was not taken
  }
  return n;
}

// A trylock that bails out on failure: the lock is held after the if.
int try_then_read(int fd, char *buf) {
  if (pthread_mutex_trylock(&out_mutex) != 0)
    return -1;
  long n = read(fd, buf, 4096);
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'read' blocks on file I/O while 'out_mutex' is locked
  pthread_mutex_unlock(&out_mutex);
  return (int)n;
}

// negative: the lock is taken on one branch; the sleep on the other does not
// run under it.
void branch_lock(int sentinel) {
  if (sentinel) {
    pthread_mutex_lock(&maintenance_lock);
  } else {
    sleep(1);
  }
  pthread_mutex_unlock(&maintenance_lock);
}

// The writer handles EAGAIN: its socket is non-blocking, so its send returns
// at once instead of waiting.
long packet_write(int sock, const char *data, long len) {
  long sent = 0;
  while (sent < len) {
    long n = send(sock, data + sent, (size_t)(len - sent), 0);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK)
        return sent;
      return -1;
    }
    sent += n;
  }
  return sent;
}

long blocking_write(int sock, const char *data, long len) {
  return send(sock, data, (size_t)len, 0);
}

void queue_packet(int sock, const char *data, long len) {
  pthread_mutex_lock(&out_mutex);
  packet_write(sock, data, len); // negative: non-blocking
  blocking_write(sock, data, len);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'blocking_write' blocks on network I/O ('send') while 'out_mutex' is locked
  pthread_mutex_unlock(&out_mutex);
}

// A blocking socket with a send timeout: EWOULDBLOCK means the timeout
// expired, so the write does wait.
long timed_write(int sock, const char *data, long len) {
  long n = write(sock, data, (size_t)len);
  if (n == -1 && errno == EWOULDBLOCK)
    errno = ETIMEDOUT;
  return n;
}

void flush_rdb(int sock, const char *data, long len) {
  pthread_mutex_lock(&out_mutex);
  timed_write(sock, data, len);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'timed_write' blocks on file I/O ('write') while 'out_mutex' is locked
  pthread_mutex_unlock(&out_mutex);
}

// negative: a zero timeout polls and returns at once.
int poll_watchers(struct pollfd *fds, nfds_t n) {
  pthread_mutex_lock(&watchers_lock);
  int ready = poll(fds, n, 0);
  pthread_mutex_unlock(&watchers_lock);
  return ready;
}

int wait_watchers(struct pollfd *fds, nfds_t n) {
  pthread_mutex_lock(&watchers_lock);
  int ready = poll(fds, n, 1000);
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: 'poll' blocks on network I/O while 'watchers_lock' is locked
  pthread_mutex_unlock(&watchers_lock);
  return ready;
}

// negative: a handler registered with an event library runs later, on the
// loop, not in the call that registers it.
static void on_readable(int fd, short which, void *arg) {
  char buf[512];
  recv(fd, buf, sizeof buf, 0);
  (void)which;
  (void)arg;
}

void rearm(struct event *ev, int fd) {
  pthread_mutex_lock(&out_mutex);
  event_set(ev, fd, 2, on_readable, 0);
  event_add(ev, 0);
  pthread_mutex_unlock(&out_mutex);
}

// A descriptor layer returns what send returned; the packet writer above it
// handles EAGAIN, so the socket is non-blocking and nothing waits under the
// lock (an MQTT client's publish path).
long net_send(int sock, const char *data, long len) {
  return send(sock, data, (size_t)len, 0);
}

long net_send_counted(int sock, const char *data, long len) {
  long n = net_send(sock, data, len);
  return n;
}

int packet_flush(int sock, const char *data, long len) {
  while (len > 0) {
    long n = net_send_counted(sock, data, len);
    if (n < 0)
      return errno == EAGAIN ? 0 : -1;
    data += n;
    len -= n;
  }
  return 0;
}

void publish_message(int sock, const char *data, long len) {
  pthread_mutex_lock(&out_mutex);
  packet_flush(sock, data, len); // negative: EAGAIN handled by packet_flush
  pthread_mutex_unlock(&out_mutex);
}

// The same layer called by code that never looks for EAGAIN: on a blocking
// socket the send waits.
void publish_unchecked(int sock, const char *data, long len) {
  pthread_mutex_lock(&out_mutex);
  net_send_counted(sock, data, len);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'net_send_counted' blocks on network I/O ('send') while 'out_mutex' is locked
  pthread_mutex_unlock(&out_mutex);
}

// A layer that also sleeps between attempts waits whatever its caller
// handles.
long net_send_paced(int sock, const char *data, long len) {
  long n = send(sock, data, (size_t)len, 0);
  usleep(1000);
  return n;
}

int packet_flush_paced(int sock, const char *data, long len) {
  long n = net_send_paced(sock, data, len);
  if (n < 0 && errno == EAGAIN)
    return 0;
  return (int)n;
}

void publish_paced(int sock, const char *data, long len) {
  pthread_mutex_lock(&out_mutex);
  packet_flush_paced(sock, data, len);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'packet_flush_paced' blocks on {{.*}} while 'out_mutex' is locked
  pthread_mutex_unlock(&out_mutex);
}
