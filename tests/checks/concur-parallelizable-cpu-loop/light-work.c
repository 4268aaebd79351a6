// Loops a C server runs at start-up or per command: each iteration
// allocates a string, copies a few arguments, formats a short header,
// registers an entry into one global table, or encodes into one global
// buffer. None is CPU work worth a task: copying and formatting a small
// string per item is not computing, a constant handful of iterations is no
// batch, and a callee that stores into a global makes every iteration change
// that one state. A loop that computes per item over runtime-sized data is
// still reported.
// CONCUR-ARGS: -std=c11
#include <concur_mock_posix.h>

struct str_hdr {
  unsigned len, alloc;
  char type, flags;
  char buf[];
};

static char header_type(size_t len) {
  if (len < 32)
    return 0;
  if (len < 256)
    return 1;
  if (len < 65536)
    return 2;
  return 3;
}

static size_t header_size(char type) {
  switch (type) {
  case 0:
    return 1;
  case 1:
    return 3;
  case 2:
    return 5;
  default:
    return 9;
  }
}

static char *str_new_len(const char *init, size_t len) {
  char type = header_type(len);
  if (type == 0 && len == 0)
    type = 1;
  struct str_hdr *h = malloc(sizeof(struct str_hdr) + header_size(type) + len + 1);
  if (!h)
    return NULL;
  h->len = (unsigned)len;
  h->alloc = (unsigned)(len + header_size(type));
  h->type = type;
  h->flags = (char)(type << 3 | (len > 255) << 1 | (len > 65535));
  if (init) {
    memcpy(h->buf, init, len);
    memset(h->buf + len, 0, 1);
  } else {
    memset(h->buf, 0, len + 1);
  }
  return h->buf;
}

static char *str_cat_printf(char *s, const char *fmt, ...) {
  char small[128];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  size_t old = s ? strlen(s) : 0;
  char *out = malloc(old + (size_t)n + 1);
  if (s)
    memcpy(out, s, old);
  memcpy(out + old, small, (size_t)n + 1);
  return out;
}

#define POOL_SIZE 16
struct pool_entry {
  long idle;
  char *cached;
};
struct pool_entry *pool;

// negative: sixteen entries, each a small allocation and a memset.
void pool_alloc(void) {
  struct pool_entry *ep = malloc(sizeof(*ep) * POOL_SIZE);
  for (int j = 0; j < POOL_SIZE; j++) {
    ep[j].idle = 0;
    ep[j].cached = str_new_len(NULL, 255);
  }
  pool = ep;
}

static unsigned long seed_of(const char *name, int shard) {
  unsigned long h = (unsigned long)shard;
  for (const char *p = name; *p; p++)
    for (int round = 0; round < 2; round++)
      h = (h * 31) ^ (unsigned long)*p ^ (unsigned long)round;
  return h;
}

// negative: sixteen shards, each seeded from a short name: a constant
// handful of small computations, no batch worth a pool.
void seed_shards(unsigned long *seeds, const char *name) {
  for (int s = 0; s < 16; s++)
    seeds[s] = seed_of(name, s);
}

// negative: copies each argument of a command; copying is not computing.
char **copy_args(const char **argv, int argc) {
  char **out = malloc(sizeof(char *) * (size_t)argc);
  for (int j = 0; j < argc; j++)
    out[j] = str_new_len(argv[j], strlen(argv[j]));
  return out;
}

// negative: a short header string per index, formatted.
void make_headers(char **hdr, int n) {
  for (int j = 0; j < n; j++)
    hdr[j] = str_cat_printf(NULL, "*%d\r\n", j);
}

struct config {
  const char *name;
  int value;
};
struct table {
  struct config **slots;
  unsigned used, size;
  unsigned long hash_seed;
};
struct table *configs;

static unsigned long hash_name(const char *name, unsigned long seed) {
  unsigned long h = seed;
  for (const char *p = name; *p; p++)
    for (int round = 0; round < 8; round++)
      h = (h * 33) ^ (unsigned long)*p ^ (unsigned long)round;
  return h;
}

static void register_config(struct config *c) {
  unsigned long h = hash_name(c->name, 5381);
  configs->slots[h % configs->size] = c;
  configs->used++;
}

// negative: every iteration stores into the one global table 'configs'.
void register_all(struct config *all, int n) {
  for (int i = 0; i < n; i++)
    register_config(&all[i]);
}

char check[1024];

static int encode_check(const unsigned char *in, size_t len) {
  size_t at = 0;
  for (size_t i = 0; i < len && at + 4 < sizeof check; i++)
    for (int round = 0; round < 16; round++)
      check[at++ % sizeof check] = (char)("abcdefgh"[(in[i] >> (round % 8)) & 7]);
  return (int)at;
}

// negative: each round trip encodes into the one global buffer 'check'.
int round_trips(const unsigned char **inputs, const size_t *lens, int n) {
  int bad = 0;
  for (int i = 0; i < n; i++)
    bad += encode_check(inputs[i], lens[i]) == 0;
  return bad;
}

// A real computation per item over its runtime-sized data is reported.
void digest_all(const char **items, const size_t *lens, unsigned long *out,
                int n) {
  for (int i = 0; i < n; i++) {
    unsigned long h = 5381;
    for (int round = 0; round < 16; round++)
      for (size_t k = 0; k < lens[i]; k++)
        h = h * 33 ^ (unsigned long)items[i][k];
    out[i] = h;
  }
  // CHECK-MESSAGES: :[[@LINE-7]]:3: warning: independent iterations each do substantial CPU work
}
