// A loop whose condition tests each candidate and stops at the first that
// passes is a search: rounding a size up to the next prime, skipping to the
// first item that matches. Its iterations are not a batch of independent
// items, whatever each test costs. Testing every item of a known range and
// recording each result is.
// CONCUR-ARGS: -std=c11
#include <concur_mock_posix.h>

static int is_prime(unsigned long candidate) {
  unsigned long divisor = 3;
  unsigned long square = divisor * divisor;
  while (square < candidate && (candidate % divisor)) {
    divisor++;
    square += 4 * divisor;
    divisor++;
  }
  return candidate % divisor ? 1 : 0;
}

// negative: steps to the first prime at or above the candidate.
unsigned long next_prime(unsigned long candidate) {
  if (candidate < 10)
    candidate = 10;
  candidate |= 1;
  while (candidate != ~0ul && !is_prime(candidate))
    candidate += 2;
  return candidate;
}

// negative: the index of the first prime in the table.
int first_prime(const unsigned long *values, int n) {
  int i;
  for (i = 0; i < n && !is_prime(values[i]); i++)
    ;
  return i;
}

// Every value tested, each result kept: reported.
void mark_primes(const unsigned long *values, int *prime, int n) {
  for (int i = 0; i < n; i++)
    prime[i] = is_prime(values[i]);
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: independent iterations each do substantial CPU work
}
