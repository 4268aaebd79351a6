// Scenario 4 of the seeds: a numeric / machine-learning training step.
//
// The gradient of a logistic-regression loss over a batch: independent
// floating-point work per sample, run on one core. concur reports the loop
// over samples as `concur-parallelizable-cpu-loop` with row `joblib` (a
// numeric batch). See after.cpp.
#include <cmath>
#include <cstdio>
#include <vector>

using Vector = std::vector<double>;

double predict(const Vector &weights, const Vector &features) {
  double dot = 0;
  for (size_t i = 0; i < weights.size(); ++i)
    dot += weights[i] * features[i];
  return 1.0 / (1.0 + std::exp(-dot));
}

Vector sample_gradient(const Vector &weights, const Vector &features,
                       double label) {
  double error = predict(weights, features) - label;
  Vector gradient(weights.size());
  for (size_t i = 0; i < weights.size(); ++i)
    gradient[i] = error * features[i];
  return gradient;
}

std::vector<Vector> batch_gradients(const Vector &weights,
                                    const std::vector<Vector> &samples,
                                    const Vector &labels) {
  std::vector<Vector> gradients(samples.size());
  for (size_t s = 0; s < samples.size(); ++s)
    gradients[s] = sample_gradient(weights, samples[s], labels[s]);
  return gradients;
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
  std::vector<Vector> gradients = batch_gradients(weights, samples, labels);
  std::printf("%zu gradients, first %.6f\n", gradients.size(), gradients[0][0]);
}
