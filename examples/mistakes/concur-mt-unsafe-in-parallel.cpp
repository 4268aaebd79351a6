// Common mistake: running code that is not thread-safe on several threads.
//
// Log lines are split into fields with strtok, which keeps its position in a
// hidden static buffer, and counted in a global without a lock; the work is
// then spread over threads. concur reports the thread start as
// `concur-mt-unsafe-in-parallel` and shows the chain down to 'strtok': use
// strtok_r and per-thread counts, or, for CPU work that cannot be made
// thread-safe, worker processes (concur::process_pool, row: multiprocessing).
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

long fields_seen = 0;

static int count_fields(char *line) {
  int n = 0;
  for (char *field = std::strtok(line, " \t"); field;
       field = std::strtok(nullptr, " \t"))
    ++n;
  return n;
}

static void parse_lines(std::vector<std::string> *lines) {
  for (std::string &line : *lines)
    fields_seen += count_fields(line.data()); // shared, unsynchronised
}

int main() {
  std::vector<std::vector<std::string>> shards(4);
  for (int i = 0; i < 4000; ++i)
    shards[i % 4].push_back("GET /index.html 200 " + std::to_string(i));
  std::vector<std::thread> workers;
  for (std::vector<std::string> &shard : shards)
    workers.push_back(std::thread(parse_lines, &shard));
  for (std::thread &w : workers)
    w.join();
  std::printf("%ld fields\n", fields_seen);
  return 0;
}
