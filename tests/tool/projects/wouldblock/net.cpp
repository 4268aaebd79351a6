// The descriptor layer returns what send returned, EAGAIN included.
#include "wire.h"
#include <sys/socket.h>

long net_send(int sock, const char *data, long len) {
  return send(sock, data, static_cast<size_t>(len), 0);
}
