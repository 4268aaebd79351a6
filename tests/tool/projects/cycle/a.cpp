// a.cpp and b.cpp call each other, so whichever is analysed first sees no
// facts of the other: the cold run must check it again after linking.
long relay(int fd, int depth);

long fetch(int fd, int depth) { return depth ? relay(fd, depth - 1) : 0; }

long fetch_all(const int *fds, int n) {
  long total = 0;
  for (int i = 0; i < n; ++i)
    total += relay(fds[i], 3);
  return total;
}
