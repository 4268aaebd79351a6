#include "SelectionTable.h"
#include "gtest/gtest.h"

using namespace concur;

namespace {
SiteFacts facts(WorkloadClass C) {
  SiteFacts F;
  F.Class = C;
  return F;
}
std::string decide(const SiteFacts &F) {
  Recommendation R = SelectionTable::builtin().decide(F);
  return R.Row ? toString(R.Row->Id).str() : "none";
}
} // namespace

TEST(SelectionTable, HasTheSevenRowsOfTheSpec) {
  const SelectionTable &T = SelectionTable::builtin();
  for (const char *Name : {"threading", "asyncio", "futures",
                           "multiprocessing", "joblib", "mixed",
                           "sequential"}) {
    std::optional<RowId> Id = parseRowId(Name);
    ASSERT_TRUE(Id) << Name;
    EXPECT_EQ(toString(*Id), Name);
    const ModelRow *Row = T.row(*Id);
    ASSERT_NE(Row, nullptr) << Name;
    EXPECT_FALSE(Row->Pros.empty()) << Name;
  }
  EXPECT_EQ(T.rows().size(), 7u);
}

TEST(SelectionTable, DecisionOrderFollowsTheSpec) {
  // Step 1: trivial work and dependent iterations stay sequential.
  EXPECT_EQ(decide(facts(WorkloadClass::Trivial)), "sequential");
  SiteFacts Dependent = facts(WorkloadClass::Cpu);
  Dependent.Dependent = true;
  EXPECT_EQ(decide(Dependent), "sequential");

  // Step 2: inside a coroutine.
  SiteFacts Blocking = facts(WorkloadClass::Io);
  Blocking.InCoroutine = true;
  Blocking.IoKinds.insert(IoKind::File);
  EXPECT_EQ(decide(Blocking), "asyncio");
  SiteFacts Heavy = facts(WorkloadClass::Cpu);
  Heavy.InCoroutine = true;
  EXPECT_EQ(decide(Heavy), "mixed");

  // Step 3.
  EXPECT_EQ(decide(facts(WorkloadClass::Mixed)), "mixed");

  // Step 4: network with a runtime fan-out or a server; else threads.
  SiteFacts Network = facts(WorkloadClass::Io);
  Network.IoKinds.insert(IoKind::Network);
  EXPECT_EQ(decide(Network), "asyncio");
  Network.Shape = FanOut::Server;
  EXPECT_EQ(decide(Network), "asyncio");
  Network.Shape = FanOut::Small;
  EXPECT_EQ(decide(Network), "threading");
  SiteFacts Database = facts(WorkloadClass::Io);
  Database.IoKinds.insert(IoKind::Database);
  EXPECT_EQ(decide(Database), "threading");
  Database.Batch = true;
  Recommendation R = SelectionTable::builtin().decide(Database);
  EXPECT_EQ(R.id(), RowId::Futures);
  EXPECT_EQ(R.pool(), "io");

  // Step 5: unsafe → processes; numeric → joblib; else futures on cores.
  SiteFacts Cpu = facts(WorkloadClass::Cpu);
  Cpu.ThreadSafe = false;
  Cpu.Numeric = true;
  EXPECT_EQ(decide(Cpu), "multiprocessing");
  Cpu.ThreadSafe = true;
  EXPECT_EQ(decide(Cpu), "joblib");
  Cpu.Numeric = false;
  R = SelectionTable::builtin().decide(Cpu);
  EXPECT_EQ(R.id(), RowId::Futures);
  EXPECT_EQ(R.pool(), "cpu");
  ASSERT_NE(R.Rule, nullptr);
  EXPECT_EQ(R.Rule->Step, 5u);
}

TEST(SelectionTable, RejectsTablesThatNameUnknownRows) {
  auto T = SelectionTable::parse(R"(
version: 1
rows:
  - {id: sequential, seeds-row: x, model: x, runtime: x, data: x, pros: x, cons: x}
decision-order:
  - {step: 1, row: warp-drive, why: x}
)",
                                 "table.yaml");
  ASSERT_FALSE(bool(T));
  std::string Message = llvm::toString(T.takeError());
  EXPECT_NE(Message.find("unknown row 'warp-drive'"), std::string::npos)
      << Message;
}

TEST(SelectionTable, RejectsRulesForRowsTheTableDoesNotDefine) {
  auto T = SelectionTable::parse(R"(
version: 1
rows:
  - {id: sequential, seeds-row: x, model: x, runtime: x, data: x, pros: x, cons: x}
decision-order:
  - {step: 1, row: joblib, why: x}
)",
                                 "table.yaml");
  ASSERT_FALSE(bool(T));
  std::string Message = llvm::toString(T.takeError());
  EXPECT_NE(Message.find("names row 'joblib', which the table does not define"),
            std::string::npos)
      << Message;
}

TEST(SelectionTable, RejectsUnknownFanOuts) {
  auto T = SelectionTable::parse(R"(
version: 1
rows:
  - {id: sequential, seeds-row: x, model: x, runtime: x, data: x, pros: x, cons: x}
decision-order:
  - {step: 1, fan-out: [huge], row: sequential, why: x}
)",
                                 "table.yaml");
  ASSERT_FALSE(bool(T));
  std::string Message = llvm::toString(T.takeError());
  EXPECT_NE(Message.find("names unknown fan-out 'huge'"), std::string::npos)
      << Message;
}
