// The futures row in C: a batch of independent CPU tasks.
//
// Summarises records of comma-separated numbers: each record is parsed,
// sorted and fingerprinted on its own, and the summaries are collected, one
// record after another on one core. concur reports the loop in
// summarise_all as `concur-parallelizable-cpu-loop` with row `futures`
// (independent, thread-safe CPU tasks whose results are collected). See
// after.c: a bounded pthread pool with a result slot per task.
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static void summarise_all(char **records, struct summary *summaries,
                          int count) {
  for (int i = 0; i < count; ++i)
    summaries[i] = summarise(records[i]);
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
  summarise_all(records, summaries, record_count);
  uint64_t combined = 0;
  for (int i = 0; i < record_count; ++i)
    combined ^= summaries[i].fingerprint + (uint64_t)summaries[i].key;
  printf("%d summaries, first median %ld, combined fingerprint %016llx\n",
         record_count, summaries[0].median, (unsigned long long)combined);
  for (int i = 0; i < record_count; ++i)
    free(records[i]);
  return 0;
}
