// bench/http_client's server: HTTP/1.1 with keep-alive on one concur event
// loop, bound to 127.0.0.1. Every request gets a 200 with a body of SIZE
// bytes. Prints "listening PORT" when ready.
//
// Usage: bench_http_server [SIZE]
#include <concur/event_loop.hpp>
#include <concur/net.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <system_error>

namespace {

concur::task<void> session(concur::tcp_stream client, const std::string &reply) {
  try {
    for (;;) {
      std::string head = co_await client.read_until("\r\n\r\n", 64 * 1024);
      if (!head.ends_with("\r\n\r\n"))
        co_return; // the client closed
      co_await client.write_all(reply);
    }
  } catch (const std::system_error &) {
  } catch (const std::length_error &) {
  }
}

concur::task<void> serve(concur::tcp_listener listener, const std::string &reply) {
  for (;;)
    (void)concur::spawn(session(co_await listener.accept(), reply));
}

} // namespace

int main(int argc, char **argv) {
  long size = argc > 1 ? std::atol(argv[1]) : 100;
  if (size < 0) {
    std::fprintf(stderr, "usage: %s [SIZE]\n", argv[0]);
    return 2;
  }
  std::string reply = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " +
                      std::to_string(size) + "\r\n\r\n" + std::string(std::size_t(size), 'x');
  concur::event_loop loop;
  concur::tcp_listener listener = concur::tcp_listener::bind(loop, "127.0.0.1", 0);
  std::printf("listening %u\n", unsigned(listener.port()));
  std::fflush(stdout);
  loop.run(serve(std::move(listener), reply));
}
