// Descriptors: a call that would block only on a blocking descriptor
// (connect, send, recv, read, write, close) does not wait on one made
// non-blocking where it is created (SOCK_NONBLOCK) or switched (fcntl
// O_NONBLOCK, ioctl FIONBIO, a *nonblock* helper); when where it comes
// from is not visible, the finding says "possibly".
// With ReportPossiblyBlocking (off by default: those descriptors are
// usually made non-blocking in another function).
// CONCUR-ARGS: -std=c11
// CONCUR-CONFIG: {CheckOptions: {concur-blocking-call-in-event-loop.ReportPossiblyBlocking: true}}
#include <concur_mock_posix.h>
#include <event2/event.h>

static struct sockaddr_in backend;

// A blocking connect to a backend, in a callback: it waits a round trip.
static void on_client(evutil_socket_t fd, short what, void *arg) {
  int up = socket(AF_INET, SOCK_STREAM, 0);
  connect(up, (struct sockaddr *)&backend, sizeof backend);
  close(up);
}

// negative: created non-blocking.
static void on_client_nb(evutil_socket_t fd, short what, void *arg) {
  int up = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  connect(up, (struct sockaddr *)&backend, sizeof backend);
  close(up);
}

// negative: switched with fcntl.
static void on_client_fcntl(evutil_socket_t fd, short what, void *arg) {
  int up = socket(AF_INET, SOCK_STREAM, 0);
  fcntl(up, F_SETFL, fcntl(up, F_GETFL, 0) | O_NONBLOCK);
  connect(up, (struct sockaddr *)&backend, sizeof backend);
  close(up);
}

// negative: switched with libevent's helper.
static void on_client_helper(evutil_socket_t fd, short what, void *arg) {
  int up = socket(AF_INET, SOCK_STREAM, 0);
  evutil_make_socket_nonblocking(up);
  connect(up, (struct sockaddr *)&backend, sizeof backend);
  close(up);
}

// Clearing the flag is not setting it.
static void on_client_cleared(evutil_socket_t fd, short what, void *arg) {
  int up = socket(AF_INET, SOCK_STREAM, 0);
  int flags = fcntl(up, F_GETFL, 0);
  fcntl(up, F_SETFL, flags & ~O_NONBLOCK);
  connect(up, (struct sockaddr *)&backend, sizeof backend);
}

// The callback's own descriptor, which it does not create: possibly.
static void on_reply(evutil_socket_t fd, short what, void *arg) {
  char reply[4096];
  for (int i = 0; i < 16; ++i)
    send(fd, reply, sizeof reply, 0);
}

void register_clients(struct event_base *base, int fd) {
  event_new(base, fd, EV_READ, on_client, 0);
  // CHECK-MESSAGES: :[[@LINE-1]]:32: warning: 'on_client' (registered with 'event_new') possibly blocks on network I/O ('connect') on the event loop's thread: it waits unless the descriptor is non-blocking, which is not visible here; make it non-blocking, or offload the call (row: asyncio)
  // CHECK-NOTES: :[[@LINE-45]]:3: note: 'connect' blocks on network I/O
  event_new(base, fd, EV_READ, on_client_nb, 0);
  event_new(base, fd, EV_READ, on_client_fcntl, 0);
  event_new(base, fd, EV_READ, on_client_helper, 0);
  event_new(base, fd, EV_READ, on_client_cleared, 0);
  // CHECK-MESSAGES: :[[@LINE-1]]:32: warning: 'on_client_cleared' (registered with 'event_new') possibly blocks on network I/O ('connect')
  event_new(base, fd, EV_READ, on_reply, 0);
  // CHECK-MESSAGES: :[[@LINE-1]]:32: warning: 'on_reply' (registered with 'event_new') possibly blocks on network I/O ('send')
}
