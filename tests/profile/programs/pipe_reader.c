// Blocks on a pipe: a child writes one byte every 20 ms, the parent reads
// them one by one.
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

__attribute__((noinline)) int drain(int fd) {
  char byte;
  int n = 0;
  while (read(fd, &byte, 1) == 1)
    ++n;
  return n;
}

int main(void) {
  int fds[2];
  if (pipe(fds) != 0)
    return 1;
  pid_t child = fork();
  if (child == 0) {
    close(fds[0]);
    for (int i = 0; i < 20; ++i) {
      struct timespec t = {0, 20 * 1000 * 1000};
      nanosleep(&t, 0);
      if (write(fds[1], "x", 1) != 1)
        _exit(1);
    }
    _exit(0);
  }
  close(fds[1]);
  int n = drain(fds[0]);
  waitpid(child, 0, 0);
  return n == 20 ? 0 : 1;
}
