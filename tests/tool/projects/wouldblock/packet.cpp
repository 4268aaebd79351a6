// The packet layer handles EAGAIN from net_send, in another unit: its socket
// is non-blocking, so publishing under the lock waits for nothing. Code that
// never looks for EAGAIN does wait on a blocking socket.
#include "wire.h"
#include <cerrno>
#include <pthread.h>

static pthread_mutex_t out_mutex = PTHREAD_MUTEX_INITIALIZER;

int packet_flush(int sock, const char *data, long len) {
  while (len > 0) {
    long n = net_send(sock, data, len);
    if (n < 0)
      return errno == EAGAIN ? 0 : -1;
    data += n;
    len -= n;
  }
  return 0;
}

void publish(int sock, const char *data, long len) {
  pthread_mutex_lock(&out_mutex);
  packet_flush(sock, data, len);
  pthread_mutex_unlock(&out_mutex);
}

void publish_unchecked(int sock, const char *data, long len) {
  pthread_mutex_lock(&out_mutex);
  net_send(sock, data, len);
  pthread_mutex_unlock(&out_mutex);
}
