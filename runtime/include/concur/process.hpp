// concur::process: one function in one new child process (Python's
// multiprocessing.Process). The callable and its arguments follow the rules
// of concur::process_pool (see process_pool.hpp and
// docs/runtime-process-pool.md): a function or captureless lambda, serialised
// arguments, and a child forked by the fork server, so start the fork server
// at the top of main(), while the program has one thread.
//
//   void consumer(concur::process_queue<int> queue) {
//     while (std::optional<int> item = queue.get())
//       std::printf("Got: %d\n", *item);
//   }
//
//   int main() {
//     concur::start_fork_server();
//     concur::process_queue<int> queue;
//     concur::process child(consumer, queue);
//     child.start();
//     queue.put(1);
//     queue.close();          // the end-of-queue sentinel
//     child.join();
//     int status = *child.exit_code(); // 0
//   }
//
// Outcome: exit_code() is Python's exitcode: 0 once the function returned,
// 1 if it threw, N if it called exit(N), -S if a signal S ended it. get()
// joins and rethrows a failure as the process pool reports it: an exception
// thrown by the function as concur::remote_error, a crash (signal) or a
// non-zero exit as concur::broken_worker. What the child printed with stdio
// is flushed when the function returns or throws.
#pragma once

#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

#include "concur/process_pool.hpp"
#include "concur/serialize.hpp"

namespace concur {

namespace detail::ipc {
/// The callable and arguments of a process, serialised at construction.
struct process_target {
  task_invoker invoker = nullptr;
  output_archive arguments;
};
class process_core;
} // namespace detail::ipc

class process {
public:
  /// Prepares `target(args...)` to run in a child process; start() starts
  /// it. The arguments are serialised now (a process_queue, shared_dict or
  /// shared_buffer passes as a handle to the same shared memory), so later
  /// changes to the caller's copies are not seen by the child.
  template <class F, class... Args>
  explicit process(F &&target, Args &&...args)
      : process(make_target(std::forward<F>(target),
                            std::forward<Args>(args)...)) {}
  process(process &&) noexcept;
  process &operator=(process &&) noexcept;
  process(const process &) = delete;
  process &operator=(const process &) = delete;
  /// Waits for a started process to end (as std::jthread does; kill() it
  /// first if it may never end).
  ~process();

  /// Forks the child (through the fork server) and sends it the target.
  /// Throws std::logic_error if called twice, fork_server_error if the fork
  /// server cannot start (the program already runs threads), and
  /// broken_executor if the fork server is gone.
  void start();
  /// Waits until the child has ended and been reaped. Does not throw the
  /// child's failure (get() does). std::logic_error if not started.
  void join();
  /// Like join(), giving up after `timeout`: true if the child has ended.
  template <class Rep, class Period>
  bool join_for(const std::chrono::duration<Rep, Period> &timeout) {
    return wait_for(std::chrono::ceil<std::chrono::milliseconds>(timeout));
  }
  /// join(), then rethrows the child's failure: remote_error for an
  /// exception it threw, broken_worker for a signal or a non-zero exit.
  void get();
  /// The child's failure (as get() would throw it) once it has ended, or
  /// null.
  std::exception_ptr exception() const;

  /// True from start() until the child has ended.
  bool is_alive() const;
  /// Python's exitcode: nothing until the child has ended (join() or
  /// is_alive() notices it), then 0 (returned), 1 (threw), N (exit(N)) or
  /// -S (ended by signal S).
  std::optional<int> exit_code() const;
  /// The child's process id, or -1 before start().
  int pid() const noexcept;

  /// Sends SIGTERM to a running child; does nothing once it has ended (its
  /// pid is never signalled after it was reaped).
  void terminate();
  /// Sends SIGKILL, likewise.
  void kill();

private:
  explicit process(detail::ipc::process_target target);
  bool wait_for(std::chrono::milliseconds timeout);

  template <class F, class... Args>
  static detail::ipc::process_target make_target(F &&f, Args &&...args) {
    using callable = std::decay_t<F>;
    static_assert(std::is_invocable_v<callable &, std::decay_t<Args>...>,
                  "concur::process: the target cannot be called with these "
                  "arguments");
    detail::ipc::check_task_types<callable, void, std::decay_t<Args>...>();
    // The result is not sent back (Python's Process has none): the target
    // runs as a worker initializer does, its result ignored.
    detail::ipc::process_target target{
        &detail::ipc::run_initializer<callable, std::decay_t<Args>...>,
        output_archive()};
    detail::ipc::save_callable(target.arguments,
                               static_cast<const callable &>(f));
    target.arguments(static_cast<const std::decay_t<Args> &>(args)...);
    return target;
  }

  std::unique_ptr<detail::ipc::process_core> core_;
};

} // namespace concur
