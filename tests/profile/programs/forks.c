// Forks a child that computes while the parent waits for it.
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

__attribute__((noinline)) double child_work(long n) {
  double s = 0;
  for (long i = 1; i < n; ++i)
    s += 1.0 / (double)i;
  return s;
}

__attribute__((noinline)) int wait_child(pid_t child) {
  int status = 0;
  waitpid(child, &status, 0);
  return status;
}

int main(void) {
  pid_t child = fork();
  if (child == 0) {
    printf("%f\n", child_work(150 * 1000 * 1000));
    _exit(0);
  }
  return wait_child(child) == 0 ? 0 : 1;
}
