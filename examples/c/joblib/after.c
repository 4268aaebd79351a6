// The joblib row in C: before.c's gradients with OpenMP.
//
// The loop over the samples is unchanged but for `#pragma omp parallel for`:
// OpenMP's runtime splits the range over one thread per core (built with
// -fopenmp). Each iteration writes its own sample's gradient, so the results
// are the same as before.c's, bit for bit.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

enum { features = 256, samples = 4096 };

static double predict(const double *weights, const double *sample) {
  double dot = 0;
  for (int i = 0; i < features; ++i)
    dot += weights[i] * sample[i];
  return 1.0 / (1.0 + exp(-dot));
}

// GRADIENT = the gradient of the loss of one sample.
static void sample_gradient(const double *weights, const double *sample,
                            double label, double *gradient) {
  double error = predict(weights, sample) - label;
  for (int i = 0; i < features; ++i)
    gradient[i] = error * sample[i];
}

static void batch_gradients(const double *weights, const double *data,
                            const double *labels, double *gradients) {
#pragma omp parallel for schedule(static)
  for (int s = 0; s < samples; ++s)
    sample_gradient(weights, &data[s * features], labels[s],
                    &gradients[s * features]);
}

int main(void) {
  double *data = malloc(sizeof(double) * samples * features);
  double *gradients = malloc(sizeof(double) * samples * features);
  double labels[samples], weights[features];
  if (!data || !gradients)
    return 1;
  // Test data, built once: not the work this example is about.
  for (int s = 0; s < samples; ++s) { // NOLINT(concur-parallelizable-cpu-loop)
    for (int i = 0; i < features; ++i)
      data[s * features + i] = sin((double)(s * features + i));
    labels[s] = s % 2;
  }
  for (int i = 0; i < features; ++i)
    weights[i] = 0.01 * cos(i);
  batch_gradients(weights, data, labels, gradients);
  double mean = 0;
  for (int s = 0; s < samples; ++s)
    mean += gradients[s * features] / samples;
  printf("%d gradients, sample 1's starts with %.9f, mean of the first "
         "components %.9f\n",
         samples, gradients[features], mean);
  free(data);
  free(gradients);
  return 0;
}
