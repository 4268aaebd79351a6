// Loops that release, close or reset what each item holds are cleanup, not
// work worth a pool, however much memory they walk: emptying a server's
// databases on a flush (a hash table's empty frees every entry), closing each
// listener.
// CONCUR-ARGS: -std=c11
#include <concur_mock_posix.h>

struct entry {
  struct entry *next;
  char *key;
  long hash;
};

struct table {
  struct entry **buckets;
  unsigned long size;
  unsigned long used;
};

struct db {
  struct table *keys;
  struct table *expires;
};

// Walks every bucket's chain, freeing each entry, and rehashes nothing.
static void table_empty(struct table *t) {
  for (unsigned long i = 0; i < t->size; i++) {
    struct entry *e = t->buckets[i];
    while (e) {
      struct entry *next = e->next;
      t->used -= (unsigned long)(e->hash % 2 + 1) / 2;
      free(e->key);
      free(e);
      e = next;
    }
    t->buckets[i] = 0;
  }
  t->used = 0;
}

// negative: emptying each database's tables is cleanup.
void flush_all(struct db *dbs, int n) {
  for (int j = 0; j < n; j++) {
    table_empty(dbs[j].keys);
    table_empty(dbs[j].expires);
  }
}

// Counting each database's keys by walking its chains is work: reported.
static unsigned long table_count(const struct table *t) {
  unsigned long count = 0;
  for (unsigned long i = 0; i < t->size; i++)
    for (const struct entry *e = t->buckets[i]; e; e = e->next)
      count += (unsigned long)(e->hash % 7 == 3) + (unsigned long)(e->hash >> 3 & 1);
  return count;
}

void count_all(const struct db *dbs, unsigned long *counts, int n) {
  for (int j = 0; j < n; j++)
    counts[j] = table_count(dbs[j].keys) + table_count(dbs[j].expires);
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: independent iterations each do substantial CPU work
}
