// The guide's mixed programs (asyncio with threads, with processes, and an
// HTTP server with asynchronous and blocking handlers) in C++ with concur
// (docs/from-python.md). Each block between "// snippet: NAME" and
// "// end snippet" is shown there word for word; check_from_python.py
// compares them and runs every snippet.
//
// Usage: mixed NAME   NAME: to_thread, process, http_server (prints
//        "listening PORT", then serves on 127.0.0.1 until SIGTERM/SIGINT)
#include <concur/async_bridge.hpp>
#include <concur/event_loop.hpp>
#include <concur/http_server.hpp>
#include <concur/process_pool.hpp>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <stop_token>
#include <string>
#include <string_view>
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
concur::task<concur::http::response> async_endpoint(concur::http::request) {
  co_await concur::sleep_for(1s); // runs on the event loop
  co_return concur::http::response::json(R"({"type": "async"})");
}

concur::http::response sync_endpoint(const concur::http::request &) {
  std::this_thread::sleep_for(1s); // blocks: runs on concur::io_pool()
  return concur::http::response::json(R"({"type": "sync"})");
}

concur::task<void> serve(std::uint16_t port, std::stop_token stop) {
  concur::http::server app;
  app.get("/async", async_endpoint);
  app.get("/sync", sync_endpoint);
  app.listen("127.0.0.1", port);
  std::printf("listening %u\n", unsigned(app.port()));
  std::fflush(stdout);
  co_await app.serve(stop); // until stop is requested, then gracefully
}
// std::stop_source stop;
// concur::run(serve(8000, stop.get_token()));
// end snippet

// Serves until SIGTERM or SIGINT, which stop the server gracefully.
concur::task<void> serve_until_signal() {
  std::stop_source stop;
  concur::event_loop &loop =
      concur::event_loop::require_current("serve_until_signal");
  for (int signal : {SIGTERM, SIGINT})
    loop.add_signal_handler(signal, [&stop] { stop.request_stop(); });
  co_await serve(0, stop.get_token()); // port 0: any free port
  for (int signal : {SIGTERM, SIGINT})
    loop.remove_signal_handler(signal);
}

int main(int argc, char **argv) {
  concur::start_fork_server(); // first, while the program has one thread
  std::string_view name = argc > 1 ? argv[1] : "";
  if (name == "to_thread") {
    concur::run(thread_main());
  } else if (name == "process") {
    concur::process_pool pool(4);
    concur::run(process_main(pool));
  } else if (name == "http_server") {
    concur::run(serve_until_signal());
  } else {
    std::fprintf(stderr, "usage: %s to_thread|process|http_server\n", argv[0]);
    return 2;
  }
}
