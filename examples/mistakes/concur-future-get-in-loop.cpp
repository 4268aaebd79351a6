// Mistake: waiting for each task right after starting it
// (concur-future-get-in-loop).
//
// Every file is read on another thread with std::async, but the loop calls
// get() before it starts the next one, so the reads still happen one at a
// time. concur reports the get() in load_all with row `futures` over an I/O
// pool: start every read first (concur::executor over concur::io_pool()),
// then collect them with concur::as_completed.
#include <cstdio>
#include <future>
#include <string>
#include <vector>

static std::string load(const std::string &path) {
  std::string text;
  if (FILE *file = std::fopen(path.c_str(), "rb")) {
    char buffer[65536];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0)
      text.append(buffer, n);
    std::fclose(file);
  }
  return text;
}

static std::vector<std::string> load_all(const std::vector<std::string> &paths) {
  std::vector<std::string> texts;
  for (const std::string &path : paths) {
    std::future<std::string> text = std::async(std::launch::async, load, path);
    texts.push_back(text.get()); // waits before the next read starts
  }
  return texts;
}

int main(int argc, char **argv) {
  std::vector<std::string> paths(argv + 1, argv + argc);
  std::vector<std::string> texts = load_all(paths);
  for (size_t i = 0; i < texts.size(); ++i)
    std::printf("%s: %zu bytes\n", paths[i].c_str(), texts[i].size());
}
