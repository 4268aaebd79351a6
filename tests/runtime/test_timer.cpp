// Tests for concur/timer.hpp (Python's threading.Timer): fires once after
// the delay, cancel before and during, start twice, on a pool, errors.
#include "concur/timer.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

using namespace std::chrono_literals;

namespace {

TEST(Timer, FiresOnceAfterTheDelayOnItsOwnThread) {
  std::atomic<int> calls{0};
  std::thread::id ran_on;
  auto started = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point fired_at;
  concur::timer t(30ms, [&] {
    fired_at = std::chrono::steady_clock::now();
    ran_on = std::this_thread::get_id();
    ++calls;
  });
  std::this_thread::sleep_for(40ms);
  EXPECT_EQ(calls.load(), 0); // nothing before start()
  started = std::chrono::steady_clock::now();
  t.start();
  t.join();
  EXPECT_EQ(calls.load(), 1);
  EXPECT_TRUE(t.fired());
  EXPECT_FALSE(t.cancelled());
  EXPECT_GE(fired_at - started, 30ms);
  EXPECT_NE(ran_on, std::this_thread::get_id());
  EXPECT_FALSE(t.cancel()); // too late
  EXPECT_EQ(t.error(), nullptr);
}

TEST(Timer, CancelBeforeItFiresIsPromptAndFinal) {
  std::atomic<int> calls{0};
  concur::timer t(10s, [&] { ++calls; });
  t.start();
  auto before = std::chrono::steady_clock::now();
  EXPECT_TRUE(t.cancel());
  t.join(); // does not wait out the 10 s
  EXPECT_LT(std::chrono::steady_clock::now() - before, 2s);
  EXPECT_TRUE(t.cancelled());
  EXPECT_FALSE(t.fired());
  EXPECT_TRUE(t.cancel()); // idempotent
  EXPECT_EQ(calls.load(), 0);
}

TEST(Timer, CancelBeforeStartMeansStartDoesNothing) {
  std::atomic<int> calls{0};
  concur::timer t(1ms, [&] { ++calls; });
  EXPECT_TRUE(t.cancel());
  t.start(); // as Python: the timer does not fire
  t.join();
  EXPECT_EQ(calls.load(), 0);
}

TEST(Timer, StartTwiceIsALogicError) {
  concur::timer t(1ms, [] {});
  t.start();
  EXPECT_THROW(t.start(), std::logic_error);
  t.join();
  EXPECT_THROW(t.start(), std::logic_error);
}

TEST(Timer, CancelWhileRunningTriggersTheStopToken) {
  std::atomic<bool> running{false};
  concur::timer t(0ms, [&](std::stop_token stop) {
    running = true;
    while (!stop.stop_requested())
      std::this_thread::sleep_for(1ms);
  });
  t.start();
  while (!running)
    std::this_thread::sleep_for(1ms);
  EXPECT_FALSE(t.cancel()); // it runs: cannot be cancelled, only stopped
  t.join();
  EXPECT_TRUE(t.fired());
}

TEST(Timer, ExceptionIsKeptAndJoinFromInsideIsRefused) {
  concur::timer failing(0ms, [] { throw std::runtime_error("boom"); });
  failing.start();
  failing.join();
  ASSERT_NE(failing.error(), nullptr);
  EXPECT_THROW(std::rethrow_exception(failing.error()), std::runtime_error);

  std::atomic<bool> refused{false};
  concur::timer *self = nullptr;
  concur::timer inner(0ms, [&] {
    try {
      self->join();
    } catch (const std::logic_error &) {
      refused = true;
    }
    self->cancel(); // allowed from inside: too late, returns false
  });
  self = &inner;
  inner.start();
  inner.join();
  EXPECT_TRUE(refused.load());
}

TEST(Timer, FiresOnAPool) {
  concur::thread_pool pool(2);
  std::atomic<bool> on_pool{false};
  concur::timer t(5ms, [&] { on_pool = pool.is_worker(); }, pool);
  t.start();
  EXPECT_TRUE(t.join_for(10s));
  EXPECT_TRUE(on_pool.load());
  EXPECT_TRUE(t.fired());

  concur::timer late(1ms, [] {}, pool);
  pool.shutdown();
  late.start();
  late.join();
  EXPECT_TRUE(late.fired());
  EXPECT_THROW(std::rethrow_exception(late.error()), concur::broken_executor);
}

TEST(Timer, DestroyingAStartedTimerCancelsIt) {
  std::atomic<int> calls{0};
  {
    concur::timer t(10s, [&] { ++calls; });
    t.start();
  }
  EXPECT_EQ(calls.load(), 0);
}

} // namespace
