// concur_mock_syslib.h - a third-party library installed as a system header,
// for concur's check tests: its inline functions contain loops that block and
// loops that compute, which the checks must not report (the user cannot
// change them), although calls of them still count as the caller's work.
#ifndef CONCUR_MOCK_SYSLIB_H
#define CONCUR_MOCK_SYSLIB_H
#pragma GCC system_header

#include "concur_mock_posix.h"

namespace concur_syslib {

inline void drain_sockets(const int *fds, int n) {
  char buf[256];
  for (int i = 0; i < n; ++i)
    recv(fds[i], buf, sizeof buf, 0);
}

inline void scale_rows(double *rows, int count, int width) {
  for (int r = 0; r < count; ++r)
    for (int c = 0; c < width; ++c)
      rows[r * width + c] = sqrt(rows[r * width + c]) * 2.5 + 1.0;
}

} // namespace concur_syslib

#endif // CONCUR_MOCK_SYSLIB_H
