// mock_task.h - a tiny coroutine task type for concur's check tests.
//
// concur::task<T> is a lazily started coroutine result that can be
// co_awaited and co_returns a T (or nothing, for task<void>);
// concur::sleep_for / sleep_until return awaitables, as the fix-its of the
// knowledge base write them (`co_await concur::sleep_for(d)`). It stands in
// for runtime/include/concur so that test sources need only the mocks:
//
//   concur::task<int> fetch(int fd) {
//     co_await concur::sleep_for(std::chrono::milliseconds(10));
//     co_return 42;
//   }
//   concur::task<void> serve() { int v = co_await fetch(3); (void)v; }
//
// The value of task<T> must be default-constructible. Awaiting resumes the
// awaiter from the awaited task's final suspend point; there is no event
// loop, so sleeps complete at once.

#ifndef CONCUR_MOCK_TASK_H
#define CONCUR_MOCK_TASK_H
#pragma GCC system_header

#include "mock_std.h"

namespace concur {

template <class T = void> class task;

namespace detail {
struct promise_base {
  std::coroutine_handle<> continuation;

  std::suspend_always initial_suspend() noexcept { return {}; }
  struct final_awaiter {
    bool await_ready() const noexcept { return false; }
    template <class P>
    void await_suspend(std::coroutine_handle<P> self) const noexcept {
      if (self.promise().continuation)
        self.promise().continuation.resume();
    }
    void await_resume() const noexcept {}
  };
  final_awaiter final_suspend() noexcept { return {}; }
  void unhandled_exception() noexcept { std::terminate(); }
};

template <class T> struct promise : promise_base {
  T value{};
  task<T> get_return_object() noexcept;
  void return_value(T v) { value = static_cast<T &&>(v); }
};
template <> struct promise<void> : promise_base {
  task<void> get_return_object() noexcept;
  void return_void() noexcept {}
};
} // namespace detail

template <class T> class [[nodiscard]] task {
public:
  using promise_type = detail::promise<T>;
  using handle_type = std::coroutine_handle<promise_type>;

  explicit task(handle_type h) noexcept : handle_(h) {}
  task(task &&other) noexcept : handle_(other.handle_) {
    other.handle_ = nullptr;
  }
  task(const task &) = delete;
  task &operator=(const task &) = delete;
  ~task() {
    if (handle_)
      handle_.destroy();
  }

  bool await_ready() const noexcept { return !handle_ || handle_.done(); }
  void await_suspend(std::coroutine_handle<> awaiting) noexcept {
    handle_.promise().continuation = awaiting;
    handle_.resume();
  }
  T await_resume() {
    if constexpr (!std::is_same_v<T, void>)
      return static_cast<T &&>(handle_.promise().value);
  }

  /// Runs the task to its first suspension (for a plain `main`).
  void start() {
    if (handle_ && !handle_.done())
      handle_.resume();
  }

private:
  handle_type handle_;
};

namespace detail {
template <class T> task<T> promise<T>::get_return_object() noexcept {
  return task<T>(std::coroutine_handle<promise<T>>::from_promise(*this));
}
inline task<void> promise<void>::get_return_object() noexcept {
  return task<void>(std::coroutine_handle<promise<void>>::from_promise(*this));
}
} // namespace detail

/// What `co_await concur::sleep_for(d)` awaits.
struct sleep_awaitable {
  std::chrono::nanoseconds delay;
  bool await_ready() const noexcept { return delay.count() <= 0; }
  void await_suspend(std::coroutine_handle<> h) const { h.resume(); }
  void await_resume() const noexcept {}
};

template <class Rep, class Period>
sleep_awaitable sleep_for(const std::chrono::duration<Rep, Period> &d) {
  return sleep_awaitable{std::chrono::nanoseconds(d)};
}
template <class Clock, class Dur>
sleep_awaitable sleep_until(const std::chrono::time_point<Clock, Dur> &t) {
  return sleep_awaitable{std::chrono::nanoseconds(t.time_since_epoch())};
}

} // namespace concur

#endif // CONCUR_MOCK_TASK_H
