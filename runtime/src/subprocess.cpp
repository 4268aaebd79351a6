// Child processes on the event loop: posix_spawn, non-blocking pipes, and a
// pidfd the loop watches for the child's exit.
#include "concur/subprocess.hpp"

#include "concur/gather.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ; // NOLINT: POSIX declares it nowhere in a header

namespace concur {

namespace {

[[noreturn]] void throw_pipe_error(int error, const char *what) {
  if (error == ECANCELED)
    throw std::system_error(error, std::generic_category(),
                            std::string("concur: ") + what +
                                ": the pipe was closed while waiting");
  throw std::system_error(error, std::generic_category(),
                          std::string("concur: ") + what);
}

// The awaiter shape of pipe operations: try at once, else wait for
// readiness (retried from the loop's poll phase).
template <bool ForWrite> struct pipe_op : detail::io_op {
  event_loop *op_loop = nullptr;
  bool await_ready() { return op_loop->start_io(*this); }
  bool await_suspend(std::coroutine_handle<> coro) {
    return op_loop->suspend_io(*this, ForWrite, coro);
  }
  void throw_if_failed(const char *what) const {
    if (this->cancelled)
      throw cancelled_error();
    if (this->error)
      throw_pipe_error(this->error, what);
  }
};

// write() without SIGPIPE: the signal is blocked in this thread for the
// call, and one it raised is consumed before the mask is restored.
ssize_t write_without_sigpipe(int fd, const void *data, std::size_t size) {
  sigset_t pipe_signal, previous;
  sigemptyset(&pipe_signal);
  sigaddset(&pipe_signal, SIGPIPE);
  sigset_t pending;
  sigemptyset(&pending);
  ::pthread_sigmask(SIG_BLOCK, &pipe_signal, &previous);
  ::sigpending(&pending);
  bool was_pending = sigismember(&pending, SIGPIPE) == 1;
  ssize_t n = ::write(fd, data, size);
  int error = errno;
  if (n < 0 && error == EPIPE && !was_pending) {
    timespec zero{};
    while (::sigtimedwait(&pipe_signal, nullptr, &zero) < 0 && errno == EINTR) {
    }
  }
  ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  errno = error;
  return n;
}

int status_to_returncode(int status) {
  if (WIFSIGNALED(status))
    return -WTERMSIG(status);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Closes the descriptors it holds unless released.
struct fd_guard {
  std::vector<int> fds;
  ~fd_guard() {
    for (int fd : fds)
      if (fd >= 0)
        ::close(fd);
  }
};

} // namespace

// --- pipes

struct pipe_reader::read_op : pipe_op<false> {
  std::string *out = nullptr;
  std::size_t max_bytes = 0;
  std::string await_resume() {
    throw_if_failed("read from the child's pipe");
    return std::move(*out);
  }
};

task<std::string> pipe_reader::read(std::size_t max_bytes) {
  if (fd_.fd() < 0)
    throw std::logic_error("concur::pipe_reader::read on a closed pipe");
  if (!buffered_.empty()) {
    std::string part = buffered_.substr(0, max_bytes);
    buffered_.erase(0, part.size());
    co_return part;
  }
  std::string data;
  read_op op;
  op.op_loop = fd_.loop();
  op.fd = fd_.fd();
  op.out = &data;
  op.max_bytes = max_bytes;
  op.perform = [](detail::io_op *base) {
    auto *me = static_cast<read_op *>(base);
    me->out->resize(me->max_bytes);
    for (;;) {
      ssize_t n = ::read(me->fd, me->out->data(), me->max_bytes);
      if (n >= 0) {
        me->out->resize(std::size_t(n));
        return true;
      }
      if (errno == EINTR)
        continue;
      me->out->clear();
      if (errno == EAGAIN || errno == EWOULDBLOCK)
        return false;
      me->error = errno;
      return true;
    }
  };
  co_return co_await op;
}

task<std::string> pipe_reader::read_all() {
  std::string all = std::move(buffered_);
  buffered_.clear();
  for (;;) {
    std::string part = co_await read();
    if (part.empty())
      co_return all;
    all += part;
  }
}

task<std::string> pipe_reader::read_line() {
  for (;;) {
    auto end = buffered_.find('\n');
    if (end != std::string::npos) {
      std::string line = buffered_.substr(0, end + 1);
      buffered_.erase(0, end + 1);
      co_return line;
    }
    std::string part;
    {
      std::string held = std::move(buffered_);
      buffered_.clear();
      part = co_await read();
      buffered_ = std::move(held);
    }
    if (part.empty()) { // end of stream: the rest, perhaps without '\n'
      std::string rest = std::move(buffered_);
      buffered_.clear();
      co_return rest;
    }
    buffered_ += part;
  }
}

struct pipe_writer::write_op : pipe_op<true> {
  const std::string *data = nullptr;
  std::size_t sent = 0;
  void await_resume() const { throw_if_failed("write to the child's stdin"); }
};

task<void> pipe_writer::write(std::string data) {
  if (fd_.fd() < 0)
    throw std::logic_error("concur::pipe_writer::write on a closed pipe");
  write_op op;
  op.op_loop = fd_.loop();
  op.fd = fd_.fd();
  op.data = &data;
  op.perform = [](detail::io_op *base) {
    auto *me = static_cast<write_op *>(base);
    while (me->sent < me->data->size()) {
      ssize_t n = write_without_sigpipe(me->fd, me->data->data() + me->sent,
                                        me->data->size() - me->sent);
      if (n >= 0) {
        me->sent += std::size_t(n);
        continue;
      }
      if (errno == EINTR)
        continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK)
        return false;
      me->error = errno;
      return true;
    }
    return true;
  };
  co_await op;
}

// --- the process

struct subprocess::wait_op : pipe_op<false> {
  int pid = -1;
  int status = 0;
  void await_resume() const { throw_if_failed("waitpid"); }
};

subprocess::subprocess(subprocess &&other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      returncode_(std::exchange(other.returncode_, std::nullopt)),
      pidfd_(std::move(other.pidfd_)), stdin_(std::move(other.stdin_)),
      stdout_(std::move(other.stdout_)), stderr_(std::move(other.stderr_)) {
  other.stdin_.reset();
  other.stdout_.reset();
  other.stderr_.reset();
}

subprocess &subprocess::operator=(subprocess &&other) noexcept {
  if (this != &other) {
    release();
    pid_ = std::exchange(other.pid_, -1);
    returncode_ = std::exchange(other.returncode_, std::nullopt);
    pidfd_ = std::move(other.pidfd_);
    stdin_ = std::move(other.stdin_);
    stdout_ = std::move(other.stdout_);
    stderr_ = std::move(other.stderr_);
    other.stdin_.reset();
    other.stdout_.reset();
    other.stderr_.reset();
  }
  return *this;
}

subprocess::~subprocess() { release(); }

void subprocess::release() noexcept {
  stdin_.reset();
  stdout_.reset();
  stderr_.reset();
  if (pid_ > 0 && !returncode_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  pidfd_.close();
  pid_ = -1;
}

pipe_writer &subprocess::stdin_pipe() {
  if (!stdin_)
    throw std::logic_error("concur::subprocess: stdin is not a pipe (use "
                           "stdio::pipe in the options)");
  return *stdin_;
}
pipe_reader &subprocess::stdout_pipe() {
  if (!stdout_)
    throw std::logic_error("concur::subprocess: stdout is not a pipe (use "
                           "stdio::pipe in the options)");
  return *stdout_;
}
pipe_reader &subprocess::stderr_pipe() {
  if (!stderr_)
    throw std::logic_error("concur::subprocess: stderr is not a pipe (use "
                           "stdio::pipe in the options)");
  return *stderr_;
}

task<int> subprocess::wait() {
  if (returncode_)
    co_return *returncode_;
  if (pid_ <= 0)
    throw std::logic_error("concur::subprocess::wait: no process");
  wait_op op;
  op.op_loop = pidfd_.loop();
  op.fd = pidfd_.fd();
  op.pid = pid_;
  op.perform = [](detail::io_op *base) {
    auto *me = static_cast<wait_op *>(base);
    for (;;) {
      pid_t reaped = ::waitpid(me->pid, &me->status, WNOHANG);
      if (reaped == me->pid)
        return true;
      if (reaped == 0)
        return false; // still running: wait for the pidfd
      if (errno == EINTR)
        continue;
      me->error = errno;
      return true;
    }
  };
  co_await op;
  returncode_ = status_to_returncode(op.status);
  co_return *returncode_;
}

namespace {
task<void> feed(pipe_writer &in, std::string input) {
  try {
    if (!input.empty())
      co_await in.write(std::move(input));
  } catch (const std::system_error &e) {
    if (e.code().value() != EPIPE) // the child did not read it all: fine
      throw;
  }
  in.close();
}
task<void> drain(pipe_reader &from, std::string &into) {
  into = co_await from.read_all();
}
} // namespace

task<std::pair<std::string, std::string>>
subprocess::communicate(std::string input) {
  std::string out, err;
  std::vector<task<void>> parts;
  if (stdin_)
    parts.push_back(feed(*stdin_, std::move(input)));
  if (stdout_)
    parts.push_back(drain(*stdout_, out));
  if (stderr_)
    parts.push_back(drain(*stderr_, err));
  if (!parts.empty())
    co_await gather(std::move(parts));
  co_await wait();
  co_return std::pair<std::string, std::string>(std::move(out), std::move(err));
}

void subprocess::send_signal(int signal) {
  if (pid_ <= 0 || returncode_)
    return;
  if (::kill(pid_, signal) != 0 && errno != ESRCH)
    throw std::system_error(errno, std::generic_category(),
                            "concur::subprocess::send_signal");
}

namespace {
task<subprocess> started(subprocess process) { co_return std::move(process); }
} // namespace

// The child starts here, when create_subprocess_exec is called, and errors
// are thrown from the call: a plain function, not a coroutine (GCC 12
// mis-destroys the parameters of a coroutine that throws before it
// suspends).
task<subprocess> create_subprocess_exec(std::vector<std::string> argv,
                                        const subprocess_options &options) {
  return started(detail::spawn_subprocess(std::move(argv), options));
}

task<subprocess> create_subprocess_exec(std::vector<std::string> argv) {
  return started(
      detail::spawn_subprocess(std::move(argv), subprocess_options()));
}

task<subprocess> create_subprocess_shell(std::string command,
                                         const subprocess_options &options) {
  return started(
      detail::spawn_subprocess({"/bin/sh", "-c", std::move(command)}, options));
}

subprocess detail::spawn_subprocess(std::vector<std::string> argv,
                                    const subprocess_options &options) {
  event_loop &loop = event_loop::require_current(
      "concur::create_subprocess_exec outside an event loop");
  if (argv.empty())
    throw std::invalid_argument(
        "concur::create_subprocess_exec: argv is empty (argv[0] is the "
        "program)");
  if (options.in == stdio::to_stdout || options.out == stdio::to_stdout)
    throw std::invalid_argument("concur::create_subprocess_exec: "
                                "stdio::to_stdout is for stderr only");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  struct spawn_cleanup {
    posix_spawn_file_actions_t *actions;
    posix_spawnattr_t *attributes;
    ~spawn_cleanup() {
      posix_spawn_file_actions_destroy(actions);
      posix_spawnattr_destroy(attributes);
    }
  } cleanup{&actions, &attributes};
  fd_guard child_ends;  // closed in the parent once the child has them
  fd_guard parent_ends; // handed to the subprocess on success
  int parent_fd[3] = {-1, -1, -1};
  stdio modes[3] = {options.in, options.out, options.err};
  for (int target = 0; target < 3; ++target) {
    switch (modes[target]) {
    case stdio::inherit:
      break;
    case stdio::pipe: {
      int fds[2];
      if (::pipe2(fds, O_CLOEXEC) != 0)
        throw std::system_error(errno, std::generic_category(),
                                "concur::create_subprocess_exec: pipe2");
      int child = target == 0 ? fds[0] : fds[1];
      int parent = target == 0 ? fds[1] : fds[0];
      child_ends.fds.push_back(child);
      parent_ends.fds.push_back(parent);
      parent_fd[target] = parent;
      posix_spawn_file_actions_adddup2(&actions, child, target);
      break;
    }
    case stdio::devnull:
      posix_spawn_file_actions_addopen(&actions, target, "/dev/null",
                                       target == 0 ? O_RDONLY : O_WRONLY, 0);
      break;
    case stdio::to_stdout:
      posix_spawn_file_actions_adddup2(&actions, 1, 2);
      break;
    }
  }
  if (!options.cwd.empty())
    posix_spawn_file_actions_addchdir_np(&actions, options.cwd.c_str());
  // The child starts with no signal blocked and SIGPIPE at its default, as
  // Python's subprocess does, whatever this thread's mask and disposition.
  sigset_t empty, defaults;
  sigemptyset(&empty);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGXFSZ);
  posix_spawnattr_setsigmask(&attributes, &empty);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes,
                           POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<char *> args;
  for (std::string &arg : argv)
    args.push_back(arg.data());
  args.push_back(nullptr);
  pid_t pid = -1;
  int result = ::posix_spawnp(&pid, args[0], &actions, &attributes, args.data(),
                              environ);
  if (result != 0)
    throw subprocess_error(
        result, std::generic_category(),
        "concur::create_subprocess_exec: cannot run '" + argv[0] + "'" +
            (options.cwd.empty() ? std::string()
                                 : " in '" + options.cwd + "'"));
  subprocess process;
  process.pid_ = pid;
  int pidfd = int(::syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) {
    int error = errno;
    ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    process.pid_ = -1;
    throw std::system_error(error, std::generic_category(),
                            "concur::create_subprocess_exec: pidfd_open "
                            "(Linux 5.3 or later is needed)");
  }
  process.pidfd_ = detail::loop_socket(loop, pidfd);
  // Each end is owned by its wrapper from the moment it is handed over
  // (the wrapper closes it if registering fails).
  auto adopt = [&](int fd, auto &slot) {
    if (fd < 0)
      return;
    std::erase(parent_ends.fds, fd);
    slot.emplace(loop, fd);
  };
  adopt(parent_fd[0], process.stdin_);
  adopt(parent_fd[1], process.stdout_);
  adopt(parent_fd[2], process.stderr_);
  return process;
}

} // namespace concur
