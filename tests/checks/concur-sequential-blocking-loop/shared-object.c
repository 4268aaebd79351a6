// Iterations that all change one shared object are dependent, also when the
// object is passed by pointer and written in a callee: one reply buffer, one
// FILE*, one configuration merged into, one stream or socket read on every
// iteration, one cursor. Iterations that each change only their own element,
// or pass a shared object the callee only reads, stay independent and are
// reported. A retry loop that stops at the first success is dependent.
// CONCUR-ARGS: -std=c11
#include <concur_mock_posix.h>

struct item {
  int fd;
  long got;
  char name[32];
};

struct settings {
  int timeout;
  int flags;
};

/* Blocks on the item's own socket; reads the settings, writes the item. */
long fetch_item(struct item *it, struct settings *conf) {
  char buf[512];
  long n = recv(it->fd, buf, sizeof buf, conf->flags);
  it->got = n;
  return n;
}

long fetch_fd(int fd) {
  char buf[512];
  return recv(fd, buf, sizeof buf, 0);
}

struct reply {
  char *buf;
  size_t len;
};

/* Appends to the one reply: writes through r. */
void reply_add(struct reply *r, const char *s, size_t n) {
  memcpy(r->buf + r->len, s, n);
  r->len += n;
}

/* Reaches the write through a local alias and a callee. */
void reply_add_name(struct reply *r, const struct item *it) {
  struct reply *out = r;
  reply_add(out, it->name, strlen(it->name));
}

// negative: every iteration appends to the one reply r (reply_add writes
// through its first parameter)
void reply_all(struct reply *r, struct item *items, int n,
               struct settings *conf) {
  for (int i = 0; i < n; ++i) {
    fetch_item(&items[i], conf);
    reply_add_name(r, &items[i]);
  }
}

// negative: every iteration writes to the one FILE* out
void log_all(FILE *out, struct item *items, int n, struct settings *conf) {
  for (int i = 0; i < n; ++i)
    fprintf(out, "%ld\n", fetch_item(&items[i], conf));
}

// negative: every iteration reads the next line of the one stream in
void lines(FILE *in, struct item *items, int n, struct settings *conf) {
  for (int i = 0; i < n; ++i) {
    char line[128];
    if (fgets(line, sizeof line, in))
      fetch_item(&items[i], conf);
  }
}

// negative: every iteration reads the one socket fd, directly and through a
// helper whose descriptor parameter reaches recv
void drain(int fd, int n) {
  for (int i = 0; i < n; ++i) {
    char buf[256];
    recv(fd, buf, sizeof buf, 0);
  }
}
void drain_helper(int fd, int n) {
  for (int i = 0; i < n; ++i)
    fetch_fd(fd);
}

struct db {
  int fd;
  long cursor;
};

/* Reads the next record at the database's cursor and advances it. */
long db_next(struct db *d) {
  char buf[64];
  long n = recv(d->fd, buf, sizeof buf, 0);
  d->cursor += n;
  return n;
}

// negative: a cursor that every iteration advances
long scan(struct db *d, int n) {
  long total = 0;
  for (int i = 0; i < n; ++i)
    total += db_next(d);
  return total;
}

struct plugin {
  struct settings conf;
  struct settings *defaults;
  struct item *items;
  int n;
};

void merge_settings(struct settings *into, const struct settings *from) {
  into->timeout = from->timeout;
  into->flags |= from->flags;
}

// negative: every iteration merges into the one p->conf (the plugin pointer
// is const, what it points to is not)
void patch(struct plugin *const p) {
  for (int i = 0; i < p->n; ++i) {
    fetch_item(&p->items[i], p->defaults);
    merge_settings(&p->conf, &p->defaults[i]);
  }
}

// negative: a retry loop: it stops at the first success
int retry(struct item *it, struct settings *conf) {
  for (int attempt = 0; attempt < 5; ++attempt)
    if (fetch_item(it, conf) > 0)
      return attempt;
  return -1;
}

// Each iteration writes only its own item, and the shared settings are only
// read by the callee: independent.
void fetch_all(struct item *items, int n, struct settings *conf) {
  for (int i = 0; i < n; ++i)
    fetch_item(&items[i], conf);
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: independent iterations each block on network I/O in 'recv' via 'fetch_item'; run them concurrently (row: asyncio)
}

// Each iteration reads its own socket.
void drain_each(const int *fds, long *got, int n) {
  for (int i = 0; i < n; ++i)
    got[i] = fetch_fd(fds[i]);
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: independent iterations each block on network I/O in 'recv' via 'fetch_fd'; run them concurrently (row: asyncio)
}

/* negative: every iteration prints to stdout through a helper, whose
   fprintf waits on its stream: the output is one stream, written in order
   (a rule listing printed by a parser generator). */
struct rule {
  struct rule *next;
  int nrhs;
  const char **rhs;
};
static void rule_print(FILE *out, const struct rule *rp) {
  for (int i = 0; i < rp->nrhs; i++)
    fprintf(out, " %s", rp->rhs[i]);
}
void print_rules(const struct rule *first) {
  for (const struct rule *rp = first; rp; rp = rp->next)
    rule_print(stdout, rp);
}

/* negative: a loop with an empty body only repeats its condition: reaping
   every child before a restart waits on purpose, one child at a time. */
void reap_children(void) {
  while (waitpid(-1, 0, 0) > 0)
    ;
}

/* negative: a worker's consumer loop takes each item from one queue in its
   condition, however the loop is written (a for loop declaring the item
   here; the while form is the same loop). */
struct path_queue {
  pthread_mutex_t lock;
  pthread_cond_t ready;
  char *paths[64];
  int head, tail;
};
static char *take(struct path_queue *q) {
  pthread_mutex_lock(&q->lock);
  while (q->head == q->tail)
    pthread_cond_wait(&q->ready, &q->lock);
  char *path = q->paths[q->head++ % 64];
  pthread_mutex_unlock(&q->lock);
  return path;
}
static void back_up(const char *path) {
  int fd = open(path, 0);
  char buf[4096];
  read(fd, buf, sizeof buf);
  close(fd);
}
void *backup_worker(void *arg) {
  struct path_queue *q = arg;
  for (char *path; (path = take(q)) != NULL;)
    back_up(path);
  return 0;
}
