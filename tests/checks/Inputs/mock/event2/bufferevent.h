/* Mock of libevent 2's <event2/bufferevent.h>. */
#ifndef CONCUR_MOCK_EVENT2_BUFFEREVENT_H
#define CONCUR_MOCK_EVENT2_BUFFEREVENT_H
#include <event2/event.h>
#ifdef __cplusplus
extern "C" {
#endif
struct bufferevent;
struct evbuffer;
typedef void (*bufferevent_data_cb)(struct bufferevent *bev, void *ctx);
typedef void (*bufferevent_event_cb)(struct bufferevent *bev, short what,
                                     void *ctx);
struct bufferevent *bufferevent_socket_new(struct event_base *base,
                                           evutil_socket_t fd, int options);
void bufferevent_setcb(struct bufferevent *bev, bufferevent_data_cb readcb,
                       bufferevent_data_cb writecb,
                       bufferevent_event_cb eventcb, void *cbarg);
int bufferevent_enable(struct bufferevent *bev, short event);
struct evbuffer *bufferevent_get_input(struct bufferevent *bev);
struct evbuffer *bufferevent_get_output(struct bufferevent *bev);
int bufferevent_write(struct bufferevent *bev, const void *data,
                      __SIZE_TYPE__ size);
__SIZE_TYPE__ evbuffer_get_length(const struct evbuffer *buf);
int evbuffer_remove(struct evbuffer *buf, void *data, __SIZE_TYPE__ len);
int evbuffer_add(struct evbuffer *buf, const void *data, __SIZE_TYPE__ len);
#ifdef __cplusplus
}
#endif
#endif
