// Tests of concur/gather.hpp: gather (variadic, range, outcomes), when_any,
// async_wait, wait_for/timeout, and cancellation through each of them.
#include "concur/async_sync.hpp"
#include "concur/gather.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

using namespace std::chrono_literals;

namespace {

concur::task<int> after(std::chrono::milliseconds delay, int value) {
  co_await concur::sleep_for(delay);
  co_return value;
}

concur::task<int> fail_after(std::chrono::milliseconds delay,
                             std::string message) {
  co_await concur::sleep_for(delay);
  throw std::runtime_error(message);
}

concur::task<void> flag_on_cancel(bool &cancelled,
                                  std::chrono::milliseconds delay) {
  try {
    co_await concur::sleep_for(delay);
  } catch (const concur::cancelled_error &) {
    cancelled = true;
    throw;
  }
}

TEST(Gather, VariadicRunsConcurrentlyAndKeepsOrder) {
  auto start = std::chrono::steady_clock::now();
  auto [a, b, c] =
      concur::run([]() -> concur::task<std::tuple<int, std::monostate, int>> {
        co_return co_await concur::gather(
            after(30ms, 1),
            []() -> concur::task<void> { co_await concur::sleep_for(30ms); }(),
            after(10ms, 3));
      }());
  EXPECT_EQ(a, 1);
  EXPECT_EQ(c, 3);
  (void)b;
  EXPECT_LT(std::chrono::steady_clock::now() - start,
            250ms); // not 70 ms in series... with slack
}

TEST(Gather, RangeOfTwoHundredThousandTasks) {
  auto values = concur::run([]() -> concur::task<std::vector<int>> {
    std::vector<concur::task<int>> tasks;
    for (int i = 0; i < 200000; ++i)
      tasks.push_back([](int v) -> concur::task<int> { co_return v * 2; }(i));
    co_return co_await concur::gather(std::move(tasks));
  }());
  ASSERT_EQ(values.size(), 200000u);
  for (int i = 0; i < 200000; ++i)
    ASSERT_EQ(values[std::size_t(i)], 2 * i);
}

TEST(Gather, FirstFailureCancelsTheOthersThenPropagates) {
  bool sibling_cancelled = false;
  auto start = std::chrono::steady_clock::now();
  concur::run([](bool &sc) -> concur::task<void> {
    try {
      co_await concur::gather(fail_after(5ms, "first"),
                              fail_after(20ms, "second"),
                              flag_on_cancel(sc, 10s));
      ADD_FAILURE() << "gather did not throw";
    } catch (const std::runtime_error &e) {
      EXPECT_STREQ(e.what(), "first");
    }
  }(sibling_cancelled));
  EXPECT_TRUE(sibling_cancelled);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST(Gather, VoidRangeRethrows) {
  EXPECT_THROW(concur::run([]() -> concur::task<void> {
                 std::vector<concur::task<void>> tasks;
                 tasks.push_back([]() -> concur::task<void> { co_return; }());
                 tasks.push_back([]() -> concur::task<void> {
                   throw std::invalid_argument("v");
                   co_return;
                 }());
                 co_await concur::gather(std::move(tasks));
               }()),
               std::invalid_argument);
}

// A failure that gather rethrows has been retrieved: the loop must not also
// report it as "never retrieved" (every form: variadic, range of values, range
// of void). A failure nobody retrieves is still reported.
TEST(Gather, RethrownFailureIsNotReportedAsNeverRetrieved) {
  concur::event_loop loop;
  std::vector<std::string> reported;
  loop.set_exception_handler(
      [&](std::string_view name, std::exception_ptr error) {
        try {
          std::rethrow_exception(error);
        } catch (const std::exception &e) {
          reported.push_back(std::string(name) + ": " + e.what());
        }
      });
  int caught = loop.run([]() -> concur::task<int> {
    int count = 0;
    try {
      co_await concur::gather(after(1ms, 1), fail_after(1ms, "variadic"));
    } catch (const std::runtime_error &) {
      ++count;
    }
    try {
      std::vector<concur::task<int>> tasks;
      tasks.push_back(after(1ms, 1));
      tasks.push_back(fail_after(1ms, "range"));
      co_await concur::gather(std::move(tasks));
    } catch (const std::runtime_error &) {
      ++count;
    }
    try {
      std::vector<concur::task<void>> tasks;
      tasks.push_back([]() -> concur::task<void> {
        throw std::runtime_error("void range");
        co_return;
      }());
      co_await concur::gather(std::move(tasks));
    } catch (const std::runtime_error &) {
      ++count;
    }
    co_return count;
  }());
  EXPECT_EQ(caught, 3);
  EXPECT_TRUE(reported.empty()) << reported.front();

  loop.run([]() -> concur::task<void> {
    (void)concur::spawn(fail_after(1ms, "lost"), "unretrieved");
    co_await concur::sleep_for(5ms);
  }());
  EXPECT_EQ(reported, (std::vector<std::string>{"unretrieved: lost"}));
}

// The default report goes to stderr; a gathered failure prints nothing there.
TEST(Gather, RethrownFailurePrintsNothing) {
  testing::internal::CaptureStderr();
  EXPECT_THROW(concur::run([]() -> concur::task<void> {
                 co_await concur::gather(after(1ms, 1),
                                         fail_after(1ms, "quiet"));
               }()),
               std::runtime_error);
  std::string printed = testing::internal::GetCapturedStderr();
  EXPECT_EQ(printed, "");
}

TEST(Gather, OutcomesCollectExceptionsWithoutCancelling) {
  concur::run([]() -> concur::task<void> {
    std::vector<concur::task<int>> tasks;
    tasks.push_back(after(1ms, 1));
    tasks.push_back(fail_after(1ms, "x"));
    tasks.push_back(after(15ms, 3));
    auto outcomes = co_await concur::gather_outcomes(std::move(tasks));
    EXPECT_EQ(outcomes[0].value(), 1);
    EXPECT_TRUE(outcomes[1].has_exception());
    EXPECT_THROW(outcomes[1].value(), std::runtime_error);
    EXPECT_EQ(outcomes[2].value(), 3); // not cancelled by the failure
    auto [x, y] =
        co_await concur::gather_outcomes(after(1ms, 9), fail_after(1ms, "y"));
    EXPECT_EQ(x.value(), 9);
    EXPECT_TRUE(y.has_exception());
  }());
}

TEST(Gather, CancellingTheGathererCancelsTheChildren) {
  concur::run([]() -> concur::task<void> {
    bool first = false, second = false;
    auto g = concur::spawn([](bool &a, bool &b) -> concur::task<void> {
      co_await concur::gather(flag_on_cancel(a, 10s), flag_on_cancel(b, 10s));
    }(first, second));
    co_await concur::sleep_for(1ms);
    g.cancel();
    EXPECT_THROW(co_await g, concur::cancelled_error);
    EXPECT_TRUE(first);
    EXPECT_TRUE(second);
  }());
}

TEST(WhenAny, FirstFinisherWinsAndTheRestAreCancelled) {
  concur::run([]() -> concur::task<void> {
    bool loser_cancelled = false;
    std::vector<concur::task<int>> tasks;
    tasks.push_back(after(50ms, 1));
    tasks.push_back(after(2ms, 2));
    tasks.push_back([](bool &lc) -> concur::task<int> {
      co_await flag_on_cancel(lc, 10s);
      co_return 3;
    }(loser_cancelled));
    auto result = co_await concur::when_any(std::move(tasks));
    EXPECT_EQ(result.index, 1u);
    EXPECT_EQ(result.value, 2);
    EXPECT_TRUE(loser_cancelled);
  }());
}

TEST(WhenAny, WinnerExceptionPropagates) {
  EXPECT_THROW(concur::run([]() -> concur::task<void> {
                 std::vector<concur::task<int>> tasks;
                 tasks.push_back(fail_after(1ms, "winner failed"));
                 tasks.push_back(after(1s, 2));
                 co_await concur::when_any(std::move(tasks));
               }()),
               std::runtime_error);
}

concur::task<int> value_when(concur::async_event &go, int value) {
  co_await go.wait();
  co_return value;
}

concur::task<int> fail_when(concur::async_event &go) {
  co_await go.wait();
  throw std::runtime_error("e");
}

TEST(AsyncWait, ReturnWhenModes) {
  concur::run([]() -> concur::task<void> {
    concur::async_event first_go, second_go,
        third_go; // each task finishes on its event
    std::vector<concur::task_handle<int>> handles;
    handles.push_back(concur::spawn(value_when(first_go, 1)));
    handles.push_back(concur::spawn(fail_when(second_go)));
    handles.push_back(concur::spawn(value_when(third_go, 3)));
    third_go.set();

    auto first = co_await concur::async_wait(
        handles, concur::return_when::first_completed);
    EXPECT_EQ(first.done, (std::vector<std::size_t>{2}));
    EXPECT_EQ(first.pending, (std::vector<std::size_t>{0, 1}));

    second_go.set();
    auto failed = co_await concur::async_wait(
        handles, concur::return_when::first_exception);
    EXPECT_EQ(failed.done, (std::vector<std::size_t>{1, 2}));

    auto timed = co_await concur::async_wait(
        handles, concur::return_when::all_completed, 1ms);
    EXPECT_EQ(timed.pending,
              (std::vector<std::size_t>{0})); // timeout cancels nothing
    EXPECT_FALSE(handles[0].cancelled());

    first_go.set();
    auto all = co_await concur::async_wait(handles);
    EXPECT_EQ(all.done.size(), 3u);
    EXPECT_EQ(handles[0].result(), 1);
    EXPECT_THROW(handles[1].result(), std::runtime_error);
  }());
}

TEST(AsyncWait, CancellingTheWaiterCancelsNothingElse) {
  concur::run([]() -> concur::task<void> {
    std::vector<concur::task_handle<int>> handles;
    handles.push_back(concur::spawn(after(20ms, 1)));
    auto waiter = concur::spawn(
        [](std::vector<concur::task_handle<int>> &h) -> concur::task<void> {
          (void)co_await concur::async_wait(h);
        }(handles));
    co_await concur::yield();
    waiter.cancel();
    EXPECT_THROW(co_await waiter, concur::cancelled_error);
    EXPECT_FALSE(handles[0].done());
    EXPECT_EQ(co_await handles[0], 1);
  }());
}

TEST(WaitFor, TimesOutAndCancelsTheBody) {
  concur::run([]() -> concur::task<void> {
    bool body_cancelled = false;
    auto start = std::chrono::steady_clock::now();
    EXPECT_THROW(
        co_await concur::wait_for(flag_on_cancel(body_cancelled, 10s), 10ms),
        concur::timeout_error);
    EXPECT_TRUE(body_cancelled);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
    EXPECT_EQ(co_await concur::wait_for(after(1ms, 4), 1s), 4);
    EXPECT_EQ(co_await concur::timeout(1s, after(1ms, 5)), 5);
    EXPECT_THROW(co_await concur::wait_for(fail_after(1ms, "inner"), 1s),
                 std::runtime_error);
  }());
}

TEST(WaitFor, CancellingTheWaiterCancelsTheBody) {
  concur::run([]() -> concur::task<void> {
    bool body_cancelled = false;
    bool waiting = false;
    auto w = concur::spawn([](bool &bc, bool &started) -> concur::task<void> {
      started = true;
      co_await concur::wait_for(flag_on_cancel(bc, 10s), 10s);
    }(body_cancelled, waiting));
    // Cancel once the body waits: on a loaded machine a 1 ms sleep can end
    // before the spawned task has run at all, and a task cancelled before it
    // starts has no body to cancel.
    while (!waiting)
      co_await concur::sleep_for(1ms);
    w.cancel();
    EXPECT_THROW(co_await w, concur::cancelled_error);
    EXPECT_TRUE(body_cancelled);
  }());
}

} // namespace
