// Mistake: more CPU-bound workers than cores
// (concur-oversubscribed-cpu-pool).
//
// Sorting is CPU-bound, yet the program starts four threads per core, as if
// the work waited on I/O. The extra threads only add context switches and
// memory. concur reports the thread count in sort_all with row `futures`
// over a core-sized pool (concur::executor over concur::cpu_pool(), or
// hardware_concurrency() threads).
#include <algorithm>
#include <cstdio>
#include <random>
#include <thread>
#include <vector>

static void sort_block(std::vector<long> *block) {
  std::sort(block->begin(), block->end());
}

static void sort_all(std::vector<std::vector<long>> &blocks) {
  std::vector<std::thread> threads;
  const unsigned count = 4 * std::thread::hardware_concurrency();
  for (unsigned i = 0; i < count && i < blocks.size(); ++i)
    threads.emplace_back(sort_block, &blocks[i]);
  for (std::thread &thread : threads)
    thread.join();
}

int main() {
  std::mt19937 random(42);
  std::vector<std::vector<long>> blocks(64, std::vector<long>(100000));
  for (std::vector<long> &block : blocks)
    for (long &value : block)
      value = long(random());
  sort_all(blocks);
  std::printf("sorted %zu blocks\n", blocks.size());
}
