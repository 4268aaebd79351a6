// Code in a header: an overrider that blocks, and an inline function with a
// blocking loop. Only --header-filter reports what is written here; the
// analysis of main.cpp still sees all of it.
#pragma once

extern "C" long recv(int fd, void *buf, unsigned long len, int flags);

struct Source {
  virtual ~Source() = default;
  virtual long read(int fd) = 0;
};

struct SocketSource : Source {
  long read(int fd) override {
    char buf[256];
    return recv(fd, buf, sizeof buf, 0);
  }
};

inline long drain_all(const int *fds, int n) {
  long total = 0;
  for (int i = 0; i < n; ++i) {
    char buf[256];
    total += recv(fds[i], buf, sizeof buf, 0);
  }
  return total;
}
