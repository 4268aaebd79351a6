// The periodic timer's thread loop.
#include "concur/periodic_timer.hpp"

#include <stdexcept>

namespace concur {

periodic_timer::periodic_timer(std::chrono::steady_clock::duration period,
                               callback f, timer_mode mode)
    : period_(period), mode_(mode), callback_(std::move(f)) {
  if (period <= std::chrono::steady_clock::duration::zero())
    throw std::invalid_argument(
        "concur: periodic_timer needs a positive period");
  thread_ =
      std::jthread([this](std::stop_token stop) { loop(std::move(stop)); });
}

periodic_timer::~periodic_timer() { stop(); }

void periodic_timer::stop() {
  std::lock_guard stopping(stop_mutex_);
  thread_.request_stop(); // wakes the wait below through its stop_token
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id())
    thread_.join();
  std::lock_guard lock(mutex_);
  running_ = false;
}

std::size_t periodic_timer::ticks() const {
  std::lock_guard lock(mutex_);
  return ticks_;
}

bool periodic_timer::running() const {
  std::lock_guard lock(mutex_);
  return running_;
}

std::exception_ptr periodic_timer::error() const {
  std::lock_guard lock(mutex_);
  return error_;
}

void periodic_timer::loop(std::stop_token stop) {
  using clock = std::chrono::steady_clock;
  clock::time_point due = clock::now() + period_;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      // Returns early (false) only when stop is requested.
      wake_.wait_until(lock, stop, due, [] { return false; });
      if (stop.stop_requested())
        return;
    }
    try {
      callback_(stop);
    } catch (...) {
      std::lock_guard lock(mutex_);
      error_ = std::current_exception();
      running_ = false;
      return;
    }
    {
      std::lock_guard lock(mutex_);
      ++ticks_;
    }
    clock::time_point now = clock::now();
    if (mode_ == timer_mode::fixed_delay) {
      due = now + period_;
    } else {
      due += period_;
      if (due <= now) // overran: skip the ticks that are already missed
        due += ((now - due) / period_ + 1) * period_;
    }
  }
}

} // namespace concur
