// Thread pool benchmark: concur::thread_pool / concur::executor against
// oneTBB (task_arena + task_group, parallel_for), asio::thread_pool, a naive
// mutex+condvar pool, std::async and (figures read from a file written by
// python_executor.py in the same run) Python's ThreadPoolExecutor.
//
// Every case runs `rounds` times, alternating implementations so that load
// from other processes hits all of them alike; the best round counts.
// Ratios are comparator time / concur time: above 1 means concur is faster.
//
// Usage: bench_thread_pool [--rounds N] [--python FILE] [--quick]
#include "concur/executor.hpp"
#include "concur/thread_pool.hpp"

#include <asio/post.hpp>
#include <asio/thread_pool.hpp>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_group.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <numeric>
#include <queue>
#include <string>
#include <thread>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

// The textbook pool: one mutex, one condition variable, std::function.
class naive_pool {
public:
  explicit naive_pool(unsigned threads) {
    for (unsigned i = 0; i < threads; ++i)
      workers_.emplace_back([this] { work(); });
  }
  ~naive_pool() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    cv_.notify_all();
    for (auto &t : workers_)
      t.join();
  }
  void post(std::function<void()> task) {
    {
      std::lock_guard lock(mutex_);
      tasks_.push(std::move(task));
    }
    cv_.notify_one();
  }

private:
  void work() {
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
        if (tasks_.empty())
          return;
        task = std::move(tasks_.front());
        tasks_.pop();
      }
      task();
    }
  }
  std::mutex mutex_;
  std::condition_variable cv_;
  std::queue<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

void wait_count(const std::atomic<long> &done, long expected) {
  while (done.load(std::memory_order_acquire) < expected)
    std::this_thread::yield();
}

// CPU-bound unit: a xorshift chain the compiler cannot fold.
std::uint64_t burn(std::uint64_t seed, int steps) {
  std::uint64_t x = seed | 1;
  for (int i = 0; i < steps; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
  }
  return x;
}

struct result_table {
  // case -> implementation -> best seconds per operation
  std::map<std::string, std::map<std::string, double>> best;
  // case -> implementation -> seconds per operation, one per round
  std::map<std::string, std::map<std::string, std::vector<double>>> rounds;
  std::vector<std::string> order;

  void record(const std::string &name, const std::string &impl, double per_op) {
    if (!best.count(name))
      order.push_back(name);
    auto &slot = best[name];
    if (!slot.count(impl) || per_op < slot[impl])
      slot[impl] = per_op;
    rounds[name][impl].push_back(per_op);
  }
};

struct config {
  int rounds = 5;
  long tasks = 200000;         // empty tasks per throughput round
  long latency_ops = 20000;    // submit -> get round trips
  long async_ops = 2000;       // std::async is a thread per task
  long map_items = 1000000;    // tiny items for map
  int cpu_items = 64;          // CPU-bound items
  int cpu_steps = 400000;      // xorshift steps per CPU item (~0.5 ms)
  std::string python_file;
};

// Runs `a` then `b` in even rounds and `b` then `a` in odd ones.
template <class A, class B> void in_turn(int round, A &a, B &b) {
  if (round % 2 == 0) {
    a();
    b();
  } else {
    b();
    a();
  }
}

void run(const config &cfg, result_table &table) {
  unsigned threads = static_cast<unsigned>(concur::cpu_pool_default_size());
  concur::thread_pool pool(threads);
  concur::executor ex(pool);
  tbb::task_arena arena; // default: one slot per core, the caller takes one
  arena.initialize();
  asio::thread_pool asio_pool(threads);
  naive_pool naive(threads);
  std::vector<int> items(static_cast<std::size_t>(cfg.map_items));
  std::iota(items.begin(), items.end(), 0);
  std::vector<int> cpu_items(static_cast<std::size_t>(cfg.cpu_items));
  std::iota(cpu_items.begin(), cpu_items.end(), 1);

  for (int round = 0; round < cfg.rounds; ++round) {
    const long n = cfg.tasks;
    // --- empty tasks, one producer -------------------------------------
    {
      auto start = clock_type::now();
      for (long i = 0; i < n; ++i)
        pool.post([] {});
      pool.wait_idle();
      table.record("empty task, 1 producer", "concur post", seconds_since(start) / n);
    }
    {
      std::vector<concur::future<void>> futures;
      futures.reserve(static_cast<std::size_t>(n));
      auto start = clock_type::now();
      for (long i = 0; i < n; ++i)
        futures.push_back(pool.submit([] {}));
      for (auto &f : futures)
        f.wait();
      table.record("empty task, 1 producer", "concur submit", seconds_since(start) / n);
    }
    {
      auto start = clock_type::now();
      arena.execute([&] {
        tbb::task_group group;
        for (long i = 0; i < n; ++i)
          group.run([] {});
        group.wait();
      });
      table.record("empty task, 1 producer", "tbb task_group", seconds_since(start) / n);
    }
    {
      std::atomic<long> done{0};
      auto start = clock_type::now();
      for (long i = 0; i < n; ++i)
        asio::post(asio_pool, [&done] { done.fetch_add(1, std::memory_order_release); });
      wait_count(done, n);
      table.record("empty task, 1 producer", "asio::thread_pool", seconds_since(start) / n);
    }
    {
      std::atomic<long> done{0};
      auto start = clock_type::now();
      for (long i = 0; i < n; ++i)
        naive.post([&done] { done.fetch_add(1, std::memory_order_release); });
      wait_count(done, n);
      table.record("empty task, 1 producer", "naive pool", seconds_since(start) / n);
    }
    {
      const long m = cfg.async_ops;
      std::vector<std::future<void>> futures;
      auto start = clock_type::now();
      for (long i = 0; i < m; ++i)
        futures.push_back(std::async(std::launch::async, [] {}));
      for (auto &f : futures)
        f.get();
      table.record("empty task, 1 producer", "std::async", seconds_since(start) / m);
    }

    // --- empty tasks, two producers ------------------------------------
    auto two_producers = [&](const std::string &impl, auto produce, auto finish) {
      auto start = clock_type::now();
      std::thread a([&] { produce(n / 2); });
      std::thread b([&] { produce(n / 2); });
      a.join();
      b.join();
      finish();
      table.record("empty task, 2 producers", impl, seconds_since(start) / n);
    };
    two_producers(
        "concur post",
        [&](long count) {
          for (long i = 0; i < count; ++i)
            pool.post([] {});
        },
        [&] { pool.wait_idle(); });
    two_producers(
        "tbb task_group",
        [&](long count) {
          arena.execute([&] {
            tbb::task_group group;
            for (long i = 0; i < count; ++i)
              group.run([] {});
            group.wait();
          });
        },
        [] {});
    {
      std::atomic<long> done{0};
      two_producers(
          "asio::thread_pool",
          [&](long count) {
            for (long i = 0; i < count; ++i)
              asio::post(asio_pool, [&done] { done.fetch_add(1, std::memory_order_release); });
          },
          [&] { wait_count(done, n / 2 * 2); });
    }
    {
      std::atomic<long> done{0};
      two_producers(
          "naive pool",
          [&](long count) {
            for (long i = 0; i < count; ++i)
              naive.post([&done] { done.fetch_add(1, std::memory_order_release); });
          },
          [&] { wait_count(done, n / 2 * 2); });
    }

    // --- submit -> get latency -----------------------------------------
    const long ops = cfg.latency_ops;
    // concur and oneTBB swap places every round: whichever runs first after
    // the previous case finds colder caches and sleeping workers.
    auto concur_latency = [&] {
      long sum = 0;
      auto start = clock_type::now();
      for (long i = 0; i < ops; ++i)
        sum += pool.submit([i] { return i; }).get();
      table.record("submit->get latency", "concur submit", seconds_since(start) / ops);
      if (sum != ops * (ops - 1) / 2)
        std::abort();
    };
    auto tbb_latency = [&] {
      auto start = clock_type::now();
      arena.execute([&] {
        tbb::task_group group;
        for (long i = 0; i < ops; ++i) {
          long value = 0;
          group.run([&value, i] { value = i; });
          group.wait();
        }
      });
      table.record("submit->get latency", "tbb task_group", seconds_since(start) / ops);
    };
    in_turn(round, concur_latency, tbb_latency);
    {
      auto start = clock_type::now();
      for (long i = 0; i < ops; ++i) {
        std::promise<long> p;
        auto f = p.get_future();
        asio::post(asio_pool, [&p, i] { p.set_value(i); });
        f.get();
      }
      table.record("submit->get latency", "asio::thread_pool", seconds_since(start) / ops);
    }
    {
      auto start = clock_type::now();
      for (long i = 0; i < ops; ++i) {
        std::promise<long> p;
        auto f = p.get_future();
        naive.post([&p, i] { p.set_value(i); });
        f.get();
      }
      table.record("submit->get latency", "naive pool", seconds_since(start) / ops);
    }
    {
      const long m = cfg.async_ops;
      auto start = clock_type::now();
      for (long i = 0; i < m; ++i)
        std::async(std::launch::async, [i] { return i; }).get();
      table.record("submit->get latency", "std::async", seconds_since(start) / m);
    }

    // --- map over tiny items -------------------------------------------
    auto concur_map = [&] {
      auto start = clock_type::now();
      std::vector<int> out = ex.map([](int x) { return x * 3 + 1; }, items);
      table.record("map 1e6 tiny items (per item)", "concur map",
                   seconds_since(start) / static_cast<double>(items.size()));
      if (out.back() != items.back() * 3 + 1)
        std::abort();
    };
    auto tbb_map = [&] {
      auto start = clock_type::now();
      std::vector<int> out(items.size());
      arena.execute([&] {
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, items.size()),
                          [&](const tbb::blocked_range<std::size_t> &r) {
                            for (std::size_t i = r.begin(); i != r.end(); ++i)
                              out[i] = items[i] * 3 + 1;
                          });
      });
      table.record("map 1e6 tiny items (per item)", "tbb parallel_for",
                   seconds_since(start) / static_cast<double>(items.size()));
    };
    in_turn(round, concur_map, tbb_map);

    // --- CPU-bound speedup ---------------------------------------------
    {
      auto start = clock_type::now();
      std::uint64_t sum = 0;
      for (int item : cpu_items)
        sum += burn(static_cast<std::uint64_t>(item), cfg.cpu_steps);
      table.record("cpu-bound batch (total)", "sequential", seconds_since(start));
      if (sum == 42)
        std::puts("");
    }
    {
      auto start = clock_type::now();
      auto out = ex.map([&](int item) { return burn(static_cast<std::uint64_t>(item), cfg.cpu_steps); },
                        cpu_items, 1);
      table.record("cpu-bound batch (total)", "concur map", seconds_since(start));
    }
    {
      auto start = clock_type::now();
      std::vector<std::uint64_t> out(cpu_items.size());
      arena.execute([&] {
        tbb::parallel_for(std::size_t{0}, cpu_items.size(), [&](std::size_t i) {
          out[i] = burn(static_cast<std::uint64_t>(cpu_items[i]), cfg.cpu_steps);
        });
      });
      table.record("cpu-bound batch (total)", "tbb parallel_for", seconds_since(start));
    }
    {
      std::atomic<long> done{0};
      std::vector<std::uint64_t> out(cpu_items.size());
      auto start = clock_type::now();
      for (std::size_t i = 0; i < cpu_items.size(); ++i)
        asio::post(asio_pool, [&, i] {
          out[i] = burn(static_cast<std::uint64_t>(cpu_items[i]), cfg.cpu_steps);
          done.fetch_add(1, std::memory_order_release);
        });
      wait_count(done, static_cast<long>(cpu_items.size()));
      table.record("cpu-bound batch (total)", "asio::thread_pool", seconds_since(start));
    }
  }
}

void read_python(const std::string &file, result_table &table) {
  std::ifstream in(file);
  if (!in) {
    std::fprintf(stderr, "bench_thread_pool: cannot read python results '%s'\n", file.c_str());
    std::exit(2);
  }
  std::string line;
  while (std::getline(in, line)) {
    // case<TAB>seconds
    auto tab = line.find('\t');
    if (tab == std::string::npos)
      continue;
    table.record(line.substr(0, tab), "python ThreadPoolExecutor", std::stod(line.substr(tab + 1)));
  }
}

void print(const result_table &table) {
  for (const auto &name : table.order) {
    const auto &impls = table.best.at(name);
    bool total = name.find("(total)") != std::string::npos;
    std::string reference = impls.count("concur post")     ? "concur post"
                            : impls.count("concur submit") ? "concur submit"
                                                           : "concur map";
    if (!impls.count(reference))
      continue;
    double ref = impls.at(reference);
    std::printf("\n%s\n", name.c_str());
    for (const auto &[impl, value] : impls) {
      if (total)
        std::printf("  %-28s %10.2f ms", impl.c_str(), value * 1e3);
      else
        std::printf("  %-28s %10.1f ns", impl.c_str(), value * 1e9);
      if (impl == reference)
        std::printf("   (reference)");
      else if (total && impls.count("sequential") && impl != "sequential")
        std::printf("   speedup %.2fx over sequential; concur is %.2fx its speed",
                    impls.at("sequential") / value, value / ref);
      else if (impl != "sequential") {
        // Tasks with a future compare with concur's tasks with a future.
        bool with_future = impl == "python ThreadPoolExecutor" || impl == "std::async";
        double base = with_future && impls.count("concur submit") ? impls.at("concur submit") : ref;
        std::printf("   %.2fx concur's time%s", value / base,
                    base != ref ? " (vs concur submit)" : "");
      }
      std::printf("\n");
    }
    if (total && impls.count("sequential"))
      std::printf("  concur map speedup over sequential: %.2fx\n", impls.at("sequential") / ref);
  }
  // Best rounds picked apart can each be a lucky one; this VM's speed
  // drifts within seconds. Rounds run the two back to back, so the median
  // of the per-round ratios is the steadier comparison.
  std::printf("\noneTBB's time / concur's, median of per-round ratios:\n");
  for (const auto &name : table.order) {
    const auto &per_impl = table.rounds.at(name);
    auto ours = std::find_if(per_impl.begin(), per_impl.end(), [](const auto &entry) {
      return entry.first == "concur post" || entry.first == "concur map";
    });
    if (ours == per_impl.end() && per_impl.count("concur submit"))
      ours = per_impl.find("concur submit");
    auto theirs = std::find_if(per_impl.begin(), per_impl.end(),
                               [](const auto &entry) { return entry.first.rfind("tbb", 0) == 0; });
    if (ours == per_impl.end() || theirs == per_impl.end() ||
        ours->second.size() != theirs->second.size())
      continue;
    std::vector<double> ratios;
    for (std::size_t i = 0; i < ours->second.size(); ++i)
      ratios.push_back(theirs->second[i] / ours->second[i]);
    std::sort(ratios.begin(), ratios.end());
    std::printf("  %-36s %.2fx (rounds: %.2fx-%.2fx)\n", name.c_str(), ratios[ratios.size() / 2],
                ratios.front(), ratios.back());
  }
}

} // namespace

int main(int argc, char **argv) {
  config cfg;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) { // smaller sizes; --rounds still applies
      cfg.tasks = 20000;
      cfg.latency_ops = 2000;
      cfg.async_ops = 200;
      cfg.map_items = 100000;
      cfg.cpu_steps = 20000;
    }
  }
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--rounds" && i + 1 < argc) {
      cfg.rounds = std::atoi(argv[++i]);
    } else if (arg == "--python" && i + 1 < argc) {
      cfg.python_file = argv[++i];
    } else if (arg == "--quick") {
      continue;
    } else {
      std::fprintf(stderr, "usage: %s [--rounds N] [--python FILE] [--quick]\n", argv[0]);
      return 2;
    }
  }
  if (cfg.rounds < 1) {
    std::fprintf(stderr, "bench_thread_pool: --rounds must be at least 1\n");
    return 2;
  }
  result_table table;
  std::printf("threads: %zu (cores), rounds: %d, best round shown\n",
              concur::cpu_pool_default_size(), cfg.rounds);
  run(cfg, table);
  if (!cfg.python_file.empty())
    read_python(cfg.python_file, table);
  print(table);
}
