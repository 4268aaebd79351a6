// Scenario 5 of the seeds, after: counting lines with the waits overlapped.
//
// before.cpp read the files one after another, mostly waiting for the disk.
// The reads are a batch of similar blocking calls whose results are
// collected, so the selection table's row `futures` applies, over an I/O
// pool: concur::io_pool() has more threads than cores because its tasks
// mostly wait. The executor's map submits one task (one future) per file
// and returns the counts in the order of the paths; an error in one file
// would be rethrown here, in the caller.
// Trade-offs of the row: one simple interface, little control over
// scheduling.
#include <concur/executor.hpp>
#include <concur/thread_pool.hpp>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

size_t count_lines(const std::string &path) {
  std::ifstream file(path);
  std::string line;
  size_t lines = 0;
  while (std::getline(file, line))
    ++lines;
  return lines;
}

std::vector<size_t> count_all(const std::vector<std::string> &paths) {
  concur::executor executor(concur::io_pool()); // row: futures over an I/O pool
  return executor.map(count_lines, paths, /*chunk_size=*/1);
}

int main(int argc, char **argv) {
  std::vector<std::string> paths(argv + 1, argv + argc);
  std::vector<size_t> counts = count_all(paths);
  for (size_t i = 0; i < counts.size(); ++i)
    std::printf("%s: %zu lines\n", paths[i].c_str(), counts[i]);
}
