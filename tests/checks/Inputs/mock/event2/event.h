/* Mock of libevent 2's <event2/event.h>: the loop and event registration,
 * with evtimer_* and evsignal_* as the macros they are in libevent. */
#ifndef CONCUR_MOCK_EVENT2_EVENT_H
#define CONCUR_MOCK_EVENT2_EVENT_H
#ifdef __cplusplus
extern "C" {
#endif
typedef int evutil_socket_t;
struct event_base;
struct event {
  void *opaque[16];
};
struct timeval;
typedef void (*event_callback_fn)(evutil_socket_t, short, void *);
#define EV_TIMEOUT 0x01
#define EV_READ 0x02
#define EV_WRITE 0x04
#define EV_SIGNAL 0x08
#define EV_PERSIST 0x10
struct event_base *event_base_new(void);
int event_base_dispatch(struct event_base *base);
int event_base_loop(struct event_base *base, int flags);
void event_base_free(struct event_base *base);
void event_set(struct event *ev, evutil_socket_t fd, short events,
               event_callback_fn cb, void *arg);
int event_assign(struct event *ev, struct event_base *base,
                 evutil_socket_t fd, short events, event_callback_fn cb,
                 void *arg);
struct event *event_new(struct event_base *base, evutil_socket_t fd,
                        short events, event_callback_fn cb, void *arg);
int event_base_once(struct event_base *base, evutil_socket_t fd,
                    short events, event_callback_fn cb, void *arg,
                    const struct timeval *tv);
int event_add(struct event *ev, const struct timeval *timeout);
int event_del(struct event *ev);
void event_free(struct event *ev);
void event_active(struct event *ev, int res, short ncalls);
int evutil_make_socket_nonblocking(evutil_socket_t sock);
#define evtimer_set(ev, cb, arg) event_set((ev), -1, 0, (cb), (arg))
#define evtimer_assign(ev, b, cb, arg)                                         \
  event_assign((ev), (b), -1, 0, (cb), (arg))
#define evtimer_new(b, cb, arg) event_new((b), -1, 0, (cb), (arg))
#define evtimer_add(ev, tv) event_add((ev), (tv))
#define evsignal_new(b, x, cb, arg)                                            \
  event_new((b), (x), EV_SIGNAL | EV_PERSIST, (cb), (arg))
#ifdef __cplusplus
}
#endif
#endif
