// The guides' `multiprocessing` programs in C++ with concur
// (docs/from-python.md). Each block between "// snippet: NAME" and
// "// end snippet" is shown there word for word; check_from_python.py
// compares them and runs every snippet.
//
// Usage: multiprocessing NAME   NAME: process, pool_map, queue, ipc, dict
#include <concur/process_pool.hpp>

#include <cstdio>
#include <map>
#include <ranges>
#include <string_view>
#include <utility>
#include <vector>

// snippet: process
int work(int n) { return n * n; } // runs in a worker process

void one_process() {
  concur::process_pool pool(1); // no Process class: a pool of one worker
  int result = pool.submit(work, 5).get();
  std::printf("%d\n", result);
}
// end snippet

// snippet: pool_map
long cpu_bound_task(long n) {
  long result = 0;
  for (long i = 0; i < n; ++i)
    result += i * i;
  return result;
}

void pool_map() {
  concur::process_pool pool(4);
  std::vector<long> sizes(4, 1'000'000); // 10**7 would overflow a long
  std::vector<long> results = pool.map(cpu_bound_task, sizes);
  for (long r : results)
    std::printf("%ld\n", r);
}
// end snippet

// snippet: queue
std::vector<int> calculate_squares(std::vector<int> numbers) {
  for (int &n : numbers)
    n = n * n;
  return numbers; // travels back as the task's result
}

void squares() {
  std::vector<std::vector<int>> numbers_list{{1, 2, 3}, {4, 5, 6}, {7, 8, 9}};
  concur::process_pool pool(3);
  for (const auto &part : pool.map(calculate_squares, numbers_list))
    for (int square : part)
      std::printf("%d ", square);
  std::printf("\n");
}
// end snippet

// snippet: ipc
std::vector<int> producer() {
  std::vector<int> items;
  for (int i = 0; i < 5; ++i)
    items.push_back(i);
  return items;
}

void producer_consumer() {
  concur::process_pool pool(1);
  for (int item : pool.submit(producer).get()) // once the producer returned
    std::printf("Got: %d\n", item);
}
// end snippet

// snippet: dict
std::pair<int, int> square_entry(int n) { return {n, n * n}; }

void shared_dict() {
  concur::process_pool pool(5);
  std::map<int, int> return_dict;
  for (auto [key, value] : pool.map(square_entry, std::views::iota(0, 5)))
    return_dict[key] = value; // the parent builds the dict
  for (auto [key, value] : return_dict)
    std::printf("%d: %d\n", key, value);
}
// end snippet

int main(int argc, char **argv) {
  concur::start_fork_server(); // first, while the program has one thread
  std::string_view name = argc > 1 ? argv[1] : "";
  if (name == "process")
    one_process();
  else if (name == "pool_map")
    pool_map();
  else if (name == "queue")
    squares();
  else if (name == "ipc")
    producer_consumer();
  else if (name == "dict")
    shared_dict();
  else {
    std::fprintf(stderr, "usage: %s process|pool_map|queue|ipc|dict\n",
                 argv[0]);
    return 2;
  }
}
