// concur::process_queue: values between processes, bounds, timeouts,
// close() as the end of the queue (also for blocked processes), and a
// process that dies holding the queue's lock, which must not leave the
// others waiting forever.
#include "concur/process.hpp"
#include "concur/process_pool.hpp"
#include "concur/process_queue.hpp"
#include "concur/shared_buffer.hpp"

#include "invalid_argument_message.hpp"
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <numeric>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

using namespace std::chrono_literals;

#if defined(__SANITIZE_THREAD__)
extern "C" const char *__tsan_default_suppressions() {
  return "race:std::__exception_ptr::exception_ptr::_M_release\n";
}
#endif

namespace {

// A value whose decoding kills the decoding process: get() decodes under
// the queue's lock, so this is a consumer that dies holding it.
struct poison {
  int value = 0;
  template <class Archive> void serialize(Archive &archive) {
    archive(value);
    if constexpr (std::is_same_v<Archive, concur::input_archive>)
      if (value < 0)
        ::raise(SIGKILL);
  }
};

// A value large enough to be copied in and out without the queue's lock.
// kill_reader kills the process that decodes it; kill_writer the process
// that puts it, in its second serialisation (the first measures it, the
// second writes it into the ring). Either way the process dies holding a
// reservation, outside the queue's lock.
constexpr int kill_reader = -1, kill_writer = -2;
struct large_poison {
  std::vector<char> padding = std::vector<char>(20000, 'p');
  int value = 0;
  template <class Archive> void serialize(Archive &archive) {
    static int saves = 0;
    archive(padding, value);
    if constexpr (std::is_same_v<Archive, concur::input_archive>) {
      if (value == kill_reader)
        ::raise(SIGKILL);
    } else if (value == kill_writer && ++saves == 2) {
      ::raise(SIGKILL);
    }
  }
};

// A large value whose serialize() writes fewer bytes the second time.
struct shrinking {
  std::vector<char> padding = std::vector<char>(20000, 's');
  int saves = 0;
  template <class Archive> void serialize(Archive &archive) {
    if constexpr (!std::is_same_v<Archive, concur::input_archive>)
      if (++saves == 2)
        padding.resize(100);
    archive(padding);
  }
};

// A large string whose characters say which value it is.
std::string large_value(int index) {
  std::string text = std::to_string(index) + ':';
  text.resize(std::size_t(10000 + index % 7 * 3000), char('a' + index % 26));
  return text;
}

void produce_large_values(concur::process_queue<std::string> queue, int first,
                          int count) {
  for (int i = first; i < first + count; ++i)
    queue.put(large_value(i));
}

// Checks each value it gets against large_value() and sums their indices
// as consume() does; a mismatch counts in slot index + 1 as -1000000.
void consume_large_values(concur::process_queue<std::string> queue,
                          concur::shared_buffer<long> results, int index) {
  long sum = 0, count = 0;
  while (std::optional<std::string> item = queue.get()) {
    int value = std::stoi(*item);
    sum += value;
    count += *item == large_value(value) ? 1 : -1000000;
  }
  results[std::size_t(index)] = sum;
  results[std::size_t(index) + 1] = count;
}

void put_large_poison(concur::process_queue<large_poison> queue) {
  queue.put(large_poison{});
  large_poison poison;
  poison.value = kill_writer;
  queue.put(poison);
}
void get_large_one(concur::process_queue<large_poison> queue) {
  (void)queue.get();
}

// Puts `count` values of 64 KiB written in place: value i is all 'a' + i % 26.
void produce_in_place(concur::process_queue<std::string> queue, int count) {
  for (int i = 0; i < count; ++i)
    queue.put_in_place(65536, [i](std::span<char> characters) {
      std::fill(characters.begin(), characters.end(), char('a' + i % 26));
    });
  queue.close();
}

void produce(concur::process_queue<std::string> queue, int first, int count) {
  for (int i = first; i < first + count; ++i)
    queue.put(std::to_string(i));
}

// Sums what it gets until the end of the queue; slot `index` gets the sum,
// slot index + 1 the count.
void consume(concur::process_queue<std::string> queue,
             concur::shared_buffer<long> results, int index) {
  long sum = 0, count = 0;
  while (std::optional<std::string> item = queue.get()) {
    sum += std::stol(*item);
    ++count;
  }
  results[std::size_t(index)] = sum;
  results[std::size_t(index) + 1] = count;
}

void get_one(concur::process_queue<poison> queue) { (void)queue.get(); }
void put_one(concur::process_queue<int> queue, int value) { queue.put(value); }
void get_until_end(concur::process_queue<int> queue) {
  while (queue.get()) {
  }
}
void produce_large(concur::process_queue<std::string> queue) {
  std::string item(65536, 'x');
  for (;;)
    queue.put(item);
}
void drain(concur::process_queue<std::string> queue) {
  while (queue.get()) {
  }
}
int pool_put(concur::process_queue<int> queue, int value) {
  queue.put(value);
  return value;
}

class ProcessQueue : public ::testing::Test {
protected:
  static void SetUpTestSuite() { concur::start_fork_server(); }
};

TEST_F(ProcessQueue, FifoInOneProcess) {
  concur::process_queue<int> queue(100);
  EXPECT_TRUE(queue.empty());
  for (int i = 0; i < 50; ++i)
    queue.put(i);
  EXPECT_EQ(queue.size(), 50u);
  for (int i = 0; i < 50; ++i)
    EXPECT_EQ(queue.get(), i);
  EXPECT_TRUE(queue.empty());
}

TEST_F(ProcessQueue, CloseEndsTheQueueAfterItsValues) {
  concur::process_queue<std::string> queue;
  queue.put("a");
  queue.put("b");
  queue.close();
  queue.close(); // idempotent
  EXPECT_TRUE(queue.closed());
  EXPECT_THROW(queue.put("c"), concur::process_queue_closed);
  EXPECT_EQ(queue.get(), "a");
  EXPECT_EQ(queue.get(), "b");
  EXPECT_EQ(queue.get(), std::nullopt);
  EXPECT_EQ(queue.get_for(10ms), std::nullopt); // the end, not a timeout
}

TEST_F(ProcessQueue, WrapsAroundItsRingWithValuesOfEverySize) {
  // Always one value queued, so the ring never restarts empty at 0: the
  // records of 32 to 184 bytes (values of 17 to 166 bytes) wrap around its
  // 640 bytes again and again.
  concur::process_queue<std::string> queue(8, 640);
  auto value = [](int round) {
    return std::string(std::size_t(round * 7 % 150), char('a' + round % 26));
  };
  queue.put(value(0));
  for (int round = 1; round < 400; ++round) {
    queue.put(value(round));
    ASSERT_EQ(queue.get(), value(round - 1));
  }
  EXPECT_EQ(queue.get(), value(399));
  EXPECT_TRUE(queue.empty());
}

TEST_F(ProcessQueue, ProducerAndConsumerProcesses) {
  concur::process_queue<std::string> queue(16);
  concur::shared_buffer<long> results(2);
  concur::process producer(produce, queue, 0, 2000);
  concur::process consumer(consume, queue, results, 0);
  producer.start();
  consumer.start();
  producer.get();
  queue.close(); // the sentinel
  consumer.get();
  EXPECT_EQ(results[1], 2000);
  EXPECT_EQ(results[0], 1999L * 2000 / 2);
}

TEST_F(ProcessQueue, ManyProducersAndConsumers) {
  concur::process_queue<std::string> queue(8, 512);
  concur::shared_buffer<long> results(6);
  std::vector<concur::process> producers, consumers;
  for (int i = 0; i < 3; ++i)
    producers.emplace_back(produce, queue, i * 1000, 1000);
  for (int i = 0; i < 3; ++i)
    consumers.emplace_back(consume, queue, results, 2 * i);
  for (auto &p : producers)
    p.start();
  for (auto &c : consumers)
    c.start();
  for (auto &p : producers)
    p.get();
  queue.close();
  for (auto &c : consumers)
    c.get();
  EXPECT_EQ(results[1] + results[3] + results[5], 3000);
  EXPECT_EQ(results[0] + results[2] + results[4], 2999L * 3000 / 2);
}

TEST_F(ProcessQueue, PassesToAProcessPoolTask) {
  concur::process_queue<int> queue;
  concur::process_pool pool(2);
  EXPECT_EQ(pool.submit(pool_put, queue, 5).get(), 5);
  EXPECT_EQ(queue.get_for(5s), 5);
}

TEST_F(ProcessQueue, PutForTimesOutWhenFull) {
  concur::process_queue<int> queue(2);
  queue.put(1);
  queue.put(2);
  auto started = std::chrono::steady_clock::now();
  EXPECT_THROW(queue.put_for(3, 100ms), concur::process_queue_timeout);
  EXPECT_GE(std::chrono::steady_clock::now() - started, 100ms);
  EXPECT_EQ(queue.size(), 2u);
  EXPECT_EQ(queue.get(), 1);
  queue.put_for(3, 100ms); // room now
  EXPECT_EQ(queue.get(), 2);
  EXPECT_EQ(queue.get(), 3);
}

TEST_F(ProcessQueue, FullByBytesAsWellAsByCount) {
  concur::process_queue<std::string> queue(100, 128);
  queue.put(std::string(80, 'x'));
  EXPECT_THROW(queue.put_for(std::string(80, 'y'), 50ms),
               concur::process_queue_timeout);
  EXPECT_EQ(queue.get(), std::string(80, 'x'));
}

TEST_F(ProcessQueue, GetForTimesOutWhenEmpty) {
  concur::process_queue<int> queue;
  auto started = std::chrono::steady_clock::now();
  EXPECT_THROW((void)queue.get_for(100ms), concur::process_queue_timeout);
  EXPECT_GE(std::chrono::steady_clock::now() - started, 100ms);
}

TEST_F(ProcessQueue, AValueLargerThanTheRingIsALengthError) {
  concur::process_queue<std::string> queue(10, 1024);
  try {
    queue.put(std::string(2000, 'x'));
    FAIL() << "no exception";
  } catch (const std::length_error &error) {
    EXPECT_NE(std::string(error.what()).find("buffer_bytes"), std::string::npos)
        << error.what();
  }
  EXPECT_TRUE(queue.empty());
  queue.put("fits");
  EXPECT_EQ(queue.get(), "fits");
}

TEST_F(ProcessQueue, ADescriptorCannotBeAValue) {
  concur::process_queue<concur::shared_buffer<int>> queue;
  EXPECT_THROW(queue.put(concur::shared_buffer<int>(4)), std::invalid_argument);
}

TEST_F(ProcessQueue, BadSizesAreInvalidArguments) {
  EXPECT_EQ(invalid_argument_message([] { concur::process_queue<int> q(0); }),
            "concur::process_queue: max_items must be between 1 and "
            "1073741824, got 0");
  EXPECT_EQ(invalid_argument_message(
                [] { concur::process_queue<int> q(std::size_t(-1)); }),
            "concur::process_queue: max_items must be between 1 and "
            "1073741824, got -1");
  EXPECT_EQ(
      invalid_argument_message([] { concur::process_queue<int> q(10, 8); }),
      "concur::process_queue: buffer_bytes must be between 64 and "
      "68719476736, got 8");
}

TEST_F(ProcessQueue, CloseWakesABlockedGetterInAnotherProcess) {
  concur::process_queue<int> queue;
  concur::process getter(get_until_end, queue);
  getter.start();
  EXPECT_FALSE(getter.join_for(100ms)); // blocked in get()
  queue.close();
  ASSERT_TRUE(getter.join_for(10s));
  EXPECT_EQ(getter.exit_code(), 0);
}

TEST_F(ProcessQueue, CloseWakesABlockedPutterInAnotherProcess) {
  concur::process_queue<int> queue(1);
  queue.put(1);
  concur::process putter(put_one, queue, 2);
  putter.start();
  EXPECT_FALSE(putter.join_for(100ms)); // blocked: the queue is full
  queue.close();
  ASSERT_TRUE(putter.join_for(10s));
  try {
    putter.get();
    FAIL() << "the putter did not fail";
  } catch (const concur::remote_error &error) {
    EXPECT_EQ(error.type_name(), "concur::process_queue_closed");
  }
  EXPECT_EQ(queue.get(), 1);
  EXPECT_EQ(queue.get(), std::nullopt);
}

TEST_F(ProcessQueue, AConsumerDyingHoldingTheLockBreaksTheQueueForTheOthers) {
  concur::process_queue<poison> queue;
  // Two consumers block in get(); the one that takes the poisoned value
  // dies by SIGKILL while it holds the lock.
  concur::process first(get_one, queue), second(get_one, queue);
  first.start();
  second.start();
  EXPECT_FALSE(first.join_for(50ms));
  queue.put(poison{-1});
  ASSERT_TRUE(first.join_for(20s));
  ASSERT_TRUE(second.join_for(20s)); // woken, not left waiting
  std::vector<concur::process *> both{&first, &second};
  int killed = 0, broken = 0;
  for (auto *p : both) {
    if (p->exit_code() == -SIGKILL) {
      ++killed;
      continue;
    }
    try {
      p->get();
    } catch (const concur::remote_error &error) {
      if (error.type_name() == "concur::process_queue_broken")
        ++broken;
    }
  }
  EXPECT_EQ(killed, 1);
  EXPECT_EQ(broken, 1);
  EXPECT_THROW(queue.put(poison{1}), concur::process_queue_broken);
  EXPECT_THROW((void)queue.get_for(5s), concur::process_queue_broken);
}

TEST_F(ProcessQueue, BrokenQueueStillDeliversCompleteValuesFirst) {
  concur::process_queue<poison> queue;
  queue.put(poison{-1});
  queue.put(poison{7});
  concur::process victim(get_one, queue);
  victim.start();
  victim.join();
  ASSERT_EQ(victim.exit_code(), -SIGKILL);
  std::optional<poison> next = queue.get_for(5s);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->value, 7);
  EXPECT_THROW((void)queue.get_for(5s), concur::process_queue_broken);
  queue.close(); // still allowed
}

TEST_F(ProcessQueue, AProducerKilledMidPutDoesNotHangTheConsumer) {
  // Killed at a random point: holding the lock (the consumer then sees
  // process_queue_broken) or not (the consumer sees the end after close()).
  for (int round = 0; round < 3; ++round) {
    concur::process_queue<std::string> queue(4, 1 << 20);
    concur::process producer(produce_large, queue);
    concur::process consumer(drain, queue);
    producer.start();
    consumer.start();
    std::this_thread::sleep_for(std::chrono::milliseconds(30 + 20 * round));
    producer.kill();
    producer.join();
    EXPECT_EQ(producer.exit_code(), -SIGKILL);
    queue.close();
    ASSERT_TRUE(consumer.join_for(20s)) << "the consumer hangs";
    if (auto error = consumer.exception()) {
      try {
        std::rethrow_exception(error);
      } catch (const concur::remote_error &remote) {
        EXPECT_EQ(remote.type_name(), "concur::process_queue_broken");
      }
    } else {
      EXPECT_EQ(consumer.exit_code(), 0);
    }
  }
}

TEST_F(ProcessQueue, LargeValuesKeepTheirOrderAcrossProcesses) {
  // A ring of a few values, so that records wrap around it constantly.
  concur::process_queue<std::string> queue(64, 48 * 1024);
  concur::process producer(produce_large_values, queue, 0, 500);
  producer.start();
  for (int i = 0; i < 500; ++i) {
    std::optional<std::string> item = queue.get_for(20s);
    ASSERT_TRUE(item);
    ASSERT_EQ(*item, large_value(i)) << "value " << i;
  }
  producer.get();
}

TEST_F(ProcessQueue, ManyProducersAndConsumersOfLargeValues) {
  concur::process_queue<std::string> queue(8, 64 * 1024);
  concur::shared_buffer<long> results(6);
  std::vector<concur::process> producers, consumers;
  for (int i = 0; i < 3; ++i)
    producers.emplace_back(produce_large_values, queue, i * 300, 300);
  for (int i = 0; i < 3; ++i)
    consumers.emplace_back(consume_large_values, queue, results, 2 * i);
  for (auto &p : producers)
    p.start();
  for (auto &c : consumers)
    c.start();
  for (auto &p : producers)
    p.get();
  queue.close();
  for (auto &c : consumers)
    c.get();
  EXPECT_EQ(results[1] + results[3] + results[5], 900);
  EXPECT_EQ(results[0] + results[2] + results[4], 899L * 900 / 2);
}

TEST_F(ProcessQueue, LargeAndSmallValuesInOneQueue) {
  concur::process_queue<std::string> queue(16, 128 * 1024);
  for (int round = 0; round < 50; ++round) {
    queue.put(large_value(round));
    queue.put(std::to_string(round));
    ASSERT_EQ(queue.get(), large_value(round));
    ASSERT_EQ(queue.get(), std::to_string(round));
  }
  EXPECT_TRUE(queue.empty());
}

TEST_F(ProcessQueue, AValueThatSerialisesDifferentlyTwiceIsDropped) {
  concur::process_queue<shrinking> queue(8, 1 << 20);
  try {
    queue.put(shrinking{});
    FAIL() << "no exception";
  } catch (const concur::serialization_error &error) {
    EXPECT_NE(std::string(error.what()).find("not deterministic"),
              std::string::npos)
        << error.what();
  }
  // The reserved record is skipped; the queue works on.
  shrinking next;
  next.saves = 5;
  queue.put(next);
  std::optional<shrinking> got = queue.get_for(5s);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->padding.size(), 20000u);
  EXPECT_TRUE(queue.empty());
}

TEST_F(ProcessQueue, AProducerDyingHoldingAReservationBreaksTheQueue) {
  concur::process_queue<large_poison> queue(16, 1 << 20);
  concur::process producer(put_large_poison, queue);
  producer.start();
  producer.join();
  ASSERT_EQ(producer.exit_code(), -SIGKILL);
  // The first value was complete; the second was reserved and never filled.
  std::optional<large_poison> first = queue.get_for(5s);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->value, 0);
  EXPECT_THROW((void)queue.get_for(5s), concur::process_queue_broken);
  EXPECT_THROW(queue.put(large_poison{}), concur::process_queue_broken);
}

TEST_F(ProcessQueue, AConsumerDyingHoldingAReservationBreaksTheQueue) {
  // Room for two records: the third put needs the space the dead consumer
  // holds, and must learn of its death instead of waiting for it.
  concur::process_queue<large_poison> queue(16, 44 * 1024);
  large_poison poison;
  poison.value = kill_reader;
  queue.put(poison);
  concur::process consumer(get_large_one, queue);
  consumer.start();
  consumer.join();
  ASSERT_EQ(consumer.exit_code(), -SIGKILL);
  large_poison one;
  one.value = 1;
  queue.put_for(one, 5s); // fits behind it
  large_poison two;
  two.value = 2;
  EXPECT_THROW(queue.put_for(two, 5s), concur::process_queue_broken);
  std::optional<large_poison> got = queue.get_for(5s);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->value, 1);
  EXPECT_THROW((void)queue.get_for(5s), concur::process_queue_broken);
}

TEST_F(ProcessQueue, InPlaceValuesReadAsOrdinaryOnesAndBack) {
  concur::process_queue<std::string> queue(16, 1 << 20);
  queue.put_in_place(5, [](std::span<char> characters) {
    std::copy_n("abcde", 5, characters.begin());
  });
  EXPECT_EQ(queue.get(), "abcde");
  queue.put("xyz");
  queue.put_in_place(
      0, [](std::span<char> characters) { EXPECT_TRUE(characters.empty()); });
  std::string seen;
  EXPECT_TRUE(queue.get_in_place([&](std::span<const char> characters) {
    seen.assign(characters.begin(), characters.end());
  }));
  EXPECT_EQ(seen, "xyz");
  EXPECT_TRUE(queue.get_in_place([&](std::span<const char> characters) {
    seen.assign(characters.begin(), characters.end());
  }));
  EXPECT_EQ(seen, "");
  queue.close();
  EXPECT_FALSE(queue.get_in_place(
      [](std::span<const char>) { ADD_FAILURE() << "a value after the end"; }));

  concur::process_queue<std::vector<std::byte>> bytes(4, 1 << 20);
  bytes.put_in_place(3, [](std::span<std::byte> out) {
    out[0] = std::byte{1};
    out[1] = std::byte{2};
    out[2] = std::byte{3};
  });
  EXPECT_EQ(bytes.get(),
            (std::vector<std::byte>{std::byte{1}, std::byte{2}, std::byte{3}}));
}

TEST_F(ProcessQueue, InPlaceLargeValuesAcrossProcesses) {
  concur::process_queue<std::string> queue(64, 1 << 20);
  concur::process producer(produce_in_place, queue, 300);
  producer.start();
  int index = 0;
  while (queue.get_in_place([&](std::span<const char> characters) {
    ASSERT_EQ(characters.size(), 65536u);
    char expected = char('a' + index % 26);
    EXPECT_EQ(std::count(characters.begin(), characters.end(), expected), 65536)
        << "value " << index;
  }))
    ++index;
  EXPECT_EQ(index, 300);
  producer.get();
}

TEST_F(ProcessQueue, InPlaceCallbacksThatThrow) {
  concur::process_queue<std::string> queue(16, 1 << 20);
  // A fill that throws puts nothing.
  EXPECT_THROW(
      queue.put_in_place(
          100000, [](std::span<char>) { throw std::runtime_error("x"); }),
      std::runtime_error);
  queue.put("after");
  EXPECT_EQ(queue.get_for(5s), "after");
  EXPECT_TRUE(queue.empty());
  // A read that throws still removes the value.
  queue.put(std::string(100000, 'r'));
  queue.put("next");
  EXPECT_THROW(queue.get_in_place([](std::span<const char>) {
    throw std::runtime_error("y");
  }),
               std::runtime_error);
  EXPECT_EQ(queue.get_for(5s), "next");
}

} // namespace
