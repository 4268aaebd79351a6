// mock_std_parallel.h - overloads of <algorithm> taking an execution policy
// that mock_std.h does not declare, for the tests of the checks that look at
// parallel algorithms (concur-mt-unsafe-in-parallel, concur-model-mismatch).

#ifndef CONCUR_MOCK_STD_PARALLEL_H
#define CONCUR_MOCK_STD_PARALLEL_H
#pragma GCC system_header

#include "mock_std.h"

namespace std {
template <__execution_policy E, class It, class O, class F>
O transform(E &&policy, It first, It last, O out, F f) {
  return transform(first, last, out, f);
}
} // namespace std

#endif // CONCUR_MOCK_STD_PARALLEL_H
