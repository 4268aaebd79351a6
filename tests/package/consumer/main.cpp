// Uses the installed concur runtime: a thread pool, futures and a parallel
// map. Prints "sum=338350 squares=10" when everything works.
#include <concur/parallel.hpp>
#include <concur/thread_pool.hpp>

#include <cstdio>
#include <numeric>
#include <vector>

int main() {
  concur::thread_pool pool(2);
  std::vector<concur::future<long>> parts;
  for (long i = 1; i <= 100; ++i)
    parts.push_back(pool.submit([i] { return i * i; }));
  long sum = 0;
  for (auto &part : parts)
    sum += part.get();

  std::vector<int> items(10);
  std::iota(items.begin(), items.end(), 0);
  auto squares = concur::parallel_map(items, [](int x) { return x * x; });
  std::printf("sum=%ld squares=%zu\n", sum, squares.size());
  return sum == 338350 && squares.size() == 10 ? 0 : 1;
}
