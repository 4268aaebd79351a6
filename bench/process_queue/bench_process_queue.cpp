// concur::process_queue throughput: one producer process puts N values of
// SIZE bytes (a std::string), one consumer process gets them until the end
// of the queue; timed from starting both processes to joining them, as
// bench_python.py times multiprocessing.Queue. Prints one line per size:
//
//   queue-<size> concur <items per second> items/s
//
// and the sets per second of one child process writing a shared_dict
// (bench_python.py: a Manager().dict()):
//
//   dict-set concur <sets per second> sets/s
//
// and the same for 64-KiB items written and read in place (put_in_place,
// get_in_place):
//
//   queue-65536-in-place concur <items per second> items/s
//
// and, as the ceiling for 64-KiB items, how many of them one core writes
// per second with no queue at all (see measure_fill):
//
//   fill-65536 one-core <items per second> items/s
//
// Usage: bench_process_queue [SCALE]
#include <concur/process.hpp>
#include <concur/process_queue.hpp>
#include <concur/shared_dict.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

void producer(concur::process_queue<std::string> queue, long count, long size) {
  std::string item(std::size_t(size), 'x');
  for (long i = 0; i < count; ++i)
    queue.put(item);
  queue.close(); // the end-of-queue sentinel
}

void consumer(concur::process_queue<std::string> queue) {
  while (queue.get()) {
  }
}

// The same items written and read in place: the producer fills each item's
// characters in the queue's memory, the consumer looks at them there (its
// first and last character) instead of copying them out.
void producer_in_place(concur::process_queue<std::string> queue, long count,
                       long size) {
  for (long i = 0; i < count; ++i)
    queue.put_in_place(std::size_t(size), [](std::span<char> characters) {
      std::fill(characters.begin(), characters.end(), 'x');
    });
  queue.close();
}

void consumer_in_place(concur::process_queue<std::string> queue) {
  long wrong = 0;
  while (queue.get_in_place([&](std::span<const char> characters) {
    wrong += characters.empty() || characters.front() != 'x' ||
             characters.back() != 'x';
  })) {
  }
  if (wrong)
    throw std::runtime_error("consumer_in_place: wrong characters");
}

void writer(concur::shared_dict<long, long> dict, long count) {
  for (long i = 0; i < count; ++i)
    dict.set(i % 1000, i);
}

// Sets per second by one child process into a dictionary of 1000 keys.
double measure_dict(long count) {
  concur::shared_dict<long, long> dict(1000);
  concur::process child(writer, dict, count);
  auto start = std::chrono::steady_clock::now();
  child.start();
  child.get();
  std::chrono::duration<double> elapsed =
      std::chrono::steady_clock::now() - start;
  return double(count) / elapsed.count();
}

double measure(long count, long size, bool in_place) {
  concur::process_queue<std::string> queue(1024); // Queue(1024) in Python
  concur::process put =
      in_place ? concur::process(producer_in_place, queue, count, size)
               : concur::process(producer, queue, count, size);
  concur::process get = in_place ? concur::process(consumer_in_place, queue)
                                 : concur::process(consumer, queue);
  auto start = std::chrono::steady_clock::now();
  put.start();
  get.start();
  put.get();
  get.get();
  std::chrono::duration<double> elapsed =
      std::chrono::steady_clock::now() - start;
  return double(count) / elapsed.count();
}

// The ceiling of any queue that moves 64-KiB items through this machine's
// memory: one core (this process, no queue, no second process) writing
// `size`-byte items one after another round a ring of the queue's default
// 4 MiB, as the in-place producer does. Items per second.
double measure_fill(long count, long size) {
  std::vector<char> ring(std::size_t(4) << 20);
  std::size_t per_ring = ring.size() / std::size_t(size);
  auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < count; ++i) {
    char *item = ring.data() + std::size_t(i) % per_ring * std::size_t(size);
    std::fill(item, item + size, char('a' + i % 26));
    asm volatile("" : : "r"(item) : "memory"); // the writes must happen
  }
  std::chrono::duration<double> elapsed =
      std::chrono::steady_clock::now() - start;
  return double(count) / elapsed.count();
}

} // namespace

int main(int argc, char **argv) {
  concur::start_fork_server();
  double scale = argc > 1 ? std::atof(argv[1]) : 1.0;
  struct {
    long size, count;
    bool in_place;
  } runs[] = {
      {64, 2'000'000, false}, {65536, 100'000, false}, {65536, 200'000, true}};
  for (auto run : runs) {
    long count = std::max(1000L, long(double(run.count) * scale));
    double best = 0;
    for (int round = 0; round < 2; ++round)
      best = std::max(best, measure(count, run.size, run.in_place));
    std::printf("queue-%ld%s concur %.0f items/s\n", run.size,
                run.in_place ? "-in-place" : "", best);
    std::fflush(stdout);
  }
  {
    long count = std::max(1000L, long(200'000 * scale));
    double best = 0;
    for (int round = 0; round < 2; ++round)
      best = std::max(best, measure_fill(count, 65536));
    std::printf("fill-65536 one-core %.0f items/s\n", best);
    std::fflush(stdout);
  }
  long sets = std::max(1000L, long(2'000'000 * scale));
  double best = 0;
  for (int round = 0; round < 2; ++round)
    best = std::max(best, measure_dict(sets));
  std::printf("dict-set concur %.0f sets/s\n", best);
}
