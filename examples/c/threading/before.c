// The threading row in C: blocking file I/O.
//
// Backs up files: each file named on the command line is copied into a
// backup folder, one file after another, so the program mostly waits for the
// disk. concur reports the loop in main as `concur-sequential-blocking-loop`
// with row `threading` (blocking I/O that has no asynchronous form, nothing
// collected). See after.c: a small pool of pthreads taking the files from a
// queue.
//
// Usage: before BACKUP-FOLDER FILE...
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Copies PATH to FOLDER/NAME.bak, NAME being PATH's last component; exits
// with a message on failure.
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

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s BACKUP-FOLDER FILE...\n", argv[0]);
    return 2;
  }
  for (int i = 2; i < argc; ++i)
    back_up(argv[1], argv[i]);
  printf("%d files backed up to %s\n", argc - 2, argv[1]);
  return 0;
}
