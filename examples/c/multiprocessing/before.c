// The multiprocessing row in C: CPU work that is not thread-safe.
//
// Word statistics of a batch of documents: each document is split into
// words with strtok, which keeps its position in a static variable, so two
// threads cannot split at once. concur reports the loop in analyse_all as
// `concur-parallelizable-cpu-loop` with row `multiprocessing` (independent
// CPU tasks that are not thread-safe: each worker needs its own memory). See
// after.c: fork workers, one per core, sending their results over pipes.
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static void analyse_all(char **documents, struct stats *results, int count) {
  for (int i = 0; i < count; ++i)
    results[i] = word_stats(documents[i]);
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
  analyse_all(documents, results, document_count);
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
