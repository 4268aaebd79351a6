// The guide's mixed programs (asyncio with threads, with processes, and an
// HTTP server with asynchronous and blocking handlers) in C++ with concur
// (docs/from-python.md). Each block between "// snippet: NAME" and
// "// end snippet" is shown there word for word; check_from_python.py
// compares them and runs every snippet.
//
// Usage: mixed NAME   NAME: to_thread, process, http_server (prints
//        "listening PORT", then serves until killed)
#include <concur/async_bridge.hpp>
#include <concur/event_loop.hpp>
#include <concur/net.hpp>
#include <concur/process_pool.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>

using namespace std::chrono_literals;

// snippet: to_thread
std::string sync_work() {
  std::this_thread::sleep_for(1s); // blocks: not on the loop's thread
  return "Done";
}

concur::task<void> thread_main() {
  std::string result = co_await concur::to_thread(sync_work);
  std::printf("%s\n", result.c_str());
}
// concur::run(thread_main());
// end snippet

// snippet: process
int cpu_work(int n) { return n * n; }

concur::task<void> process_main(concur::process_pool &pool) {
  int result = co_await concur::run_in_executor(pool, cpu_work, 5);
  std::printf("%d\n", result);
}
// concur::start_fork_server();   // first thing in main
// concur::process_pool pool(4);
// concur::run(process_main(pool));
// end snippet

// snippet: http_server
// No HTTP server in concur yet: a minimal one over concur's TCP streams.
concur::task<std::string> async_endpoint() {
  co_await concur::sleep_for(1s);
  co_return R"({"type": "async"})";
}

std::string sync_endpoint() { // blocking: runs on the I/O pool
  std::this_thread::sleep_for(1s);
  return R"({"type": "sync"})";
}

concur::task<void> handle(concur::tcp_stream client) {
  std::string head = co_await client.read_until("\r\n\r\n", 64 * 1024);
  std::string body;
  if (head.starts_with("GET /async "))
    body = co_await async_endpoint();
  else if (head.starts_with("GET /sync "))
    body = co_await concur::to_thread(sync_endpoint);
  std::string status = body.empty() ? "404 Not Found" : "200 OK";
  co_await client.write_all("HTTP/1.1 " + status +
                            "\r\nContent-Type: application/json"
                            "\r\nContent-Length: " +
                            std::to_string(body.size()) +
                            "\r\nConnection: close\r\n\r\n" + body);
}

concur::task<void> guarded(concur::tcp_stream client) {
  try {
    co_await handle(std::move(client));
  } catch (const std::system_error &) { // the client went away
  } catch (const std::length_error &) { // a request head over 64 KiB
  }
}

concur::task<void> serve(std::uint16_t port) {
  concur::tcp_listener listener = concur::tcp_listen("127.0.0.1", port);
  std::printf("listening %u\n", unsigned(listener.port()));
  std::fflush(stdout);
  while (true)
    (void)concur::spawn(guarded(co_await listener.accept()));
}
// concur::run(serve(8000));
// end snippet

int main(int argc, char **argv) {
  concur::start_fork_server(); // first, while the program has one thread
  std::string_view name = argc > 1 ? argv[1] : "";
  if (name == "to_thread") {
    concur::run(thread_main());
  } else if (name == "process") {
    concur::process_pool pool(4);
    concur::run(process_main(pool));
  } else if (name == "http_server") {
    concur::run(serve(0)); // port 0: any free port
  } else {
    std::fprintf(stderr, "usage: %s to_thread|process|http_server\n", argv[0]);
    return 2;
  }
}
