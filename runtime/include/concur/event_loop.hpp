// concur/event_loop.hpp - the coroutine event loop (row: asyncio).
//
// One thread runs an event_loop; many concur::task coroutines run on it, each
// until its next co_await, with no thread switches. The loop waits for I/O
// readiness, timers and cross-thread posts through its backend, chosen when
// the loop is made: io_uring where the kernel allows it, else epoll (see
// event_loop_options::backend and runtime/src/loop_backend.hpp).
//
// One iteration of the loop, in this order (event_loop::run_once, and
// docs/runtime-asyncio.md "Phase order"):
//   1. poll    wait for I/O readiness, a post from another thread, or the
//              earliest timer; do not wait at all if callbacks are ready.
//              Ready I/O completes its pending operation and queues the task;
//              a signal that arrived queues its add_signal_handler callback.
//   2. posts   move callbacks posted from other threads to the ready queue.
//   3. timers  queue every timer whose deadline has passed, earliest first.
//   4. ready   run exactly the callbacks/task steps queued before this phase
//              began, in FIFO order; what they queue runs next iteration, so
//              no task can starve I/O or the others.
//
// Cancellation: task_handle::cancel() (or a stop request on a token given to
// spawn) resumes the task at the await where it is suspended, and that
// co_await throws concur::cancelled_error. A task that is running, or not
// yet started, gets the exception at its next await (or before it starts).
#pragma once

#include "concur/task.hpp"

#include <atomic>
#include <chrono>
#include <concepts>
#include <coroutine>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace concur {

class event_loop;
template <class T> class task_handle;

namespace detail {

class loop_backend;  // runtime/src/loop_backend.hpp: the backend contract
struct loop_signals; // runtime/src/loop_signals.cpp: add_signal_handler

/// Intrusive doubly-linked list hook; unlinks itself on destruction.
struct list_node {
  list_node *prev = nullptr;
  list_node *next = nullptr;
  list_node() = default;
  list_node(const list_node &) = delete;
  list_node &operator=(const list_node &) = delete;
  ~list_node() { unlink(); }
  [[nodiscard]] bool linked() const noexcept { return prev != nullptr; }
  void unlink() noexcept {
    if (!prev)
      return;
    prev->next = next;
    next->prev = prev;
    prev = next = nullptr;
  }
};

/// FIFO of T (derived from list_node); nodes are owned elsewhere.
template <class T> class intrusive_list {
public:
  intrusive_list() noexcept { head_.prev = head_.next = &head_; }
  intrusive_list(const intrusive_list &) = delete;
  intrusive_list &operator=(const intrusive_list &) = delete;
  ~intrusive_list() {
    while (!empty())
      head_.next->unlink();
    head_.prev = head_.next = nullptr;
  }
  [[nodiscard]] bool empty() const noexcept { return head_.next == &head_; }
  void push_back(T &node) noexcept {
    list_node &n = node;
    n.prev = head_.prev;
    n.next = &head_;
    head_.prev->next = &n;
    head_.prev = &n;
  }
  T &front() noexcept { return static_cast<T &>(*head_.next); }
  T &pop_front() noexcept {
    T &node = front();
    static_cast<list_node &>(node).unlink();
    return node;
  }

private:
  list_node head_;
};

struct task_state_base;

/// An awaiter parked while its task is suspended. The loop cancels it through
/// cancel_fn, which must detach it from whatever would complete it, set
/// `cancelled` and eventually queue `coro` (usually at once).
struct suspension {
  std::coroutine_handle<> coro;
  event_loop *loop = nullptr;
  task_state_base *owner = nullptr;
  void (*cancel_fn)(suspension *) = nullptr;
  bool cancelled = false;
};

/// Notified when a task finishes (awaiting a handle, gather, wait).
struct completion_waiter : list_node {
  void (*on_done)(completion_waiter *, task_state_base &) = nullptr;
};

/// Everything about a spawned task that does not depend on its value type.
struct task_state_base {
  event_loop *loop = nullptr;
  std::uint64_t id = 0;
  std::string name;
  std::coroutine_handle<> root; // the loop-owned wrapper frame
  suspension *parked = nullptr; // where it waits, if cancellable
  bool started = false;
  bool done = false;
  bool cancel_pending = false;   // deliver cancelled_error at next await
  bool cancel_requested = false; // cancel() was called at least once
  bool error_retrieved = false;
  bool detached = false; // its handle is gone
  std::exception_ptr error;
  intrusive_list<completion_waiter> waiters;
  std::unique_ptr<std::stop_source> stop; // made on first use
  struct live_hook : list_node {
    task_state_base *self = nullptr;
  } live; // in the loop's list of live tasks
  std::unique_ptr<std::stop_callback<std::function<void()>>> external_stop;

  [[nodiscard]] std::string display_name() const {
    return name.empty() ? "task-" + std::to_string(id) : name;
  }
  [[nodiscard]] bool was_cancelled() const;
};

template <class T> struct task_state : task_state_base {
  std::optional<T> value;
};
template <> struct task_state<void> : task_state_base {};

/// A timer in the loop's heap (sleep, deadlines).
struct timer_node {
  std::chrono::steady_clock::time_point deadline;
  std::uint64_t sequence = 0; // FIFO among equal deadlines
  std::size_t heap_index = SIZE_MAX;
  void (*fire)(timer_node *) = nullptr;
  [[nodiscard]] bool armed() const noexcept { return heap_index != SIZE_MAX; }
};

/// A pending non-blocking socket operation: perform() is tried at once and
/// again on each readiness edge until it returns true.
struct io_op : suspension {
  int fd = -1;
  bool (*perform)(io_op *) = nullptr;
  int error = 0; // errno of a failed operation
};

/// Per-descriptor state, indexed by fd in the loop (as libuv does).
struct io_watch {
  io_op *reader = nullptr;
  io_op *writer = nullptr;
  bool registered = false;
};

struct ready_item {
  std::coroutine_handle<> coro;
  task_state_base *owner = nullptr;
  std::function<void()> callback; // used when coro is null
};

// The loop-owned coroutine that runs a task and records how it ended.
struct root_coroutine {
  struct promise_type {
    root_coroutine get_return_object() noexcept {
      return {std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; } // frees itself
    void return_void() noexcept {}
    void unhandled_exception() noexcept {
      std::terminate();
    } // body catches all
  };
  std::coroutine_handle<promise_type> handle;
};

template <class T>
root_coroutine run_root(std::shared_ptr<task_state<T>> state, task<T> body);

inline thread_local event_loop *running_loop = nullptr;

void post_to_loop(event_loop *loop, std::function<void()> callback);

/// Lets other threads post into a loop that may be gone by then: the loop
/// clears `loop` (under the mutex) when it is destroyed.
struct loop_anchor {
  std::mutex mutex;
  event_loop *loop = nullptr;
  /// False if the loop no longer exists.
  bool post(std::function<void()> callback) {
    std::lock_guard lock(mutex);
    if (!loop)
      return false;
    post_to_loop(loop, std::move(callback));
    return true;
  }
};

/// A callback scheduled with call_at/call_later.
struct scheduled_call : timer_node {
  std::function<void()> callback;
  event_loop *loop = nullptr;
  std::list<std::shared_ptr<scheduled_call>>::iterator position;
  bool cancelled = false;
  bool started = false;
};

} // namespace detail

/// What event_loop::call_later and call_at return (asyncio's TimerHandle):
/// cancel the callback before it runs. Use it on the loop's thread only.
/// Outliving the loop is harmless (cancel() then returns false).
class timer_handle {
public:
  timer_handle() = default;
  /// Stops the callback from running: true if it was still pending (also
  /// when its time has come but the loop has not run it yet).
  bool cancel();
  /// True while the callback is scheduled and has neither run nor been
  /// cancelled.
  [[nodiscard]] bool pending() const noexcept {
    auto call = call_.lock();
    return call && !call->cancelled && !call->started;
  }
  /// When the callback is due.
  [[nodiscard]] std::chrono::steady_clock::time_point when() const noexcept {
    return when_;
  }

private:
  friend class event_loop;
  std::weak_ptr<detail::scheduled_call> call_;
  std::chrono::steady_clock::time_point when_{};
};

/// The kernel interface an event loop waits on.
enum class loop_backend_kind {
  /// The CONCUR_LOOP_BACKEND environment variable (epoll, io_uring or auto)
  /// if set; otherwise io_uring where the kernel allows it, else epoll.
  automatic,
  /// epoll, a timerfd and an eventfd; file I/O on the I/O pool's threads.
  epoll,
  /// io_uring (Linux 5.13 or later, concur built with liburing): readiness
  /// and timers as with epoll, and file reads and writes of async_file,
  /// read_file and write_file submitted to the kernel without a thread.
  io_uring,
};

/// Options of an event loop. `debug` defaults to the CONCUR_ASYNC_DEBUG
/// environment variable being set to a non-empty value other than "0" (like
/// PYTHONASYNCIODEBUG).
struct event_loop_options {
  std::optional<bool> debug;
  /// In debug mode, a task step or callback that holds the loop longer than
  /// this is reported (asyncio's slow_callback_duration).
  std::chrono::nanoseconds slow_callback_duration =
      std::chrono::milliseconds(100);
  /// Which backend the loop runs on. Forcing io_uring where it is not
  /// available makes the constructor throw std::runtime_error saying why; an
  /// unknown CONCUR_LOOP_BACKEND value makes it throw std::invalid_argument.
  loop_backend_kind backend = loop_backend_kind::automatic;
};

/// A single-threaded event loop running concur::task coroutines.
/// Not copyable or movable: tasks and awaiters refer to it.
class event_loop {
public:
  using clock = std::chrono::steady_clock;
  /// Receives (task or callback name, how long it held the loop).
  using slow_callback_handler =
      std::function<void(std::string_view, std::chrono::nanoseconds)>;
  /// Receives (task name, exception) for failures nobody retrieved.
  using exception_handler =
      std::function<void(std::string_view, std::exception_ptr)>;

  event_loop();
  explicit event_loop(event_loop_options options);
  event_loop(const event_loop &) = delete;
  event_loop &operator=(const event_loop &) = delete;
  /// Cancels the tasks still alive, lets them unwind, then destroys what is
  /// left. Must run on the loop's thread, not from inside the loop.
  ~event_loop();

  /// Runs the loop until `main` finishes; returns its value or rethrows its
  /// exception. Other tasks stay alive (see concur::run to also cancel them).
  template <class T> T run(task<T> main);

  /// Starts `body` as a task of this loop. It first runs in a later loop
  /// iteration, never inside spawn. Dropping the handle detaches the task.
  template <class T>
  [[nodiscard]] task_handle<T> spawn(task<T> body, std::string name = {});
  /// As spawn; a stop request on `token` (from any thread) cancels the task.
  template <class T>
  [[nodiscard]] task_handle<T> spawn(task<T> body, std::stop_token token,
                                     std::string name = {});

  /// Queues `callback` to run in the next iteration. Loop thread only.
  void call_soon(std::function<void()> callback) {
    ready_.push_back({{}, nullptr, std::move(callback)});
  }
  /// Queues `callback` from any thread and wakes the loop (asyncio's
  /// call_soon_threadsafe). Safe to call while the loop runs or not at all.
  void call_soon_threadsafe(std::function<void()> callback);
  void post(std::function<void()> callback) {
    call_soon_threadsafe(std::move(callback));
  }

  /// Runs `callback` on the loop once `delay` has passed (asyncio's
  /// call_later): in the timers phase of the first iteration after the
  /// deadline it is queued, and it runs in that iteration's ready phase.
  /// Loop thread only; from another thread, schedule it through
  /// call_soon_threadsafe. The handle cancels it.
  timer_handle call_later(clock::duration delay,
                          std::function<void()> callback) {
    return call_at(now() + delay, std::move(callback));
  }
  /// As call_later, at `deadline` on the loop's clock (asyncio's call_at).
  timer_handle call_at(clock::time_point deadline,
                       std::function<void()> callback);

  /// Runs `callback` on the loop each time signal `signal` arrives
  /// (asyncio's add_signal_handler): the process-wide handler only writes
  /// the signal number to a pipe the loop watches, and the callback runs in
  /// the ready phase, so it may do anything a callback may. Replaces a
  /// handler this loop already had for `signal`. Throws
  /// std::invalid_argument for an invalid signal or SIGKILL/SIGSTOP, and
  /// std::logic_error if another loop handles `signal`. Loop thread only.
  void add_signal_handler(int signal, std::function<void()> callback);
  /// Removes this loop's handler for `signal` and restores the disposition
  /// it replaced; false if there was none. The destructor removes them all.
  bool remove_signal_handler(int signal);

  /// A handle other threads can keep to post into this loop safely even if
  /// it is destroyed meanwhile (posts then fail and return false).
  [[nodiscard]] std::shared_ptr<detail::loop_anchor> anchor() const noexcept {
    return anchor_;
  }

  /// Makes run()/run_until() return after the current iteration.
  void stop() noexcept { stopping_ = true; }
  /// Runs iterations until `done()` is true or stop() is called.
  void run_until(const std::function<bool()> &done);
  /// One iteration of the phases listed at the top of this header.
  /// `may_wait`: whether the poll phase may block.
  void run_once(bool may_wait = true);

  [[nodiscard]] static clock::time_point now() noexcept { return clock::now(); }
  /// The backend this loop runs on: "epoll" or "io_uring".
  [[nodiscard]] std::string_view backend_name() const noexcept;
  [[nodiscard]] bool debug() const noexcept { return debug_; }
  void set_debug(bool on) noexcept { debug_ = on; }
  void set_slow_callback_duration(std::chrono::nanoseconds d) noexcept {
    slow_threshold_ = d;
  }
  void set_slow_callback_handler(slow_callback_handler handler) {
    slow_handler_ = std::move(handler);
  }
  void set_exception_handler(exception_handler handler) {
    exception_handler_ = std::move(handler);
  }
  /// Number of tasks spawned on this loop that have not finished.
  [[nodiscard]] std::size_t live_tasks() const noexcept { return live_count_; }
  /// Cancels every live task except `except` (used at shutdown).
  void cancel_all(const detail::task_state_base *except = nullptr);

  /// The loop running on this thread, or nullptr outside any loop.
  [[nodiscard]] static event_loop *current() noexcept {
    return detail::running_loop;
  }
  /// As current(), but throws std::logic_error with `what` when none runs.
  static event_loop &require_current(const char *what);

  // --- for awaiters (internal but public so that headers can use them) -----
  /// The task whose step is running, or nullptr inside a plain callback.
  [[nodiscard]] detail::task_state_base *current_task() const noexcept {
    return current_;
  }
  void schedule(std::coroutine_handle<> coro, detail::task_state_base *owner) {
    ready_.push_back({coro, owner, {}});
  }
  /// Called from await_suspend. False means: do not suspend, a cancellation
  /// is pending and await_resume must throw (s.cancelled is set).
  bool park(detail::suspension &s, std::coroutine_handle<> coro) noexcept {
    s.coro = coro;
    s.loop = this;
    s.owner = current_;
    if (s.owner) {
      if (s.owner->cancel_pending) {
        s.owner->cancel_pending = false;
        s.cancelled = true;
        return false;
      }
      s.owner->parked = &s;
    }
    return true;
  }
  /// Completes a parked awaiter: it is no longer cancellable and runs next.
  void unpark(detail::suspension &s) {
    if (s.owner && s.owner->parked == &s)
      s.owner->parked = nullptr;
    schedule(s.coro, s.owner);
  }
  /// Requests cancellation of a task (see the header comment).
  void cancel(detail::task_state_base &task);

  void add_timer(detail::timer_node &timer);
  void remove_timer(detail::timer_node &timer) noexcept;

  /// Registers fd (non-blocking) with the backend for its whole life.
  void register_fd(int fd);
  /// Fails the pending operations on fd with ECANCELED and deregisters it;
  /// the caller then closes fd.
  void deregister_fd(int fd) noexcept;
  /// Tries `op` at once; true if it finished (no suspension needed).
  bool start_io(detail::io_op &op) { return op.perform(&op); }
  /// Parks `op` until its fd is readable (or writable) and op.perform succeeds.
  bool suspend_io(detail::io_op &op, bool for_write,
                  std::coroutine_handle<> coro);
  /// Watches op.fd (registered) for good, with no task behind it: from the
  /// poll phase, op.perform runs on each readiness report for reading and
  /// returns false to keep watching (true ends the watch). For components
  /// that drive another library's I/O from the loop (concur::http drives
  /// libcurl's multi handle so). deregister_fd also ends it.
  void watch_readable(detail::io_op &op);

  template <class T> void finish(detail::task_state<T> &state);
  /// The loop's backend (runtime/src/loop_backend.hpp; async_file submits
  /// file I/O to it when it has its own).
  [[nodiscard]] detail::loop_backend &backend() noexcept { return *backend_; }

private:
  template <class T> friend class task_handle;
  friend class timer_handle;
  void finish_base(detail::task_state_base &state);
  void start_task(detail::task_state_base &state);
  void report_unretrieved(detail::task_state_base &state);
  void drain_posts();
  void run_ready_batch();
  void fire_due_timers();

  std::unique_ptr<detail::loop_backend> backend_;
  std::unique_ptr<detail::loop_signals> signals_; // after the first handler
  void dispatch_signals();
  std::shared_ptr<detail::loop_anchor> anchor_;
  std::vector<detail::ready_item> ready_;
  std::vector<detail::ready_item> running_;
  std::vector<detail::timer_node *> timers_; // binary min-heap
  // call_at/call_later callbacks whose time has not come (their timers are
  // in timers_); owned here, so destroying the loop frees them.
  std::list<std::shared_ptr<detail::scheduled_call>> scheduled_;
  std::uint64_t timer_sequence_ = 0;
  std::vector<detail::io_watch> watches_; // by fd
  std::mutex posts_mutex_;
  std::vector<std::function<void()>> posts_;
  std::atomic<bool> has_posts_{false};
  detail::task_state_base *current_ = nullptr;
  detail::list_node live_; // live tasks, through task_state_base::live
  std::size_t live_count_ = 0;
  std::uint64_t next_task_id_ = 1;
  bool stopping_ = false;
  bool debug_ = false;
  std::chrono::nanoseconds slow_threshold_;
  slow_callback_handler slow_handler_;
  exception_handler exception_handler_;
};

/// A handle to a spawned task: await it (co_await handle yields the task's
/// value or rethrows its exception), poll it, or cancel it. Move-only.
/// Dropping it does not cancel the task; a failure that nobody retrieved is
/// reported to the loop's exception handler (stderr by default).
template <class T> class [[nodiscard]] task_handle {
public:
  task_handle() = default;
  explicit task_handle(std::shared_ptr<detail::task_state<T>> state)
      : state_(std::move(state)) {}
  task_handle(task_handle &&) noexcept = default;
  task_handle &operator=(task_handle &&other) noexcept {
    if (this != &other) {
      release();
      state_ = std::move(other.state_);
    }
    return *this;
  }
  ~task_handle() { release(); }

  [[nodiscard]] bool valid() const noexcept { return bool(state_); }
  [[nodiscard]] bool done() const noexcept { return state_ && state_->done; }
  /// True if the task ended by a cancelled_error.
  [[nodiscard]] bool cancelled() const {
    return state_ && state_->done && state_->was_cancelled();
  }
  /// Requests cancellation; false if the task has already finished.
  bool cancel() {
    if (!state_ || state_->done)
      return false;
    state_->loop->cancel(*state_);
    return true;
  }
  [[nodiscard]] std::string name() const {
    return state_ ? state_->display_name() : std::string();
  }
  /// The stop_token that is requested when this task is cancelled.
  [[nodiscard]] std::stop_token get_stop_token() const {
    if (!state_->stop)
      state_->stop = std::make_unique<std::stop_source>();
    return state_->stop->get_token();
  }
  /// The value of a finished task; rethrows its exception.
  /// std::logic_error if it has not finished.
  std::add_lvalue_reference_t<T> result() const
    requires(!std::is_void_v<T>)
  {
    check_done();
    state_->error_retrieved = true;
    if (state_->error)
      std::rethrow_exception(state_->error);
    return *state_->value;
  }
  void result() const
    requires std::is_void_v<T>
  {
    check_done();
    state_->error_retrieved = true;
    if (state_->error)
      std::rethrow_exception(state_->error);
  }
  /// The exception a finished task ended with, or nullptr.
  [[nodiscard]] std::exception_ptr exception() const {
    check_done();
    state_->error_retrieved = true;
    return state_->error;
  }

  struct awaiter : detail::suspension, detail::completion_waiter {
    detail::task_state<T> *state;
    explicit awaiter(detail::task_state<T> *s) : state(s) {}
    bool await_ready() const noexcept { return state->done; }
    bool await_suspend(std::coroutine_handle<> coro) {
      if (!state->loop->park(*this, coro))
        return false;
      on_done = [](detail::completion_waiter *self, detail::task_state_base &) {
        auto *me = static_cast<awaiter *>(self);
        me->state->loop->unpark(*me);
      };
      cancel_fn = [](detail::suspension *self) {
        auto *me = static_cast<awaiter *>(self);
        static_cast<detail::completion_waiter *>(me)->unlink();
        me->cancelled = true;
        me->state->loop->schedule(me->coro, me->owner);
      };
      state->waiters.push_back(*this);
      return true;
    }
    T await_resume() {
      if (cancelled)
        throw cancelled_error();
      state->error_retrieved = true;
      if (state->error)
        std::rethrow_exception(state->error);
      if constexpr (!std::is_void_v<T>)
        return std::move(*state->value);
    }
  };
  /// Waits for the task. Cancelling the awaiting task does not cancel this
  /// one. The value is moved out: await a handle once.
  awaiter operator co_await() const noexcept { return awaiter{state_.get()}; }

  [[nodiscard]] detail::task_state<T> *state() const noexcept {
    return state_.get();
  }
  [[nodiscard]] std::weak_ptr<detail::task_state_base>
  weak_state() const noexcept {
    return state_;
  }

private:
  void check_done() const {
    if (!state_ || !state_->done)
      throw std::logic_error("concur::task_handle: task has not finished");
  }
  void release() noexcept {
    if (!state_)
      return;
    if (!state_->done)
      state_->detached = true;
    else if (state_->error && !state_->error_retrieved)
      state_->loop->report_unretrieved(*state_);
    state_.reset();
  }
  std::shared_ptr<detail::task_state<T>> state_;
};

// ---------------------------------------------------------------------------
// Free functions: they act on the loop running on this thread.

/// Starts a task on the running loop (asyncio.create_task).
template <class T>
[[nodiscard]] task_handle<T> spawn(task<T> body, std::string name = {}) {
  return event_loop::require_current("concur::spawn outside an event loop")
      .spawn(std::move(body), std::move(name));
}
template <class T>
[[nodiscard]] task_handle<T> create_task(task<T> body, std::string name = {}) {
  return spawn(std::move(body), std::move(name));
}

/// Runs `main` on a new loop (asyncio.run): returns its value or rethrows its
/// exception; tasks still alive afterwards are cancelled and unwound first.
template <class T> T run(task<T> main, event_loop_options options = {});

/// Awaitable that resumes at `deadline` (or in the next iteration if it has
/// passed). Cancellable.
class sleep_awaiter : detail::suspension, detail::timer_node {
public:
  explicit sleep_awaiter(event_loop::clock::time_point deadline)
      : deadline_(deadline) {}
  sleep_awaiter(const sleep_awaiter &) = delete;
  sleep_awaiter &operator=(const sleep_awaiter &) = delete;
  ~sleep_awaiter() {
    if (loop_)
      loop_->remove_timer(*this);
  }
  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<> coro) {
    loop_ = &event_loop::require_current("concur::sleep outside an event loop");
    if (!loop_->park(*this, coro))
      return false;
    deadline = deadline_;
    fire = [](detail::timer_node *self) {
      auto *me = static_cast<sleep_awaiter *>(self);
      me->loop_->unpark(*me);
    };
    cancel_fn = [](detail::suspension *self) {
      auto *me = static_cast<sleep_awaiter *>(self);
      me->loop_->remove_timer(*me);
      me->cancelled = true;
      me->loop_->schedule(me->coro, me->owner);
    };
    loop_->add_timer(*this);
    return true;
  }
  void await_resume() const {
    if (cancelled)
      throw cancelled_error();
  }

private:
  event_loop::clock::time_point deadline_;
  event_loop *loop_ = nullptr;
};

/// co_await concur::sleep_for(d): suspends this task for at least d.
[[nodiscard]] inline sleep_awaiter
sleep_for(std::chrono::nanoseconds duration) {
  return sleep_awaiter(event_loop::now() + duration);
}
/// co_await concur::sleep_until(t): suspends this task until t.
template <class Duration>
[[nodiscard]] sleep_awaiter sleep_until(
    std::chrono::time_point<std::chrono::steady_clock, Duration> deadline) {
  return sleep_awaiter(
      std::chrono::time_point_cast<event_loop::clock::duration>(deadline));
}
/// co_await concur::yield(): lets every other ready task run once
/// (asyncio.sleep(0)).
[[nodiscard]] inline sleep_awaiter yield() {
  return sleep_awaiter(event_loop::clock::time_point::min());
}

/// Inside a task: the stop_token requested when this task is cancelled
/// (std::stop_token interop: hand it to code that polls a token or registers
/// a std::stop_callback).
std::stop_token current_stop_token();
/// Inside a task: its name ("task-N" unless named at spawn).
std::string current_task_name();

// ---------------------------------------------------------------------------
// Implementation of the templates.

namespace detail {
inline bool task_state_base::was_cancelled() const {
  if (!error)
    return false;
  try {
    std::rethrow_exception(error);
  } catch (const cancelled_error &) {
    return true;
  } catch (...) {
    return false;
  }
}

template <class T>
root_coroutine run_root(std::shared_ptr<task_state<T>> state, task<T> body) {
  try {
    if (state->cancel_pending) { // cancelled before its first step: never runs
      state->cancel_pending = false;
      throw cancelled_error();
    }
    if constexpr (std::is_void_v<T>)
      co_await std::move(body);
    else
      state->value.emplace(co_await std::move(body));
  } catch (...) {
    state->error = std::current_exception();
  }
  body = task<T>(); // the task's frame goes before waiters run
  state->loop->finish(*state);
}
} // namespace detail

template <class T> void event_loop::finish(detail::task_state<T> &state) {
  finish_base(state);
}

template <class T>
task_handle<T> event_loop::spawn(task<T> body, std::string name) {
  if (!body.valid())
    throw std::invalid_argument("concur::event_loop::spawn: empty task");
  auto state = std::make_shared<detail::task_state<T>>();
  state->loop = this;
  state->id = next_task_id_++;
  state->name = std::move(name);
  detail::root_coroutine root = detail::run_root<T>(state, std::move(body));
  state->root = root.handle;
  start_task(*state);
  return task_handle<T>(std::move(state));
}

template <class T>
task_handle<T> event_loop::spawn(task<T> body, std::stop_token token,
                                 std::string name) {
  task_handle<T> handle = spawn(std::move(body), std::move(name));
  if (token.stop_possible()) {
    std::weak_ptr<detail::task_state_base> weak = handle.weak_state();
    // The callback may run on any thread: it posts the cancel to the loop.
    handle.state()->external_stop =
        std::make_unique<std::stop_callback<std::function<void()>>>(
            std::move(token), std::function<void()>([anchor = anchor_, weak] {
              anchor->post([weak] { // refused if the loop is gone
                if (auto state = weak.lock(); state && !state->done)
                  state->loop->cancel(*state);
              });
            }));
  }
  return handle;
}

template <class T> T event_loop::run(task<T> main) {
  task_handle<T> handle = spawn(std::move(main), "main");
  run_until([&] { return handle.done(); });
  if (!handle.done())
    throw std::runtime_error(
        "concur::event_loop::run: stopped before the main task finished");
  if constexpr (std::is_void_v<T>)
    handle.result();
  else
    return std::move(handle.result());
}

template <class T> T run(task<T> main, event_loop_options options) {
  event_loop loop(options);
  task_handle<T> handle = loop.spawn(std::move(main), "main");
  loop.run_until([&] { return handle.done(); });
  // Like asyncio.run: cancel the rest and let them unwind before returning.
  loop.cancel_all();
  loop.run_until([&] { return loop.live_tasks() == 0; });
  if constexpr (std::is_void_v<T>)
    handle.result();
  else
    return std::move(handle.result());
}

} // namespace concur
