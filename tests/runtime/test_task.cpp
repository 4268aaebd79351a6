// Tests of concur/task.hpp: laziness, values, exceptions, symmetric transfer.
#include "concur/event_loop.hpp"
#include "concur/task.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace {

concur::task<int> answer(int *runs) {
  ++*runs;
  co_return 42;
}

TEST(Task, IsLazyAndRunsOnceAwaited) {
  int runs = 0;
  concur::task<int> t = answer(&runs);
  EXPECT_EQ(runs, 0);
  EXPECT_TRUE(t.valid());
  EXPECT_FALSE(t.done());
  int value = concur::run([](concur::task<int> inner) -> concur::task<int> {
    co_return co_await std::move(inner);
  }(std::move(t)));
  EXPECT_EQ(value, 42);
  EXPECT_EQ(runs, 1);
}

TEST(Task, DestroyingAnUnstartedTaskDestroysItsArguments) {
  auto witness = std::make_shared<int>(1);
  std::weak_ptr<int> weak = witness;
  {
    auto t = [](std::shared_ptr<int> p) -> concur::task<int> {
      co_return *p;
    }(std::move(witness));
    EXPECT_FALSE(weak.expired());
  }
  EXPECT_TRUE(weak.expired());
}

concur::task<std::string> fails() {
  throw std::runtime_error("boom");
  co_return "unreachable";
}

TEST(Task, ExceptionPropagatesToTheAwaiter) {
  auto outer = []() -> concur::task<std::string> {
    try {
      co_return co_await fails();
    } catch (const std::runtime_error &e) {
      co_return std::string("caught ") + e.what();
    }
  };
  EXPECT_EQ(concur::run(outer()), "caught boom");
  EXPECT_THROW(concur::run(fails()), std::runtime_error);
}

concur::task<long> depth(long n) {
  if (n == 0)
    co_return 0;
  co_return 1 + co_await depth(n - 1);
}

// Each level completes synchronously: without symmetric transfer, resuming
// the parent from the child's final suspend nests one native frame per level
// and 200,000 levels overflow the 8 MiB stack.
// ThreadSanitizer instruments every function exit, which turns the tail call
// of symmetric transfer into a real call (and its stack depot caps at 64 Ki
// frames), so under TSan the chain is shorter; AddressSanitizer's
// instrumentation also keeps GCC from turning that call into a jump.
#if defined(__SANITIZE_THREAD__)
constexpr long chain_depth = 10000;
#elif defined(__SANITIZE_ADDRESS__)
constexpr long chain_depth = 2000; // ASan's frames are several times larger
#else
constexpr long chain_depth = 200000;
#endif
TEST(Task, DeepSynchronousChainsDoNotGrowTheStack) {
  EXPECT_EQ(concur::run(depth(chain_depth)), chain_depth);
}

TEST(Task, MoveOnlyValuesAndVoid) {
  auto make = []() -> concur::task<std::unique_ptr<int>> {
    co_return std::make_unique<int>(7);
  };
  auto outer = [&]() -> concur::task<void> {
    std::unique_ptr<int> p = co_await make();
    if (*p != 7)
      throw std::logic_error("wrong value");
  };
  EXPECT_NO_THROW(concur::run(outer()));
}

TEST(Task, AwaitingAnEmptyTaskThrows) {
  auto outer = []() -> concur::task<int> {
    concur::task<int> empty;
    co_return co_await std::move(empty);
  };
  EXPECT_THROW(concur::run(outer()), std::logic_error);
}

TEST(Outcome, HoldsValueOrException) {
  concur::outcome<int> good(5);
  EXPECT_TRUE(good.has_value());
  EXPECT_EQ(good.value(), 5);
  concur::outcome<int> bad(std::make_exception_ptr(std::runtime_error("x")));
  EXPECT_TRUE(bad.has_exception());
  EXPECT_THROW(bad.value(), std::runtime_error);
  concur::outcome<void> done;
  EXPECT_NO_THROW(done.value());
}

} // namespace
