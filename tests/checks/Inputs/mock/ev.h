/* Mock of libev's <ev.h>: watcher set-up is macros that assign the
 * callback, as in libev (ev_io_init -> ev_init -> ev_set_cb). */
#ifndef CONCUR_MOCK_EV_H
#define CONCUR_MOCK_EV_H
#ifdef __cplusplus
extern "C" {
#endif
struct ev_loop;
typedef struct ev_io {
  int active;
  void *data;
  void (*cb)(struct ev_loop *loop, struct ev_io *w, int revents);
  int fd;
  int events;
} ev_io;
typedef struct ev_timer {
  int active;
  void *data;
  void (*cb)(struct ev_loop *loop, struct ev_timer *w, int revents);
  double at;
  double repeat;
} ev_timer;
#define EV_READ 0x01
#define EV_WRITE 0x02
#define EV_DEFAULT ev_default_loop(0)
struct ev_loop *ev_default_loop(unsigned int flags);
int ev_run(struct ev_loop *loop, int flags);
void ev_io_start(struct ev_loop *loop, ev_io *w);
void ev_timer_start(struct ev_loop *loop, ev_timer *w);
#define ev_set_cb(ev, cb_) ((ev)->cb = (cb_))
#define ev_init(ev, cb_)                                                       \
  do {                                                                         \
    (ev)->active = 0;                                                          \
    ev_set_cb((ev), cb_);                                                      \
  } while (0)
#define ev_io_set(ev, fd_, events_)                                            \
  do {                                                                         \
    (ev)->fd = (fd_);                                                          \
    (ev)->events = (events_);                                                  \
  } while (0)
#define ev_timer_set(ev, after_, repeat_)                                      \
  do {                                                                         \
    (ev)->at = (after_);                                                       \
    (ev)->repeat = (repeat_);                                                  \
  } while (0)
#define ev_io_init(ev, cb, fd, events)                                         \
  do {                                                                         \
    ev_init((ev), (cb));                                                       \
    ev_io_set((ev), (fd), (events));                                           \
  } while (0)
#define ev_timer_init(ev, cb, after, repeat)                                   \
  do {                                                                         \
    ev_init((ev), (cb));                                                       \
    ev_timer_set((ev), (after), (repeat));                                     \
  } while (0)
#ifdef __cplusplus
}
#endif
#endif
