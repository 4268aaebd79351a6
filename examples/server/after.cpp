// Scenario 2 of the seeds, after: the same TCP echo server on concur's event
// loop, plus an HTTP/1.1 mode (--http) that the downloads example uses as its
// local server.
//
// before.cpp served one client at a time: while one was connected, every other
// waited in the accept queue. The selection table's row `asyncio` applies (a
// server loop: network waits with an unbounded fan-out): one thread runs an
// event loop, the accept loop spawns one task per client, and every task
// suspends at its socket waits instead of blocking the thread, so thousands of
// clients are served at once without a thread each.
// Trade-offs of the row: needs non-blocking APIs (concur::tcp_stream here);
// any blocking or CPU-heavy call in a task stalls every client (run it with
// concur::run_in_executor instead: row `mixed`).
//
// Usage: after [--http] [PORT]   (PORT 0 picks a free port; the program
// prints "listening PORT" once it accepts connections)
#include <concur/event_loop.hpp>
#include <concur/net.hpp>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>

concur::task<void> serve_client(concur::tcp_stream client) {
  char buffer[4096];
  for (;;) {
    std::size_t received = co_await client.read_some(buffer, sizeof buffer);
    if (received == 0)
      break;
    co_await client.write_all(std::string_view(buffer, received));
  }
} // the stream closes here

// HTTP/1.1 with keep-alive: GET /bytes/N answers N bytes; anything else 404.
concur::task<void> serve_http(concur::tcp_stream client) {
  for (;;) {
    std::string head = co_await client.read_until("\r\n\r\n", 64 * 1024);
    if (head.empty() || head.size() < 4 || head.compare(head.size() - 4, 4, "\r\n\r\n") != 0)
      co_return; // the client closed (or sent a truncated request)
    std::string_view request(head);
    std::string_view line = request.substr(0, request.find("\r\n"));
    bool close_after = request.find("Connection: close") != std::string_view::npos;
    std::string body;
    const char *status = "404 Not Found";
    constexpr std::string_view prefix = "GET /bytes/";
    if (line.starts_with(prefix)) {
      std::string_view rest = line.substr(prefix.size());
      std::size_t count = 0;
      auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), count);
      if (error == std::errc() && count <= 64 * 1024 * 1024 && end != rest.data()) {
        status = "200 OK";
        body.assign(count, 'x');
      }
    }
    std::string response = std::string("HTTP/1.1 ") + status + "\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\nContent-Type: text/plain\r\n" +
                           (close_after ? "Connection: close\r\n" : "") + "\r\n" + body;
    co_await client.write_all(response);
    if (close_after)
      co_return;
  }
}

// A client's failure (a reset, say) ends that client's task only. It is not
// printed: writing to stderr from a task would block the loop (and the
// concur-blocking-call-in-coroutine check says so).
template <class Session> concur::task<void> guarded(Session session, concur::tcp_stream client) {
  try {
    co_await session(std::move(client));
  } catch (const std::system_error &) {
  } catch (const std::length_error &) { // an HTTP request head over 64 KiB
  }
}

concur::task<void> serve(concur::tcp_listener listener, bool http) {
  while (true) {
    concur::tcp_stream client = co_await listener.accept();
    if (http)
      (void)concur::spawn(guarded(serve_http, std::move(client)));
    else
      (void)concur::spawn(guarded(serve_client, std::move(client)));
  }
}

int main(int argc, char **argv) {
  bool http = argc > 1 && std::strcmp(argv[1], "--http") == 0;
  int port = argc > 1 + http ? std::atoi(argv[1 + http]) : 8080;
  if (port < 0 || port > 65535) {
    std::fprintf(stderr, "usage: %s [--http] [PORT]\n", argv[0]);
    return 2;
  }
  try {
    concur::event_loop loop;
    concur::tcp_listener listener = concur::tcp_listener::bind(loop, "127.0.0.1", std::uint16_t(port));
    std::printf("listening %u\n", unsigned(listener.port()));
    std::fflush(stdout);
    loop.run(serve(std::move(listener), http));
  } catch (const std::exception &e) {
    std::fprintf(stderr, "server: %s\n", e.what());
    return 1;
  }
}
