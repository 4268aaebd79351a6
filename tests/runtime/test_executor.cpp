// Tests for concur/executor.hpp: executor submit/map/shutdown over a thread
// pool (owned and borrowed), concur::wait orderings and as_completed.
#include "concur/executor.hpp"

#include "invalid_argument_message.hpp"
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iterator>
#include <list>
#include <numeric>
#include <ranges>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <vector>

using namespace std::chrono_literals;

namespace {

TEST(Executor, NegativeOrAbsurdChunkSizeIsAClearError) {
  concur::thread_pool pool(2);
  concur::executor ex(pool);
  std::vector<int> items{1, 2, 3};
  EXPECT_EQ(invalid_argument_message(
                [&] { (void)ex.map([](int x) { return x; }, items, -1); }),
            "concur::executor::map: chunk_size must be between 1 and "
            "1073741824 (or 0 for about four chunks per worker), got -1");
  // An owned pool is checked by the pool itself.
  EXPECT_NE(invalid_argument_message([] {
              concur::executor<concur::thread_pool> own(std::in_place, -1);
            }).find("concur::thread_pool: threads"),
            std::string::npos);
}

TEST(Executor, SubmitOverBorrowedPool) {
  concur::thread_pool pool(2);
  concur::executor ex(pool);
  EXPECT_EQ(ex.size(), 2u);
  EXPECT_EQ(&ex.pool(), &pool);
  EXPECT_EQ(ex.submit([](int x) { return x * x; }, 7).get(), 49);
}

TEST(Executor, MapKeepsOrderForEveryChunkSize) {
  concur::executor<concur::thread_pool> ex(std::in_place, 2);
  std::vector<int> items(1001);
  std::iota(items.begin(), items.end(), 0);
  for (std::size_t chunk : {0u, 1u, 7u, 1000u, 5000u}) {
    std::vector<long> squares =
        ex.map([](int x) { return long{x} * x; }, items, chunk);
    ASSERT_EQ(squares.size(), items.size()) << "chunk " << chunk;
    for (std::size_t i = 0; i < items.size(); ++i)
      ASSERT_EQ(squares[i], long(i) * long(i)) << "chunk " << chunk;
  }
}

TEST(Executor, MapResultTypesWithoutDefaultConstructorAndBool) {
  concur::executor<concur::thread_pool> ex(std::in_place, 2);
  struct tagged {
    explicit tagged(int v) : value(v) {}
    int value;
  };
  std::vector<int> items(300);
  std::iota(items.begin(), items.end(), 0);
  auto tags = ex.map([](int x) { return tagged(x); }, items, 7);
  ASSERT_EQ(tags.size(), items.size());
  EXPECT_EQ(tags[299].value, 299);
  auto even = ex.map([](int x) { return x % 2 == 0; }, items, 1);
  EXPECT_EQ(std::count(even.begin(), even.end(), true), 150);
}

TEST(Executor, MapOverEmptyAndNonRandomAccessRanges) {
  concur::executor<concur::thread_pool> ex(std::in_place, 2);
  EXPECT_TRUE(ex.map([](int x) { return x; }, std::vector<int>{}).empty());
  std::list<std::string> words{"a", "bb", "ccc"};
  auto lengths =
      ex.map([](const std::string &w) { return w.size(); }, words, 1);
  EXPECT_EQ(lengths, (std::vector<std::size_t>{1, 2, 3}));
  std::istringstream input("4 5 6");
  auto doubled = ex.map([](int x) { return 2 * x; },
                        std::ranges::subrange(std::istream_iterator<int>(input),
                                              std::istream_iterator<int>()));
  EXPECT_EQ(doubled, (std::vector<int>{8, 10, 12}));
}

TEST(Executor, MapVoidAndStopToken) {
  concur::executor<concur::thread_pool> ex(std::in_place, 2);
  std::atomic<int> sum{0};
  std::vector<int> items{1, 2, 3, 4};
  ex.map(
      [&sum](std::stop_token stop, int x) {
        EXPECT_FALSE(stop.stop_requested());
        sum += x;
      },
      items, 1);
  EXPECT_EQ(sum.load(), 10);
}

TEST(Executor, MapRethrowsFirstExceptionInItemOrder) {
  concur::executor<concur::thread_pool> ex(std::in_place, 2);
  std::vector<int> items(100);
  std::iota(items.begin(), items.end(), 0);
  try {
    (void)ex.map(
        [](int x) {
          if (x == 30 || x == 70)
            throw std::runtime_error("item " + std::to_string(x));
          return x;
        },
        items, 10);
    FAIL() << "expected an exception";
  } catch (const std::runtime_error &error) {
    EXPECT_STREQ(error.what(), "item 30");
  }
  // The executor is still usable afterwards.
  EXPECT_EQ(ex.map([](int x) { return x; }, items).size(), 100u);
}

TEST(Executor, ShutdownBorrowedPoolLeavesPoolRunning) {
  concur::thread_pool pool(1);
  std::atomic<int> ran{0};
  {
    concur::executor ex(pool);
    concur::promise<void> gate;
    auto opened = gate.get_future();
    auto blocker = ex.submit([opened] { opened.wait(); });
    while (!blocker.running())
      std::this_thread::yield();
    std::vector<concur::future<void>> queued;
    for (int i = 0; i < 10; ++i)
      queued.push_back(ex.submit([&ran] { ++ran; }));
    ex.shutdown(false, true);
    for (auto &f : queued)
      EXPECT_TRUE(f.cancelled());
    EXPECT_THROW((void)ex.submit([] {}), concur::broken_executor);
    EXPECT_THROW((void)ex.map([](int x) { return x; }, std::vector<int>{1}),
                 concur::broken_executor);
    gate.set_value();
    blocker.get();
  }
  EXPECT_EQ(ran.load(), 0);
  EXPECT_FALSE(pool.is_shut_down());
  EXPECT_EQ(pool.submit([] { return 5; }).get(), 5);
}

TEST(Executor, ShutdownWaitsForItsTasks) {
  concur::thread_pool pool(2);
  std::atomic<int> ran{0};
  concur::executor ex(pool);
  for (int i = 0; i < 20; ++i)
    (void)ex.submit([&ran] {
      std::this_thread::sleep_for(1ms);
      ++ran;
    });
  ex.shutdown(true, false);
  EXPECT_EQ(ran.load(), 20);
}

TEST(Executor, OwnedPoolIsShutDownWithIt) {
  concur::executor<concur::thread_pool> ex(std::in_place, 1);
  ex.shutdown();
  EXPECT_TRUE(ex.pool().is_shut_down());
}

TEST(Executor, ShutdownStopsRunningTasksThatListen) {
  concur::executor<concur::thread_pool> ex(std::in_place, 1);
  std::atomic<bool> started{false};
  auto f = ex.submit([&started](std::stop_token stop) {
    started = true;
    while (!stop.stop_requested())
      std::this_thread::sleep_for(100us);
    return std::string("stopped");
  });
  while (!started)
    std::this_thread::yield();
  ex.shutdown(true, true);
  EXPECT_EQ(f.get(), "stopped");
}

// A promise-backed set of futures whose completion order the test controls.
struct staged {
  std::vector<concur::promise<int>> promises =
      std::vector<concur::promise<int>>(4);
  std::vector<concur::future<int>> futures;
  staged() {
    for (auto &p : promises)
      futures.push_back(p.get_future());
  }
};

TEST(Wait, FirstCompleted) {
  staged s;
  std::thread finisher([&] {
    std::this_thread::sleep_for(5ms);
    s.promises[2].set_value(2);
  });
  auto result = concur::wait(s.futures, concur::return_when::first_completed);
  finisher.join();
  ASSERT_EQ(result.done.size(), 1u);
  EXPECT_EQ(result.done[0].get(), 2);
  EXPECT_EQ(result.not_done.size(), 3u);
}

TEST(Wait, FirstExceptionSkipsPlainResults) {
  staged s;
  s.promises[0].set_value(0);
  std::thread finisher([&] {
    std::this_thread::sleep_for(2ms);
    s.promises[1].set_value(1);
    s.promises[3].set_exception(
        std::make_exception_ptr(std::runtime_error("three")));
  });
  auto result = concur::wait(s.futures, concur::return_when::first_exception);
  finisher.join();
  EXPECT_EQ(result.done.size(), 3u);
  ASSERT_EQ(result.not_done.size(), 1u);
  EXPECT_TRUE(result.not_done[0] == s.futures[2]);
}

TEST(Wait, FirstExceptionWithoutFailuresMeansAll) {
  staged s;
  for (int i = 0; i < 4; ++i)
    s.promises[i].set_value(i);
  auto result = concur::wait(s.futures, concur::return_when::first_exception);
  EXPECT_EQ(result.done.size(), 4u);
}

TEST(Wait, AllCompletedWithTimeout) {
  staged s;
  s.promises[0].set_value(0);
  EXPECT_TRUE(s.futures[1].cancel());
  auto partial =
      concur::wait(s.futures, concur::return_when::all_completed, 10ms);
  EXPECT_EQ(partial.done.size(), 2u);
  EXPECT_EQ(partial.not_done.size(), 2u);
  s.promises[2].set_value(2);
  s.promises[3].set_value(3);
  auto full = concur::wait(s.futures);
  EXPECT_EQ(full.done.size(), 4u);
  EXPECT_TRUE(full.not_done.empty());
}

TEST(AsCompleted, YieldsInCompletionOrder) {
  staged s;
  s.promises[1].set_value(1); // already done: comes first
  std::thread finisher([&] {
    for (int i : {3, 0, 2}) {
      std::this_thread::sleep_for(2ms);
      s.promises[i].set_value(i);
    }
  });
  std::vector<int> order;
  for (auto &f : concur::as_completed(s.futures))
    order.push_back(f.get());
  finisher.join();
  EXPECT_EQ(order, (std::vector<int>{1, 3, 0, 2}));
}

TEST(AsCompleted, TimeoutThrows) {
  staged s;
  s.promises[0].set_value(0);
  auto range = concur::as_completed(s.futures, 20ms);
  auto it = range.begin();
  EXPECT_EQ(it->get(), 0);
  EXPECT_THROW(++it, concur::timeout_error);
}

TEST(AsCompleted, EmptyRange) {
  std::vector<concur::future<int>> none;
  int count = 0;
  for (auto &f : concur::as_completed(none)) {
    (void)f;
    ++count;
  }
  EXPECT_EQ(count, 0);
}

TEST(AsCompleted, OverPoolTasks) {
  concur::thread_pool pool(2);
  concur::executor ex(pool);
  std::vector<concur::future<int>> futures;
  for (int i = 0; i < 100; ++i)
    futures.push_back(ex.submit([i] { return i; }));
  int sum = 0;
  for (auto &f : concur::as_completed(futures))
    sum += f.get();
  EXPECT_EQ(sum, 4950);
}

// The guides' pattern: future_to_url = {executor.submit(fetch, url): url
// for url in urls}; for future in as_completed(future_to_url): ...
TEST(AsCompleted, FuturesKeyAnUnorderedMapOfInputs) {
  concur::thread_pool pool(3);
  concur::executor ex(pool);
  std::vector<std::string> urls = {"a.example", "bb.example", "ccc.example",
                                   "bad"};
  auto fetch = [](const std::string &url) -> std::size_t {
    if (url == "bad")
      throw std::runtime_error("cannot fetch " + url);
    std::this_thread::sleep_for(std::chrono::milliseconds(url.size()));
    return url.size();
  };
  std::unordered_map<concur::future<std::size_t>, std::string> future_to_url;
  for (const auto &url : urls)
    future_to_url.emplace(ex.submit(fetch, url), url);
  ASSERT_EQ(future_to_url.size(), urls.size());
  std::vector<std::string> seen;
  int failures = 0;
  for (auto &f : concur::as_completed(future_to_url | std::views::keys)) {
    const std::string &url = future_to_url.at(f);
    seen.push_back(url);
    try {
      EXPECT_EQ(f.get(), url.size());
    } catch (const std::runtime_error &e) {
      EXPECT_EQ(std::string(e.what()), "cannot fetch " + url);
      ++failures;
    }
  }
  std::sort(seen.begin(), seen.end());
  auto sorted = urls;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(seen, sorted);
  EXPECT_EQ(failures, 1);
}

thread_local int executor_worker_tag = 0;

TEST(ExecutorInitializer, OwnedPoolWithInitializer) {
  concur::executor<concur::thread_pool> ex(std::in_place, std::size_t{2},
                                           [] { executor_worker_tag = 7; });
  std::vector<int> items(100, 1);
  auto tags = ex.map([](int x) { return x * executor_worker_tag; }, items);
  EXPECT_EQ(std::accumulate(tags.begin(), tags.end(), 0), 700);
  EXPECT_EQ(ex.submit([] { return executor_worker_tag; }).get(), 7);
}

TEST(ExecutorInitializer, BrokenInitializerFailsMapInsteadOfHanging) {
  concur::executor<concur::thread_pool> ex(std::in_place, std::size_t{2}, [] {
    throw std::runtime_error("bad init");
  });
  std::vector<int> items(50, 1);
  EXPECT_THROW(ex.map([](int x) { return x; }, items, 1),
               concur::initializer_error);
}

// ---- map with a timeout (Python's executor.map(fn, items, timeout=...)) ----

TEST(ExecutorMapTimeout, ReturnsResultsInOrderWhenInTime) {
  concur::thread_pool pool(2);
  concur::executor ex(pool);
  std::vector<int> items(1000);
  std::iota(items.begin(), items.end(), 0);
  auto squares = ex.map([](int x) { return x * x; }, items, 10s);
  ASSERT_EQ(squares.size(), items.size());
  for (int i = 0; i < 1000; ++i)
    EXPECT_EQ(squares[std::size_t(i)], i * i);
  std::atomic<int> sum{0};
  ex.map([&](int x) { sum += x; }, items, 10s); // void results
  EXPECT_EQ(sum.load(), 999 * 1000 / 2);
  EXPECT_TRUE(ex.map([](int x) { return x; }, std::vector<int>(), 1ms).empty());
}

TEST(ExecutorMapTimeout, TimesOutAndCancelsWorkNotStarted) {
  concur::thread_pool pool(1);
  concur::executor ex(pool);
  std::atomic<int> started{0};
  auto before = std::chrono::steady_clock::now();
  {
    std::vector<int> items(20, 1); // destroyed right after map throws
    try {
      ex.map(
          [&](int x) {
            ++started;
            std::this_thread::sleep_for(20ms);
            return x;
          },
          items, 50ms, 1);
      FAIL() << "map did not time out";
    } catch (const concur::timeout_error &e) {
      std::string what = e.what();
      EXPECT_NE(what.find("concur::executor::map: timed out with "),
                std::string::npos)
          << what;
      EXPECT_NE(what.find(" of 20 items unfinished"), std::string::npos)
          << what;
    }
  }
  EXPECT_LT(std::chrono::steady_clock::now() - before, 2s);
  pool.wait_idle();
  EXPECT_LT(started.load(), 20); // the rest were cancelled, not run
}

TEST(ExecutorMapTimeout, DoesNotWaitForARunningItemThatIgnoresStop) {
  concur::thread_pool pool(2);
  concur::executor ex(pool);
  concur::promise<void> release;
  concur::future<void> released = release.get_future();
  auto before = std::chrono::steady_clock::now();
  EXPECT_THROW(ex.map(
                   [released](int x) {
                     if (x == 0)
                       released.wait(); // blocked, deaf to the stop token
                     return x;
                   },
                   std::vector<int>{0, 1, 2}, 30ms, 1),
               concur::timeout_error);
  EXPECT_LT(std::chrono::steady_clock::now() - before, 2s);
  release.set_value(); // the abandoned chunk finishes later, on its own
  pool.wait_idle();
}

TEST(ExecutorMapTimeout, FirstExceptionInItemOrderIsRethrown) {
  concur::thread_pool pool(2);
  concur::executor ex(pool);
  std::vector<int> items = {1, 2, 3, 4, 5, 6};
  try {
    ex.map(
        [](int x) {
          if (x == 2 || x == 5)
            throw std::runtime_error("item " + std::to_string(x));
          return x;
        },
        items, 10s, 1);
    FAIL() << "no exception";
  } catch (const std::runtime_error &e) {
    EXPECT_STREQ(e.what(), "item 2");
  }
}

// Python's ThreadPoolExecutor(4): `concur::executor ex(4)` owns a 4-thread
// pool (a non-pool argument is a one-line compile error, checked by the
// test runtime.compile_fail.executor_not_a_pool).
TEST(Executor, WorkerCountDeducesAnOwnedThreadPool) {
  concur::executor ex(4);
  static_assert(
      std::is_same_v<decltype(ex), concur::executor<concur::thread_pool>>);
  EXPECT_EQ(ex.size(), 4u);
  EXPECT_EQ(ex.submit([](int a) { return a + 1; }, 41).get(), 42);
  concur::executor<concur::thread_pool> explicit_count(std::size_t{2});
  EXPECT_EQ(explicit_count.size(), 2u);
  EXPECT_EQ(invalid_argument_message([] { concur::executor bad(-1); }),
            "concur::thread_pool: threads must be between 1 and 4096 (or 0 "
            "for one per core), got -1");
  ex.shutdown();
  EXPECT_TRUE(ex.pool().is_shut_down()); // owned: shut down with it
}

} // namespace
