// A loop bounded by a shift, not a comparison (git's radix sort over the
// digits of the largest key): the trip count is unknown, and reading the
// condition must not take it for one. It used to crash the analysis.
// CONCUR-ARGS: -std=c11
#include <concur_mock_posix.h>

struct entry {
  unsigned long offset;
  unsigned nr;
};

// negative: every pass permutes the one array into the other; dependent.
void sort_by_digits(struct entry *from, struct entry *to, unsigned n,
                    unsigned long max, unsigned *pos) {
  for (int bits = 0; max >> bits; bits += 16) {
    for (unsigned i = 0; i < n; i++)
      pos[(from[i].offset >> bits) & 0xffff]++;
    for (unsigned i = 1; i < 65536; i++)
      pos[i] += pos[i - 1];
    for (unsigned i = n - 1; i != ~0u; i--)
      to[--pos[(from[i].offset >> bits) & 0xffff]] = from[i];
    struct entry *swap = from;
    from = to;
    to = swap;
  }
}
