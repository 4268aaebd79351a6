// Tests for concur/future.hpp: promise/future hand-off, errors, cancellation,
// timed waits, done callbacks, and futures as keys (hash and order).
#include "concur/future.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

using namespace std::chrono_literals;

namespace {

TEST(Future, ValueCrossesThreads) {
  concur::promise<std::string> p;
  concur::future<std::string> f = p.get_future();
  EXPECT_FALSE(f.done());
  std::thread producer([&p] { p.set_value("hello"); });
  EXPECT_EQ(f.get(), "hello");
  EXPECT_EQ(f.get(), "hello"); // get() may be repeated
  EXPECT_TRUE(f.done());
  EXPECT_FALSE(f.cancelled());
  producer.join();
}

TEST(Future, CopiesShareTheResult) {
  concur::promise<int> p;
  auto a = p.get_future();
  auto b = a;
  EXPECT_TRUE(a == b);
  p.set_value(7);
  EXPECT_EQ(a.get(), 7);
  EXPECT_EQ(b.get(), 7);
}

TEST(Future, ExceptionCrossesThreadsWithItsType) {
  concur::promise<int> p;
  auto f = p.get_future();
  std::thread producer([&p] {
    try {
      throw std::out_of_range("index 9");
    } catch (...) {
      p.set_exception(std::current_exception());
    }
  });
  producer.join();
  EXPECT_THROW(f.get(), std::out_of_range);
  EXPECT_NE(f.exception(), nullptr);
  EXPECT_TRUE(f.done());
}

TEST(Future, VoidFuture) {
  concur::promise<void> p;
  auto f = p.get_future();
  p.set_value();
  EXPECT_NO_THROW(f.get());
  EXPECT_EQ(f.exception(), nullptr);
}

TEST(Future, MoveOnlyValueMovesOut) {
  concur::promise<std::unique_ptr<int>> p;
  auto f = p.get_future();
  p.set_value(std::make_unique<int>(5));
  std::unique_ptr<int> value = std::move(f).get();
  ASSERT_TRUE(value);
  EXPECT_EQ(*value, 5);
}

TEST(Future, CancelWhilePending) {
  concur::promise<int> p;
  auto f = p.get_future();
  EXPECT_TRUE(f.cancel());
  EXPECT_TRUE(f.cancel()); // idempotent
  EXPECT_TRUE(f.cancelled());
  EXPECT_TRUE(f.done());
  EXPECT_THROW(f.get(), concur::cancelled_error);
  EXPECT_THROW((void)f.exception(), concur::cancelled_error);
  EXPECT_TRUE(p.cancelled());
  EXPECT_FALSE(p.set_running());
  // The producer's late result is refused.
  EXPECT_THROW(p.set_value(1), concur::invalid_future_state);
}

TEST(Future, CancelFailsOnceRunningOrDone) {
  concur::promise<int> running;
  auto f = running.get_future();
  ASSERT_TRUE(running.set_running());
  EXPECT_TRUE(f.running());
  EXPECT_FALSE(f.cancel());
  EXPECT_FALSE(f.cancelled());
  running.set_value(3);
  EXPECT_FALSE(f.cancel());
  EXPECT_EQ(f.get(), 3);
}

TEST(Future, SetTwiceIsAnError) {
  concur::promise<int> p;
  p.set_value(1);
  EXPECT_THROW(p.set_value(2), concur::invalid_future_state);
  EXPECT_THROW(
      p.set_exception(std::make_exception_ptr(std::runtime_error("x"))),
      concur::invalid_future_state);
}

TEST(Future, BrokenPromise) {
  concur::future<int> f;
  {
    concur::promise<int> p;
    f = p.get_future();
  }
  EXPECT_TRUE(f.done());
  EXPECT_THROW(f.get(), concur::broken_promise);
}

TEST(Future, DefaultConstructedIsInvalid) {
  concur::future<int> f;
  EXPECT_FALSE(f.valid());
  EXPECT_THROW(f.get(), concur::invalid_future_state);
  EXPECT_THROW((void)f.done(), concur::invalid_future_state);
}

TEST(Future, WaitForTimesOutThenSucceeds) {
  concur::promise<int> p;
  auto f = p.get_future();
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(f.wait_for(20ms));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 20ms);
  EXPECT_THROW(f.get_for(1ms), concur::timeout_error);
  std::thread producer([&p] {
    std::this_thread::sleep_for(5ms);
    p.set_value(9);
  });
  EXPECT_TRUE(f.wait_for(10s));
  EXPECT_EQ(f.get_for(1ms), 9);
  producer.join();
}

TEST(Future, WaitUntilPastDeadline) {
  concur::promise<int> p;
  auto f = p.get_future();
  EXPECT_FALSE(f.wait_until(std::chrono::steady_clock::now() - 1s));
  p.set_value(1);
  EXPECT_TRUE(f.wait_until(std::chrono::steady_clock::now() - 1s));
}

TEST(Future, CallbackAddedBeforeRunsInCompletingThread) {
  concur::promise<int> p;
  auto f = p.get_future();
  std::atomic<int> seen{0};
  std::thread::id callback_thread;
  f.add_done_callback([&](const concur::future<int> &done) {
    seen = done.get();
    callback_thread = std::this_thread::get_id();
  });
  EXPECT_EQ(seen.load(), 0);
  std::thread producer([&p] { p.set_value(42); });
  std::thread::id producer_id = producer.get_id();
  producer.join();
  EXPECT_EQ(seen.load(), 42);
  EXPECT_EQ(callback_thread, producer_id);
}

TEST(Future, CallbackAddedAfterRunsAtOnce) {
  auto f = concur::make_ready_future(5);
  int calls = 0;
  f.add_done_callback([&] { ++calls; });
  EXPECT_EQ(calls, 1);
}

TEST(Future, CallbackOnCancelAndMoveOnlyCapture) {
  concur::promise<int> p;
  auto f = p.get_future();
  concur::promise<bool> relay;
  auto relayed = relay.get_future();
  f.add_done_callback(
      [r = std::move(relay)](const concur::future<int> &done) mutable {
        r.set_value(done.cancelled());
      });
  EXPECT_TRUE(f.cancel());
  EXPECT_TRUE(relayed.get());
}

TEST(Future, ManyWaitersAllWake) {
  concur::promise<int> p;
  auto f = p.get_future();
  std::atomic<int> woke{0};
  std::vector<std::thread> waiters;
  for (int i = 0; i < 8; ++i)
    waiters.emplace_back([f, &woke] {
      if (f.get() == 11)
        ++woke;
    });
  std::this_thread::sleep_for(5ms);
  p.set_value(11);
  for (auto &t : waiters)
    t.join();
  EXPECT_EQ(woke.load(), 8);
}

TEST(Future, StopTokenFromPromise) {
  concur::promise<int> p;
  auto f = p.get_future();
  std::stop_token token = p.get_stop_token();
  EXPECT_FALSE(token.stop_requested());
  EXPECT_TRUE(f.request_stop());
  EXPECT_TRUE(token.stop_requested());
  concur::promise<int> q;
  EXPECT_FALSE(q.get_future().request_stop()); // no token was handed out
}

TEST(Future, ExceptionalFuture) {
  auto f = concur::make_exceptional_future<int>(
      std::make_exception_ptr(std::logic_error("no")));
  EXPECT_THROW(f.get(), std::logic_error);
  auto v = concur::make_ready_future();
  EXPECT_TRUE(v.done());
}

TEST(FutureKey, CopiesHashAndCompareAlike) {
  concur::promise<int> p, q;
  auto a = p.get_future();
  auto a2 = a;
  auto b = q.get_future();
  std::hash<concur::future<int>> hash;
  EXPECT_EQ(hash(a), hash(a2));
  EXPECT_TRUE(a == a2);
  EXPECT_FALSE(a == b);
  EXPECT_TRUE(a <= a2 && a >= a2 && !(a < a2));
  EXPECT_TRUE((a < b) != (b < a)); // a strict total order by identity
  EXPECT_EQ(a <=> a2, std::strong_ordering::equal);
  concur::future<int> none1, none2;
  EXPECT_TRUE(none1 == none2);
  EXPECT_EQ(hash(none1), hash(none2));
}

TEST(FutureKey, UnorderedMapSetAndMapKeyedByFuture) {
  std::vector<concur::promise<std::string>> promises(3);
  std::unordered_map<concur::future<std::string>, std::string> names;
  std::map<concur::future<std::string>, int> order;
  std::unordered_set<concur::future<std::string>> set;
  for (std::size_t i = 0; i < promises.size(); ++i) {
    auto f = promises[i].get_future();
    names[f] = "task " + std::to_string(i);
    order[f] = int(i);
    set.insert(f);
  }
  EXPECT_EQ(names.size(), 3u);
  EXPECT_EQ(order.size(), 3u);
  // A fresh copy of the future finds its entry (the key is the task, not
  // the handle).
  for (std::size_t i = 0; i < promises.size(); ++i) {
    auto again = promises[i].get_future();
    EXPECT_EQ(names.at(again), "task " + std::to_string(i));
    EXPECT_EQ(order.at(again), int(i));
    EXPECT_TRUE(set.contains(again));
  }
  // Completing a future does not change its hash or position.
  promises[1].set_value("done");
  EXPECT_EQ(names.at(promises[1].get_future()), "task 1");
  EXPECT_EQ(order.at(promises[1].get_future()), 1);
}

} // namespace
