// A loop around epoll_wait, poll or select is an event loop: the functions
// it calls to handle events run on its thread. Reads of the descriptors it
// watches are what it is for; a file read or a sleep in a handler is not.
// CONCUR-ARGS: -std=c11
#include <concur_mock_posix.h>

struct conn {
  int fd;
  char path[256];
};

static void send_file(struct conn *c) {
  char buf[65536];
  FILE *f = fopen(c->path, "r");
  size_t n = fread(buf, 1, sizeof buf, f);
  fclose(f);
  send(c->fd, buf, n, MSG_DONTWAIT);
}

static void handle_event(struct conn *c) { send_file(c); }

void serve(int epfd) {
  struct epoll_event events[64];
  for (;;) {
    int n = epoll_wait(epfd, events, 64, -1);
    for (int i = 0; i < n; ++i)
      handle_event((struct conn *)events[i].data.ptr);
    // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'handle_event' (called from the event loop in 'serve') blocks on file I/O ('fopen' via 'send_file') on the event loop's thread
    // CHECK-NOTES: :[[@LINE-2]]:7: note: row 'asyncio' (decision step 2): blocking call on the event loop
    // CHECK-NOTES: :[[@LINE-10]]:44: note: 'send_file' is called here
    // CHECK-NOTES: :[[@LINE-17]]:13: note: 'fopen' blocks on file I/O
  }
}

static void throttle(void) { usleep(1000); }

static void on_ready(struct pollfd *p) {
  char buf[512];
  long got = recv(p->fd, buf, sizeof buf, MSG_DONTWAIT);
  if (got < 0 && errno == EAGAIN)
    return;
  throttle();
}

void poll_loop(struct pollfd *fds, int n) {
  while (poll(fds, n, 1000) >= 0) {
    for (int i = 0; i < n; ++i)
      if (fds[i].revents & POLLIN)
        on_ready(&fds[i]);
    // CHECK-MESSAGES: :[[@LINE-1]]:9: warning: 'on_ready' (called from the event loop in 'poll_loop') blocks on sleep I/O ('usleep' via 'throttle') on the event loop's thread
  }
}

// negative: the handler reads its ready, non-blocking socket.
static int drain(int fd) {
  char buf[4096];
  long total = 0;
  for (;;) {
    long got = recv(fd, buf, sizeof buf, 0);
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      break;
    if (got <= 0)
      break;
    total += got;
  }
  return (int)total;
}

void select_loop(int fd) {
  fd_set r;
  for (;;) {
    if (select(fd + 1, &r, 0, 0, 0) > 0)
      drain(fd);
  }
}

// negative: a loop that sleeps without a readiness wait is not an event
// loop (concur-sleep-polling-loop's business).
static void do_step(void) { usleep(100); }
void plain_loop(int n) {
  for (int i = 0; i < n; ++i)
    do_step();
}

// negative: a single wait, not in a loop.
static void log_ready(int fd) { sleep(1); }
void wait_once(struct pollfd *p) {
  if (poll(p, 1, 1000) > 0)
    log_ready(p->fd);
}

// The wait in one function, the loop over the events it returned after it
// (mosquitto's mux_epoll__handle): that loop dispatches the events too.
static void load_acl(int fd) {
  char acl[4096];
  int file = open("/etc/acl", O_RDONLY);
  read(file, acl, sizeof acl);
  close(file);
}

void handle_events(int epfd) {
  struct epoll_event events[64];
  int count = epoll_wait(epfd, events, 64, 100);
  for (int i = 0; i < count; ++i)
    load_acl(events[i].data.fd);
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'load_acl' (called from the event loop in 'handle_events') blocks on file I/O ('open')
}

// negative: a loop over something else after the wait.
static void reset_slot(int *slot) { *slot = 0; }
void after_wait(int epfd, int *slots, int n) {
  struct epoll_event events[64];
  int count = epoll_wait(epfd, events, 64, 100);
  for (int i = 0; i < n; ++i)
    reset_slot(&slots[i]);
  (void)count;
}

// The wait in a function the loop calls (mosquitto's main loop calls
// mux__handle, which waits in epoll_wait): the loop's other calls run on
// the loop's thread, like a periodic save of the whole state.
static int wait_and_handle(int epfd) {
  struct epoll_event events[64];
  return epoll_wait(epfd, events, 64, 100);
}

static void save_state(const char *path) {
  FILE *f = fopen(path, "w");
  fwrite("state", 1, 5, f);
  fflush(f);
  fclose(f);
}

void main_loop(int epfd, volatile int *running) {
  while (*running) {
    wait_and_handle(epfd);
    save_state("/var/lib/app/state.db");
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'save_state' (called from the event loop in 'main_loop') blocks on file I/O
  }
}

// negative: select on no descriptors is a sleep, and a poll of one
// descriptor waits for that one: neither dispatches events.
static void crawl_step(int fd) { usleep(100); }
void crawler(int fd) {
  struct timeval tv = {0, 1000};
  struct pollfd one = {fd, POLLOUT, 0};
  for (;;) {
    select(0, 0, 0, 0, &tv);
    poll(&one, 1, 1000);
    crawl_step(fd);
  }
}

// negative: removing partial outputs after a command failed to start is the
// loop's error path, not how it handles events; the normal path's handler
// is still looked into.
static int start_command(struct pollfd *p) { return p->fd >= 0 ? 0 : -1; }
static void remove_outputs(const char *path) { unlink(path); }
static void record_result(const char *path) {
  FILE *log = fopen(path, "a");
  fclose(log);
}
int build_loop(struct pollfd *fds, int n, const char *out) {
  while (poll(fds, n, -1) >= 0) {
    for (int i = 0; i < n; ++i) {
      if (start_command(&fds[i]) != 0) {
        remove_outputs(out);
        return -1;
      }
      record_result(out);
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'record_result' (called from the event loop in 'build_loop') blocks on file I/O
    }
  }
  return 0;
}

// negative: the same cleanup when waiting failed or the user interrupted.
struct job {
  int interrupted;
};
static int wait_for(struct pollfd *fds, int n, struct job *j) {
  j->interrupted = 0;
  return poll(fds, n, -1) >= 0;
}
static void save_result(const char *path) {
  FILE *state = fopen(path, "w");
  fclose(state);
}
int reap_loop(struct pollfd *fds, int n, const char *out) {
  struct job j;
  for (;;) {
    if (!wait_for(fds, n, &j) || j.interrupted) {
      remove_outputs(out);
      return -1;
    }
    save_result(out);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'save_result' (called from the event loop in 'reap_loop') blocks on file I/O
  }
}
