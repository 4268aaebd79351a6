// Tests for concur/channel.hpp: bounded/unbounded send and receive, try and
// timed forms, close with blocked senders and receivers, iteration, a
// many-producer many-consumer count, and task_done/join (queue.Queue).
#include "concur/channel.hpp"

#include "invalid_argument_message.hpp"
#include <gtest/gtest.h>
#include <stdexcept>

#include <atomic>
#include <chrono>
#include <memory>
#include <numeric>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

namespace {

TEST(Channel, NegativeOrAbsurdCapacityIsAClearError) {
  EXPECT_EQ(
      invalid_argument_message([] { concur::channel<int> ch(-1); }),
      "concur::channel: capacity must be between 1 and 1073741824, got -1");
  EXPECT_NE(invalid_argument_message([] {
              concur::channel<int> ch(std::size_t{1} << 31);
            }).find("got 2147483648"),
            std::string::npos);
  concur::channel<int> largest(std::size_t{1} << 30);
  EXPECT_EQ(largest.capacity(), std::size_t{1} << 30);
}

TEST(Channel, FifoOrder) {
  concur::channel<int> ch;
  for (int i = 0; i < 5; ++i)
    ch.send(i);
  EXPECT_EQ(ch.size(), 5u);
  EXPECT_EQ(ch.capacity(), 0u);
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(ch.receive(), i);
  EXPECT_TRUE(ch.empty());
}

TEST(Channel, ZeroCapacityIsRejected) {
  EXPECT_THROW(concur::channel<int>(0), std::invalid_argument);
}

TEST(Channel, TryFormsOnFullAndEmpty) {
  concur::channel<std::unique_ptr<int>> ch(1);
  EXPECT_FALSE(ch.try_receive().has_value());
  auto first = std::make_unique<int>(1);
  EXPECT_TRUE(ch.try_send(std::move(first)));
  auto second = std::make_unique<int>(2);
  EXPECT_FALSE(ch.try_send(std::move(second)));
  ASSERT_TRUE(second) << "a failed try_send leaves the value with the caller";
  auto got = ch.try_receive();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(**got, 1);
}

TEST(Channel, TimedFormsTimeOut) {
  concur::channel<int> ch(1);
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(ch.receive_for(10ms).has_value());
  EXPECT_GE(std::chrono::steady_clock::now() - start, 10ms);
  EXPECT_TRUE(ch.send_for(1, 10ms));
  EXPECT_FALSE(ch.send_for(2, 10ms)); // full
  EXPECT_EQ(ch.receive_for(10ms), 1);
}

TEST(Channel, BoundedSendBlocksUntilReceive) {
  concur::channel<int> ch(2);
  ch.send(1);
  ch.send(2);
  std::atomic<bool> sent{false};
  std::thread sender([&] {
    ch.send(3);
    sent = true;
  });
  std::this_thread::sleep_for(10ms);
  EXPECT_FALSE(sent.load());
  EXPECT_EQ(ch.receive(), 1);
  sender.join();
  EXPECT_TRUE(sent.load());
  EXPECT_EQ(ch.receive(), 2);
  EXPECT_EQ(ch.receive(), 3);
}

TEST(Channel, CloseWakesBlockedReceivers) {
  concur::channel<int> ch;
  std::atomic<int> closed_seen{0};
  std::vector<std::thread> receivers;
  for (int i = 0; i < 3; ++i)
    receivers.emplace_back([&] {
      try {
        (void)ch.receive();
      } catch (const concur::channel_closed &) {
        ++closed_seen;
      }
    });
  std::this_thread::sleep_for(5ms);
  ch.close();
  for (auto &t : receivers)
    t.join();
  EXPECT_EQ(closed_seen.load(), 3);
}

TEST(Channel, CloseWakesBlockedSendersAndKeepsQueuedValues) {
  concur::channel<int> ch(1);
  ch.send(1);
  std::atomic<bool> threw{false};
  std::thread sender([&] {
    try {
      ch.send(2);
    } catch (const concur::channel_closed &) {
      threw = true;
    }
  });
  std::this_thread::sleep_for(5ms);
  ch.close();
  sender.join();
  EXPECT_TRUE(threw.load());
  EXPECT_TRUE(ch.closed());
  EXPECT_THROW(ch.send(3), concur::channel_closed);
  EXPECT_FALSE(ch.try_send(3));
  EXPECT_FALSE(ch.send_for(3, 1ms));
  // Values sent before close are still delivered, then receive throws.
  EXPECT_EQ(ch.receive(), 1);
  EXPECT_THROW((void)ch.receive(), concur::channel_closed);
  EXPECT_FALSE(ch.receive_for(1ms).has_value());
  EXPECT_FALSE(ch.try_receive().has_value());
}

TEST(Channel, IterationEndsAtClose) {
  concur::channel<std::string> ch(4);
  std::thread producer([&] {
    for (int i = 0; i < 100; ++i)
      ch.send(std::to_string(i));
    ch.close();
  });
  int count = 0;
  for (const std::string &value : ch)
    EXPECT_EQ(value, std::to_string(count++));
  producer.join();
  EXPECT_EQ(count, 100);
}

TEST(Channel, ManyProducersManyConsumersLoseNothing) {
  concur::channel<long> ch(64);
  constexpr int producers = 4;
  constexpr int consumers = 3;
  constexpr long per_producer = 20000;
  std::vector<std::thread> threads;
  std::atomic<long> sum{0};
  std::atomic<long> received{0};
  for (int c = 0; c < consumers; ++c)
    threads.emplace_back([&] {
      for (long value : ch) {
        sum += value;
        ++received;
      }
    });
  std::vector<std::thread> senders;
  for (int p = 0; p < producers; ++p)
    senders.emplace_back([&, p] {
      for (long i = 0; i < per_producer; ++i)
        ch.send(p * per_producer + i);
    });
  for (auto &t : senders)
    t.join();
  ch.close();
  for (auto &t : threads)
    t.join();
  long n = producers * per_producer;
  EXPECT_EQ(received.load(), n);
  EXPECT_EQ(sum.load(), n * (n - 1) / 2);
}

// The seeds' producer/consumer: the producer joins the channel, which
// returns only after the consumers have processed every item.
TEST(ChannelJoin, JoinWaitsUntilEveryItemIsMarkedDone) {
  concur::channel<int> ch;
  constexpr int items = 200;
  std::atomic<int> processed{0};
  std::vector<std::thread> consumers;
  for (int c = 0; c < 3; ++c)
    consumers.emplace_back([&] {
      for (int value : ch) {
        (void)value;
        std::this_thread::sleep_for(50us);
        ++processed;
        ch.task_done();
      }
    });
  for (int i = 0; i < items; ++i)
    ch.send(i);
  ch.join();
  EXPECT_EQ(processed.load(), items);
  EXPECT_EQ(ch.unfinished(), 0u);
  ch.close();
  for (auto &t : consumers)
    t.join();
}

TEST(ChannelJoin, ReceivedButNotDoneStillCounts) {
  concur::channel<int> ch(4);
  EXPECT_TRUE(ch.join_for(0ms)); // nothing sent: done at once
  ch.join();
  ch.send(1);
  ASSERT_TRUE(ch.try_send(2));
  EXPECT_EQ(ch.unfinished(), 2u);
  EXPECT_EQ(ch.receive(), 1);
  EXPECT_EQ(ch.receive(), 2);
  EXPECT_EQ(ch.unfinished(), 2u);  // received is not done
  EXPECT_FALSE(ch.join_for(20ms)); // times out
  ch.task_done();
  EXPECT_FALSE(ch.join_for(1ms));
  std::thread late([&] {
    std::this_thread::sleep_for(20ms);
    ch.task_done();
  });
  ch.join(); // returns once the other thread marks the last item
  late.join();
  EXPECT_EQ(ch.unfinished(), 0u);
}

TEST(ChannelJoin, TaskDoneTooManyTimesIsALogicError) {
  concur::channel<int> ch;
  EXPECT_THROW(ch.task_done(), std::logic_error);
  ch.send(1);
  (void)ch.receive();
  ch.task_done();
  try {
    ch.task_done();
    FAIL() << "task_done past the count did not throw";
  } catch (const std::logic_error &e) {
    EXPECT_STREQ(e.what(), "concur::channel::task_done called too many times");
  }
  EXPECT_EQ(ch.unfinished(), 0u); // the failed call changed nothing
  ch.send(2);
  EXPECT_EQ(ch.unfinished(), 1u);
}

TEST(ChannelJoin, RefusedSendsDoNotCountAndCloseDoesNotEndJoin) {
  concur::channel<int> ch(1);
  ch.send(1);
  EXPECT_FALSE(ch.try_send(2));      // full
  EXPECT_FALSE(ch.send_for(3, 1ms)); // full, timed out
  EXPECT_EQ(ch.unfinished(), 1u);
  ch.close();
  EXPECT_THROW(ch.send(4), concur::channel_closed);
  EXPECT_FALSE(ch.try_send(5));
  EXPECT_EQ(ch.unfinished(), 1u);
  EXPECT_FALSE(ch.join_for(5ms)); // the value sent before close counts
  EXPECT_EQ(ch.receive(), 1);
  ch.task_done();
  ch.join();
}

} // namespace
