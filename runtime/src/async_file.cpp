// async_file.cpp - file I/O for tasks, run on the shared I/O pool so that the
// event loop never waits for the disk (asyncio + aiofiles in the seeds).
#include "concur/async_bridge.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
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
  ~fd_closer() { ::close(fd); }
};
} // namespace

task<std::string> read_file(std::string path) {
  auto job = [path] {
    int fd = open_or_throw(path, O_RDONLY);
    fd_closer closer{fd};
    return read_fully(fd, path);
  };
  co_return co_await to_thread(std::move(job));
}

task<void> write_file(std::string path, std::string data) {
  auto job = [path, data = std::move(data)] {
    int fd = open_or_throw(path, O_WRONLY | O_CREAT | O_TRUNC);
    fd_closer closer{fd};
    write_fully(fd, data, path);
  };
  co_await to_thread(std::move(job));
}

task<void> append_file(std::string path, std::string data) {
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
  auto job = [path, flags] { return open_or_throw(path, flags); };
  int fd = co_await to_thread(std::move(job));
  co_return async_file(fd, std::move(path));
}

task<std::string> async_file::read_some(std::size_t max_bytes) {
  if (fd_ < 0)
    throw std::logic_error("concur::async_file::read_some on a closed file");
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
  auto job = [fd = fd_, data = std::move(data), path = path_] {
    write_fully(fd, data, path);
  };
  co_await to_thread(std::move(job));
}

task<void> async_file::flush() {
  if (fd_ < 0)
    throw std::logic_error("concur::async_file::flush on a closed file");
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
  auto job = [fd, path = path_] {
    if (::close(fd) != 0 && errno != EINTR)
      throw_file_error("close", path);
  };
  co_await to_thread(std::move(job));
}

} // namespace concur
