// Work that grows with the input is not trivial: a loop over data of runtime
// size doing arithmetic on its elements is `cpu` however cheap one element
// is, while a loop of a few constant iterations, a walk that only compares or
// copies, and a configuration loop of a few operations per item stay
// `trivial`. Element work counts for callers like any work: a helper that
// only copies makes no caller `cpu`, one that hashes its input does.
// CONCUR-CONFIG: {CheckOptions: {concur-function-profile.Enable: true}}
#include <mock_std.h>

// --- element work: cpu ------------------------------------------------------------

long dot(const long *a, const long *b, long n) {
  long s = 0;
  for (long i = 0; i < n; i++)
    s += a[i] * b[i];
  return s;
}
// CHECK-MESSAGES: :[[@LINE-6]]:6: remark: 'dot' is cpu (confidence {{[0-9.]+}}); model: futures; evidence: arithmetic loop over runtime-sized data (loop)

void histogram(const unsigned char *data, unsigned long len, unsigned *counts) {
  for (unsigned long i = 0; i < len; i++)
    counts[data[i]]++;
}
// CHECK-MESSAGES: :[[@LINE-4]]:6: remark: 'histogram' is cpu (confidence {{[0-9.]+}}); model: futures; evidence: arithmetic loop over runtime-sized data (loop)

void prefix_sums(const int *in, int *out, int n) {
  out[0] = in[0];
  for (int i = 1; i < n; i++)
    out[i] = out[i - 1] + in[i];
}
// CHECK-MESSAGES: :[[@LINE-5]]:6: remark: 'prefix_sums' is cpu (confidence {{[0-9.]+}}); model: futures; evidence: arithmetic loop over runtime-sized data (loop)

// Filling a float array element by element is floating-point array work.
void widen(const int *x, float *y, int n) {
  for (int i = 0; i < n; i++)
    y[i] = (float)x[i];
}
// CHECK-MESSAGES: :[[@LINE-4]]:6: remark: 'widen' is cpu (numeric; confidence {{[0-9.]+}}); model: joblib; evidence: floating-point loop over runtime-sized data (numeric-loop)

long total(const std::vector<long> &values) {
  long sum = 0;
  for (long v : values)
    sum += v;
  return sum;
}
// CHECK-MESSAGES: :[[@LINE-6]]:6: remark: 'total' is cpu (confidence {{[0-9.]+}}); model: futures; evidence: arithmetic loop over runtime-sized data (loop)

// A countdown over a buffer, as checksums and hashes are written.
unsigned long checksum(const unsigned char *p, unsigned long len) {
  unsigned long h = 0;
  while (len >= 8) {
    h ^= (unsigned long)p[0] << 8 | p[7];
    p += 8;
    len -= 8;
  }
  return h;
}
// CHECK-MESSAGES: :[[@LINE-9]]:15: remark: 'checksum' is cpu (confidence {{[0-9.]+}}); model: futures; evidence: arithmetic loop over runtime-sized data (loop)

// --- not element work: trivial ------------------------------------------------------

// A few constant iterations.
int small_sum(const int *a) {
  int s = 0;
  for (int i = 0; i < 4; i++)
    s += a[i];
  return s;
}
// CHECK-MESSAGES: :[[@LINE-6]]:5: remark: 'small_sum' is trivial (confidence {{[0-9.]+}}); model: sequential

// A copy computes nothing.
void copy(char *dst, const char *src, unsigned long n) {
  for (unsigned long i = 0; i < n; i++)
    dst[i] = src[i];
}
// CHECK-MESSAGES: :[[@LINE-4]]:6: remark: 'copy' is trivial (confidence {{[0-9.]+}}); model: sequential

// A search compares.
int count_commas(const char *s) {
  int n = 0;
  for (const char *p = s; *p; p++)
    if (*p == ',')
      n++;
  return n;
}
// CHECK-MESSAGES: :[[@LINE-7]]:5: remark: 'count_commas' is trivial (confidence {{[0-9.]+}}); model: sequential

// A table of a constant size walked to its sentinel is not runtime-sized data.
int convert_flags(int flags) {
  static const int map[][2] = {{1, 16}, {2, 32}, {4, 64}, {0, 0}};
  int out = 0;
  for (int i = 0; map[i][0]; i++)
    if (flags & map[i][0])
      out |= map[i][1];
  return out;
}
// CHECK-MESSAGES: :[[@LINE-8]]:5: remark: 'convert_flags' is trivial (confidence {{[0-9.]+}}); model: sequential

struct option {
  const char *name;
  int value;
  option *next;
};

// Configuration loops: a few operations per item, however many loops.
int configure(option *opts, int argc, char **argv) {
  int verbose = 0;
  for (option *o = opts; o; o = o->next)
    if (o->value > 0)
      verbose = o->value;
  for (int i = 1; i < argc; i++)
    if (argv[i][0] == '-' && argv[i][1] == 'v')
      verbose++;
  for (option *o = opts; o; o = o->next)
    o->value = verbose;
  return verbose;
}
// CHECK-MESSAGES: :[[@LINE-12]]:5: remark: 'configure' is trivial (confidence {{[0-9.]+}}); model: sequential

// --- helpers -------------------------------------------------------------------------

void append(char *buf, unsigned long *len, const char *s, unsigned long n) {
  copy(buf + *len, s, n);
  *len += n;
}
// CHECK-MESSAGES: :[[@LINE-4]]:6: remark: 'append' is trivial (confidence {{[0-9.]+}}); model: sequential

unsigned hash_key(const char *key, unsigned long len) {
  unsigned h = 5381;
  for (unsigned long i = 0; i < len; i++)
    h = h * 33 + key[i];
  return h;
}
// CHECK-MESSAGES: :[[@LINE-6]]:10: remark: 'hash_key' is cpu (confidence {{[0-9.]+}}); model: futures; evidence: arithmetic loop over runtime-sized data (loop)

struct table {
  option *buckets[64];
};

option *lookup(table *t, const char *key, unsigned long len) {
  option *o = t->buckets[hash_key(key, len) % 64];
  while (o && o->name != key)
    o = o->next;
  return o;
}
// CHECK-MESSAGES: :[[@LINE-6]]:9: remark: 'lookup' is cpu (confidence {{[0-9.]+}}); model: futures; evidence: hash_key (loop)

// Nested loops over the data: quadratic element work.
int pairs(const int *a, int n) {
  int same = 0;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++)
      same += a[i] == a[j];
  return same;
}
// CHECK-MESSAGES: :[[@LINE-7]]:5: remark: 'pairs' is cpu (confidence {{[0-9.]+}}); model: futures; evidence: arithmetic loop over runtime-sized data (loop)
