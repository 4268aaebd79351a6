// Scenario 5 of the seeds: file I/O.
//
// Counting the lines of many files, one file after another: the program
// mostly waits for the disk. concur reports the loop in count_all as
// `concur-sequential-blocking-loop` with row `futures` over an I/O pool (a
// batch of similar blocking file reads whose results are collected).
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
  std::vector<size_t> counts;
  for (const std::string &path : paths)
    counts.push_back(count_lines(path));
  return counts;
}

int main(int argc, char **argv) {
  std::vector<std::string> paths(argv + 1, argv + argc);
  std::vector<size_t> counts = count_all(paths);
  for (size_t i = 0; i < counts.size(); ++i)
    std::printf("%s: %zu lines\n", paths[i].c_str(), counts[i]);
}
