// Tests of concur/event_loop.hpp: spawning, ordering, fairness, timers,
// cancellation, stop_token interop, thread-safe posting, debug mode,
// call_later/call_at, and the choice of the loop's backend.
//
// CTest runs this file (and every other test of the loop) once on the
// automatic backend (io_uring where the kernel allows it) and once more with
// CONCUR_LOOP_BACKEND=epoll (the runtime.epoll.* tests).
#include "concur/event_loop.hpp"

#include <gtest/gtest.h>

#include <linux/filter.h>
#include <linux/io_uring.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

namespace {

concur::task<void> record(std::vector<int> &log, int id, int steps) {
  for (int i = 0; i < steps; ++i) {
    log.push_back(id);
    co_await concur::yield();
  }
}

TEST(EventLoop, SpawnedTasksStartInSpawnOrderAndInterleaveFairly) {
  std::vector<int> log;
  concur::run([&]() -> concur::task<void> {
    auto a = concur::spawn(record(log, 1, 3));
    auto b = concur::spawn(record(log, 2, 3));
    EXPECT_TRUE(log.empty()); // spawn never runs the task inline
    co_await a;
    co_await b;
  }());
  EXPECT_EQ(log, (std::vector<int>{1, 2, 1, 2, 1, 2}));
}

TEST(EventLoop, BusyTaskDoesNotStarveOthers) {
  // A task that yields in a loop must let a sleeping task's timer fire.
  bool timer_fired = false;
  int spins = 0;
  concur::run([&]() -> concur::task<void> {
    // Captures would dangle once the closure temporary dies: pass by argument.
    auto sleeper = concur::spawn([](bool &fired) -> concur::task<void> {
      co_await concur::sleep_for(5ms);
      fired = true;
    }(timer_fired));
    while (!timer_fired) {
      ++spins;
      co_await concur::yield();
    }
    co_await sleeper;
  }());
  EXPECT_TRUE(timer_fired);
  EXPECT_GT(spins, 1);
}

TEST(EventLoop, TimersFireInDeadlineOrderAndNotEarly) {
  std::vector<int> order;
  auto start = std::chrono::steady_clock::now();
  concur::run([&]() -> concur::task<void> {
    std::vector<concur::task_handle<void>> handles;
    for (int delay : {30, 10, 20, 10}) {
      handles.push_back(
          concur::spawn([](std::vector<int> &out, int d) -> concur::task<void> {
            co_await concur::sleep_for(std::chrono::milliseconds(d));
            out.push_back(d);
          }(order, delay)));
    }
    for (auto &h : handles)
      co_await h;
  }());
  EXPECT_EQ(order, (std::vector<int>{10, 10, 20, 30}));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 30ms);
}

TEST(EventLoop, SleepUntilAPastDeadlineReturnsPromptly) {
  concur::run([]() -> concur::task<void> {
    co_await concur::sleep_until(std::chrono::steady_clock::now() - 1s);
  }());
}

TEST(EventLoop, HandleReturnsValueAndRethrows) {
  concur::run([]() -> concur::task<void> {
    auto ok =
        concur::spawn([]() -> concur::task<int> { co_return 7; }(), "seven");
    EXPECT_EQ(ok.name(), "seven");
    EXPECT_EQ(co_await ok, 7);
    EXPECT_TRUE(ok.done());
    auto bad = concur::spawn([]() -> concur::task<int> {
      co_await concur::yield();
      throw std::runtime_error("bad");
    }());
    EXPECT_THROW(co_await bad, std::runtime_error);
  }());
}

TEST(EventLoop, CancelResumesASleepingTaskWithCancelledError) {
  concur::run([]() -> concur::task<void> {
    bool saw_cancel = false;
    auto sleeper = concur::spawn([](bool &saw) -> concur::task<void> {
      try {
        co_await concur::sleep_for(10s);
      } catch (const concur::cancelled_error &) {
        saw = true;
        throw;
      }
    }(saw_cancel));
    co_await concur::yield(); // let it reach its sleep
    auto start = std::chrono::steady_clock::now();
    EXPECT_TRUE(sleeper.cancel());
    EXPECT_THROW(co_await sleeper, concur::cancelled_error);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
    EXPECT_TRUE(saw_cancel);
    EXPECT_TRUE(sleeper.cancelled());
    EXPECT_FALSE(sleeper.cancel()); // already finished
  }());
}

TEST(EventLoop, CancelBeforeStartNeverRunsTheBody) {
  concur::run([]() -> concur::task<void> {
    bool ran = false;
    auto t = concur::spawn([](bool &r) -> concur::task<void> {
      r = true;
      co_return;
    }(ran));
    t.cancel();
    EXPECT_THROW(co_await t, concur::cancelled_error);
    EXPECT_FALSE(ran);
  }());
}

TEST(EventLoop, CancelWhileRunningArrivesAtTheNextAwait) {
  concur::run([]() -> concur::task<void> {
    concur::task_handle<int> *self = nullptr;
    auto t =
        concur::spawn([](concur::task_handle<int> *&me) -> concur::task<int> {
          int steps = 1;
          me->cancel(); // cancelling itself: no exception yet
          ++steps;
          try {
            co_await concur::yield();
          } catch (const concur::cancelled_error &) {
            co_return steps; // a task may swallow its cancellation
          }
          co_return -1;
        }(self));
    self = &t;
    EXPECT_EQ(co_await t, 2);
    EXPECT_FALSE(t.cancelled());
  }());
}

TEST(EventLoop, CancellingTheAwaiterOfAHandleLeavesTheTaskRunning) {
  concur::run([]() -> concur::task<void> {
    auto slow = concur::spawn([]() -> concur::task<int> {
      co_await concur::sleep_for(20ms);
      co_return 5;
    }());
    auto waiter =
        concur::spawn([](concur::task_handle<int> &h) -> concur::task<int> {
          co_return co_await h;
        }(slow));
    co_await concur::yield();
    waiter.cancel();
    EXPECT_THROW(co_await waiter, concur::cancelled_error);
    EXPECT_FALSE(slow.done());
    EXPECT_EQ(co_await slow, 5);
  }());
}

TEST(EventLoop, StopTokenInterop) {
  concur::run([]() -> concur::task<void> {
    // Cancelling a task requests its stop_token.
    auto t = concur::spawn([]() -> concur::task<bool> {
      std::stop_token token = concur::current_stop_token();
      try {
        co_await concur::sleep_for(10s);
      } catch (const concur::cancelled_error &) {
        co_return token.stop_requested();
      }
      co_return false;
    }());
    co_await concur::yield();
    std::stop_token from_handle = t.get_stop_token();
    t.cancel();
    EXPECT_TRUE(co_await t);
    EXPECT_TRUE(from_handle.stop_requested());

    // A stop request from another thread cancels a task spawned with the token.
    std::stop_source source;
    auto u = concur::event_loop::current()->spawn(
        []() -> concur::task<void> { co_await concur::sleep_for(10s); }(),
        source.get_token());
    std::thread([&] { source.request_stop(); }).join();
    EXPECT_THROW(co_await u, concur::cancelled_error);
  }());
}

TEST(EventLoop, CallSoonThreadsafeFromManyThreads) {
  concur::event_loop loop;
  std::atomic<int> sent{0};
  int received = 0;
  constexpr int threads = 4, per_thread = 1000;
  std::vector<std::thread> posters;
  for (int t = 0; t < threads; ++t)
    posters.emplace_back([&] {
      for (int i = 0; i < per_thread; ++i) {
        loop.call_soon_threadsafe([&] { ++received; });
        ++sent;
      }
    });
  loop.run_until([&] { return received == threads * per_thread; });
  for (auto &t : posters)
    t.join();
  EXPECT_EQ(received, threads * per_thread);
}

TEST(EventLoop, CallSoonRunsInFifoOrder) {
  concur::event_loop loop;
  std::vector<int> seen;
  for (int i = 0; i < 5; ++i)
    loop.call_soon([&seen, i] { seen.push_back(i); });
  loop.run_until([&] { return seen.size() == 5; });
  EXPECT_EQ(seen, (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST(EventLoop, SlowCallbackIsReportedInDebugModeWithTheTaskName) {
  concur::event_loop loop(concur::event_loop_options{true, 20ms});
  std::vector<std::string> reports;
  loop.set_slow_callback_handler(
      [&](std::string_view name, std::chrono::nanoseconds held) {
        EXPECT_GE(held, 20ms);
        reports.emplace_back(name);
      });
  loop.run([]() -> concur::task<void> {
    auto blocker = concur::spawn(
        []() -> concur::task<void> {
          std::this_thread::sleep_for(40ms); // blocks the loop on purpose
          co_return;
        }(),
        "blocker");
    auto polite = concur::spawn(
        []() -> concur::task<void> { co_await concur::sleep_for(1ms); }(),
        "polite");
    co_await blocker;
    co_await polite;
  }());
  EXPECT_EQ(reports, (std::vector<std::string>{"blocker"}));
}

TEST(EventLoop, NoSlowCallbackReportsOutsideDebugMode) {
  concur::event_loop loop(concur::event_loop_options{false, 1ms});
  int reports = 0;
  loop.set_slow_callback_handler(
      [&](std::string_view, std::chrono::nanoseconds) { ++reports; });
  loop.run([]() -> concur::task<void> {
    std::this_thread::sleep_for(5ms);
    co_return;
  }());
  EXPECT_EQ(reports, 0);
}

TEST(EventLoop, UnretrievedFailureOfADetachedTaskIsReported) {
  concur::event_loop loop;
  std::vector<std::string> reported;
  loop.set_exception_handler([&](std::string_view name, std::exception_ptr) {
    reported.emplace_back(name);
  });
  loop.run([]() -> concur::task<void> {
    (void)concur::spawn(
        []() -> concur::task<void> {
          throw std::runtime_error("lost");
          co_return;
        }(),
        "fire-and-forget");
    co_await concur::sleep_for(1ms);
  }());
  EXPECT_EQ(reported, (std::vector<std::string>{"fire-and-forget"}));
}

TEST(EventLoop, RunCancelsLeftoverTasksAndLetsThemUnwind) {
  bool unwound = false;
  concur::run([](bool &flag) -> concur::task<void> {
    (void)concur::spawn([](bool &f) -> concur::task<void> {
      try {
        co_await concur::sleep_for(1h);
      } catch (const concur::cancelled_error &) {
        f = true;
        throw;
      }
    }(flag));
    co_await concur::yield();
  }(unwound));
  EXPECT_TRUE(unwound);
}

TEST(EventLoop, LoopDestructorDestroysTasksThatRefuseToFinish) {
  auto witness = std::make_shared<int>(0);
  std::weak_ptr<int> weak = witness;
  {
    concur::event_loop loop;
    loop.run([](std::shared_ptr<int> w) -> concur::task<void> {
      (void)concur::spawn([](std::shared_ptr<int> kept) -> concur::task<void> {
        for (;;) { // swallows every cancellation
          try {
            co_await concur::sleep_for(1h);
          } catch (const concur::cancelled_error &) {
          }
        }
        (void)kept;
      }(std::move(w)));
      co_await concur::yield();
    }(std::move(witness)));
    EXPECT_FALSE(weak.expired());
  }
  EXPECT_TRUE(weak.expired());
}

TEST(EventLoop, FreeFunctionsOutsideALoopThrow) {
  EXPECT_THROW((void)concur::spawn([]() -> concur::task<void> { co_return; }()),
               std::logic_error);
  EXPECT_THROW(concur::current_stop_token(), std::logic_error);
}

TEST(EventLoop, HundredThousandTimers) {
  int fired = 0;
  concur::run([](int &count) -> concur::task<void> {
    std::vector<concur::task_handle<void>> handles;
    for (int i = 0; i < 100000; ++i)
      handles.push_back(concur::spawn([](int &c, int d) -> concur::task<void> {
        co_await concur::sleep_for(std::chrono::microseconds(d % 1000));
        ++c;
      }(count, i)));
    for (auto &h : handles)
      co_await h;
  }(fired));
  EXPECT_EQ(fired, 100000);
}

TEST(EventLoopCallLater, RunsInDeadlineOrderNotEarly) {
  concur::event_loop loop;
  std::vector<int> seen;
  auto start = concur::event_loop::now();
  std::vector<std::chrono::steady_clock::duration> at;
  auto h30 = loop.call_later(30ms, [&] {
    seen.push_back(30);
    at.push_back(concur::event_loop::now() - start);
  });
  loop.call_later(10ms, [&] {
    seen.push_back(10);
    at.push_back(concur::event_loop::now() - start);
  });
  loop.call_at(start + 20ms, [&] {
    seen.push_back(20);
    at.push_back(concur::event_loop::now() - start);
  });
  EXPECT_TRUE(h30.pending());
  EXPECT_GE(h30.when(), start + 30ms);
  loop.run_until([&] { return seen.size() == 3; });
  EXPECT_EQ(seen, (std::vector<int>{10, 20, 30}));
  EXPECT_GE(at[0], 10ms);
  EXPECT_GE(at[2], 30ms);
  EXPECT_FALSE(h30.pending());
  EXPECT_FALSE(h30.cancel()); // already ran
}

TEST(EventLoopCallLater, CancelBeforeItRuns) {
  concur::event_loop loop;
  bool cancelled_ran = false, other_ran = false;
  auto handle = loop.call_later(5ms, [&] { cancelled_ran = true; });
  loop.call_later(20ms, [&] { other_ran = true; });
  EXPECT_TRUE(handle.cancel());
  EXPECT_FALSE(handle.cancel());
  EXPECT_FALSE(handle.pending());
  loop.run_until([&] { return other_ran; });
  EXPECT_FALSE(cancelled_ran);
}

TEST(EventLoopCallLater, CancelAfterItIsDueButBeforeItRuns) {
  // Both are due in the same iteration: the first cancels the second, which
  // is already queued and must not run (as asyncio's TimerHandle).
  concur::event_loop loop;
  bool second_ran = false, first_ran = false;
  concur::timer_handle second;
  loop.call_later(1ms, [&] {
    first_ran = true;
    EXPECT_TRUE(second.cancel());
  });
  second = loop.call_later(1ms, [&] { second_ran = true; });
  std::this_thread::sleep_for(5ms);
  loop.run_until([&] { return first_ran; });
  loop.run_once(false);
  EXPECT_FALSE(second_ran);
}

TEST(EventLoopCallLater, ScheduledFromAnotherThreadThroughCallSoonThreadsafe) {
  concur::event_loop loop;
  std::atomic<bool> fired{false};
  std::thread other([&] {
    loop.call_soon_threadsafe(
        [&] { loop.call_later(5ms, [&] { fired = true; }); });
  });
  loop.run_until([&] { return fired.load(); });
  other.join();
  EXPECT_TRUE(fired.load());
}

TEST(EventLoopCallLater, PendingCallbacksDoNotRunWhenTheLoopIsDestroyed) {
  bool ran = false;
  concur::timer_handle handle;
  {
    concur::event_loop loop;
    handle = loop.call_later(0ms, [&] { ran = true; });
  }
  EXPECT_FALSE(ran);
  EXPECT_FALSE(handle.pending()); // outliving the loop is harmless
  EXPECT_FALSE(handle.cancel());
}

TEST(EventLoopCallLater, UsableFromInsideATask) {
  std::vector<std::string> log;
  concur::run([&]() -> concur::task<void> {
    auto &loop = concur::event_loop::require_current("test");
    loop.call_later(5ms, [&] { log.push_back("callback"); });
    log.push_back("before");
    co_await concur::sleep_for(20ms);
    log.push_back("after");
  }());
  EXPECT_EQ(log, (std::vector<std::string>{"before", "callback", "after"}));
}

// --- the backend

/// Sets an environment variable for one scope, then restores it.
class scoped_env {
public:
  scoped_env(const char *name, const char *value) : name_(name) {
    if (const char *old = std::getenv(name))
      old_ = old;
    if (value)
      ::setenv(name, value, 1);
    else
      ::unsetenv(name);
  }
  scoped_env(const scoped_env &) = delete;
  scoped_env &operator=(const scoped_env &) = delete;
  ~scoped_env() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }

private:
  const char *name_;
  std::optional<std::string> old_;
};

concur::event_loop_options with_backend(concur::loop_backend_kind kind) {
  concur::event_loop_options options;
  options.backend = kind;
  return options;
}

concur::task<int> sleep_then(int value) {
  co_await concur::sleep_for(1ms);
  co_return value;
}

TEST(LoopBackend, TheEnvironmentVariableChoosesIt) {
  const char *forced = std::getenv("CONCUR_LOOP_BACKEND");
  concur::event_loop loop;
  if (forced && std::string(forced) != "auto")
    EXPECT_EQ(loop.backend_name(), forced);
  else
    EXPECT_TRUE(loop.backend_name() == "io_uring" ||
                loop.backend_name() == "epoll")
        << loop.backend_name();
  scoped_env epoll("CONCUR_LOOP_BACKEND", "epoll");
  EXPECT_EQ(concur::event_loop().backend_name(), "epoll");
}

TEST(LoopBackend, AnOptionOverridesTheEnvironment) {
  scoped_env env("CONCUR_LOOP_BACKEND", "io_uring");
  concur::event_loop loop(with_backend(concur::loop_backend_kind::epoll));
  EXPECT_EQ(loop.backend_name(), "epoll");
  EXPECT_EQ(loop.run(sleep_then(7)), 7);
}

TEST(LoopBackend, AnUnknownValueIsAClearError) {
  scoped_env env("CONCUR_LOOP_BACKEND", "kqueue");
  try {
    concur::event_loop loop;
    ADD_FAILURE() << "made a loop on backend " << loop.backend_name();
  } catch (const std::invalid_argument &e) {
    EXPECT_STREQ(e.what(), "concur: CONCUR_LOOP_BACKEND='kqueue' is not an "
                           "event-loop backend; use epoll, io_uring or auto");
  }
}

/// Whether this kernel lets this process use io_uring with multishot poll,
/// asked without concur: the raw io_uring_setup system call on Linux 5.13 or
/// later.
bool kernel_offers_io_uring() {
  utsname name{};
  int major = 0, minor = 0;
  if (::uname(&name) != 0 ||
      std::sscanf(name.release, "%d.%d", &major, &minor) != 2 ||
      major * 1000 + minor < 5013)
    return false;
  io_uring_params params{};
  long fd = ::syscall(__NR_io_uring_setup, 4, &params);
  if (fd < 0)
    return false;
  ::close(int(fd));
  return true;
}

TEST(LoopBackend, AutomaticPicksIoUringWhereTheKernelOffersIt) {
  scoped_env env("CONCUR_LOOP_BACKEND", nullptr);
  bool expected = CONCUR_TEST_HAS_IO_URING && kernel_offers_io_uring();
  try {
    concur::event_loop forced(
        with_backend(concur::loop_backend_kind::io_uring));
    EXPECT_TRUE(expected) << "io_uring made where it should not be";
    EXPECT_EQ(forced.backend_name(), "io_uring");
    EXPECT_EQ(forced.run(sleep_then(3)), 3);
  } catch (const std::runtime_error &e) {
    EXPECT_FALSE(expected) << e.what();
    EXPECT_NE(std::string(e.what()).find(
                  "asks for the io_uring event-loop backend, but "),
              std::string::npos)
        << e.what();
  }
  concur::event_loop automatic;
  EXPECT_EQ(automatic.backend_name(), expected ? "io_uring" : "epoll");
}

// What a container's seccomp profile does to io_uring: io_uring_setup fails
// with EPERM. The automatic choice then falls back to epoll without a word,
// and a forced io_uring says why it cannot be had.
[[noreturn]] void choose_under_seccomp() {
  ::unsetenv("CONCUR_LOOP_BACKEND");
  sock_filter filter[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA)),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  sock_fprog program{static_cast<unsigned short>(std::size(filter)), filter};
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
      ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) != 0) {
    std::perror("seccomp");
    std::_Exit(3);
  }
  {
    concur::event_loop automatic;
    if (automatic.backend_name() != "epoll" ||
        automatic.run(sleep_then(5)) != 5) {
      std::fprintf(stderr, "automatic: %s\n",
                   std::string(automatic.backend_name()).c_str());
      std::_Exit(1);
    }
  }
  try {
    concur::event_loop forced(
        with_backend(concur::loop_backend_kind::io_uring));
  } catch (const std::runtime_error &e) {
    std::fprintf(stderr, "%s\n", e.what());
    std::_Exit(0);
  }
  std::_Exit(2);
}

TEST(LoopBackendDeathTest, FallsBackToEpollWhereSeccompForbidsIoUring) {
  const char *expected =
      CONCUR_TEST_HAS_IO_URING
          ? "concur: event_loop_options::backend asks for the io_uring "
            "event-loop backend, but io_uring is not permitted here \\(EPERM"
          : "concur: event_loop_options::backend asks for the io_uring "
            "event-loop backend, but this concur was built without liburing";
  EXPECT_EXIT(choose_under_seccomp(), ::testing::ExitedWithCode(0), expected);
}

} // namespace
