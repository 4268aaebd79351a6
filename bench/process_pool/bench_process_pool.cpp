// bench/process_pool: concur::process_pool and a bare fork-and-pipe floor.
// Prints one line per measurement, "<metric> <system> <value> <unit>";
// run.sh runs this and bench_python.py in the same run and prints ratios.
//
// Metrics (each the median of several rounds where it is cheap enough):
//   roundtrip   one empty task, submit -> result, sequentially (us/task)
//   map         chunked map of 200000 tiny tasks (us/item)
//   handoff     a 64 MiB argument to each of 10 tasks (ms/task), through
//               shared memory, through the socket, and as a shared_buffer;
//               plus a plain memcpy of the buffer for scale
//   startstop   start 2 workers, run one task, stop and reap them (ms)
//   replace     a task kills its worker: time until the caller has the error
//               and the replacement worker has answered a task (ms)
#include "concur/process_pool.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <numeric>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

namespace {

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

void report(const char *metric, const char *system, double value, const char *unit) {
  std::printf("%s %s %.3f %s\n", metric, system, value, unit);
  std::fflush(stdout);
}

// ---- tasks -------------------------------------------------------------------

int empty_task() { return 0; }
long square(long x) { return x * x; }
constexpr std::size_t page_elements = 4096 / sizeof(double);
// Touches one element per page, as a real consumer of the buffer would.
double touch_pages(const std::vector<double> &data) {
  double sum = 0;
  for (std::size_t i = 0; i < data.size(); i += page_elements)
    sum += data[i];
  return sum;
}
double touch_shared(concur::shared_buffer<double> data) {
  double sum = 0;
  for (std::size_t i = 0; i < data.size(); i += page_elements)
    sum += data[i];
  return sum;
}
void kill_self() { ::kill(::getpid(), SIGKILL); }

// ---- the floor: one forked child answering over two pipes ----------------------

struct piped_child {
  pid_t pid = -1;
  int to_child = -1, from_child = -1;
};

bool read_all(int fd, void *out, std::size_t size) {
  char *p = static_cast<char *>(out);
  while (size) {
    ssize_t n = ::read(fd, p, size);
    if (n <= 0)
      return false;
    p += n;
    size -= std::size_t(n);
  }
  return true;
}
void write_all(int fd, const void *data, std::size_t size) {
  const char *p = static_cast<const char *>(data);
  while (size) {
    ssize_t n = ::write(fd, p, size);
    if (n <= 0)
      std::abort();
    p += n;
    size -= std::size_t(n);
  }
}

// The child reads a length-prefixed message and answers with 8 bytes.
piped_child fork_echo() {
  int down[2], up[2];
  if (::pipe(down) != 0 || ::pipe(up) != 0)
    std::abort();
  pid_t pid = ::fork();
  if (pid == 0) {
    // Keep only our two pipe ends (not other children's, or they would
    // never see end-of-file).
    for (int fd = 3; fd < 1024; ++fd)
      if (fd != down[0] && fd != up[1])
        ::close(fd);
    std::vector<char> buffer;
    for (std::uint64_t size; read_all(down[0], &size, sizeof size);) {
      buffer.resize(size);
      if (!read_all(down[0], buffer.data(), size))
        break;
      std::uint64_t answer = size;
      write_all(up[1], &answer, sizeof answer);
    }
    _exit(0);
  }
  ::close(down[0]);
  ::close(up[1]);
  return {pid, down[1], up[0]};
}

void echo(piped_child &child, const void *data, std::uint64_t size) {
  write_all(child.to_child, &size, sizeof size);
  write_all(child.to_child, data, size);
  std::uint64_t answer;
  if (!read_all(child.from_child, &answer, sizeof answer))
    std::abort();
}

void stop(piped_child &child) {
  ::close(child.to_child);
  ::close(child.from_child);
  ::waitpid(child.pid, nullptr, 0);
}

// ---- measurements ----------------------------------------------------------------

// Steady state: the first few hundred round trips of fresh threads and
// processes are often twice as slow, until the scheduler has placed them
// on separate cores (bench_python.py warms up as much).
constexpr int warm_up_tasks = 1000;

void roundtrip(int tasks) {
  {
    concur::process_pool pool(1);
    for (int i = 0; i < warm_up_tasks; ++i)
      pool.submit(empty_task).get();
    auto start = clock_type::now();
    for (int i = 0; i < tasks; ++i)
      pool.submit(empty_task).get();
    report("roundtrip", "concur", seconds_since(start) / tasks * 1e6, "us/task");
  }
  piped_child child = fork_echo();
  char byte = 0;
  for (int i = 0; i < warm_up_tasks; ++i)
    echo(child, &byte, 1);
  auto start = clock_type::now();
  for (int i = 0; i < tasks; ++i)
    echo(child, &byte, 1);
  report("roundtrip", "fork-pipe", seconds_since(start) / tasks * 1e6, "us/task");
  stop(child);
}

void map_throughput(long items) {
  std::vector<long> inputs(static_cast<std::size_t>(items));
  std::iota(inputs.begin(), inputs.end(), 0L);
  concur::process_pool pool(2);
  pool.submit(empty_task).get();
  auto start = clock_type::now();
  auto results = pool.map(square, inputs);
  double took = seconds_since(start);
  if (results.size() != inputs.size() || results.back() != square(items - 1))
    std::abort();
  report("map", "concur", took / double(items) * 1e6, "us/item");
}

void handoff(int tasks) {
  constexpr std::size_t bytes = std::size_t(64) << 20;
  std::vector<double> data(bytes / sizeof(double));
  std::iota(data.begin(), data.end(), 0.0);
  double expected = touch_pages(data);

  // Scale: one plain memcpy of the buffer into fresh memory (as a copy
  // costs when it is made), and into memory already touched.
  {
    std::vector<double> samples;
    for (int i = 0; i < tasks; ++i) {
      auto start = clock_type::now();
      std::unique_ptr<char[]> copy(new char[bytes]);
      std::memcpy(copy.get(), data.data(), bytes);
      asm volatile("" : : "r"(copy.get()) : "memory");
      samples.push_back(seconds_since(start) * 1e3);
    }
    report("handoff", "memcpy-fresh", median(samples), "ms/task");
    std::vector<char> warm(bytes, 1);
    samples.clear();
    for (int i = 0; i < tasks; ++i) {
      auto start = clock_type::now();
      std::memcpy(warm.data(), data.data(), bytes);
      asm volatile("" : : "r"(warm.data()) : "memory");
      samples.push_back(seconds_since(start) * 1e3);
    }
    report("handoff", "memcpy-warm", median(samples), "ms/task");
  }

  auto run = [&](const char *system, std::size_t threshold) {
    concur::process_pool_options options;
    options.workers = 2;
    options.shared_memory_threshold = threshold;
    concur::process_pool pool(options);
    pool.submit(empty_task).get();
    std::vector<double> samples;
    for (int i = 0; i < tasks; ++i) {
      auto start = clock_type::now();
      double got = pool.submit(touch_pages, data).get();
      samples.push_back(seconds_since(start) * 1e3);
      if (got != expected)
        std::abort();
    }
    report("handoff", system, median(samples), "ms/task");
  };
  run("concur-shm", concur::default_shared_memory_threshold);
  run("concur-pipe", std::size_t(-1));

  {
    concur::process_pool pool(2);
    concur::shared_buffer<double> shared(data.size());
    std::memcpy(shared.data(), data.data(), bytes);
    pool.submit(empty_task).get();
    std::vector<double> samples;
    for (int i = 0; i < tasks; ++i) {
      auto start = clock_type::now();
      double got = pool.submit(touch_shared, shared).get();
      samples.push_back(seconds_since(start) * 1e3);
      if (got != expected)
        std::abort();
    }
    report("handoff", "concur-shared_buffer", median(samples), "ms/task");
  }

  piped_child child = fork_echo();
  std::vector<double> samples;
  for (int i = 0; i < tasks; ++i) {
    auto start = clock_type::now();
    echo(child, data.data(), bytes);
    samples.push_back(seconds_since(start) * 1e3);
  }
  report("handoff", "fork-pipe", median(samples), "ms/task");
  stop(child);
}

void start_stop(int rounds) {
  std::vector<double> samples;
  for (int i = 0; i < rounds; ++i) {
    auto start = clock_type::now();
    {
      concur::process_pool pool(2);
      pool.submit(empty_task).get();
    }
    samples.push_back(seconds_since(start) * 1e3);
  }
  report("startstop", "concur", median(samples), "ms");
  samples.clear();
  for (int i = 0; i < rounds; ++i) {
    auto start = clock_type::now();
    piped_child a = fork_echo(), b = fork_echo();
    char byte = 0;
    echo(a, &byte, 1);
    stop(a);
    stop(b);
    samples.push_back(seconds_since(start) * 1e3);
  }
  report("startstop", "fork-pipe", median(samples), "ms");
}

void replace(int rounds) {
  concur::process_pool pool(1);
  pool.submit(empty_task).get();
  std::vector<double> samples;
  for (int i = 0; i < rounds; ++i) {
    auto start = clock_type::now();
    try {
      pool.submit(kill_self).get();
      std::abort();
    } catch (const concur::broken_worker &) {
    }
    pool.submit(empty_task).get();
    samples.push_back(seconds_since(start) * 1e3);
  }
  report("replace", "concur", median(samples), "ms");
  samples.clear();
  for (int i = 0; i < rounds; ++i) {
    piped_child child = fork_echo();
    char byte = 0;
    echo(child, &byte, 1);
    auto start = clock_type::now();
    ::kill(child.pid, SIGKILL);
    ::waitpid(child.pid, nullptr, 0);
    ::close(child.to_child);
    ::close(child.from_child);
    piped_child next = fork_echo();
    echo(next, &byte, 1);
    samples.push_back(seconds_since(start) * 1e3);
    stop(next);
  }
  report("replace", "fork-pipe", median(samples), "ms");
}

} // namespace

int main(int argc, char **argv) {
  concur::start_fork_server();
  double scale = argc > 1 ? std::atof(argv[1]) : 1.0; // run.sh --quick passes 0.2
  auto scaled = [&](double n) { return std::max(3, int(n * scale)); };
  roundtrip(scaled(5000));
  if (argc > 2 && std::strcmp(argv[2], "roundtrip") == 0)
    return 0; // run.sh's alternating round-trip pairs
  map_throughput(long(scaled(200000)));
  handoff(scaled(10));
  start_stop(scaled(10));
  replace(scaled(10));
}
