// A loop whose callee stores into global state on every iteration (a slot
// table, a subscription list) changes that one state: its iterations are
// dependent, whatever the callee also waits on. A callee that only counts
// (a global statistics counter) does not make the loop dependent.
// CONCUR-ARGS: -std=c11
#include <concur_mock_posix.h>

struct cluster_state {
  int owner[16384];
  int assigned;
  int notify_fd;
};
struct cluster_state *cluster;

static void notify_peers(int slot) {
  char msg[64];
  int n = snprintf(msg, sizeof msg, "del %d\n", slot);
  write(cluster->notify_fd, msg, (size_t)n);
  fsync(cluster->notify_fd);
}

static void del_slot(int slot) {
  cluster->owner[slot] = -1;
  cluster->assigned--;
  notify_peers(slot);
}

// negative: every iteration stores into the one global 'cluster'.
void cluster_reset(void) {
  for (int slot = 0; slot < 16384; slot++)
    del_slot(slot);
}

long bytes_fetched;

static long fetch_one(int fd) {
  char buf[4096];
  long n = recv(fd, buf, sizeof buf, 0);
  bytes_fetched += n;
  return n;
}

// A global counter is a reduction, not shared state: still reported.
void fetch_all(const int *fds, long *got, int n) {
  for (int i = 0; i < n; i++)
    got[i] = fetch_one(fds[i]);
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: independent iterations each block on network I/O
}
