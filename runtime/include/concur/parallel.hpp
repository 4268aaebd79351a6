// concur::parallel_for / parallel_map / parallel_reduce / parallel_stream —
// the joblib row: a parallel map over many items with automatic batching,
// progress, cancellation and a first-exception policy.
//
// Design. The calling thread and jobs-1 helpers from concur::cpu_pool() (or,
// when jobs exceeds its size, from a process-wide helper pool that is kept
// between calls, as joblib keeps its workers) claim batches of item indices
// from one atomic counter, so scheduling costs one atomic add per batch, not
// per item. With automatic batching a batch starts at one item and doubles
// while batches finish faster than batch_policy::min_duration (halves when
// slower than max_duration), like joblib's auto batch size; it is also capped
// at a share of the remaining items so the last batches still balance the load.
// Helpers that start after the work is over return at once, so a parallel map
// called from inside a pool task cannot deadlock waiting for its own pool.
//
// The process backend (the overloads taking a concur::process_pool) runs the
// same schedule, each batch as one process_pool::submit_batch message, for
// work that is not thread-safe; large contiguous items travel through the
// pool's shared memory rather than the socket (see serialize.hpp).
//
// The first exception (the one at the lowest item index among the items that
// failed) stops further batches and is rethrown to the caller once every
// running batch has stopped. A stop request on options.stop does the same with
// concur::cancelled_error.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <iterator>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <ranges>
#include <stdexcept>
#include <stop_token>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "concur/detail/size_check.hpp"
#include "concur/future.hpp"
#include "concur/process_pool.hpp"
#include "concur/progress.hpp"
#include "concur/thread_pool.hpp"

namespace concur {

struct batch_policy {
  std::size_t fixed = 0; // items per batch; 0 = automatic
  std::chrono::duration<double> min_duration{
      0.2}; // automatic: grow batches faster than this
  std::chrono::duration<double> max_duration{
      2.0}; // automatic: shrink batches slower than this

  // The largest fixed batch (2^30 items).
  static constexpr std::size_t max_items = std::size_t{1} << 30;

  [[nodiscard]] static batch_policy automatic() { return {}; }
  // std::invalid_argument unless 1 <= items <= max_items (a negative count
  // converted to std::size_t is above it).
  [[nodiscard]] static batch_policy of(std::size_t items) {
    detail::check_size("concur::batch_policy::of", "items", items, 1,
                       max_items);
    return {.fixed = items};
  }
};

enum class result_order { ordered, unordered };

struct parallel_options {
  // Like joblib's n_jobs: a positive count, or negative for "all cores but
  // |jobs|-1" (-1 = all cores, -2 = all but one, never fewer than one). 0
  // and values beyond +-max_jobs are errors (std::invalid_argument).
  static constexpr int max_jobs = static_cast<int>(thread_pool::max_threads);
  int jobs = -1;
  batch_policy batch{};
  std::stop_token stop{};
  // Set to report progress (a bar and/or a callback, see concur::progress).
  std::optional<progress_options> progress{};
};

namespace detail {
// The process-wide pool for helpers beyond cpu_pool()'s size, with at least
// `threads` workers: created on first use, replaced by a larger one when a
// call needs more, reused by every call after (see parallel.cpp).
[[nodiscard]] std::shared_ptr<thread_pool> helper_pool(std::size_t threads);
} // namespace detail

// The number of workers `jobs` means on this machine; std::invalid_argument
// for 0 or beyond +-parallel_options::max_jobs.
[[nodiscard]] std::size_t effective_jobs(int jobs);

namespace detail {

// Shared by the caller and its helpers; helpers hold it by shared_ptr so a
// helper that starts after the caller has returned finds the work closed.
class batch_scheduler {
public:
  batch_scheduler(std::size_t items, std::size_t workers,
                  const parallel_options &options)
      : items_(items), workers_(workers), policy_(options.batch),
        stop_(options.stop),
        batch_(options.batch.fixed != 0 ? options.batch.fixed : 1) {
    // batch_policy is an aggregate: a fixed size set without of() is checked
    // here.
    check_size("concur::parallel", "batch.fixed", options.batch.fixed, 0,
               batch_policy::max_items, " (0: automatic)");
    if (options.progress)
      progress_.emplace(items, *options.progress);
  }

  // A helper's entry: false if the work is already over.
  bool join() {
    std::lock_guard lock(mutex_);
    if (closed_)
      return false;
    ++active_;
    return true;
  }
  void leave() {
    std::lock_guard lock(mutex_);
    if (--active_ == 0)
      idle_.notify_all();
  }
  // Called by the caller when it has no more batches: no helper may join
  // after this, and running helpers are waited for.
  void close_and_wait() {
    std::unique_lock lock(mutex_);
    closed_ = true;
    idle_.wait(lock, [this] { return active_ == 0; });
  }

  // Runs batches until none are left; body(begin, end) processes a batch,
  // checking should_stop() between items and reporting failures through
  // fail(); it returns the index it stopped at.
  template <class Body> void work(Body &body) {
    for (;;) {
      if (should_stop())
        return;
      const std::size_t size = next_batch_size();
      const std::size_t begin =
          next_.fetch_add(size, std::memory_order_relaxed);
      if (begin >= items_)
        return;
      const std::size_t end = std::min(items_, begin + size);
      const auto started = std::chrono::steady_clock::now();
      const std::size_t finished = body(begin, end);
      if (policy_.fixed == 0 && finished == end)
        adapt(size, std::chrono::steady_clock::now() - started);
      if (progress_)
        progress_->advance(finished - begin);
    }
  }

  [[nodiscard]] bool should_stop() const noexcept {
    return failed_.load(std::memory_order_relaxed) || stop_.stop_requested();
  }

  // Records the failure of item `index`; the lowest index wins.
  void fail(std::size_t index, std::exception_ptr error) {
    std::lock_guard lock(mutex_);
    if (!error_ || index < error_index_) {
      error_ = std::move(error);
      error_index_ = index;
    }
    failed_.store(true, std::memory_order_relaxed);
  }

  // After close_and_wait(): rethrows the first exception, or cancelled_error
  // if the work was stopped before it finished.
  void rethrow_if_failed(std::size_t completed_items) {
    if (error_)
      std::rethrow_exception(error_);
    if (completed_items < items_ && stop_.stop_requested()) {
      throw cancelled_error(
          "concur::parallel: cancelled through its stop token");
    }
    if (progress_)
      progress_->finish();
  }

private:
  std::size_t next_batch_size() const {
    const std::size_t claimed =
        std::min(items_, next_.load(std::memory_order_relaxed));
    const std::size_t remaining = items_ - claimed;
    if (policy_.fixed != 0)
      return policy_.fixed;
    // Leave at least two batches per worker so the tail balances.
    const std::size_t share =
        std::max<std::size_t>(1, remaining / (2 * workers_));
    return std::clamp<std::size_t>(batch_.load(std::memory_order_relaxed), 1,
                                   share);
  }

  void adapt(std::size_t size, std::chrono::steady_clock::duration took) {
    const std::chrono::duration<double> seconds = took;
    std::size_t next = size;
    if (seconds < policy_.min_duration) {
      next =
          size > std::numeric_limits<std::size_t>::max() / 2 ? size : size * 2;
    } else if (seconds > policy_.max_duration) {
      next = std::max<std::size_t>(1, size / 2);
    }
    batch_.store(next, std::memory_order_relaxed);
  }

  const std::size_t items_;
  const std::size_t workers_;
  const batch_policy policy_;
  const std::stop_token stop_;
  std::atomic<std::size_t> next_{0};
  std::atomic<std::size_t> batch_;
  std::atomic<bool> failed_{false};
  std::optional<progress> progress_;

  std::mutex mutex_;
  std::condition_variable idle_;
  std::size_t active_ = 0;
  bool closed_ = false;
  std::exception_ptr error_;
  std::size_t error_index_ = 0;
};

// Runs body over [0, items) with the caller and jobs-1 helpers.
// body(begin, end) returns the index it stopped at (end unless stopped), and
// sets the scheduler's failure itself when an item throws.
template <class Body>
void run_batches(std::size_t items, const parallel_options &options,
                 Body body) {
  const std::size_t workers =
      std::min(effective_jobs(options.jobs), std::max<std::size_t>(items, 1));
  auto scheduler = std::make_shared<batch_scheduler>(items, workers, options);
  std::atomic<std::size_t> completed{0};
  auto counted = [&](std::size_t begin, std::size_t end) {
    const std::size_t stopped = body(*scheduler, begin, end);
    completed.fetch_add(stopped - begin, std::memory_order_relaxed);
    return stopped;
  };
  // More helpers than the shared pool has threads: the process-wide helper
  // pool, kept between calls as joblib keeps its workers.
  std::shared_ptr<thread_pool> oversubscribed;
  if (workers > 1) {
    thread_pool *pool = &cpu_pool();
    if (workers - 1 > pool->size()) {
      oversubscribed = helper_pool(workers - 1);
      pool = oversubscribed.get();
    }
    for (std::size_t i = 0; i + 1 < workers; ++i) {
      pool->post([scheduler, &counted] {
        // After close_and_wait() no helper joins, so `counted` is never used
        // late.
        if (!scheduler->join())
          return;
        scheduler->work(counted);
        scheduler->leave();
      });
    }
  }
  scheduler->work(counted);
  scheduler->close_and_wait();
  scheduler->rethrow_if_failed(completed.load());
}

// The positions of a range that is not random access, walked once.
template <class Iterator> struct position_index {
  std::vector<Iterator> positions;
  [[nodiscard]] std::size_t size() const { return positions.size(); }
};

template <class Range> decltype(auto) indexable(Range &&range) {
  if constexpr (std::ranges::random_access_range<Range> &&
                std::ranges::sized_range<Range>) {
    return std::forward<Range>(range);
  } else {
    position_index<std::ranges::iterator_t<Range>> index;
    for (auto it = std::ranges::begin(range); it != std::ranges::end(range);
         ++it) {
      index.positions.push_back(it);
    }
    return index;
  }
}

template <class Range> decltype(auto) element(Range &range, std::size_t index) {
  return std::ranges::begin(
      range)[static_cast<std::ranges::range_difference_t<Range>>(index)];
}
template <class Iterator>
decltype(auto) element(position_index<Iterator> &range, std::size_t index) {
  return *range.positions[index];
}

// Applies f to items [begin, end), reporting the failing index to the
// scheduler; returns where it stopped.
template <class Items, class PerItem>
std::size_t for_each_in_batch(batch_scheduler &scheduler, Items &items,
                              std::size_t begin, std::size_t end,
                              PerItem &per_item) {
  for (std::size_t i = begin; i < end; ++i) {
    if (scheduler.should_stop())
      return i;
    std::exception_ptr error;
    try {
      per_item(i, element(items, i));
    } catch (...) {
      error = std::current_exception();
    }
    // Published after the catch block has released its hold on the exception,
    // so the caller that rethrows it never races with this thread.
    if (error) {
      scheduler.fail(i, std::move(error));
      return i;
    }
  }
  return end;
}

} // namespace detail

// Calls f(item) for every item of range, in parallel.
template <std::ranges::input_range Range, class F>
void parallel_for(Range &&range, F f, const parallel_options &options = {}) {
  auto &&items = detail::indexable(std::forward<Range>(range));
  const auto count = static_cast<std::size_t>(std::ranges::size(items));
  auto per_item = [&](std::size_t, auto &&item) { std::invoke(f, item); };
  detail::run_batches(count, options,
                      [&](detail::batch_scheduler &scheduler, std::size_t begin,
                          std::size_t end) {
                        return detail::for_each_in_batch(scheduler, items,
                                                         begin, end, per_item);
                      });
}

// f(item) for every item, results in item order.
template <std::ranges::input_range Range, class F>
[[nodiscard]] auto parallel_map(Range &&range, F f,
                                const parallel_options &options = {}) {
  auto &&items = detail::indexable(std::forward<Range>(range));
  const auto count = static_cast<std::size_t>(std::ranges::size(items));
  using result_type =
      std::decay_t<decltype(std::invoke(f, detail::element(items, 0)))>;
  static_assert(!std::is_void_v<result_type>,
                "use concur::parallel_for for functions returning void");
  std::vector<std::optional<result_type>> slots(count);
  auto per_item = [&](std::size_t index, auto &&item) {
    slots[index].emplace(std::invoke(f, item));
  };
  detail::run_batches(count, options,
                      [&](detail::batch_scheduler &scheduler, std::size_t begin,
                          std::size_t end) {
                        return detail::for_each_in_batch(scheduler, items,
                                                         begin, end, per_item);
                      });
  std::vector<result_type> results;
  results.reserve(count);
  for (auto &slot : slots)
    results.push_back(std::move(*slot));
  return results;
}

// combine(...combine(combine(init, f(x0)), f(x1))...) for an associative
// combine; batches fold locally and their partial results are combined in
// item order, so a non-commutative combine gives the sequential answer.
template <std::ranges::input_range Range, class T, class F, class Combine>
[[nodiscard]] T parallel_reduce(Range &&range, T init, F f, Combine combine,
                                const parallel_options &options = {}) {
  auto &&items = detail::indexable(std::forward<Range>(range));
  const auto count = static_cast<std::size_t>(std::ranges::size(items));
  std::mutex partials_mutex;
  std::map<std::size_t, T> partials; // by batch start
  detail::run_batches(count, options,
                      [&](detail::batch_scheduler &scheduler, std::size_t begin,
                          std::size_t end) {
                        std::optional<T> partial;
                        auto per_item = [&](std::size_t, auto &&item) {
                          if (partial) {
                            partial = std::invoke(combine, std::move(*partial),
                                                  std::invoke(f, item));
                          } else {
                            partial.emplace(std::invoke(f, item));
                          }
                        };
                        const std::size_t stopped = detail::for_each_in_batch(
                            scheduler, items, begin, end, per_item);
                        if (partial) {
                          std::lock_guard lock(partials_mutex);
                          partials.emplace(begin, std::move(*partial));
                        }
                        return stopped;
                      });
  for (auto &[begin, partial] : partials)
    init = std::invoke(combine, std::move(init), std::move(partial));
  return init;
}

// The process backend: f runs in `pool`'s workers, one batch per message.
// f must be a function or a captureless lambda, items and results
// serializable (see process_pool.hpp). By default as many batches run at
// once as the pool has workers. A failing batch's exception (remote_error,
// broken_worker ...) is rethrown; its items have no partial results.
template <std::ranges::input_range Range, class F>
[[nodiscard]] auto parallel_map(process_pool &pool, Range &&range, F f,
                                parallel_options options = {}) {
  auto &&items = detail::indexable(std::forward<Range>(range));
  const auto count = static_cast<std::size_t>(std::ranges::size(items));
  using item_type = std::decay_t<decltype(detail::element(items, 0))>;
  using result_type = std::decay_t<std::invoke_result_t<F &, item_type &>>;
  if (options.jobs < 0)
    options.jobs = static_cast<int>(pool.size());
  std::vector<std::optional<result_type>> slots(count);
  detail::run_batches(count, options,
                      [&](detail::batch_scheduler &scheduler, std::size_t begin,
                          std::size_t end) {
                        std::exception_ptr error;
                        try {
                          std::vector<item_type> batch;
                          batch.reserve(end - begin);
                          for (std::size_t i = begin; i < end; ++i)
                            batch.push_back(detail::element(items, i));
                          auto results =
                              pool.submit_batch(f, std::move(batch)).get();
                          for (std::size_t i = begin; i < end; ++i)
                            slots[i].emplace(std::move(results[i - begin]));
                        } catch (...) {
                          error = std::current_exception();
                        }
                        if (error) {
                          scheduler.fail(begin, std::move(error));
                          return begin;
                        }
                        return end;
                      });
  std::vector<result_type> results;
  results.reserve(count);
  for (auto &slot : slots)
    results.push_back(std::move(*slot));
  return results;
}

// parallel_reduce on the process backend: f runs in the workers, combine in
// the caller, in item order.
template <std::ranges::input_range Range, class T, class F, class Combine>
[[nodiscard]] T parallel_reduce(process_pool &pool, Range &&range, T init, F f,
                                Combine combine,
                                const parallel_options &options = {}) {
  for (auto &value :
       parallel_map(pool, std::forward<Range>(range), f, options)) {
    init = std::invoke(combine, std::move(init), std::move(value));
  }
  return init;
}

// Results as they are produced: parallel_stream(range, f, order) is an input
// range of f(item) — in item order (result_order::ordered, like joblib's
// return_as="generator") or in completion order (unordered, like
// "generator_unordered"), each paired with its item index. The work runs in
// the background while the stream is read; destroying the stream stops it.
// The range must outlive the stream.
template <class T> class result_stream {
public:
  struct value_type {
    std::size_t index;
    T value;
  };

  class iterator {
  public:
    using value_type = result_stream::value_type;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    explicit iterator(result_stream *stream) : stream_(stream) { ++*this; }
    value_type &operator*() const { return *current_; }
    value_type *operator->() const { return &*current_; }
    iterator &operator++() {
      current_ = stream_->next();
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator &it, std::default_sentinel_t) {
      return !it.current_;
    }

  private:
    result_stream *stream_ = nullptr;
    mutable std::optional<value_type> current_;
  };

  template <class Items, class F>
  result_stream(Items &items, std::size_t count, F f, result_order order,
                parallel_options options)
      : state_(std::make_shared<state>(order)) {
    // A stop on the caller's token or the stream's destruction stops the work.
    state_->forward_stop.emplace(options.stop, stop_forwarder{state_->stopper});
    options.stop = state_->stopper.get_token();
    // The producer is an ordinary std::jthread so the caller can read while it
    // runs.
    producer_ = std::jthread(
        [this, &items, count, f = std::move(f), options]() mutable {
          auto shared = state_;
          try {
            auto per_item = [&](std::size_t index, auto &&item) {
              auto value = std::invoke(f, item);
              shared->push(index, std::move(value));
            };
            detail::run_batches(count, options,
                                [&](detail::batch_scheduler &scheduler,
                                    std::size_t begin, std::size_t end) {
                                  return detail::for_each_in_batch(
                                      scheduler, items, begin, end, per_item);
                                });
            shared->finish(nullptr);
          } catch (...) {
            shared->finish(std::current_exception());
          }
        });
  }
  result_stream(const result_stream &) = delete;
  result_stream &operator=(const result_stream &) = delete;
  ~result_stream() {
    state_->stopper.request_stop();
    // jthread joins; the producer ends once running batches see the stop.
  }

  iterator begin() { return iterator(this); }
  std::default_sentinel_t end() { return {}; }

private:
  struct stop_forwarder {
    std::stop_source target;
    void operator()() noexcept { target.request_stop(); }
  };

  struct state {
    explicit state(result_order how) : order(how) {}
    void push(std::size_t index, T value) {
      std::lock_guard lock(mutex);
      ready.emplace(index, std::move(value));
      changed.notify_one();
    }
    void finish(std::exception_ptr failure) {
      std::lock_guard lock(mutex);
      done = true;
      error = std::move(failure);
      changed.notify_one();
    }
    const result_order order;
    std::stop_source stopper;
    std::optional<std::stop_callback<stop_forwarder>> forward_stop;
    std::mutex mutex;
    std::condition_variable changed;
    std::map<std::size_t, T> ready;
    std::size_t next_index = 0; // ordered: the index to deliver next
    bool done = false;
    std::exception_ptr error;
  };

  std::optional<value_type> next() {
    std::unique_lock lock(state_->mutex);
    for (;;) {
      if (!state_->ready.empty()) {
        auto it = state_->order == result_order::ordered
                      ? state_->ready.find(state_->next_index)
                      : state_->ready.begin();
        if (it != state_->ready.end()) {
          value_type item{it->first, std::move(it->second)};
          state_->ready.erase(it);
          ++state_->next_index;
          return item;
        }
      }
      if (state_->done) {
        // Results already produced come first; then the failure, if any.
        if (state_->error)
          std::rethrow_exception(std::exchange(state_->error, nullptr));
        return std::nullopt;
      }
      state_->changed.wait(lock);
    }
  }

  std::shared_ptr<state> state_;
  std::jthread producer_; // last: joined before state_ is released
};

template <std::ranges::random_access_range Range, class F>
  requires std::ranges::sized_range<Range> && std::is_lvalue_reference_v<Range>
[[nodiscard]] auto parallel_stream(Range &&range, F f,
                                   result_order order = result_order::ordered,
                                   parallel_options options = {}) {
  using result_type =
      std::decay_t<decltype(std::invoke(f, detail::element(range, 0)))>;
  return result_stream<result_type>(
      range, static_cast<std::size_t>(std::ranges::size(range)), std::move(f),
      order, std::move(options));
}

} // namespace concur
