// Blocks on the network: each call reads one response from a socket.
#include <sys/socket.h>

long fetch(int fd) {
  char buffer[4096];
  long total = 0;
  long n;
  while ((n = recv(fd, buffer, sizeof buffer, 0)) > 0)
    total += n;
  return total;
}
