/* Mock of libevent 2's <event2/http.h>. */
#ifndef CONCUR_MOCK_EVENT2_HTTP_H
#define CONCUR_MOCK_EVENT2_HTTP_H
#include <event2/bufferevent.h>
#ifdef __cplusplus
extern "C" {
#endif
struct evhttp;
struct evhttp_request;
struct evhttp *evhttp_new(struct event_base *base);
int evhttp_bind_socket(struct evhttp *http, const char *address,
                       unsigned short port);
int evhttp_set_cb(struct evhttp *http, const char *path,
                  void (*cb)(struct evhttp_request *, void *), void *cb_arg);
void evhttp_set_gencb(struct evhttp *http,
                      void (*cb)(struct evhttp_request *, void *), void *arg);
const char *evhttp_request_get_uri(const struct evhttp_request *req);
struct evbuffer *evhttp_request_get_output_buffer(struct evhttp_request *req);
void evhttp_send_reply(struct evhttp_request *req, int code,
                       const char *reason, struct evbuffer *databuf);
#ifdef __cplusplus
}
#endif
#endif
