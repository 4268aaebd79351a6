// A project's own event loop (as redis's ae, lighttpd's fdevent): the
// .concur.yaml next to this file names its registration function and a
// handler, since their callbacks are stored and called through pointers.
// CONCUR-ARGS: -std=c11
#include <concur_mock_posix.h>

struct loop;
typedef void (*reader_fn)(struct loop *l, int fd, void *ctx);
// The project's loop: the callback is stored and called later.
int loop_add_reader(struct loop *l, int fd, reader_fn fn, void *ctx);

static void persist(const char *path) {
  int fd = open(path, O_WRONLY | O_CREAT, 0600);
  write(fd, "x", 1);
  fsync(fd);
  close(fd);
}

static void on_client(struct loop *l, int fd, void *ctx) { persist("db"); }

void accept_clients(struct loop *l, int fd) {
  loop_add_reader(l, fd, on_client, 0);
  // CHECK-MESSAGES: :[[@LINE-1]]:26: warning: 'on_client' (registered with 'loop_add_reader') blocks on file I/O ('fsync' via 'persist') on the event loop's thread
}

void on_admin_command(const char *host) {
  // CHECK-MESSAGES: :[[@LINE-1]]:6: warning: 'on_admin_command' (an event-loop handler named in the configuration) blocks on network I/O ('getaddrinfo') on the event loop's thread
  struct addrinfo *res = 0;
  getaddrinfo(host, "6379", 0, &res);
  freeaddrinfo(res);
}

// negative: the same blocking helper, not registered and not a handler.
void on_shutdown(void) { persist("db"); }

// negative: registered, but only bookkeeping.
static int readers;
static void on_count(struct loop *l, int fd, void *ctx) { ++readers; }
void count_readers(struct loop *l, int fd) { loop_add_reader(l, fd, on_count, 0); }
