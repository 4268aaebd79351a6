// The joblib row's benchmark: concur::parallel_for/map and concur::memory
// against a sequential loop, an OpenMP `parallel for` of the same loop, and
// (through joblib_bench.py, run by run.sh) Python's joblib. Prints medians and
// ratios; see docs/benchmarks.md.
#include <concur/memory.hpp>
#include <concur/parallel.hpp>

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <numeric>
#include <string>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

double seconds_of(const std::function<void()>& run) {
  const auto start = clock_type::now();
  run();
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

double median_seconds(int rounds, const std::function<void()>& run) {
  std::vector<double> times;
  for (int i = 0; i < rounds; ++i) times.push_back(seconds_of(run));
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

// One item of the numeric batch: about 0.2 ms of floating-point work.
double numeric_item(std::size_t i) {
  double acc = 0;
  for (int k = 1; k < 6000; ++k) acc += std::sin(double(i) * 1e-3 + k) * std::sqrt(double(k));
  return acc;
}

std::map<std::string, double> read_python(const char* path) {
  std::map<std::string, double> figures;
  std::ifstream in(path);
  std::string name;
  double value;
  while (in >> name >> value) figures[name] = value;
  return figures;
}

void row(const char* what, double concur_s, const char* other, double other_s, const char* goal) {
  std::printf("%-44s concur %10.3f ms   %-22s %10.3f ms   ratio %6.2fx  %s\n", what, concur_s * 1e3,
              other, other_s * 1e3, other_s / concur_s, goal);
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = 5;
  const char* python = nullptr;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--rounds" && i + 1 < argc) rounds = std::atoi(argv[++i]);
    else if (arg == "--python" && i + 1 < argc) python = argv[++i];
  }
  const auto jobs = concur::effective_jobs(-1);
  omp_set_num_threads(static_cast<int>(jobs));
  std::printf("concur parallel benchmark: %zu jobs, median of %d rounds (numeric batch: median of per-round ratios)\n\n", jobs, rounds);

  // 1. CPU-bound numeric batch.
  constexpr std::size_t numeric_items = 2000;
  std::vector<std::size_t> indices(numeric_items);
  std::iota(indices.begin(), indices.end(), 0);
  std::vector<double> out(numeric_items);
  auto run_sequential = [&] {
    for (std::size_t i = 0; i < numeric_items; ++i) out[i] = numeric_item(i);
  };
  auto run_openmp = [&] {
#pragma omp parallel for
    for (std::size_t i = 0; i < numeric_items; ++i) out[i] = numeric_item(i);
  };
  auto run_concur = [&] {
    concur::parallel_for(indices, [&](std::size_t i) { out[i] = numeric_item(i); });
  };
  run_sequential();
  const std::vector<double> expected = out;
  // The three run back to back in each round and the ratios are taken per
  // round: this VM's speed drifts by tens of percent over seconds.
  std::vector<double> sequential_times, openmp_times, concur_times;
  for (int r = 0; r < rounds; ++r) {
    sequential_times.push_back(seconds_of(run_sequential));
    openmp_times.push_back(seconds_of(run_openmp));
    std::fill(out.begin(), out.end(), 0.0);
    concur_times.push_back(seconds_of(run_concur));
    if (out != expected) std::abort();  // every item computed, and computed alike
  }
  auto median_ratio = [&](const std::vector<double>& other) {
    std::vector<double> ratios;
    for (int r = 0; r < rounds; ++r) ratios.push_back(other[r] / concur_times[r]);
    std::sort(ratios.begin(), ratios.end());
    return ratios[ratios.size() / 2];
  };
  auto median_of = [](std::vector<double> times) {
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
  };
  const double mapped = median_of(concur_times);
  // Shown as comparator times scaled so that their ratio is the per-round one.
  const double sequential = mapped * median_ratio(sequential_times);
  const double openmp = mapped * median_ratio(openmp_times);
  row("numeric batch, 2000 x 0.2 ms", mapped, "sequential", sequential, "(goal >= 1.8x on 2 cores)");
  row("numeric batch, 2000 x 0.2 ms", mapped, "OpenMP parallel for", openmp, "(goal >= 0.95x)");

  // 2. 100,000 tiny tasks.
  constexpr std::size_t tiny_items = 100000;
  std::vector<int> tiny(tiny_items);
  std::iota(tiny.begin(), tiny.end(), 0);
  auto tiny_work = [](int x) { return x * 2 + 1; };
  const double automatic = median_seconds(rounds, [&] {
    auto results = concur::parallel_map(tiny, tiny_work);
    if (results.back() != int(tiny_items) * 2 - 1) std::abort();
  });
  const double one_by_one = median_seconds(rounds, [&] {
    auto results = concur::parallel_map(tiny, tiny_work, {.batch = concur::batch_policy::of(1)});
    if (results.back() != int(tiny_items) * 2 - 1) std::abort();
  });
  row("100,000 tiny tasks, auto batching", automatic, "batch_size=1", one_by_one, "");

  // 3. Call overhead: a parallel_map over as many tiny items as jobs. Above the
  // core count the helpers come from the helper pool kept between calls (it
  // was built per call: 3.3 ms at 8 jobs, 19 ms at 64 on 2 cores).
  std::printf("call overhead, map over `jobs` tiny items:");
  for (const int overhead_jobs : {static_cast<int>(jobs), 8, 64}) {
    std::vector<int> few(static_cast<std::size_t>(overhead_jobs), 1);
    (void)concur::parallel_map(few, tiny_work, {.jobs = overhead_jobs});  // the pool exists from here on
    const double call = median_seconds(rounds * 20, [&] {
      if (concur::parallel_map(few, tiny_work, {.jobs = overhead_jobs}).back() != 3) std::abort();
    });
    std::printf("  jobs=%d %.1f us", overhead_jobs, call * 1e6);
  }
  std::printf("\n");

  // 4. Cache hit latency.
  const auto directory = std::filesystem::temp_directory_path() / "concur-bench-memory";
  std::filesystem::remove_all(directory);
  concur::memory memory(directory);
  auto small = memory.cache("small", "1", [](int x) { return x + 1; });
  auto large = memory.cache("large", "1", [](const std::vector<double>& v) {
    return std::accumulate(v.begin(), v.end(), 0.0);
  });
  std::vector<double> array(std::size_t{64} << 20 >> 3);  // 64 MiB
  std::iota(array.begin(), array.end(), 0.0);
  (void)small(41);
  (void)large(array);
  const double small_hit = median_seconds(rounds * 20, [&] { (void)small(41); });
  const double large_hit = median_seconds(rounds, [&] { (void)large(array); });
  std::filesystem::remove_all(directory);

  if (python != nullptr) {
    const auto py = read_python(python);
    std::printf("\n");
    row("100,000 tiny tasks, auto batching", automatic, "joblib (loky, auto)", py.at("tiny_tasks"), "");
    row("cache hit, small argument", small_hit, "joblib Memory", py.at("cache_hit_small"), "");
    row("cache hit, 64 MiB argument", large_hit, "joblib Memory", py.at("cache_hit_64mib"), "");
  } else {
    std::printf("cache hit: small %.3f ms, 64 MiB %.3f ms (no Python figures)\n", small_hit * 1e3,
                large_hit * 1e3);
  }
  return 0;
}
