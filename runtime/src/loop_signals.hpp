// loop_signals.hpp - signal handling on the event loop (internal).
//
// The self-pipe method, as asyncio's set_wakeup_fd: the process-wide
// handler of a watched signal writes the signal number (one byte) to the
// non-blocking pipe of the loop that watches it; the loop watches the read
// end through its backend, and in its poll phase queues the callbacks of
// the signals it reads. It works whatever the threads' signal masks, unlike
// signalfd (which needs the signal blocked in every thread). Each signal is
// watched by at most one loop at a time.
#ifndef CONCUR_SRC_LOOP_SIGNALS_HPP
#define CONCUR_SRC_LOOP_SIGNALS_HPP

#include <csignal>
#include <functional>
#include <map>
#include <memory>

namespace concur::detail {

struct loop_signals {
  int read_fd = -1;
  int write_fd = -1;
  std::map<int, std::function<void()>> handlers;
  std::map<int, struct sigaction> replaced; // restored on removal
  ~loop_signals();
};

inline int signal_read_fd(const loop_signals &signals) noexcept {
  return signals.read_fd;
}

/// Restores every disposition the loop replaced, then frees the pipe.
void remove_all_signal_handlers(
    std::unique_ptr<loop_signals> &signals) noexcept;

} // namespace concur::detail

#endif
