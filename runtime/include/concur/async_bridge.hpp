// concur/async_bridge.hpp - between the event loop and threads (rows: mixed,
// asyncio).
//
//   int n = co_await concur::run_in_executor(concur::cpu_pool(), count_primes,
//   1'000'000); std::string page = co_await concur::to_thread(blocking_fetch,
//   url);  // io_pool() T v = co_await
//   concur::await_future(some_concur_future); concur::future<T> f =
//   concur::run_coroutine_threadsafe(loop, make_task());  // other thread
//   std::string text = co_await concur::read_file("data.txt");        // via
//   io_pool()
//
// The loop thread never blocks: work goes to a pool, and its completion is
// posted back into the loop with call_soon_threadsafe. Cancelling a task that
// awaits pool work resumes it at once with cancelled_error; the pool job is
// cancelled if it has not started, and asked to stop (std::stop_token) if it
// has and accepts one.
#pragma once

#include "concur/event_loop.hpp"
#include "concur/future.hpp"
#include "concur/thread_pool.hpp"

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <type_traits>
#include <utility>

namespace concur {

namespace detail {
// Shared between an awaiter (loop thread) and a completion callback (any
// thread). `waiter` is touched on the loop thread only.
struct future_bridge {
  std::shared_ptr<loop_anchor> anchor;
  suspension *waiter = nullptr;
};
} // namespace detail

/// Awaitable over a concur::future<T>: suspends the task (not the thread)
/// until the future is done, then yields its value or rethrows.
template <class T> class future_awaiter : detail::suspension {
public:
  explicit future_awaiter(future<T> f) : future_(std::move(f)) {}
  future_awaiter(const future_awaiter &) = delete;
  future_awaiter &operator=(const future_awaiter &) = delete;

  bool await_ready() const { return future_.done(); }
  bool await_suspend(std::coroutine_handle<> coro) {
    event_loop &l = event_loop::require_current(
        "concur: awaiting a future outside an event loop");
    if (!l.park(*this, coro))
      return false;
    bridge_ = std::make_shared<detail::future_bridge>();
    bridge_->anchor = l.anchor();
    bridge_->waiter = this;
    cancel_fn = [](detail::suspension *self) {
      auto *me = static_cast<future_awaiter *>(self);
      me->bridge_->waiter = nullptr; // a late completion finds nobody
      me->future_.cancel();          // if it has not started
      me->future_.request_stop();    // if it has and takes a stop_token
      me->cancelled = true;
      me->loop->schedule(me->coro, me->owner);
    };
    // May run at once (already done) or on the completing thread.
    future_.add_done_callback([bridge = bridge_] {
      bridge->anchor->post([bridge] {
        if (detail::suspension *w = std::exchange(bridge->waiter, nullptr))
          w->loop->unpark(*w);
      });
    });
    return true;
  }
  T await_resume() {
    if (cancelled)
      throw cancelled_error();
    if constexpr (std::is_void_v<T>)
      std::move(future_).get();
    else
      return std::move(future_).get();
  }

private:
  future<T> future_;
  std::shared_ptr<detail::future_bridge> bridge_;
};

/// co_await concur::await_future(f): the task waits for f without blocking
/// the loop (asyncio.wrap_future).
template <class T> [[nodiscard]] future_awaiter<T> await_future(future<T> f) {
  return future_awaiter<T>(std::move(f));
}

/// co_await concur::run_in_executor(pool, f, args...): runs f(args...) on
/// `pool` (anything whose submit returns a concur::future, e.g. a
/// thread_pool or an executor) and resumes with its result. For CPU work use
/// concur::cpu_pool() (row: mixed); for blocking calls, concur::io_pool().
template <class Pool, class F, class... Args>
[[nodiscard]] auto run_in_executor(Pool &pool, F &&f, Args &&...args) {
  return await_future(
      pool.submit(std::forward<F>(f), std::forward<Args>(args)...));
}

/// co_await concur::to_thread(f, args...): run_in_executor on the shared
/// I/O pool (asyncio.to_thread), for blocking calls with no async form.
template <class F, class... Args>
[[nodiscard]] auto to_thread(F &&f, Args &&...args) {
  return run_in_executor(io_pool(), std::forward<F>(f),
                         std::forward<Args>(args)...);
}

/// From any thread: runs `body` on `loop` and returns a future of its result
/// (asyncio.run_coroutine_threadsafe). future::cancel() before it starts
/// prevents it; future::request_stop() afterwards cancels the task.
template <class T>
[[nodiscard]] future<T> run_coroutine_threadsafe(event_loop &loop,
                                                 task<T> body) {
  auto result = std::make_shared<promise<T>>();
  // Taken before the future escapes: its request_stop() may come from any
  // thread.
  std::stop_token stop = result->get_stop_token();
  future<T> f = result->get_future();
  auto shared_body = std::make_shared<task<T>>(std::move(body));
  loop.call_soon_threadsafe([&loop, result, shared_body, stop] {
    if (!result->set_running())
      return; // cancelled through the future before it started
    auto relay = [](std::shared_ptr<promise<T>> p, task<T> t) -> task<void> {
      try {
        if constexpr (std::is_void_v<T>) {
          co_await std::move(t);
          p->set_value();
        } else {
          p->set_value(co_await std::move(t));
        }
      } catch (...) {
        p->set_exception(std::current_exception());
      }
    };
    // A stop request on the future cancels the task (event_loop::spawn posts
    // it to the loop's thread).
    (void)loop.spawn(relay(result, std::move(*shared_body)), stop,
                     "threadsafe");
  });
  return f;
}

// ---------------------------------------------------------------------------
// Files, through the I/O pool (the seeds' "file I/O -> asyncio + aiofiles").
// Errors are std::system_error naming the operation, the path and errno.

/// The whole file as bytes in a string.
[[nodiscard]] task<std::string> read_file(std::string path);
/// Replaces the file's contents (creating it, mode 0666 & ~umask).
[[nodiscard]] task<void> write_file(std::string path, std::string data);
/// Appends to the file (creating it).
[[nodiscard]] task<void> append_file(std::string path, std::string data);

/// A file opened for streaming reads or writes; every operation runs on the
/// I/O pool. Use from one task at a time.
class async_file {
public:
  enum class mode { read, write, append, read_write };
  async_file() = default;
  async_file(async_file &&other) noexcept
      : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}
  async_file &operator=(async_file &&other) noexcept;
  async_file(const async_file &) = delete;
  async_file &operator=(const async_file &) = delete;
  /// Closes synchronously if still open (close() is the non-blocking way).
  ~async_file();

  [[nodiscard]] static task<async_file> open(std::string path, mode how);
  /// Up to `max_bytes`; an empty string at end of file.
  [[nodiscard]] task<std::string> read_some(std::size_t max_bytes);
  [[nodiscard]] task<void> write(std::string data);
  [[nodiscard]] task<void> flush(); // fsync
  [[nodiscard]] task<void> close();
  [[nodiscard]] bool is_open() const noexcept { return fd_ >= 0; }
  [[nodiscard]] const std::string &path() const noexcept { return path_; }

private:
  async_file(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_ = -1;
  std::string path_;
};

} // namespace concur
