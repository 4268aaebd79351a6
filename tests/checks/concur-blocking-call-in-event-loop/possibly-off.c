// By default, a send or connect on a descriptor not visibly non-blocking is
// not reported: code on a loop works on the descriptors the loop watches,
// which servers make non-blocking elsewhere (redis's anetNonBlock when it
// accepts). descriptors.c turns ReportPossiblyBlocking on.
// CONCUR-ARGS: -std=c11
#include <concur_mock_posix.h>
#include <event2/bufferevent.h>

// negative: replies on the callback's own descriptor.
static void on_reply(evutil_socket_t fd, short what, void *arg) {
  char reply[4096];
  send(fd, reply, sizeof reply, 0);
}

// negative: reads and writes through bufferevents, which never block.
static void on_data(struct bufferevent *bev, void *ctx) {
  char buf[512];
  int n = evbuffer_remove(bufferevent_get_input(bev), buf, sizeof buf);
  bufferevent_write(bev, buf, (__SIZE_TYPE__)n);
}

// Its event callback resolves a name: that blocks, whatever the descriptor.
static void on_event(struct bufferevent *bev, short what, void *ctx) {
  struct addrinfo *res = 0;
  getaddrinfo("backend.example", "80", 0, &res);
}

void attach(struct event_base *base, struct bufferevent *bev, int fd) {
  event_new(base, fd, EV_READ, on_reply, 0);
  bufferevent_setcb(bev, on_data, 0, on_event, 0);
  // CHECK-MESSAGES: :[[@LINE-1]]:38: warning: 'on_event' (registered with 'bufferevent_setcb') blocks on network I/O ('getaddrinfo') on the event loop's thread
}
