// The guide's `joblib` program in C++ with concur (docs/from-python.md).
// The block between "// snippet: NAME" and "// end snippet" is shown there
// word for word; check_from_python.py compares it and runs it.
//
// Usage: joblib parallel
#include <concur/parallel.hpp>

#include <cstdio>
#include <random>
#include <string_view>
#include <vector>

// snippet: parallel
double process_array(const std::vector<double> &arr) {
  double sum = 0;
  for (double x : arr)
    sum += x * x;
  return sum;
}

void parallel_sums() {
  std::mt19937 random(42);
  std::uniform_real_distribution<double> uniform(0, 1);
  std::vector<std::vector<double>> data(100, std::vector<double>(1000));
  for (auto &arr : data)
    for (double &x : arr)
      x = uniform(random);

  std::vector<double> results = concur::parallel_map(
      data, process_array,
      {.jobs = 4, .progress = concur::progress_options{.label = "arrays"}});
  std::printf("%zu results, first %.1f\n", results.size(), results[0]);
}
// end snippet

int main(int argc, char **argv) {
  std::string_view name = argc > 1 ? argv[1] : "";
  if (name != "parallel") {
    std::fprintf(stderr, "usage: %s parallel\n", argv[0]);
    return 2;
  }
  parallel_sums();
}
