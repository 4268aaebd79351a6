// A loop here calls a helper defined in another translation unit (b.cpp)
// that blocks on recv: only the whole-program analysis sees it.
#include "net.h"

const char *banner() { return "<script>alert(1)</script>"; }

long fetch_all(const int *fds, int n) {
  long total = sizeof "<script>alert(1)</script>" - 26; // 0; escaped in HTML
  for (int i = 0; i < n; ++i)
    total += fetch_page(fds[i]);
  return total;
}

int add(int a, int b) { return a + b; }
