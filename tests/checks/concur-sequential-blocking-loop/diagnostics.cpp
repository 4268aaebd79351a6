// Diagnostics and failure paths are not the workload: a loop whose only I/O
// is logging (stderr, syslog, a project's logger, level-gated output to a log
// file), an error branch or an error label, or a wake-up write is not a loop
// of blocking iterations. A loop that really reads a file per item still is.
#include <concur_mock_posix.h>

FILE *log_file;
int log_fd;
int verbose;
struct Settings {
  int verbose;
} settings;

// A project's logger: named as one, takes a format, writes its log file.
void serverLog(int level, const char *fmt, ...) {
  FILE *f = fopen("/var/log/server.log", "a");
  fprintf(f, "%d %s\n", level, fmt);
  fflush(f);
  fclose(f);
}

int weigh(int item) { return item * 3 + 1; }

// negative: only stderr output, syslog and the project's logger.
void weigh_logged(const int *items, int *out, int n) {
  for (int i = 0; i < n; ++i) {
    fprintf(stderr, "item %d\n", i);
    syslog(LOG_DEBUG, "item %d", i);
    serverLog(1, "item %d", i);
    out[i] = weigh(items[i]);
  }
}

// negative: output to the log file only when verbose.
void weigh_verbose(const int *items, int *out, int n) {
  for (int i = 0; i < n; ++i) {
    if (verbose > 1)
      fprintf(log_file, "item %d\n", i);
    if (settings.verbose)
      fflush(log_file);
    out[i] = weigh(items[i]);
  }
}

// A step whose only I/O is on its failure paths.
int checked_step(int item, char *scratch) {
  int rc = weigh(item);
  if (rc < 0) {
    write(log_fd, scratch, 128);
    return -1;
  }
  char *p = scratch + rc;
  if (!p)
    goto err;
  if (rc != 0) {
    write(log_fd, "failed\n", 7);
    fflush(log_file);
    return rc;
  }
  return 0;
err:
  write(log_fd, scratch, 256);
  return -1;
}

// negative: the file writes happen only when a step fails.
void run_steps(const int *items, int *out, int n, char *scratch) {
  for (int i = 0; i < n; ++i)
    out[i] = checked_step(items[i], scratch);
}

// negative: each iteration wakes a worker with an 8-byte eventfd write.
void wake_workers(const int *efds, int n) {
  unsigned long one = 1;
  for (int i = 0; i < n; ++i)
    write(efds[i], &one, sizeof(unsigned long));
}

// A real read per item, with its own error branch that logs.
long read_whole(const char *path, char *buf) {
  int fd = open(path, 0);
  if (fd < 0) {
    fprintf(stderr, "cannot open %s\n", path);
    return -1;
  }
  long n = read(fd, buf, 65536);
  close(fd);
  return n;
}

void read_all(const char *const *paths, char **bufs, long *sizes, int n) {
  for (int i = 0; i < n; ++i)
    sizes[i] = read_whole(paths[i], bufs[i]);
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: independent iterations each block on file I/O in {{'open'|'read'}} via 'read_whole'
}
