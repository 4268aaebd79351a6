// concur::periodic_timer: the seeds' "timer thread", done right. One thread
// calls a function every period until stop(); stop() wakes it at once
// rather than waiting out the period, and joins it.
//
// fixed_rate: ticks are due at start + k * period; a tick that overruns
// delays the next one, and ticks missed entirely are skipped, not run in a
// burst. fixed_delay: the next tick is due `period` after the previous one
// returned. An exception from the function stops the timer; error() has it.
//
// Row `threading` (a background thread that mostly waits).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <mutex>
#include <stop_token>
#include <thread>
#include <type_traits>
#include <utility>

#include "concur/detail/unique_function.hpp"

namespace concur {

enum class timer_mode { fixed_rate, fixed_delay };

class periodic_timer {
public:
  /// Starts calling `f()` (or `f(std::stop_token)`) every `period`; the
  /// first call is one period from now. Throws std::invalid_argument for a
  /// period that is not positive.
  template <class F>
  periodic_timer(std::chrono::steady_clock::duration period, F &&f,
                 timer_mode mode = timer_mode::fixed_rate)
      : periodic_timer(period, wrap(std::forward<F>(f)), mode) {}

  periodic_timer(const periodic_timer &) = delete;
  periodic_timer &operator=(const periodic_timer &) = delete;
  /// stop().
  ~periodic_timer();

  /// Stops the timer: no tick starts after this returns, and a tick in
  /// progress has finished (unless stop() is called from inside the tick).
  /// Idempotent.
  void stop();

  /// Number of completed ticks.
  std::size_t ticks() const;
  /// True until stop() or until the function threw.
  bool running() const;
  /// The exception that stopped the timer, if any.
  std::exception_ptr error() const;

private:
  using callback = detail::unique_function<void(std::stop_token)>;

  template <class F> static callback wrap(F &&f) {
    if constexpr (std::is_invocable_v<std::decay_t<F> &, std::stop_token>)
      return callback(std::forward<F>(f));
    else
      return callback(
          [g = std::forward<F>(f)](std::stop_token) mutable { g(); });
  }

  periodic_timer(std::chrono::steady_clock::duration period, callback f,
                 timer_mode mode);
  void loop(std::stop_token stop);

  std::chrono::steady_clock::duration period_;
  timer_mode mode_;
  callback callback_;
  mutable std::mutex mutex_;
  std::mutex stop_mutex_; // serialises joins from concurrent stop() calls
  std::condition_variable_any wake_;
  std::size_t ticks_ = 0;
  bool running_ = true;
  std::exception_ptr error_;
  std::jthread thread_; // last: starts after the members it uses exist
};

} // namespace concur
