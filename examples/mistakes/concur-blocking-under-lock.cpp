// Common mistake: waiting for I/O while holding a lock.
//
// A cache shared by worker threads refreshes a missing entry from disk while
// it holds the cache's mutex, so every other thread that looks anything up
// waits for the disk too. concur reports the call in `lookup` as
// `concur-blocking-under-lock` (row: threading): read the file with the lock
// released, and take the lock again only to store the result.
#include <fcntl.h>
#include <unistd.h>

#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

class FileCache {
public:
  std::string lookup(const std::string &path) {
    std::lock_guard<std::mutex> guard(mutex_);
    auto it = entries_.find(path);
    if (it != entries_.end())
      return it->second;
    std::string body = read_file(path); // the mistake: disk I/O under mutex_
    entries_.emplace(path, body);
    return body;
  }

private:
  static std::string read_file(const std::string &path) {
    std::string body;
    int fd = open(path.c_str(), O_RDONLY);
    if (fd < 0)
      return body;
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
      body.append(buf, static_cast<size_t>(n));
    close(fd);
    return body;
  }

  std::mutex mutex_;
  std::map<std::string, std::string> entries_;
};

int main(int argc, char **argv) {
  FileCache cache;
  std::vector<std::thread> workers;
  for (int i = 1; i < argc; ++i)
    workers.push_back(std::thread(
        [&cache, path = std::string(argv[i])] { cache.lookup(path); }));
  for (std::thread &w : workers)
    w.join();
  return 0;
}
