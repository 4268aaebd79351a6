// concur::shared_dict: a dictionary that child processes read and write,
// its capacity (a clear error when full), entry sizes, atomic updates from
// several processes, and a process that dies holding its lock.
#include "concur/process.hpp"
#include "concur/shared_dict.hpp"

#include "invalid_argument_message.hpp"
#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <map>
#include <string>
#include <vector>

#if defined(__SANITIZE_THREAD__)
extern "C" const char *__tsan_default_suppressions() {
  return "race:std::__exception_ptr::exception_ptr::_M_release\n";
}
#endif

namespace {

void square_into(int n, concur::shared_dict<int, int> results) {
  results.set(n, n * n);
}
void count_up(concur::shared_dict<std::string, long> counts, int times) {
  for (int i = 0; i < times; ++i)
    counts.update("hits",
                  [](std::optional<long> old) { return old.value_or(0) + 1; });
}
void die_in_update(concur::shared_dict<std::string, long> counts) {
  counts.update("hits", [](std::optional<long> old) -> long {
    ::raise(SIGKILL); // holding the dictionary's lock
    return old.value_or(0);
  });
}
void set_new_key(concur::shared_dict<int, int> dict, int key) {
  dict.set(key, key);
}

class SharedDict : public ::testing::Test {
protected:
  static void SetUpTestSuite() { concur::start_fork_server(); }
};

TEST_F(SharedDict, SetGetEraseInOneProcess) {
  concur::shared_dict<std::string, std::vector<int>> dict(10);
  EXPECT_TRUE(dict.empty());
  dict.set("a", {1, 2});
  dict.set("b", {3});
  EXPECT_EQ(dict.size(), 2u);
  EXPECT_EQ(dict.get("a"), (std::vector<int>{1, 2}));
  EXPECT_EQ(dict.at("b"), std::vector<int>{3});
  EXPECT_EQ(dict.get("c"), std::nullopt);
  EXPECT_THROW(dict.at("c"), std::out_of_range);
  dict.set("a", {9}); // overwrite
  EXPECT_EQ(dict.get("a"), std::vector<int>{9});
  EXPECT_EQ(dict.size(), 2u);
  EXPECT_TRUE(dict.contains("b"));
  EXPECT_TRUE(dict.erase("b"));
  EXPECT_FALSE(dict.erase("b"));
  EXPECT_FALSE(dict.contains("b"));
  EXPECT_EQ(dict.size(), 1u);
  dict.clear();
  EXPECT_TRUE(dict.empty());
}

TEST_F(SharedDict, ItemsIsASnapshotOfEveryEntry) {
  concur::shared_dict<int, std::string> dict(100);
  for (int i = 0; i < 50; ++i)
    dict.set(i, std::to_string(i));
  auto items = dict.items();
  std::sort(items.begin(), items.end());
  ASSERT_EQ(items.size(), 50u);
  for (int i = 0; i < 50; ++i)
    EXPECT_EQ(items[std::size_t(i)], std::make_pair(i, std::to_string(i)));
}

TEST_F(SharedDict, ChildProcessesWriteAndTheParentReads) {
  concur::shared_dict<int, int> results(16);
  std::vector<concur::process> children;
  for (int i = 0; i < 5; ++i)
    children.emplace_back(square_into, i, results);
  for (auto &child : children)
    child.start();
  for (auto &child : children)
    child.get();
  auto items = results.items();
  std::map<int, int> seen(items.begin(), items.end());
  EXPECT_EQ(seen,
            (std::map<int, int>{{0, 0}, {1, 1}, {2, 4}, {3, 9}, {4, 16}}));
}

TEST_F(SharedDict, UpdatesFromSeveralProcessesAreNotLost) {
  concur::shared_dict<std::string, long> counts(4);
  std::vector<concur::process> children;
  for (int i = 0; i < 4; ++i)
    children.emplace_back(count_up, counts, 500);
  for (auto &child : children)
    child.start();
  for (auto &child : children)
    child.get();
  EXPECT_EQ(counts.get("hits"), 2000);
}

TEST_F(SharedDict, FullIsAClearErrorAndChangesNothing) {
  concur::shared_dict<int, int> dict(3);
  dict.set(1, 1);
  dict.set(2, 2);
  dict.set(3, 3);
  try {
    dict.set(4, 4);
    FAIL() << "no exception";
  } catch (const concur::shared_dict_full &error) {
    EXPECT_EQ(std::string(error.what()),
              "concur::shared_dict: full: it holds its capacity of 3 entries; "
              "create it with a larger capacity, or erase entries");
  }
  EXPECT_EQ(dict.size(), 3u);
  EXPECT_FALSE(dict.contains(4));
  dict.set(3, 30); // an existing key still takes a new value
  EXPECT_EQ(dict.get(3), 30);
  EXPECT_THROW(dict.update(5, [](std::optional<int>) { return 5; }),
               concur::shared_dict_full);
  EXPECT_TRUE(dict.erase(1));
  dict.set(4, 4);
  EXPECT_EQ(dict.get(4), 4);
}

TEST_F(SharedDict, FullInAChildIsARemoteError) {
  concur::shared_dict<int, int> dict(1);
  dict.set(1, 1);
  concur::process child(set_new_key, dict, 2);
  child.start();
  try {
    child.get();
    FAIL() << "no exception";
  } catch (const concur::remote_error &error) {
    EXPECT_EQ(error.type_name(), "concur::shared_dict_full");
  }
  EXPECT_EQ(child.exit_code(), 1);
}

TEST_F(SharedDict, TombstonesAreReused) {
  concur::shared_dict<int, int> dict(4);
  for (int round = 0; round < 1000; ++round) {
    dict.set(round, round);
    ASSERT_TRUE(dict.erase(round));
  }
  EXPECT_TRUE(dict.empty());
  for (int i = 0; i < 4; ++i)
    dict.set(i, i);
  EXPECT_EQ(dict.size(), 4u);
}

TEST_F(SharedDict, AnEntryTooLargeIsALengthError) {
  concur::shared_dict<std::string, std::string> dict(4, 64);
  try {
    dict.set("key", std::string(100, 'x'));
    FAIL() << "no exception";
  } catch (const std::length_error &error) {
    EXPECT_NE(std::string(error.what()).find("max_entry_bytes of 64"),
              std::string::npos)
        << error.what();
  }
  EXPECT_FALSE(dict.contains("key"));
  dict.set("key", std::string(20, 'x')); // 20 + 17 bytes, the key 3 + 17
  EXPECT_EQ(dict.get("key"), std::string(20, 'x'));
}

TEST_F(SharedDict, UpdateThatThrowsChangesNothing) {
  concur::shared_dict<int, int> dict(4);
  dict.set(1, 10);
  EXPECT_THROW(
      dict.update(
          1, [](std::optional<int>) -> int { throw std::runtime_error("no"); }),
      std::runtime_error);
  EXPECT_EQ(dict.get(1), 10);
  EXPECT_EQ(dict.update(1, [](std::optional<int> old) { return *old + 1; }),
            11);
}

TEST_F(SharedDict, AProcessDyingHoldingTheLockLosesNothingElse) {
  concur::shared_dict<std::string, long> counts(8);
  counts.set("hits", 5);
  counts.set("other", 1);
  concur::process victim(die_in_update, counts);
  victim.start();
  ASSERT_TRUE(victim.join_for(std::chrono::seconds(20)));
  EXPECT_EQ(victim.exit_code(), -SIGKILL);
  // The next lock is told the holder died, repairs, and goes on.
  EXPECT_EQ(counts.get("hits"), 5);
  EXPECT_EQ(counts.get("other"), 1);
  EXPECT_EQ(counts.size(), 2u);
  concur::process child(count_up, counts, 10);
  child.start();
  child.get();
  EXPECT_EQ(counts.get("hits"), 15);
}

TEST_F(SharedDict, BadSizesAreInvalidArguments) {
  EXPECT_EQ(
      invalid_argument_message([] { concur::shared_dict<int, int> d(0); }),
      "concur::shared_dict: capacity must be between 1 and 67108864, "
      "got 0");
  EXPECT_EQ(
      invalid_argument_message([] { concur::shared_dict<int, int> d(10, 4); }),
      "concur::shared_dict: max_entry_bytes must be between 8 and "
      "1048576, got 4");
}

} // namespace
