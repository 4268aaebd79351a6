// Loops whose independent iterations each block: the row follows the kind of
// waiting and the fan-out (decision step 4 of the selection table).
#include <concur_mock_posix.h>
#include <curl/curl.h>
#include <libpq-fe.h>
#include <mock_std.h>
#include <sqlite3.h>

// --- network, runtime-sized fan-out: asyncio ----------------------------------

std::string fetch(const std::string &url) {
  std::string body;
  CURL *curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_perform(curl);
  curl_easy_cleanup(curl);
  return body;
}

// Evidence: each iteration calls fetch -> curl_easy_perform (network); the
// number of URLs is only known at run time; results are collected per item.
std::vector<std::string> download_all(const std::vector<std::string> &urls) {
  std::vector<std::string> pages;
  for (const std::string &url : urls)
    pages.push_back(fetch(url));
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: independent iterations each block on network I/O in 'curl_easy_perform' via 'fetch'; run them concurrently (row: asyncio)
  // CHECK-NOTES: :[[@LINE-3]]:3: note: row 'asyncio' (decision step 4): network or timer waits with a large or runtime-sized fan-out
  // CHECK-NOTES: :[[@LINE-3]]:21: note: 'fetch' is called here
  // CHECK-NOTES: :[[@LINE-14]]:3: note: 'curl_easy_perform' blocks on network I/O
  return pages;
}

// Evidence: recv directly in the body, one socket per item, index loop with a
// runtime bound.
void poll_peers(const int *sockets, int count, char (*bufs)[512],
                long *received) {
  for (int i = 0; i < count; ++i)
    received[i] = recv(sockets[i], bufs[i], sizeof bufs[i], 0);
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: independent iterations each block on network I/O in 'recv'; run them concurrently (row: asyncio)
  // CHECK-NOTES: :[[@LINE-2]]:19: note: 'recv' blocks on network I/O
}

// Evidence: a large constant fan-out (100 > FanOutThreshold 8) is asyncio too.
void probe_ports(const sockaddr *addrs) {
  for (int port = 0; port < 100; ++port) {
    int fd = socket(2, 1, 0);
    connect(fd, &addrs[port], 16);
    close(fd);
  }
  // CHECK-MESSAGES: :[[@LINE-5]]:3: warning: independent iterations each block on network I/O in 'connect'; run them concurrently (row: asyncio)
}

// Evidence: an endless accept loop is a server loop (fan-out "server").
void serve_client(int client) {
  char buf[1024];
  long n = recv(client, buf, sizeof buf, 0);
  send(client, buf, (size_t)n, 0);
  close(client);
}

void serve_forever(int listener) {
  for (;;) {
    int client = accept(listener, nullptr, nullptr);
    serve_client(client);
  }
  // CHECK-MESSAGES: :[[@LINE-4]]:3: warning: independent iterations each block on network I/O in 'accept'; run them concurrently (row: asyncio)
  // CHECK-NOTES: :[[@LINE-5]]:3: note: row 'asyncio' (decision step 4): network or timer waits with a large or runtime-sized fan-out
}

void serve_while_true(int listener) {
  while (true)
    serve_client(accept(listener, nullptr, nullptr));
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: independent iterations each block on network I/O
}

// Evidence: sleeps with a runtime-sized fan-out are timer waits: asyncio.
void remind_all(const std::vector<int> &users) {
  for (int user : users) {
    std::this_thread::sleep_for(std::chrono::milliseconds(user));
  }
  // CHECK-MESSAGES: :[[@LINE-3]]:3: warning: independent iterations each block on sleep I/O in 'std::this_thread::sleep_for'; run them concurrently (row: asyncio)
}

// --- network, small constant fan-out: threading -------------------------------

// Evidence: three mirrors are a small fixed fan-out (3 <= FanOutThreshold).
void fetch_mirrors() {
  const char *mirrors[3] = {"a", "b", "c"};
  for (const char *mirror : mirrors)
    fetch(mirror);
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: independent iterations each block on network I/O in 'curl_easy_perform' via 'fetch'; run them concurrently (row: threading)
  // CHECK-NOTES: :[[@LINE-3]]:3: note: row 'threading' (decision step 4)
}

// Evidence: the fan-out is read from the sizes of arrays and initializer
// lists as well as from loop bounds: three replicas, however they are listed.
void fetch_replicas_unsized_array() {
  const std::string replicas[] = {"a", "b", "c"};
  for (const std::string &replica : replicas)
    fetch(replica);
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: independent iterations each block on network I/O in 'curl_easy_perform' via 'fetch'; run them concurrently (row: threading)
}

void fetch_replicas_initializer_list() {
  for (const char *replica : {"a", "b", "c"})
    fetch(replica);
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: independent iterations each block on network I/O in 'curl_easy_perform' via 'fetch'; run them concurrently (row: threading)
}

void fetch_replicas_std_array(const std::array<std::string, 3> &replicas) {
  for (const std::string &replica : replicas)
    fetch(replica);
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: independent iterations each block on network I/O in 'curl_easy_perform' via 'fetch'; run them concurrently (row: threading)
}

void fetch_replicas_counted() {
  const char *replicas[] = {"a", "b", "c"};
  for (unsigned i = 0; i < sizeof replicas / sizeof *replicas; ++i)
    fetch(replicas[i]);
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: independent iterations each block on network I/O in 'curl_easy_perform' via 'fetch'; run them concurrently (row: threading)
}

// --- files, databases, processes: threading or futures over an I/O pool -------

size_t count_lines(const std::string &path) {
  std::ifstream file(path);
  std::string line;
  size_t lines = 0;
  while (std::getline(file, line))
    ++lines;
  return lines;
}

// Evidence: file reads per item whose results are collected: a batch of
// similar blocking calls, stated as futures over an I/O pool.
std::vector<size_t> count_all(const std::vector<std::string> &paths) {
  std::vector<size_t> counts;
  for (const std::string &path : paths)
    counts.push_back(count_lines(path));
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: independent iterations each block on file I/O in 'std::getline' via 'count_lines'; run them concurrently (row: futures, I/O pool)
  return counts;
}

// Evidence: file I/O whose results are not collected is plain threading.
void touch_all(const std::vector<std::string> &paths) {
  for (const std::string &path : paths) {
    int fd = open(path.c_str(), 0);
    fsync(fd);
    close(fd);
  }
  // CHECK-MESSAGES: :[[@LINE-5]]:3: warning: independent iterations each block on file I/O in 'fsync'; run them concurrently (row: threading)
}

// Evidence: a database query per id; databases have no asynchronous form in
// most clients, so a bounded I/O pool (threading, or futures when collected).
int count_rows(sqlite3 *db, int id) {
  char sql[64];
  snprintf(sql, sizeof sql, "select count(*) from t where id = %d", id);
  return sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
}

void count_each(sqlite3 *const *dbs, const std::vector<int> &ids, int *out) {
  for (size_t i = 0; i < ids.size(); ++i)
    out[i] = count_rows(dbs[i], ids[i]);
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: independent iterations each block on database I/O in 'sqlite3_exec' via 'count_rows'; run them concurrently (row: futures, I/O pool)
}

void refresh_views(PGconn *const *conns, const std::vector<std::string> &views) {
  for (size_t i = 0; i < views.size(); ++i)
    PQclear(PQexec(conns[i], views[i].c_str()));
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: independent iterations each block on database I/O in 'PQexec'; run them concurrently (row: threading)
}

// Evidence: one child process per command.
void run_all(const std::vector<std::string> &commands) {
  for (const std::string &command : commands)
    system(command.c_str());
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: independent iterations each block on process I/O in 'system'; run them concurrently (row: threading)
}

// --- waiting and computing in one iteration: mixed ----------------------------

unsigned long checksum(const std::string &text) {
  unsigned long h = 5381;
  for (int round = 0; round < 200; ++round)
    for (char c : text)
      h = h * 33 + (unsigned long)c;
  return h;
}

// Evidence: each iteration downloads and then hashes heavily: both are
// substantial, so the waiting goes to the event loop and the hashing to a
// core-sized pool (row: mixed, decision step 3).
std::vector<unsigned long> fingerprint_all(const std::vector<std::string> &urls) {
  std::vector<unsigned long> sums;
  for (const std::string &url : urls)
    sums.push_back(checksum(fetch(url)));
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: independent iterations each block on network I/O in 'curl_easy_perform' via 'fetch' and compute (an arithmetic loop via 'checksum'); run them concurrently (row: mixed)
  // CHECK-NOTES: :[[@LINE-3]]:3: note: row 'mixed' (decision step 3)
  // CHECK-NOTES: :[[@LINE-3]]:20: note: 'checksum' is called here
  // CHECK-NOTES: :[[@LINE-16]]:3: note: arithmetic loop here
  return sums;
}

// --- nesting: the outermost qualifying loop is reported once ------------------

void mirror_sites(const std::vector<std::vector<std::string>> &sites) {
  for (const auto &site : sites)
    for (const std::string &page : site)
      fetch(page);
  // CHECK-MESSAGES: :[[@LINE-3]]:3: warning: independent iterations each block on network I/O
}

// --- do-while ----------------------------------------------------------------

// Evidence: a do-while over an index declared outside and advanced by a
// constant step at the top of the body: an induction variable, so still one
// socket per iteration.
void ping_each(const int *sockets, int count) {
  int i = 0;
  do {
    send(sockets[i], "p", 1, 0);
    ++i;
  } while (i < count);
  // CHECK-MESSAGES: :[[@LINE-4]]:3: warning: independent iterations each block on network I/O in 'send'; run them concurrently (row: asyncio)
}

// negative: the same loop advancing by what each send returned: the next
// iteration's index comes from the previous one
void send_all(const char *data, long size, int fd) {
  long at = 0;
  do {
    long sent = send(fd, data + at, 16, 0);
    at += sent;
  } while (at < size);
}
