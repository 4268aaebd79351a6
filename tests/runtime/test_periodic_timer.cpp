// Tests for concur/periodic_timer.hpp: ticking in both modes, prompt stop,
// stop from inside a tick, errors and bad periods.
#include "concur/periodic_timer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

namespace {

template <class Predicate> bool eventually(Predicate predicate) {
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (!predicate()) {
    if (std::chrono::steady_clock::now() > deadline)
      return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

TEST(PeriodicTimer, TicksRepeatedly) {
  std::atomic<int> calls{0};
  concur::periodic_timer timer(2ms, [&calls] { ++calls; });
  EXPECT_TRUE(eventually([&] { return calls >= 5; }));
  EXPECT_TRUE(timer.running());
  timer.stop();
  EXPECT_FALSE(timer.running());
  EXPECT_GE(timer.ticks(), 5u);
}

TEST(PeriodicTimer, StopIsPromptAndFinal) {
  std::atomic<int> calls{0};
  concur::periodic_timer timer(1h, [&calls] { ++calls; });
  auto start = std::chrono::steady_clock::now();
  timer.stop(); // must not wait out the hour
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_EQ(calls.load(), 0);
  timer.stop(); // idempotent
}

TEST(PeriodicTimer, NoTickAfterStopReturns) {
  std::atomic<int> calls{0};
  concur::periodic_timer timer(1ms, [&calls] { ++calls; });
  EXPECT_TRUE(eventually([&] { return calls >= 2; }));
  timer.stop();
  int after = calls.load();
  std::this_thread::sleep_for(10ms);
  EXPECT_EQ(calls.load(), after);
}

TEST(PeriodicTimer, FixedDelayAndStopToken) {
  std::atomic<int> calls{0};
  concur::periodic_timer timer(
      1ms,
      [&calls](std::stop_token stop) {
        EXPECT_FALSE(stop.stop_requested());
        ++calls;
      },
      concur::timer_mode::fixed_delay);
  EXPECT_TRUE(eventually([&] { return calls >= 3; }));
}

TEST(PeriodicTimer, FixedRateSkipsMissedTicks) {
  using clock = std::chrono::steady_clock;
  std::mutex mutex;
  std::vector<clock::time_point> starts;
  clock::time_point overrun_end;
  concur::periodic_timer timer(1ms, [&] {
    std::unique_lock lock(mutex);
    starts.push_back(clock::now());
    if (starts.size() == 1) {
      lock.unlock();
      std::this_thread::sleep_for(30ms); // overrun by ~30 periods
      lock.lock();
      overrun_end = clock::now();
    }
  });
  EXPECT_TRUE(eventually([&] {
    std::lock_guard lock(mutex);
    return starts.size() >= 4;
  }));
  timer.stop();
  // Catching up would start ~30 ticks at once after the overrun; skipping
  // starts at most one per period. Load only delays ticks, never bunches them.
  std::lock_guard lock(mutex);
  auto burst =
      std::count_if(starts.begin() + 1, starts.end(),
                    [&](clock::time_point t) { return t < overrun_end + 3ms; });
  EXPECT_LE(burst, 5);
}

TEST(PeriodicTimer, StopFromInsideTheTick) {
  std::atomic<int> calls{0};
  std::atomic<concur::periodic_timer *> self{nullptr};
  concur::periodic_timer timer(1ms, [&] {
    ++calls;
    while (!self.load())
      std::this_thread::yield();
    self.load()->stop();
  });
  self = &timer;
  EXPECT_TRUE(eventually([&] { return !timer.running(); }));
  std::this_thread::sleep_for(5ms);
  EXPECT_EQ(calls.load(), 1);
}

TEST(PeriodicTimer, ExceptionStopsTimer) {
  concur::periodic_timer timer(1ms,
                               [] { throw std::runtime_error("tick failed"); });
  EXPECT_TRUE(eventually([&] { return !timer.running(); }));
  ASSERT_TRUE(timer.error());
  EXPECT_THROW(std::rethrow_exception(timer.error()), std::runtime_error);
  EXPECT_EQ(timer.ticks(), 0u);
}

TEST(PeriodicTimer, NonPositivePeriodIsRejected) {
  EXPECT_THROW(concur::periodic_timer(0ms, [] {}), std::invalid_argument);
  EXPECT_THROW(concur::periodic_timer(-1ms, [] {}), std::invalid_argument);
}

} // namespace
