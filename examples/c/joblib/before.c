// The joblib row in C: a numeric batch.
//
// The gradient of a logistic-regression loss over a batch of samples: the
// same floating-point work for each sample, on one core. concur reports the
// loop over the samples in batch_gradients as
// `concur-parallelizable-cpu-loop` with row `joblib` (a numeric batch). See
// after.c: the same loop under OpenMP's `parallel for`.
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
