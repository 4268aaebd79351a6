// concur::future<T> and concur::promise<T>: the result of a task that runs
// elsewhere (a thread pool, a process pool, an event loop), modelled on
// Python's concurrent.futures.Future.
//
// A future is a shared handle: copies refer to the same result, any number
// of threads may wait on it, and get() may be called more than once. A task
// moves through pending -> running -> finished, or pending -> cancelled;
// cancel() succeeds only while the task is pending, as in Python. A running
// task that accepts a std::stop_token is asked to stop with request_stop().
//
// Serves the `futures` row of the selection table (and carries results for
// the `threading`, `multiprocessing` and `mixed` rows).
#pragma once

#include <atomic>
#include <chrono>
#include <compare>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "concur/detail/cpu_relax.hpp"
#include "concur/detail/unique_function.hpp"

namespace concur {

/// get() on a future whose task was cancelled before it ran.
class cancelled_error : public std::runtime_error {
public:
  cancelled_error() : std::runtime_error("concur: the task was cancelled") {}
  using std::runtime_error::runtime_error;
};

/// A timed wait (get_for, as_completed, wait with a timeout) ran out of time.
class timeout_error : public std::runtime_error {
public:
  timeout_error()
      : std::runtime_error("concur: timed out waiting for a result") {}
  using std::runtime_error::runtime_error;
};

/// The executor cannot run the task: it was shut down, or (for process
/// pools) its workers are gone. Submitting after shutdown throws this.
class broken_executor : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// An executor's initializer threw (or, for a process pool, its worker died
/// while initialising): the executor is broken, as Python's executors are.
/// Queued tasks fail with it and later submits throw it. cause() holds what
/// the initializer threw (a remote_error for a process pool).
class initializer_error : public broken_executor {
public:
  initializer_error(const std::string &what, std::exception_ptr cause)
      : broken_executor(what), cause_(std::move(cause)) {}
  std::exception_ptr cause() const noexcept { return cause_; }

private:
  std::exception_ptr cause_;
};

/// get() on a future whose promise was destroyed without a result.
class broken_promise : public std::runtime_error {
public:
  broken_promise()
      : std::runtime_error(
            "concur: the promise was destroyed without setting a result") {}
};

/// Misuse of a future or promise: no shared state, or a result set twice.
class invalid_future_state : public std::logic_error {
public:
  using std::logic_error::logic_error;
};

template <class T> class future;
template <class T> class promise;

namespace detail {

// Phase of a shared state in the low two bits; flags above them say whether
// the completer must take the mutex (somebody sleeps or callbacks exist), so
// completing a future nobody waits on costs one atomic exchange.
enum state_bits : std::uint32_t {
  phase_pending = 0,
  phase_running = 1,
  phase_finished = 2,
  phase_cancelled = 3,
  phase_mask = 3,
  flag_waiters = 4,
  flag_callbacks = 8,
  // A waiter that claimed a pool task is taking it back out of its queue;
  // the pool must not finish with the task (and perhaps be destroyed)
  // before the waiter lets go of the queue.
  flag_taking_back = 16,
};

class state_base {
public:
  state_base() = default;
  state_base(const state_base &) = delete;
  state_base &operator=(const state_base &) = delete;
  virtual ~state_base() = default;

  void add_ref() noexcept { refs_.fetch_add(1, std::memory_order_relaxed); }
  void release() noexcept {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1)
      delete this;
  }

  std::uint32_t phase() const noexcept {
    return status_.load(std::memory_order_acquire) & phase_mask;
  }
  bool done() const noexcept { return phase() >= phase_finished; }

  /// pending -> running. False if the task was cancelled (then it must not
  /// run). Python's set_running_or_notify_cancel.
  bool set_running() noexcept {
    std::uint32_t s = status_.load(std::memory_order_relaxed);
    while ((s & phase_mask) == phase_pending) {
      if (status_.compare_exchange_weak(s, (s & ~phase_mask) | phase_running,
                                        std::memory_order_acq_rel))
        return true;
    }
    return false;
  }

  /// pending -> running, with flag_taking_back set: a waiter claims a
  /// queued task to run it itself. False if it is no longer pending.
  bool claim_to_take_back() noexcept {
    std::uint32_t s = status_.load(std::memory_order_relaxed);
    while ((s & phase_mask) == phase_pending) {
      if (status_.compare_exchange_weak(
              s, (s & ~phase_mask) | phase_running | flag_taking_back,
              std::memory_order_acq_rel))
        return true;
    }
    return false;
  }
  void end_take_back() noexcept {
    status_.fetch_and(~std::uint32_t(flag_taking_back),
                      std::memory_order_release);
  }
  /// Waits (briefly: a few pointer moves under the queue's lock) until a
  /// waiter that claimed the task has let go of the pool's queue.
  void wait_take_back() const noexcept {
    for (int spins = 0;
         status_.load(std::memory_order_acquire) & flag_taking_back; ++spins) {
      if (spins < 64)
        cpu_relax();
      else
        std::this_thread::yield();
    }
  }

  /// pending -> cancelled. False once running or done.
  bool cancel() noexcept {
    std::uint32_t s = status_.load(std::memory_order_relaxed);
    for (;;) {
      if ((s & phase_mask) != phase_pending)
        return false;
      if (status_.compare_exchange_weak(s, (s & ~phase_mask) | phase_cancelled,
                                        std::memory_order_acq_rel))
        break;
    }
    after_complete(s);
    return true;
  }

  /// Publishes the result (already stored by the derived class, or error_).
  /// False if the state was already complete.
  bool finish() noexcept {
    std::uint32_t s = status_.load(std::memory_order_relaxed);
    for (;;) {
      if ((s & phase_mask) >= phase_finished)
        return false;
      if (status_.compare_exchange_weak(s, (s & ~phase_mask) | phase_finished,
                                        std::memory_order_acq_rel))
        break;
    }
    after_complete(s);
    return true;
  }

  bool set_exception(std::exception_ptr error) noexcept {
    if (done())
      return false;
    error_ = std::move(error);
    return finish();
  }

  void wait() const {
    // A pool task nobody has started yet runs right here, as TBB's
    // task_group::wait does: the waiter would idle anyway, and handing the
    // task to a sleeping or descheduled worker costs microseconds.
    if (done() || run_inline())
      return;
    if (spin_until_done())
      return;
    std::unique_lock lock(mutex_);
    if (!mark_waiting())
      return;
    cv_.wait(lock, [this] { return done(); });
  }

  template <class Clock, class Duration>
  bool
  wait_until(const std::chrono::time_point<Clock, Duration> &deadline) const {
    if (done())
      return true;
    std::unique_lock lock(mutex_);
    if (!mark_waiting())
      return true;
    return cv_.wait_until(lock, deadline, [this] { return done(); });
  }

  /// Runs `callback` once the state completes: now, in this thread, if it
  /// already has; otherwise in the thread that completes it.
  void add_callback(unique_function<void()> callback) {
    {
      std::unique_lock lock(mutex_);
      std::uint32_t s = status_.load(std::memory_order_acquire);
      while ((s & phase_mask) < phase_finished) {
        if (status_.compare_exchange_weak(s, s | flag_callbacks,
                                          std::memory_order_acq_rel)) {
          callbacks_.push_back(std::move(callback));
          return;
        }
      }
    }
    callback();
  }

  void request_stop() noexcept { stop_.request_stop(); }
  bool stop_possible() const noexcept { return stop_.stop_possible(); }
  std::stop_token stop_token() const noexcept { return stop_.get_token(); }
  /// Gives the task a std::stop_source; only tasks that take a token pay.
  void enable_stop() { stop_ = std::stop_source(); }
  /// How long wait() spins before it sleeps, for results that take about
  /// as long as a sleep and a wake-up (set before the state is shared).
  void set_wait_spin(std::chrono::microseconds spin) noexcept {
    wait_spin_ns_ = std::uint32_t(std::chrono::nanoseconds(spin).count());
  }

  std::exception_ptr error_;

protected:
  /// Runs the task in the calling thread if it has not started; true if it
  /// did (the state is then done). Only pool tasks can.
  virtual bool run_inline() const noexcept { return false; }

private:
  // Short spin: most waits in a busy pool end within a few hundred
  // nanoseconds, far less than a futex sleep and wake-up.
  // A state whose result crosses processes (set_wait_spin) spins longer.
  bool spin_until_done() const noexcept {
    for (int i = 0; i < 64; ++i) {
      if (done())
        return true;
      cpu_relax();
    }
    if (wait_spin_ns_ == 0)
      return done();
    auto until = std::chrono::steady_clock::now() +
                 std::chrono::nanoseconds(wait_spin_ns_);
    do {
      for (int i = 0; i < 16; ++i) {
        if (done())
          return true;
        cpu_relax();
      }
    } while (std::chrono::steady_clock::now() < until);
    return done();
  }

  // Under mutex_: sets flag_waiters unless already done (returns false).
  bool mark_waiting() const noexcept {
    std::uint32_t s = status_.load(std::memory_order_acquire);
    while ((s & phase_mask) < phase_finished) {
      if (status_.compare_exchange_weak(s, s | flag_waiters,
                                        std::memory_order_acq_rel))
        return true;
    }
    return false;
  }

  // Wakes sleepers and runs callbacks; `previous` is the status before
  // completion, so the mutex is only taken when somebody registered.
  void after_complete(std::uint32_t previous) noexcept {
    if (previous & (flag_waiters | flag_callbacks)) {
      std::vector<unique_function<void()>> callbacks;
      {
        std::lock_guard lock(mutex_);
        callbacks.swap(callbacks_);
      }
      cv_.notify_all();
      for (auto &callback : callbacks)
        callback();
    }
  }

  mutable std::atomic<std::uint32_t> status_{phase_pending};
  std::atomic<int> refs_{1};
  std::uint32_t wait_spin_ns_ = 0; // beyond the short spin every wait does
  mutable std::mutex mutex_;
  mutable std::condition_variable cv_;
  std::vector<unique_function<void()>> callbacks_;
  std::stop_source stop_{std::nostopstate};
};

template <class T> class shared_state : public state_base {
public:
  template <class... A> bool set_value(A &&...args) {
    if (done() || value_)
      return false;
    value_.emplace(std::forward<A>(args)...);
    return finish();
  }
  std::optional<T> value_;
};

template <> class shared_state<void> : public state_base {
public:
  bool set_value() { return finish(); }
};

// Intrusive reference to a shared state.
template <class S> class state_ref {
public:
  state_ref() noexcept = default;
  explicit state_ref(S *adopt) noexcept : p_(adopt) {}
  state_ref(const state_ref &other) noexcept : p_(other.p_) {
    if (p_)
      p_->add_ref();
  }
  state_ref(state_ref &&other) noexcept
      : p_(std::exchange(other.p_, nullptr)) {}
  state_ref &operator=(state_ref other) noexcept {
    std::swap(p_, other.p_);
    return *this;
  }
  ~state_ref() {
    if (p_)
      p_->release();
  }
  static state_ref share(S *p) noexcept {
    p->add_ref();
    return state_ref(p);
  }
  S *get() const noexcept { return p_; }
  S *operator->() const noexcept { return p_; }
  explicit operator bool() const noexcept { return p_ != nullptr; }

private:
  S *p_ = nullptr;
};

template <class T> future<T> make_future(shared_state<T> *state) noexcept;

// Access to a future's shared state for code that tracks futures of any T.
struct future_access {
  template <class T> static state_ref<state_base> base(const future<T> &f) {
    return state_ref<state_base>::share(f.state_.get());
  }
};

} // namespace detail

/// The result of a task: a shared, copyable handle.
template <class T> class future {
public:
  using value_type = T;

  future() noexcept = default;

  /// True if this future refers to a task (not default-constructed).
  bool valid() const noexcept { return bool(state_); }

  /// True once the task finished (with a value or an exception) or was
  /// cancelled.
  bool done() const { return checked()->done(); }
  bool running() const { return checked()->phase() == detail::phase_running; }
  bool cancelled() const {
    return checked()->phase() == detail::phase_cancelled;
  }

  /// Cancels the task if it has not started. Returns true if the future is
  /// now cancelled (also when it already was), false if it is running or
  /// finished.
  bool cancel() {
    auto *s = checked();
    return s->cancel() || s->phase() == detail::phase_cancelled;
  }

  /// Asks a running task that takes a std::stop_token to stop. Returns false
  /// if the task takes no token.
  bool request_stop() {
    auto *s = checked();
    if (!s->stop_possible())
      return false;
    s->request_stop();
    return true;
  }

  void wait() const { checked()->wait(); }

  /// Waits at most `timeout`; true if the future is done.
  template <class Rep, class Period>
  [[nodiscard]] bool
  wait_for(const std::chrono::duration<Rep, Period> &timeout) const {
    return checked()->wait_until(std::chrono::steady_clock::now() + timeout);
  }
  template <class Clock, class Duration>
  [[nodiscard]] bool
  wait_until(const std::chrono::time_point<Clock, Duration> &deadline) const {
    return checked()->wait_until(deadline);
  }

  /// Waits, then returns the value or throws the task's exception
  /// (cancelled_error if it was cancelled).
  decltype(auto) get() const & {
    wait();
    return result();
  }
  /// Moves the value out (for move-only results); other copies of this
  /// future then see a moved-from value.
  T get() && {
    wait();
    rethrow_if_failed();
    if constexpr (!std::is_void_v<T>)
      return std::move(*state_->value_);
  }

  /// Like get(), but throws timeout_error if not done within `timeout`.
  template <class Rep, class Period>
  decltype(auto)
  get_for(const std::chrono::duration<Rep, Period> &timeout) const {
    if (!wait_for(timeout))
      throw timeout_error();
    return result();
  }

  /// Waits, then returns the task's exception, or null if it returned a
  /// value. Throws cancelled_error if it was cancelled (as Python does).
  std::exception_ptr exception() const {
    wait();
    if (state_->phase() == detail::phase_cancelled)
      throw cancelled_error();
    return state_->error_;
  }

  /// Calls `callback(future)` (or `callback()`) once the future is done: at
  /// once in this thread if it already is, otherwise in the thread that
  /// completes it. Callbacks should be short and must not throw.
  template <class Callback> void add_done_callback(Callback &&callback) {
    auto *s = checked();
    if constexpr (std::is_invocable_v<std::decay_t<Callback> &,
                                      const future &>) {
      s->add_callback(
          [self = *this, cb = std::forward<Callback>(callback)]() mutable {
            cb(static_cast<const future &>(self));
          });
    } else {
      static_assert(std::is_invocable_v<std::decay_t<Callback> &>,
                    "a done callback takes the future or nothing");
      s->add_callback(std::forward<Callback>(callback));
    }
  }

  /// Identity of the shared state: futures compare equal when they are copies.
  friend bool operator==(const future &a, const future &b) noexcept {
    return a.state_.get() == b.state_.get();
  }
  /// A total order by identity (not by result), for std::map and std::set;
  /// default-constructed futures are equal to each other.
  friend std::strong_ordering operator<=>(const future &a,
                                          const future &b) noexcept {
    return std::compare_three_way()(a.state_.get(), b.state_.get());
  }

private:
  template <class U> friend class promise;
  friend struct detail::future_access;
  friend struct std::hash<future>;
  template <class U>
  friend future<U> detail::make_future(detail::shared_state<U> *) noexcept;

  explicit future(detail::state_ref<detail::shared_state<T>> state) noexcept
      : state_(std::move(state)) {}

  detail::shared_state<T> *checked() const {
    if (!state_)
      throw invalid_future_state("concur: future has no shared state");
    return state_.get();
  }

  void rethrow_if_failed() const {
    if (state_->phase() == detail::phase_cancelled)
      throw cancelled_error();
    if (state_->error_)
      std::rethrow_exception(state_->error_);
  }

  decltype(auto) result() const {
    rethrow_if_failed();
    if constexpr (std::is_void_v<T>)
      return;
    else
      return static_cast<const T &>(*state_->value_);
  }

  detail::state_ref<detail::shared_state<T>> state_;
};

namespace detail {
template <class T> future<T> make_future(shared_state<T> *state) noexcept {
  return future<T>(state_ref<shared_state<T>>::share(state));
}
} // namespace detail

/// The producing side of a future: set a value or an exception once.
/// Destroying a promise that was never satisfied fails its future with
/// broken_promise.
template <class T> class promise {
public:
  promise() : state_(new detail::shared_state<T>()) {}
  promise(promise &&) noexcept = default;
  promise &operator=(promise &&other) noexcept {
    abandon();
    state_ = std::move(other.state_);
    return *this;
  }
  promise(const promise &) = delete;
  promise &operator=(const promise &) = delete;
  ~promise() { abandon(); }

  [[nodiscard]] future<T> get_future() const {
    return detail::make_future(checked());
  }

  template <class... A> void set_value(A &&...value) {
    if (!checked()->set_value(std::forward<A>(value)...))
      throw invalid_future_state(
          "concur: promise already satisfied or cancelled");
  }
  void set_exception(std::exception_ptr error) {
    if (!checked()->set_exception(std::move(error)))
      throw invalid_future_state(
          "concur: promise already satisfied or cancelled");
  }

  /// Marks the task as running. Returns false if the future was cancelled:
  /// then the task must not run (Python's set_running_or_notify_cancel).
  [[nodiscard]] bool set_running() { return checked()->set_running(); }
  /// True once the future was cancelled.
  bool cancelled() const {
    return checked()->phase() == detail::phase_cancelled;
  }
  /// A stop token for the task; request_stop() on the future triggers it.
  std::stop_token get_stop_token() {
    auto *s = checked();
    if (!s->stop_possible())
      s->enable_stop();
    return s->stop_token();
  }

private:
  detail::shared_state<T> *checked() const {
    if (!state_)
      throw invalid_future_state("concur: promise has no shared state");
    return state_.get();
  }
  void abandon() noexcept {
    if (state_ && !state_->done())
      state_->set_exception(std::make_exception_ptr(broken_promise()));
  }

  detail::state_ref<detail::shared_state<T>> state_;
};

/// A future that is already done with `value`.
template <class T>
[[nodiscard]] future<std::decay_t<T>> make_ready_future(T &&value) {
  promise<std::decay_t<T>> p;
  p.set_value(std::forward<T>(value));
  return p.get_future();
}
[[nodiscard]] inline future<void> make_ready_future() {
  promise<void> p;
  p.set_value();
  return p.get_future();
}
/// A future that is already done with `error`.
template <class T>
[[nodiscard]] future<T> make_exceptional_future(std::exception_ptr error) {
  promise<T> p;
  p.set_exception(std::move(error));
  return p.get_future();
}

} // namespace concur

/// Hashes a future by identity, consistent with ==: copies of a future hash
/// alike, so a future can key a std::unordered_map (Python's
/// `{executor.submit(fetch, url): url for url in urls}`).
template <class T> struct std::hash<concur::future<T>> {
  std::size_t operator()(const concur::future<T> &f) const noexcept {
    return std::hash<const void *>()(f.state_.get());
  }
};
