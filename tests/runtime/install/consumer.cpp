// A user's one-file program, built against an installed concur (see
// check_install.cmake). It includes every public header, so a header the
// install leaves out fails the build, and uses the thread pool, the
// executor, a channel, the event loop, the parallel map, a process pool and
// the HTTP request parser, so the library's symbols must link. Prints "concur
// ok: 338350 45 6 55 385".
#include <concur/async_bridge.hpp>
#include <concur/async_sync.hpp>
#include <concur/channel.hpp>
#include <concur/event_loop.hpp>
#include <concur/executor.hpp>
#include <concur/future.hpp>
#include <concur/gather.hpp>
#include <concur/http_server.hpp>
#include <concur/memory.hpp>
#include <concur/net.hpp>
#include <concur/parallel.hpp>
#include <concur/periodic_timer.hpp>
#include <concur/process.hpp>
#include <concur/process_pool.hpp>
#include <concur/process_queue.hpp>
#include <concur/progress.hpp>
#include <concur/serialize.hpp>
#include <concur/shared_buffer.hpp>
#include <concur/shared_dict.hpp>
#include <concur/subprocess.hpp>
#include <concur/task.hpp>
#include <concur/thread_pool.hpp>
#include <concur/timer.hpp>

#include <chrono>
#include <cstdio>
#include <numeric>
#include <thread>
#include <vector>

static int square(int x) { return x * x; }

static concur::task<int> twice(int x) {
  co_await concur::sleep_for(std::chrono::milliseconds(1));
  co_return 2 * x;
}

static concur::task<int> sum_of_twice() {
  std::vector<concur::task<int>> parts;
  for (int i = 1; i <= 3; ++i)
    parts.push_back(twice(i)); // 2 + 4 + 6
  std::vector<int> values = co_await concur::gather(std::move(parts));
  co_return std::accumulate(values.begin(), values.end(), 0) / 2;
}

int main() {
  concur::start_fork_server(); // before any thread starts

  concur::thread_pool pool(2);
  std::vector<concur::future<long>> parts;
  for (long i = 1; i <= 100; ++i)
    parts.push_back(pool.submit([i] { return i * i; }));
  long squares = 0;
  for (auto &part : parts)
    squares += part.get();

  concur::channel<int> numbers;
  std::thread producer([&] {
    for (int i = 0; i < 10; ++i)
      numbers.send(i);
    numbers.close();
  });
  int received = 0;
  for (int n : numbers)
    received += n;
  producer.join();

  int from_loop = concur::run(sum_of_twice());

  std::vector<int> items(11);
  std::iota(items.begin(), items.end(), 0);
  auto mapped = concur::parallel_map(items, [](int x) { return x; });
  int parallel_sum = std::accumulate(mapped.begin(), mapped.end(), 0);

  concur::process_pool processes(2);
  std::vector<int> in_processes = processes.map(square, items);
  int process_sum =
      std::accumulate(in_processes.begin(), in_processes.end(), 0);

  concur::http::request_parser parser;
  parser.feed("GET /ok HTTP/1.1\r\nHost: h\r\n\r\n");
  if (parser.status() != concur::http::request_parser::state::complete ||
      parser.take().path != "/ok") {
    std::printf("concur: the HTTP request parser failed\n");
    return 1;
  }

  std::printf("concur ok: %ld %d %d %d %d\n", squares, received, from_loop,
              parallel_sum, process_sum);
  return 0;
}
