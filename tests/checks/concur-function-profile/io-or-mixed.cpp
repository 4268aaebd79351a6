// I/O or mixed: a function is `mixed` only when its computation is
// comparable to its waiting (at least a tenth of it) and worth a task of its
// own (substantial without counting cheap arithmetic per element). Reading a
// configuration file and splitting or parsing its lines handles what was
// read: `io`; so does a request whose computation is small beside its wait. Compressing each block read, or sorting what a request fetched,
// is a second workload beside the waiting: `mixed`.
// CONCUR-CONFIG: {CheckOptions: {concur-function-profile.Enable: true}}
#include <concur_mock_posix.h>
#include <mock_std.h>
#include <zstd.h>

struct settings {
  long port;
  long workers;
  double ratio;
};

// --- io: reading a small file and splitting its lines ------------------------

// Each line: a search for '=' and a number parsed (element work of ~100
// units per line, next to the line read).
int load_settings(const char *path, settings *s) {
  FILE *f = fopen(path, "r");
  if (!f)
    return -1;
  char line[256];
  while (fgets(line, sizeof line, f)) {
    char *eq = strchr(line, '=');
    if (!eq)
      continue;
    *eq = 0;
    if (strcmp(line, "port") == 0)
      s->port = strtol(eq + 1, nullptr, 10);
    else if (strcmp(line, "workers") == 0)
      s->workers = strtol(eq + 1, nullptr, 10);
    else if (strcmp(line, "ratio") == 0)
      s->ratio = strtod(eq + 1, nullptr);
  }
  fclose(f);
  return 0;
}
// CHECK-MESSAGES: :[[@LINE-20]]:5: remark: 'load_settings' is io (file; confidence {{[0-9.]+}}); model: threading

// Lines split at '=' into a map.
std::map<std::string, std::string> read_config(const std::string &path) {
  std::ifstream in(path);
  std::map<std::string, std::string> kv;
  std::string line;
  while (std::getline(in, line)) {
    std::string::size_type eq = line.find('=');
    if (eq == std::string::npos)
      continue;
    kv[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return kv;
}
// CHECK-MESSAGES: :[[@LINE-12]]:36: remark: 'read_config' is io (file; confidence {{[0-9.]+}}); model: threading

// A request that waits for its reply and then selects in what it got: the
// selection (a twentieth of the wait) is substantial, but not comparable.
long median_of_reply(int fd, std::vector<long> &values) {
  char buf[64];
  long n = recv(fd, buf, sizeof buf, 0);
  std::nth_element(values.begin(), values.begin() + 1, values.end());
  return n + values[1];
}
// CHECK-MESSAGES: :[[@LINE-6]]:6: remark: 'median_of_reply' is io (network; confidence {{[0-9.]+}}); model: asyncio

// --- mixed: a second workload beside the waiting ------------------------------

// Each block read is compressed: far more work than the read.
long compress_file(FILE *in, FILE *out) {
  char block[4096], packed[8192];
  long total = 0;
  unsigned long n;
  while ((n = fread(block, 1, sizeof block, in)) > 0) {
    unsigned long m = ZSTD_compress(packed, sizeof packed, block, n, 3);
    fwrite(packed, 1, m, out);
    total += long(m);
  }
  return total;
}
// CHECK-MESSAGES: :[[@LINE-11]]:6: remark: 'compress_file' is mixed (file; confidence {{[0-9.]+}}); model: mixed

// A reply sorted once it arrived: the sort is a fifth of the wait.
long rank_reply(int fd, std::vector<long> &values) {
  char buf[64];
  long n = recv(fd, buf, sizeof buf, 0);
  std::sort(values.begin(), values.end());
  return n + values[0];
}
// CHECK-MESSAGES: :[[@LINE-6]]:6: remark: 'rank_reply' is mixed (network; confidence {{[0-9.]+}}); model: mixed
