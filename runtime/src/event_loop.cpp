// event_loop.cpp - concur::event_loop: the phases of one iteration, timers,
// task bookkeeping and cross-thread posts. The I/O backend is behind
// loop_backend.hpp.
#include "concur/event_loop.hpp"

#include "loop_backend.hpp"
#include "loop_signals.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <system_error>

namespace concur {

namespace {
bool debug_from_environment() {
  const char *value = std::getenv("CONCUR_ASYNC_DEBUG");
  return value && *value && std::strcmp(value, "0") != 0;
}

std::string describe(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception &e) {
    return e.what();
  } catch (...) {
    return "unknown exception";
  }
}

bool timer_before(const detail::timer_node *a, const detail::timer_node *b) {
  return a->deadline != b->deadline ? a->deadline < b->deadline
                                    : a->sequence < b->sequence;
}

// Loop-local storage for the poll phase's reports.
thread_local std::vector<detail::io_event> poll_events;
} // namespace

event_loop::event_loop() : event_loop(event_loop_options{}) {}

event_loop::event_loop(event_loop_options options)
    : backend_(detail::make_loop_backend(options.backend)),
      anchor_(std::make_shared<detail::loop_anchor>()),
      debug_(options.debug.value_or(debug_from_environment())),
      slow_threshold_(options.slow_callback_duration) {
  live_.prev = live_.next = &live_;
  anchor_->loop = this;
  slow_handler_ = [](std::string_view name, std::chrono::nanoseconds held) {
    std::fprintf(
        stderr,
        "concur: %.*s held the event loop for %.1f ms (slow_callback_duration "
        "is "
        "exceeded): a blocking or CPU-heavy call stalls every task; use its "
        "asynchronous form or run_in_executor (row: asyncio/mixed)\n",
        int(name.size()), name.data(), double(held.count()) / 1e6);
  };
  exception_handler_ = [](std::string_view name, std::exception_ptr error) {
    std::fprintf(stderr, "concur: exception in %.*s was never retrieved: %s\n",
                 int(name.size()), name.data(), describe(error).c_str());
  };
}

std::string_view event_loop::backend_name() const noexcept {
  return backend_->name();
}

void detail::post_to_loop(event_loop *loop, std::function<void()> callback) {
  loop->call_soon_threadsafe(std::move(callback));
}

event_loop::~event_loop() {
  {
    std::lock_guard lock(anchor_->mutex); // no more posts from other threads
    anchor_->loop = nullptr;
  }
  remove_all_signal_handlers(signals_);
  // Callbacks scheduled for later do not run while the loop closes.
  for (auto &call : scheduled_)
    remove_timer(*call);
  scheduled_.clear();
  // Cancel what is still alive and give it a bounded number of iterations to
  // unwind; then destroy the frames of tasks that refuse to finish.
  event_loop *previous = std::exchange(detail::running_loop, this);
  cancel_all();
  for (int i = 0; i < 1000 && live_count_ > 0; ++i) {
    stopping_ = false;
    run_once(false);
  }
  while (live_.next != &live_) {
    detail::task_state_base *state =
        static_cast<detail::task_state_base::live_hook *>(live_.next)->self;
    state->live.unlink();
    --live_count_;
    if (state->parked) { // detach it from timers, descriptors and wait lists
      detail::suspension *s = state->parked;
      state->parked = nullptr;
      s->cancel_fn(s);
    }
    state->root.destroy();
  }
  ready_.clear();
  detail::running_loop = previous;
  live_.prev = live_.next = nullptr;
}

event_loop &event_loop::require_current(const char *what) {
  if (!detail::running_loop)
    throw std::logic_error(what);
  return *detail::running_loop;
}

void event_loop::start_task(detail::task_state_base &state) {
  // Link into the live list (the list head is a plain node).
  state.live.self = &state;
  state.live.prev = live_.prev;
  state.live.next = &live_;
  live_.prev->next = &state.live;
  live_.prev = &state.live;
  ++live_count_;
  schedule(state.root, &state);
}

void event_loop::finish_base(detail::task_state_base &state) {
  state.done = true;
  state.parked = nullptr;
  state.live.unlink();
  --live_count_;
  state.external_stop.reset();
  while (!state.waiters.empty()) {
    detail::completion_waiter &waiter = state.waiters.pop_front();
    waiter.on_done(&waiter, state);
  }
  if (state.error && state.detached && !state.error_retrieved &&
      !state.was_cancelled())
    report_unretrieved(state);
}

void event_loop::report_unretrieved(detail::task_state_base &state) {
  state.error_retrieved = true;
  if (state.was_cancelled())
    return;
  if (exception_handler_)
    exception_handler_(state.display_name(), state.error);
}

void event_loop::cancel(detail::task_state_base &task) {
  if (task.done)
    return;
  task.cancel_requested = true;
  if (task.stop)
    task.stop->request_stop();
  if (task.done) // a stop callback may have finished it
    return;
  if (detail::suspension *s = task.parked) {
    task.parked = nullptr;
    s->cancelled = true;
    s->cancel_fn(s);
  } else {
    task.cancel_pending = true;
  }
}

void event_loop::cancel_all(const detail::task_state_base *except) {
  std::vector<detail::task_state_base *> all;
  for (detail::list_node *n = live_.next; n != &live_; n = n->next)
    all.push_back(static_cast<detail::task_state_base::live_hook *>(n)->self);
  for (detail::task_state_base *state : all)
    if (state != except && !state->done)
      cancel(*state);
}

void event_loop::call_soon_threadsafe(std::function<void()> callback) {
  {
    std::lock_guard lock(posts_mutex_);
    posts_.push_back(std::move(callback));
  }
  has_posts_.store(true, std::memory_order_release);
  backend_->wakeup();
}

void event_loop::drain_posts() {
  if (!has_posts_.load(std::memory_order_acquire))
    return;
  std::vector<std::function<void()>> taken;
  {
    std::lock_guard lock(posts_mutex_);
    taken.swap(posts_);
    has_posts_.store(false, std::memory_order_relaxed);
  }
  for (auto &callback : taken)
    ready_.push_back({{}, nullptr, std::move(callback)});
}

// --- timers: a binary min-heap with back-indices, so that removal is O(log n)

timer_handle event_loop::call_at(clock::time_point deadline,
                                 std::function<void()> callback) {
  auto call = std::make_shared<detail::scheduled_call>();
  call->callback = std::move(callback);
  call->loop = this;
  call->deadline = deadline;
  // Due: leave scheduled_ and queue the call for this iteration's ready
  // phase; the queued entry keeps it alive so a handle can still cancel it.
  call->fire = [](detail::timer_node *node) {
    auto *self = static_cast<detail::scheduled_call *>(node);
    event_loop *loop = self->loop;
    std::shared_ptr<detail::scheduled_call> owned = std::move(*self->position);
    loop->scheduled_.erase(self->position);
    loop->call_soon([owned = std::move(owned)] {
      if (owned->cancelled)
        return;
      owned->started = true;
      auto run = std::move(owned->callback);
      run();
    });
  };
  scheduled_.push_front(call);
  call->position = scheduled_.begin();
  add_timer(*call);
  timer_handle handle;
  handle.call_ = call;
  handle.when_ = deadline;
  return handle;
}

bool timer_handle::cancel() {
  auto call = call_.lock();
  if (!call || call->cancelled || call->started)
    return false;
  call->cancelled = true;
  if (call->armed()) {
    call->loop->remove_timer(*call);
    call->loop->scheduled_.erase(call->position);
  }
  return true;
}

void event_loop::add_timer(detail::timer_node &timer) {
  timer.sequence = timer_sequence_++;
  timer.heap_index = timers_.size();
  timers_.push_back(&timer);
  std::size_t i = timer.heap_index;
  while (i > 0) {
    std::size_t parent = (i - 1) / 2;
    if (!timer_before(timers_[i], timers_[parent]))
      break;
    std::swap(timers_[i], timers_[parent]);
    timers_[i]->heap_index = i;
    timers_[parent]->heap_index = parent;
    i = parent;
  }
}

void event_loop::remove_timer(detail::timer_node &timer) noexcept {
  if (!timer.armed())
    return;
  std::size_t i = timer.heap_index;
  timer.heap_index = SIZE_MAX;
  detail::timer_node *last = timers_.back();
  timers_.pop_back();
  if (i == timers_.size())
    return;
  timers_[i] = last;
  last->heap_index = i;
  // Restore the heap property up or down from i.
  while (i > 0 && timer_before(timers_[i], timers_[(i - 1) / 2])) {
    std::size_t parent = (i - 1) / 2;
    std::swap(timers_[i], timers_[parent]);
    timers_[i]->heap_index = i;
    timers_[parent]->heap_index = parent;
    i = parent;
  }
  for (;;) {
    std::size_t smallest = i, left = 2 * i + 1, right = 2 * i + 2;
    if (left < timers_.size() && timer_before(timers_[left], timers_[smallest]))
      smallest = left;
    if (right < timers_.size() &&
        timer_before(timers_[right], timers_[smallest]))
      smallest = right;
    if (smallest == i)
      break;
    std::swap(timers_[i], timers_[smallest]);
    timers_[i]->heap_index = i;
    timers_[smallest]->heap_index = smallest;
    i = smallest;
  }
}

void event_loop::fire_due_timers() {
  if (timers_.empty())
    return;
  clock::time_point now = clock::now();
  while (!timers_.empty() && timers_.front()->deadline <= now) {
    detail::timer_node *timer = timers_.front();
    remove_timer(*timer);
    timer->fire(timer);
  }
}

// --- descriptors

void event_loop::register_fd(int fd) {
  if (fd < 0)
    throw std::invalid_argument(
        "concur::event_loop::register_fd: negative descriptor");
  if (std::size_t(fd) >= watches_.size())
    watches_.resize(
        std::max<std::size_t>(std::size_t(fd) + 1, watches_.size() * 2));
  backend_->add(fd);
  watches_[std::size_t(fd)] = detail::io_watch{nullptr, nullptr, true};
}

void event_loop::deregister_fd(int fd) noexcept {
  if (fd < 0 || std::size_t(fd) >= watches_.size() ||
      !watches_[std::size_t(fd)].registered)
    return;
  detail::io_watch &watch = watches_[std::size_t(fd)];
  for (detail::io_op *op : {watch.reader, watch.writer}) {
    if (!op)
      continue;
    op->error = ECANCELED;
    unpark(*op);
  }
  watch = detail::io_watch{};
  backend_->remove(fd);
}

bool event_loop::suspend_io(detail::io_op &op, bool for_write,
                            std::coroutine_handle<> coro) {
  if (!park(op, coro))
    return false;
  detail::io_watch &watch = watches_.at(std::size_t(op.fd));
  detail::io_op *&slot = for_write ? watch.writer : watch.reader;
  if (slot)
    throw std::logic_error(
        for_write ? "concur: two tasks writing the same socket at once"
                  : "concur: two tasks reading the same socket at once");
  slot = &op;
  op.cancel_fn = [](detail::suspension *self) {
    auto *me = static_cast<detail::io_op *>(self);
    event_loop &loop = *me->loop;
    detail::io_watch &w = loop.watches_[std::size_t(me->fd)];
    if (w.reader == me)
      w.reader = nullptr;
    if (w.writer == me)
      w.writer = nullptr;
    loop.schedule(me->coro, me->owner);
  };
  return true;
}

void event_loop::watch_readable(detail::io_op &op) {
  detail::io_watch &watch = watches_.at(std::size_t(op.fd));
  if (watch.reader)
    throw std::logic_error("concur: two readers of the same descriptor");
  op.coro = std::noop_coroutine(); // what unpark resumes when the watch ends
  op.loop = this;
  op.owner = nullptr;
  op.cancel_fn = [](detail::suspension *) {}; // no task can cancel it
  watch.reader = &op;
}

// --- the iteration

void event_loop::run_ready_batch() {
  running_.swap(ready_);
  for (std::size_t i = 0; i < running_.size(); ++i) {
    detail::ready_item &item = running_[i];
    current_ = item.owner;
    clock::time_point start = debug_ ? clock::now() : clock::time_point();
    if (item.coro) {
      if (item.owner)
        item.owner->started = true;
      item.coro.resume();
    } else {
      item.callback();
    }
    current_ = nullptr;
    if (debug_) {
      auto held = clock::now() - start;
      if (held > slow_threshold_ && slow_handler_)
        slow_handler_(
            item.coro ? (item.owner ? item.owner->display_name() : "coroutine")
                      : std::string("callback"),
            held);
    }
  }
  running_.clear();
}

void event_loop::run_once(bool may_wait) {
  event_loop *previous = std::exchange(detail::running_loop, this);
  try {
    // 1. poll
    std::optional<clock::time_point> deadline;
    if (!may_wait || !ready_.empty() || stopping_ ||
        has_posts_.load(std::memory_order_acquire))
      deadline = clock::time_point::min();
    else if (!timers_.empty())
      deadline = timers_.front()->deadline;
    std::vector<detail::io_event> &events = poll_events;
    events.clear();
    backend_->poll(deadline, events);
    for (const detail::io_event &ev : events) {
      if (signals_ && ev.fd == signal_read_fd(*signals_)) {
        dispatch_signals();
        continue;
      }
      if (std::size_t(ev.fd) >= watches_.size())
        continue;
      detail::io_watch &watch = watches_[std::size_t(ev.fd)];
      if (ev.readable && watch.reader && watch.reader->perform(watch.reader)) {
        detail::io_op *op = std::exchange(watch.reader, nullptr);
        unpark(*op);
      }
      if (ev.writable && watch.writer && watch.writer->perform(watch.writer)) {
        detail::io_op *op = std::exchange(watch.writer, nullptr);
        unpark(*op);
      }
    }
    // 2. posts, 3. timers
    drain_posts();
    fire_due_timers();
    // 4. ready
    run_ready_batch();
  } catch (...) {
    current_ = nullptr;
    detail::running_loop = previous;
    throw;
  }
  detail::running_loop = previous;
}

void event_loop::run_until(const std::function<bool()> &done) {
  stopping_ = false;
  while (!done() && !stopping_)
    run_once(true);
  stopping_ = false;
}

// --- free functions

std::stop_token current_stop_token() {
  event_loop &loop = event_loop::require_current(
      "concur::current_stop_token outside an event loop");
  detail::task_state_base *task = loop.current_task();
  if (!task)
    throw std::logic_error("concur::current_stop_token outside a task");
  if (!task->stop) {
    task->stop = std::make_unique<std::stop_source>();
    if (task->cancel_requested)
      task->stop->request_stop();
  }
  return task->stop->get_token();
}

std::string current_task_name() {
  event_loop &loop = event_loop::require_current(
      "concur::current_task_name outside an event loop");
  detail::task_state_base *task = loop.current_task();
  return task ? task->display_name() : std::string();
}

} // namespace concur
