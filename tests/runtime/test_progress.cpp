#include "concur/progress.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <thread>
#include <vector>

namespace {

TEST(Progress, CallbackSeesMonotonicCountsAndOneFinalReport) {
  std::vector<concur::progress_info> reports;
  {
    concur::progress bar(1000, {.bar = concur::progress_bar::never,
                                .callback =
                                    [&](const concur::progress_info &info) {
                                      reports.push_back(info);
                                    },
                                .interval = std::chrono::milliseconds(0)});
    for (int i = 0; i < 1000; ++i)
      bar.advance();
    bar.advance(); // after the end: no second final report
  }
  ASSERT_FALSE(reports.empty());
  for (std::size_t i = 1; i < reports.size(); ++i) {
    EXPECT_LE(reports[i - 1].done, reports[i].done);
  }
  EXPECT_TRUE(reports.back().finished);
  EXPECT_EQ(reports.back().done, 1000u);
  EXPECT_EQ(reports.back().total, 1000u);
  EXPECT_EQ(std::count_if(reports.begin(), reports.end(),
                          [](const auto &info) { return info.finished; }),
            1);
}

TEST(Progress, ThrottlesReportsByInterval) {
  int reports = 0;
  concur::progress bar(
      0, {.bar = concur::progress_bar::never,
          .callback = [&](const concur::progress_info &) { ++reports; },
          .interval = std::chrono::hours(1)});
  for (int i = 0; i < 10000; ++i)
    bar.advance();
  EXPECT_EQ(reports,
            1); // the first advance reports, the rest fall in the interval
  bar.finish();
  EXPECT_EQ(reports, 2);
  EXPECT_EQ(bar.done(), 10000u);
}

TEST(Progress, CountsAreExactUnderConcurrentAdvances) {
  std::size_t final_done = 0;
  {
    concur::progress bar(40000, {.bar = concur::progress_bar::never,
                                 .callback =
                                     [&](const concur::progress_info &info) {
                                       if (info.finished)
                                         final_done = info.done;
                                     },
                                 .interval = std::chrono::milliseconds(1)});
    std::vector<std::jthread> workers;
    for (int t = 0; t < 4; ++t) {
      workers.emplace_back([&] {
        for (int i = 0; i < 10000; ++i)
          bar.advance();
      });
    }
  }
  EXPECT_EQ(final_done, 40000u);
}

TEST(Progress, DrawsABarWhenAskedAndNothingWhenNot) {
  std::ostringstream shown, hidden;
  {
    concur::progress bar(4, {.label = "work",
                             .bar = concur::progress_bar::always,
                             .stream = &shown});
    bar.advance(4);
  }
  {
    concur::progress bar(
        4, {.bar = concur::progress_bar::automatic, .stream = &hidden});
    bar.advance(4);
  }
  EXPECT_NE(shown.str().find("work [##############################] 4/4 100%"),
            std::string::npos)
      << shown.str();
  EXPECT_EQ(shown.str().back(), '\n');
  EXPECT_TRUE(hidden.str().empty()) << "automatic draws only on a terminal";
}

TEST(Progress, FormatsRateAndEta) {
  concur::progress_info info;
  info.done = 25;
  info.total = 100;
  info.rate = 5;
  info.remaining = std::chrono::seconds(75);
  EXPECT_EQ(concur::progress::format("", info, 4),
            "[#   ] 25/100  25% 5.0/s ETA 1:15");
  info.total = 0;
  info.remaining.reset();
  EXPECT_EQ(concur::progress::format("n", info), "n 25 5.0/s");
}

} // namespace
