// concur/task.hpp - concur::task<T>, the coroutine type of the event loop.
//
// A task<T> is a lazily started C++20 coroutine: calling a function that
// returns task<T> allocates its frame and runs nothing. It runs when it is
// awaited (`co_await` from another task), spawned on a loop
// (concur::spawn / event_loop::spawn) or run to completion (concur::run).
//
// Awaiting a task transfers control to it symmetrically (await_suspend
// returns the child's handle, final_suspend returns the parent's), so a chain
// of a million nested co_awaits neither grows the stack nor goes through the
// loop. A task's exception is rethrown in whoever awaits it.
//
// Row: asyncio (and mixed, with run_in_executor). See docs/runtime-asyncio.md.
#pragma once

#include "concur/future.hpp"

#include <coroutine>
#include <exception>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace concur {

// cancelled_error (thrown at the await point of a cancelled task) and
// timeout_error (wait_for/timeout, deadlines) are concur/future.hpp's: one
// error type for a cancelled future and a cancelled task.

/// What a task ended with: a value or an exception. gather_outcomes returns
/// these instead of throwing (asyncio's gather(return_exceptions=True)).
template <class T> class outcome {
public:
  outcome() = default;
  explicit outcome(T value)
      : state_(std::in_place_index<1>, std::move(value)) {}
  explicit outcome(std::exception_ptr error)
      : state_(std::in_place_index<2>, std::move(error)) {}

  [[nodiscard]] bool has_value() const noexcept { return state_.index() == 1; }
  [[nodiscard]] bool has_exception() const noexcept {
    return state_.index() == 2;
  }
  /// The value; rethrows the exception if the task failed.
  T &value() & {
    rethrow_if_failed();
    return std::get<1>(state_);
  }
  T &&value() && {
    rethrow_if_failed();
    return std::get<1>(std::move(state_));
  }
  [[nodiscard]] std::exception_ptr exception() const noexcept {
    return has_exception() ? std::get<2>(state_) : nullptr;
  }

private:
  void rethrow_if_failed() const {
    if (state_.index() == 2)
      std::rethrow_exception(std::get<2>(state_));
    if (state_.index() == 0)
      throw std::logic_error("concur::outcome: no value");
  }
  std::variant<std::monostate, T, std::exception_ptr> state_;
};

template <> class outcome<void> {
public:
  outcome() = default;
  explicit outcome(std::exception_ptr error)
      : error_(std::move(error)), has_error_(true) {}
  [[nodiscard]] bool has_value() const noexcept { return !has_error_; }
  [[nodiscard]] bool has_exception() const noexcept { return has_error_; }
  void value() const {
    if (has_error_)
      std::rethrow_exception(error_);
  }
  [[nodiscard]] std::exception_ptr exception() const noexcept { return error_; }

private:
  std::exception_ptr error_;
  bool has_error_ = false;
};

template <class T = void> class task;

namespace detail {

template <class T> struct task_result_storage {
  std::variant<std::monostate, T, std::exception_ptr> result;
  template <class U> void return_value(U &&value) {
    result.template emplace<1>(std::forward<U>(value));
  }
  void unhandled_exception() noexcept {
    result.template emplace<2>(std::current_exception());
  }
  T take() {
    if (result.index() == 2)
      std::rethrow_exception(std::get<2>(result));
    return std::get<1>(std::move(result));
  }
};

template <> struct task_result_storage<void> {
  std::exception_ptr error;
  void return_void() noexcept {}
  void unhandled_exception() noexcept { error = std::current_exception(); }
  void take() {
    if (error)
      std::rethrow_exception(error);
  }
};

template <class T> struct task_promise : task_result_storage<T> {
  std::coroutine_handle<> continuation = std::noop_coroutine();

  task<T> get_return_object() noexcept;
  std::suspend_always initial_suspend() noexcept { return {}; }

  struct final_awaiter {
    bool await_ready() const noexcept { return false; }
    // Symmetric transfer back to the awaiter: a tail call, not a nested resume.
    std::coroutine_handle<>
    await_suspend(std::coroutine_handle<task_promise> self) noexcept {
      return self.promise().continuation;
    }
    void await_resume() const noexcept {}
  };
  final_awaiter final_suspend() noexcept { return {}; }
};

} // namespace detail

/// A lazily started coroutine producing a T. Move-only; destroying a task
/// that never ran destroys its frame (and so its arguments) without running it.
template <class T> class [[nodiscard]] task {
public:
  using promise_type = detail::task_promise<T>;
  using value_type = T;

  task() noexcept = default;
  explicit task(std::coroutine_handle<promise_type> handle) noexcept
      : handle_(handle) {}
  task(task &&other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  task &operator=(task other) noexcept {
    std::swap(handle_, other.handle_);
    return *this;
  }
  ~task() {
    if (handle_)
      handle_.destroy();
  }

  /// True if this task holds a coroutine (not moved from, not default-made).
  [[nodiscard]] bool valid() const noexcept { return bool(handle_); }
  /// True once the coroutine has run to its end.
  [[nodiscard]] bool done() const noexcept { return handle_ && handle_.done(); }

  struct awaiter {
    std::coroutine_handle<promise_type> handle;
    bool await_ready() const noexcept { return !handle || handle.done(); }
    std::coroutine_handle<>
    await_suspend(std::coroutine_handle<> awaiting) noexcept {
      handle.promise().continuation = awaiting;
      return handle; // symmetric transfer into the child
    }
    T await_resume() {
      if (!handle)
        throw std::logic_error("concur::task: awaiting an empty task");
      return handle.promise().take();
    }
  };
  awaiter operator co_await() && noexcept { return awaiter{handle_}; }

  /// Low-level access for the loop and for adaptors.
  [[nodiscard]] std::coroutine_handle<promise_type> handle() const noexcept {
    return handle_;
  }

private:
  std::coroutine_handle<promise_type> handle_;
};

template <class T>
task<T> detail::task_promise<T>::get_return_object() noexcept {
  return task<T>(std::coroutine_handle<task_promise>::from_promise(*this));
}

} // namespace concur
