// concur::detail::ipc::unique_fd: sole owner of a file descriptor, closed on
// destruction. Used by the process pool's wire protocol and shared memory.
#pragma once

#include <utility>

namespace concur::detail::ipc {

class unique_fd {
public:
  unique_fd() noexcept = default;
  explicit unique_fd(int fd) noexcept : fd_(fd) {}
  unique_fd(unique_fd &&other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  unique_fd &operator=(unique_fd &&other) noexcept {
    if (this != &other)
      reset(std::exchange(other.fd_, -1));
    return *this;
  }
  unique_fd(const unique_fd &) = delete;
  unique_fd &operator=(const unique_fd &) = delete;
  ~unique_fd() { reset(); }

  int get() const noexcept { return fd_; }
  explicit operator bool() const noexcept { return fd_ >= 0; }
  int release() noexcept { return std::exchange(fd_, -1); }
  void reset(int fd = -1) noexcept;

private:
  int fd_ = -1;
};

/// A new descriptor for the same open file (close-on-exec); throws
/// std::system_error on failure.
unique_fd duplicate(int fd);

} // namespace concur::detail::ipc
