// The futures row in C: before.c's summaries on a bounded pthread pool.
//
// Each record is submitted to a pool of one thread per core as a task with a
// result slot; the submitter then collects the results in order, waiting on
// each slot's done flag. The pool is a queue of tasks under a mutex, one
// condition variable for work and one for finished tasks.
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { record_count = 2000, values_per_record = 400 };

struct summary {
  long key;
  long median;
  uint64_t fingerprint;
};

static int compare_longs(const void *a, const void *b) {
  long x = *(const long *)a, y = *(const long *)b;
  return (x > y) - (x < y);
}

// Parses "KEY,V1,V2,..." and summarises it: its key, the median of its
// values and a fingerprint of the sorted values.
static struct summary summarise(const char *record) {
  long values[values_per_record + 1];
  size_t count = 0;
  char *end;
  struct summary summary = {.key = strtol(record, &end, 10)};
  while (*end == ',' && count < values_per_record + 1)
    values[count++] = strtol(end + 1, &end, 10);
  qsort(values, count, sizeof values[0], compare_longs);
  summary.median = count ? values[count / 2] : 0;
  for (size_t i = 0; i < count; ++i)
    summary.fingerprint =
        summary.fingerprint * 1099511628211u + (uint64_t)values[i];
  return summary;
}

// A task: its input, and the slot its result goes to.
struct task {
  const char *record;
  struct summary result;
  int done;
};

struct pool {
  pthread_mutex_t lock;
  pthread_cond_t work, finished;
  struct task **queue;
  int head, tail; // queue[head..tail) wait for a thread
  int closed;
  pthread_t *threads;
  int thread_count;
};

static void *pool_thread(void *arg) {
  struct pool *pool = arg;
  pthread_mutex_lock(&pool->lock);
  for (;;) {
    while (pool->head == pool->tail && !pool->closed)
      pthread_cond_wait(&pool->work, &pool->lock);
    if (pool->head == pool->tail)
      break;
    struct task *task = pool->queue[pool->head++];
    pthread_mutex_unlock(&pool->lock);
    struct summary result = summarise(task->record);
    pthread_mutex_lock(&pool->lock);
    task->result = result;
    task->done = 1;
    pthread_cond_broadcast(&pool->finished);
  }
  pthread_mutex_unlock(&pool->lock);
  return NULL;
}

// Starts THREADS threads for at most CAPACITY tasks; 0 on failure.
static int pool_start(struct pool *pool, int threads, int capacity) {
  *pool =
      (struct pool){.lock = PTHREAD_MUTEX_INITIALIZER,
                    .work = PTHREAD_COND_INITIALIZER,
                    .finished = PTHREAD_COND_INITIALIZER,
                    .queue = calloc((size_t)capacity, sizeof(struct task *)),
                    .threads = calloc((size_t)threads, sizeof(pthread_t))};
  for (; pool->queue && pool->threads && pool->thread_count < threads;
       ++pool->thread_count)
    if (pthread_create(&pool->threads[pool->thread_count], NULL, pool_thread,
                       pool) != 0)
      break;
  if (pool->thread_count > 0)
    return 1; // fewer threads than asked for still do the work
  free(pool->threads);
  free(pool->queue);
  return 0;
}

static void pool_submit(struct pool *pool, struct task *task) {
  pthread_mutex_lock(&pool->lock);
  pool->queue[pool->tail++] = task;
  pthread_cond_signal(&pool->work);
  pthread_mutex_unlock(&pool->lock);
}

// Waits for TASK's result.
static struct summary pool_result(struct pool *pool, struct task *task) {
  pthread_mutex_lock(&pool->lock);
  while (!task->done)
    pthread_cond_wait(&pool->finished, &pool->lock);
  pthread_mutex_unlock(&pool->lock);
  return task->result;
}

// Lets the threads finish the queue, then joins them.
static void pool_stop(struct pool *pool) {
  pthread_mutex_lock(&pool->lock);
  pool->closed = 1;
  pthread_cond_broadcast(&pool->work);
  pthread_mutex_unlock(&pool->lock);
  for (int i = 0; i < pool->thread_count; ++i)
    pthread_join(pool->threads[i], NULL);
  free(pool->threads);
  free(pool->queue);
}

static int summarise_all(char **records, struct summary *summaries, int count) {
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  struct task *tasks = calloc((size_t)count, sizeof *tasks);
  struct pool pool;
  if (!tasks || !pool_start(&pool, cores > 0 ? (int)cores : 1, count)) {
    free(tasks);
    return 0;
  }
  for (int i = 0; i < count; ++i) {
    tasks[i].record = records[i];
    pool_submit(&pool, &tasks[i]);
  }
  for (int i = 0; i < count; ++i)
    summaries[i] = pool_result(&pool, &tasks[i]);
  pool_stop(&pool);
  free(tasks);
  return 1;
}

int main(void) {
  static char *records[record_count];
  static struct summary summaries[record_count];
  // Test data, built once: not the work this example is about.
  for (int i = 0; i < record_count; ++i) {
    char *record = malloc(16 + values_per_record * 8);
    if (!record)
      return 1;
    int at = sprintf(record, "%d", i);
    for (int j = 0; j < values_per_record; ++j)
      at += sprintf(record + at, ",%ld",
                    ((long)i * 7919 + (long)j * 104729) % 100003);
    records[i] = record;
  }
  if (!summarise_all(records, summaries, record_count)) {
    fprintf(stderr, "could not start the pool\n");
    return 1;
  }
  uint64_t combined = 0;
  for (int i = 0; i < record_count; ++i)
    combined ^= summaries[i].fingerprint + (uint64_t)summaries[i].key;
  printf("%d summaries, first median %ld, combined fingerprint %016llx\n",
         record_count, summaries[0].median, (unsigned long long)combined);
  for (int i = 0; i < record_count; ++i)
    free(records[i]);
  return 0;
}
