// concur::process_pool: round trips through real worker processes, shared
// memory, every kind of worker death, timeouts, recycling, exceptions,
// shutdown, concurrent use, and that nothing is left behind (checked in
// /proc: no zombie or stray process, no leaked descriptor or memfd).
#include "../../runtime/src/ipc.hpp" // the frame layout, to forge a corrupt one
#include "concur/executor.hpp"
#include "concur/process_pool.hpp"

#include "invalid_argument_message.hpp"
#include <gtest/gtest.h>
#include <stdexcept>
#include <string>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>
#include <thread>

#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace std::chrono_literals;

#if defined(__SANITIZE_THREAD__)
// libstdc++ is not built with ThreadSanitizer, so the atomic reference count
// inside std::exception_ptr is invisible to it: when the caller has caught
// (and read) a task's exception and the pool's thread then drops the last
// reference, TSan sees a free racing with the read. The count does order
// them; the report is a false positive of the uninstrumented library.
extern "C" const char *__tsan_default_suppressions() {
  return "race:std::__exception_ptr::exception_ptr::_M_release\n";
}
#endif

namespace {

// ---- tasks (plain functions: they exist in the worker's image) -------------

template <class T> T echo(T value) { return value; }
int square(int x) { return x * x; }
int worker_pid() { return int(::getpid()); }
void nothing() {}
double sum(const std::vector<double> &values) {
  return std::accumulate(values.begin(), values.end(), 0.0);
}
std::string concat(std::string a, const std::string &b, int times) {
  std::string out;
  for (int i = 0; i < times; ++i)
    out += a + b;
  return out;
}

void crash_segfault() {
  volatile int *null = nullptr;
  *null = 1;
}
void crash_abort() { std::abort(); }
void crash_exit() { std::exit(3); }
void crash_quick_exit() { std::_Exit(4); }
void killed_like_oom() {
  ::kill(::getpid(), SIGKILL);
} // what the OOM killer sends
void sleep_ms(int ms) {
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

struct custom_failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};
int throw_invalid(int) { throw std::invalid_argument("bad input 7"); }
int throw_custom() { throw custom_failure("custom says no"); }
int throw_int() { throw 42; }
int nested_pool() {
  concur::process_pool inner(1);
  return 0;
}

void fill(concur::shared_buffer<int> buffer, int value) {
  for (int &x : buffer)
    x = value;
}
concur::shared_buffer<double> make_shared_result(std::size_t n) {
  concur::shared_buffer<double> out(n);
  for (std::size_t i = 0; i < n; ++i)
    out[i] = double(i);
  return out;
}

// A function object whose state travels with it.
struct scaler {
  int factor = 1;
  int operator()(int x) const { return x * factor; }
  template <class Archive> void serialize(Archive &archive) { archive(factor); }
};

// ---- /proc inspection -------------------------------------------------------

std::vector<std::string> descriptor_targets() {
  std::vector<std::string> targets;
  for (auto &entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code error;
    auto target = std::filesystem::read_symlink(entry.path(), error);
    if (!error)
      targets.push_back(target.string());
  }
  std::sort(targets.begin(), targets.end());
  return targets;
}

bool mentions_concur_memfd(const std::string &text) {
  return text.find("memfd:concur") != std::string::npos;
}

std::size_t concur_mappings() {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  std::size_t count = 0;
  while (std::getline(maps, line))
    count += mentions_concur_memfd(line);
  return count;
}

bool process_exists(int pid) {
  return std::filesystem::exists("/proc/" + std::to_string(pid));
}

// Children of `parent` (state letter and pid), from /proc/*/stat.
std::vector<std::pair<int, char>> children_of(int parent) {
  std::vector<std::pair<int, char>> children;
  for (auto &entry : std::filesystem::directory_iterator("/proc")) {
    std::string name = entry.path().filename();
    if (name.empty() || !std::isdigit(static_cast<unsigned char>(name[0])))
      continue;
    std::ifstream stat(entry.path() / "stat");
    std::string text;
    std::getline(stat, text);
    auto close = text.rfind(')');
    if (close == std::string::npos)
      continue;
    std::istringstream rest(text.substr(close + 2));
    char state;
    int ppid;
    if (rest >> state >> ppid && ppid == parent)
      children.emplace_back(std::stoi(name), state);
  }
  return children;
}

bool eventually(const std::function<bool()> &condition,
                std::chrono::milliseconds limit = 5s) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition())
      return true;
    std::this_thread::sleep_for(10ms);
  }
  return condition();
}

template <class F> concur::broken_worker broken_from(F &&get) {
  try {
    get();
  } catch (const concur::broken_worker &error) {
    return error;
  }
  ADD_FAILURE() << "expected concur::broken_worker";
  return concur::broken_worker(concur::broken_worker::cause::exit, 0, 0,
                               "none");
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool sanitized =
    true; // the sanitizer's own SIGSEGV handler exits instead
#else
constexpr bool sanitized = false;
#endif

class ProcessPool : public ::testing::Test {
protected:
  static void SetUpTestSuite() { concur::start_fork_server(); }
};

// ---- round trips
// --------------------------------------------------------------

TEST_F(ProcessPool, NegativeOrAbsurdSizesAreClearErrors) {
  // -1 used to open descriptors until "Too many open files".
  EXPECT_EQ(invalid_argument_message([] { concur::process_pool pool(-1); }),
            "concur::process_pool: workers must be between 1 and 1024 (or 0 "
            "for one per core), got -1");
  EXPECT_EQ(invalid_argument_message([] {
              concur::process_pool_options options;
              options.workers = 5000;
              concur::process_pool pool(options);
            }),
            "concur::process_pool: workers must be between 1 and 1024 (or 0 "
            "for one per core), got 5000");
  EXPECT_EQ(invalid_argument_message([] {
              concur::process_pool_options options;
              options.workers = 1;
              options.task_timeout = std::chrono::milliseconds(-5);
              concur::process_pool pool(options);
            }),
            "concur::process_pool: task_timeout must not be negative (0 for no "
            "limit), got -5 ms");
}

TEST_F(ProcessPool, RoundTripsEveryType) {
  concur::process_pool pool(2);
  EXPECT_EQ(pool.size(), 2u);
  EXPECT_EQ(pool.submit(square, 12).get(), 144);
  EXPECT_EQ(pool.submit(echo<double>, 2.5).get(), 2.5);
  EXPECT_EQ(pool.submit(echo<std::string>, std::string("text")).get(), "text");
  std::vector<std::string> strings{"a", "bb", ""};
  EXPECT_EQ(pool.submit(echo<std::vector<std::string>>, strings).get(),
            strings);
  std::map<std::string, std::vector<int>> map{{"k", {1, 2}}, {"l", {}}};
  EXPECT_EQ(pool.submit(echo<decltype(map)>, map).get(), map);
  std::unordered_map<int, double> hashed{{1, 1.5}};
  EXPECT_EQ(pool.submit(echo<decltype(hashed)>, hashed).get(), hashed);
  auto tuple = std::make_tuple(1, std::string("x"), std::optional<int>(3));
  EXPECT_EQ(pool.submit(echo<decltype(tuple)>, tuple).get(), tuple);
  EXPECT_EQ(pool.submit(echo<std::optional<std::string>>,
                        std::optional<std::string>())
                .get(),
            std::nullopt);
  std::variant<int, std::string> variant = std::string("v");
  EXPECT_EQ(pool.submit(echo<decltype(variant)>, variant).get(), variant);
  EXPECT_EQ(pool.submit(concat, std::string("ab"), std::string("c"), 2).get(),
            "abcabc");
  pool.submit(nothing).get();
  EXPECT_NE(pool.submit(worker_pid).get(), int(::getpid()));
}

TEST_F(ProcessPool, CallableForms) {
  concur::process_pool pool(1);
  EXPECT_EQ(pool.submit([](int x) { return x + 1; }, 41).get(), 42);
  EXPECT_EQ(pool.submit(scaler{3}, 5).get(), 15);
  EXPECT_EQ(pool.submit(&square, 3).get(), 9);
}

TEST_F(ProcessPool, LargeBuffersGoThroughSharedMemory) {
  concur::process_pool_options options;
  options.workers = 2;
  options.shared_memory_threshold = 64 * 1024;
  concur::process_pool pool(options);
  std::vector<double> values(1 << 20); // 8 MiB: above the threshold
  std::iota(values.begin(), values.end(), 0.0);
  double expected = std::accumulate(values.begin(), values.end(), 0.0);
  EXPECT_EQ(pool.submit(sum, values).get(), expected);
  EXPECT_EQ(pool.submit(echo<std::vector<double>>, values).get(),
            values); // the result too
  std::string text(3 << 20, 'q');
  EXPECT_EQ(pool.submit(echo<std::string>, text).get(), text);
  // Below the threshold the same call goes inline.
  std::vector<double> small(100, 1.0);
  EXPECT_EQ(pool.submit(sum, small).get(), 100.0);
  EXPECT_EQ(concur_mappings(), 0u);
}

TEST_F(ProcessPool, ReusedBlocksNeverLeakStaleData) {
  concur::process_pool_options options;
  options.workers = 1;
  options.shared_memory_threshold = 4096;
  concur::process_pool pool(options);
  // Shrinking and growing sizes reuse (or not) the spare memfds; each task
  // must see exactly its own argument.
  for (std::size_t size : {300'000u, 200'000u, 250'000u, 600'000u, 160'000u}) {
    std::vector<double> values(size, double(size));
    EXPECT_EQ(pool.submit(sum, values).get(), double(size) * double(size))
        << size;
    EXPECT_EQ(pool.submit(echo<std::vector<double>>, values).get(), values);
  }
}

TEST_F(ProcessPool, SharedBufferIsSharedNotCopied) {
  concur::process_pool pool(2);
  concur::shared_buffer<int> buffer(1 << 20);
  pool.submit(fill, buffer, 7).get();
  EXPECT_TRUE(
      std::all_of(buffer.begin(), buffer.end(), [](int x) { return x == 7; }));
  auto result = pool.submit(make_shared_result, std::size_t(1000)).get();
  ASSERT_EQ(result.size(), 1000u);
  EXPECT_EQ(result[999], 999.0);
}

// ---- worker deaths
// -----------------------------------------------------------

TEST_F(ProcessPool, SegfaultBecomesBrokenWorkerAndPoolKeepsServing) {
  concur::process_pool pool(2);
  auto before = pool.worker_pids();
  auto ok = pool.submit(square, 4);
  auto crash = pool.submit(crash_segfault);
  auto error = broken_from([&] { crash.get(); });
  if (sanitized) {
    EXPECT_TRUE(error.reason() == concur::broken_worker::cause::signal ||
                error.reason() == concur::broken_worker::cause::exit);
  } else {
    EXPECT_EQ(error.reason(), concur::broken_worker::cause::signal);
    EXPECT_EQ(error.signal(), SIGSEGV);
    EXPECT_NE(std::string(error.what()).find("signal 11"), std::string::npos)
        << error.what();
  }
  EXPECT_TRUE(std::find(before.begin(), before.end(), error.pid()) !=
              before.end());
  EXPECT_EQ(ok.get(), 16); // nothing else lost
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(pool.submit(square, i).get(), i * i);
  pool.wait(); // the replacement is started after the future is failed
  EXPECT_EQ(pool.stats().workers_lost, 1u);
  EXPECT_EQ(pool.worker_pids().size(), 2u);
  EXPECT_FALSE(process_exists(error.pid()));
}

TEST_F(ProcessPool, AbortCarriesSignal) {
  concur::process_pool pool(1);
  auto error = broken_from([&] { pool.submit(crash_abort).get(); });
  EXPECT_EQ(error.reason(), concur::broken_worker::cause::signal);
  EXPECT_EQ(error.signal(), SIGABRT);
  EXPECT_EQ(pool.submit(square, 3).get(), 9);
}

TEST_F(ProcessPool, ExitCarriesExitCode) {
  concur::process_pool pool(1);
  auto error = broken_from([&] { pool.submit(crash_exit).get(); });
  EXPECT_EQ(error.reason(), concur::broken_worker::cause::exit);
  EXPECT_EQ(error.exit_code(), 3);
  EXPECT_EQ(error.signal(), 0);
  auto quick = broken_from([&] { pool.submit(crash_quick_exit).get(); });
  EXPECT_EQ(quick.exit_code(), 4);
  EXPECT_EQ(pool.submit(square, 5).get(), 25);
  EXPECT_EQ(pool.stats().workers_lost, 2u);
}

TEST_F(ProcessPool, OomKillCarriesSigkill) {
  concur::process_pool pool(1);
  auto error = broken_from([&] { pool.submit(killed_like_oom).get(); });
  EXPECT_EQ(error.reason(), concur::broken_worker::cause::signal);
  EXPECT_EQ(error.signal(), SIGKILL);
  EXPECT_NE(std::string(error.what()).find("out-of-memory"), std::string::npos);
  EXPECT_EQ(pool.submit(square, 6).get(), 36);
}

TEST_F(ProcessPool, WorkerKilledWhileIdleIsReplacedBeforeTheNextTask) {
  concur::process_pool pool(1);
  int victim = pool.submit(worker_pid).get();
  ::kill(victim, SIGKILL);
  ASSERT_TRUE(eventually([&] { return !process_exists(victim); }));
  int next = pool.submit(worker_pid).get(); // not blamed for the idle death
  EXPECT_NE(next, victim);
}

TEST_F(ProcessPool, TimeoutKillsAndReplacesStuckWorker) {
  concur::process_pool_options options;
  options.workers = 1;
  options.task_timeout = 300ms;
  concur::process_pool pool(options);
  int first = pool.submit(worker_pid).get();
  auto start = std::chrono::steady_clock::now();
  auto error = broken_from([&] { pool.submit(sleep_ms, 60'000).get(); });
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(error.reason(), concur::broken_worker::cause::timeout);
  EXPECT_EQ(error.signal(), SIGKILL);
  EXPECT_EQ(error.pid(), first);
  EXPECT_GE(took, 300ms);
  EXPECT_LT(took, 10s);
  EXPECT_NE(pool.submit(worker_pid).get(), first);
  // A task within its timeout is unaffected; a per-task override wins.
  pool.submit(sleep_ms, 10).get();
  pool.submit_with_timeout(2000ms, sleep_ms, 500).get();
  auto short_error = broken_from(
      [&] { pool.submit_with_timeout(50ms, sleep_ms, 5000).get(); });
  EXPECT_EQ(short_error.reason(), concur::broken_worker::cause::timeout);
}

TEST_F(ProcessPool, MaxTasksPerWorkerRecycles) {
  concur::process_pool_options options;
  options.workers = 1;
  options.max_tasks_per_worker = 2;
  concur::process_pool pool(options);
  std::vector<int> pids;
  for (int i = 0; i < 6; ++i)
    pids.push_back(pool.submit(worker_pid).get());
  pool.wait(); // the last recycling happens after the last future is set
  EXPECT_EQ(pids[0], pids[1]);
  EXPECT_NE(pids[1], pids[2]);
  EXPECT_EQ(pids[2], pids[3]);
  EXPECT_NE(pids[3], pids[4]);
  EXPECT_EQ(pids[4], pids[5]);
  EXPECT_EQ(pool.stats().workers_recycled, 3u);
  EXPECT_EQ(pool.stats().workers_lost, 0u);
  EXPECT_TRUE(eventually(
      [&] { return !process_exists(pids[0]) && !process_exists(pids[2]); }));
}

// ---- exceptions
// ---------------------------------------------------------------

TEST_F(ProcessPool, ExceptionsComeBackWithTypeAndMessage) {
  concur::process_pool pool(1);
  try {
    pool.submit(throw_invalid, 7).get();
    FAIL() << "no exception";
  } catch (const concur::remote_error &error) {
    EXPECT_EQ(error.type_name(), "std::invalid_argument");
    EXPECT_EQ(error.message(), "bad input 7");
    EXPECT_STREQ(error.what(), "std::invalid_argument: bad input 7");
  }
  try {
    pool.submit(throw_custom).get();
    FAIL() << "no exception";
  } catch (const concur::remote_error &error) {
    EXPECT_NE(error.type_name().find("custom_failure"), std::string::npos)
        << error.type_name();
    EXPECT_EQ(error.message(), "custom says no");
  }
  try {
    pool.submit(throw_int).get();
    FAIL() << "no exception";
  } catch (const concur::remote_error &error) {
    EXPECT_EQ(error.type_name(), "int");
  }
  try {
    pool.submit(nested_pool).get();
    FAIL() << "a worker created a pool";
  } catch (const concur::remote_error &error) {
    EXPECT_EQ(error.type_name(), "concur::fork_server_error");
    EXPECT_NE(error.message().find("cannot create a process_pool"),
              std::string::npos);
  }
  EXPECT_EQ(pool.stats().workers_lost,
            0u); // an exception does not kill the worker
  EXPECT_EQ(pool.submit(square, 2).get(), 4);
}

// A task that writes a forged reply on its worker's socket, as a corrupt
// worker would, then waits to be killed: `sent` payload bytes follow a
// header with `magic` that announces `announced` bytes.
void forge_reply(std::uint32_t magic, std::uint64_t announced, int sent) {
  for (int fd = 0; fd < 64; ++fd) {
    struct stat info{};
    int type = 0;
    socklen_t length = sizeof type;
    if (::fstat(fd, &info) != 0 || !S_ISSOCK(info.st_mode) ||
        ::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &length) != 0 ||
        type != SOCK_STREAM)
      continue;
    concur::detail::ipc::frame_header header;
    header.magic = magic;
    header.kind = concur::detail::ipc::frame::result;
    header.payload_size = announced;
    std::vector<char> bytes(sizeof header + std::size_t(sent), 'x');
    std::memcpy(bytes.data(), &header, sizeof header);
    if (::write(fd, bytes.data(), bytes.size()) != ssize_t(bytes.size()))
      std::_Exit(9);
    ::sleep(60);
  }
  std::_Exit(8); // no socket found: the test fails on the exit status
}

TEST_F(ProcessPool, CorruptReplyKillsTheWorkerAndFailsOnlyItsTask) {
  concur::process_pool pool(1);
  int first = pool.submit(worker_pid).get();
  auto error_of = [&](std::uint32_t magic, std::uint64_t announced, int sent) {
    try {
      pool.submit(forge_reply, magic, announced, sent).get();
    } catch (const concur::serialization_error &error) {
      return std::string(error.what());
    }
    return std::string("no serialization_error");
  };
  EXPECT_NE(error_of(0xdeadbeef, 0, 0).find("bad magic"), std::string::npos);
  // More payload than the header announced, read in the header's call.
  EXPECT_NE(error_of(concur::detail::ipc::frame_header::expected_magic, 1, 8)
                .find("more bytes than announced"),
            std::string::npos);
  EXPECT_EQ(pool.stats().workers_lost, 2u);
  int replacement = pool.submit(worker_pid).get();
  EXPECT_NE(replacement, first);
  EXPECT_EQ(pool.submit(square, 3).get(), 9);
}

TEST_F(ProcessPool, MapIsOrderedChunkedAndReportsFailures) {
  concur::process_pool pool(2);
  std::vector<int> inputs(1000);
  std::iota(inputs.begin(), inputs.end(), 0);
  std::vector<int> squares = pool.map(square, inputs);
  ASSERT_EQ(squares.size(), inputs.size());
  for (int i = 0; i < 1000; ++i)
    EXPECT_EQ(squares[std::size_t(i)], i * i);
  EXPECT_EQ(pool.map(square, inputs, 7).size(), 1000u);
  EXPECT_TRUE(pool.map(square, std::vector<int>{}).empty());
  EXPECT_THROW(pool.map(throw_invalid, inputs), concur::remote_error);
}

TEST_F(ProcessPool, BatchOfVoidTasks) {
  concur::process_pool pool(1);
  concur::shared_buffer<int> cells(4);
  std::vector<std::pair<concur::shared_buffer<int>, int>> jobs;
  for (int i = 0; i < 4; ++i)
    jobs.emplace_back(cells, i);
  pool.map(
      [](std::pair<concur::shared_buffer<int>, int> &job) {
        job.first[std::size_t(job.second)] = job.second + 10;
      },
      jobs);
  EXPECT_EQ(std::vector<int>(cells.begin(), cells.end()),
            (std::vector<int>{10, 11, 12, 13}));
}

// The same executor interface as over a thread pool: submit, map, wait,
// as_completed.
TEST_F(ProcessPool, BackendOfExecutor) {
  static_assert(concur::executor_backend<concur::process_pool>);
  concur::process_pool pool(2);
  concur::executor ex(pool);
  EXPECT_EQ(ex.size(), 2u);
  auto f = ex.submit(square, 9);
  EXPECT_EQ(f.get(), 81);
  std::vector<int> inputs(100);
  std::iota(inputs.begin(), inputs.end(), 0);
  auto squares = ex.map(square, inputs, 10);
  ASSERT_EQ(squares.size(), 100u);
  EXPECT_EQ(squares[99], 99 * 99);
  EXPECT_THROW(ex.map(throw_invalid, inputs), concur::remote_error);

  std::vector<concur::future<int>> futures;
  for (int i = 0; i < 6; ++i)
    futures.push_back(ex.submit(square, i));
  futures.push_back(ex.submit(throw_invalid, 1));
  auto waited = concur::wait(futures, concur::return_when::all_completed,
                             std::chrono::seconds(30));
  EXPECT_EQ(waited.done.size(), 7u);
  int seen = 0, failed = 0;
  for (auto &done : concur::as_completed(futures)) {
    ++seen;
    failed += done.exception() != nullptr;
  }
  EXPECT_EQ(seen, 7);
  EXPECT_EQ(failed, 1);

  concur::executor<concur::process_pool> owning(std::in_place, std::size_t(1));
  EXPECT_EQ(owning.submit(square, 5).get(), 25);
  owning.shutdown();
  EXPECT_THROW((void)owning.submit(square, 1), concur::broken_executor);
}

// ---- shutdown and concurrency -----------------------------------------------

TEST_F(ProcessPool, ShutdownRunsPendingWork) {
  concur::process_pool pool(1);
  std::vector<concur::future<int>> futures;
  for (int i = 0; i < 5; ++i)
    futures.push_back(pool.submit(square, i));
  pool.shutdown();
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(futures[std::size_t(i)].get(), i * i);
  EXPECT_THROW((void)pool.submit(square, 1), concur::broken_executor);
  EXPECT_TRUE(pool.worker_pids().empty());
}

TEST_F(ProcessPool, ShutdownCanCancelPendingWork) {
  concur::process_pool pool(1);
  auto running = pool.submit(sleep_ms, 300);
  std::vector<concur::future<int>> pending;
  for (int i = 0; i < 5; ++i)
    pending.push_back(pool.submit(square, i));
  std::this_thread::sleep_for(50ms);
  pool.shutdown(true, true);
  running.get(); // the running task finishes
  int cancelled = 0;
  for (auto &f : pending) {
    try {
      f.get();
    } catch (const concur::cancelled_error &) {
      ++cancelled;
    }
  }
  EXPECT_EQ(cancelled, 5);
}

TEST_F(ProcessPool, CancelledFutureDoesNotRun) {
  concur::process_pool pool(1);
  auto busy = pool.submit(sleep_ms, 200);
  auto victim = pool.submit(square, 3);
  EXPECT_TRUE(victim.cancel());
  busy.get();
  EXPECT_THROW(victim.get(), concur::cancelled_error);
  pool.wait();
  EXPECT_EQ(pool.submit(square, 3).get(), 9);
}

TEST_F(ProcessPool, UsedFromSeveralThreadsAtOnce) {
  concur::process_pool pool(2);
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      std::vector<concur::future<int>> futures;
      for (int i = 0; i < 50; ++i)
        futures.push_back(pool.submit(square, t * 100 + i));
      for (int i = 0; i < 50; ++i)
        if (futures[std::size_t(i)].get() != (t * 100 + i) * (t * 100 + i))
          ++wrong;
    });
  for (auto &thread : threads)
    thread.join();
  EXPECT_EQ(wrong.load(), 0);
  pool.wait();
  EXPECT_EQ(pool.stats().tasks_completed, 200u);
}

TEST_F(ProcessPool, SecondPoolWorksWhileThreadsRun) {
  // The fork server was started while single-threaded; later pools reuse it
  // even though this process now runs threads.
  concur::process_pool first(1);
  concur::process_pool second(1);
  EXPECT_EQ(first.submit(square, 2).get() + second.submit(square, 3).get(), 13);
}

// ---- nothing left behind
// -----------------------------------------------------

TEST_F(ProcessPool, NoZombiesNoLeakedDescriptorsOrSharedMemory) {
  auto descriptors_before = descriptor_targets();
  std::vector<int> workers;
  {
    concur::process_pool_options options;
    options.workers = 2;
    options.shared_memory_threshold = 4096;
    options.max_tasks_per_worker = 3;
    concur::process_pool pool(options);
    std::vector<double> big(100'000, 1.0);
    concur::shared_buffer<int> shared(10'000);
    for (int i = 0; i < 6; ++i) {
      EXPECT_EQ(pool.submit(sum, big).get(), 100'000.0);
      pool.submit(fill, shared, i).get();
      workers.push_back(pool.submit(worker_pid).get());
    }
    EXPECT_THROW(pool.submit(crash_abort).get(), concur::broken_worker);
    for (int pid : pool.worker_pids())
      workers.push_back(pid);
  }
  // Every worker was reaped by the fork server before the pool returned.
  for (int pid : workers)
    EXPECT_FALSE(process_exists(pid)) << pid;
  for (auto [pid, state] : children_of(int(::getpid())))
    EXPECT_NE(state, 'Z') << "zombie child " << pid;
  EXPECT_EQ(descriptor_targets(), descriptors_before);
  EXPECT_EQ(concur_mappings(), 0u);
  for (auto &target : descriptor_targets())
    EXPECT_FALSE(mentions_concur_memfd(target)) << target;
}

TEST_F(ProcessPool, ExceptionLeavingScopeCleansUp) {
  auto descriptors_before = descriptor_targets();
  std::vector<int> workers;
  try {
    concur::process_pool pool(2);
    workers = pool.worker_pids();
    auto pending = pool.submit(sleep_ms, 100);
    throw std::runtime_error("leaving");
  } catch (const std::runtime_error &) {
  }
  for (int pid : workers)
    EXPECT_FALSE(process_exists(pid)) << pid;
  EXPECT_EQ(descriptor_targets(), descriptors_before);
}

// A process that dies from an uncaught exception takes its workers with it:
// the fork server sees end-of-file, kills and reaps them, and exits.
// ---- initializer (Python's ProcessPoolExecutor(initializer=, initargs=)) ---

int worker_setting = 0; // set by the initializer in each worker
void set_worker_setting(int value, const std::string &suffix) {
  worker_setting = value + int(suffix.size());
}
int read_worker_setting() { return worker_setting; }
void initializer_throws() { throw std::runtime_error("no database"); }
void initializer_aborts() { std::abort(); }

// Submits until the pool refuses with initializer_error, or `limit` passes.
std::string refused_with_initializer_error(concur::process_pool &pool,
                                           std::chrono::milliseconds limit) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    try {
      auto f = pool.submit(square, 2);
      if (!f.wait_for(10s))
        return "a task of the pool hangs";
      try {
        f.get();
      } catch (const concur::initializer_error &e) {
        return e.what(); // queued before the failure was seen
      }
    } catch (const concur::initializer_error &e) {
      return e.what();
    }
    std::this_thread::sleep_for(5ms);
  }
  return "";
}

TEST_F(ProcessPool, InitializerRunsInEveryWorkerAndEveryReplacement) {
  concur::process_pool pool(2, set_worker_setting, 40, std::string("ab"));
  for (int i = 0; i < 8; ++i)
    EXPECT_EQ(pool.submit(read_worker_setting).get(), 42);
  // The parent is untouched: the initializer ran in the workers.
  EXPECT_EQ(worker_setting, 0);
  // A worker that dies is replaced by an initialised one.
  (void)broken_from([&] { pool.submit(killed_like_oom).get(); });
  std::vector<concur::future<int>> after;
  for (int i = 0; i < 8; ++i)
    after.push_back(pool.submit(read_worker_setting));
  for (auto &f : after)
    EXPECT_EQ(f.get(), 42);
  EXPECT_EQ(pool.stats().workers_lost, 1u);
}

TEST_F(ProcessPool, InitializerThatThrowsBreaksThePool) {
  concur::process_pool pool(2, initializer_throws);
  std::string what = refused_with_initializer_error(pool, 10s);
  EXPECT_EQ(what, "concur::process_pool: a worker's initializer failed "
                  "(std::runtime_error: no database); the pool is not usable "
                  "any more");
  try {
    (void)pool.submit(square, 3);
    ADD_FAILURE() << "submit to a broken pool did not throw";
  } catch (const concur::initializer_error &e) {
    try {
      std::rethrow_exception(e.cause());
    } catch (const concur::remote_error &cause) {
      EXPECT_EQ(cause.type_name(), "std::runtime_error");
      EXPECT_EQ(cause.message(), "no database");
    }
  }
  EXPECT_THROW((void)pool.submit(square, 3), concur::broken_executor);
  pool.wait();
  pool.shutdown();
  for (auto &[pid, state] : children_of(int(::getpid())))
    EXPECT_NE(state, 'Z') << "zombie " << pid;
}

TEST_F(ProcessPool, InitializerThatKillsItsWorkerBreaksThePool) {
  concur::process_pool pool(1, initializer_aborts);
  std::string what = refused_with_initializer_error(pool, 10s);
  EXPECT_NE(what.find("a worker's initializer failed (concur::process_pool: "
                      "worker "),
            std::string::npos)
      << what;
  EXPECT_NE(what.find("while running its initializer"), std::string::npos)
      << what;
}

int slow_square(int x) {
  std::this_thread::sleep_for(std::chrono::milliseconds(x));
  return x * x;
}

TEST_F(ProcessPool, ExecutorMapWithTimeout) {
  concur::process_pool pool(2);
  concur::executor ex(pool);
  std::vector<int> quick = {1, 2, 3, 4};
  EXPECT_EQ(ex.map(slow_square, quick, 10s), (std::vector<int>{1, 4, 9, 16}));
  std::vector<int> slow(8, 200);
  auto before = std::chrono::steady_clock::now();
  EXPECT_THROW(ex.map(slow_square, slow, 100ms, 1), concur::timeout_error);
  EXPECT_LT(std::chrono::steady_clock::now() - before, 2s);
  pool.wait(); // cancelled chunks never reach a worker
  EXPECT_LT(pool.stats().tasks_completed, 1u + 8u);
}

TEST(ProcessPoolDeath, ParentDyingFromUncaughtExceptionLeavesNoWorkers) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  // The death test re-executes this test in a child, which must write to
  // the parent's file: the name travels in the environment it inherits.
  std::string name = std::filesystem::temp_directory_path() /
                     ("concur-pids-" + std::to_string(::getpid()));
  ::setenv("CONCUR_TEST_PID_FILE", name.c_str(), 0);
  std::string pid_file = std::getenv("CONCUR_TEST_PID_FILE");
  EXPECT_DEATH(
      {
        concur::process_pool pool(2);
        std::ofstream out(pid_file);
        for (int pid : pool.worker_pids())
          out << pid << "\n";
        out.close();
        auto stuck = pool.submit(sleep_ms, 60'000);
        std::thread([] { throw std::runtime_error("uncaught"); }).join();
      },
      "");
  std::ifstream in(pid_file);
  std::vector<int> workers;
  for (int pid; in >> pid;)
    workers.push_back(pid);
  std::filesystem::remove(pid_file);
  ASSERT_EQ(workers.size(), 2u);
  for (int pid : workers)
    EXPECT_TRUE(eventually([&] { return !process_exists(pid); }))
        << "worker " << pid << " survived";
}

TEST(ProcessPoolDeath, StartingAfterThreadsIsAClearError) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        std::atomic<bool> stop{false};
        std::thread other([&] {
          while (!stop)
            std::this_thread::sleep_for(1ms);
        });
        int status = 1;
        try {
          concur::process_pool pool(1);
        } catch (const concur::fork_server_error &error) {
          std::string what = error.what();
          if (what.find("start_fork_server") != std::string::npos &&
              what.find(" threads, and forking") != std::string::npos)
            status = 0;
        }
        stop = true;
        other.join();
        std::_Exit(status);
      },
      ::testing::ExitedWithCode(0), "");
}

} // namespace
