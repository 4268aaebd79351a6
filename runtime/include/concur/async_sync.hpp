// concur/async_sync.hpp - synchronisation between tasks of one event loop
// (asyncio.Event, Semaphore, Lock, Queue). They suspend the awaiting task,
// never the thread, and are not thread-safe: use them from the loop's thread
// (from other threads, event_loop::call_soon_threadsafe into the loop).
//
// All of them are fair: waiters are served in FIFO order, and a released
// permit, lock or queue slot is handed to the first waiter directly, so a
// task that arrives later cannot barge in front of one that waits. Every wait
// is cancellable; a cancelled waiter leaves the queue without consuming
// anything, and one that was already served keeps what it got (the
// cancellation then arrives at its next await).
#pragma once

#include "concur/detail/size_check.hpp"
#include "concur/event_loop.hpp"

#include <cstddef>
#include <deque>
#include <optional>
#include <stdexcept>
#include <utility>

namespace concur {

namespace detail {
/// A task parked in a primitive's FIFO.
struct fifo_waiter : list_node, suspension {
  void park_in(intrusive_list<fifo_waiter> &list) {
    list.push_back(*this);
    cancel_fn = [](suspension *self) {
      auto *me = static_cast<fifo_waiter *>(self);
      static_cast<list_node *>(me)->unlink();
      me->cancelled = true;
      me->loop->schedule(me->coro, me->owner);
    };
  }
  void throw_if_cancelled() const {
    if (cancelled)
      throw cancelled_error();
  }
};

inline event_loop &loop_for(const char *what) {
  return event_loop::require_current(what);
}
} // namespace detail

/// asyncio.Event: wait() suspends until set() is called.
class async_event {
public:
  async_event() = default;
  async_event(const async_event &) = delete;
  async_event &operator=(const async_event &) = delete;

  /// Sets the flag and wakes every waiter (each runs in the next iteration).
  void set() {
    is_set_ = true;
    while (!waiters_.empty()) {
      detail::fifo_waiter &w = waiters_.pop_front();
      w.loop->unpark(w);
    }
  }
  void clear() noexcept { is_set_ = false; }
  [[nodiscard]] bool is_set() const noexcept { return is_set_; }

  struct awaiter : detail::fifo_waiter {
    async_event *event;
    explicit awaiter(async_event *e) : event(e) {}
    bool await_ready() const noexcept { return event->is_set_; }
    bool await_suspend(std::coroutine_handle<> coro) {
      if (!detail::loop_for("concur::async_event::wait outside an event loop")
               .park(*this, coro))
        return false;
      park_in(event->waiters_);
      return true;
    }
    void await_resume() const { throw_if_cancelled(); }
  };
  /// co_await event.wait(): returns at once if set.
  [[nodiscard]] awaiter wait() noexcept { return awaiter{this}; }

private:
  detail::intrusive_list<detail::fifo_waiter> waiters_;
  bool is_set_ = false;
};

class async_semaphore;

/// A permit of an async_semaphore, released on destruction.
class semaphore_permit {
public:
  semaphore_permit() = default;
  explicit semaphore_permit(async_semaphore *s) noexcept : semaphore_(s) {}
  semaphore_permit(semaphore_permit &&other) noexcept
      : semaphore_(std::exchange(other.semaphore_, nullptr)) {}
  semaphore_permit &operator=(semaphore_permit &&other) noexcept {
    if (this != &other) {
      release();
      semaphore_ = std::exchange(other.semaphore_, nullptr);
    }
    return *this;
  }
  ~semaphore_permit() { release(); }
  void release() noexcept;
  [[nodiscard]] bool owns() const noexcept { return semaphore_ != nullptr; }

private:
  async_semaphore *semaphore_ = nullptr;
};

/// asyncio.Semaphore: at most `permits` holders at a time (rate limits).
class async_semaphore {
public:
  /// The largest initial count (2^30).
  static constexpr std::size_t max_permits = std::size_t{1} << 30;

  /// std::invalid_argument unless permits <= max_permits (a negative count
  /// converted to std::size_t is above it). 0 is valid: release() first.
  explicit async_semaphore(std::size_t permits) : available_(permits) {
    detail::check_size("concur::async_semaphore", "permits", permits, 0,
                       max_permits);
  }
  async_semaphore(const async_semaphore &) = delete;
  async_semaphore &operator=(const async_semaphore &) = delete;

  [[nodiscard]] bool try_acquire() noexcept {
    if (available_ == 0 || !waiters_.empty())
      return false;
    --available_;
    return true;
  }
  /// Returns a permit: to the first waiter if there is one.
  void release() {
    if (!waiters_.empty()) {
      detail::fifo_waiter &w = waiters_.pop_front();
      w.loop->unpark(w);
    } else {
      ++available_;
    }
  }
  [[nodiscard]] std::size_t available() const noexcept { return available_; }
  [[nodiscard]] bool locked() const noexcept { return available_ == 0; }

  struct awaiter : detail::fifo_waiter {
    async_semaphore *semaphore;
    explicit awaiter(async_semaphore *s) : semaphore(s) {}
    bool await_ready() noexcept { return semaphore->try_acquire(); }
    bool await_suspend(std::coroutine_handle<> coro) {
      if (!detail::loop_for(
               "concur::async_semaphore::acquire outside an event loop")
               .park(*this, coro))
        return false;
      park_in(semaphore->waiters_);
      return true;
    }
    void await_resume() const { throw_if_cancelled(); }
  };
  /// co_await sem.acquire(): then call release() when done.
  [[nodiscard]] awaiter acquire() noexcept { return awaiter{this}; }

  struct scoped_awaiter : awaiter {
    using awaiter::awaiter;
    semaphore_permit await_resume() const {
      throw_if_cancelled();
      return semaphore_permit(semaphore);
    }
  };
  /// auto permit = co_await sem.acquire_scoped(): released with `permit`.
  [[nodiscard]] scoped_awaiter acquire_scoped() noexcept {
    return scoped_awaiter{this};
  }

private:
  std::size_t available_;
  detail::intrusive_list<detail::fifo_waiter> waiters_;
};

inline void semaphore_permit::release() noexcept {
  if (semaphore_) {
    // release() allocates only when it queues a waiter; the loop's ready queue
    // has grown by then in practice, and failing here would lose a permit.
    try {
      std::exchange(semaphore_, nullptr)->release();
    } catch (...) {
      std::terminate();
    }
  }
}

/// asyncio.Lock: mutual exclusion between tasks across awaits.
class async_mutex {
public:
  class [[nodiscard]] guard {
  public:
    guard() = default;
    explicit guard(async_mutex *m) noexcept : mutex_(m) {}
    guard(guard &&other) noexcept
        : mutex_(std::exchange(other.mutex_, nullptr)) {}
    guard &operator=(guard &&other) noexcept {
      if (this != &other) {
        unlock();
        mutex_ = std::exchange(other.mutex_, nullptr);
      }
      return *this;
    }
    ~guard() { unlock(); }
    void unlock() noexcept {
      if (mutex_)
        std::exchange(mutex_, nullptr)->unlock();
    }

  private:
    async_mutex *mutex_ = nullptr;
  };

  async_mutex() = default;
  [[nodiscard]] bool try_lock() noexcept { return semaphore_.try_acquire(); }
  /// co_await m.lock(); ... m.unlock();
  [[nodiscard]] async_semaphore::awaiter lock() noexcept {
    return semaphore_.acquire();
  }
  /// Hands the lock to the first waiter. std::logic_error if not locked.
  void unlock() {
    if (!semaphore_.locked())
      throw std::logic_error("concur::async_mutex::unlock: not locked");
    semaphore_.release();
  }
  [[nodiscard]] bool locked() const noexcept { return semaphore_.locked(); }

  struct scoped_awaiter : async_semaphore::awaiter {
    scoped_awaiter(async_semaphore *s, async_mutex *m)
        : async_semaphore::awaiter(s), mutex(m) {}
    async_mutex *mutex;
    guard await_resume() const {
      throw_if_cancelled();
      return guard(mutex);
    }
  };
  /// auto lock = co_await m.scoped_lock(): unlocked with `lock`.
  [[nodiscard]] scoped_awaiter scoped_lock() noexcept {
    return scoped_awaiter(&semaphore_, this);
  }

private:
  async_semaphore semaphore_{1};
};

/// asyncio.Queue: FIFO between tasks; bounded when max_size > 0, in which
/// case put() waits for room. task_done()/join() track finished items.
template <class T> class async_queue {
public:
  /// The largest bound of a bounded queue (2^30).
  static constexpr std::size_t max_capacity = std::size_t{1} << 30;

  /// max_size 0 means unbounded; std::invalid_argument above max_capacity
  /// (which a negative count converted to std::size_t is).
  explicit async_queue(std::size_t max_size = 0) : max_size_(max_size) {
    detail::check_size("concur::async_queue", "max_size", max_size, 0,
                       max_capacity, " (0: unbounded)");
  }
  async_queue(const async_queue &) = delete;
  async_queue &operator=(const async_queue &) = delete;

  [[nodiscard]] std::size_t size() const noexcept { return items_.size(); }
  [[nodiscard]] bool empty() const noexcept { return items_.empty(); }
  [[nodiscard]] bool full() const noexcept {
    return max_size_ > 0 && items_.size() >= max_size_;
  }
  [[nodiscard]] std::size_t max_size() const noexcept { return max_size_; }

  /// put_nowait: false (and `item` untouched) if the queue is full.
  [[nodiscard]] bool try_put(T &item) {
    if (!getters_.empty()) {
      ++unfinished_;
      getter &g = static_cast<getter &>(getters_.pop_front());
      g.value.emplace(std::move(item));
      g.loop->unpark(g);
      return true;
    }
    if (full())
      return false;
    items_.push_back(std::move(item));
    ++unfinished_;
    return true;
  }
  [[nodiscard]] bool try_put(T &&item) { return try_put(item); }

  /// get_nowait: std::nullopt if the queue is empty.
  [[nodiscard]] std::optional<T> try_get() {
    if (items_.empty())
      return std::nullopt;
    std::optional<T> value(std::move(items_.front()));
    items_.pop_front();
    admit_putter();
    return value;
  }

  struct put_awaiter : detail::fifo_waiter {
    async_queue *queue;
    T item;
    put_awaiter(async_queue *q, T i) : queue(q), item(std::move(i)) {}
    bool await_ready() { return queue->try_put(item); }
    bool await_suspend(std::coroutine_handle<> coro) {
      if (!detail::loop_for("concur::async_queue::put outside an event loop")
               .park(*this, coro))
        return false;
      park_in(queue->putters_);
      return true;
    }
    void await_resume() const { throw_if_cancelled(); }
  };
  /// co_await q.put(item): waits while the queue is full.
  [[nodiscard]] put_awaiter put(T item) {
    return put_awaiter(this, std::move(item));
  }

  struct getter : detail::fifo_waiter {
    std::optional<T> value;
  };
  struct get_awaiter : getter {
    async_queue *queue;
    explicit get_awaiter(async_queue *q) : queue(q) {}
    bool await_ready() {
      this->value = queue->try_get();
      return this->value.has_value();
    }
    bool await_suspend(std::coroutine_handle<> coro) {
      if (!detail::loop_for("concur::async_queue::get outside an event loop")
               .park(*this, coro))
        return false;
      this->park_in(queue->getters_);
      return true;
    }
    T await_resume() {
      if (this->value) // served, even if a cancellation arrived meanwhile
        return std::move(*this->value);
      this->throw_if_cancelled();
      throw std::logic_error(
          "concur::async_queue::get: resumed without an item");
    }
  };
  /// co_await q.get(): waits while the queue is empty.
  [[nodiscard]] get_awaiter get() { return get_awaiter(this); }

  /// Marks one item taken by get() as processed (asyncio's task_done).
  /// std::logic_error if called more times than items were put.
  void task_done() {
    if (unfinished_ == 0)
      throw std::logic_error(
          "concur::async_queue::task_done called too many times");
    if (--unfinished_ == 0)
      all_done_.set();
  }
  /// co_await q.join(): waits until every item put has been task_done().
  [[nodiscard]] task<void> join() {
    if (unfinished_ == 0)
      co_return;
    all_done_.clear();
    co_await all_done_.wait();
  }
  [[nodiscard]] std::size_t unfinished() const noexcept { return unfinished_; }

private:
  // After a get made room: move the first waiting putter's item in.
  void admit_putter() {
    if (putters_.empty() || full())
      return;
    auto &p = static_cast<put_awaiter &>(putters_.pop_front());
    items_.push_back(std::move(p.item));
    ++unfinished_;
    p.loop->unpark(p);
  }

  std::size_t max_size_;
  std::deque<T> items_;
  std::size_t unfinished_ = 0;
  async_event all_done_;
  detail::intrusive_list<detail::fifo_waiter> getters_;
  detail::intrusive_list<detail::fifo_waiter> putters_;
};

} // namespace concur
