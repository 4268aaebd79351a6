#include "concur/progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>

namespace concur {
namespace {

std::string format_duration(std::chrono::duration<double> duration) {
  const auto seconds = static_cast<long long>(std::llround(duration.count()));
  char text[32];
  if (seconds >= 3600) {
    std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", seconds / 3600,
                  seconds / 60 % 60, seconds % 60);
  } else {
    std::snprintf(text, sizeof text, "%lld:%02lld", seconds / 60, seconds % 60);
  }
  return text;
}

} // namespace

progress::progress(std::size_t total, progress_options options)
    : total_(total), options_(std::move(options)),
      show_bar_(options_.bar == progress_bar::always ||
                (options_.bar == progress_bar::automatic &&
                 options_.stream == nullptr && ::isatty(STDERR_FILENO) == 1)),
      start_(std::chrono::steady_clock::now()) {
  if (options_.stream == nullptr)
    options_.stream = &std::cerr;
}

progress::~progress() {
  try {
    finish();
  } catch (...) {
    // A throwing callback must not escape a destructor.
  }
}

void progress::advance(std::size_t count) {
  const std::size_t done =
      done_.fetch_add(count, std::memory_order_relaxed) + count;
  if (total_ != 0 && done >= total_) {
    finish();
    return;
  }
  const std::int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                               std::chrono::steady_clock::now() - start_)
                               .count();
  std::int64_t due = next_report_ns_.load(std::memory_order_relaxed);
  if (now < due)
    return;
  const std::int64_t next =
      now +
      std::chrono::duration_cast<std::chrono::nanoseconds>(options_.interval)
          .count();
  // One thread wins each interval; the others go back to work.
  if (next_report_ns_.compare_exchange_strong(due, next,
                                              std::memory_order_relaxed)) {
    report(false);
  }
}

void progress::finish() { report(true); }

progress_info progress::snapshot() const {
  progress_info info;
  info.done = done();
  info.total = total_;
  info.elapsed = std::chrono::steady_clock::now() - start_;
  if (info.elapsed.count() > 0)
    info.rate = static_cast<double>(info.done) / info.elapsed.count();
  if (total_ != 0 && info.rate > 0 && info.done <= total_) {
    info.remaining = std::chrono::duration<double>(
        static_cast<double>(total_ - info.done) / info.rate);
  }
  return info;
}

std::string progress::format(const std::string &label,
                             const progress_info &info, std::size_t width) {
  std::string line;
  if (!label.empty())
    line = label + ' ';
  char numbers[128];
  if (info.total != 0) {
    const double fraction = std::min(1.0, static_cast<double>(info.done) /
                                              static_cast<double>(info.total));
    const auto filled =
        static_cast<std::size_t>(fraction * static_cast<double>(width));
    line += '[' + std::string(filled, '#') + std::string(width - filled, ' ') +
            "] ";
    std::snprintf(numbers, sizeof numbers, "%zu/%zu %3.0f%% %.1f/s", info.done,
                  info.total, fraction * 100, info.rate);
  } else {
    std::snprintf(numbers, sizeof numbers, "%zu %.1f/s", info.done, info.rate);
  }
  line += numbers;
  if (info.finished) {
    line += " in " + format_duration(info.elapsed);
  } else if (info.remaining) {
    line += " ETA " + format_duration(*info.remaining);
  }
  return line;
}

void progress::report(bool final) {
  std::lock_guard lock(report_mutex_);
  if (finished_)
    return;
  progress_info info = snapshot();
  if (final) {
    finished_ = true;
    info.finished = true;
    info.remaining.reset();
  }
  if (show_bar_) {
    *options_.stream << '\r' << format(options_.label, info) << "\x1b[K";
    if (final)
      *options_.stream << '\n';
    options_.stream->flush();
  }
  if (options_.callback)
    options_.callback(info);
}

} // namespace concur
