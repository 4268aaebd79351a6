// concur::progress — progress of a batch: a bar on a terminal, a callback for
// programs that show their own.
//
// advance() is cheap and thread-safe (one atomic add); reports are throttled to
// one per interval, made by whichever thread crosses it, so workers never wait
// on the terminal. The final report (done == total or finish()) is always made.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <iosfwd>
#include <mutex>
#include <optional>
#include <string>

namespace concur {

struct progress_info {
  std::size_t done = 0;
  std::size_t total = 0; // 0 when unknown
  std::chrono::duration<double> elapsed{};
  double rate = 0; // items per second so far
  std::optional<std::chrono::duration<double>>
      remaining{}; // when total and rate are known
  bool finished = false;
};

enum class progress_bar {
  automatic, // on a terminal only (stderr is a TTY)
  always,
  never,
};

struct progress_options {
  std::string label{};
  progress_bar bar = progress_bar::automatic;
  std::ostream *stream = nullptr; // default: std::cerr
  std::function<void(const progress_info &)> callback{};
  std::chrono::milliseconds interval{100};
};

class progress {
public:
  explicit progress(std::size_t total, progress_options options = {});
  progress(const progress &) = delete;
  progress &operator=(const progress &) = delete;
  ~progress(); // finish()

  void advance(std::size_t count = 1);
  // Reports the final state once (newline after the bar); later calls do
  // nothing.
  void finish();

  [[nodiscard]] std::size_t done() const noexcept {
    return done_.load(std::memory_order_relaxed);
  }
  [[nodiscard]] progress_info snapshot() const;

  // "label [#####     ] 50/100 50% 12.0/s ETA 0:04" (no line control
  // characters).
  [[nodiscard]] static std::string format(const std::string &label,
                                          const progress_info &info,
                                          std::size_t width = 30);

private:
  void report(bool final);

  const std::size_t total_;
  progress_options options_;
  bool show_bar_;
  const std::chrono::steady_clock::time_point start_;
  std::atomic<std::size_t> done_{0};
  std::atomic<std::int64_t> next_report_ns_{0};
  std::mutex report_mutex_;
  bool finished_ = false; // guarded by report_mutex_
};

} // namespace concur
