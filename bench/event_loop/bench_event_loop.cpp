// The concur side of bench/event_loop (run.sh drives it):
//   bench_event_loop server PORT   an echo server on 127.0.0.1 (0: any port;
//                                  prints "listening N")
//   bench_event_loop micro         spawn+gather of 200,000 tasks, 100,000
//                                  timers, 100,000 queue put/get pairs and
//                                  10,000 run_in_executor round trips; prints
//                                  "name seconds" lines
//   bench_event_loop files [ROUNDS]  4 KiB reads through concur::async_file,
//                                  64 in flight, on the io_uring backend
//                                  (submitted to the kernel) and on the
//                                  epoll backend (each read on an I/O pool
//                                  thread); prints reads per second, CPU
//                                  time per read and the ratios
//   bench_event_loop loops         the cost of making a loop: 2,000
//                                  concur::run calls of an empty task on
//                                  each backend; microseconds per call
#include "concur/async_bridge.hpp"
#include "concur/async_sync.hpp"
#include "concur/gather.hpp"
#include "concur/net.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

concur::task<void> echo(concur::tcp_stream client) {
  char buffer[4096];
  try {
    for (;;) {
      std::size_t n = co_await client.read_some(buffer, sizeof buffer);
      if (n == 0)
        co_return;
      co_await client.write_all(std::string_view(buffer, n));
    }
  } catch (const std::system_error &) {
    // a reset by the load client ends the session
  }
}

concur::task<void> serve(std::uint16_t port) {
  auto listener = concur::tcp_listen("127.0.0.1", port);
  std::printf("listening %u\n", unsigned(listener.port()));
  std::fflush(stdout);
  for (;;)
    (void)concur::spawn(echo(co_await listener.accept()));
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

concur::task<int> value_task(int i) { co_return i; }

concur::task<void> sleeper(int i) { co_await concur::sleep_for(std::chrono::milliseconds(i % 10)); }

concur::task<void> producer(concur::async_queue<int> &queue, int count) {
  for (int i = 0; i < count; ++i)
    co_await queue.put(i);
}

int identity(int x) { return x; }

concur::task<void> micro() {
  {
    auto start = std::chrono::steady_clock::now();
    std::vector<concur::task<int>> tasks;
    tasks.reserve(200000);
    for (int i = 0; i < 200000; ++i)
      tasks.push_back(value_task(i));
    std::vector<int> values = co_await concur::gather(std::move(tasks));
    if (values.size() != 200000 || values[199999] != 199999)
      throw std::runtime_error("gather returned wrong values");
    std::printf("spawn_gather_200k %.4f\n", seconds_since(start));
  }
  {
    auto start = std::chrono::steady_clock::now();
    std::vector<concur::task<void>> tasks;
    tasks.reserve(100000);
    for (int i = 0; i < 100000; ++i)
      tasks.push_back(sleeper(i));
    co_await concur::gather(std::move(tasks));
    std::printf("timers_100k %.4f\n", seconds_since(start));
  }
  {
    auto start = std::chrono::steady_clock::now();
    concur::async_queue<int> queue(64);
    auto p = concur::spawn(producer(queue, 100000));
    long sum = 0;
    for (int i = 0; i < 100000; ++i)
      sum += co_await queue.get();
    co_await p;
    if (sum != 100000L * 99999 / 2)
      throw std::runtime_error("queue lost items");
    std::printf("queue_pairs_100k %.4f\n", seconds_since(start));
  }
  {
    concur::thread_pool pool(1);
    auto start = std::chrono::steady_clock::now();
    long sum = 0;
    for (int i = 0; i < 10000; ++i)
      sum += co_await concur::run_in_executor(pool, identity, i);
    if (sum != 10000L * 9999 / 2)
      throw std::runtime_error("run_in_executor lost results");
    std::printf("run_in_executor_10k %.4f\n", seconds_since(start));
  }
}

// --- files: 64 tasks, each with its own async_file on one file, reading it
// 4 KiB at a time from start to end. The file was just written, so it is in
// the page cache: what is measured is the cost of the mechanism (a kernel
// submission against a thread-pool round trip), not of the disk.
constexpr int files_in_flight = 64;
constexpr std::size_t file_chunk = 4096;
constexpr int file_chunks = 1000; // per task: a 4,000 KiB file

double process_cpu_seconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage); // every thread, the kernel's io_uring
                                    // workers included
  auto seconds = [](timeval t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

concur::task<void> read_through(std::string path, std::size_t &bytes) {
  auto file = co_await concur::async_file::open(path, concur::async_file::mode::read);
  for (int i = 0; i < file_chunks; ++i) {
    std::string chunk = co_await file.read_some(file_chunk);
    bytes += chunk.size();
  }
  co_await file.close();
}

concur::task<void> read_all(std::string path, std::size_t &bytes) {
  std::vector<concur::task<void>> readers;
  for (int i = 0; i < files_in_flight; ++i)
    readers.push_back(read_through(path, bytes));
  co_await concur::gather(std::move(readers));
}

struct file_figures {
  double reads_per_second = 0;
  double cpu_us_per_read = 0;
};

file_figures file_reads(concur::loop_backend_kind backend, const std::string &path) {
  concur::event_loop_options options;
  options.backend = backend;
  concur::event_loop loop(options);
  std::size_t bytes = 0;
  double cpu = process_cpu_seconds();
  auto start = std::chrono::steady_clock::now();
  loop.run(read_all(path, bytes));
  double wall = seconds_since(start);
  cpu = process_cpu_seconds() - cpu;
  if (bytes != std::size_t(files_in_flight) * file_chunks * file_chunk)
    throw std::runtime_error("files: read " + std::to_string(bytes) + " bytes");
  double reads = double(files_in_flight) * file_chunks;
  return {reads / wall, cpu * 1e6 / reads};
}

int files(int rounds) {
  std::string path = "/tmp/concur_bench_files_" + std::to_string(::getpid());
  concur::run(concur::write_file(path, std::string(file_chunk * file_chunks, 'x')));
  // Best of ROUNDS, the backends taking turns within each round.
  file_figures ring, threads;
  for (int round = 0; round < rounds; ++round) {
    for (auto backend : {concur::loop_backend_kind::io_uring, concur::loop_backend_kind::epoll}) {
      file_figures f = file_reads(backend, path);
      file_figures &best = backend == concur::loop_backend_kind::io_uring ? ring : threads;
      best.reads_per_second = std::max(best.reads_per_second, f.reads_per_second);
      if (best.cpu_us_per_read == 0 || f.cpu_us_per_read < best.cpu_us_per_read)
        best.cpu_us_per_read = f.cpu_us_per_read;
    }
  }
  std::remove(path.c_str());
  std::printf("4 KiB async_file reads, %d in flight, %d per task (page cache), best of %d\n",
              files_in_flight, file_chunks, rounds);
  std::printf("%-34s %14s %18s\n", "backend", "reads/s", "CPU us per read");
  std::printf("%-34s %14.0f %18.2f\n", "io_uring (kernel submissions)", ring.reads_per_second,
              ring.cpu_us_per_read);
  std::printf("%-34s %14.0f %18.2f\n", "epoll (I/O pool threads)", threads.reads_per_second,
              threads.cpu_us_per_read);
  std::printf("io_uring vs threads: %.2fx the reads per second, %.2fx less CPU per read\n",
              ring.reads_per_second / threads.reads_per_second,
              threads.cpu_us_per_read / ring.cpu_us_per_read);
  return 0;
}

// --- loops: what a short-lived loop costs on each backend.
concur::task<int> nothing() { co_return 1; }

int loops() {
  constexpr int calls = 2000;
  double us[2] = {0, 0};
  int sum = 0;
  for (int round = 0; round < 3; ++round) {
    for (int which = 0; which < 2; ++which) {
      concur::event_loop_options options;
      options.backend = which == 0 ? concur::loop_backend_kind::io_uring : concur::loop_backend_kind::epoll;
      auto start = std::chrono::steady_clock::now();
      for (int i = 0; i < calls; ++i)
        sum += concur::run(nothing(), options);
      double per_call = seconds_since(start) * 1e6 / calls;
      if (us[which] == 0 || per_call < us[which])
        us[which] = per_call;
    }
  }
  if (sum != 6 * calls)
    throw std::runtime_error("loops: a run returned the wrong value");
  std::printf("concur::run of an empty task (a new loop each), best of 3 x %d\n", calls);
  std::printf("io_uring %.1f us, epoll %.1f us: io_uring costs %.2fx\n", us[0], us[1], us[0] / us[1]);
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  if (argc >= 2 && std::strcmp(argv[1], "server") == 0) {
    concur::run(serve(argc > 2 ? std::uint16_t(std::atoi(argv[2])) : 0));
    return 0;
  }
  if (argc == 2 && std::strcmp(argv[1], "micro") == 0) {
    concur::run(micro());
    return 0;
  }
  if (argc >= 2 && std::strcmp(argv[1], "files") == 0)
    return files(argc > 2 ? std::max(1, std::atoi(argv[2])) : 3);
  if (argc == 2 && std::strcmp(argv[1], "loops") == 0)
    return loops();
  std::fprintf(stderr, "usage: %s server [PORT] | micro | files [ROUNDS] | loops\n", argv[0]);
  return 2;
}
