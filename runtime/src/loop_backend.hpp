// loop_backend.hpp - the contract between concur::event_loop and its I/O
// backends (internal; not installed).
//
// Two backends implement it, one file each: loop_backend_epoll.cpp (epoll in
// edge-triggered mode, a timerfd for the deadline, an eventfd for wakeups)
// and loop_backend_uring.cpp (io_uring: multishot poll requests for
// readiness, a timeout on the wait for the deadline, an eventfd for wakeups,
// and completion-based file I/O). The build compiles loop_backend_uring.cpp
// when liburing is found and loop_backend_uring_none.cpp (which reports it
// unavailable) otherwise; make_loop_backend (loop_backend_select.cpp) picks
// one at run time. The loop itself does not change with the backend. What the
// loop relies on:
//
//  * add(fd): from now until remove(fd), every transition of fd to readable or
//    writable (or to an error/hang-up state, reported as both) is reported by
//    some later poll() at least once. Spurious reports are allowed: the loop
//    retries the operation and waits again on EAGAIN. Descriptors are
//    identified by number; a report for a number that was removed and reused
//    is treated as spurious. The backend lets go of the open file promptly
//    after remove(fd) (io_uring: at once, or at its next poll() if the
//    removal raced with a completion), so closing fd closes the file.
//  * poll(deadline): blocks until at least one report is available, a file
//    operation completed, wakeup() was called, or `deadline` has passed;
//    returns at once (after collecting what is ready) if the deadline is not
//    in the future. No deadline means no time limit. Reports are appended to
//    `out`; completed file operations get their result and on_complete call
//    inside poll (on the loop's thread).
//  * wakeup(): callable from any thread at any time, including before poll()
//    and concurrently with it; the next (or current) poll returns promptly.
//    Several wakeups may collapse into one.
//  * submit(op) (only where supports_file_io()): starts op; its on_complete
//    runs in a later poll(), exactly once, unless the backend is destroyed
//    first. The backend keeps op alive until the kernel is done with its
//    buffer, also after cancel(op) and while the backend is destroyed (the
//    destructor waits for what is in flight).
//  * Errors of the underlying system calls are thrown as std::system_error
//    with the errno text; EINTR is retried inside the backend.
#ifndef CONCUR_SRC_LOOP_BACKEND_HPP
#define CONCUR_SRC_LOOP_BACKEND_HPP

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace concur {
enum class loop_backend_kind;
}

namespace concur::detail {

struct io_event {
  int fd;
  bool readable; // or error / hang-up
  bool writable; // or error / hang-up
};

/// A file operation for a completion-based backend (io_uring). The buffer
/// lives here, so it outlives a task that stops waiting for it.
struct file_op {
  enum class kind { read, write, fsync, open, close };
  kind what = kind::read;
  int fd = -1;           // read, write, fsync, close
  std::string buffer;    // read: the destination (its size is the maximum);
                         // write: the data; open: the path
  std::size_t begin = 0; // write: the first byte not yet written
  int flags = 0;         // open
  int result = 0;        // bytes, a descriptor, 0, or -errno
  /// Runs in poll() once the operation is complete (result is set); may be
  /// null (nobody waits any more).
  void (*on_complete)(file_op &) = nullptr;
  void *waiter = nullptr; // for on_complete
};

class loop_backend {
public:
  using time_point = std::chrono::steady_clock::time_point;

  loop_backend() = default;
  virtual ~loop_backend() = default;
  loop_backend(const loop_backend &) = delete;
  loop_backend &operator=(const loop_backend &) = delete;

  virtual void add(int fd) = 0;
  virtual void remove(int fd) noexcept = 0;
  virtual void poll(std::optional<time_point> deadline,
                    std::vector<io_event> &out) = 0;
  virtual void wakeup() noexcept = 0;
  /// The name users choose it by ("epoll", "io_uring").
  [[nodiscard]] virtual const char *name() const noexcept = 0;

  /// Whether submit() works; otherwise file I/O runs on threads.
  [[nodiscard]] virtual bool supports_file_io() const noexcept { return false; }
  virtual void submit(std::shared_ptr<file_op> op);
  /// Asks the kernel to stop `op` early (best effort; on_complete still runs
  /// unless it was cleared).
  virtual void cancel(const file_op &op) noexcept;
};

std::unique_ptr<loop_backend> make_epoll_backend();
/// The io_uring backend, or null with `why_not` set when this build or this
/// kernel does not offer it (no liburing at build time, ENOSYS, EPERM from a
/// seccomp filter, a kernel without multishot poll ...).
std::unique_ptr<loop_backend> make_uring_backend(std::string &why_not);
/// The backend for a new loop: `kind` if not automatic, else the
/// CONCUR_LOOP_BACKEND environment variable if set, else io_uring when
/// available and epoll otherwise. Throws std::invalid_argument for an unknown
/// variable value and std::runtime_error when io_uring is forced but
/// unavailable.
std::unique_ptr<loop_backend> make_loop_backend(loop_backend_kind kind);

} // namespace concur::detail

#endif
