// concur/subprocess.hpp - child processes on the event loop (asyncio's
// create_subprocess_exec, create_subprocess_shell and
// asyncio.subprocess.Process).
//
//   auto proc = co_await concur::create_subprocess_exec(
//       {"grep", "-c", "error"},
//       {.in = concur::stdio::pipe, .out = concur::stdio::pipe});
//   auto [out, err] = co_await proc.communicate(log_text);
//   int status = proc.returncode().value(); // exit status, or -signal
//
// The child is started with posix_spawn (no fork of a multithreaded
// program); its exit is watched through a pidfd registered with the loop, so
// wait() suspends only the task. Pipes are non-blocking on the parent's
// side; communicate() writes and reads concurrently, so a child that fills
// one pipe while the parent writes another cannot deadlock them. Linux 5.3
// or later (pidfd_open).
#pragma once

#include "concur/event_loop.hpp"
#include "concur/net.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace concur {

/// How one of the child's standard streams is connected.
enum class stdio {
  inherit,   ///< the parent's stream (the default)
  pipe,      ///< a pipe to the parent (asyncio.subprocess.PIPE)
  devnull,   ///< /dev/null (asyncio.subprocess.DEVNULL)
  to_stdout, ///< stderr only: into the child's stdout (asyncio's STDOUT)
};

struct subprocess_options {
  stdio in = stdio::inherit;
  stdio out = stdio::inherit;
  stdio err = stdio::inherit;
  /// The child's working directory; empty: the parent's.
  std::string cwd;
};

/// The child could not be started: the program was not found, is not
/// executable, or the system refused. code() is the errno; what() names the
/// program, e.g. "concur::create_subprocess_exec: cannot run 'nosuchprog':
/// No such file or directory".
class subprocess_error : public std::system_error {
public:
  using std::system_error::system_error;
};

/// The parent's end of a pipe from the child (its stdout or stderr).
class pipe_reader {
public:
  pipe_reader() = default;
  pipe_reader(event_loop &loop, int fd) : fd_(loop, fd) {}

  /// Up to `max_bytes` as soon as some are available; empty at end of
  /// stream.
  [[nodiscard]] task<std::string> read(std::size_t max_bytes = 65536);
  /// Everything until end of stream (asyncio's read() with no size).
  [[nodiscard]] task<std::string> read_all();
  /// The next line with its '\n' (the last line may lack it); empty at end
  /// of stream (asyncio's readline()).
  [[nodiscard]] task<std::string> read_line();
  [[nodiscard]] bool is_open() const noexcept { return fd_.fd() >= 0; }
  void close() noexcept { fd_.close(); }

private:
  struct read_op;
  detail::loop_socket fd_;
  std::string buffered_; // read past a line's end by read_line
};

/// The parent's end of the pipe to the child's stdin.
class pipe_writer {
public:
  pipe_writer() = default;
  pipe_writer(event_loop &loop, int fd) : fd_(loop, fd) {}

  /// Writes all of `data`, waiting while the pipe is full (asyncio's write
  /// plus drain). std::system_error (EPIPE) if the child closed its end;
  /// never SIGPIPE.
  [[nodiscard]] task<void> write(std::string data);
  /// Closes the pipe: the child reads end of file.
  void close() noexcept { fd_.close(); }
  [[nodiscard]] bool is_open() const noexcept { return fd_.fd() >= 0; }

private:
  struct write_op;
  detail::loop_socket fd_;
};

class subprocess;
namespace detail {
subprocess spawn_subprocess(std::vector<std::string> argv,
                            const subprocess_options &options);
} // namespace detail

/// A child process started by create_subprocess_exec. Move-only.
class subprocess {
public:
  subprocess() = default;
  subprocess(subprocess &&other) noexcept;
  subprocess &operator=(subprocess &&other) noexcept;
  /// Closes the pipes. A child that has not been waited for is killed
  /// (SIGKILL) and reaped, so no zombie or stray process is left behind:
  /// co_await wait() first to let it finish.
  ~subprocess();

  [[nodiscard]] int pid() const noexcept { return pid_; }
  /// The exit status once wait() saw the child end; a child killed by a
  /// signal has -signal (as in asyncio). std::nullopt while running.
  [[nodiscard]] std::optional<int> returncode() const noexcept {
    return returncode_;
  }

  /// The pipes (std::logic_error unless that stream is stdio::pipe).
  pipe_writer &stdin_pipe();
  pipe_reader &stdout_pipe();
  pipe_reader &stderr_pipe();

  /// Waits for the child to end; its returncode(). One task at a time.
  [[nodiscard]] task<int> wait();
  /// Writes `input` to stdin (if it is a pipe) and closes it, reads stdout
  /// and stderr (those that are pipes) to their end, all concurrently, then
  /// waits for the child: {stdout, stderr}. A child that exits without
  /// reading its input is not an error.
  [[nodiscard]] task<std::pair<std::string, std::string>>
  communicate(std::string input = {});

  /// Sends `signal` to the child (nothing once it was reaped).
  void send_signal(int signal);
  void terminate() { send_signal(15); } ///< SIGTERM
  void kill() { send_signal(9); }       ///< SIGKILL

private:
  friend subprocess detail::spawn_subprocess(std::vector<std::string>,
                                             const subprocess_options &);
  struct wait_op;
  void release() noexcept;

  int pid_ = -1;
  std::optional<int> returncode_;
  detail::loop_socket pidfd_;
  std::optional<pipe_writer> stdin_;
  std::optional<pipe_reader> stdout_;
  std::optional<pipe_reader> stderr_;
};

/// Starts `argv[0]` (searched in PATH when it has no '/') with `argv` on
/// the running loop (asyncio.create_subprocess_exec); the child starts when
/// this is called, and the task yields it. Throws, from the call,
/// subprocess_error naming the program when it cannot be started, and
/// std::invalid_argument for an empty argv or to_stdout on a stream other
/// than err.
[[nodiscard]] task<subprocess>
create_subprocess_exec(std::vector<std::string> argv,
                       const subprocess_options &options);
/// As above with the default options (every stream inherited).
[[nodiscard]] task<subprocess>
create_subprocess_exec(std::vector<std::string> argv);

/// Runs `command` through the shell, /bin/sh -c command, on the running loop
/// (asyncio.create_subprocess_shell): pipes, redirections and variables are
/// the shell's, so quote untrusted text (or use create_subprocess_exec). The
/// returncode() is the shell's exit status, 127 when the command is not
/// found. Throws as create_subprocess_exec does.
[[nodiscard]] task<subprocess>
create_subprocess_shell(std::string command,
                        const subprocess_options &options = {});

} // namespace concur
