// concur::thread_pool: a fixed set of worker threads, and the presets
// concur::io_pool() and concur::cpu_pool() that encode the selection table.
//
// Design (see docs/runtime.md): each worker owns a FIFO queue; a thread
// outside the pool spreads its tasks over the workers' queues round-robin, a
// task submitted from inside a worker goes to that worker's queue, and an
// idle worker steals half of another's queue. Workers that run out of work
// spin briefly before they sleep, and a submitter only wakes a sleeper when
// no worker is already searching for work, so a busy pool takes no system
// call per task; a worker that finds work while others sleep wakes one more
// (wake-ups come in a chain, not one per task).
//
// Rows: `threading` (io_pool(), a pool sized for waiting) and `futures`
// (cpu_pool() sized to the cores, under concur::executor).
#pragma once

#include <cstddef>
#include <cstring>
#include <exception>
#include <functional>
#include <memory>
#include <new>
#include <stop_token>
#include <tuple>
#include <type_traits>
#include <utility>

#include "concur/detail/task_memory.hpp"
#include "concur/future.hpp"

namespace concur {

namespace detail {

// A unit of work in a pool's queues. run() executes and frees the task;
// discard() frees it without running (its future becomes cancelled).
class task_node {
public:
  task_node *next = nullptr;
  virtual void run(const std::stop_token &pool_stop) noexcept = 0;
  virtual void discard() noexcept = 0;
  /// Frees the task without running it; its future (if any) fails with
  /// `error` (a broken pool's initializer_error).
  virtual void fail(std::exception_ptr error) noexcept = 0;

protected:
  ~task_node() = default;
};

class pool_core;
/// Removes `node` from the back of queue `slot` of `core` if it is still
/// there (it then no longer counts as the pool's task); false otherwise.
bool take_back(pool_core &core, std::size_t slot, task_node *node) noexcept;
/// True when the calling thread is one of `core`'s workers.
bool is_worker_of(const pool_core *core) noexcept;

// Arguments are stored decayed and handed to the callable as rvalues (as
// std::thread does), since a task runs once.

/// True if F is called with a std::stop_token before its arguments.
template <class F, class... A>
inline constexpr bool takes_stop_token_v =
    std::is_invocable_v<std::decay_t<F> &, std::stop_token, std::decay_t<A>...>;

template <class F, class... A> struct task_result {
  using type = std::invoke_result_t<std::decay_t<F> &, std::decay_t<A>...>;
};
template <class F, class... A>
  requires takes_stop_token_v<F, A...>
struct task_result<F, A...> {
  using type = std::invoke_result_t<std::decay_t<F> &, std::stop_token,
                                    std::decay_t<A>...>;
};
/// What a task returns, whether or not it takes a std::stop_token.
template <class F, class... A>
using task_result_t = typename task_result<F, A...>::type;

// A submitted task and its future's shared state in one allocation.
template <class R, class F, class... A>
class future_task final : public shared_state<R>,
                          public task_node,
                          public recycled_task_memory {
public:
  template <class G, class... B>
  explicit future_task(G &&f, B &&...args)
      : call_(std::in_place, std::forward<G>(f), std::forward<B>(args)...) {
    if constexpr (takes_stop_token_v<F, A...>)
      this->enable_stop();
  }

  void run(const std::stop_token &pool_stop) noexcept override {
    // set_running() fails when the task was cancelled or a waiter runs it
    // inline (run_inline): then its call_ is not ours to touch.
    if (this->set_running()) {
      execute(pool_stop);
      call_.reset(); // drop captures now, not when the last future goes
    } else {
      this->wait_take_back();
    }
    this->release();
  }

  void discard() noexcept override {
    if (!this->cancel())
      this->wait_take_back();
    this->release();
  }

  void fail(std::exception_ptr error) noexcept override {
    if (this->set_running()) {
      call_.reset();
      this->set_exception(std::move(error));
    } else {
      this->wait_take_back();
    }
    this->release();
  }

  /// Where submit() queued the task, for run_inline() to take it back.
  /// `workers_only`: only the pool's own workers may run it (their
  /// initializer prepared them), so other waiters do not run it inline.
  void queued_in(pool_core *core, std::size_t slot,
                 bool workers_only) noexcept {
    home_core_ = core;
    home_slot_ = slot;
    workers_only_ = workers_only;
  }

protected:
  // A waiter runs a task nobody has started, as TBB's task_group::wait
  // does, and takes it back out of its queue when it is still at the back
  // (the usual case right after submit), so no worker touches it at all.
  // While it does, the task stays claimed with flag_taking_back: a worker
  // that pops it meanwhile waits in run() before it lets the pool go on.
  bool run_inline() const noexcept override {
    auto *self =
        const_cast<future_task *>(this); // wait() is const; the task is not
    if (workers_only_ && !is_worker_of(home_core_))
      return false;
    if (!self->claim_to_take_back())
      return false;
    bool taken_back = home_core_ && take_back(*home_core_, home_slot_, self);
    self->end_take_back();
    self->execute(std::stop_token());
    self->call_.reset();
    if (taken_back)
      self->release(); // the queue's reference
    return true;
  }

private:
  void execute(const std::stop_token &pool_stop) noexcept {
    std::exception_ptr error;
    try {
      if constexpr (takes_stop_token_v<F, A...>) {
        // Stopping the pool stops every running task that listens.
        std::stop_callback forward(pool_stop,
                                   [this]() noexcept { this->request_stop(); });
        invoke([this](auto &f, auto &...args) -> R {
          return std::invoke(f, this->stop_token(), std::move(args)...);
        });
      } else {
        invoke([](auto &f, auto &...args) -> R {
          return std::invoke(f, std::move(args)...);
        });
      }
    } catch (...) {
      error = std::current_exception();
    }
    // Handed over once the handler is done with the exception: the waiter
    // then drops the last reference to it, and frees it after it has read
    // it (ThreadSanitizer cannot see libstdc++'s reference counting).
    if (error)
      this->set_exception(std::move(error));
  }

  template <class Invoker> void invoke(Invoker &&invoker) {
    if constexpr (std::is_void_v<R>) {
      std::apply(invoker, *call_);
      this->set_value();
    } else {
      this->set_value(std::apply(invoker, *call_));
    }
  }

  std::optional<std::tuple<F, A...>> call_;
  pool_core *home_core_ = nullptr;
  std::size_t home_slot_ = 0;
  bool workers_only_ = false;
};

// A fire-and-forget task: no future, no shared state.
template <class F, class... A>
class posted_task final : public task_node, public recycled_task_memory {
public:
  template <class G, class... B>
  explicit posted_task(G &&f, B &&...args)
      : call_(std::forward<G>(f), std::forward<B>(args)...) {}

  void run(const std::stop_token &pool_stop) noexcept override {
    // Like std::thread: an exception escaping a posted task terminates.
    if constexpr (takes_stop_token_v<F, A...>)
      std::apply(
          [&](auto &f, auto &...args) {
            std::invoke(f, pool_stop, std::move(args)...);
          },
          call_);
    else
      std::apply(
          [](auto &f, auto &...args) { std::invoke(f, std::move(args)...); },
          call_);
    delete this;
  }
  void discard() noexcept override { delete this; }
  void fail(std::exception_ptr) noexcept override { delete this; }

private:
  ~posted_task() = default;
  std::tuple<F, A...> call_;
};

// One entry of a worker's queue. Small fire-and-forget tasks live in the
// cell itself, so post() allocates nothing; everything else is a pointer
// to a heap task_node. `ops` runs, moves or discards what the cell holds.
struct task_cell {
  enum op : int { run, move, discard };
  using ops_type = void (*)(op, task_cell &self, task_cell *target,
                            const std::stop_token *pool_stop) noexcept;
  ops_type ops = nullptr;
  alignas(16) unsigned char storage[48];

  // Moves what `from` holds into this (empty) cell; `from` becomes empty.
  void take(task_cell &from) noexcept { from.ops(move, from, this, nullptr); }
};

template <class T>
inline constexpr bool fits_in_cell_v =
    sizeof(T) <= sizeof(task_cell::storage) && alignof(T) <= 16 &&
    std::is_nothrow_move_constructible_v<T>;

inline void node_cell_ops(task_cell::op what, task_cell &self,
                          task_cell *target,
                          const std::stop_token *pool_stop) noexcept {
  task_node *node;
  std::memcpy(&node, self.storage, sizeof node);
  switch (what) {
  case task_cell::run:
    node->run(*pool_stop);
    break;
  case task_cell::move:
    std::memcpy(target->storage, &node, sizeof node);
    target->ops = self.ops;
    break;
  case task_cell::discard:
    node->discard();
    break;
  }
  self.ops = nullptr;
}

inline void make_node_cell(task_cell &cell, task_node *node) noexcept {
  std::memcpy(cell.storage, &node, sizeof node);
  cell.ops = &node_cell_ops;
}

// A posted callable with its arguments, stored in the cell itself.
template <class Call>
void inline_cell_ops(task_cell::op what, task_cell &self, task_cell *target,
                     const std::stop_token *pool_stop) noexcept {
  Call *call = std::launder(reinterpret_cast<Call *>(self.storage));
  switch (what) {
  case task_cell::run:
    // Like std::thread: an exception escaping a posted task terminates.
    (*call)(*pool_stop);
    break;
  case task_cell::move:
    ::new (static_cast<void *>(target->storage)) Call(std::move(*call));
    target->ops = self.ops;
    break;
  case task_cell::discard:
    break;
  }
  call->~Call();
  self.ops = nullptr;
}

// f and its arguments, called once with the pool's stop token if f takes one.
template <class F, class... A> struct bound_call {
  F f;
  std::tuple<A...> args;
  void operator()(const std::stop_token &pool_stop) {
    if constexpr (takes_stop_token_v<F, A...>)
      std::apply(
          [&](auto &...a) { std::invoke(f, pool_stop, std::move(a)...); },
          args);
    else
      std::apply([&](auto &...a) { std::invoke(f, std::move(a)...); }, args);
  }
};

} // namespace detail

/// A fixed set of worker threads running submitted tasks.
class thread_pool {
public:
  /// The most workers a pool may have (also the bound of CONCUR_IO_THREADS
  /// and CONCUR_CPU_THREADS).
  static constexpr std::size_t max_threads = 4096;

  /// Starts `threads` workers (0: one per hardware thread). Throws
  /// std::invalid_argument above max_threads (as a negative count converted
  /// to std::size_t is), before allocating anything.
  explicit thread_pool(std::size_t threads = 0);
  /// As above; each worker first calls `initializer()` once, before it runs
  /// any task (Python's ThreadPoolExecutor(initializer=...)). If it throws,
  /// the pool is broken: queued tasks fail and later submits throw
  /// initializer_error. Tasks then run only on the workers (a waiter does
  /// not run them inline). Workers call it concurrently.
  thread_pool(std::size_t threads, std::function<void()> initializer);
  /// Python's initargs: each worker calls `initializer(initargs...)` (the
  /// arguments are stored once and passed as const lvalues).
  template <class F, class A0, class... A>
    requires std::is_invocable_v<const std::decay_t<F> &,
                                 const std::decay_t<A0> &,
                                 const std::decay_t<A> &...>
  thread_pool(std::size_t threads, F &&initializer, A0 &&initarg,
              A &&...initargs)
      : thread_pool(threads,
                    std::function<void()>(
                        [f = std::forward<F>(initializer),
                         args = std::make_tuple(std::forward<A0>(initarg),
                                                std::forward<A>(initargs)...)] {
                          std::apply(f, args);
                        })) {}
  thread_pool(const thread_pool &) = delete;
  thread_pool &operator=(const thread_pool &) = delete;
  /// shutdown(true, false): runs what is queued, then joins every worker.
  ~thread_pool();

  /// Runs `f(args...)` on a worker; the future carries its result or
  /// exception. If `f` takes a std::stop_token first, it gets one that
  /// future::request_stop() and shutdown(..., true) trigger. Throws
  /// broken_executor after shutdown.
  template <class F, class... A>
  [[nodiscard]] future<detail::task_result_t<F, A...>> submit(F &&f,
                                                              A &&...args) {
    using R = detail::task_result_t<F, A...>;
    auto *task =
        new detail::future_task<R, std::decay_t<F>, std::decay_t<A>...>(
            std::forward<F>(f), std::forward<A>(args)...);
    future<R> result = detail::make_future<R>(task);
    detail::task_cell cell;
    detail::make_node_cell(cell, task);
    task->queued_in(core_.get(), enqueue(cell), workers_only_);
    return result;
  }

  /// Runs `f(args...)` on a worker without a future: cheaper when nobody
  /// needs the result. An exception escaping `f` calls std::terminate.
  template <class F, class... A> void post(F &&f, A &&...args) {
    using call = detail::bound_call<std::decay_t<F>, std::decay_t<A>...>;
    detail::task_cell cell;
    if constexpr (detail::fits_in_cell_v<call>) {
      ::new (static_cast<void *>(cell.storage))
          call{std::forward<F>(f), {std::forward<A>(args)...}};
      cell.ops = &detail::inline_cell_ops<call>;
    } else {
      detail::make_node_cell(
          cell, new detail::posted_task<std::decay_t<F>, std::decay_t<A>...>(
                    std::forward<F>(f), std::forward<A>(args)...));
    }
    enqueue(cell);
  }

  /// Blocks until every task submitted so far has finished (a task that a
  /// future's get() took back to run in the waiting thread counts as
  /// finished for the pool once taken). Throws
  /// std::logic_error when called from one of this pool's workers.
  void wait_idle();

  /// Stops accepting tasks. With `cancel_pending`, queued tasks are
  /// dropped (their futures become cancelled) and running tasks that take
  /// a std::stop_token are asked to stop; otherwise queued tasks still run.
  /// With `wait`, returns once every worker has exited. Idempotent.
  void shutdown(bool wait = true, bool cancel_pending = false);

  /// Number of worker threads.
  std::size_t size() const noexcept;
  /// Tasks submitted and not yet finished (approximate while busy, never
  /// below the true count).
  std::size_t pending() const noexcept;
  /// True when called from one of this pool's worker threads.
  bool is_worker() const noexcept;
  /// True after shutdown().
  bool is_shut_down() const noexcept;

private:
  // Takes what `cell` holds (discarding it and throwing broken_executor
  // after shutdown); returns the index of the queue it went to.
  std::size_t enqueue(detail::task_cell &cell);
  std::unique_ptr<detail::pool_core> core_;
  bool workers_only_ = false; // an initializer prepares the workers
};

/// Threads for the `threading` row: more than the cores, because its tasks
/// mostly wait. CONCUR_IO_THREADS overrides; otherwise 4 per core, at least
/// 8 and at most 64.
std::size_t io_pool_default_size() noexcept;
/// Threads for CPU-bound work: one per hardware thread (CONCUR_CPU_THREADS
/// overrides).
std::size_t cpu_pool_default_size() noexcept;

/// The process-wide pool for blocking I/O (row `threading`, and `futures`
/// over I/O work), created on first use with io_pool_default_size() threads.
thread_pool &io_pool();
/// The process-wide pool for CPU-bound work (row `futures` over CPU work,
/// the CPU side of row `mixed`), created on first use.
thread_pool &cpu_pool();

} // namespace concur
