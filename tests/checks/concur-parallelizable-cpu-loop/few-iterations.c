// Loops that run a few times whatever the input: a retry loop (its body ends
// in `break`: it repeats only when the buffer was too small) and a loop whose
// variable is divided on each turn (digits of a number: log n turns). Neither
// is a loop over runtime-sized data, and an item whose work they are is not
// worth a task. A loop over an item's bytes still is.
// CONCUR-ARGS: -std=c11
#include <concur_mock_posix.h>

// Formats into a buffer, retrying once with the size vsnprintf asked for.
static char *format_alloc(const char *fmt, ...) {
  size_t len = 64;
  char *buf = malloc(len);
  va_list ap;
  while (1) {
    memset(buf, 0, len);
    va_start(ap, fmt);
    int n = vsnprintf(buf, len, fmt, ap);
    va_end(ap);
    // A formatted '\0' ends the text early: say so, as the caller counts.
    if (n >= 0 && (size_t)n < len && memchr(buf, '\0', (size_t)n))
      n = -1;
    if (n < 0) {
      free(buf);
      return NULL;
    }
    if ((size_t)n >= len) {
      free(buf);
      len = (size_t)n + 1;
      buf = malloc(len);
      if (!buf)
        return NULL;
      continue;
    }
    break;
  }
  return buf;
}

// negative: one short formatted line per argument.
void describe_args(char **out, const char **argv, int argc) {
  for (int j = 0; j < argc; j++)
    out[j] = format_alloc("argv[%d]: '%s'", j, argv[j]);
}

// Two digits per turn: the loop runs log100(v) times.
static int to_digits(unsigned long v, char *dst) {
  static const char pairs[] = "00010203040506070809";
  int len = 1;
  for (unsigned long t = v; t >= 10; t /= 10) {
    len++;
    memset(dst + len - 1, ' ', 1);
    memset(dst + len, 0, 1);
  }
  int at = len - 1;
  while (v >= 100) {
    unsigned i = (unsigned)(v % 100) * 2;
    v /= 100;
    memcpy(dst + at - 1, pairs + i % 20, 2);
    memset(dst + at + 1, 0, 1);
    at -= 2;
  }
  dst[at] = (char)('0' + v % 10);
  dst[len] = '\0';
  return len;
}

// negative: each number converted to its digits.
void number_names(char (*names)[24], const unsigned long *values, int n) {
  for (int j = 0; j < n; j++)
    to_digits(values[j], names[j]);
}

// A loop over each item's bytes, several rounds: reported.
void checksums(const unsigned char **items, const size_t *lens,
               unsigned long *out, int n) {
  for (int i = 0; i < n; i++) {
    unsigned long h = 0;
    for (int round = 0; round < 8; round++)
      for (size_t k = 0; k < lens[i]; k++)
        h = (h << 5) + h + items[i][k];
    out[i] = h;
  }
  // CHECK-MESSAGES: :[[@LINE-7]]:3: warning: independent iterations each do substantial CPU work
}

// At most six coding tables: the loop fills a member array of six, whatever
// the count the caller keeps (bzip2's Huffman tables, an encoder's four rows
// of prices).
struct coder {
  int tables;
  unsigned long cost[6];
};

// negative: six rounds of one item's checksum are not worth six tasks.
void price_tables(struct coder *c, const unsigned char *data, size_t len) {
  for (int t = 0; t < c->tables; t++) {
    unsigned long h = (unsigned long)t;
    for (int round = 0; round < 8; round++)
      for (size_t k = 0; k < len; k++)
        h = (h << 5) + h + data[k];
    c->cost[t] = h;
  }
}
