//===--- UnitOrderTest.cpp - concur-advise's unit order --------------------===//

#include "UnitOrder.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include "gtest/gtest.h"
#include <algorithm>

using namespace concur::advise;

namespace {

bool contains(const std::vector<std::string> &Names, llvm::StringRef Name) {
  return std::find(Names.begin(), Names.end(), Name.str()) != Names.end();
}

TEST(ScanNames, FindsDefinitionsCallsAndFunctionsPassedOn) {
  std::vector<std::string> Defined, Used;
  scanNames(R"(
    #define NOT_A_FUNCTION(x) ((x) + 1)
    namespace ns {
    struct Table { Table(int n) : size_(n) {} int size_; };
    static int helper(int x) { return x + 1; }
    int ns::Table2::lookup(const char *key) const {
      int n = compute(key + 1);
      start(worker, &callback);
      return n + helper(2);
    }
    }
    int variable = 3;
  )",
            Defined, Used);
  EXPECT_TRUE(contains(Defined, "Table"));
  EXPECT_TRUE(contains(Defined, "helper"));
  EXPECT_TRUE(contains(Defined, "lookup"));
  EXPECT_FALSE(contains(Defined, "size_"));   // a constructor's initialiser
  EXPECT_FALSE(contains(Defined, "compute")); // a call in a body
  EXPECT_FALSE(contains(Defined, "NOT_A_FUNCTION"));
  EXPECT_FALSE(contains(Defined, "ns"));
  EXPECT_TRUE(contains(Used, "compute"));
  EXPECT_TRUE(contains(Used, "start"));
  EXPECT_TRUE(contains(Used, "worker"));   // passed on
  EXPECT_TRUE(contains(Used, "callback")); // its address passed on
  EXPECT_FALSE(contains(Used, "key"));
  EXPECT_FALSE(contains(Used, "variable"));
}

class PlanUnits : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("concur-order", Dir));
  }
  void TearDown() override { llvm::sys::fs::remove_directories(Dir); }
  std::string write(llvm::StringRef Name, llvm::StringRef Text) {
    llvm::SmallString<128> Path(Dir);
    llvm::sys::path::append(Path, Name);
    std::error_code EC;
    llvm::raw_fd_ostream Out(Path, EC);
    EXPECT_FALSE(EC);
    Out << Text;
    return std::string(Path);
  }
  static unsigned position(const UnitPlan &Plan, const std::string &File) {
    return unsigned(std::find(Plan.Order.begin(), Plan.Order.end(), File) -
                    Plan.Order.begin());
  }
  llvm::SmallString<128> Dir;
};

TEST_F(PlanUnits, CalleesComeFirst) {
  std::string A = write("a.c", "int run(void) { return middle(1); }\n");
  std::string B = write("b.c", "int middle(int x) { return leaf(x); }\n");
  std::string C = write("c.c", "int leaf(int x) { return x * 2; }\n");
  std::string Missing = Dir.str().str() + "/missing.c";
  UnitPlan Plan = planUnits({A, B, Missing, C});
  ASSERT_EQ(Plan.Order.size(), 4u);
  ASSERT_EQ(Plan.Needs.size(), 4u);
  EXPECT_LT(position(Plan, C), position(Plan, B));
  EXPECT_LT(position(Plan, B), position(Plan, A));
  EXPECT_EQ(Plan.Needs[position(Plan, A)],
            std::vector<unsigned>{position(Plan, B)});
  EXPECT_EQ(Plan.Needs[position(Plan, B)],
            std::vector<unsigned>{position(Plan, C)});
  EXPECT_TRUE(Plan.Needs[position(Plan, C)].empty());
  EXPECT_TRUE(Plan.Needs[position(Plan, Missing)].empty());
}

TEST_F(PlanUnits, ACycleIsBrokenAndEveryUnitPlannedOnce) {
  // x.c and y.c call each other, x.c and q.c too.
  std::string X = write("x.c", "int ping(int n) { return n ? pong(n - 1) : 0; }\n"
                               "int run(void) { return ping(3) + other(); }\n");
  std::string Y = write("y.c", "int pong(int n) { return ping(n); }\n");
  std::string Q = write("q.c", "int other(void) { return run(); }\n");
  UnitPlan Plan = planUnits({X, Y, Q});
  std::vector<std::string> Planned = Plan.Order, All{X, Y, Q};
  std::sort(Planned.begin(), Planned.end());
  std::sort(All.begin(), All.end());
  EXPECT_EQ(Planned, All);
  // x.c calls into two units, y.c into one: y.c goes before x.c.
  EXPECT_LT(position(Plan, Y), position(Plan, X));
  for (unsigned I = 0; I < Plan.Needs.size(); ++I)
    for (unsigned N : Plan.Needs[I])
      EXPECT_LT(N, I); // only units placed before
}

} // namespace
