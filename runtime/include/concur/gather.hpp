// concur/gather.hpp - running tasks concurrently and waiting for them
// (asyncio.gather, asyncio.wait, asyncio.wait_for / asyncio.timeout).
//
//   auto [a, b] = co_await concur::gather(fetch(x), fetch(y));   // variadic
//   std::vector<int> all = co_await concur::gather(std::move(tasks)); // range
//   auto outcomes = co_await concur::gather_outcomes(std::move(tasks));
//   auto first = co_await concur::when_any(std::move(tasks));
//   auto [done, pending] = co_await concur::async_wait(handles,
//   concur::return_when::first_completed); int v = co_await
//   concur::wait_for(fetch(x), 2s);            // timeout_error
//
// Structured, unlike asyncio.gather: gather owns the tasks it starts. When one
// fails it cancels the others and waits for them to unwind before rethrowing
// the first exception (asyncio.TaskGroup's rule), so no child outlives the
// frame whose references it may hold. Cancelling the awaiting task cancels
// them too. async_wait only observes handles you own and cancels nothing.
#pragma once

#include "concur/event_loop.hpp"
#include "concur/executor.hpp"

#include <cstddef>
#include <memory>
#include <optional>
#include <tuple>
#include <type_traits>
#include <vector>

namespace concur {

// return_when (first_completed, first_exception, all_completed) is
// concur/executor.hpp's, shared with concur::wait over futures.

/// Indices into the handles given to async_wait.
struct async_wait_result {
  std::vector<std::size_t> done;
  std::vector<std::size_t> pending;
};

/// The first task to finish in when_any, and its value.
template <class T> struct when_any_result {
  std::size_t index = 0;
  T value;
};
template <> struct when_any_result<void> {
  std::size_t index = 0;
};

namespace detail {

/// The value type gather produces for a task<T>: void becomes std::monostate.
template <class T>
using gathered_t = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

/// Waits on a set of spawned tasks until a condition holds. With `owns`, it
/// cancels its tasks when the awaiting task is cancelled (or on the first
/// failure with `fail_fast`, or at the deadline) and then waits for all of
/// them to finish, so the tasks never outlive the awaiter.
class group_wait : suspension, timer_node {
public:
  struct outcome_info {
    std::optional<std::size_t> first_done;
    std::exception_ptr first_error;
    bool timed_out = false;
  };

  group_wait(std::vector<task_state_base *> states, return_when until,
             bool owns, bool fail_fast,
             std::optional<std::chrono::steady_clock::time_point> deadline =
                 std::nullopt)
      : states_(std::move(states)), until_(until), owns_(owns),
        fail_fast_(fail_fast), deadline_(deadline),
        members_(std::make_unique<member[]>(states_.size())) {}
  group_wait(const group_wait &) = delete;
  group_wait &operator=(const group_wait &) = delete;
  ~group_wait() {
    if (loop_)
      loop_->remove_timer(*this);
  }

  bool await_ready() {
    for (std::size_t i = 0; i < states_.size(); ++i)
      if (states_[i]->done)
        note_done(i, /*registered=*/false);
    return satisfied();
  }

  bool await_suspend(std::coroutine_handle<> coro) {
    event_loop &loop = event_loop::require_current(
        "concur: waiting for tasks outside an event loop");
    if (!loop.park(*this, coro)) {
      if (owns_) { // cancelled before suspending: take the children down too
        cancel_children();
        cancelled = false; // wait for them below, then throw
        cancel_after_ = true;
        loop_ = &loop;
        return register_and_suspend(loop, coro);
      }
      return false;
    }
    loop_ = &loop;
    return register_and_suspend(loop, coro);
  }

  outcome_info await_resume() {
    if (cancelled || cancel_after_)
      throw cancelled_error();
    return info_;
  }

private:
  struct member : completion_waiter {
    group_wait *group = nullptr;
    std::size_t index = 0;
  };

  bool register_and_suspend(event_loop &loop, std::coroutine_handle<> coro) {
    coro_ = coro;
    std::size_t registered = 0;
    for (std::size_t i = 0; i < states_.size(); ++i) {
      if (states_[i]->done)
        continue;
      member &m = members_[i];
      m.group = this;
      m.index = i;
      m.on_done = [](completion_waiter *self, task_state_base &) {
        auto *me = static_cast<member *>(self);
        me->group->note_done(me->index, true);
      };
      states_[i]->waiters.push_back(m);
      ++registered;
    }
    if (fail_fast_ && owns_ && info_.first_error && !cancelling_)
      cancel_children(); // a child had already failed before we suspended
    if (registered == 0 || (satisfied() && !cancel_after_)) {
      // Nothing to wait for after all: resume in the next iteration.
      detach_members();
      if (owner && owner->parked == this)
        owner->parked = nullptr;
      loop.schedule(coro, owner);
      return true;
    }
    cancel_fn = [](suspension *self) {
      auto *me = static_cast<group_wait *>(self);
      if (me->owns_) {
        me->cancelled = false;
        me->cancel_after_ = true;
        me->cancel_children(); // resume once they have all finished
      } else {
        me->cancelled = true;
        me->finish_wait(false);
      }
    };
    if (deadline_) {
      deadline = *deadline_;
      fire = [](timer_node *self) {
        auto *me = static_cast<group_wait *>(self);
        me->info_.timed_out = true;
        if (me->owns_)
          me->cancel_children();
        else
          me->finish_wait(true);
      };
      loop.add_timer(*this);
    }
    return true;
  }

  void note_done(std::size_t i, bool registered) {
    if (done_flags_.empty())
      done_flags_.assign(states_.size(), false);
    if (done_flags_[i])
      return;
    done_flags_[i] = true;
    ++done_count_;
    task_state_base &state = *states_[i];
    if (!info_.first_done)
      info_.first_done = i;
    if (state.error && !info_.first_error && !cancelling_) {
      info_.first_error = state.error;
      if (fail_fast_ && owns_ && registered)
        cancel_children();
    }
    if (registered && !resumed_ && satisfied())
      finish_wait(true);
  }

  [[nodiscard]] bool satisfied() const {
    if (done_count_ == states_.size())
      return true;
    if (owns_ && (cancelling_ || cancel_after_))
      return false; // wait for every child to unwind
    switch (until_) {
    case return_when::first_completed:
      return done_count_ > 0;
    case return_when::first_exception:
      return bool(info_.first_error);
    case return_when::all_completed:
      return false;
    }
    return false;
  }

  void cancel_children() {
    cancelling_ = true;
    for (task_state_base *state : states_)
      if (!state->done)
        state->loop->cancel(*state);
  }

  void detach_members() {
    for (std::size_t i = 0; i < states_.size(); ++i)
      static_cast<completion_waiter &>(members_[i]).unlink();
  }

  void finish_wait(bool through_unpark) {
    if (resumed_)
      return;
    resumed_ = true;
    detach_members();
    if (loop_)
      loop_->remove_timer(*this);
    if (through_unpark)
      loop_->unpark(*this);
    else
      loop_->schedule(coro_, owner);
  }

  std::vector<task_state_base *> states_;
  return_when until_;
  bool owns_;
  bool fail_fast_;
  std::optional<std::chrono::steady_clock::time_point> deadline_;
  std::unique_ptr<member[]> members_;
  std::vector<bool> done_flags_;
  std::size_t done_count_ = 0;
  bool cancelling_ = false;
  bool cancel_after_ = false;
  bool resumed_ = false;
  event_loop *loop_ = nullptr;
  std::coroutine_handle<> coro_;
  outcome_info info_;
};

template <class T> gathered_t<T> take_value(task_handle<T> &handle) {
  if constexpr (std::is_void_v<T>) {
    handle.result();
    return {};
  } else {
    return std::move(handle.result());
  }
}

/// Marks every child's failure as retrieved before gather rethrows the first
/// one: the caller receives it, so the loop must not also report it as never
/// retrieved (asyncio.gather likewise retrieves its children's exceptions).
template <class T> void mark_retrieved(std::vector<task_handle<T>> &handles) {
  for (task_handle<T> &h : handles)
    (void)h.exception();
}
template <class... Ts>
void mark_retrieved(std::tuple<task_handle<Ts>...> &handles) {
  std::apply([](auto &...h) { ((void)h.exception(), ...); }, handles);
}

template <class T> outcome<T> take_outcome(task_handle<T> &handle) {
  if (std::exception_ptr error = handle.exception())
    return outcome<T>(error);
  if constexpr (std::is_void_v<T>)
    return outcome<void>();
  else
    return outcome<T>(std::move(handle.result()));
}

template <class T>
std::vector<task_handle<T>> spawn_all(std::vector<task<T>> &tasks) {
  event_loop &loop =
      event_loop::require_current("concur::gather outside an event loop");
  std::vector<task_handle<T>> handles;
  handles.reserve(tasks.size());
  for (task<T> &t : tasks)
    handles.push_back(loop.spawn(std::move(t)));
  return handles;
}

template <class T>
std::vector<task_state_base *>
states_of(const std::vector<task_handle<T>> &handles) {
  std::vector<task_state_base *> states;
  states.reserve(handles.size());
  for (const task_handle<T> &h : handles)
    states.push_back(h.state());
  return states;
}

template <class... Ts>
std::tuple<task_handle<Ts>...> spawn_each(task<Ts> &...tasks) {
  event_loop &loop =
      event_loop::require_current("concur::gather outside an event loop");
  return std::tuple<task_handle<Ts>...>{loop.spawn(std::move(tasks))...};
}

template <class... Ts>
std::vector<task_state_base *>
states_of(const std::tuple<task_handle<Ts>...> &handles) {
  return std::apply(
      [](const auto &...h) {
        return std::vector<task_state_base *>{h.state()...};
      },
      handles);
}

} // namespace detail

/// Runs the tasks concurrently and returns their values in order (a
/// std::monostate for task<void>). On the first failure the others are
/// cancelled, and once all have finished the failure is rethrown.
template <class... Ts>
[[nodiscard]] task<std::tuple<detail::gathered_t<Ts>...>>
gather(task<Ts>... tasks) {
  auto handles = detail::spawn_each(tasks...);
  auto info = co_await detail::group_wait(detail::states_of(handles),
                                          return_when::all_completed,
                                          /*owns=*/true, /*fail_fast=*/true);
  if (info.first_error) {
    detail::mark_retrieved(handles);
    std::rethrow_exception(info.first_error);
  }
  co_return std::apply(
      [](auto &...h) {
        return std::tuple<detail::gathered_t<Ts>...>{detail::take_value(h)...};
      },
      handles);
}

/// Range form: runs every task concurrently; values in the input's order.
template <class T>
[[nodiscard]] task<std::vector<T>> gather(std::vector<task<T>> tasks)
  requires(!std::is_void_v<T>)
{
  std::vector<task_handle<T>> handles = detail::spawn_all(tasks);
  tasks.clear();
  auto info = co_await detail::group_wait(
      detail::states_of(handles), return_when::all_completed, true, true);
  if (info.first_error) {
    detail::mark_retrieved(handles);
    std::rethrow_exception(info.first_error);
  }
  std::vector<T> values;
  values.reserve(handles.size());
  for (task_handle<T> &h : handles)
    values.push_back(std::move(h.result()));
  co_return values;
}

template <class T>
[[nodiscard]] task<void> gather(std::vector<task<T>> tasks)
  requires std::is_void_v<T>
{
  std::vector<task_handle<void>> handles = detail::spawn_all(tasks);
  tasks.clear();
  auto info = co_await detail::group_wait(
      detail::states_of(handles), return_when::all_completed, true, true);
  if (info.first_error) {
    detail::mark_retrieved(handles);
    std::rethrow_exception(info.first_error);
  }
}

/// asyncio.gather(return_exceptions=True): every task runs to its end; each
/// outcome holds its value or its exception. Nothing is cancelled.
template <class... Ts>
[[nodiscard]] task<std::tuple<outcome<Ts>...>>
gather_outcomes(task<Ts>... tasks) {
  auto handles = detail::spawn_each(tasks...);
  co_await detail::group_wait(detail::states_of(handles),
                              return_when::all_completed, true, false);
  co_return std::apply(
      [](auto &...h) {
        return std::tuple<outcome<Ts>...>{detail::take_outcome(h)...};
      },
      handles);
}

template <class T>
[[nodiscard]] task<std::vector<outcome<T>>>
gather_outcomes(std::vector<task<T>> tasks) {
  std::vector<task_handle<T>> handles = detail::spawn_all(tasks);
  tasks.clear();
  co_await detail::group_wait(detail::states_of(handles),
                              return_when::all_completed, true, false);
  std::vector<outcome<T>> outcomes;
  outcomes.reserve(handles.size());
  for (task_handle<T> &h : handles)
    outcomes.push_back(detail::take_outcome(h));
  co_return outcomes;
}

/// Another name for gather (the C++ proposals' spelling).
template <class... Args> [[nodiscard]] auto when_all(Args &&...args) {
  return gather(std::forward<Args>(args)...);
}

/// Runs the tasks concurrently; the first to finish wins, the others are
/// cancelled and awaited. Returns the winner's index and value, or rethrows
/// the winner's exception. std::invalid_argument for an empty range.
template <class T>
[[nodiscard]] task<when_any_result<T>> when_any(std::vector<task<T>> tasks) {
  if (tasks.empty())
    throw std::invalid_argument("concur::when_any: no tasks");
  std::vector<task_handle<T>> handles = detail::spawn_all(tasks);
  tasks.clear();
  auto first = co_await detail::group_wait(
      detail::states_of(handles), return_when::first_completed, true, false);
  std::size_t winner = *first.first_done;
  for (std::size_t i = 0; i < handles.size(); ++i)
    if (i != winner)
      handles[i].cancel();
  co_await detail::group_wait(detail::states_of(handles),
                              return_when::all_completed, true, false);
  for (std::size_t i = 0; i < handles.size(); ++i)
    if (i != winner)
      (void)handles[i].exception(); // the losers' cancellations are expected
  if constexpr (std::is_void_v<T>) {
    handles[winner].result();
    co_return when_any_result<void>{winner};
  } else {
    co_return when_any_result<T>{winner, std::move(handles[winner].result())};
  }
}

/// asyncio.wait: waits until `until` holds for the given handles, or until
/// `timeout` passes; returns which are done and which are pending. Cancels
/// nothing, not even on timeout.
template <class T>
[[nodiscard]] task<async_wait_result>
async_wait(const std::vector<task_handle<T>> &handles,
           return_when until = return_when::all_completed,
           std::optional<std::chrono::nanoseconds> timeout = std::nullopt) {
  std::optional<std::chrono::steady_clock::time_point> deadline;
  if (timeout)
    deadline = std::chrono::steady_clock::now() + *timeout;
  co_await detail::group_wait(detail::states_of(handles), until, false, false,
                              deadline);
  async_wait_result result;
  for (std::size_t i = 0; i < handles.size(); ++i)
    (handles[i].done() ? result.done : result.pending).push_back(i);
  co_return result;
}

/// asyncio.wait_for: runs `body`; if it has not finished after `timeout`, it
/// is cancelled, awaited, and concur::timeout_error is thrown.
template <class T>
[[nodiscard]] task<T> wait_for(task<T> body, std::chrono::nanoseconds timeout) {
  event_loop &loop =
      event_loop::require_current("concur::wait_for outside an event loop");
  task_handle<T> handle = loop.spawn(std::move(body));
  // (A named vector: GCC 12 rejects an initializer list inside co_await.)
  std::vector<detail::task_state_base *> states{handle.state()};
  auto info = co_await detail::group_wait(
      std::move(states), return_when::all_completed, true, false,
      std::chrono::steady_clock::now() + timeout);
  if (info.timed_out && handle.cancelled()) {
    (void)handle.exception();
    throw timeout_error();
  }
  if constexpr (std::is_void_v<T>)
    handle.result();
  else
    co_return std::move(handle.result());
}

/// Another name for wait_for, after asyncio.timeout.
template <class T>
[[nodiscard]] task<T> timeout(std::chrono::nanoseconds limit, task<T> body) {
  return wait_for(std::move(body), limit);
}

/// wait_for with an absolute deadline.
template <class T>
[[nodiscard]] task<T>
wait_until(task<T> body, std::chrono::steady_clock::time_point deadline) {
  return wait_for(std::move(body), deadline - std::chrono::steady_clock::now());
}

} // namespace concur
