// Scenario 4 of the seeds, after the advice: row `joblib` (a numeric batch).
//
// The per-sample loop of before.cpp becomes concur::parallel_map (automatic
// batching over all cores, a progress bar on a terminal), and the whole batch
// is cached on disk with concur::memory: a second run with the same weights
// and data returns the stored gradients without computing them. Prints
// exactly what before.cpp prints; cache hits and misses go to stderr.
#include <concur/memory.hpp>
#include <concur/parallel.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <vector>

using Vector = std::vector<double>;

double predict(const Vector &weights, const Vector &features) {
  double dot = 0;
  for (size_t i = 0; i < weights.size(); ++i)
    dot += weights[i] * features[i];
  return 1.0 / (1.0 + std::exp(-dot));
}

Vector sample_gradient(const Vector &weights, const Vector &features, double label) {
  double error = predict(weights, features) - label;
  Vector gradient(weights.size());
  for (size_t i = 0; i < weights.size(); ++i)
    gradient[i] = error * features[i];
  return gradient;
}

std::vector<Vector> batch_gradients(const Vector &weights, const std::vector<Vector> &samples,
                                    const Vector &labels) {
  std::vector<size_t> indices(samples.size());
  for (size_t s = 0; s < indices.size(); ++s)
    indices[s] = s;
  return concur::parallel_map(
      indices, [&](size_t s) { return sample_gradient(weights, samples[s], labels[s]); },
      {.progress = concur::progress_options{.label = "gradients"}});
}

int main() {
  const size_t features = 256, count = 4096;
  std::vector<Vector> samples(count, Vector(features));
  Vector labels(count), weights(features, 0.01);
  // Test data, built once: not the work this example is about.
  for (size_t s = 0; s < count; ++s) { // NOLINT(concur-parallelizable-cpu-loop)
    for (size_t i = 0; i < features; ++i)
      samples[s][i] = std::sin(double(s * features + i));
    labels[s] = s % 2;
  }

  const char *directory = std::getenv("CONCUR_EXAMPLE_CACHE");
  concur::memory memory(directory ? std::filesystem::path(directory)
                                  : std::filesystem::temp_directory_path() / "concur-example-numeric",
                        {.max_bytes = std::uint64_t{256} << 20});
  auto cached_gradients = memory.cache("batch_gradients", "1", batch_gradients);
  std::vector<Vector> gradients = cached_gradients(weights, samples, labels);
  std::fprintf(stderr, "cache: %s\n", memory.stats().hits ? "hit" : "miss");
  std::printf("%zu gradients, first %.6f\n", gradients.size(), gradients[0][0]);
}
