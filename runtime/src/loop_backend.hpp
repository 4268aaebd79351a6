// loop_backend.hpp - the contract between concur::event_loop and its I/O
// backend (internal; not installed).
//
// Exactly one source file defines the members below: loop_backend_epoll.cpp
// on Linux (epoll in edge-triggered mode, a timerfd for the deadline, an
// eventfd for wakeups). A port adds loop_backend_<name>.cpp with the same
// members and has the build compile it instead; the loop itself does not
// change. What the loop relies on:
//
//  * add(fd): from now until remove(fd), every transition of fd to readable or
//    writable (or to an error/hang-up state, reported as both) is reported by
//    some later poll() at least once. Spurious reports are allowed: the loop
//    retries the operation and waits again on EAGAIN. Descriptors are
//    identified by number; a report for a number that was removed and reused
//    is treated as spurious.
//  * poll(deadline): blocks until at least one report is available, wakeup()
//    was called, or `deadline` has passed; returns at once (after collecting
//    what is ready) if the deadline is not in the future. No deadline means no
//    time limit. Reports are appended to `out`.
//  * wakeup(): callable from any thread at any time, including before poll()
//    and concurrently with it; the next (or current) poll returns promptly.
//    Several wakeups may collapse into one.
//  * Errors of the underlying system calls are thrown as std::system_error
//    with the errno text; EINTR is retried inside the backend.
#ifndef CONCUR_SRC_LOOP_BACKEND_HPP
#define CONCUR_SRC_LOOP_BACKEND_HPP

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

namespace concur::detail {

struct io_event {
  int fd;
  bool readable; // or error / hang-up
  bool writable; // or error / hang-up
};

class loop_backend {
public:
  using time_point = std::chrono::steady_clock::time_point;

  loop_backend();
  ~loop_backend();
  loop_backend(const loop_backend &) = delete;
  loop_backend &operator=(const loop_backend &) = delete;

  void add(int fd);
  void remove(int fd) noexcept;
  void poll(std::optional<time_point> deadline, std::vector<io_event> &out);
  void wakeup() noexcept;
  /// Human-readable backend name ("epoll").
  static const char *name() noexcept;

private:
  struct state;
  std::unique_ptr<state> state_;
};

} // namespace concur::detail

#endif
