// A callee that hands a global to a function writing through its parameter
// (`dictAdd(configs, ...)`) changes that global on every call: a loop of such
// calls registers into one table, in order. An element of a global passed
// as an item's own slot does not make iterations depend on each other.
// CONCUR-ARGS: -std=c11
#include <concur_mock_posix.h>

struct table {
  int used;
  long keys[1024];
};

static struct table *configs;
static struct table shards[64];

static void table_add(struct table *t, long key) { t->keys[t->used++] = key; }

static long digest(const char *name) {
  long h = 0;
  for (int round = 0; round < 2000; round++)
    for (const char *p = name; *p; p++)
      h = h * 31 + (*p ^ round);
  return h;
}

static void register_config(const char *name) {
  table_add(configs, digest(name));
}

// negative: every iteration adds to the one table via register_config.
void register_all(const char **names, int n) {
  for (int i = 0; i < n; i++)
    register_config(names[i]);
}

static void fill_shard(struct table *t, const char *name) {
  t->used = 1;
  t->keys[0] = digest(name);
}

// Each iteration fills its own shard.
void fill_shards(const char **names) {
  for (int i = 0; i < 64; i++)
    fill_shard(&shards[i], names[i]);
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: independent iterations each do substantial CPU work
}
