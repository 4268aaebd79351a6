// concur/net.hpp - TCP on the event loop (asyncio streams / loop.sock_*).
//
//   auto listener = concur::tcp_listen("127.0.0.1", 0);
//   concur::tcp_stream client = co_await listener.accept();
//   std::size_t n = co_await client.read_some(buffer);       // 0 at end of
//   stream co_await client.read_exact(header);                      //
//   incomplete_read_error co_await client.write_all(reply); auto s = co_await
//   concur::tcp_connect("example.org", 80, 5s); // DNS off the loop
//
// Sockets are non-blocking and registered with the loop once; an operation
// is tried at once and only waits for readiness when it would block. Errors
// are std::system_error carrying errno (what() names the call, the peer and
// the errno text). Every wait is cancellable; a cancelled write_all may have
// sent part of its data. One reader and one writer at a time per socket.
// UDP: udp_bind / udp_socket::send_to / receive_from.
#pragma once

#include "concur/event_loop.hpp"

#include <sys/socket.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace concur {

/// read_exact hit the end of the stream first (asyncio.IncompleteReadError).
class incomplete_read_error : public std::runtime_error {
public:
  incomplete_read_error(std::size_t received, std::size_t expected);
  [[nodiscard]] std::size_t received() const noexcept { return received_; }
  [[nodiscard]] std::size_t expected() const noexcept { return expected_; }

private:
  std::size_t received_, expected_;
};

/// An IPv4 or IPv6 address and port.
class socket_address {
public:
  socket_address() = default;
  /// From a numeric host ("127.0.0.1", "::1"); std::invalid_argument otherwise.
  static socket_address parse(std::string_view numeric_host,
                              std::uint16_t port);
  socket_address(const sockaddr *address, socklen_t length);
  [[nodiscard]] const sockaddr *data() const noexcept {
    return reinterpret_cast<const sockaddr *>(&storage_);
  }
  [[nodiscard]] socklen_t size() const noexcept { return length_; }
  [[nodiscard]] int family() const noexcept { return storage_.ss_family; }
  [[nodiscard]] std::uint16_t port() const noexcept;
  /// "127.0.0.1:80" or "[::1]:80".
  [[nodiscard]] std::string to_string() const;

private:
  sockaddr_storage storage_{};
  socklen_t length_ = 0;
};

namespace detail {
/// A non-blocking socket registered with a loop; closes on destruction.
class loop_socket {
public:
  loop_socket() = default;
  loop_socket(event_loop &loop, int fd); // takes ownership, registers
  loop_socket(loop_socket &&other) noexcept
      : loop_(std::exchange(other.loop_, nullptr)),
        fd_(std::exchange(other.fd_, -1)) {}
  loop_socket &operator=(loop_socket &&other) noexcept;
  ~loop_socket() { close(); }
  void close() noexcept;
  [[nodiscard]] int fd() const noexcept { return fd_; }
  [[nodiscard]] event_loop *loop() const noexcept { return loop_; }
  void check_open(const char *what) const;

private:
  event_loop *loop_ = nullptr;
  int fd_ = -1;
};

/// The awaiter shape shared by socket operations: try, then wait for
/// readiness and retry from the loop's poll phase.
template <class Derived, bool ForWrite> struct socket_op : io_op {
  event_loop *op_loop = nullptr;
  bool await_ready() { return op_loop->start_io(*this); }
  bool await_suspend(std::coroutine_handle<> coro) {
    return op_loop->suspend_io(*this, ForWrite, coro);
  }
  void throw_if_failed(const char *what) const;
};
[[noreturn]] void throw_socket_error(int error, const char *what, int fd);
} // namespace detail

class tcp_stream {
public:
  tcp_stream() = default;
  /// Adopts a connected socket: made non-blocking and registered with `loop`.
  tcp_stream(event_loop &loop, int fd);

  struct read_some_op : detail::socket_op<read_some_op, false> {
    std::span<std::byte> buffer;
    std::size_t received = 0;
    std::size_t await_resume() const {
      throw_if_failed("recv");
      return received;
    }
  };
  /// Up to buffer.size() bytes; 0 means the peer closed its side.
  [[nodiscard]] read_some_op read_some(std::span<std::byte> buffer);
  [[nodiscard]] read_some_op read_some(char *data, std::size_t size) {
    return read_some(std::as_writable_bytes(std::span<char>(data, size)));
  }

  struct write_op : detail::socket_op<write_op, true> {
    std::span<const std::byte> data;
    std::size_t sent = 0;
    void await_resume() const { throw_if_failed("send"); }
  };
  /// Sends every byte (asyncio's write + drain).
  [[nodiscard]] write_op write_all(std::span<const std::byte> data);
  [[nodiscard]] write_op write_all(std::string_view data) {
    return write_all(std::as_bytes(std::span(data)));
  }

  /// Fills `buffer` exactly; incomplete_read_error at end of stream first.
  [[nodiscard]] task<void> read_exact(std::span<std::byte> buffer);
  /// Reads until `delimiter` (included) or end of stream; at most max_bytes.
  [[nodiscard]] task<std::string> read_until(std::string delimiter,
                                             std::size_t max_bytes = 1 << 20);

  /// Half-close: the peer reads end of stream; reading still works.
  void shutdown_write();
  /// Closes now; pending operations on it fail with ECANCELED.
  void close() noexcept { socket_.close(); }
  [[nodiscard]] bool is_open() const noexcept { return socket_.fd() >= 0; }
  [[nodiscard]] int native_handle() const noexcept { return socket_.fd(); }
  [[nodiscard]] socket_address local_address() const;
  [[nodiscard]] socket_address peer_address() const;

  /// Bytes read from the socket but not yet returned (read_until keeps them).
  std::string buffered;

private:
  detail::loop_socket socket_;
};

class tcp_listener {
public:
  tcp_listener() = default;
  /// Binds and listens on a numeric address ("0.0.0.0", "::", "127.0.0.1");
  /// port 0 picks a free port (see local_address()). SO_REUSEADDR is set.
  static tcp_listener bind(event_loop &loop, std::string_view host,
                           std::uint16_t port, int backlog = 4096);

  struct accept_op : detail::socket_op<accept_op, false> {
    int accepted = -1;
    tcp_stream await_resume() const;
  };
  /// The next incoming connection.
  [[nodiscard]] accept_op accept();
  void close() noexcept { socket_.close(); }
  [[nodiscard]] bool is_open() const noexcept { return socket_.fd() >= 0; }
  [[nodiscard]] socket_address local_address() const;
  [[nodiscard]] std::uint16_t port() const { return local_address().port(); }
  [[nodiscard]] int native_handle() const noexcept { return socket_.fd(); }

private:
  detail::loop_socket socket_;
};

/// A UDP socket on the loop (asyncio's datagram endpoints).
class udp_socket {
public:
  udp_socket() = default;
  /// Binds a numeric address; port 0 picks a free port.
  static udp_socket bind(event_loop &loop, std::string_view host,
                         std::uint16_t port);

  struct send_op : detail::socket_op<send_op, true> {
    std::span<const std::byte> data;
    socket_address to;
    void await_resume() const { throw_if_failed("sendto"); }
  };
  /// Sends one datagram.
  [[nodiscard]] send_op send_to(std::span<const std::byte> data,
                                const socket_address &to);
  [[nodiscard]] send_op send_to(std::string_view data,
                                const socket_address &to) {
    return send_to(std::as_bytes(std::span(data)), to);
  }

  struct receive_op : detail::socket_op<receive_op, false> {
    std::span<std::byte> buffer;
    std::size_t received = 0;
    sockaddr_storage from{};
    socklen_t from_length = sizeof(sockaddr_storage);
    std::pair<std::size_t, socket_address> await_resume() const {
      throw_if_failed("recvfrom");
      return {received,
              socket_address(reinterpret_cast<const sockaddr *>(&from),
                             from_length)};
    }
  };
  /// Receives one datagram: its size (truncated to the buffer) and sender.
  [[nodiscard]] receive_op receive_from(std::span<std::byte> buffer);

  void close() noexcept { socket_.close(); }
  [[nodiscard]] bool is_open() const noexcept { return socket_.fd() >= 0; }
  [[nodiscard]] socket_address local_address() const;
  [[nodiscard]] int native_handle() const noexcept { return socket_.fd(); }

private:
  detail::loop_socket socket_;
};

/// udp_socket::bind on the running loop.
[[nodiscard]] udp_socket udp_bind(std::string_view host, std::uint16_t port);

/// tcp_listener::bind on the running loop (asyncio.start_server's socket).
[[nodiscard]] tcp_listener tcp_listen(std::string_view host, std::uint16_t port,
                                      int backlog = 4096);

/// Resolves host (getaddrinfo on the I/O pool, so the loop never blocks on
/// DNS); numeric hosts are parsed in place. std::system_error-like
/// std::runtime_error with gai_strerror's text when resolution fails.
[[nodiscard]] task<std::vector<socket_address>> resolve(std::string host,
                                                        std::uint16_t port);

/// Connects to host:port, trying each resolved address in turn. With a
/// timeout, concur::timeout_error when it passes first.
[[nodiscard]] task<tcp_stream>
tcp_connect(std::string host, std::uint16_t port,
            std::optional<std::chrono::nanoseconds> timeout = std::nullopt);

template <class Derived, bool ForWrite>
void detail::socket_op<Derived, ForWrite>::throw_if_failed(
    const char *what) const {
  if (this->cancelled)
    throw cancelled_error();
  if (this->error)
    throw_socket_error(this->error, what, this->fd);
}

} // namespace concur
