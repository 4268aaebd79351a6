#include "concur/parallel.hpp"

#include "invalid_argument_message.hpp"
#include <gtest/gtest.h>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <list>
#include <mutex>
#include <numeric>
#include <set>
#include <string>
#include <thread>

#if defined(__SANITIZE_THREAD__)
// As in test_process_pool.cpp: libstdc++ is not built with ThreadSanitizer, so
// the atomic reference count inside std::exception_ptr is invisible to it, and
// a worker exception read here and released by the pool's thread is reported
// as a race. The count does order them: a false positive of the library.
// When the release is inlined into the destructor of what holds the
// exception (a batch's shared state), the report names the exception's
// destructor instead, as in test_async_bridge.cpp.
extern "C" const char *__tsan_default_suppressions() {
  return "race:std::__exception_ptr::exception_ptr::_M_release\n"
         "race:std::runtime_error::~runtime_error\n";
}
#endif

namespace {

using namespace std::chrono_literals;

// The process backend's fork server must start before any test starts a thread.
class fork_server_environment : public ::testing::Environment {
public:
  void SetUp() override { concur::start_fork_server(); }
};
[[maybe_unused]] const auto *const fork_server =
    ::testing::AddGlobalTestEnvironment(new fork_server_environment);

int cube(int x) { return x * x * x; }

std::vector<concur::batch_policy> every_batch_policy() {
  return {concur::batch_policy::automatic(), concur::batch_policy::of(1),
          concur::batch_policy::of(7), concur::batch_policy::of(100000)};
}

TEST(Parallel, AbsurdJobsAndBatchSizesAreClearErrors) {
  const std::vector<int> one{1};
  auto identity = [](int x) { return x; };
  EXPECT_EQ(invalid_argument_message([&] {
              (void)concur::parallel_map(one, identity, {.jobs = 1'000'000});
            }),
            "concur::parallel: jobs must be between -4096 and 4096 and not 0 "
            "(-1: all cores), got 1000000");
  EXPECT_EQ(invalid_argument_message([&] {
              (void)concur::parallel_map(one, identity, {.jobs = -5000});
            }),
            "concur::parallel: jobs must be between -4096 and 4096 and not 0 "
            "(-1: all cores), got -5000");
  EXPECT_EQ(
      invalid_argument_message([] { (void)concur::batch_policy::of(-1); }),
      "concur::batch_policy::of: items must be between 1 and 1073741824, got "
      "-1");
  // joblib's rule for large negative counts: never fewer than one worker.
  EXPECT_EQ(concur::effective_jobs(-4096), 1u);
  EXPECT_EQ(concur::effective_jobs(4096), 4096u);
}

TEST(ParallelMap, EqualsSequentialForEveryBatchPolicyAndJobCount) {
  std::vector<int> items(10007);
  std::iota(items.begin(), items.end(), -5000);
  auto f = [](int x) { return std::to_string(x * 3) + "!"; };
  std::vector<std::string> expected;
  for (int x : items)
    expected.push_back(f(x));
  for (const auto &policy : every_batch_policy()) {
    for (int jobs : {1, 2, 3, -1, -2, 16}) {
      EXPECT_EQ(concur::parallel_map(items, f, {.jobs = jobs, .batch = policy}),
                expected)
          << "jobs " << jobs << " batch " << policy.fixed;
    }
  }
}

TEST(ParallelMap, AcceptsRangesThatAreNotRandomAccess) {
  std::list<int> items{5, 1, 4, 2, 3};
  EXPECT_EQ(concur::parallel_map(items, [](int x) { return x * x; }),
            (std::vector<int>{25, 1, 16, 4, 9}));
  EXPECT_EQ(
      concur::parallel_map(std::views::iota(0, 5), [](int x) { return x + 1; }),
      (std::vector<int>{1, 2, 3, 4, 5}));
  EXPECT_TRUE(concur::parallel_map(std::vector<int>{}, [](int x) {
                return x;
              }).empty());
}

TEST(ParallelFor, VisitsEveryItemExactlyOnce) {
  std::vector<std::atomic<int>> visits(50000);
  std::vector<std::size_t> indices(visits.size());
  std::iota(indices.begin(), indices.end(), 0);
  for (const auto &policy : every_batch_policy()) {
    for (auto &v : visits)
      v = 0;
    concur::parallel_for(indices,
                         [&](std::size_t i) { visits[i].fetch_add(1); },
                         {.batch = policy});
    EXPECT_TRUE(std::all_of(visits.begin(), visits.end(),
                            [](auto &v) { return v == 1; }));
  }
}

TEST(ParallelReduce, NonCommutativeCombineGivesTheSequentialAnswer) {
  std::vector<int> items(3000);
  std::iota(items.begin(), items.end(), 0);
  auto f = [](int x) { return std::to_string(x % 10); };
  auto concat = [](std::string a, std::string b) { return a + b; };
  std::string expected = "<";
  for (int x : items)
    expected = concat(expected, f(x));
  for (const auto &policy : every_batch_policy()) {
    EXPECT_EQ(concur::parallel_reduce(items, std::string("<"), f, concat,
                                      {.batch = policy}),
              expected);
  }
  EXPECT_EQ(concur::parallel_reduce(std::vector<int>{}, std::string("empty"), f,
                                    concat),
            "empty");
}

TEST(ParallelReduce, SumsNumbers) {
  std::vector<double> items(100000);
  std::iota(items.begin(), items.end(), 1.0);
  const double sum = concur::parallel_reduce(
      items, 0.0, [](double x) { return x; }, std::plus<>{});
  EXPECT_DOUBLE_EQ(sum, 100000.0 * 100001.0 / 2);
}

TEST(Parallel, FirstExceptionByItemIndexIsRethrownAndStopsTheRest) {
  std::vector<int> items(100000);
  std::iota(items.begin(), items.end(), 0);
  std::atomic<int> calls{0};
  try {
    (void)concur::parallel_map(items,
                               [&](int x) {
                                 ++calls;
                                 if (x == 10 || x == 20)
                                   throw std::runtime_error("item " +
                                                            std::to_string(x));
                                 return x;
                               },
                               {.batch = concur::batch_policy::of(1)});
    FAIL() << "expected an exception";
  } catch (const std::runtime_error &error) {
    // Item 10 may never start when item 20 fails first on the other worker;
    // of the items that failed, the lowest index wins.
    const std::string what = error.what();
    EXPECT_TRUE(what == "item 10" || what == "item 20") << what;
  }
  EXPECT_LT(calls.load(), 100000) << "later batches were not started";
}

TEST(Parallel, StopTokenCancels) {
  std::stop_source stop;
  std::vector<int> items(1000);
  std::atomic<int> calls{0};
  EXPECT_THROW(concur::parallel_for(items,
                                    [&](int) {
                                      if (++calls == 50)
                                        stop.request_stop();
                                      std::this_thread::sleep_for(100us);
                                    },
                                    {.stop = stop.get_token()}),
               concur::cancelled_error);
  EXPECT_LT(calls.load(), 1000);
}

TEST(Parallel, ZeroJobsIsAnError) {
  EXPECT_THROW(
      concur::parallel_for(std::vector<int>{1}, [](int) {}, {.jobs = 0}),
      std::invalid_argument);
  EXPECT_THROW((void)concur::batch_policy::of(0), std::invalid_argument);
  EXPECT_EQ(concur::effective_jobs(3), 3u);
  EXPECT_GE(concur::effective_jobs(-1), 1u);
  EXPECT_EQ(concur::effective_jobs(-1000), 1u);
}

TEST(Parallel, RunsOnSeveralThreads) {
  std::mutex mutex;
  std::set<std::thread::id> threads;
  std::vector<int> items(64);
  concur::parallel_for(items,
                       [&](int) {
                         std::this_thread::sleep_for(2ms);
                         std::lock_guard lock(mutex);
                         threads.insert(std::this_thread::get_id());
                       },
                       {.jobs = 4, .batch = concur::batch_policy::of(1)});
  EXPECT_EQ(threads.size(), 4u);
}

// The kernel thread ids (not std::thread::id, which a new thread may reuse
// right after an old one exits) of the helpers one call ran on: each item
// waits until `jobs` threads have arrived, so every helper takes part.
std::set<pid_t> helper_threads_of_one_call(int jobs) {
  std::mutex mutex;
  std::condition_variable arrived;
  std::set<pid_t> threads;
  std::vector<int> items(static_cast<std::size_t>(jobs));
  concur::parallel_for(items,
                       [&](int) {
                         std::unique_lock lock(mutex);
                         threads.insert(::gettid());
                         arrived.notify_all();
                         arrived.wait_for(lock, 5s, [&] {
                           return threads.size() >= std::size_t(jobs);
                         });
                       },
                       {.jobs = jobs, .batch = concur::batch_policy::of(1)});
  threads.erase(::gettid()); // the caller works too
  return threads;
}

// More jobs than any other test asks for, so that the helper pool has exactly
// jobs - 1 threads whatever ran before, and every one of them takes part.
int largest_oversubscribed_jobs() {
  return static_cast<int>(concur::cpu_pool().size()) + 32;
}

// joblib keeps its workers between calls; building a pool per call cost
// milliseconds (3.3 ms at 8 jobs, 19 ms at 64 on 2 cores).
TEST(Parallel, JobsAboveTheCoresReuseTheSameThreadsAcrossCalls) {
  const int jobs = largest_oversubscribed_jobs();
  const std::set<pid_t> first = helper_threads_of_one_call(jobs);
  const std::set<pid_t> second = helper_threads_of_one_call(jobs);
  EXPECT_EQ(first.size(), std::size_t(jobs - 1));
  EXPECT_EQ(first, second);
  // A smaller oversubscribed call runs on the same threads too.
  for (pid_t thread : helper_threads_of_one_call(jobs - 1))
    EXPECT_TRUE(first.contains(thread)) << thread;
}

// A forked child has none of the parent's threads: it must not post to, or
// wait for, the parent's helper pool, but build its own.
TEST(Parallel, ForkedChildBuildsItsOwnHelperPool) {
#if defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "ThreadSanitizer does not support threads started after a "
                  "multithreaded fork";
#else
  const int jobs = largest_oversubscribed_jobs();
  const std::set<pid_t> parent = helper_threads_of_one_call(jobs);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::alarm(60); // a hang fails the test instead of stalling it
    const std::set<pid_t> own = helper_threads_of_one_call(jobs);
    const bool fresh = own.size() == std::size_t(jobs - 1) &&
                       std::none_of(own.begin(), own.end(), [&](pid_t t) {
                         return parent.contains(t);
                       });
    // _exit: the child also holds cpu_pool(), whose parent threads it cannot
    // join.
    ::_exit(fresh ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status))
      << "child killed by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(helper_threads_of_one_call(jobs),
            parent); // the parent's pool is untouched
#endif
}

TEST(Parallel, NestedCallsFromPoolTasksComplete) {
  std::vector<int> outer(8), inner(100);
  std::iota(inner.begin(), inner.end(), 0);
  auto sums = concur::parallel_map(outer, [&](int) {
    return concur::parallel_reduce(
        inner, 0, [](int x) { return x; }, std::plus<>{});
  });
  EXPECT_EQ(sums, std::vector<int>(8, 4950));
}

// Oversubscribed calls made from the helper pool's own workers, some asking
// for more threads than it has (so it is replaced while the outer call still
// runs on it), complete and leave the old pool to be joined by the outer
// caller.
TEST(Parallel, NestedOversubscribedCallsGrowTheHelperPoolSafely) {
  const int cores = static_cast<int>(concur::cpu_pool().size());
  std::vector<int> outer(16), inner(200);
  std::iota(inner.begin(), inner.end(), 0);
  for (int round = 0; round < 3; ++round) {
    const int outer_jobs = cores + 5 + 4 * round;
    auto sums = concur::parallel_map(
        outer,
        [&](int) {
          return concur::parallel_reduce(
              inner, 0, [](int x) { return x; }, std::plus<>{},
              {.jobs = outer_jobs + 2, .batch = concur::batch_policy::of(3)});
        },
        {.jobs = outer_jobs, .batch = concur::batch_policy::of(1)});
    EXPECT_EQ(sums, std::vector<int>(16, 19900));
  }
}

// Auto batching: tiny items grow into large batches, heavy items stay small.
TEST(Parallel, AutoBatchingAdaptsToItemCost) {
  std::vector<int> tiny(200000), heavy(40);
  std::atomic<std::size_t> tiny_batches{0}, heavy_batches{0};
  // Progress reports once per batch when its interval is zero.
  auto counting = [](std::atomic<std::size_t> &batches) {
    return concur::parallel_options{
        .jobs = 2,
        .batch = {.min_duration = 5ms, .max_duration = 50ms},
        .progress = concur::progress_options{
            .bar = concur::progress_bar::never,
            .callback =
                [&batches](const concur::progress_info &) { ++batches; },
            .interval = 0ms}};
  };
  concur::parallel_for(tiny, [](int &x) { x += 1; }, counting(tiny_batches));
  concur::parallel_for(
      heavy, [](int &) { std::this_thread::sleep_for(10ms); },
      counting(heavy_batches));
  // 200000 tiny items in far fewer batches
  // than items; 40 heavy items (10 ms > min 5 ms) stay close to one per batch.
  EXPECT_LT(tiny_batches.load(), 2000u);
  EXPECT_GE(heavy_batches.load(), 20u);
  EXPECT_TRUE(
      std::all_of(tiny.begin(), tiny.end(), [](int x) { return x == 1; }));
}

TEST(Parallel, ProgressCallbackCountsEveryItem) {
  std::vector<int> items(5000);
  std::size_t final_done = 0;
  int finals = 0;
  concur::parallel_for(items, [](int) {},
                       {.progress = concur::progress_options{
                            .bar = concur::progress_bar::never,
                            .callback = [&](const concur::progress_info &info) {
                              if (info.finished) {
                                final_done = info.done;
                                ++finals;
                              }
                            }}});
  EXPECT_EQ(final_done, 5000u);
  EXPECT_EQ(finals, 1);
}

TEST(ParallelStream, OrderedYieldsInItemOrder) {
  std::vector<int> items(500);
  std::iota(items.begin(), items.end(), 0);
  auto stream = concur::parallel_stream(
      items,
      [](int x) {
        if (x % 50 == 0)
          std::this_thread::sleep_for(1ms); // out-of-order completion
        return x * 2;
      },
      concur::result_order::ordered, {.batch = concur::batch_policy::of(3)});
  std::size_t expected = 0;
  for (auto &[index, value] : stream) {
    EXPECT_EQ(index, expected);
    EXPECT_EQ(value, static_cast<int>(2 * index));
    ++expected;
  }
  EXPECT_EQ(expected, items.size());
}

TEST(ParallelStream, UnorderedYieldsEveryResultOnceAsTheyComplete) {
  std::vector<int> items(200);
  std::iota(items.begin(), items.end(), 0);
  auto stream = concur::parallel_stream(
      items,
      [](int x) {
        // The first item is slow: an unordered stream does not wait for it.
        if (x == 0)
          std::this_thread::sleep_for(50ms);
        return x;
      },
      concur::result_order::unordered,
      {.jobs = 2, .batch = concur::batch_policy::of(1)});
  std::vector<std::size_t> order;
  for (auto &item : stream)
    order.push_back(item.index);
  ASSERT_EQ(order.size(), items.size());
  EXPECT_NE(order.front(), 0u);
  std::sort(order.begin(), order.end());
  for (std::size_t i = 0; i < order.size(); ++i)
    EXPECT_EQ(order[i], i);
}

TEST(ParallelStream, DeliversResultsBeforeTheFailureAndStopsWhenDestroyed) {
  std::vector<int> items(100);
  std::iota(items.begin(), items.end(), 0);
  {
    auto stream =
        concur::parallel_stream(items,
                                [](int x) {
                                  if (x == 5)
                                    throw std::runtime_error("five");
                                  return x;
                                },
                                concur::result_order::ordered, {.jobs = 1});
    std::vector<std::size_t> got;
    EXPECT_THROW(for (auto &item : stream) got.push_back(item.index),
                 std::runtime_error);
    EXPECT_EQ(got, (std::vector<std::size_t>{0, 1, 2, 3, 4}));
  }
  std::atomic<int> calls{0};
  {
    auto stream = concur::parallel_stream(items, [&](int x) {
      ++calls;
      std::this_thread::sleep_for(1ms);
      return x;
    });
    auto it = stream.begin();
    EXPECT_EQ(it->index, 0u);
  } // destroyed after one result: the rest is stopped
  EXPECT_LT(calls.load(), 100);
}

TEST(ParallelProcesses, MapAndReduceEqualSequential) {
  concur::process_pool pool(2);
  std::vector<int> items(1001);
  std::iota(items.begin(), items.end(), -500);
  std::vector<int> expected;
  for (int x : items)
    expected.push_back(cube(x));
  for (const auto &policy : every_batch_policy()) {
    EXPECT_EQ(concur::parallel_map(pool, items, cube, {.batch = policy}),
              expected);
  }
  EXPECT_EQ(
      concur::parallel_reduce(
          pool, items, 0L, [](int x) { return long{x} * x; }, std::plus<>{}),
      std::accumulate(items.begin(), items.end(), 0L,
                      [](long sum, int x) { return sum + long{x} * x; }));
}

TEST(ParallelProcesses, LargeItemsAndResultsRoundTrip) {
  concur::process_pool pool(2);
  // 2 MiB items: above the pool's shared-memory threshold.
  std::vector<std::vector<double>> items(4, std::vector<double>(1 << 18));
  for (std::size_t i = 0; i < items.size(); ++i)
    std::iota(items[i].begin(), items[i].end(), double(i));
  auto sums =
      concur::parallel_map(pool, items, [](const std::vector<double> &v) {
        return std::accumulate(v.begin(), v.end(), 0.0);
      });
  ASSERT_EQ(sums.size(), 4u);
  for (std::size_t i = 0; i < items.size(); ++i) {
    EXPECT_DOUBLE_EQ(sums[i],
                     std::accumulate(items[i].begin(), items[i].end(), 0.0));
  }
}

TEST(ParallelProcesses, WorkerExceptionsAndCrashesReachTheCaller) {
  concur::process_pool pool(2);
  std::vector<int> items(20);
  std::iota(items.begin(), items.end(), 0);
  try {
    (void)concur::parallel_map(pool, items,
                               [](int x) {
                                 if (x == 7)
                                   throw std::invalid_argument("seven");
                                 return x;
                               },
                               {.batch = concur::batch_policy::of(1)});
    FAIL() << "expected the worker's exception";
  } catch (const concur::remote_error &error) {
    EXPECT_NE(std::string(error.what()).find("seven"), std::string::npos)
        << error.what();
  }
  EXPECT_THROW(
      (void)concur::parallel_map(pool, items,
                                 [](int x) {
                                   if (x == 3)
                                     std::abort();
                                   return x;
                                 },
                                 {.batch = concur::batch_policy::of(1)}),
      concur::broken_worker);
  // The pool replaced the worker and still serves.
  EXPECT_EQ(concur::parallel_map(pool, items, cube).back(), cube(19));
}

} // namespace
