#include "concur/memory.hpp"

#include "invalid_argument_message.hpp"
#include <gtest/gtest.h>
#include <signal.h>
#include <stdexcept>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <map>
#include <numeric>
#include <random>
#include <thread>
#include <type_traits>

namespace {

namespace fs = std::filesystem;

// Test codec: strings as themselves, trivially copyable values as bytes.
struct bytes_codec {
  template <class T> std::string encode(const T &value) const {
    if constexpr (std::is_same_v<T, std::string>) {
      return value;
    } else {
      static_assert(std::is_trivially_copyable_v<T>);
      return std::string(reinterpret_cast<const char *>(&value), sizeof value);
    }
  }
  template <class T> T decode(std::string_view bytes) const {
    if constexpr (std::is_same_v<T, std::string>) {
      return std::string(bytes);
    } else {
      T value;
      if (bytes.size() != sizeof value)
        throw std::runtime_error("bad size");
      std::memcpy(&value, bytes.data(), sizeof value);
      return value;
    }
  }
};

class MemoryTest : public ::testing::Test {
protected:
  void SetUp() override {
    directory_ =
        fs::temp_directory_path() /
        ("concur-memory-test-" + std::to_string(::getpid()) + "-" +
         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(directory_);
  }
  void TearDown() override { fs::remove_all(directory_); }

  std::vector<fs::path> entry_files() const {
    std::vector<fs::path> files;
    for (const auto &entry : fs::recursive_directory_iterator(directory_)) {
      if (entry.is_regular_file())
        files.push_back(entry.path());
    }
    return files;
  }

  fs::path directory_;
};

TEST_F(MemoryTest, NegativeOrAbsurdLimitsAreClearErrors) {
  EXPECT_EQ(invalid_argument_message([&] {
              concur::memory m(directory_,
                               {.max_bytes = static_cast<std::uint64_t>(-1)});
            }),
            "concur::memory: max_bytes must be between 0 and 1125899906842624 "
            "(1 PiB), got -1");
  EXPECT_EQ(
      invalid_argument_message([&] {
        concur::memory m(directory_,
                         {.max_entries = static_cast<std::size_t>(-1)});
      }),
      "concur::memory: max_entries must be between 0 and 1073741824, got -1");
  concur::memory disabled(directory_,
                          {.max_bytes = 0, .max_entries = 0}); // caches nothing
  EXPECT_EQ(disabled.options().max_entries, 0u);
}

TEST_F(MemoryTest, EqualArgumentsHitDifferentArgumentsMiss) {
  concur::memory cache(directory_);
  int calls = 0;
  auto square = cache.cache(
      "square", "1",
      [&](int x) {
        ++calls;
        return x * x;
      },
      bytes_codec{});
  EXPECT_EQ(square(7), 49);
  EXPECT_EQ(square(7), 49);
  EXPECT_EQ(square(8), 64);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(cache.stats().hits, 1u);
  EXPECT_EQ(cache.stats().misses, 2u);
}

TEST_F(MemoryTest, ResultsSurviveTheProcessAndTheCacheObject) {
  int calls = 0;
  auto greet = [&](const std::string &name) {
    ++calls;
    return "hello " + name;
  };
  {
    concur::memory cache(directory_);
    auto cached = cache.cache("greet", "1", greet, bytes_codec{});
    EXPECT_EQ(cached(std::string("ada")), "hello ada");
  }
  concur::memory reopened(directory_);
  auto cached = reopened.cache("greet", "1", greet, bytes_codec{});
  EXPECT_EQ(cached(std::string("ada")), "hello ada");
  EXPECT_EQ(calls, 1);
}

TEST_F(MemoryTest, VersionAndNameAreFunctionIdentity) {
  concur::memory cache(directory_);
  int calls = 0;
  auto v1 = cache.cache(
      "f", "1",
      [&](int x) {
        ++calls;
        return x + 1;
      },
      bytes_codec{});
  auto v2 = cache.cache(
      "f", "2",
      [&](int x) {
        ++calls;
        return x + 2;
      },
      bytes_codec{});
  auto other = cache.cache(
      "g", "1",
      [&](int x) {
        ++calls;
        return x + 3;
      },
      bytes_codec{});
  EXPECT_EQ(v1(1), 2);
  EXPECT_EQ(v2(1), 3);
  EXPECT_EQ(other(1), 4);
  EXPECT_EQ(v1(1), 2);
  EXPECT_EQ(calls, 3);
}

TEST_F(MemoryTest, KeysSeparateArgumentBoundaries) {
  EXPECT_FALSE(concur::cache_key::of({"ab", "c"}) ==
               concur::cache_key::of({"a", "bc"}));
  EXPECT_TRUE(concur::cache_key::of({"ab", "c"}) ==
              concur::cache_key::of({"ab", "c"}));
  EXPECT_EQ(concur::cache_key::of({"x"}).hex().size(), 32u);
}

TEST_F(MemoryTest, CorruptEntriesAreDetectedRemovedAndRecomputed) {
  concur::memory cache(directory_);
  int calls = 0;
  auto twice = cache.cache(
      "twice", "1",
      [&](const std::string &s) {
        ++calls;
        return s + s;
      },
      bytes_codec{});
  EXPECT_EQ(twice(std::string("abc")), "abcabc");
  ASSERT_EQ(entry_files().size(), 1u);
  const fs::path file = entry_files().front();

  // Flip one payload byte: same size, wrong checksum.
  {
    std::fstream stream(file, std::ios::in | std::ios::out | std::ios::binary);
    stream.seekp(-1, std::ios::end);
    stream.put('X');
  }
  EXPECT_EQ(twice(std::string("abc")), "abcabc");
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(cache.stats().corrupt_entries, 1u);

  // Truncate: the header's size no longer matches.
  fs::resize_file(entry_files().front(), 10);
  EXPECT_EQ(twice(std::string("abc")), "abcabc");
  EXPECT_EQ(calls, 3);

  // Garbage of the right length.
  std::ofstream(entry_files().front(), std::ios::binary | std::ios::trunc)
      << std::string(30, '\0');
  EXPECT_EQ(twice(std::string("abc")), "abcabc");
  EXPECT_EQ(calls, 4);
  EXPECT_EQ(cache.stats().corrupt_entries, 3u);
  EXPECT_EQ(twice(std::string("abc")), "abcabc");
  EXPECT_EQ(calls, 4);
}

TEST_F(MemoryTest, EvictsLeastRecentlyUsedByCount) {
  concur::memory cache(directory_, {.max_entries = 3});
  auto key = [](int i) { return concur::cache_key::of({std::to_string(i)}); };
  for (int i = 0; i < 3; ++i) {
    cache.store(key(i), "value");
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(cache.load(key(0))); // 0 is now the most recently used
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  cache.store(key(3), "value");
  EXPECT_EQ(cache.disk_usage().entries, 3u);
  EXPECT_TRUE(cache.load(key(0)));
  EXPECT_FALSE(cache.load(key(1))); // the least recently used went
  EXPECT_TRUE(cache.load(key(2)));
  EXPECT_TRUE(cache.load(key(3)));
  EXPECT_EQ(cache.stats().evictions, 1u);
}

TEST_F(MemoryTest, EnforcesTheByteLimit) {
  constexpr std::uint64_t limit = 64 * 1024;
  concur::memory cache(directory_, {.max_bytes = limit});
  const std::string value(10 * 1024, 'v');
  for (int i = 0; i < 40; ++i) {
    cache.store(concur::cache_key::of({std::to_string(i)}), value);
    EXPECT_LE(cache.disk_usage().bytes, limit);
  }
  EXPECT_GE(cache.disk_usage().entries, 5u);
  // Larger than the whole cache: not stored at all.
  cache.store(concur::cache_key::of({"huge"}), std::string(limit + 1, 'h'));
  EXPECT_FALSE(cache.load(concur::cache_key::of({"huge"})));
  EXPECT_LE(cache.disk_usage().bytes, limit);
}

TEST_F(MemoryTest, LimitHoldsAcrossProcessesSharingTheDirectory) {
  constexpr std::uint64_t limit = 200 * 1024;
  const std::string value(4 * 1024, 'p');
  std::vector<pid_t> children;
  for (int child = 0; child < 2; ++child) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      int status = 0;
      try {
        concur::memory cache(directory_, {.max_bytes = limit});
        for (int i = 0; i < 200; ++i) {
          // Both processes write the same keys too: atomic replacement.
          const auto key = concur::cache_key::of({std::to_string(i % 120)});
          cache.store(key, value);
          auto loaded = cache.load(key);
          if (loaded && *loaded != value)
            status = 2; // a torn or mixed entry
        }
      } catch (...) {
        status = 3;
      }
      ::_exit(status);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
  }
  concur::memory cache(directory_, {.max_bytes = limit});
  EXPECT_LE(cache.disk_usage().bytes, limit);
  for (const fs::path &file : entry_files()) {
    EXPECT_FALSE(file.filename().string().starts_with(".tmp-")) << file;
  }
}

TEST_F(MemoryTest, UnusableDirectoryIsAClearError) {
  fs::create_directories(directory_);
  std::ofstream(directory_ / "file") << "x";
  EXPECT_THROW(concur::memory(directory_ / "file"), fs::filesystem_error);
}

// Every entry lives in a two-hex-digit subdirectory of the cache; making each
// of those names a regular file makes every store fail, also for root (whom
// chmod would not stop), while the cache directory itself stays usable.
void block_every_entry_directory(const fs::path &directory) {
  for (int i = 0; i < 256; ++i) {
    static constexpr char digits[] = "0123456789abcdef";
    const std::string name{digits[i / 16], digits[i % 16]};
    std::ofstream(directory / name) << "not a directory";
  }
}

TEST_F(MemoryTest, UnwritableCacheReturnsTheValueAndWarnsOnce) {
  concur::memory memory(directory_);
  block_every_entry_directory(directory_);
  int calls = 0;
  auto square = memory.cache("square", "1", [&calls](int x) {
    ++calls;
    return x * x;
  });
  testing::internal::CaptureStderr();
  int first = 0, second = 0, again = 0;
  EXPECT_NO_THROW(first = square(3));
  EXPECT_NO_THROW(second = square(4));
  EXPECT_NO_THROW(again = square(3));
  const std::string printed = testing::internal::GetCapturedStderr();
  EXPECT_EQ(first, 9);
  EXPECT_EQ(second, 16);
  EXPECT_EQ(again, 9);
  EXPECT_EQ(calls, 3); // nothing could be cached
  // One warning for one kind of failure, with the runtime's prefix.
  EXPECT_TRUE(printed.starts_with("concur: ")) << printed;
  EXPECT_NE(printed.find(directory_.string()), std::string::npos) << printed;
  EXPECT_EQ(std::count(printed.begin(), printed.end(), '\n'), 1) << printed;
  EXPECT_EQ(memory.stats().store_failures, 3u); // every failure is counted
  EXPECT_EQ(memory.stats().load_failures, 0u); // no entry there is a plain miss
  EXPECT_EQ(memory.stats().stores, 0u);

  // The handler replaces stderr; a new kind of failure is reported again.
  std::vector<std::string> warnings;
  memory.set_warning_handler(
      [&warnings](std::string_view text) { warnings.emplace_back(text); });
  EXPECT_EQ(square(5), 25);
  EXPECT_TRUE(warnings.empty()); // the same failure as before: counted only
  EXPECT_EQ(memory.stats().store_failures, 4u);
  EXPECT_FALSE(memory.try_store(concur::cache_key::of({"k"}), "v"));
  EXPECT_THROW(memory.store(concur::cache_key::of({"k"}), "v"),
               std::filesystem::filesystem_error);
}

// A write that fails half way (a full disk; here the file size limit, which
// stops root too) loses the entry, not the result.
TEST_F(MemoryTest, FailedWriteReturnsTheValue) {
  concur::memory memory(directory_);
  std::vector<std::string> warnings;
  memory.set_warning_handler(
      [&warnings](std::string_view text) { warnings.emplace_back(text); });
  auto twice = memory.cache("twice", "1", [](int x) { return 2 * x; });
  struct sigaction ignore{}, previous_action{};
  ignore.sa_handler = SIG_IGN;
  ASSERT_EQ(::sigaction(SIGXFSZ, &ignore, &previous_action),
            0); // EFBIG instead of the signal
  rlimit previous_limit{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &previous_limit), 0);
  rlimit tiny = previous_limit;
  tiny.rlim_cur = 8; // smaller than an entry's header
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &tiny), 0);
  int value = 0;
  EXPECT_NO_THROW(value = twice(21));
  ::setrlimit(RLIMIT_FSIZE, &previous_limit);
  ::sigaction(SIGXFSZ, &previous_action, nullptr);
  EXPECT_EQ(value, 42);
  for (const fs::path &file : entry_files())
    ADD_FAILURE() << "left behind: " << file;
  EXPECT_EQ(memory.stats().store_failures, 1u);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("File too large"), std::string::npos)
      << warnings[0];
}

// An entry that exists but cannot be read (here a symbolic link loop) is
// recomputed, counted and reported, not thrown.
TEST_F(MemoryTest, UnreadableEntryIsRecomputedAndReported) {
  concur::memory memory(directory_);
  std::vector<std::string> warnings;
  memory.set_warning_handler(
      [&warnings](std::string_view text) { warnings.emplace_back(text); });
  auto twice = memory.cache("twice", "1", [](int x) { return 2 * x; });
  const std::string hex = twice.key_for(21).hex();
  const fs::path entry =
      directory_ / hex.substr(0, 2) / (hex.substr(2) + ".entry");
  fs::create_directories(entry.parent_path());
  fs::create_symlink(entry.filename(), entry); // points at itself: ELOOP
  EXPECT_EQ(twice(21), 42);
  EXPECT_EQ(memory.stats().load_failures, 1u);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_TRUE(warnings[0].starts_with("concur: memory cache ")) << warnings[0];
  EXPECT_NE(warnings[0].find("could not be read"), std::string::npos)
      << warnings[0];
  // The store replaced the link with a real entry: the next call hits.
  EXPECT_EQ(twice(21), 42);
  EXPECT_EQ(memory.stats().hits, 1u);
}

TEST_F(MemoryTest, ClearRemovesEverything) {
  concur::memory cache(directory_);
  cache.store(concur::cache_key::of({"a"}), "1");
  cache.store(concur::cache_key::of({"b"}), "2");
  cache.clear();
  EXPECT_EQ(cache.disk_usage().entries, 0u);
  EXPECT_FALSE(cache.load(concur::cache_key::of({"a"})));
}

TEST_F(MemoryTest, DefaultCodecHandlesContainersAndLargeArguments) {
  concur::memory cache(directory_);
  int calls = 0;
  auto histogram = cache.cache(
      "histogram", "1", [&](const std::vector<double> &values, int bins) {
        ++calls;
        std::map<int, int> counts;
        for (double v : values)
          ++counts[static_cast<int>(v) % bins];
        return counts;
      });
  std::vector<double> values(1 << 20); // 8 MiB argument
  std::iota(values.begin(), values.end(), 0.0);
  const auto first = histogram(values, 7);
  const auto second = histogram(values, 7);
  EXPECT_EQ(first, second);
  EXPECT_EQ(first.size(), 7u);
  EXPECT_EQ(calls, 1);
  values[12345] += 1; // one element differs: a different key
  (void)histogram(values, 7);
  EXPECT_EQ(calls, 2);
}

TEST_F(MemoryTest, StoredResultOfAnotherTypeIsRecomputedNotMisread) {
  concur::memory cache(directory_);
  auto as_number = cache.cache("f", "1", [](int x) { return x; });
  EXPECT_EQ(as_number(5), 5);
  // Same name and version, new result type: the stored bytes do not decode.
  int calls = 0;
  auto as_text = cache.cache("f", "1", [&](int x) {
    ++calls;
    return std::to_string(x) + "!";
  });
  EXPECT_EQ(as_text(5), "5!");
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(as_text(5), "5!");
  EXPECT_EQ(calls, 1);
}

} // namespace
