// Loops that sleep but do not poll: a sleep deep in what an iteration
// processes, a loop that already waits on a condition variable, a periodic
// worker that computes every round, a throttle or a back-off behind its own
// condition. A spin that only yields is polling and is reported.
#include <concur_mock_posix.h>

pthread_mutex_t jobs_lock;
pthread_cond_t jobs_cond;
int pending_jobs;
int running;
int wanted, connected;
int delay_setting;
int retry_code;
double table[4096];

void maybe_delay() {
  if (delay_setting)
    usleep(delay_setting);
}
void apply_job(int job) {
  if (job > 100)
    maybe_delay();
}
void dispatch_job(int job) { apply_job(job * 2); }
void run_job(int job) { dispatch_job(job + 1); }
int pop_job() { return --pending_jobs; }

// negative: the sleep is four calls down, in what a job may do.
void drain_jobs() {
  while (pending_jobs)
    run_job(pop_job());
}

// negative: the worker waits on a condition variable between rounds; the
// pause after a round is a throttle.
void job_thread() {
  while (running) {
    pthread_mutex_lock(&jobs_lock);
    while (pending_jobs == 0)
      pthread_cond_wait(&jobs_cond, &jobs_lock);
    pthread_mutex_unlock(&jobs_lock);
    run_job(pop_job());
    usleep(1000);
  }
}

// negative: a periodic worker computes every round and pauses in between.
void maintainer_thread() {
  while (running) {
    usleep(10000);
    for (int i = 0; i < 4096; ++i)
      table[i] = table[i] * 0.5 + 1.0;
  }
}

int connect_one();

// negative: a throttle every 64 connections.
void connect_all() {
  int made = 0;
  while (connected < wanted) {
    connected += connect_one();
    if (++made % 64 == 0)
      usleep(50000);
  }
}

// negative: a retry that backs off only on one kind of failure.
int open_retry(const char *path) {
  for (;;) {
    int fd = open(path, 0);
    if (fd >= 0)
      return fd;
    if (retry_code == 17)
      sleep(1);
  }
}

// negative: at most five tries, counted in the condition.
int create_temp(const char *path) {
  int fd = -1;
  int tries = 5;
  while (tries--) {
    fd = open(path, 0);
    if (fd != -1)
      break;
    sleep(1);
  }
  return fd;
}

// A spin that only yields until another thread sets the flag.
volatile int go_flag;
void spin_until_go() {
  while (!go_flag)
    sched_yield();
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: loop polls '!go_flag' and sleeps between checks ('sched_yield')
}

// The state is polled with a short sleep behind the same test: reported.
int state_word;
void wait_started() {
  do {
    if (state_word == 0)
      usleep(10000);
    else
      break;
  } while (1);
  // CHECK-MESSAGES: :[[@LINE-6]]:3: warning: loop polls 'state_word == 0' and sleeps between checks ('usleep')
}
