// The multiprocessing row in C: before.c's statistics in worker processes.
//
// One worker per core is forked; worker W analyses documents W, W + workers,
// ... with strtok as before (each process has its own strtok state) and
// writes each result, with its index, to its pipe. The parent reads every
// pipe to its end and waits for the workers.
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum { document_count = 400, words_per_document = 5000 };

struct stats {
  long words;
  long longest;
  uint64_t digest;
};

// Splits DOCUMENT into words and returns their count, the length of the
// longest and a digest of them all.
static struct stats word_stats(const char *document) {
  struct stats stats = {0, 0, 14695981039346656037u};
  char *copy = strdup(document);
  if (!copy)
    return stats;
  for (char *word = strtok(copy, " ,.\n"); word; word = strtok(NULL, " ,.\n")) {
    size_t length = strlen(word);
    ++stats.words;
    if ((long)length > stats.longest)
      stats.longest = (long)length;
    for (size_t i = 0; i < length; ++i)
      stats.digest = (stats.digest ^ (unsigned char)word[i]) * 1099511628211u;
  }
  free(copy);
  return stats;
}

// What a worker sends back for one document.
struct message {
  int index;
  struct stats stats;
};

// Writes all of SIZE bytes; 0 on failure.
static int write_all(int fd, const void *data, size_t size) {
  for (const char *at = data; size > 0;) {
    ssize_t wrote = write(fd, at, size);
    if (wrote <= 0)
      return 0;
    at += wrote;
    size -= (size_t)wrote;
  }
  return 1;
}

// Reads all of SIZE bytes; 0 at the end of the pipe or on failure.
static int read_all(int fd, void *data, size_t size) {
  for (char *at = data; size > 0;) {
    ssize_t got = read(fd, at, size);
    if (got <= 0)
      return 0;
    at += got;
    size -= (size_t)got;
  }
  return 1;
}

// Runs the analysis of documents FIRST, FIRST + STEP, ... in a new process
// that writes its results to a pipe; returns the pipe's read end, or -1.
static int start_worker(char **documents, int count, int first, int step,
                        pid_t *pid) {
  int fds[2];
  if (pipe(fds) != 0)
    return -1;
  *pid = fork();
  if (*pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return -1;
  }
  if (*pid == 0) {
    close(fds[0]);
    for (int i = first; i < count; i += step) {
      struct message message = {i, word_stats(documents[i])};
      if (!write_all(fds[1], &message, sizeof message))
        _exit(1);
    }
    _exit(0);
  }
  close(fds[1]);
  return fds[0];
}

enum { max_workers = 64 };

// 0 if a worker failed.
static int analyse_all(char **documents, struct stats *results, int count) {
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  int workers = cores < 1 ? 1 : cores > max_workers ? max_workers : (int)cores;
  int pipes[max_workers];
  pid_t pids[max_workers];
  int started = 0, ok = 1;
  for (; started < workers; ++started) {
    pipes[started] =
        start_worker(documents, count, started, workers, &pids[started]);
    if (pipes[started] < 0) {
      perror("worker");
      return 0;
    }
  }
  // Reading one pipe to its end while the other workers go on is fine: a
  // worker whose pipe is full waits until its turn comes.
  for (int w = 0; w < started; ++w) {
    struct message message;
    while (read_all(pipes[w], &message, sizeof message))
      if (message.index >= 0 && message.index < count)
        results[message.index] = message.stats;
    close(pipes[w]);
    int status;
    if (waitpid(pids[w], &status, 0) != pids[w] || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0)
      ok = 0;
  }
  return ok;
}

// A document of pseudo-random words; the same for the same SEED.
static char *make_document(uint32_t seed) {
  char *document = malloc(words_per_document * 12 + 1);
  if (!document)
    return NULL;
  size_t at = 0;
  for (int w = 0; w < words_per_document; ++w) {
    seed = seed * 1664525u + 1013904223u;
    int length = 1 + (int)(seed >> 28) % 9;
    for (int c = 0; c < length; ++c)
      document[at++] = (char)('a' + (seed >> (c * 3 % 24)) % 26);
    document[at++] = w % 12 == 11 ? '\n' : (w % 5 == 4 ? ',' : ' ');
  }
  document[at] = '\0';
  return document;
}

int main(void) {
  static char *documents[document_count];
  static struct stats results[document_count];
  // Test data, built once: not the work this example is about.
  for (int i = 0; i < document_count; ++i)
    if (!(documents[i] = make_document((uint32_t)i + 1)))
      return 1;
  if (!analyse_all(documents, results, document_count)) {
    fprintf(stderr, "a worker failed\n");
    return 1;
  }
  long words = 0, longest = 0;
  uint64_t digest = 0;
  for (int i = 0; i < document_count; ++i) {
    words += results[i].words;
    if (results[i].longest > longest)
      longest = results[i].longest;
    digest ^= results[i].digest;
  }
  printf("%d documents, %ld words, longest %ld letters, digest %016llx\n",
         document_count, words, longest, (unsigned long long)digest);
  for (int i = 0; i < document_count; ++i)
    free(documents[i]);
  return 0;
}
