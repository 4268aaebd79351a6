// loop_backend_epoll.cpp - the epoll backend of concur::event_loop: epoll in
// edge-triggered mode for sockets, a timerfd for the loop's next deadline
// (nanosecond resolution, where epoll_wait's timeout has milliseconds) and an
// eventfd for wakeups from other threads. Contract: loop_backend.hpp.
#include "loop_backend.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <ctime>
#include <memory>
#include <system_error>

namespace concur::detail {

namespace {
[[noreturn]] void throw_errno(const char *what) {
  throw std::system_error(errno, std::generic_category(), what);
}

struct owned_fd {
  int fd = -1;
  explicit owned_fd(int f) : fd(f) {}
  owned_fd(const owned_fd &) = delete;
  owned_fd &operator=(const owned_fd &) = delete;
  ~owned_fd() {
    if (fd >= 0)
      ::close(fd);
  }
};
} // namespace

namespace {
class epoll_backend final : public loop_backend {
public:
  epoll_backend();
  void add(int fd) override;
  void remove(int fd) noexcept override;
  void poll(std::optional<time_point> deadline,
            std::vector<io_event> &out) override;
  void wakeup() noexcept override;
  [[nodiscard]] const char *name() const noexcept override { return "epoll"; }

private:
  struct state;
  std::unique_ptr<state> state_;
};
} // namespace

struct epoll_backend::state {
  owned_fd epoll{::epoll_create1(EPOLL_CLOEXEC)};
  owned_fd timer{::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC)};
  owned_fd wake{::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)};
  std::optional<time_point> armed; // what the timerfd is set to
  std::atomic<bool> wake_pending{false};
  epoll_event events[512];

  void arm(std::optional<time_point> deadline) {
    if (deadline == armed)
      return;
    itimerspec spec{};
    if (deadline) {
      // steady_clock is CLOCK_MONOTONIC on Linux (libstdc++).
      auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                    deadline->time_since_epoch())
                    .count();
      if (ns <= 0)
        ns = 1; // 0 would disarm
      spec.it_value.tv_sec = time_t(ns / 1000000000);
      spec.it_value.tv_nsec = long(ns % 1000000000);
    }
    if (::timerfd_settime(timer.fd, TFD_TIMER_ABSTIME, &spec, nullptr) != 0)
      throw_errno("concur: timerfd_settime");
    armed = deadline;
  }
};

epoll_backend::epoll_backend() : state_(std::make_unique<state>()) {
  if (state_->epoll.fd < 0)
    throw_errno("concur: epoll_create1");
  if (state_->timer.fd < 0)
    throw_errno("concur: timerfd_create");
  if (state_->wake.fd < 0)
    throw_errno("concur: eventfd");
  for (int fd : {state_->timer.fd, state_->wake.fd}) {
    epoll_event ev{};
    ev.events = EPOLLIN; // level-triggered: drained by read below
    ev.data.fd = fd;
    if (::epoll_ctl(state_->epoll.fd, EPOLL_CTL_ADD, fd, &ev) != 0)
      throw_errno("concur: epoll_ctl(ADD)");
  }
}

std::unique_ptr<loop_backend> make_epoll_backend() {
  return std::make_unique<epoll_backend>();
}

void epoll_backend::add(int fd) {
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  ev.data.fd = fd;
  if (::epoll_ctl(state_->epoll.fd, EPOLL_CTL_ADD, fd, &ev) != 0)
    throw_errno("concur: epoll_ctl(ADD)");
}

void epoll_backend::remove(int fd) noexcept {
  ::epoll_ctl(state_->epoll.fd, EPOLL_CTL_DEL, fd, nullptr);
}

void epoll_backend::wakeup() noexcept {
  if (state_->wake_pending.exchange(true, std::memory_order_acq_rel))
    return; // a wakeup is already on its way
  std::uint64_t one = 1;
  // EAGAIN (counter full) still leaves the eventfd readable: nothing is lost.
  [[maybe_unused]] ssize_t n = ::write(state_->wake.fd, &one, sizeof one);
}

void epoll_backend::poll(std::optional<time_point> deadline,
                         std::vector<io_event> &out) {
  int timeout = -1;
  if (deadline && *deadline <= std::chrono::steady_clock::now()) {
    timeout = 0;
  } else {
    state_->arm(deadline);
  }
  int count;
  do
    count = ::epoll_wait(state_->epoll.fd, state_->events,
                         int(std::size(state_->events)), timeout);
  while (count < 0 && errno == EINTR);
  if (count < 0)
    throw_errno("concur: epoll_wait");
  for (int i = 0; i < count; ++i) {
    const epoll_event &ev = state_->events[i];
    int fd = ev.data.fd;
    if (fd == state_->wake.fd) {
      // Drain first, then re-arm: clearing the flag before the read would let
      // a wakeup written in between be swallowed by the read while the flag
      // stays set, and every later wakeup would be skipped (a lost wakeup).
      std::uint64_t value;
      [[maybe_unused]] ssize_t n = ::read(fd, &value, sizeof value);
      state_->wake_pending.store(false, std::memory_order_release);
      continue;
    }
    if (fd == state_->timer.fd) {
      std::uint64_t expirations;
      [[maybe_unused]] ssize_t n = ::read(fd, &expirations, sizeof expirations);
      state_->armed.reset();
      continue;
    }
    bool failed = ev.events & (EPOLLERR | EPOLLHUP);
    out.push_back({fd, failed || (ev.events & (EPOLLIN | EPOLLRDHUP)) != 0,
                   failed || (ev.events & EPOLLOUT) != 0});
  }
}

} // namespace concur::detail
