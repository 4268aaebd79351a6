// The concur side of bench/event_loop (run.sh drives it):
//   bench_event_loop server PORT   an echo server on 127.0.0.1 (0: any port;
//                                  prints "listening N")
//   bench_event_loop micro         spawn+gather of 200,000 tasks, 100,000
//                                  timers, 100,000 queue put/get pairs and
//                                  10,000 run_in_executor round trips; prints
//                                  "name seconds" lines
#include "concur/async_bridge.hpp"
#include "concur/async_sync.hpp"
#include "concur/gather.hpp"
#include "concur/net.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
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
  std::fprintf(stderr, "usage: %s server [PORT] | micro\n", argv[0]);
  return 2;
}
