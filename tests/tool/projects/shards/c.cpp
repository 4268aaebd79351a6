// net_read blocks; relay and forward (e.cpp) call each other across shards.
#include "io.h"

long net_read(int fd) {
  char buf[4096];
  return recv(fd, buf, sizeof buf, 0);
}

long relay(int fd, int depth) {
  char buf[64];
  return recv(fd, buf, sizeof buf, 0) + (depth ? forward(fd, depth - 1) : 0);
}
