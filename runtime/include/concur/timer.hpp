// concur::timer: Python's threading.Timer. A function runs once, after a
// delay, on the timer's own thread or on a thread pool, unless the timer is
// cancelled first.
//
//   concur::timer reminder(5s, [] { send_reminder(); });
//   reminder.start();
//   ...
//   reminder.cancel(); // true: it will not run
//
// Row `threading` (a background thread that mostly waits). For a function
// that repeats, see concur::periodic_timer; inside an event loop, use
// event_loop::call_later.
#pragma once

#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <stop_token>
#include <thread>
#include <type_traits>
#include <utility>

#include "concur/detail/unique_function.hpp"
#include "concur/thread_pool.hpp"

namespace concur {

class timer {
public:
  using duration = std::chrono::steady_clock::duration;

  /// A timer that, once started, calls `f()` (or `f(std::stop_token)`) on
  /// its own thread after `delay` (a delay that is not positive fires at
  /// once). Nothing happens until start().
  template <class F>
  timer(duration delay, F &&f)
      : timer(delay, wrap(std::forward<F>(f)), nullptr) {}
  /// As above, but the function runs as a task of `pool` (which must
  /// outlive the timer's firing); the timer's thread only waits.
  template <class F>
  timer(duration delay, F &&f, thread_pool &pool)
      : timer(delay, wrap(std::forward<F>(f)), &pool) {}

  timer(const timer &) = delete;
  timer &operator=(const timer &) = delete;
  /// cancel(), then join(). Do not destroy a timer from its own function.
  ~timer();

  /// Starts the countdown. Throws std::logic_error if the timer was already
  /// started; does nothing if it was cancelled before (as in Python).
  void start();

  /// Prevents the function from running if it has not started: true if the
  /// timer is (now) cancelled. Once the function runs it is too late: its
  /// stop token is triggered and cancel() returns false. Any thread, also
  /// from inside the function; idempotent.
  bool cancel();

  /// Waits until the function has returned or the timer was cancelled
  /// (returns at once for a timer never started). Throws std::logic_error
  /// when called from inside the timer's own function.
  void join();
  /// As join(), at most `timeout`; true if the timer is finished.
  template <class Rep, class Period>
  [[nodiscard]] bool join_for(const std::chrono::duration<Rep, Period> &t) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, t, [this] { return settled(); });
  }

  /// True once the function has returned (or thrown).
  bool fired() const;
  /// True if cancel() stopped it before it ran.
  bool cancelled() const;
  /// The exception the function threw (or broken_executor if the pool
  /// refused the task), or null.
  std::exception_ptr error() const;

private:
  using callback = detail::unique_function<void(std::stop_token)>;
  enum class phase { idle, waiting, running, fired, cancelled };

  template <class F> static callback wrap(F &&f) {
    if constexpr (std::is_invocable_v<std::decay_t<F> &, std::stop_token>)
      return callback(std::forward<F>(f));
    else
      return callback(
          [g = std::forward<F>(f)](std::stop_token) mutable { g(); });
  }

  timer(duration delay, callback f, thread_pool *pool);
  void wait_then_fire();
  void run() noexcept;
  bool settled() const noexcept {
    return phase_ == phase::idle || phase_ == phase::fired ||
           phase_ == phase::cancelled;
  }

  duration delay_;
  callback callback_;
  thread_pool *pool_;
  std::stop_source stop_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  phase phase_ = phase::idle;
  std::thread::id runner_; // the thread running the function
  std::exception_ptr error_;
  std::mutex join_mutex_;
  std::thread thread_;
};

} // namespace concur
