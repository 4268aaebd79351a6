// One iteration is worth a task only on positive evidence: a heavy call,
// element work over runtime-sized data, or at least MinIterationWork of
// constant work. Estimates do not explode through nested loops of unknown
// trip counts: a loop over configuration entries doing a few operations per
// entry is not an opportunity, a loop whose iterations each run a dot product
// over a row is; cleanup loops never are.
#include <concur_mock_posix.h>
#include <mock_std.h>

long dot(const long *a, const long *b, long n) {
  long s = 0;
  for (long i = 0; i < n; i++)
    s += a[i] * b[i];
  return s;
}

// Evidence: element work in every iteration (a dot product per row).
void mat_vec(const long *const *rows, const long *x, long *y, long m, long n) {
  for (long r = 0; r < m; r++)
    y[r] = dot(rows[r], x, n);
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: independent iterations each do substantial CPU work (an arithmetic loop over runtime-sized data via 'dot'); run them in parallel (row: futures, core-sized pool)
  // CHECK-NOTES: :[[@LINE-3]]:3: note: row 'futures' (decision step 5): independent CPU tasks on a core-sized pool
  // CHECK-NOTES: :[[@LINE-3]]:12: note: 'dot' is called here
  // CHECK-NOTES: :[[@LINE-12]]:3: note: arithmetic loop over runtime-sized data here
}

// Evidence: the same, written in place: each row's inner loop.
void row_sums(const long *const *rows, long *out, long m, long n) {
  for (long r = 0; r < m; r++) {
    long s = 0;
    for (long c = 0; c < n; c++)
      s += rows[r][c];
    out[r] = s;
  }
  // CHECK-MESSAGES: :[[@LINE-6]]:3: warning: independent iterations each do substantial CPU work (an arithmetic loop over runtime-sized data); run them in parallel (row: futures, core-sized pool)
  // CHECK-NOTES: :[[@LINE-7]]:3: note: row 'futures' (decision step 5): independent CPU tasks on a core-sized pool
  // CHECK-NOTES: :[[@LINE-6]]:5: note: arithmetic loop over runtime-sized data here
}

struct entry {
  const char *key;
  const char *value;
  int flags;
  entry *next;
};

// negative: a few operations per entry, nested in an unknown number of
// sections: no evidence of work worth a task, however the loops nest.
void apply_flags(entry **sections, int nsections, int *out) {
  for (int s = 0; s < nsections; s++)
    for (entry *e = sections[s]; e; e = e->next)
      if (e->flags > 0 && e->key)
        out[s] = e->flags;
}

// negative: a constant handful of iterations over an array stays trivial.
void clamp4(long *v) {
  for (int i = 0; i < 4; i++)
    v[i] = v[i] > 100 ? 100 : v[i] + 1;
}

// negative: cleanup is not work, even with a little arithmetic around it.
void release_all(entry **items, int n, int *released) {
  for (int i = 0; i < n; i++) {
    free(items[i]);
    released[i] = i + 1;
  }
}
