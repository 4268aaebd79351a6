// The one-shot timer's thread.
#include "concur/timer.hpp"

#include <stdexcept>

namespace concur {

timer::timer(duration delay, callback f, thread_pool *pool)
    : delay_(delay), callback_(std::move(f)), pool_(pool) {}

timer::~timer() {
  cancel();
  try {
    join();
  } catch (...) { // from inside the function (documented as not allowed):
                  // at least do not terminate
    if (thread_.joinable())
      thread_.detach();
  }
}

void timer::start() {
  std::lock_guard lock(mutex_);
  if (phase_ == phase::cancelled)
    return;
  if (phase_ != phase::idle)
    throw std::logic_error("concur::timer::start: a timer can be started only "
                           "once");
  phase_ = phase::waiting;
  thread_ = std::thread([this] { wait_then_fire(); });
}

bool timer::cancel() {
  std::lock_guard lock(mutex_);
  switch (phase_) {
  case phase::idle:
  case phase::waiting:
    phase_ = phase::cancelled;
    changed_.notify_all();
    return true;
  case phase::running:
    stop_.request_stop();
    return false;
  case phase::fired:
    return false;
  case phase::cancelled:
    return true;
  }
  return false;
}

void timer::join() {
  {
    std::unique_lock lock(mutex_);
    if (phase_ == phase::running && runner_ == std::this_thread::get_id()) {
      // It would wait for itself: leave the thread to end on its own.
      throw std::logic_error(
          "concur::timer::join called from inside the timer's function");
    }
    changed_.wait(lock, [this] { return settled(); });
  }
  std::lock_guard joining(join_mutex_);
  if (thread_.joinable())
    thread_.join();
}

bool timer::fired() const {
  std::lock_guard lock(mutex_);
  return phase_ == phase::fired;
}

bool timer::cancelled() const {
  std::lock_guard lock(mutex_);
  return phase_ == phase::cancelled;
}

std::exception_ptr timer::error() const {
  std::lock_guard lock(mutex_);
  return error_;
}

void timer::wait_then_fire() {
  {
    std::unique_lock lock(mutex_);
    auto due = std::chrono::steady_clock::now() + delay_;
    changed_.wait_until(lock, due, [this] { return phase_ != phase::waiting; });
    if (phase_ != phase::waiting)
      return; // cancelled
    phase_ = phase::running;
  }
  if (!pool_) {
    run();
    return;
  }
  try {
    pool_->post([this] { run(); });
  } catch (...) { // the pool was shut down
    std::lock_guard lock(mutex_);
    error_ = std::current_exception();
    phase_ = phase::fired;
    changed_.notify_all();
  }
}

void timer::run() noexcept {
  {
    std::lock_guard lock(mutex_);
    runner_ = std::this_thread::get_id();
  }
  std::exception_ptr error;
  try {
    callback_(stop_.get_token());
  } catch (...) {
    error = std::current_exception();
  }
  callback_ = callback(); // drop captures in the firing thread
  std::lock_guard lock(mutex_);
  error_ = std::move(error);
  phase_ = phase::fired;
  changed_.notify_all();
}

} // namespace concur
