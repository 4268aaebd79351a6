// Asio's C++20-coroutine echo server (the comparator of bench/event_loop),
// written the way Asio's own examples write it: one io_context, one thread.
#include <asio.hpp>

#include <cstdio>
#include <cstdlib>

using asio::awaitable;
using asio::use_awaitable;
using asio::ip::tcp;

static awaitable<void> echo(tcp::socket socket) {
  try {
    char data[4096];
    for (;;) {
      std::size_t n = co_await socket.async_read_some(asio::buffer(data), use_awaitable);
      co_await asio::async_write(socket, asio::buffer(data, n), use_awaitable);
    }
  } catch (const std::exception &) {
  }
}

static awaitable<void> listener(unsigned short port) {
  auto executor = co_await asio::this_coro::executor;
  tcp::acceptor acceptor(executor, {asio::ip::address_v4::loopback(), port});
  std::printf("listening %u\n", unsigned(acceptor.local_endpoint().port()));
  std::fflush(stdout);
  for (;;) {
    tcp::socket socket = co_await acceptor.async_accept(use_awaitable);
    socket.set_option(tcp::no_delay(true));
    asio::co_spawn(executor, echo(std::move(socket)), asio::detached);
  }
}

int main(int argc, char **argv) {
  unsigned short port = argc > 1 ? static_cast<unsigned short>(std::atoi(argv[1])) : 0;
  asio::io_context context(1);
  asio::co_spawn(context, listener(port), asio::detached);
  context.run();
}
