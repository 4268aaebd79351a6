// Tests of concur/async_sync.hpp: event, semaphore, mutex, queue semantics,
// fairness and cancellation while waiting on each.
#include "concur/async_sync.hpp"
#include "concur/gather.hpp"

#include "invalid_argument_message.hpp"
#include <gtest/gtest.h>
#include <stdexcept>

#include <chrono>
#include <string>
#include <vector>

using namespace std::chrono_literals;

namespace {

TEST(AsyncSync, NegativeOrAbsurdSizesAreClearErrors) {
  EXPECT_EQ(invalid_argument_message([] { concur::async_semaphore s(-1); }),
            "concur::async_semaphore: permits must be between 0 and "
            "1073741824, got -1");
  EXPECT_EQ(invalid_argument_message([] { concur::async_queue<int> q(-1); }),
            "concur::async_queue: max_size must be between 0 and 1073741824 "
            "(0: unbounded), got -1");
  EXPECT_NE(invalid_argument_message([] {
              concur::async_queue<int> q(std::size_t{1} << 40);
            }).find("got 1099511627776"),
            std::string::npos);
  concur::async_semaphore none(
      0); // asyncio.Semaphore(0) is valid: release() first
  EXPECT_TRUE(none.locked());
  concur::async_queue<int> unbounded(0);
  EXPECT_FALSE(unbounded.full());
}

TEST(AsyncEvent, WakesAllWaitersAndStaysSet) {
  concur::run([]() -> concur::task<void> {
    concur::async_event event;
    int woken = 0;
    std::vector<concur::task_handle<void>> waiters;
    for (int i = 0; i < 3; ++i)
      waiters.push_back(concur::spawn(
          [](concur::async_event &e, int &w) -> concur::task<void> {
            co_await e.wait();
            ++w;
          }(event, woken)));
    co_await concur::yield();
    EXPECT_EQ(woken, 0);
    event.set();
    for (auto &w : waiters)
      co_await w;
    EXPECT_EQ(woken, 3);
    co_await event.wait(); // already set: no suspension
    event.clear();
    EXPECT_FALSE(event.is_set());
  }());
}

TEST(AsyncEvent, CancelledWaiterLeavesTheQueue) {
  concur::run([]() -> concur::task<void> {
    concur::async_event event;
    auto w = concur::spawn([](concur::async_event &e) -> concur::task<void> {
      co_await e.wait();
    }(event));
    co_await concur::yield();
    w.cancel();
    EXPECT_THROW(co_await w, concur::cancelled_error);
    event.set(); // must not touch the cancelled waiter
  }());
}

TEST(AsyncSemaphore, LimitsConcurrencyAndIsFifo) {
  concur::run([]() -> concur::task<void> {
    concur::async_semaphore limit(2);
    int inside = 0, peak = 0;
    std::vector<int> entered;
    std::vector<concur::task<void>> tasks;
    for (int i = 0; i < 6; ++i)
      tasks.push_back([](concur::async_semaphore &s, int &in, int &pk,
                         std::vector<int> &order,
                         int id) -> concur::task<void> {
        auto permit = co_await s.acquire_scoped();
        order.push_back(id);
        pk = std::max(pk, ++in);
        co_await concur::sleep_for(2ms);
        --in;
      }(limit, inside, peak, entered, i));
    co_await concur::gather(std::move(tasks));
    EXPECT_EQ(peak, 2);
    EXPECT_EQ(entered, (std::vector<int>{0, 1, 2, 3, 4, 5}));
    EXPECT_EQ(limit.available(), 2u);
  }());
}

TEST(AsyncSemaphore, ReleasedPermitGoesToTheWaiterNotABarger) {
  concur::run([]() -> concur::task<void> {
    concur::async_semaphore s(1);
    EXPECT_TRUE(s.try_acquire());
    auto waiter =
        concur::spawn([](concur::async_semaphore &sem) -> concur::task<void> {
          co_await sem.acquire();
          sem.release();
        }(s));
    co_await concur::yield();
    s.release();
    EXPECT_FALSE(s.try_acquire()); // handed to the waiter already
    co_await waiter;
    EXPECT_TRUE(s.try_acquire());
  }());
}

TEST(AsyncSemaphore, CancelledAcquireDoesNotLeakAPermit) {
  concur::run([]() -> concur::task<void> {
    concur::async_semaphore s(1);
    co_await s.acquire();
    auto waiter =
        concur::spawn([](concur::async_semaphore &sem) -> concur::task<void> {
          co_await sem.acquire();
        }(s));
    co_await concur::yield();
    waiter.cancel();
    EXPECT_THROW(co_await waiter, concur::cancelled_error);
    s.release();
    EXPECT_EQ(s.available(), 1u);
  }());
}

TEST(AsyncMutex, SerialisesCriticalSectionsAcrossAwaits) {
  concur::run([]() -> concur::task<void> {
    concur::async_mutex m;
    std::string trace;
    auto worker = [](concur::async_mutex &mu, std::string &t,
                     char c) -> concur::task<void> {
      auto lock = co_await mu.scoped_lock();
      t += c;
      co_await concur::sleep_for(1ms);
      t += c;
    };
    co_await concur::gather(worker(m, trace, 'a'), worker(m, trace, 'b'),
                            worker(m, trace, 'c'));
    EXPECT_EQ(trace, "aabbcc");
    EXPECT_FALSE(m.locked());
    EXPECT_THROW(m.unlock(), std::logic_error);
    EXPECT_TRUE(m.try_lock());
    m.unlock();
  }());
}

TEST(AsyncMutex, CancelledLockLeavesTheMutexUsable) {
  concur::run([]() -> concur::task<void> {
    concur::async_mutex m;
    auto held = co_await m.scoped_lock();
    auto waiter =
        concur::spawn([](concur::async_mutex &mu) -> concur::task<void> {
          auto lock = co_await mu.scoped_lock();
        }(m));
    co_await concur::yield();
    waiter.cancel();
    EXPECT_THROW(co_await waiter, concur::cancelled_error);
    held.unlock();
    EXPECT_FALSE(m.locked()); // the cancelled waiter did not take it
    EXPECT_TRUE(m.try_lock());
    m.unlock();
  }());
}

TEST(AsyncQueue, BoundedPutWaitsForRoomAndOrderIsKept) {
  concur::run([]() -> concur::task<void> {
    concur::async_queue<int> q(2);
    std::vector<int> got;
    auto producer = concur::spawn(
        [](concur::async_queue<int> &queue) -> concur::task<void> {
          for (int i = 0; i < 10; ++i)
            co_await queue.put(i);
        }(q));
    co_await concur::sleep_for(1ms);
    EXPECT_TRUE(q.full());
    EXPECT_FALSE(producer.done());
    for (int i = 0; i < 10; ++i)
      got.push_back(co_await q.get());
    co_await producer;
    EXPECT_EQ(got, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
    EXPECT_TRUE(q.empty());
  }());
}

TEST(AsyncQueue, TryOperationsAndMoveOnlyItems) {
  concur::run([]() -> concur::task<void> {
    concur::async_queue<std::unique_ptr<int>> q(1);
    EXPECT_TRUE(q.try_put(std::make_unique<int>(1)));
    auto extra = std::make_unique<int>(2);
    EXPECT_FALSE(q.try_put(extra));
    EXPECT_TRUE(extra); // untouched when full
    auto item = q.try_get();
    EXPECT_TRUE(item.has_value());
    EXPECT_EQ(item ? **item : 0, 1);
    EXPECT_FALSE(q.try_get().has_value());
    co_return;
  }());
}

TEST(AsyncQueue, JoinWaitsForTaskDone) {
  concur::run([]() -> concur::task<void> {
    concur::async_queue<int> q;
    int processed = 0;
    auto worker = concur::spawn(
        [](concur::async_queue<int> &queue, int &p) -> concur::task<void> {
          for (;;) {
            int item = co_await queue.get();
            co_await concur::sleep_for(std::chrono::microseconds(100 * item));
            ++p;
            queue.task_done();
          }
        }(q, processed));
    for (int i = 0; i < 5; ++i)
      co_await q.put(i);
    co_await q.join();
    EXPECT_EQ(processed, 5);
    EXPECT_EQ(q.unfinished(), 0u);
    EXPECT_THROW(q.task_done(), std::logic_error);
    worker.cancel();
    EXPECT_THROW(co_await worker, concur::cancelled_error);
  }());
}

TEST(AsyncQueue, CancelledGetAndPutLoseNothing) {
  concur::run([]() -> concur::task<void> {
    concur::async_queue<int> q(1);
    auto getter =
        concur::spawn([](concur::async_queue<int> &queue) -> concur::task<int> {
          co_return co_await queue.get();
        }(q));
    co_await concur::yield();
    getter.cancel();
    EXPECT_THROW(co_await getter, concur::cancelled_error);
    co_await q.put(1);
    auto putter = concur::spawn(
        [](concur::async_queue<int> &queue) -> concur::task<void> {
          co_await queue.put(2);
        }(q));
    co_await concur::yield();
    putter.cancel();
    EXPECT_THROW(co_await putter, concur::cancelled_error);
    EXPECT_EQ(co_await q.get(), 1);
    EXPECT_TRUE(q.empty()); // the cancelled put did not land
  }());
}

TEST(AsyncQueue, ManyPutGetPairs) {
  long sum = concur::run([]() -> concur::task<long> {
    concur::async_queue<int> q(64);
    auto producer = concur::spawn(
        [](concur::async_queue<int> &queue) -> concur::task<void> {
          for (int i = 0; i < 100000; ++i)
            co_await queue.put(i);
        }(q));
    long total = 0;
    for (int i = 0; i < 100000; ++i)
      total += co_await q.get();
    co_await producer;
    co_return total;
  }());
  EXPECT_EQ(sum, 100000L * 99999 / 2);
}

} // namespace
