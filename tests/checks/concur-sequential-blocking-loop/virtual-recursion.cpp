// Virtual calls that lead back to the method being analysed (the composite
// pattern, as leveldb's MergingIterator): the override that dispatches to its
// children is analysed once, without endless recursion, and the blocking leaf
// behind the dispatch is still found.
#include <concur_mock_posix.h>
#include <mock_std.h>

struct Source {
  virtual ~Source() = default;
  virtual long next() = 0;
};

struct Socket : Source {
  int fd = 0;
  long next() override {
    char buf[64];
    return recv(fd, buf, sizeof buf, 0);
  }
};

struct Merged : Source {
  std::vector<Source *> parts;
  long next() override {
    long n = 0;
    for (Source *p : parts)
      n += p->next();
    // CHECK-MESSAGES: :[[@LINE-2]]:5: warning: independent iterations each block on network I/O in 'recv' via {{.*}}'Source::next (virtual; assumed Socket::next)'; run them concurrently (row: asyncio)
    return n;
  }
};

long drain(Source &s, int rounds) {
  long n = 0;
  for (int i = 0; i < rounds; ++i)
    n += s.next();
  return n;
}
