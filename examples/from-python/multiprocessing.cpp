// The guides' `multiprocessing` programs in C++ with concur
// (docs/from-python.md). Each block between "// snippet: NAME" and
// "// end snippet" is shown there word for word; check_from_python.py
// compares them and runs every snippet.
//
// Usage: multiprocessing NAME   NAME: process, pool_map, queue, ipc, dict
#include <concur/process.hpp>
#include <concur/process_pool.hpp>
#include <concur/process_queue.hpp>
#include <concur/shared_dict.hpp>

#include <cstdio>
#include <map>
#include <optional>
#include <string_view>
#include <vector>

// snippet: process
void work(int n) { std::printf("%d\n", n * n); } // in the child process

void one_process() {
  concur::process p(work, 5);
  p.start();
  p.join();
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
void calculate_squares(std::vector<int> numbers,
                       concur::process_queue<int> queue) {
  for (int n : numbers)
    queue.put(n * n);
}

void squares() {
  std::vector<std::vector<int>> numbers_list{{1, 2, 3}, {4, 5, 6}, {7, 8, 9}};
  concur::process_queue<int> queue;
  std::vector<concur::process> processes;
  for (const auto &numbers : numbers_list)
    processes.emplace_back(calculate_squares, numbers, queue);
  for (auto &p : processes)
    p.start();
  for (auto &p : processes)
    p.join();
  std::vector<int> results;
  while (!queue.empty())
    results.push_back(*queue.get());
  for (int square : results)
    std::printf("%d ", square);
  std::printf("\n");
}
// end snippet

// snippet: ipc
void producer(concur::process_queue<int> q) {
  for (int i = 0; i < 5; ++i)
    q.put(i);
}

void consumer(concur::process_queue<int> q) {
  while (std::optional<int> item = q.get()) // nothing once q is closed
    std::printf("Got: %d\n", *item);
}

void producer_consumer() {
  concur::process_queue<int> q;
  concur::process p1(producer, q);
  concur::process p2(consumer, q);
  p1.start();
  p2.start();
  p1.join();
  q.close(); // the None sentinel
  p2.join();
}
// end snippet

// snippet: dict
void store_square(int n, concur::shared_dict<int, int> return_dict) {
  return_dict.set(n, n * n);
}

void manager_dict() {
  concur::shared_dict<int, int> return_dict(100); // room for 100 entries
  std::vector<concur::process> processes;
  for (int i = 0; i < 5; ++i)
    processes.emplace_back(store_square, i, return_dict);
  for (auto &p : processes)
    p.start();
  for (auto &p : processes)
    p.join();
  auto items = return_dict.items();
  for (auto [key, value] : std::map<int, int>(items.begin(), items.end()))
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
    manager_dict();
  else {
    std::fprintf(stderr, "usage: %s process|pool_map|queue|ipc|dict\n",
                 argv[0]);
    return 2;
  }
}
