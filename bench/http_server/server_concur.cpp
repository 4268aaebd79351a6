// The concur side of bench/http_server: concur::http::server on one event
// loop thread at 127.0.0.1:PORT (0: any), answering GET /hello with a
// coroutine handler (and GET /blocking with a plain function on io_pool()).
// Prints "listening PORT"; stops on SIGTERM/SIGINT.
#include <concur/event_loop.hpp>
#include <concur/http_server.hpp>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <stop_token>

namespace {
concur::task<void> serve(std::uint16_t port) {
  concur::http::server app;
  app.get("/hello",
          [](const concur::http::request &)
              -> concur::task<concur::http::response> {
            co_return concur::http::response::text("Hello, world!");
          });
  app.get("/blocking", [](const concur::http::request &) {
    return concur::http::response::text("Hello, world!");
  });
  app.listen("127.0.0.1", port);
  std::printf("listening %u\n", unsigned(app.port()));
  std::fflush(stdout);
  std::stop_source stop;
  concur::event_loop &loop =
      concur::event_loop::require_current("server_concur");
  for (int signal : {SIGTERM, SIGINT})
    loop.add_signal_handler(signal, [&stop] { stop.request_stop(); });
  co_await app.serve(stop.get_token());
  for (int signal : {SIGTERM, SIGINT})
    loop.remove_signal_handler(signal);
}
} // namespace

int main(int argc, char **argv) {
  concur::run(serve(std::uint16_t(argc > 1 ? std::atoi(argv[1]) : 0)));
}
