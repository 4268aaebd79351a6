// Tests of concur/async_bridge.hpp: run_in_executor, to_thread, awaiting
// futures, cancellation of pool work, run_coroutine_threadsafe, files.
#include "concur/async_bridge.hpp"
#include "concur/gather.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <thread>

#if defined(__SANITIZE_THREAD__)
// As in test_parallel.cpp: libstdc++ is not built with ThreadSanitizer, so
// the reference count of an exception (its std::exception_ptr) is invisible
// to it. A task's exception whose message the test reads, and which the pool
// thread frees when it drops the task's last reference, is reported as a
// race on the message's memory. The count orders them: a false positive.
// Depending on inlining, the report names the exception's destructor or
// exception_ptr's release (AsyncFile.ErrorsNameThePathAndErrno, whose
// std::system_error the pool thread frees).
extern "C" const char *__tsan_default_suppressions() {
  return "race:std::__exception_ptr::exception_ptr::_M_release\n"
         "race:std::runtime_error::~runtime_error\n";
}
#endif

using namespace std::chrono_literals;

namespace {

long count_primes(long below) {
  long count = 0;
  for (long n = 2; n < below; ++n) {
    bool prime = true;
    for (long d = 2; d * d <= n; ++d)
      if (n % d == 0) {
        prime = false;
        break;
      }
    count += prime;
  }
  return count;
}

TEST(RunInExecutor, ResultComesBackToTheLoopThread) {
  concur::thread_pool pool(2);
  concur::run([](concur::thread_pool &p) -> concur::task<void> {
    std::thread::id loop_thread = std::this_thread::get_id();
    auto where = [] { return std::this_thread::get_id(); };
    std::thread::id worker = co_await concur::run_in_executor(p, where);
    EXPECT_NE(worker, loop_thread);
    EXPECT_EQ(std::this_thread::get_id(), loop_thread); // resumed on the loop
    EXPECT_EQ(co_await concur::run_in_executor(p, count_primes, 1000L), 168);
  }(pool));
}

TEST(RunInExecutor, LoopStaysResponsiveWhileThePoolWorks) {
  concur::thread_pool pool(1);
  concur::run([](concur::thread_pool &p) -> concur::task<void> {
    std::atomic<int> ticks = 0;
    auto ticker = concur::spawn([](std::atomic<int> &t) -> concur::task<void> {
      for (;;) {
        co_await concur::sleep_for(1ms);
        ++t;
      }
    }(ticks));
    // The job ends once the loop's timers have fired meanwhile (or after 10 s,
    // and the check below fails): no assumption about how fast a tick is.
    auto slow = [&ticks] {
      const auto deadline = std::chrono::steady_clock::now() + 10s;
      while (ticks.load() < 5 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(1ms);
      return ticks.load();
    };
    EXPECT_GE(co_await concur::run_in_executor(p, slow), 5);
    // Wait for the ticker to end: cancelled while it is queued to run, it
    // still takes that step (++t) before its next await throws, and `ticks`
    // lives in this frame.
    ticker.cancel();
    EXPECT_THROW(co_await ticker, concur::cancelled_error);
  }(pool));
}

TEST(RunInExecutor, ExceptionsPropagate) {
  concur::thread_pool pool(1);
  concur::run([](concur::thread_pool &p) -> concur::task<void> {
    auto fails = []() -> int { throw std::domain_error("in the pool"); };
    EXPECT_THROW(co_await concur::run_in_executor(p, fails), std::domain_error);
  }(pool));
}

TEST(RunInExecutor, CancellingTheAwaiterStopsTheJob) {
  concur::thread_pool pool(1);
  std::atomic<bool> stopped{false};
  std::atomic<bool> running{false};
  concur::run([](concur::thread_pool &p, std::atomic<bool> &s,
                 std::atomic<bool> &r) -> concur::task<void> {
    auto job = [&s, &r](std::stop_token token) {
      r = true;
      while (!token.stop_requested())
        std::this_thread::sleep_for(1ms);
      s = true;
    };
    auto waiter = concur::spawn(
        [](concur::thread_pool &pl, decltype(job) j) -> concur::task<void> {
          co_await concur::run_in_executor(pl, std::move(j));
        }(p, job));
    // Cancel once the job runs (a job cancelled while still queued never
    // runs, and could not report that it stopped).
    while (!r)
      co_await concur::sleep_for(1ms);
    auto start = std::chrono::steady_clock::now();
    waiter.cancel();
    EXPECT_THROW(co_await waiter, concur::cancelled_error);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1s); // resumed at once
  }(pool, stopped, running));
  pool.wait_idle();
  EXPECT_TRUE(stopped);
}

TEST(ToThread, RunsOnTheIoPool) {
  concur::run([]() -> concur::task<void> {
    auto on_worker = [] { return concur::io_pool().is_worker(); };
    EXPECT_TRUE(co_await concur::to_thread(on_worker));
    auto add = [](int a, int b) { return a + b; };
    EXPECT_EQ(co_await concur::to_thread(add, 2, 3), 5);
  }());
}

TEST(AwaitFuture, WaitsForAPromiseSetByAnotherThread) {
  concur::run([]() -> concur::task<void> {
    concur::promise<std::string> p;
    concur::future<std::string> f = p.get_future();
    std::thread setter([&p] {
      std::this_thread::sleep_for(5ms);
      p.set_value("from a thread");
    });
    EXPECT_EQ(co_await concur::await_future(f), "from a thread");
    setter.join();
    EXPECT_EQ(co_await concur::await_future(concur::make_ready_future(3)), 3);
  }());
}

TEST(RunCoroutineThreadsafe, SubmitsFromAnotherThreadAndReturnsAFuture) {
  concur::event_loop loop;
  std::atomic<bool> done{false};
  std::thread other([&] {
    auto work = [](int x) -> concur::task<int> {
      co_await concur::sleep_for(1ms);
      co_return x * 2;
    };
    concur::future<int> f = concur::run_coroutine_threadsafe(loop, work(21));
    EXPECT_EQ(f.get(), 42);
    auto failing = []() -> concur::task<int> {
      co_await concur::yield();
      throw std::runtime_error("inside the loop");
    };
    concur::future<int> g = concur::run_coroutine_threadsafe(loop, failing());
    EXPECT_THROW(g.get(), std::runtime_error);
    auto forever = []() -> concur::task<int> {
      co_await concur::sleep_for(1h);
      co_return 0;
    };
    concur::future<int> h = concur::run_coroutine_threadsafe(loop, forever());
    while (!h.running())
      std::this_thread::sleep_for(1ms);
    h.request_stop(); // cancels the task inside the loop
    EXPECT_THROW(h.get(), concur::cancelled_error);
    done = true;
    loop.call_soon_threadsafe([] {});
  });
  loop.run_until([&] { return done.load(); });
  other.join();
}

TEST(RunCoroutineThreadsafe, PostingToADestroyedLoopIsRefused) {
  std::shared_ptr<concur::detail::loop_anchor> anchor;
  {
    concur::event_loop loop;
    anchor = loop.anchor();
    EXPECT_TRUE(anchor->post([] {}));
  }
  EXPECT_FALSE(anchor->post([] {}));
}

TEST(AsyncFile, WriteReadAppendAndStream) {
  std::string path = ::testing::TempDir() + "concur_async_file_" +
                     std::to_string(::getpid()) + ".txt";
  concur::run([](std::string p) -> concur::task<void> {
    co_await concur::write_file(p, "hello ");
    co_await concur::append_file(p, "world");
    EXPECT_EQ(co_await concur::read_file(p), "hello world");

    auto out =
        co_await concur::async_file::open(p, concur::async_file::mode::write);
    for (int i = 0; i < 3; ++i)
      co_await out.write("line " + std::to_string(i) + "\n");
    co_await out.flush();
    co_await out.close();
    EXPECT_FALSE(out.is_open());

    auto in =
        co_await concur::async_file::open(p, concur::async_file::mode::read);
    std::string all;
    for (;;) {
      std::string chunk = co_await in.read_some(4);
      if (chunk.empty())
        break;
      all += chunk;
    }
    EXPECT_EQ(all, "line 0\nline 1\nline 2\n");
  }(path));
  std::remove(path.c_str());
}

TEST(AsyncFile, ErrorsNameThePathAndErrno) {
  concur::run([]() -> concur::task<void> {
    try {
      (void)co_await concur::read_file("/nonexistent/concur/file");
      ADD_FAILURE() << "read_file succeeded";
    } catch (const std::system_error &e) {
      EXPECT_EQ(e.code().value(), ENOENT);
      EXPECT_NE(std::string(e.what()).find("/nonexistent/concur/file"),
                std::string::npos);
      EXPECT_NE(std::string(e.what()).find("No such file"), std::string::npos);
    }
  }());
}

std::string temp_path(const std::string &name) {
  return ::testing::TempDir() + "concur_" + name + "_" +
         std::to_string(::getpid());
}

TEST(AsyncFile, SixtyFourReadsInFlightAndALargeWrite) {
  std::string base = temp_path("many");
  concur::run([](std::string b) -> concur::task<void> {
    std::vector<concur::task<void>> writes;
    for (int i = 0; i < 64; ++i)
      writes.push_back(concur::write_file(
          b + std::to_string(i),
          std::string(4096, char('a' + i % 26)) + std::to_string(i)));
    co_await concur::gather(std::move(writes));
    std::vector<concur::task<std::string>> reads;
    for (int i = 0; i < 64; ++i)
      reads.push_back(concur::read_file(b + std::to_string(i)));
    std::vector<std::string> got = co_await concur::gather(std::move(reads));
    for (int i = 0; i < 64; ++i)
      EXPECT_EQ(got[std::size_t(i)],
                std::string(4096, char('a' + i % 26)) + std::to_string(i));

    // 3 MiB in one write: the kernel may take it in parts.
    std::string big(3 << 20, '\0');
    for (std::size_t i = 0; i < big.size(); ++i)
      big[i] = char(i * 7 % 251);
    auto out = co_await concur::async_file::open(
        b + "big", concur::async_file::mode::write);
    co_await out.write(big);
    co_await out.close();
    EXPECT_EQ(co_await concur::read_file(b + "big"), big);
  }(base));
  for (int i = 0; i < 64; ++i)
    std::remove((base + std::to_string(i)).c_str());
  std::remove((base + "big").c_str());
}

/// The process's threads, less the kernel's io_uring workers (iou-wrk-N,
/// iou-sqp-N), which the kernel lists among them.
std::size_t thread_count() {
  std::size_t n = 0;
  for (const auto &entry :
       std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream comm(entry.path() / "comm");
    std::string name;
    std::getline(comm, name);
    if (name.rfind("iou-", 0) != 0)
      ++n;
  }
  return n;
}

TEST(AsyncFile, OnIoUringNoThreadDoesTheIo) {
  concur::event_loop loop;
  if (loop.backend_name() != "io_uring")
    GTEST_SKIP() << "the loop runs on " << loop.backend_name();
  std::string path = temp_path("nothread");
  std::size_t before = thread_count();
  loop.run([](std::string p) -> concur::task<void> {
    co_await concur::write_file(p, "one ");
    co_await concur::append_file(p, "two");
    auto file =
        co_await concur::async_file::open(p, concur::async_file::mode::append);
    co_await file.write(" three");
    co_await file.flush();
    co_await file.close();
    EXPECT_EQ(co_await concur::read_file(p), "one two three");
  }(path));
  // Every operation above went to the kernel: no I/O pool was started.
  EXPECT_EQ(thread_count(), before);
  std::remove(path.c_str());
}

TEST(AsyncFile, ACancelledReadStopsWaitingAndTheLoopClosesCleanly) {
  // A read from an empty FIFO never completes on its own: cancelling the
  // task must end its wait at once, and the loop must still close (the
  // io_uring backend cancels the read in the kernel before freeing its
  // buffer, which ASan would catch).
  std::string path = temp_path("fifo");
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  bool cancelled = false;
  {
    concur::event_loop loop;
    if (loop.backend_name() != "io_uring") {
      std::remove(path.c_str());
      GTEST_SKIP() << "the thread-backed read would hold a pool thread";
    }
    auto reader = [](std::string p, bool &seen) -> concur::task<void> {
      auto fifo = co_await concur::async_file::open(
          p, concur::async_file::mode::read_write); // O_RDWR: no writer needed
      try {
        (void)co_await fifo.read_some(100);
        ADD_FAILURE() << "read an empty FIFO";
      } catch (const concur::cancelled_error &) {
        seen = true;
        throw;
      }
    };
    auto first = loop.spawn(reader(path, cancelled));
    auto second = loop.spawn(reader(path, cancelled)); // left to the loop
    loop.run([&]() -> concur::task<void> {
      co_await concur::sleep_for(20ms);
      first.cancel();
      co_await concur::sleep_for(1ms);
    }());
    EXPECT_TRUE(first.done());
    EXPECT_FALSE(second.done());
  } // ~event_loop cancels the second reader, then closes the ring
  EXPECT_TRUE(cancelled);
  std::remove(path.c_str());
}

} // namespace
