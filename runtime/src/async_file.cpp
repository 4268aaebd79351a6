// async_file.cpp - file I/O for tasks, so that the event loop never waits for
// the disk (asyncio + aiofiles in the seeds). On a loop whose backend has
// file I/O of its own (io_uring) each operation is submitted to the kernel
// and the task waits for its completion; otherwise it runs on the shared I/O
// pool.
#include "concur/async_bridge.hpp"

#include "loop_backend.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <system_error>

namespace concur {

// Each job below is a named lambda rather than a temporary inside the
// co_await: GCC 12 mis-destroys capturing lambda temporaries in a co_await
// operand.

namespace {
[[noreturn]] void throw_file_error(const char *what, const std::string &path) {
  throw std::system_error(errno, std::generic_category(),
                          std::string("concur: ") + what + " '" + path + "'");
}

int open_or_throw(const std::string &path, int flags) {
  int fd;
  do
    fd = ::open(path.c_str(), flags | O_CLOEXEC, 0666);
  while (fd < 0 && errno == EINTR);
  if (fd < 0)
    throw_file_error("open", path);
  return fd;
}

void write_fully(int fd, const std::string &data, const std::string &path) {
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      throw_file_error("write", path);
    }
    done += std::size_t(n);
  }
}

std::string read_fully(int fd, const std::string &path) {
  std::string data;
  struct stat info{};
  if (::fstat(fd, &info) == 0 && info.st_size > 0)
    data.reserve(std::size_t(info.st_size));
  char chunk[65536];
  for (;;) {
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      throw_file_error("read", path);
    }
    if (n == 0)
      return data;
    data.append(chunk, std::size_t(n));
  }
}

struct fd_closer {
  int fd;
  ~fd_closer() {
    if (fd >= 0)
      ::close(fd);
  }
};

// --- completion-based file I/O (the io_uring backend)

/// The current loop's backend if it does file I/O itself, else null.
detail::loop_backend *file_backend() {
  event_loop *loop = event_loop::current();
  if (!loop || !loop->backend().supports_file_io())
    return nullptr;
  return &loop->backend();
}

/// Submits `op` and suspends until it completes; yields op.result. A
/// cancelled task stops waiting at once (the backend keeps op, and its
/// buffer, until the kernel is done with it).
class file_awaiter : detail::suspension {
public:
  file_awaiter(detail::loop_backend &backend,
               std::shared_ptr<detail::file_op> op)
      : backend_(&backend), op_(std::move(op)) {}
  file_awaiter(const file_awaiter &) = delete;
  file_awaiter &operator=(const file_awaiter &) = delete;
  ~file_awaiter() {
    if (op_->waiter == this) { // the frame goes while the kernel still works
      detach();
      backend_->cancel(*op_);
    }
  }
  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<> coro) {
    event_loop &loop =
        event_loop::require_current("concur::async_file outside an event loop");
    if (!loop.park(*this, coro))
      return false;
    op_->waiter = this;
    op_->on_complete = [](detail::file_op &op) {
      auto *me = static_cast<file_awaiter *>(op.waiter);
      me->detach();
      me->loop->unpark(*me);
    };
    cancel_fn = [](detail::suspension *self) {
      auto *me = static_cast<file_awaiter *>(self);
      me->detach();
      me->backend_->cancel(*me->op_);
      me->cancelled = true;
      me->loop->schedule(me->coro, me->owner);
    };
    try {
      backend_->submit(op_);
    } catch (...) {
      detach();
      if (owner && owner->parked == this)
        owner->parked = nullptr;
      throw;
    }
    return true;
  }
  int await_resume() const {
    if (cancelled)
      throw cancelled_error();
    return op_->result;
  }

private:
  void detach() noexcept {
    op_->waiter = nullptr;
    op_->on_complete = nullptr;
  }
  detail::loop_backend *backend_;
  std::shared_ptr<detail::file_op> op_;
};

/// Runs op to completion on `backend`, again after EINTR; its result.
task<int> complete(detail::loop_backend &backend,
                   std::shared_ptr<detail::file_op> op) {
  for (;;) {
    file_awaiter wait(backend, op);
    int result = co_await wait;
    if (result != -EINTR)
      co_return result;
  }
}

[[noreturn]] void throw_file_code(int code, const char *what,
                                  const std::string &path) {
  throw std::system_error(code, std::generic_category(),
                          std::string("concur: ") + what + " '" + path + "'");
}

task<int> ring_open(detail::loop_backend &backend, const std::string &path,
                    int flags) {
  auto op = std::make_shared<detail::file_op>();
  op->what = detail::file_op::kind::open;
  op->buffer = path;
  op->flags = flags | O_CLOEXEC;
  int fd = co_await complete(backend, op);
  if (fd < 0)
    throw_file_code(-fd, "open", path);
  co_return fd;
}

task<std::string> ring_read(detail::loop_backend &backend, int fd,
                            std::size_t max_bytes, const std::string &path) {
  auto op = std::make_shared<detail::file_op>();
  op->what = detail::file_op::kind::read;
  op->fd = fd;
  op->buffer.resize(max_bytes);
  int n = co_await complete(backend, op);
  if (n < 0)
    throw_file_code(-n, "read", path);
  op->buffer.resize(std::size_t(n));
  co_return std::move(op->buffer);
}

task<void> ring_write(detail::loop_backend &backend, int fd, std::string data,
                      const std::string &path) {
  auto op = std::make_shared<detail::file_op>();
  op->what = detail::file_op::kind::write;
  op->fd = fd;
  op->buffer = std::move(data);
  while (op->begin < op->buffer.size()) {
    int n = co_await complete(backend, op);
    if (n < 0)
      throw_file_code(-n, "write", path);
    if (n == 0)
      throw_file_code(EIO, "write", path);
    op->begin += std::size_t(n);
  }
}

task<void> ring_simple(detail::loop_backend &backend,
                       detail::file_op::kind what, int fd, const char *name,
                       const std::string &path) {
  auto op = std::make_shared<detail::file_op>();
  op->what = what;
  op->fd = fd;
  int r = co_await complete(backend, op);
  if (r < 0 && !(what == detail::file_op::kind::close && r == -EINTR))
    throw_file_code(-r, name, path);
}

task<std::string> ring_read_file(detail::loop_backend &backend,
                                 std::string path) {
  int fd = co_await ring_open(backend, path, O_RDONLY);
  fd_closer closer{fd};
  std::string data;
  struct stat info{};
  std::size_t chunk = 65536;
  if (::fstat(closer.fd, &info) == 0 && info.st_size > 0)
    chunk = std::max(chunk, std::size_t(info.st_size) + 1);
  for (;;) {
    std::string part = co_await ring_read(backend, closer.fd, chunk, path);
    if (part.empty())
      break;
    if (data.empty())
      data = std::move(part);
    else
      data += part;
  }
  co_await ring_simple(backend, detail::file_op::kind::close,
                       std::exchange(closer.fd, -1), "close", path);
  co_return data;
}

task<void> ring_write_file(detail::loop_backend &backend, std::string path,
                           int flags, std::string data) {
  int fd = co_await ring_open(backend, path, flags);
  fd_closer closer{fd};
  co_await ring_write(backend, closer.fd, std::move(data), path);
  co_await ring_simple(backend, detail::file_op::kind::close,
                       std::exchange(closer.fd, -1), "close", path);
}
} // namespace

task<std::string> read_file(std::string path) {
  if (detail::loop_backend *backend = file_backend())
    co_return co_await ring_read_file(*backend, std::move(path));
  auto job = [path] {
    int fd = open_or_throw(path, O_RDONLY);
    fd_closer closer{fd};
    return read_fully(fd, path);
  };
  co_return co_await to_thread(std::move(job));
}

task<void> write_file(std::string path, std::string data) {
  if (detail::loop_backend *backend = file_backend()) {
    co_await ring_write_file(*backend, std::move(path),
                             O_WRONLY | O_CREAT | O_TRUNC, std::move(data));
    co_return;
  }
  auto job = [path, data = std::move(data)] {
    int fd = open_or_throw(path, O_WRONLY | O_CREAT | O_TRUNC);
    fd_closer closer{fd};
    write_fully(fd, data, path);
  };
  co_await to_thread(std::move(job));
}

task<void> append_file(std::string path, std::string data) {
  if (detail::loop_backend *backend = file_backend()) {
    co_await ring_write_file(*backend, std::move(path),
                             O_WRONLY | O_CREAT | O_APPEND, std::move(data));
    co_return;
  }
  auto job = [path, data = std::move(data)] {
    int fd = open_or_throw(path, O_WRONLY | O_CREAT | O_APPEND);
    fd_closer closer{fd};
    write_fully(fd, data, path);
  };
  co_await to_thread(std::move(job));
}

async_file &async_file::operator=(async_file &&other) noexcept {
  if (this != &other) {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
  }
  return *this;
}

async_file::~async_file() {
  if (fd_ >= 0)
    ::close(fd_);
}

task<async_file> async_file::open(std::string path, mode how) {
  int flags = how == mode::read     ? O_RDONLY
              : how == mode::write  ? O_WRONLY | O_CREAT | O_TRUNC
              : how == mode::append ? O_WRONLY | O_CREAT | O_APPEND
                                    : O_RDWR | O_CREAT;
  if (detail::loop_backend *backend = file_backend()) {
    int fd = co_await ring_open(*backend, path, flags);
    co_return async_file(fd, std::move(path));
  }
  auto job = [path, flags] { return open_or_throw(path, flags); };
  int fd = co_await to_thread(std::move(job));
  co_return async_file(fd, std::move(path));
}

task<std::string> async_file::read_some(std::size_t max_bytes) {
  if (fd_ < 0)
    throw std::logic_error("concur::async_file::read_some on a closed file");
  if (detail::loop_backend *backend = file_backend())
    co_return co_await ring_read(*backend, fd_, max_bytes, path_);
  auto job = [fd = fd_, max_bytes, path = path_] {
    std::string data(max_bytes, '\0');
    ssize_t n;
    do
      n = ::read(fd, data.data(), max_bytes);
    while (n < 0 && errno == EINTR);
    if (n < 0)
      throw_file_error("read", path);
    data.resize(std::size_t(n));
    return data;
  };
  co_return co_await to_thread(std::move(job));
}

task<void> async_file::write(std::string data) {
  if (fd_ < 0)
    throw std::logic_error("concur::async_file::write on a closed file");
  if (detail::loop_backend *backend = file_backend()) {
    co_await ring_write(*backend, fd_, std::move(data), path_);
    co_return;
  }
  auto job = [fd = fd_, data = std::move(data), path = path_] {
    write_fully(fd, data, path);
  };
  co_await to_thread(std::move(job));
}

task<void> async_file::flush() {
  if (fd_ < 0)
    throw std::logic_error("concur::async_file::flush on a closed file");
  if (detail::loop_backend *backend = file_backend()) {
    co_await ring_simple(*backend, detail::file_op::kind::fsync, fd_, "fsync",
                         path_);
    co_return;
  }
  auto job = [fd = fd_, path = path_] {
    if (::fsync(fd) != 0)
      throw_file_error("fsync", path);
  };
  co_await to_thread(std::move(job));
}

task<void> async_file::close() {
  if (fd_ < 0)
    co_return;
  int fd = std::exchange(fd_, -1);
  if (detail::loop_backend *backend = file_backend()) {
    co_await ring_simple(*backend, detail::file_op::kind::close, fd, "close",
                         path_);
    co_return;
  }
  auto job = [fd, path = path_] {
    if (::close(fd) != 0 && errno != EINTR)
      throw_file_error("close", path);
  };
  co_await to_thread(std::move(job));
}

} // namespace concur
