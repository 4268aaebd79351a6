// Tests for concur/subprocess.hpp (asyncio's create_subprocess_exec and
// create_subprocess_shell) and the
// loop's signal handlers: pipes, communicate, large outputs without
// deadlock, a program that cannot start, children killed by signals, no
// zombie left behind, add/remove_signal_handler.
#include "concur/subprocess.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

using namespace std::chrono_literals;

namespace {

concur::subprocess_options pipes(bool in, bool out, bool err) {
  concur::subprocess_options options;
  options.in = in ? concur::stdio::pipe : concur::stdio::devnull;
  options.out = out ? concur::stdio::pipe : concur::stdio::devnull;
  options.err = err ? concur::stdio::pipe : concur::stdio::devnull;
  return options;
}

TEST(Subprocess, CommunicateCollectsOutputsAndExitCode) {
  auto [out, err, code] = concur::run(
      []() -> concur::task<std::tuple<std::string, std::string, int>> {
        std::vector<std::string> argv1{"sh", "-c",
                                       "echo hello; echo oops >&2; exit 3"};
        auto proc = co_await concur::create_subprocess_exec(
            std::move(argv1), pipes(false, true, true));
        EXPECT_GT(proc.pid(), 0);
        EXPECT_FALSE(proc.returncode());
        auto outputs = co_await proc.communicate();
        co_return std::tuple<std::string, std::string, int>(
            outputs.first, outputs.second, proc.returncode().value());
      }());
  EXPECT_EQ(out, "hello\n");
  EXPECT_EQ(err, "oops\n");
  EXPECT_EQ(code, 3);
}

TEST(Subprocess, StdinPipeAndCommunicateInput) {
  std::string out = concur::run([]() -> concur::task<std::string> {
    std::vector<std::string> argv2{"tr", "a-z", "A-Z"};
    auto proc = co_await concur::create_subprocess_exec(
        std::move(argv2), pipes(true, true, false));
    auto outputs = co_await proc.communicate("shout\n");
    EXPECT_EQ(outputs.second, "");
    EXPECT_EQ(proc.returncode(), 0);
    co_return outputs.first;
  }());
  EXPECT_EQ(out, "SHOUT\n");
}

TEST(Subprocess, StreamingLinesAndWait) {
  std::vector<std::string> lines =
      concur::run([]() -> concur::task<std::vector<std::string>> {
        std::vector<std::string> argv3{"cat"};
        auto proc = co_await concur::create_subprocess_exec(
            std::move(argv3), pipes(true, true, false));
        co_await proc.stdin_pipe().write("first\nsecond\nlast");
        proc.stdin_pipe().close();
        std::vector<std::string> got;
        for (;;) {
          std::string line = co_await proc.stdout_pipe().read_line();
          if (line.empty())
            break;
          got.push_back(line);
        }
        EXPECT_EQ(co_await proc.wait(), 0);
        EXPECT_EQ(co_await proc.wait(), 0); // again: the same status
        co_return got;
      }());
  EXPECT_EQ(lines, (std::vector<std::string>{"first\n", "second\n", "last"}));
}

TEST(Subprocess, LargeOutputsOnBothPipesDoNotDeadlock) {
  // 8 MiB through cat and 3 MiB on stderr at once: far more than a pipe
  // holds, so writing all input before reading would block forever.
  std::string input(8 << 20, 'x');
  auto [out, err] =
      concur::run([&]() -> concur::task<std::pair<std::string, std::string>> {
        std::vector<std::string> argv4{"sh", "-c",
                                       "head -c 3145728 /dev/zero >&2; cat"};
        auto proc = co_await concur::create_subprocess_exec(
            std::move(argv4), pipes(true, true, true));
        auto result = co_await proc.communicate(input);
        EXPECT_EQ(proc.returncode(), 0);
        co_return result;
      }());
  EXPECT_EQ(out.size(), input.size());
  EXPECT_EQ(out, input);
  EXPECT_EQ(err.size(), std::size_t(3) << 20);
}

TEST(Subprocess, ProgramThatCannotStartIsAClearError) {
  concur::run([]() -> concur::task<void> {
    try {
      std::vector<std::string> argv5{"/nonexistent/concur-no-such-program",
                                     "--flag"};
      auto proc = co_await concur::create_subprocess_exec(std::move(argv5));
      ADD_FAILURE() << "started a program that does not exist";
    } catch (const concur::subprocess_error &e) {
      EXPECT_EQ(e.code().value(), ENOENT);
      EXPECT_NE(std::string(e.what()).find(
                    "cannot run '/nonexistent/concur-no-such-program'"),
                std::string::npos)
          << e.what();
    }
    try {
      std::vector<std::string> argv6{"concur-no-such-program-in-path"};
      auto proc = co_await concur::create_subprocess_exec(std::move(argv6));
      ADD_FAILURE() << "started a program that does not exist";
    } catch (const concur::subprocess_error &e) {
      EXPECT_NE(std::string(e.what()).find("concur-no-such-program-in-path"),
                std::string::npos);
    }
    // Not executable.
    try {
      std::vector<std::string> argv7{"/etc/hostname"};
      auto proc = co_await concur::create_subprocess_exec(std::move(argv7));
      ADD_FAILURE() << "ran a file that is not executable";
    } catch (const concur::subprocess_error &e) {
      // EACCES, or ENOEXEC where the caller may execute anything (root).
      EXPECT_TRUE(e.code().value() == EACCES || e.code().value() == ENOEXEC)
          << e.what();
      EXPECT_NE(std::string(e.what()).find("'/etc/hostname'"),
                std::string::npos);
    }
    try {
      std::vector<std::string> empty;
      auto proc = co_await concur::create_subprocess_exec(std::move(empty));
      ADD_FAILURE() << "started an empty command line";
    } catch (const std::invalid_argument &) {
    }
  }());
}

TEST(Subprocess, ChildKilledBySignalHasNegativeReturncode) {
  concur::run([]() -> concur::task<void> {
    std::vector<std::string> argv9{"sleep", "30"};
    auto sleeper = co_await concur::create_subprocess_exec(std::move(argv9));
    sleeper.terminate();
    EXPECT_EQ(co_await sleeper.wait(), -SIGTERM);
    sleeper.kill(); // after it was reaped: nothing happens
    std::vector<std::string> argv10{"sh", "-c", "kill -KILL $$"};
    auto suicide = co_await concur::create_subprocess_exec(
        std::move(argv10), pipes(false, true, false));
    (void)co_await suicide.communicate();
    EXPECT_EQ(suicide.returncode(), -SIGKILL);
  }());
}

concur::task<void> tick(int &ticks) {
  for (int i = 0; i < 5; ++i) {
    co_await concur::sleep_for(10ms);
    ++ticks;
  }
}

TEST(Subprocess, WaitSuspendsOnlyTheTask) {
  int ticks = 0;
  concur::run([&]() -> concur::task<void> {
    auto ticker = concur::spawn(tick(ticks));
    std::vector<std::string> argv{"sleep", "0.2"};
    auto proc = co_await concur::create_subprocess_exec(std::move(argv));
    EXPECT_EQ(co_await proc.wait(), 0);
    EXPECT_GT(ticks, 0); // the loop kept running while the child slept
    co_await ticker;
  }());
}

TEST(Subprocess, DestroyingAnUnwaitedChildKillsAndReapsIt) {
  int pid = concur::run([]() -> concur::task<int> {
    std::vector<std::string> argv12{"sleep", "30"};
    auto proc = co_await concur::create_subprocess_exec(std::move(argv12));
    co_return proc.pid();
  }());
  // No zombie and no stray process: the pid is gone.
  EXPECT_FALSE(std::filesystem::exists("/proc/" + std::to_string(pid)));
}

TEST(Subprocess, NotAPipeIsALogicError) {
  concur::run([]() -> concur::task<void> {
    std::vector<std::string> argv13{"true"};
    auto proc = co_await concur::create_subprocess_exec(
        std::move(argv13), pipes(false, false, false));
    EXPECT_THROW(proc.stdout_pipe(), std::logic_error);
    EXPECT_THROW(proc.stdin_pipe(), std::logic_error);
    EXPECT_EQ(co_await proc.wait(), 0);
  }());
}

TEST(Subprocess, ShellRunsPipelinesRedirectionsAndVariables) {
  auto [out, err, code] = concur::run(
      []() -> concur::task<std::tuple<std::string, std::string, int>> {
        // A pipeline, a variable, a redirection to stderr and an exit status:
        // all the shell's work, none of which create_subprocess_exec does.
        auto proc = co_await concur::create_subprocess_shell(
            "word=concur; printf 'b\\na\\n' | sort | tr a-z A-Z; "
            "echo \"$word\" >&2; exit 7",
            pipes(false, true, true));
        auto outputs = co_await proc.communicate();
        co_return std::tuple<std::string, std::string, int>(
            outputs.first, outputs.second, proc.returncode().value());
      }());
  EXPECT_EQ(out, "A\nB\n");
  EXPECT_EQ(err, "concur\n");
  EXPECT_EQ(code, 7);
}

TEST(Subprocess, ShellCommandNotFoundIs127) {
  auto [err, code] =
      concur::run([]() -> concur::task<std::pair<std::string, int>> {
        auto proc = co_await concur::create_subprocess_shell(
            "concur-no-such-command-xyz", pipes(false, false, true));
        auto outputs = co_await proc.communicate();
        co_return std::pair<std::string, int>(outputs.second,
                                              proc.returncode().value());
      }());
  EXPECT_EQ(code, 127);
  EXPECT_NE(err.find("concur-no-such-command-xyz"), std::string::npos) << err;
}

TEST(Subprocess, StderrIntoStdout) {
  std::string out = concur::run([]() -> concur::task<std::string> {
    concur::subprocess_options options;
    options.out = concur::stdio::pipe;
    options.err = concur::stdio::to_stdout;
    std::vector<std::string> argv14{"sh", "-c", "echo out; echo err >&2"};
    auto proc =
        co_await concur::create_subprocess_exec(std::move(argv14), options);
    auto outputs = co_await proc.communicate();
    co_return outputs.first;
  }());
  EXPECT_EQ(out, "out\nerr\n");
}

// ---- signal handlers on the loop ----------------------------------------

std::atomic<int> previous_handler_calls{0};
extern "C" void previous_handler(int) { ++previous_handler_calls; }

TEST(LoopSignals, HandlerRunsOnTheLoopThreadAndRemovalRestores) {
  previous_handler_calls = 0; // also when the test is repeated
  struct sigaction mine{};
  mine.sa_handler = &previous_handler;
  sigemptyset(&mine.sa_mask);
  ASSERT_EQ(::sigaction(SIGUSR1, &mine, nullptr), 0);

  concur::event_loop loop;
  std::thread::id loop_thread = std::this_thread::get_id();
  int calls = 0;
  loop.add_signal_handler(SIGUSR1, [&] {
    EXPECT_EQ(std::this_thread::get_id(), loop_thread);
    ++calls;
  });
  // The sender blocks the signal, so the kernel delivers it to this (the
  // loop's) thread: a signal taken by a thread that exits at once may never
  // be delivered under ThreadSanitizer, which defers signals.
  std::thread sender([] {
    sigset_t blocked;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGUSR1);
    ::pthread_sigmask(SIG_BLOCK, &blocked, nullptr);
    ::kill(::getpid(), SIGUSR1);
  });
  loop.run_until([&] { return calls == 1; });
  sender.join();
  EXPECT_EQ(previous_handler_calls.load(), 0); // ours replaced it

  EXPECT_TRUE(loop.remove_signal_handler(SIGUSR1));
  EXPECT_FALSE(loop.remove_signal_handler(SIGUSR1));
  struct sigaction now{};
  ASSERT_EQ(::sigaction(SIGUSR1, nullptr, &now), 0);
  EXPECT_EQ(now.sa_handler, &previous_handler); // restored
  ::raise(SIGUSR1);
  EXPECT_EQ(previous_handler_calls.load(), 1);
  ::signal(SIGUSR1, SIG_DFL);
}

TEST(LoopSignals, InvalidSignalsAndASecondLoopAreRefused) {
  concur::event_loop loop;
  EXPECT_THROW(loop.add_signal_handler(0, [] {}), std::invalid_argument);
  EXPECT_THROW(loop.add_signal_handler(SIGKILL, [] {}), std::invalid_argument);
  EXPECT_THROW(loop.add_signal_handler(SIGSTOP, [] {}), std::invalid_argument);
  EXPECT_THROW(loop.add_signal_handler(100000, [] {}), std::invalid_argument);
  loop.add_signal_handler(SIGUSR2, [] {});
  {
    concur::event_loop other;
    EXPECT_THROW(other.add_signal_handler(SIGUSR2, [] {}), std::logic_error);
  }
  loop.add_signal_handler(SIGUSR2, [] {}); // replacing our own is fine
}

TEST(LoopSignals, DestroyingTheLoopRestoresTheDisposition) {
  struct sigaction before{};
  ASSERT_EQ(::sigaction(SIGUSR2, nullptr, &before), 0);
  {
    concur::event_loop loop;
    loop.add_signal_handler(SIGUSR2, [] {});
  }
  struct sigaction after{};
  ASSERT_EQ(::sigaction(SIGUSR2, nullptr, &after), 0);
  EXPECT_EQ(after.sa_handler, before.sa_handler);
  // Another loop may take the signal now.
  concur::event_loop next;
  int calls = 0;
  next.add_signal_handler(SIGUSR2, [&] { ++calls; });
  ::raise(SIGUSR2);
  next.run_until([&] { return calls == 1; });
  EXPECT_EQ(calls, 1);
}

} // namespace
