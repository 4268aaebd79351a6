// The threading row in C: before.c's backups on a bounded pool of pthreads.
//
// The files go into a queue; a few worker threads (more than the cores: they
// mostly wait for the disk) take them one at a time and copy them, so several
// copies wait at once. The queue is a mutex and a condition variable around
// the list of paths; closing it lets the workers finish.
//
// Usage: after BACKUP-FOLDER FILE...
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { workers = 8 };

// Copies PATH to FOLDER/NAME.bak, NAME being PATH's last component; exits
// with a message on failure. Unchanged from before.c.
static void back_up(const char *folder, const char *path) {
  const char *slash = strrchr(path, '/');
  char target[8192];
  snprintf(target, sizeof target, "%s/%s.bak", folder,
           slash ? slash + 1 : path);
  FILE *in = fopen(path, "rb");
  FILE *out = in ? fopen(target, "wb") : NULL;
  if (!out) {
    perror(in ? target : path);
    exit(1);
  }
  char buffer[65536];
  size_t got;
  while ((got = fread(buffer, 1, sizeof buffer, in)) > 0)
    if (fwrite(buffer, 1, got, out) != got) {
      perror(target);
      exit(1);
    }
  fclose(in);
  if (fclose(out) != 0) {
    perror(target);
    exit(1);
  }
}

// A queue of paths: the producer pushes them all, then closes it.
struct queue {
  pthread_mutex_t lock;
  pthread_cond_t ready;
  char **paths;
  int head, tail; // paths[head..tail) are waiting
  int closed;
  const char *folder;
};

// Takes the next path, or NULL once the queue is closed and empty.
static char *take(struct queue *q) {
  pthread_mutex_lock(&q->lock);
  while (q->head == q->tail && !q->closed)
    pthread_cond_wait(&q->ready, &q->lock);
  char *path = q->head < q->tail ? q->paths[q->head++] : NULL;
  pthread_mutex_unlock(&q->lock);
  return path;
}

static void push(struct queue *q, char *path) {
  pthread_mutex_lock(&q->lock);
  q->paths[q->tail++] = path;
  pthread_cond_signal(&q->ready);
  pthread_mutex_unlock(&q->lock);
}

static void close_queue(struct queue *q) {
  pthread_mutex_lock(&q->lock);
  q->closed = 1;
  pthread_cond_broadcast(&q->ready);
  pthread_mutex_unlock(&q->lock);
}

static void *worker(void *arg) {
  struct queue *q = arg;
  char *path;
  while ((path = take(q)) != NULL)
    back_up(q->folder, path);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s BACKUP-FOLDER FILE...\n", argv[0]);
    return 2;
  }
  struct queue q = {.lock = PTHREAD_MUTEX_INITIALIZER,
                    .ready = PTHREAD_COND_INITIALIZER,
                    .paths = calloc((size_t)argc, sizeof(char *)),
                    .folder = argv[1]};
  if (!q.paths) {
    perror("calloc");
    return 1;
  }
  pthread_t threads[workers];
  int started = 0;
  for (; started < workers && started < argc - 2; ++started)
    if (pthread_create(&threads[started], NULL, worker, &q) != 0) {
      fprintf(stderr, "pthread_create failed\n");
      return 1;
    }
  for (int i = 2; i < argc; ++i)
    push(&q, argv[i]);
  close_queue(&q);
  for (int i = 0; i < started; ++i)
    pthread_join(threads[i], NULL);
  free(q.paths);
  printf("%d files backed up to %s\n", argc - 2, argv[1]);
  return 0;
}
