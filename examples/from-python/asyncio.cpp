// The guides' `asyncio` programs in C++ with concur (docs/from-python.md).
// Each block between "// snippet: NAME" and "// end snippet" is shown there
// word for word; check_from_python.py compares them and runs every snippet.
//
// Usage: asyncio NAME [URL...]
//        NAME: hello, gather, create_task, queue, semaphore, http_client
#include <concur/async_bridge.hpp>
#include <concur/async_sync.hpp>
#include <concur/event_loop.hpp>
#include <concur/gather.hpp>
#include <concur/http/client.hpp>

#include <chrono>
#include <cstdio>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

using namespace std::chrono_literals;

// snippet: hello
concur::task<void> hello() {
  std::printf("Hello\n");
  co_await concur::sleep_for(1s);
  std::printf("World\n");
}
// concur::run(hello());
// end snippet

// snippet: gather
concur::task<int> work(int n) {
  co_await concur::sleep_for(1s);
  co_return n * 2;
}

concur::task<void> gather_main() {
  std::vector<concur::task<int>> tasks;
  for (int i = 0; i < 5; ++i)
    tasks.push_back(work(i));
  std::vector<int> results = co_await concur::gather(std::move(tasks));
  for (int r : results)
    std::printf("%d ", r);
  std::printf("\n");
}
// concur::run(gather_main());
// end snippet

// snippet: create_task
concur::task<int> identity(int n) {
  co_await concur::sleep_for(1s);
  co_return n;
}

concur::task<void> tasks_main() {
  std::vector<concur::task_handle<int>> tasks;
  for (int i = 0; i < 5; ++i)
    tasks.push_back(concur::create_task(identity(i))); // starts running
  for (auto &task : tasks)
    std::printf("%d ", co_await task);
  std::printf("\n");
}
// concur::run(tasks_main());
// end snippet

// snippet: queue
using item = std::optional<int>; // std::nullopt plays None

concur::task<void> producer(concur::async_queue<item> &queue) {
  for (int i = 0; i < 5; ++i) {
    co_await queue.put(i);
    co_await concur::sleep_for(100ms);
  }
}

concur::task<void> consumer(concur::async_queue<item> &queue) {
  while (true) {
    item next = co_await queue.get();
    if (!next)
      break;
    std::printf("Got: %d\n", *next);
    queue.task_done();
  }
}

concur::task<void> queue_main() {
  concur::async_queue<item> queue;
  auto p = concur::create_task(producer(queue));
  auto c = concur::create_task(consumer(queue));
  co_await p;
  co_await queue.put(std::nullopt);
  co_await c;
}
// concur::run(queue_main());
// end snippet

// snippet: semaphore
concur::task<void> limited(int n, concur::async_semaphore &sem) {
  auto permit = co_await sem.acquire_scoped(); // released at the end
  std::printf("Start %d\n", n);
  co_await concur::sleep_for(1s);
  std::printf("End %d\n", n);
}

concur::task<void> semaphore_main() {
  concur::async_semaphore sem(3);
  std::vector<concur::task<void>> tasks;
  for (int i = 0; i < 10; ++i)
    tasks.push_back(limited(i, sem));
  co_await concur::gather(std::move(tasks));
}
// concur::run(semaphore_main());
// end snippet

// snippet: http_client
concur::task<std::size_t> fetch_url(concur::http::client &session,
                                    std::string url) {
  try {
    concur::http::request request;
    request.url = url;
    request.timeout = 10s;
    concur::http::response response = co_await session.request(request);
    std::printf("Finished fetching %s, length: %zu\n", url.c_str(),
                response.body.size());
    co_return response.body.size();
  } catch (const std::exception &e) {
    std::printf("Error fetching %s: %s\n", url.c_str(), e.what());
    co_return 0;
  }
}

concur::task<void> fetch_main(std::vector<std::string> urls) {
  concur::http::client session;
  std::vector<concur::task<std::size_t>> tasks;
  for (const auto &url : urls)
    tasks.push_back(fetch_url(session, url));
  std::vector<std::size_t> results = co_await concur::gather(std::move(tasks));
  std::printf("Total lengths:");
  for (std::size_t length : results)
    std::printf(" %zu", length);
  std::printf("\n");
}
// concur::run(fetch_main(urls));
// end snippet

int main(int argc, char **argv) {
  std::string_view name = argc > 1 ? argv[1] : "";
  std::vector<std::string> urls(argv + (argc > 1 ? 2 : 1), argv + argc);
  if (name == "hello")
    concur::run(hello());
  else if (name == "gather")
    concur::run(gather_main());
  else if (name == "create_task")
    concur::run(tasks_main());
  else if (name == "queue")
    concur::run(queue_main());
  else if (name == "semaphore")
    concur::run(semaphore_main());
  else if (name == "http_client")
    concur::run(fetch_main(urls));
  else {
    std::fprintf(stderr,
                 "usage: %s hello|gather|create_task|queue|semaphore|"
                 "http_client [URL...]\n",
                 argv[0]);
    return 2;
  }
}
