// concur::process_pool: CPU-bound work that is not thread-safe, or that must
// be isolated from crashes, runs in worker processes, one per core, each
// with its own memory (the `multiprocessing` row of the selection table).
//
//   int main() {
//     concur::start_fork_server();          // first thing, while
//     single-threaded concur::process_pool pool;            // one worker per
//     core concur::future<int> f = pool.submit(legacy_parse,
//     std::string("a,b,c")); std::vector<long> sums = pool.map(checksum,
//     records);
//   }
//
// How workers start: a fork server (see docs/runtime-process-pool.md) is
// forked from the program while it is single-threaded, and forks every
// worker. Consequences you must know:
//   * start it (concur::start_fork_server() or the first process_pool)
//     before the program starts any thread; otherwise the constructor throws
//     concur::fork_server_error.
//   * workers are copies of the program as it was when the server started:
//     globals changed later are not seen; pass what a task needs as arguments.
//   * the callable must exist in that image: a function (pointer), a
//     captureless lambda, or a function object with a serialize() member.
//     Lambdas with captures are refused at compile time. Code loaded with
//     dlopen() after the server started cannot run in a worker.
//   * arguments and results are copied (see serialize.hpp);
//   concur::shared_buffer
//     shares memory instead.
//
// Failure model: a worker that dies while running a task (signal, exit(),
// OOM kill, or killed after the task's timeout) fails that task's future with
// concur::broken_worker and is replaced; other tasks are unaffected. An
// exception thrown by the task comes back as concur::remote_error carrying
// the exception's type name and message.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <iterator>
#include <memory>
#include <ranges>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "concur/future.hpp"
#include "concur/serialize.hpp"
#include "concur/shared_buffer.hpp"

namespace concur {

/// The fork server cannot be started: the program already runs threads.
class fork_server_error : public std::logic_error {
public:
  explicit fork_server_error(const std::string &what);
};

/// The worker process running a task died before returning a result. Like
/// Python's BrokenProcessPool it is a broken_executor, but only the futures
/// of the tasks that worker was running receive it: the pool replaces the
/// worker and keeps serving.
class broken_worker : public broken_executor {
public:
  enum class cause {
    signal,  ///< killed by a signal (crash, abort, OOM killer, kill -9 ...)
    exit,    ///< the process exited (exit(), _exit(), quick_exit()) during the
             ///< task
    timeout, ///< the task ran past its timeout and the pool killed the worker
  };
  broken_worker(cause why, int pid, int code, const std::string &what)
      : broken_executor(what), cause_(why), pid_(pid), code_(code) {}

  cause reason() const noexcept { return cause_; }
  /// The signal that ended the worker (SIGKILL after a timeout), or 0.
  int signal() const noexcept { return cause_ == cause::exit ? 0 : code_; }
  /// The worker's exit status if it exited, or -1.
  int exit_code() const noexcept { return cause_ == cause::exit ? code_ : -1; }
  int pid() const noexcept { return pid_; }

private:
  cause cause_;
  int pid_;
  int code_;
};

/// An exception thrown by a task in a worker, as seen by the caller.
class remote_error : public std::runtime_error {
public:
  remote_error(std::string type_name, std::string message)
      : std::runtime_error(type_name + (message.empty() ? "" : ": " + message)),
        type_name_(std::move(type_name)), message_(std::move(message)) {}
  /// The dynamic type of the exception, demangled (e.g.
  /// "std::invalid_argument").
  const std::string &type_name() const noexcept { return type_name_; }
  /// Its what(), or empty if it was not a std::exception.
  const std::string &message() const noexcept { return message_; }

private:
  std::string type_name_;
  std::string message_;
};

/// Starts the process-wide fork server now. Call it at the top of main(),
/// before any thread starts; later calls do nothing. Throws
/// fork_server_error if the process already runs more than one thread.
void start_fork_server();

struct process_pool_options {
  /// Worker processes; 0 means one per core.
  std::size_t workers = 0;
  /// Replace a worker after it ran this many tasks (0: never), to bound the
  /// effect of leaks in the task code.
  std::size_t max_tasks_per_worker = 0;
  /// Kill a worker whose task runs longer than this (0: no limit). Its future
  /// fails with broken_worker (cause::timeout) and the worker is replaced.
  std::chrono::milliseconds task_timeout{0};
  /// Contiguous blocks of at least this many bytes travel through shared
  /// memory instead of the socket.
  std::size_t shared_memory_threshold = default_shared_memory_threshold;
};

namespace detail::ipc {

/// Runs a task inside a worker: reads the callable and arguments, writes the
/// result. An instantiation of run_task below; the worker calls it by
/// address, valid because the worker is a copy of this program's image.
using task_invoker = void (*)(input_archive &, output_archive &);

/// The caller's end of a task: completes its future.
class task_sink {
public:
  virtual ~task_sink() = default;
  /// False if the future was cancelled while pending: do not run the task.
  virtual bool start() = 0;
  /// Reads the result from a worker's reply (may throw serialization_error).
  virtual void complete(input_archive &result) = 0;
  virtual void fail(std::exception_ptr error) noexcept = 0;
};

struct task_message {
  task_invoker invoker = nullptr;
  output_archive arguments;
  std::unique_ptr<task_sink> sink;
  std::chrono::milliseconds timeout{0};
};

template <class R> class promise_sink final : public task_sink {
public:
  future<R> get_future() {
    future<R> result = promise_.get_future();
    // A worker answers a short task in tens of microseconds, through two
    // wake-ups: a waiter that spins that long is woken by nobody.
    detail::future_access::base(result)->set_wait_spin(
        std::chrono::microseconds(40));
    return result;
  }
  bool start() override { return promise_.set_running(); }
  void complete(input_archive &result) override {
    if constexpr (std::is_void_v<R>) {
      result.finish();
      promise_.set_value();
    } else {
      R value{};
      result(value);
      result.finish();
      promise_.set_value(std::move(value));
    }
  }
  void fail(std::exception_ptr error) noexcept override {
    try {
      promise_.set_exception(std::move(error));
    } catch (...) { // already satisfied: nothing to report to
    }
  }

private:
  promise<R> promise_;
};

// How the callable itself travels: a function pointer as its address, a
// stateless function object as nothing, a serialisable one by its fields.
template <class F>
inline constexpr bool is_function_pointer =
    std::is_pointer_v<F> && std::is_function_v<std::remove_pointer_t<F>>;
template <class F>
inline constexpr bool sendable_callable =
    is_function_pointer<F> ||
    (std::is_empty_v<F> && std::is_default_constructible_v<F>) ||
    codec<F>::custom;

template <class F> void save_callable(output_archive &out, const F &f) {
  if constexpr (is_function_pointer<F>)
    out.write_value(reinterpret_cast<std::uintptr_t>(f));
  else if constexpr (!std::is_empty_v<F>)
    out(f);
}
template <class F> F load_callable(input_archive &in) {
  if constexpr (is_function_pointer<F>) {
    return reinterpret_cast<F>(in.read_value<std::uintptr_t>());
  } else {
    F f{};
    if constexpr (!std::is_empty_v<F>)
      in(f);
    return f;
  }
}

template <class F, class... Args>
void run_task(input_archive &in, output_archive &out) {
  F f = load_callable<F>(in);
  std::tuple<Args...> args;
  std::apply([&](Args &...values) { in(values...); }, args);
  in.finish();
  using R = std::invoke_result_t<F &, Args...>;
  if constexpr (std::is_void_v<R>) {
    std::apply(f, std::move(args));
  } else {
    std::decay_t<R> result = std::apply(f, std::move(args));
    out(result);
  }
}

// A worker initializer: called for its effect, its result is ignored.
template <class F, class... Args>
void run_initializer(input_archive &in, output_archive &) {
  F f = load_callable<F>(in);
  std::tuple<Args...> args;
  std::apply([&](Args &...values) { in(values...); }, args);
  in.finish();
  std::apply(f, std::move(args));
}

/// What each new worker runs before its first task: the invoker with the
/// serialised callable and arguments (sent again to every replacement).
struct worker_initializer {
  task_invoker invoker = nullptr;
  output_archive arguments;
};

template <class F, class Item>
void run_chunk(input_archive &in, output_archive &out) {
  F f = load_callable<F>(in);
  std::vector<Item> items;
  in(items);
  in.finish();
  using R = std::invoke_result_t<F &, Item &>;
  if constexpr (std::is_void_v<R>) {
    for (Item &item : items)
      std::invoke(f, item);
  } else {
    std::vector<std::decay_t<R>> results;
    results.reserve(items.size());
    for (Item &item : items)
      results.push_back(std::invoke(f, item));
    out(results);
  }
}

template <class F, class R, class... Args> void check_task_types() {
  static_assert(sendable_callable<F>,
                "concur::process_pool: the callable must be a function, a "
                "function pointer, a "
                "captureless lambda or a function object with a serialize() "
                "member; a lambda's "
                "captures cannot be sent to another process, pass them as "
                "arguments instead");
  static_assert((serializable<Args> && ...),
                "concur::process_pool: every argument must be serialisable "
                "(see concur/serialize.hpp)");
  static_assert((std::is_default_constructible_v<Args> && ...),
                "concur::process_pool: arguments are rebuilt in the worker and "
                "must be default-constructible");
  static_assert(
      std::is_void_v<R> || (serializable<std::decay_t<R>> &&
                            std::is_default_constructible_v<std::decay_t<R>>),
      "concur::process_pool: the result must be void or a serialisable, "
      "default-constructible type");
}

class pool_core;

} // namespace detail::ipc

class process_pool {
public:
  /// The most worker processes a pool may have (each holds two of the
  /// program's descriptors and a thread).
  static constexpr std::size_t max_workers = 1024;

  /// `workers` processes (0: one per core, at most max_workers). Throws
  /// std::invalid_argument above max_workers (as a negative count converted
  /// to std::size_t is) or for a negative task_timeout, before starting
  /// anything.
  explicit process_pool(std::size_t workers = 0);
  explicit process_pool(const process_pool_options &options);
  /// As above; each worker process calls `initializer(initargs...)` once
  /// when it starts, before its first task, and so does every worker that
  /// replaces a lost or recycled one (Python's
  /// ProcessPoolExecutor(initializer=, initargs=)). The callable and the
  /// arguments follow the rules of submit(); the result is ignored. If the
  /// initializer throws, or its worker dies or exceeds task_timeout while
  /// in it, the pool is broken: queued tasks fail and later submits throw
  /// initializer_error.
  template <class F, class... Args>
  process_pool(const process_pool_options &options, F &&initializer,
               Args &&...initargs)
      : process_pool(options,
                     make_initializer(std::forward<F>(initializer),
                                      std::forward<Args>(initargs)...)) {}
  template <class F, class... Args>
  process_pool(std::size_t workers, F &&initializer, Args &&...initargs)
      : process_pool(process_pool_options{workers, 0,
                                          std::chrono::milliseconds(0),
                                          default_shared_memory_threshold},
                     make_initializer(std::forward<F>(initializer),
                                      std::forward<Args>(initargs)...)) {}
  /// Runs every task already submitted, then stops the workers and waits for
  /// them to exit (shutdown()).
  ~process_pool();
  process_pool(const process_pool &) = delete;
  process_pool &operator=(const process_pool &) = delete;

  /// Runs f(args...) in a worker.
  template <class F, class... Args>
  [[nodiscard]] auto submit(F &&f, Args &&...args) -> future<
      std::invoke_result_t<std::decay_t<F> &, std::decay_t<Args>...>> {
    return submit_with_timeout(std::chrono::milliseconds(0), std::forward<F>(f),
                               std::forward<Args>(args)...);
  }

  /// Like submit, with a timeout for this task (0: the pool's task_timeout).
  template <class F, class... Args>
  [[nodiscard]] auto submit_with_timeout(std::chrono::milliseconds timeout,
                                         F &&f, Args &&...args)
      -> future<
          std::invoke_result_t<std::decay_t<F> &, std::decay_t<Args>...>> {
    using callable = std::decay_t<F>;
    using R = std::invoke_result_t<callable &, std::decay_t<Args>...>;
    detail::ipc::check_task_types<callable, R, std::decay_t<Args>...>();
    detail::ipc::task_message task{
        &detail::ipc::run_task<callable, std::decay_t<Args>...>,
        output_archive(shared_memory_threshold(), blocks()), nullptr, timeout};
    detail::ipc::save_callable(task.arguments,
                               static_cast<const callable &>(f));
    task.arguments(static_cast<const std::decay_t<Args> &>(args)...);
    auto sink = std::make_unique<detail::ipc::promise_sink<R>>();
    auto result = sink->get_future();
    task.sink = std::move(sink);
    enqueue(std::move(task));
    return result;
  }

  /// Runs f on each of `items` in one task, in order: the future holds the
  /// results (or is void when f returns void). The batch travels as one
  /// message, which is how map() and concur::executor<process_pool>::map
  /// amortise the per-task cost.
  template <class F, class Item>
  [[nodiscard]] auto submit_batch(F &&f, std::vector<Item> items) {
    using callable = std::decay_t<F>;
    using R = std::invoke_result_t<callable &, Item &>;
    using batch_result = std::conditional_t<std::is_void_v<R>, void,
                                            std::vector<std::decay_t<R>>>;
    detail::ipc::check_task_types<callable, R, Item>();
    detail::ipc::task_message task{
        &detail::ipc::run_chunk<callable, Item>,
        output_archive(shared_memory_threshold(), blocks()), nullptr,
        std::chrono::milliseconds(0)};
    detail::ipc::save_callable(task.arguments,
                               static_cast<const callable &>(f));
    task.arguments(items);
    auto sink = std::make_unique<detail::ipc::promise_sink<batch_result>>();
    future<batch_result> result = sink->get_future();
    task.sink = std::move(sink);
    enqueue(std::move(task));
    return result;
  }

  /// f applied to every item, results in item order; items are sent in
  /// chunks of `chunk_size` (0: about four chunks per worker). The first
  /// failure in item order (remote_error, broken_worker ...) is rethrown
  /// after every chunk has finished.
  template <class F, std::ranges::input_range Range>
  auto map(F &&f, const Range &items, std::size_t chunk_size = 0) {
    using item = std::ranges::range_value_t<Range>;
    using R = std::invoke_result_t<std::decay_t<F> &, item &>;
    std::vector<item> all(std::ranges::begin(items), std::ranges::end(items));
    if (chunk_size == 0)
      chunk_size = std::max<std::size_t>(1, (all.size() + 4 * size() - 1) /
                                                (4 * size()));
    std::vector<decltype(submit_batch(f, std::vector<item>()))> chunks;
    for (std::size_t first = 0; first < all.size(); first += chunk_size) {
      auto last = all.begin() +
                  std::ptrdiff_t(std::min(all.size(), first + chunk_size));
      chunks.push_back(submit_batch(
          f, std::vector<item>(all.begin() + std::ptrdiff_t(first), last)));
    }
    std::exception_ptr first_error;
    for (auto &chunk : chunks)
      if (auto error = chunk.exception(); error && !first_error)
        first_error = error;
    if (first_error)
      std::rethrow_exception(first_error);
    if constexpr (!std::is_void_v<R>) {
      std::vector<std::decay_t<R>> results;
      results.reserve(all.size());
      for (auto &chunk : chunks) {
        auto values = std::move(chunk).get();
        results.insert(results.end(), std::make_move_iterator(values.begin()),
                       std::make_move_iterator(values.end()));
      }
      return results;
    }
  }

  /// Blocks until every task submitted so far is done.
  void wait();
  /// Stops accepting tasks (submit then throws broken_executor). With
  /// `cancel_pending`, tasks not yet started are cancelled (their futures
  /// throw cancelled_error); otherwise they still run. With `wait`, returns
  /// once every task is done and every worker has exited and been reaped;
  /// without, the destructor does that. Idempotent.
  void shutdown(bool wait = true, bool cancel_pending = false);

  /// The number of worker processes.
  std::size_t size() const noexcept;
  std::size_t shared_memory_threshold() const noexcept;
  /// The process ids of the current workers (for diagnostics and tests).
  std::vector<int> worker_pids() const;

  struct statistics {
    std::size_t tasks_completed = 0;  ///< finished with a value or an exception
    std::size_t workers_started = 0;  ///< including the initial ones
    std::size_t workers_lost = 0;     ///< died or killed during a task
    std::size_t workers_recycled = 0; ///< retired after max_tasks_per_worker
  };
  statistics stats() const;

private:
  process_pool(const process_pool_options &options,
               detail::ipc::worker_initializer initializer);

  template <class F, class... Args>
  static detail::ipc::worker_initializer make_initializer(F &&f,
                                                          Args &&...args) {
    using callable = std::decay_t<F>;
    static_assert(std::is_invocable_v<callable &, std::decay_t<Args>...>,
                  "concur::process_pool: the initializer cannot be called "
                  "with these initargs");
    detail::ipc::check_task_types<callable, void, std::decay_t<Args>...>();
    // Kept for every worker the pool starts: inline bytes only, no
    // shared-memory block that a worker could consume.
    detail::ipc::worker_initializer init{
        &detail::ipc::run_initializer<callable, std::decay_t<Args>...>,
        output_archive(static_cast<std::size_t>(-1))};
    detail::ipc::save_callable(init.arguments,
                               static_cast<const callable &>(f));
    init.arguments(static_cast<const std::decay_t<Args> &>(args)...);
    return init;
  }

  void enqueue(detail::ipc::task_message task);
  block_allocator *blocks() const noexcept;

  std::unique_ptr<detail::ipc::pool_core> core_;
};

} // namespace concur
