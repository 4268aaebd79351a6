// libevent callbacks run on the loop's thread: a callback registered with
// event_new, event_assign, event_set, bufferevent_setcb or evhttp_set_cb
// (directly or through the evtimer_* macros) that blocks, directly or
// through its callees, stalls every connection. C units get the C advice.
// CONCUR-ARGS: -std=c11
#include <concur_mock_posix.h>
#include <event2/event.h>
#include <event2/http.h>
#include <openssl/sha.h>

// --- positives -------------------------------------------------------------

static long load_page(const char *path, char *out) {
  FILE *f = fopen(path, "r");
  long n = (long)fread(out, 1, 65536, f);
  fclose(f);
  return n;
}

static void on_request(struct evhttp_request *req, void *arg) {
  char page[65536];
  load_page(evhttp_request_get_uri(req), page);
  evhttp_send_reply(req, 200, "OK", 0);
}

void serve_http(struct event_base *base) {
  struct evhttp *http = evhttp_new(base);
  evhttp_set_cb(http, "/page", on_request, 0);
  // CHECK-MESSAGES: :[[@LINE-1]]:32: warning: 'on_request' (registered with 'evhttp_set_cb') blocks on file I/O ('fopen' via 'load_page') on the event loop's thread, where every other event waits for it; use the loop's asynchronous form, or offload it to a worker pool that hands the result back to the loop (row: asyncio)
  // CHECK-NOTES: :[[@LINE-2]]:32: note: row 'asyncio' (decision step 2): blocking call on the event loop: use its asynchronous form or run_in_executor; {{.*}}libevent loop this code already uses
  // CHECK-NOTES: :[[@LINE-3]]:32: note: 'on_request' is called here
  // CHECK-NOTES: :[[@LINE-10]]:3: note: 'load_page' is called here
  // CHECK-NOTES: :[[@LINE-19]]:13: note: 'fopen' blocks on file I/O
}

static void on_tick(evutil_socket_t fd, short what, void *arg) {
  sleep(1);
}

void start_ticker(struct event_base *base) {
  struct event *tick = evtimer_new(base, on_tick, 0);
  // CHECK-MESSAGES: :[[@LINE-1]]:42: warning: 'on_tick' (registered with 'event_new') blocks on sleep I/O ('sleep') on the event loop's thread
  evtimer_add(tick, 0);
}

static void resolve_peer(const char *host) {
  struct addrinfo *res = 0;
  getaddrinfo(host, "80", 0, &res);
  freeaddrinfo(res);
}

static void on_accept(evutil_socket_t fd, short what, void *arg) {
  resolve_peer((const char *)arg);
}

void listen_on(struct event_base *base, struct event *ev, int fd) {
  event_assign(ev, base, fd, EV_READ | EV_PERSIST, on_accept, 0);
  // CHECK-MESSAGES: :[[@LINE-1]]:52: warning: 'on_accept' (registered with 'event_assign') blocks on network I/O ('getaddrinfo' via 'resolve_peer') on the event loop's thread
}

static void on_flush(evutil_socket_t fd, short what, void *arg) {
  int log_fd = *(int *)arg;
  fsync(log_fd);
}

void watch_legacy(struct event *ev, int fd, int *log_fd) {
  event_set(ev, fd, EV_WRITE, on_flush, log_fd);
  // CHECK-MESSAGES: :[[@LINE-1]]:31: warning: 'on_flush' (registered with 'event_set') blocks on file I/O ('fsync') on the event loop's thread
}

// A digest of every request, a thousand rounds each: CPU on the loop.
static void on_hash(evutil_socket_t fd, short what, void *arg) {
  unsigned char digest[32];
  unsigned char *data = (unsigned char *)arg;
  for (int round = 0; round < 1000; ++round)
    SHA256(data, 4096, digest);
}

void hash_requests(struct event_base *base, int fd, unsigned char *data) {
  event_new(base, fd, EV_READ, on_hash, data);
  // CHECK-MESSAGES: :[[@LINE-1]]:32: warning: 'on_hash' (registered with 'event_new') does substantial CPU work ({{.*}}) on the event loop's thread, where every other event waits for it; offload it to a worker pool that hands the result back to the loop (row: mixed)
}

// --- negatives -------------------------------------------------------------

// negative: reads its ready socket and handles EAGAIN: non-blocking, not a finding.
static void on_readable(evutil_socket_t fd, short what, void *arg) {
  char buf[4096];
  for (;;) {
    long n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EAGAIN)
      return;
    if (n <= 0)
      return;
  }
}

// negative: logging to stderr and a wake-up write to an eventfd are not waiting.
static void on_wakeup(evutil_socket_t fd, short what, void *arg) {
  unsigned long long one = 1;
  fprintf(stderr, "woken\n");
  write(*(int *)arg, &one, sizeof one);
}

// negative: only an error path prints.
static void on_error(evutil_socket_t fd, short what, void *arg) {
  if (what & EV_TIMEOUT) {
    perror("timeout");
    return;
  }
}

// negative: cheap bookkeeping.
static int active;
static void on_close(evutil_socket_t fd, short what, void *arg) { --active; }

void register_quiet(struct event_base *base, int fd, int *wake) {
  event_new(base, fd, EV_READ | EV_PERSIST, on_readable, 0);
  event_new(base, fd, EV_READ, on_wakeup, wake);
  event_new(base, fd, EV_TIMEOUT, on_error, 0);
  event_new(base, fd, EV_READ, on_close, 0);
}

// negative: a blocking function that is never registered with the loop.
void batch_job(const char *path) {
  char page[65536];
  load_page(path, page);
}

// negative: formatting a reply line per header and matching names is what
// the loop is for; it copies, searches and formats, it does not compute.
static int describe_headers(char *out, size_t size, const char **names,
                            const char **values, int n) {
  int at = 0;
  for (int i = 0; i < n; i++) {
    if (strchr(names[i], '\r'))
      continue;
    at += snprintf(out + at, size - (size_t)at, "%s: %s\r\n", names[i],
                   values[i]);
    memcpy(out + at, "\r\n", 2);
  }
  return at;
}

static void on_headers(evutil_socket_t fd, short what, void *arg) {
  static const char *names[] = {"Host", "Accept"};
  static const char *values[] = {"example.org", "*/*"};
  char out[4096];
  int n = *(int *)arg;
  describe_headers(out, sizeof out, names, values, n);
}

void register_headers(struct event_base *base, int fd, int *count) {
  event_new(base, fd, EV_READ, on_headers, count);
}
