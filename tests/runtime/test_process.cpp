// concur::process: one function in one child process, its exit code, and
// every way it can end (returned, threw, exited, crashed, killed,
// terminated), with the failures reported as the process pool reports them.
#include "concur/process.hpp"
#include "concur/shared_buffer.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

using namespace std::chrono_literals;

#if defined(__SANITIZE_THREAD__)
// As in test_process_pool.cpp: libstdc++'s exception_ptr reference count is
// not instrumented, so TSan misreads its release.
extern "C" const char *__tsan_default_suppressions() {
  return "race:std::__exception_ptr::exception_ptr::_M_release\n";
}
#endif

namespace {

void store(concur::shared_buffer<int> slots, int index, int value) {
  slots[std::size_t(index)] = value;
}
void store_pid(concur::shared_buffer<int> slots) { slots[0] = int(::getpid()); }
void throws(std::string message) { throw std::invalid_argument(message); }
void throws_int() { throw 42; }
void exits(int code) { std::_Exit(code); }
void aborts() { std::abort(); }
void sleeps(int milliseconds) {
  std::this_thread::sleep_for(std::chrono::milliseconds(milliseconds));
}

class Process : public ::testing::Test {
protected:
  static void SetUpTestSuite() { concur::start_fork_server(); }
};

template <class F> concur::broken_worker broken_from(F &&f) {
  try {
    f();
  } catch (const concur::broken_worker &error) {
    return error;
  }
  ADD_FAILURE() << "no broken_worker";
  return concur::broken_worker(concur::broken_worker::cause::exit, 0, 0, "");
}

TEST_F(Process, RunsTheFunctionWithItsArgumentsInAChild) {
  concur::shared_buffer<int> slots(2);
  concur::process p(store, slots, 1, 42);
  EXPECT_EQ(p.pid(), -1);
  EXPECT_FALSE(p.is_alive());
  EXPECT_FALSE(p.exit_code());
  p.start();
  EXPECT_GT(p.pid(), 0);
  EXPECT_NE(p.pid(), int(::getpid()));
  p.join();
  EXPECT_FALSE(p.is_alive());
  EXPECT_EQ(p.exit_code(), 0);
  EXPECT_EQ(p.exception(), nullptr);
  EXPECT_EQ(slots[1], 42);
  EXPECT_NO_THROW(p.get());
}

TEST_F(Process, RunsInItsOwnProcess) {
  concur::shared_buffer<int> slots(1);
  concur::process p(store_pid, slots);
  p.start();
  p.join();
  EXPECT_EQ(slots[0], p.pid());
}

TEST_F(Process, ArgumentsAreCopiedAtConstruction) {
  concur::shared_buffer<int> slots(1);
  int value = 7;
  concur::process p(store, slots, 0, value);
  value = 8;
  p.start();
  p.join();
  EXPECT_EQ(slots[0], 7);
}

TEST_F(Process, ManyAtOnce) {
  concur::shared_buffer<int> slots(16);
  std::vector<concur::process> children;
  for (int i = 0; i < 16; ++i)
    children.emplace_back(store, slots, i, i * i);
  for (auto &child : children)
    child.start();
  for (auto &child : children)
    child.join();
  for (int i = 0; i < 16; ++i) {
    EXPECT_EQ(slots[std::size_t(i)], i * i);
    EXPECT_EQ(children[std::size_t(i)].exit_code(), 0);
  }
}

TEST_F(Process, AnExceptionIsARemoteErrorAndExitCodeOne) {
  concur::process p(throws, std::string("bad input"));
  p.start();
  p.join();
  EXPECT_EQ(p.exit_code(), 1);
  try {
    p.get();
    FAIL() << "no exception";
  } catch (const concur::remote_error &error) {
    EXPECT_EQ(error.type_name(), "std::invalid_argument");
    EXPECT_EQ(error.message(), "bad input");
  }
  EXPECT_NE(p.exception(), nullptr);
}

TEST_F(Process, ANonStandardExceptionNamesItsType) {
  concur::process p(throws_int);
  p.start();
  try {
    p.get();
    FAIL() << "no exception";
  } catch (const concur::remote_error &error) {
    EXPECT_EQ(error.type_name(), "int");
  }
  EXPECT_EQ(p.exit_code(), 1);
}

TEST_F(Process, ExitIsABrokenWorkerWithItsStatus) {
  concur::process p(exits, 3);
  p.start();
  auto error = broken_from([&] { p.get(); });
  EXPECT_EQ(error.reason(), concur::broken_worker::cause::exit);
  EXPECT_EQ(error.exit_code(), 3);
  EXPECT_EQ(error.pid(), p.pid());
  EXPECT_EQ(p.exit_code(), 3);
}

TEST_F(Process, ExitZeroIsNotAFailure) {
  concur::process p(exits, 0);
  p.start();
  EXPECT_NO_THROW(p.get());
  EXPECT_EQ(p.exit_code(), 0);
}

TEST_F(Process, ACrashIsABrokenWorkerWithItsSignal) {
  concur::process p(aborts);
  p.start();
  auto error = broken_from([&] { p.get(); });
  EXPECT_EQ(error.reason(), concur::broken_worker::cause::signal);
  EXPECT_EQ(error.signal(), SIGABRT);
  EXPECT_NE(std::string(error.what()).find("signal 6"), std::string::npos)
      << error.what();
  EXPECT_EQ(p.exit_code(), -SIGABRT);
}

TEST_F(Process, KillEndsItWithSigkill) {
  concur::process p(sleeps, 60'000);
  p.start();
  EXPECT_TRUE(p.is_alive());
  p.kill();
  auto started = std::chrono::steady_clock::now();
  p.join();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
  EXPECT_EQ(p.exit_code(), -SIGKILL);
  EXPECT_EQ(broken_from([&] { p.get(); }).signal(), SIGKILL);
  p.kill(); // reaped: nothing to signal, no error
}

TEST_F(Process, TerminateEndsItWithSigterm) {
  concur::process p(sleeps, 60'000);
  p.start();
  p.terminate();
  p.join();
  EXPECT_EQ(p.exit_code(), -SIGTERM);
}

TEST_F(Process, JoinForTimesOutWhileItRuns) {
  concur::process p(sleeps, 60'000);
  p.start();
  auto started = std::chrono::steady_clock::now();
  EXPECT_FALSE(p.join_for(100ms));
  EXPECT_GE(std::chrono::steady_clock::now() - started, 100ms);
  EXPECT_TRUE(p.is_alive());
  EXPECT_FALSE(p.exit_code());
  EXPECT_EQ(p.exception(), nullptr);
  p.kill();
  EXPECT_TRUE(p.join_for(10s));
  EXPECT_FALSE(p.is_alive());
}

TEST_F(Process, IsAliveNoticesTheEndWithoutJoin) {
  concur::process p(sleeps, 50);
  p.start();
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (p.is_alive() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(5ms);
  EXPECT_FALSE(p.is_alive());
  EXPECT_EQ(p.exit_code(), 0);
}

TEST_F(Process, JoinFromTwoThreads) {
  concur::process p(sleeps, 100);
  p.start();
  std::thread other([&] { p.join(); });
  p.join();
  other.join();
  EXPECT_EQ(p.exit_code(), 0);
}

TEST_F(Process, OtherThreadsAreNotHeldUpByAJoin) {
  concur::process p(sleeps, 60'000);
  p.start();
  std::thread joiner([&] { p.join(); });
  std::this_thread::sleep_for(20ms); // the joiner is waiting on the child
  auto started = std::chrono::steady_clock::now();
  EXPECT_FALSE(p.exit_code());
  EXPECT_EQ(p.exception(), nullptr);
  EXPECT_TRUE(p.is_alive());
  EXPECT_FALSE(p.join_for(50ms));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
  p.kill();
  joiner.join();
  EXPECT_TRUE(p.join_for(0ms));
  EXPECT_EQ(p.exit_code(), -SIGKILL);
}

TEST_F(Process, MisuseIsALogicError) {
  concur::process p(sleeps, 1);
  EXPECT_THROW(p.join(), std::logic_error);
  p.start();
  EXPECT_THROW(p.start(), std::logic_error);
  p.join();
}

TEST_F(Process, TheDestructorWaitsForTheChild) {
  concur::shared_buffer<int> slots(1);
  {
    concur::process p(store, slots, 0, 5);
    p.start();
  }
  EXPECT_EQ(slots[0], 5);
}

TEST_F(Process, MovedProcessKeepsItsChild) {
  concur::process p(sleeps, 10);
  p.start();
  int pid = p.pid();
  concur::process q = std::move(p);
  EXPECT_EQ(q.pid(), pid);
  q.join();
  EXPECT_EQ(q.exit_code(), 0);
}

} // namespace
