// Signal handlers on the event loop: event_loop::add_signal_handler and
// remove_signal_handler (see loop_signals.hpp for the method).
#include "loop_signals.hpp"

#include "concur/event_loop.hpp"
#include "loop_backend.hpp"

#include <atomic>
#include <cerrno>
#include <mutex>
#include <stdexcept>
#include <string>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

namespace concur {
namespace detail {

namespace {

// Read by the signal handler: the pipe to write each signal to (-1: none).
// Lock-free atomics are async-signal-safe.
std::atomic<int> wake_fds[NSIG];
static_assert(std::atomic<int>::is_always_lock_free);
// Which loop watches each signal; guarded by owners_mutex.
std::mutex owners_mutex;
event_loop *owners[NSIG];

extern "C" void write_signal_number(int signal) {
  int saved = errno;
  int fd = wake_fds[signal].load(std::memory_order_relaxed);
  if (fd >= 0) {
    unsigned char number = static_cast<unsigned char>(signal);
    // A full pipe drops the byte: the loop has wake-ups queued already.
    [[maybe_unused]] ssize_t n = ::write(fd, &number, 1);
  }
  errno = saved;
}

void check_signal(int signal) {
  if (signal <= 0 || signal >= NSIG || signal > 255)
    throw std::invalid_argument(
        "concur::event_loop::add_signal_handler: invalid signal number " +
        std::to_string(signal));
  if (signal == SIGKILL || signal == SIGSTOP)
    throw std::invalid_argument(
        "concur::event_loop::add_signal_handler: signal " +
        std::to_string(signal) + " (SIGKILL or SIGSTOP) cannot be caught");
}

// Restores the disposition `signals` replaced for `signal`. Under
// owners_mutex.
void restore(loop_signals &signals, int signal) noexcept {
  auto replaced = signals.replaced.find(signal);
  if (replaced != signals.replaced.end()) {
    ::sigaction(signal, &replaced->second, nullptr);
    signals.replaced.erase(replaced);
  }
  wake_fds[signal].store(-1, std::memory_order_relaxed);
  owners[signal] = nullptr;
  signals.handlers.erase(signal);
}

} // namespace

loop_signals::~loop_signals() {
  if (read_fd >= 0)
    ::close(read_fd);
  if (write_fd >= 0)
    ::close(write_fd);
}

void remove_all_signal_handlers(
    std::unique_ptr<loop_signals> &signals) noexcept {
  if (!signals)
    return;
  {
    std::lock_guard lock(owners_mutex);
    while (!signals->handlers.empty())
      restore(*signals, signals->handlers.begin()->first);
  }
  signals.reset();
}

} // namespace detail

void event_loop::add_signal_handler(int signal,
                                    std::function<void()> callback) {
  detail::check_signal(signal);
  std::lock_guard lock(detail::owners_mutex);
  if (detail::owners[signal] && detail::owners[signal] != this)
    throw std::logic_error("concur::event_loop::add_signal_handler: signal " +
                           std::to_string(signal) +
                           " is handled by another event loop");
  if (!signals_) {
    auto signals = std::make_unique<detail::loop_signals>();
    int fds[2];
    if (::pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0)
      throw std::system_error(errno, std::generic_category(),
                              "concur::event_loop::add_signal_handler: pipe2");
    signals->read_fd = fds[0];
    signals->write_fd = fds[1];
    backend_->add(signals->read_fd);
    signals_ = std::move(signals);
  }
  if (!detail::owners[signal]) {
    struct sigaction action{};
    action.sa_handler = &detail::write_signal_number;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    struct sigaction previous{};
    detail::wake_fds[signal].store(signals_->write_fd,
                                   std::memory_order_relaxed);
    if (::sigaction(signal, &action, &previous) != 0) {
      int error = errno;
      detail::wake_fds[signal].store(-1, std::memory_order_relaxed);
      throw std::system_error(error, std::generic_category(),
                              "concur::event_loop::add_signal_handler: "
                              "sigaction(" +
                                  std::to_string(signal) + ")");
    }
    signals_->replaced[signal] = previous;
    detail::owners[signal] = this;
  }
  signals_->handlers[signal] = std::move(callback);
}

bool event_loop::remove_signal_handler(int signal) {
  if (signal <= 0 || signal >= NSIG)
    return false;
  std::lock_guard lock(detail::owners_mutex);
  if (!signals_ || !signals_->handlers.contains(signal))
    return false;
  detail::restore(*signals_, signal);
  return true;
}

void event_loop::dispatch_signals() {
  unsigned char numbers[64];
  for (;;) {
    ssize_t n = ::read(signals_->read_fd, numbers, sizeof numbers);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return; // drained (EAGAIN)
    for (ssize_t i = 0; i < n; ++i) {
      auto handler = signals_->handlers.find(numbers[i]);
      if (handler != signals_->handlers.end())
        ready_.push_back({{}, nullptr, handler->second});
    }
  }
}

} // namespace concur
