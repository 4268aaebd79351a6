// Calibration of the knowledge base's costs: times representative calls of
// each kind of the knowledge base (checks/data/knowledge-base.yaml) on this
// machine and prints, for each, the measured time per call next to the cost
// the knowledge base gives the API it calibrates (work units of about 1 ns),
// and their ratio. With --tsv FILE it writes the measurements in the form
// tests/analysis/KnowledgeBaseCalibrationTest.cpp checks the knowledge base
// against (bench/kb_calibration/measured.tsv is this machine's).
//
// Each case says how its measurement relates to the knowledge base:
//   calibrates  the knowledge base's cost for the API should be the measured
//               time, to within the factor the test states;
//   floor       the measured time is the least a call can wait (a loopback
//               round trip, the shortest sleep): the knowledge base's cost,
//               which includes waiting for a remote peer or the time asked
//               for, must not be below it;
//   unit        one simple operation of code the analysis counts itself
//               (a work unit, 1);
//   uncosted    the knowledge base gives the API no cost (it is neither
//               waiting nor work): shown for scale.
//
// Usage: bench_kb_calibration [--tsv FILE] [--rounds N] [--dir DIR]

#include "KnowledgeBase.h"

#include <openssl/evp.h>
#include <xxhash.h>

#include <algorithm>
#include <arpa/inet.h>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <optional>
#include <pthread.h>
#include <random>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

// Keeps a value alive so the compiler cannot drop the computation.
template <class T> void keep(const T &value) {
  asm volatile("" : : "g"(&value) : "memory");
}

void check(bool ok, const char *what) {
  if (!ok)
    throw std::runtime_error(std::string(what) + ": " + std::strerror(errno));
}

// A descriptor closed on scope exit.
class fd_guard {
public:
  explicit fd_guard(int fd) : fd_(fd) {}
  fd_guard(const fd_guard &) = delete;
  fd_guard &operator=(const fd_guard &) = delete;
  ~fd_guard() {
    if (fd_ >= 0)
      ::close(fd_);
  }
  int get() const { return fd_; }

private:
  int fd_;
};

struct file_closer {
  void operator()(FILE *f) const { std::fclose(f); }
};
using file_ptr = std::unique_ptr<FILE, file_closer>;

// One measurement: `batch` runs `calls` calls and returns; the harness
// repeats it until `min_time` has passed, in several rounds, and keeps the
// median round's time per call (the best round's for a floor).
struct bench_case {
  std::string name;     // what is timed
  std::string api;      // the knowledge-base name it calibrates
  std::string relation; // calibrates, floor, unit, uncosted
  std::function<void(long calls)> batch;
  long max_calls = 1 << 30; // per round (slow calls: a few)
};

double time_per_call(const bench_case &c, int rounds) {
  std::vector<double> per_call;
  auto min_time = std::chrono::milliseconds(40);
  for (int r = 0; r < rounds; ++r) {
    long calls = 1;
    for (;;) {
      auto start = clock_type::now();
      c.batch(calls);
      auto elapsed = clock_type::now() - start;
      if (elapsed >= min_time || calls >= c.max_calls) {
        per_call.push_back(
            std::chrono::duration<double, std::nano>(elapsed).count() /
            double(calls));
        break;
      }
      calls = std::min(calls * 4, c.max_calls);
    }
  }
  std::sort(per_call.begin(), per_call.end());
  // A floor is the least a call waits: the best round; other cases take the
  // median round.
  return c.relation == "floor" ? per_call.front()
                               : per_call[per_call.size() / 2];
}

// The files the file cases read and write, in a directory of their own.
struct scratch {
  std::filesystem::path dir;
  std::filesystem::path lines, block, out, config, listing;

  explicit scratch(const std::filesystem::path &parent) {
    std::string templ = (parent / "concur-kb-calibration.XXXXXX").string();
    check(::mkdtemp(templ.data()) != nullptr, "mkdtemp");
    dir = templ;
    lines = dir / "lines.txt";
    block = dir / "block.bin";
    out = dir / "out.bin";
    config = dir / "server.conf";
    listing = dir / "listing";
    // 1000 short lines (60 bytes), like a configuration or a log file.
    {
      std::ofstream f(lines);
      for (int i = 0; i < 1000; ++i)
        f << "key_" << i << " = value number " << i
          << " of a short configuration line\n";
    }
    {
      std::ofstream f(block, std::ios::binary);
      std::string chunk(4096, 'x');
      for (int i = 0; i < 256; ++i)
        f << chunk;
    }
    {
      std::ofstream f(config);
      for (int i = 0; i < 20; ++i)
        f << "option_" << i << " = " << i * 7 << "\n";
    }
    std::filesystem::create_directory(listing);
    for (int i = 0; i < 100; ++i)
      std::ofstream(listing / ("entry" + std::to_string(i)));
    // Read everything once: the cases measure cached files.
    for (const auto &p : {lines, block, config}) {
      std::ifstream f(p, std::ios::binary);
      std::string all((std::istreambuf_iterator<char>(f)), {});
      keep(all);
    }
  }
  scratch(const scratch &) = delete;
  scratch &operator=(const scratch &) = delete;
  ~scratch() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

// A connected loopback TCP pair (127.0.0.1), Nagle off.
struct tcp_pair {
  int client = -1, server = -1;
  tcp_pair() {
    fd_guard listener(::socket(AF_INET, SOCK_STREAM, 0));
    check(listener.get() >= 0, "socket");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    check(::bind(listener.get(), reinterpret_cast<sockaddr *>(&addr), len) == 0,
          "bind");
    check(::listen(listener.get(), 1) == 0, "listen");
    check(::getsockname(listener.get(), reinterpret_cast<sockaddr *>(&addr),
                        &len) == 0,
          "getsockname");
    client = ::socket(AF_INET, SOCK_STREAM, 0);
    check(client >= 0, "socket");
    check(::connect(client, reinterpret_cast<sockaddr *>(&addr), len) == 0,
          "connect");
    server = ::accept(listener.get(), nullptr, nullptr);
    check(server >= 0, "accept");
    int one = 1;
    ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ::setsockopt(server, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  tcp_pair(const tcp_pair &) = delete;
  tcp_pair &operator=(const tcp_pair &) = delete;
  ~tcp_pair() {
    ::close(client);
    ::close(server);
  }
};

void recv_all(int fd, char *buf, size_t n) {
  while (n > 0) {
    ssize_t got = ::recv(fd, buf, n, 0);
    check(got > 0, "recv");
    buf += got;
    n -= size_t(got);
  }
}

std::vector<bench_case> make_cases(const scratch &files) {
  std::vector<bench_case> cases;
  auto add = [&](std::string name, std::string api, std::string relation,
                 std::function<void(long)> batch, long max_calls = 1 << 30) {
    cases.push_back({std::move(name), std::move(api), std::move(relation),
                     std::move(batch), max_calls});
  };

  // --- file I/O on cached files -----------------------------------------
  auto line_file =
      std::make_shared<file_ptr>(std::fopen(files.lines.c_str(), "r"));
  check(*line_file != nullptr, "fopen");
  add("getline, a 60-byte line of a cached file", "getline", "calibrates",
      [line_file](long calls) {
        char *line = nullptr;
        size_t cap = 0;
        for (long i = 0; i < calls; ++i)
          if (::getline(&line, &cap, line_file->get()) < 0)
            std::rewind(line_file->get());
        std::free(line);
      });
  add("fgets, a 60-byte line of a cached file", "fgets", "calibrates",
      [line_file](long calls) {
        char line[256];
        for (long i = 0; i < calls; ++i)
          if (!std::fgets(line, sizeof line, line_file->get()))
            std::rewind(line_file->get());
      });
  add("fgetc, one character of a cached file", "fgetc", "calibrates",
      [line_file](long calls) {
        for (long i = 0; i < calls; ++i)
          if (std::fgetc(line_file->get()) == EOF)
            std::rewind(line_file->get());
      });
  auto line_stream = std::make_shared<std::ifstream>(files.lines);
  add("std::istream::get, one character of an ifstream",
      "std::basic_istream::get", "calibrates", [line_stream](long calls) {
        for (long i = 0; i < calls; ++i)
          if (line_stream->get() == EOF) {
            line_stream->clear();
            line_stream->seekg(0);
          }
      });
  add("std::getline on an ifstream, a 60-byte line", "std::getline",
      "calibrates", [line_stream](long calls) {
        std::string line;
        for (long i = 0; i < calls; ++i)
          if (!std::getline(*line_stream, line)) {
            line_stream->clear();
            line_stream->seekg(0);
          }
      });
  auto block_fd =
      std::make_shared<fd_guard>(::open(files.block.c_str(), O_RDONLY));
  check(block_fd->get() >= 0, "open");
  add("read of 4 KiB from a cached file", "read", "calibrates",
      [block_fd](long calls) {
        char buf[4096];
        for (long i = 0; i < calls; ++i)
          check(::pread(block_fd->get(), buf, sizeof buf, (i % 256) * 4096) ==
                    ssize_t(sizeof buf),
                "pread");
      });
  auto block_file =
      std::make_shared<file_ptr>(std::fopen(files.block.c_str(), "rb"));
  check(*block_file != nullptr, "fopen");
  add("fread of 4 KiB from a cached file", "fread", "calibrates",
      [block_file](long calls) {
        char buf[4096];
        for (long i = 0; i < calls; ++i)
          if (std::fread(buf, 1, sizeof buf, block_file->get()) != sizeof buf)
            std::rewind(block_file->get());
      });
  auto out_fd = std::make_shared<fd_guard>(
      ::open(files.out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600));
  check(out_fd->get() >= 0, "open");
  add("write of 4 KiB to a file (page cache)", "write", "calibrates",
      [out_fd](long calls) {
        char buf[4096];
        std::memset(buf, 'y', sizeof buf);
        for (long i = 0; i < calls; ++i)
          check(::pwrite(out_fd->get(), buf, sizeof buf, (i % 256) * 4096) ==
                    ssize_t(sizeof buf),
                "pwrite");
      });
  add(
      "fsync after a 4 KiB write", "fsync", "calibrates",
      [out_fd](long calls) {
        char buf[4096];
        std::memset(buf, 'z', sizeof buf);
        for (long i = 0; i < calls; ++i) {
          check(::pwrite(out_fd->get(), buf, sizeof buf, 0) ==
                    ssize_t(sizeof buf),
                "pwrite");
          check(::fsync(out_fd->get()) == 0, "fsync");
        }
      },
      64);
  std::string block_path = files.block.string();
  add("open of a cached file (and its close)", "open", "calibrates",
      [block_path](long calls) {
        for (long i = 0; i < calls; ++i) {
          int fd = ::open(block_path.c_str(), O_RDONLY);
          check(fd >= 0, "open");
          ::close(fd);
        }
      });
  add("stat of a cached file", "stat", "calibrates", [block_path](long calls) {
    struct stat st;
    for (long i = 0; i < calls; ++i)
      check(::stat(block_path.c_str(), &st) == 0, "stat");
  });
  std::filesystem::path config = files.config;
  add("std::ifstream of a small cached file, opened and closed",
      "std::basic_ifstream::basic_ifstream", "calibrates",
      [config](long calls) {
        for (long i = 0; i < calls; ++i) {
          std::ifstream f(config);
          keep(f);
        }
      });
  add("std::filesystem::exists of a cached file", "std::filesystem::exists",
      "calibrates", [config](long calls) {
        for (long i = 0; i < calls; ++i) {
          bool e = std::filesystem::exists(config);
          keep(e);
        }
      });
  std::string listing = files.listing.string();
  add("readdir, one entry of a 100-entry directory", "readdir", "calibrates",
      [listing](long calls) {
        long done = 0;
        while (done < calls) {
          DIR *d = ::opendir(listing.c_str());
          check(d != nullptr, "opendir");
          while (done < calls && ::readdir(d))
            ++done;
          ::closedir(d);
        }
      });
  auto out_file =
      std::make_shared<file_ptr>(std::fopen(files.out.c_str(), "w"));
  check(*out_file != nullptr, "fopen");
  add("fprintf of a short line to a file", "fprintf", "calibrates",
      [out_file](long calls) {
        for (long i = 0; i < calls; ++i) {
          if (i % 4096 == 0)
            std::rewind(out_file->get());
          std::fprintf(out_file->get(), "request %ld took %d ms\n", i, 42);
        }
      });

  // --- network, sleeps, processes ---------------------------------------
  auto pair = std::make_shared<tcp_pair>();
  add("send + recv of 64 bytes on loopback TCP, one thread", "recv", "floor",
      [pair](long calls) {
        char buf[64] = {};
        for (long i = 0; i < calls; ++i) {
          check(::send(pair->client, buf, sizeof buf, 0) == 64, "send");
          recv_all(pair->server, buf, sizeof buf);
        }
      });
  add("recv of a 64-byte reply on loopback TCP (peer thread echoes)", "recv",
      "floor", [](long calls) {
        tcp_pair echo;
        std::thread peer([&echo, calls] {
          char buf[64];
          for (long i = 0; i < calls; ++i) {
            recv_all(echo.server, buf, sizeof buf);
            check(::send(echo.server, buf, sizeof buf, 0) == 64, "send");
          }
        });
        char buf[64] = {};
        for (long i = 0; i < calls; ++i) {
          check(::send(echo.client, buf, sizeof buf, 0) == 64, "send");
          recv_all(echo.client, buf, sizeof buf);
        }
        peer.join();
      });
  add(
      "getaddrinfo of \"localhost\" (/etc/hosts, no DNS server)", "getaddrinfo",
      "floor",
      [](long calls) {
        for (long i = 0; i < calls; ++i) {
          addrinfo hints{};
          hints.ai_socktype = SOCK_STREAM;
          addrinfo *res = nullptr;
          check(::getaddrinfo("localhost", "80", &hints, &res) == 0,
                "getaddrinfo");
          ::freeaddrinfo(res);
        }
      },
      2000);
  add(
      "nanosleep of 1 ns (the shortest sleep)", "nanosleep", "floor",
      [](long calls) {
        for (long i = 0; i < calls; ++i) {
          timespec ts{0, 1};
          ::nanosleep(&ts, nullptr);
        }
      },
      2000);
  add(
      "system(\"true\"): start a shell, wait for it", "system", "calibrates",
      [](long calls) {
        for (long i = 0; i < calls; ++i)
          check(std::system("true") == 0, "system");
      },
      20);
  add("pthread_mutex_lock + unlock, uncontended", "pthread_mutex_lock",
      "uncosted", [](long calls) {
        static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
        for (long i = 0; i < calls; ++i) {
          ::pthread_mutex_lock(&m);
          ::pthread_mutex_unlock(&m);
        }
      });
  add("malloc + free of 64 bytes", "malloc", "uncosted", [](long calls) {
    for (long i = 0; i < calls; ++i) {
      void *p = std::malloc(64);
      keep(p);
      std::free(p);
    }
  });

  // --- computation ------------------------------------------------------
  auto request_re =
      std::make_shared<std::regex>(R"(^(GET|POST|PUT) (/[^ ]*) HTTP/1\.[01]$)");
  add("std::regex_search on a 28-byte request line", "std::regex_search",
      "calibrates", [request_re](long calls) {
        std::string line = "GET /index.html?q=1 HTTP/1.1";
        std::smatch m;
        for (long i = 0; i < calls; ++i) {
          bool found = std::regex_search(line, m, *request_re);
          keep(found);
        }
      });
  add("std::regex construction of that pattern",
      "std::basic_regex::basic_regex", "calibrates", [](long calls) {
        for (long i = 0; i < calls; ++i) {
          std::regex re(R"(^(GET|POST|PUT) (/[^ ]*) HTTP/1\.[01]$)");
          keep(re);
        }
      });
  auto ints = std::make_shared<std::vector<int>>(1000);
  std::mt19937 rng(42);
  for (int &v : *ints)
    v = int(rng());
  add("std::sort of 1000 random ints", "std::sort", "calibrates",
      [ints](long calls) {
        std::vector<int> v(ints->size());
        for (long i = 0; i < calls; ++i) {
          std::copy(ints->begin(), ints->end(), v.begin());
          std::sort(v.begin(), v.end());
          keep(v);
        }
      });
  add("qsort of 1000 random ints", "qsort", "calibrates", [ints](long calls) {
    std::vector<int> v(ints->size());
    for (long i = 0; i < calls; ++i) {
      std::copy(ints->begin(), ints->end(), v.begin());
      std::qsort(v.data(), v.size(), sizeof(int),
                 [](const void *a, const void *b) {
                   int x = *static_cast<const int *>(a),
                       y = *static_cast<const int *>(b);
                   return (x > y) - (x < y);
                 });
      keep(v);
    }
  });
  add("std::hash of a 64-byte string", "std::hash::operator()", "calibrates",
      [](long calls) {
        std::string s(64, 'k');
        for (long i = 0; i < calls; ++i) {
          s[i % 64] = char('a' + i % 26);
          size_t h = std::hash<std::string>{}(s);
          keep(h);
        }
      });
  auto block = std::make_shared<std::vector<unsigned char>>(4096, 0x5a);
  add("EVP_Digest, SHA-256 of 4 KiB (OpenSSL)", "EVP_Digest", "calibrates",
      [block](long calls) {
        unsigned char digest[EVP_MAX_MD_SIZE];
        unsigned size = 0;
        for (long i = 0; i < calls; ++i) {
          (*block)[0] = (unsigned char)i;
          check(::EVP_Digest(block->data(), block->size(), digest, &size,
                             ::EVP_sha256(), nullptr) == 1,
                "EVP_Digest");
          keep(digest);
        }
      });
  add("XXH64 of 4 KiB", "XXH64", "calibrates", [block](long calls) {
    for (long i = 0; i < calls; ++i) {
      (*block)[0] = (unsigned char)i;
      XXH64_hash_t h = ::XXH64(block->data(), block->size(), 0);
      keep(h);
    }
  });
  add("memcpy of 4 KiB", "memcpy", "calibrates", [block](long calls) {
    std::vector<unsigned char> dst(4096);
    for (long i = 0; i < calls; ++i) {
      std::memcpy(dst.data(), block->data(), block->size());
      keep(dst);
    }
  });
  add("snprintf of a short line", "snprintf", "calibrates", [](long calls) {
    char buf[128];
    for (long i = 0; i < calls; ++i) {
      int n = std::snprintf(buf, sizeof buf, "request %ld took %d ms from %s",
                            i, 42, "127.0.0.1");
      keep(n);
    }
  });
  add("strtod of \"3.14159265\"", "strtod", "calibrates", [](long calls) {
    const char *text = "3.14159265";
    for (long i = 0; i < calls; ++i) {
      double d = std::strtod(text, nullptr);
      keep(d);
    }
  });
  add("strtol of \"1234567\"", "strtol", "calibrates", [](long calls) {
    const char *text = "1234567";
    for (long i = 0; i < calls; ++i) {
      long v = std::strtol(text, nullptr, 10);
      keep(v);
    }
  });
  add("sscanf of \"key = 42\"", "sscanf", "calibrates", [](long calls) {
    for (long i = 0; i < calls; ++i) {
      char key[32];
      int value = 0;
      int n = std::sscanf("timeout = 42", "%31s = %d", key, &value);
      keep(n);
      keep(value);
    }
  });
  add("std::to_string of an int", "std::to_string", "calibrates",
      [](long calls) {
        for (long i = 0; i < calls; ++i) {
          std::string s = std::to_string(i);
          keep(s);
        }
      });
  add("operator<< of an int into a std::ostringstream",
      "std::basic_ostream::operator<<", "calibrates", [](long calls) {
        std::ostringstream os;
        for (long i = 0; i < calls; ++i) {
          if (i % 4096 == 0)
            os.str({});
          os << i;
        }
        keep(os);
      });
  auto values = std::make_shared<std::vector<double>>(4096);
  for (size_t i = 0; i < values->size(); ++i)
    (*values)[i] = 1.0 + double(i) / 7.0;
  add("sqrt of a double", "sqrt", "calibrates", [values](long calls) {
    double s = 0;
    const std::vector<double> &v = *values;
    for (long i = 0; i < calls; ++i)
      s += std::sqrt(v[size_t(i) % v.size()]);
    keep(s);
  });
  add("pow of two doubles", "pow", "calibrates", [values](long calls) {
    double s = 0;
    const std::vector<double> &v = *values;
    for (long i = 0; i < calls; ++i)
      s += std::pow(v[size_t(i) % v.size()], 1.7);
    keep(s);
  });
  add("floating-point loop, one element of a dot product", "(operation)",
      "unit", [values](long calls) {
        const std::vector<double> &v = *values;
        double s = 0;
        long done = 0;
        while (done < calls) {
          long n = std::min<long>(calls - done, long(v.size()));
          for (long i = 0; i < n; ++i)
            s += v[size_t(i)] * v[size_t(n - 1 - i)];
          done += n;
        }
        keep(s);
      });
  add("integer loop, one element of a checksum", "(operation)", "unit",
      [block](long calls) {
        const std::vector<unsigned char> &b = *block;
        unsigned h = 0;
        long done = 0;
        while (done < calls) {
          long n = std::min<long>(calls - done, long(b.size()));
          for (long i = 0; i < n; ++i)
            h = h * 31 + b[size_t(i)];
          done += n;
        }
        keep(h);
      });
  return cases;
}

std::string machine() {
  std::string cpu = "unknown CPU";
  std::ifstream info("/proc/cpuinfo");
  for (std::string line; std::getline(info, line);)
    if (line.rfind("model name", 0) == 0) {
      cpu = line.substr(line.find(':') + 2);
      break;
    }
  utsname u{};
  ::uname(&u);
  return cpu + ", " + std::to_string(std::thread::hardware_concurrency()) +
         " hardware threads, Linux " + u.release;
}

std::string load_average() {
  std::ifstream f("/proc/loadavg");
  double one = 0;
  f >> one;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", one);
  return buf;
}

std::string today() {
  std::time_t now = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
  return buf;
}

double kb_cost(const concur::KnowledgeBase &kb, const std::string &api,
               const std::string &relation) {
  if (relation == "unit")
    return 1;
  std::optional<concur::ApiEffects> e = kb.lookup(api);
  if (!e)
    return 0;
  return e->Io ? kb.ioCost(*e) : kb.cpuCost(*e);
}

} // namespace

int main(int argc, char **argv) try {
  std::string tsv;
  int rounds = 5;
  std::filesystem::path dir = std::filesystem::temp_directory_path();
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--tsv" && i + 1 < argc)
      tsv = argv[++i];
    else if (arg == "--rounds" && i + 1 < argc)
      rounds = std::max(1, std::atoi(argv[++i]));
    else if (arg == "--dir" && i + 1 < argc)
      dir = argv[++i];
    else {
      std::cerr << "usage: bench_kb_calibration [--tsv FILE] [--rounds N] "
                   "[--dir DIR]\n";
      return 2;
    }
  }

  std::string load_at_start = load_average();
  scratch files(dir);
  std::vector<bench_case> cases = make_cases(files);
  const concur::KnowledgeBase &kb = concur::KnowledgeBase::builtin();

  std::printf("%-62s %-36s %-10s %12s %10s %8s\n", "measurement", "api",
              "relation", "measured ns", "kb cost", "kb/meas");
  std::ostringstream out;
  out << "# Measured cost of representative calls, for the knowledge base's\n"
         "# costs (checks/data/knowledge-base.yaml); checked by\n"
         "# tests/analysis/KnowledgeBaseCalibrationTest.cpp.\n"
      << "# Taken " << today() << " on " << machine() << "\n"
      << "# (load average " << load_at_start << " at the start),\n"
      << "# with bench/kb_calibration/run.sh (median of " << rounds
      << " rounds of at least 40 ms each, the best round for a floor;\n"
         "# files cached in the page cache of "
      << dir.string() << ").\n"
      << "measurement\tapi\trelation\tns_per_call\n";
  for (const bench_case &c : cases) {
    double ns = time_per_call(c, rounds);
    double cost = kb_cost(kb, c.api, c.relation);
    std::printf("%-62s %-36s %-10s %12.1f %10.0f %8s\n", c.name.c_str(),
                c.api.c_str(), c.relation.c_str(), ns, cost,
                cost > 0 ? (std::to_string(cost / ns).substr(0, 6)).c_str()
                         : "-");
    std::fflush(stdout);
    char ns_text[32];
    std::snprintf(ns_text, sizeof ns_text, "%.3g", ns);
    out << c.name << '\t' << c.api << '\t' << c.relation << '\t' << ns_text
        << '\n';
  }
  if (!tsv.empty()) {
    std::ofstream f(tsv);
    f << out.str();
    if (!f)
      throw std::runtime_error("cannot write " + tsv);
    std::printf("wrote %s\n", tsv.c_str());
  }
  return 0;
} catch (const std::exception &e) {
  std::cerr << "bench_kb_calibration: " << e.what() << '\n';
  return 1;
}
