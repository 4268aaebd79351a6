// libuv callbacks (uv_read_start's two, uv_timer_start, uv_queue_work's
// after-work callback) and libev watchers, whose set-up is macros
// (ev_io_init expands to an assignment of the callback), run on the loop.
// CONCUR-ARGS: -std=c11
#include <concur_mock_posix.h>
#include <ev.h>
#include <uv.h>

// --- libuv -----------------------------------------------------------------

static void alloc_buffer(uv_handle_t *h, __SIZE_TYPE__ n, uv_buf_t *buf) {
  static char slab[65536];
  buf->base = slab;
  buf->len = sizeof slab;
}

static void append_to_journal(const uv_buf_t *buf) {
  int fd = open("journal", O_WRONLY | O_CREAT, 0644);
  write(fd, buf->base, buf->len);
  fsync(fd);
  close(fd);
}

static void on_read(uv_stream_t *s, ssize_t_uv n, const uv_buf_t *buf) {
  append_to_journal(buf);
}

void start_reading(uv_stream_t *client) {
  uv_read_start(client, alloc_buffer, on_read);
  // CHECK-MESSAGES: :[[@LINE-1]]:39: warning: 'on_read' (registered with 'uv_read_start') blocks on file I/O ('fsync' via 'append_to_journal') on the event loop's thread
  // CHECK-NOTES: :[[@LINE-2]]:39: note: row 'asyncio' (decision step 2): {{.*}}libuv loop this code already uses
  // CHECK-NOTES: :[[@LINE-7]]:3: note: 'append_to_journal' is called here
  // CHECK-NOTES: :[[@LINE-13]]:3: note: 'fsync' blocks on file I/O
}

static void on_timer(uv_timer_t *h) { usleep(200000); }

void start_timer(uv_timer_t *t) {
  uv_timer_start(t, on_timer, 100, 100);
  // CHECK-MESSAGES: :[[@LINE-1]]:21: warning: 'on_timer' (registered with 'uv_timer_start') blocks on sleep I/O ('usleep') on the event loop's thread
}

// uv_queue_work: the work callback runs on libuv's pool (the right place
// for the file read), the after-work callback on the loop.
static void do_work(uv_work_t *req) {
  char buf[4096];
  FILE *f = fopen("big.dat", "r");
  fread(buf, 1, sizeof buf, f);
  fclose(f);
}
// negative: the after-work callback of uv_queue_work only counts.
static int done;
static void after_work(uv_work_t *req, int status) { ++done; }

void offload(uv_loop_t *loop, uv_work_t *req) {
  uv_queue_work(loop, req, do_work, after_work);
}

static void after_bad_work(uv_work_t *req, int status) { sleep(1); }

void offload_then_sleep(uv_loop_t *loop, uv_work_t *req) {
  uv_queue_work(loop, req, do_work, after_bad_work);
  // CHECK-MESSAGES: :[[@LINE-1]]:37: warning: 'after_bad_work' (registered with 'uv_queue_work') blocks on sleep I/O ('sleep') on the event loop's thread
}

// --- libev -----------------------------------------------------------------

static void read_config(void) {
  char line[256];
  FILE *f = fopen("/etc/app.conf", "r");
  while (fgets(line, sizeof line, f))
    ;
  fclose(f);
}

static void on_io(struct ev_loop *loop, ev_io *w, int revents) {
  read_config();
}

void watch(struct ev_loop *loop, ev_io *w, int fd) {
  ev_io_init(w, on_io, fd, EV_READ);
  // CHECK-MESSAGES: :[[@LINE-1]]:17: warning: 'on_io' (registered with 'ev_io_init') blocks on file I/O ('fgets' via 'read_config') on the event loop's thread
  ev_io_start(loop, w);
}

// negative: a libev timer that only counts.
static int ticks;
static void on_tick(struct ev_loop *loop, ev_timer *w, int revents) {
  ++ticks;
}

void tick(struct ev_loop *loop, ev_timer *w) {
  ev_timer_init(w, on_tick, 1.0, 1.0);
  ev_timer_start(loop, w);
}
