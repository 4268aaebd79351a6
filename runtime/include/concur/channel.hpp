// concur::channel<T>: a multi-producer multi-consumer queue, bounded or
// unbounded, that can be closed: the producer/consumer pattern of the
// `threading` row (Python's queue.Queue plus Go's close).
//
// Close semantics: after close(), send() throws channel_closed (also in
// senders blocked on a full channel, whose value is not sent); receivers
// still get every value sent before close(), then receive() throws
// channel_closed and iteration ends. try_ and timed forms never throw for a
// closed channel: they report failure, and closed() tells why.
//
// Work tracking (Python's queue.Queue.task_done/join): every value queued
// counts as unfinished until a consumer calls task_done() for it; join()
// blocks until none is unfinished.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <iterator>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>

#include "concur/detail/size_check.hpp"

namespace concur {

/// send() on a closed channel, or receive() on a closed, drained one.
class channel_closed : public std::runtime_error {
public:
  channel_closed() : std::runtime_error("concur: channel is closed") {}
};

template <class T> class channel {
public:
  /// An unbounded channel: send never blocks.
  channel() = default;
  /// The largest capacity of a bounded channel (2^30).
  static constexpr std::size_t max_capacity = std::size_t{1} << 30;

  /// A bounded channel: send blocks while `capacity` values are queued.
  /// std::invalid_argument unless 1 <= capacity <= max_capacity (a negative
  /// count converted to std::size_t is above it).
  explicit channel(std::size_t capacity) : capacity_(capacity) {
    detail::check_size("concur::channel", "capacity", capacity, 1,
                       max_capacity);
  }
  channel(const channel &) = delete;
  channel &operator=(const channel &) = delete;

  /// Blocks while full; throws channel_closed if the channel is or becomes
  /// closed before the value is queued.
  void send(T value) {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [this] { return closed_ || !full(); });
    if (closed_)
      throw channel_closed();
    push(lock, std::move(value));
  }

  /// Queues `value` if there is room and the channel is open; on failure
  /// `value` is left untouched.
  bool try_send(T &&value) {
    std::unique_lock lock(mutex_);
    if (closed_ || full())
      return false;
    push(lock, std::move(value));
    return true;
  }
  bool try_send(const T &value) {
    T copy(value);
    return try_send(std::move(copy));
  }

  /// Like send(), giving up after `timeout` (false; `value` untouched) or
  /// when the channel is closed (false).
  template <class Rep, class Period>
  bool send_for(T &&value, const std::chrono::duration<Rep, Period> &timeout) {
    std::unique_lock lock(mutex_);
    if (!not_full_.wait_for(lock, timeout,
                            [this] { return closed_ || !full(); }) ||
        closed_)
      return false;
    push(lock, std::move(value));
    return true;
  }
  template <class Rep, class Period>
  bool send_for(const T &value,
                const std::chrono::duration<Rep, Period> &timeout) {
    T copy(value);
    return send_for(std::move(copy), timeout);
  }

  /// Blocks until a value is available; throws channel_closed once the
  /// channel is closed and drained.
  T receive() {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [this] { return closed_ || !items_.empty(); });
    if (items_.empty())
      throw channel_closed();
    return pop(lock);
  }

  /// A value if one is queued now.
  std::optional<T> try_receive() {
    std::unique_lock lock(mutex_);
    if (items_.empty())
      return std::nullopt;
    return pop(lock);
  }

  /// A value, or nothing after `timeout` or once closed and drained.
  template <class Rep, class Period>
  std::optional<T>
  receive_for(const std::chrono::duration<Rep, Period> &timeout) {
    std::unique_lock lock(mutex_);
    if (!not_empty_.wait_for(lock, timeout,
                             [this] { return closed_ || !items_.empty(); }) ||
        items_.empty())
      return std::nullopt;
    return pop(lock);
  }

  /// No more sends; wakes every blocked sender and receiver. Idempotent.
  void close() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    not_full_.notify_all();
    not_empty_.notify_all();
  }

  /// Marks one received value as processed (Python's Queue.task_done).
  /// Throws std::logic_error if called more times than values were queued
  /// (Python raises ValueError); the count is then left unchanged.
  void task_done() {
    {
      std::lock_guard lock(mutex_);
      if (unfinished_ == 0)
        throw std::logic_error(
            "concur::channel::task_done called too many times");
      if (--unfinished_ != 0)
        return;
    }
    all_done_.notify_all();
  }

  /// Blocks until every value queued so far has been marked task_done()
  /// (Python's Queue.join). Returns at once if none is unfinished. Closing
  /// the channel does not end it: values sent before close() still count.
  void join() const {
    std::unique_lock lock(mutex_);
    all_done_.wait(lock, [this] { return unfinished_ == 0; });
  }

  /// Like join(), giving up after `timeout`; true if nothing is unfinished.
  template <class Rep, class Period>
  [[nodiscard]] bool
  join_for(const std::chrono::duration<Rep, Period> &timeout) const {
    std::unique_lock lock(mutex_);
    return all_done_.wait_for(lock, timeout,
                              [this] { return unfinished_ == 0; });
  }

  /// Values queued and not yet marked task_done() (received or not).
  std::size_t unfinished() const {
    std::lock_guard lock(mutex_);
    return unfinished_;
  }

  bool closed() const {
    std::lock_guard lock(mutex_);
    return closed_;
  }
  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return items_.size();
  }
  bool empty() const { return size() == 0; }
  /// 0 for an unbounded channel.
  std::size_t capacity() const noexcept { return capacity_; }

  /// Receives until the channel is closed and drained:
  /// `for (T value : ch) ...`.
  class iterator {
  public:
    using value_type = T;
    using difference_type = std::ptrdiff_t;

    iterator() = default;
    T &operator*() const { return *value_; }
    T *operator->() const { return &*value_; }
    iterator &operator++() {
      value_ = channel_->receive_or_end();
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator &it, std::default_sentinel_t) {
      return !it.value_;
    }

  private:
    friend class channel;
    explicit iterator(channel *ch)
        : channel_(ch), value_(ch->receive_or_end()) {}
    channel *channel_ = nullptr;
    mutable std::optional<T> value_;
  };

  iterator begin() { return iterator(this); }
  std::default_sentinel_t end() const noexcept { return {}; }

private:
  bool full() const { return capacity_ != 0 && items_.size() >= capacity_; }

  void push(std::unique_lock<std::mutex> &lock, T &&value) {
    items_.push_back(std::move(value));
    ++unfinished_;
    lock.unlock();
    not_empty_.notify_one();
  }

  T pop(std::unique_lock<std::mutex> &lock) {
    T value = std::move(items_.front());
    items_.pop_front();
    lock.unlock();
    if (capacity_ != 0)
      not_full_.notify_one();
    return value;
  }

  std::optional<T> receive_or_end() {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [this] { return closed_ || !items_.empty(); });
    if (items_.empty())
      return std::nullopt;
    return pop(lock);
  }

  mutable std::mutex mutex_;
  std::condition_variable not_full_;
  std::condition_variable not_empty_;
  mutable std::condition_variable all_done_;
  std::deque<T> items_;
  std::size_t unfinished_ = 0; // queued and not yet task_done()
  std::size_t capacity_ = 0;
  bool closed_ = false;
};

} // namespace concur
