// Tests for concur/thread_pool.hpp: submit/post, errors across threads,
// cancellation, shutdown policies, destruction while busy, presets, and
// stress runs that count every task, and worker initializers.
#include "concur/thread_pool.hpp"

#include "invalid_argument_message.hpp"
#include <gtest/gtest.h>
#include <string>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <random>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#if defined(__SANITIZE_THREAD__)
// As in test_parallel.cpp: libstdc++ is not built with ThreadSanitizer, so
// the reference count of an exception shared through std::exception_ptr (a
// broken pool's initializer_error) is invisible to it: a false positive.
extern "C" const char *__tsan_default_suppressions() {
  return "race:std::__exception_ptr::exception_ptr::_M_release\n"
         "race:std::runtime_error::~runtime_error\n";
}
#endif

using namespace std::chrono_literals;

namespace {

// A gate that tasks block on until the test opens it.
struct gate {
  concur::promise<void> opener;
  concur::future<void> opened = opener.get_future();
  void open() { opener.set_value(); }
  void wait() const { opened.wait(); }
};

// A count that is negative (converted to std::size_t) or absurd is refused
// with a message naming the class, the parameter and the value as written.
TEST(ThreadPool, NegativeThreadCountIsAClearError) {
  EXPECT_EQ(invalid_argument_message([] { concur::thread_pool pool(-1); }),
            "concur::thread_pool: threads must be between 1 and 4096 (or 0 for "
            "one per core), got -1");
}

TEST(ThreadPool, AbsurdThreadCountIsAClearErrorNotAnAllocation) {
  EXPECT_EQ(invalid_argument_message([] { concur::thread_pool pool(4097); }),
            "concur::thread_pool: threads must be between 1 and 4096 (or 0 for "
            "one per core), got 4097");
  EXPECT_NE(invalid_argument_message([] {
              concur::thread_pool pool(1000000);
            }).find("got 1000000"),
            std::string::npos);
}

TEST(ThreadPool, SubmitReturnsValue) {
  concur::thread_pool pool(2);
  EXPECT_EQ(pool.size(), 2u);
  auto f = pool.submit([](int a, int b) { return a + b; }, 2, 3);
  EXPECT_EQ(f.get(), 5);
}

TEST(ThreadPool, DefaultSizeIsTheCores) {
  concur::thread_pool pool;
  EXPECT_EQ(pool.size(), concur::cpu_pool_default_size());
}

TEST(ThreadPool, ExceptionReachesTheCaller) {
  concur::thread_pool pool(2);
  auto f =
      pool.submit([]() -> int { throw std::invalid_argument("bad record"); });
  try {
    f.get();
    FAIL() << "expected an exception";
  } catch (const std::invalid_argument &error) {
    EXPECT_STREQ(error.what(), "bad record");
  }
}

TEST(ThreadPool, ArgumentsAreCopiedOrMoved) {
  concur::thread_pool pool(1);
  auto owned = std::make_unique<int>(4);
  auto f = pool.submit([](std::unique_ptr<int> p) { return *p * 2; },
                       std::move(owned));
  EXPECT_EQ(f.get(), 8);
}

TEST(ThreadPool, PostRunsWithoutFuture) {
  concur::thread_pool pool(2);
  std::atomic<int> count{0};
  for (int i = 0; i < 1000; ++i)
    pool.post([&count] { count.fetch_add(1, std::memory_order_relaxed); });
  pool.wait_idle();
  EXPECT_EQ(count.load(), 1000);
  EXPECT_EQ(pool.pending(), 0u);
}

TEST(ThreadPool, PostSmallAndLargeCallables) {
  concur::thread_pool pool(2);
  std::atomic<long> sum{0};
  std::array<long, 16> big{}; // 128 bytes of captures: too big for a queue cell
  big.fill(1);
  auto owned =
      std::make_shared<int>(4); // non-trivial capture, moved between cells
  for (int i = 0; i < 300; ++i) {
    pool.post([&sum, big] {
      long s = 0;
      for (long v : big)
        s += v;
      sum += s;
    });
    pool.post([&sum, owned](int x) { sum += x + *owned - 4; }, 2);
    pool.post(
        [&sum](std::stop_token stop, int x) {
          if (!stop.stop_requested())
            sum += x;
        },
        3);
  }
  pool.wait_idle();
  EXPECT_EQ(sum.load(), 300 * (16 + 2 + 3));
  EXPECT_EQ(owned.use_count(), 1) << "every posted copy was destroyed";
}

TEST(ThreadPool, CancelBeforeRun) {
  concur::thread_pool pool(1);
  gate g;
  auto blocker = pool.submit([&g] { g.wait(); });
  std::atomic<bool> ran{false};
  auto victim = pool.submit([&ran] { ran = true; });
  EXPECT_TRUE(victim.cancel());
  g.open();
  blocker.get();
  pool.wait_idle();
  EXPECT_FALSE(ran.load());
  EXPECT_TRUE(victim.cancelled());
  EXPECT_THROW(victim.get(), concur::cancelled_error);
}

TEST(ThreadPool, CancelDuringRunUsesStopToken) {
  concur::thread_pool pool(2);
  std::atomic<bool> started{false};
  auto f = pool.submit([&started](std::stop_token stop) {
    started = true;
    int spins = 0;
    while (!stop.stop_requested())
      std::this_thread::sleep_for(100us), ++spins;
    return spins;
  });
  while (!started)
    std::this_thread::yield();
  EXPECT_FALSE(f.cancel()); // running: Python's rule
  EXPECT_TRUE(f.request_stop());
  EXPECT_GE(f.get(), 0);
  EXPECT_FALSE(f.cancelled());
}

TEST(ThreadPool, ShutdownRunsPendingByDefault) {
  std::atomic<int> count{0};
  concur::thread_pool pool(1);
  gate g;
  pool.post([&g] { g.wait(); });
  std::vector<concur::future<void>> futures;
  for (int i = 0; i < 50; ++i)
    futures.push_back(pool.submit([&count] { ++count; }));
  std::thread opener([&g] {
    std::this_thread::sleep_for(5ms);
    g.open();
  });
  pool.shutdown(true, false);
  opener.join();
  EXPECT_EQ(count.load(), 50);
  for (auto &f : futures)
    EXPECT_NO_THROW(f.get());
  EXPECT_TRUE(pool.is_shut_down());
  EXPECT_THROW((void)pool.submit([] {}), concur::broken_executor);
  EXPECT_THROW(pool.post([] {}), concur::broken_executor);
}

TEST(ThreadPool, ShutdownCancelPending) {
  std::atomic<int> count{0};
  concur::thread_pool pool(1);
  gate g;
  std::atomic<bool> stop_seen{false};
  auto running = pool.submit([&](std::stop_token stop) {
    g.wait();
    stop_seen = stop.stop_requested();
  });
  std::vector<concur::future<void>> futures;
  for (int i = 0; i < 50; ++i) {
    futures.push_back(pool.submit([&count] { ++count; }));
    pool.post([&count] { ++count; }); // inline in the queue: dropped too
  }
  while (!running.running())
    std::this_thread::yield();
  pool.shutdown(false, true);
  for (auto &f : futures)
    EXPECT_TRUE(f.cancelled());
  g.open();
  pool.shutdown(true, true);
  running.get();
  EXPECT_TRUE(stop_seen.load());
  EXPECT_EQ(count.load(), 0);
}

// Every post racing a shutdown either is refused (broken_executor) or runs:
// none is accepted and then lost behind the workers' exit.
TEST(ThreadPoolStress, SubmitRacingShutdownNeverLosesATask) {
  for (int round = 0; round < 200; ++round) {
    std::atomic<long> accepted{0}, ran{0};
    {
      concur::thread_pool pool(2);
      auto produce = [&] {
        for (;;) {
          try {
            pool.post([&ran] { ran.fetch_add(1, std::memory_order_relaxed); });
          } catch (const concur::broken_executor &) {
            return;
          }
          accepted.fetch_add(1, std::memory_order_relaxed);
        }
      };
      std::jthread first(produce), second(produce);
      std::this_thread::sleep_for(std::chrono::microseconds(50 * (round % 7)));
      pool.shutdown(round % 2 == 0, false);
    } // producers joined, then the pool: everything accepted has run
    ASSERT_EQ(ran.load(), accepted.load()) << "round " << round;
  }
}

// shutdown(cancel_pending) while the workers steal from each other: every
// future ends cancelled or run, never both and never neither, and nothing
// runs once shutdown has returned.
TEST(ThreadPoolStress, CancelPendingWhileStealingSettlesEveryTask) {
  for (int round = 0; round < 50; ++round) {
    concur::thread_pool pool(2);
    std::atomic<int> ran{0};
    std::vector<concur::future<void>> futures;
    for (int i = 0; i < 2000; ++i)
      futures.push_back(pool.submit([&ran, i] {
        if (i % 3 == 0)
          std::this_thread::yield();
        ran.fetch_add(1, std::memory_order_relaxed);
      }));
    pool.shutdown(true, true);
    int after_shutdown = ran.load();
    int cancelled = 0;
    for (auto &f : futures) {
      ASSERT_TRUE(f.done());
      if (f.cancelled())
        ++cancelled;
      else
        EXPECT_NO_THROW(f.get());
    }
    EXPECT_EQ(cancelled + after_shutdown, 2000) << "round " << round;
    EXPECT_EQ(ran.load(), after_shutdown);
    EXPECT_EQ(pool.pending(), 0u);
  }
}

TEST(ThreadPool, DestructionWhileBusyJoinsEverything) {
  std::atomic<int> count{0};
  {
    concur::thread_pool pool(2);
    for (int i = 0; i < 200; ++i)
      pool.post([&count] {
        std::this_thread::sleep_for(10us);
        ++count;
      });
  } // the destructor runs what is queued, then joins
  EXPECT_EQ(count.load(), 200);
}

TEST(ThreadPool, NestedSubmitFromWorker) {
  concur::thread_pool pool(2);
  auto outer = pool.submit([&pool] {
    EXPECT_TRUE(pool.is_worker());
    std::vector<concur::future<int>> inner;
    for (int i = 0; i < 10; ++i)
      inner.push_back(pool.submit([i] { return i; }));
    return inner;
  });
  ASSERT_TRUE(outer.wait_for(30s)); // a timed wait never runs the task inline
  int sum = 0;
  for (auto &f : outer.get())
    sum += f.get();
  EXPECT_EQ(sum, 45);
  EXPECT_FALSE(pool.is_worker());
}

TEST(ThreadPool, WaitIdleFromWorkerIsRejected) {
  concur::thread_pool pool(1);
  auto f = pool.submit([&pool] { pool.wait_idle(); });
  ASSERT_TRUE(f.wait_for(30s));
  EXPECT_THROW(f.get(), std::logic_error);
}

TEST(ThreadPool, GetRunsAnUnstartedTaskInTheWaitingThread) {
  concur::thread_pool pool(1);
  gate g;
  auto blocker = pool.submit([&g] { g.wait(); });
  while (!blocker.running())
    std::this_thread::yield();
  // The only worker is busy, so get() runs the task here instead of waiting.
  auto f = pool.submit([] { return std::this_thread::get_id(); });
  EXPECT_EQ(f.get(), std::this_thread::get_id());
  g.open();
  blocker.get();
  pool.wait_idle(); // the worker still pops the spent task and skips it
  EXPECT_EQ(pool.pending(), 0u);
}

TEST(ThreadPool, GetTakesTheTaskBackOnlyFromTheBackOfItsQueue) {
  concur::thread_pool pool(1);
  gate g;
  auto blocker = pool.submit([&g] { g.wait(); });
  while (!blocker.running())
    std::this_thread::yield();
  auto first = pool.submit([] { return 1; });
  auto second = pool.submit([] { return 2; });
  EXPECT_EQ(pool.pending(), 3u);
  // `first` is not at the back: it runs here, but stays queued until the
  // worker pops and skips it.
  EXPECT_EQ(first.get(), 1);
  EXPECT_EQ(pool.pending(), 3u);
  // `second` is at the back: taken out of the queue, no longer the pool's.
  EXPECT_EQ(second.get(), 2);
  EXPECT_EQ(pool.pending(), 2u);
  g.open();
  blocker.get();
  pool.wait_idle();
  EXPECT_EQ(pool.pending(), 0u);
}

// Waiters take tasks back while both workers steal and run them, and the
// pool is destroyed while a waiter may still be taking one back: every task
// runs exactly once and the pool's count ends at zero (ASan and TSan see
// any use of a destroyed pool).
TEST(ThreadPoolStress, TakingBackRacesWorkersAndDestruction) {
  for (int round = 0; round < 100; ++round) {
    std::atomic<long> ran{0}, got{0};
    std::vector<concur::future<int>> leftovers;
    {
      auto pool = std::make_unique<concur::thread_pool>(2);
      std::vector<std::jthread> waiters;
      for (int w = 0; w < 2; ++w)
        waiters.emplace_back([&] {
          for (int i = 0; i < 500; ++i) {
            auto f = pool->submit([&ran, i] {
              ran.fetch_add(1, std::memory_order_relaxed);
              return i;
            });
            if (f.get() == i)
              got.fetch_add(1, std::memory_order_relaxed);
          }
        });
      waiters.clear();
      EXPECT_EQ(ran.load(), 1000);
      EXPECT_EQ(got.load(), 1000);
      pool->wait_idle();
      EXPECT_EQ(pool->pending(), 0u);
      for (int i = 0; i < 50; ++i)
        leftovers.push_back(pool->submit([i] { return i; }));
      std::jthread late_waiter([&] {
        for (int i = 49; i >= 0; --i)
          EXPECT_EQ(leftovers[static_cast<std::size_t>(i)].get(), i);
      });
      pool.reset(); // runs or hands over what is queued while the waiter takes
                    // tasks back
    }
    for (auto &f : leftovers)
      EXPECT_TRUE(f.done());
  }
}

TEST(ThreadPool, TimedWaitLeavesTheTaskToTheWorkers) {
  concur::thread_pool pool(1);
  gate g;
  auto blocker = pool.submit([&g] { g.wait(); });
  while (!blocker.running())
    std::this_thread::yield();
  auto f = pool.submit([] { return std::this_thread::get_id(); });
  EXPECT_FALSE(f.wait_for(5ms));
  g.open();
  ASSERT_TRUE(f.wait_for(30s));
  EXPECT_NE(f.get(), std::this_thread::get_id());
}

TEST(ThreadPool, WorkersRunInParallel) {
  concur::thread_pool pool(2);
  gate g;
  std::atomic<int> arrived{0};
  // Both tasks must be running at once for either to pass the barrier.
  auto a = pool.submit([&] {
    ++arrived;
    while (arrived < 2)
      std::this_thread::yield();
  });
  auto b = pool.submit([&] {
    ++arrived;
    while (arrived < 2)
      std::this_thread::yield();
  });
  EXPECT_TRUE(a.wait_for(30s));
  EXPECT_TRUE(b.wait_for(30s));
}

TEST(ThreadPool, SleepingPoolWakesForLateWork) {
  concur::thread_pool pool(2);
  for (int round = 0; round < 5; ++round) {
    std::this_thread::sleep_for(2ms); // long enough for workers to park
    EXPECT_EQ(pool.submit([round] { return round; }).get(), round);
  }
}

TEST(Presets, IoPoolIsLargerThanCpuPool) {
  EXPECT_GE(concur::io_pool_default_size(), 8u);
  EXPECT_GT(concur::io_pool_default_size(), concur::cpu_pool_default_size());
  EXPECT_EQ(&concur::io_pool(), &concur::io_pool());
  EXPECT_EQ(concur::cpu_pool().size(), concur::cpu_pool_default_size());
  EXPECT_EQ(concur::io_pool().submit([] { return 1; }).get() +
                concur::cpu_pool().submit([] { return 2; }).get(),
            3);
}

TEST(Presets, EnvironmentOverrideAndBadValues) {
  ASSERT_EQ(setenv("CONCUR_IO_THREADS", "13", 1), 0);
  EXPECT_EQ(concur::io_pool_default_size(), 13u);
  ASSERT_EQ(setenv("CONCUR_IO_THREADS", "lots", 1), 0);
  EXPECT_GE(concur::io_pool_default_size(), 8u); // falls back, never throws
  ASSERT_EQ(unsetenv("CONCUR_IO_THREADS"), 0);
}

// Stress: many producers, tiny tasks, random cancellation; every task is
// either run exactly once or cancelled, never lost.
TEST(ThreadPoolStress, ManyProducersRandomCancel) {
  concur::thread_pool pool(2);
  constexpr int producers = 4;
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
  constexpr int per_producer = 20000;
#else
  constexpr int per_producer = 250000;
#endif
  std::atomic<long> ran{0};
  std::atomic<long> cancelled{0};
  std::vector<std::thread> threads;
  for (int p = 0; p < producers; ++p)
    threads.emplace_back([&, p] {
      std::mt19937 random(static_cast<unsigned>(p));
      std::vector<concur::future<void>> batch;
      for (int i = 0; i < per_producer; ++i) {
        batch.push_back(pool.submit(
            [&ran] { ran.fetch_add(1, std::memory_order_relaxed); }));
        if (random() % 8 == 0 && batch.back().cancel())
          cancelled.fetch_add(1, std::memory_order_relaxed);
        if (batch.size() == 1024) {
          for (auto &f : batch)
            f.wait();
          batch.clear();
        }
      }
      for (auto &f : batch)
        f.wait();
    });
  for (auto &t : threads)
    t.join();
  pool.wait_idle();
  EXPECT_EQ(ran.load() + cancelled.load(), long{producers} * per_producer);
  EXPECT_GT(cancelled.load(), 0);
}

TEST(ThreadPoolStress, MillionsOfPostedTasks) {
  concur::thread_pool pool(2);
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
  constexpr long tasks = 200000;
#else
  constexpr long tasks = 2000000;
#endif
  std::atomic<long> ran{0};
  for (long i = 0; i < tasks; ++i)
    pool.post([&ran] { ran.fetch_add(1, std::memory_order_relaxed); });
  pool.wait_idle();
  EXPECT_EQ(ran.load(), tasks);
}

TEST(ThreadPoolStress, RepeatedCreateAndDestroy) {
  for (int i = 0; i < 50; ++i) {
    std::atomic<int> ran{0};
    {
      concur::thread_pool pool(3);
      for (int j = 0; j < 20; ++j)
        pool.post([&ran] { ++ran; });
    }
    ASSERT_EQ(ran.load(), 20);
  }
}

// ---- initializer (Python's ThreadPoolExecutor(initializer=, initargs=)) ----

thread_local int worker_session = 0; // what an initializer prepares

TEST(ThreadPoolInitializer, RunsOnceInEachWorkerBeforeItsTasks) {
  std::atomic<int> calls{0};
  {
    concur::thread_pool pool(3, [&] {
      worker_session = 42;
      ++calls;
    });
    // Waiting with get() must not run the task in this (uninitialised)
    // thread, as an untimed wait otherwise may.
    for (int i = 0; i < 200; ++i)
      EXPECT_EQ(pool.submit([] { return worker_session; }).get(), 42);
    std::vector<concur::future<int>> futures;
    for (int i = 0; i < 200; ++i)
      futures.push_back(pool.submit([] { return worker_session; }));
    for (auto &f : futures)
      EXPECT_EQ(f.get(), 42);
  }
  EXPECT_EQ(calls.load(), 3);
  EXPECT_EQ(worker_session, 0); // this thread was never initialised
}

TEST(ThreadPoolInitializer, InitargsAreStoredOnceAndPassed) {
  std::atomic<int> sum{0};
  {
    concur::thread_pool pool(
        2,
        [&sum](int base, const std::string &name) {
          worker_session = base + int(name.size());
          sum += worker_session;
        },
        40, std::string("ab"));
    EXPECT_EQ(pool.submit([] { return worker_session; }).get(), 42);
  }
  EXPECT_EQ(sum.load(), 84);
}

// Submits until the pool refuses (it is broken) or `limit` passes.
template <class Pool>
std::string first_refusal(Pool &pool, std::chrono::milliseconds limit) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    try {
      (void)pool.submit([] { return 1; });
    } catch (const concur::initializer_error &e) {
      return e.what();
    }
    std::this_thread::sleep_for(1ms);
  }
  return "";
}

TEST(ThreadPoolInitializer, ThrowingInitializerBreaksThePool) {
  concur::thread_pool pool(2, [] { throw std::runtime_error("no database"); });
  // Work submitted before the failure was noticed fails, never hangs.
  std::vector<concur::future<int>> early;
  for (int i = 0; i < 20; ++i) {
    try {
      early.push_back(pool.submit([] { return 1; }));
    } catch (const concur::initializer_error &) {
      break; // already broken
    }
  }
  for (auto &f : early) {
    ASSERT_TRUE(f.wait_for(10s)) << "a task of a broken pool hangs";
    try {
      f.get();
      ADD_FAILURE() << "a task ran although no worker was initialised";
    } catch (const concur::initializer_error &e) {
      EXPECT_NE(std::string(e.what()).find("initializer failed (no database)"),
                std::string::npos)
          << e.what();
    }
  }
  std::string refusal = first_refusal(pool, 10s);
  EXPECT_EQ(refusal, "concur::thread_pool: a worker's initializer failed (no "
                     "database); the pool is not usable any more");
  try {
    pool.post([] {});
    ADD_FAILURE() << "post on a broken pool did not throw";
  } catch (const concur::initializer_error &e) {
    // The initializer's own exception is kept as the cause.
    try {
      std::rethrow_exception(e.cause());
    } catch (const std::runtime_error &cause) {
      EXPECT_STREQ(cause.what(), "no database");
    }
  }
  // A broken_executor, like any refusal of a pool.
  EXPECT_THROW((void)pool.submit([] { return 1; }), concur::broken_executor);
  pool.wait_idle();
  EXPECT_TRUE(pool.is_shut_down());
}

TEST(ThreadPoolInitializer, OneFailingWorkerFailsQueuedWorkButLosesNothing) {
  std::atomic<int> calls{0};
  gate started;
  concur::thread_pool pool(3, [&] {
    if (++calls == 3) {
      started.wait(); // fail only once tasks are queued
      throw std::runtime_error("third worker");
    }
  });
  std::vector<concur::future<int>> futures;
  for (int i = 0; i < 300; ++i)
    futures.push_back(pool.submit([] {
      std::this_thread::sleep_for(50us);
      return 1;
    }));
  started.open();
  int ran = 0, failed = 0;
  for (auto &f : futures) {
    ASSERT_TRUE(f.wait_for(10s));
    try {
      ran += f.get();
    } catch (const concur::initializer_error &) {
      ++failed;
    }
  }
  EXPECT_EQ(ran + failed, 300); // each either ran or failed, none lost
  EXPECT_FALSE(first_refusal(pool, 10s).empty());
}

} // namespace
