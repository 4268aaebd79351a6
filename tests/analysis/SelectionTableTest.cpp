#include "SelectionTable.h"
#include "Advice.h"
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
  for (const char *Name : {"threading", "asyncio", "futures", "multiprocessing",
                           "joblib", "mixed", "sequential"}) {
    std::optional<RowId> Id = parseRowId(Name);
    ASSERT_TRUE(Id) << Name;
    EXPECT_EQ(toString(*Id), Name);
    const ModelRow *Row = T.row(*Id);
    ASSERT_NE(Row, nullptr) << Name;
    EXPECT_FALSE(Row->CPlusPlus.Pros.empty()) << Name;
    EXPECT_FALSE(Row->C.Pros.empty()) << Name;
    // Every row but sequential names what to use, in either language.
    EXPECT_EQ(Row->CPlusPlus.Runtime.empty(), *Id == RowId::Sequential);
    EXPECT_EQ(Row->C.Runtime.empty(), *Id == RowId::Sequential);
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
  - {id: sequential, seeds-row: x, data: x,
     c++: {model: x, runtime: x, pros: x, cons: x},
     c: {model: x, runtime: x, pros: x, cons: x}}
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
  - {id: sequential, seeds-row: x, data: x,
     c++: {model: x, runtime: x, pros: x, cons: x},
     c: {model: x, runtime: x, pros: x, cons: x}}
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
  - {id: sequential, seeds-row: x, data: x,
     c++: {model: x, runtime: x, pros: x, cons: x},
     c: {model: x, runtime: x, pros: x, cons: x}}
decision-order:
  - {step: 1, fan-out: [huge], row: sequential, why: x}
)",
                                 "table.yaml");
  ASSERT_FALSE(bool(T));
  std::string Message = llvm::toString(T.takeError());
  EXPECT_NE(Message.find("names unknown fan-out 'huge'"), std::string::npos)
      << Message;
}

TEST(SelectionTable, AdviceIsInTheLanguageOfTheCode) {
  const SelectionTable &T = SelectionTable::builtin();
  const ModelRow &Asyncio = *T.row(RowId::Asyncio);
  std::string Cxx = rowAdvice(Asyncio, SourceLanguage::CPlusPlus, {});
  std::string C = rowAdvice(Asyncio, SourceLanguage::C, {});
  EXPECT_NE(Cxx.find("use concur::event_loop"), std::string::npos) << Cxx;
  EXPECT_EQ(C.find("concur::"), std::string::npos) << C;
  EXPECT_NE(C.find("libuv"), std::string::npos) << C;
  // No row's C advice names concur's C++ runtime.
  for (const ModelRow &Row : T.rows())
    EXPECT_EQ(rowAdvice(Row, SourceLanguage::C, {}).find("concur::"),
              std::string::npos)
        << toString(Row.Id).str();
}

TEST(SelectionTable, CodeThatUsesALibraryIsToldToUseIt) {
  const SelectionTable &T = SelectionTable::builtin();
  std::vector<llvm::StringRef> Files = {
      "/src/server.c", "/usr/include/event2/event.h", "/usr/include/stdio.h"};
  auto Used = librariesUsed(T, SourceLanguage::C, Files);
  ASSERT_EQ(Used.size(), 1u);
  EXPECT_EQ(Used[0]->Name, "libevent");
  std::string Advice =
      rowAdvice(*T.row(RowId::Asyncio), SourceLanguage::C, Used);
  EXPECT_NE(Advice.find("use the libevent loop this code already uses"),
            std::string::npos)
      << Advice;
  // A row the library does not implement keeps the language's advice.
  std::string Threads =
      rowAdvice(*T.row(RowId::Threading), SourceLanguage::C, Used);
  EXPECT_NE(Threads.find("pthread"), std::string::npos) << Threads;

  // Headers match at a directory boundary only, and a library of the other
  // language does not count.
  EXPECT_TRUE(librariesUsed(T, SourceLanguage::C, {"/src/myuv.h"}).empty());
  EXPECT_TRUE(
      librariesUsed(T, SourceLanguage::C, {"/usr/include/boost/asio.hpp"})
          .empty());
  auto Asio = librariesUsed(T, SourceLanguage::CPlusPlus,
                            {"/usr/include/boost/asio.hpp"});
  ASSERT_EQ(Asio.size(), 1u);
  EXPECT_EQ(Asio[0]->Name, "Asio");
  // The table's order decides: Asio's own use of epoll is not the code's.
  auto Both =
      librariesUsed(T, SourceLanguage::CPlusPlus,
                    {"/usr/include/sys/epoll.h", "/usr/include/asio.hpp"});
  std::string Advice2 =
      rowAdvice(*T.row(RowId::Asyncio), SourceLanguage::CPlusPlus, Both);
  EXPECT_NE(Advice2.find("Asio io_context"), std::string::npos) << Advice2;
}

TEST(SelectionTable, RejectsLibrariesThatNameUnknownRowsOrLanguages) {
  auto Parse = [](llvm::StringRef Library) {
    std::string Yaml = R"(
version: 1
rows:
  - {id: sequential, seeds-row: x, data: x,
     c++: {model: x, runtime: x, pros: x, cons: x},
     c: {model: x, runtime: x, pros: x, cons: x}}
decision-order:
  - {step: 1, row: sequential, why: x}
libraries:
)" + Library.str();
    auto T = SelectionTable::parse(Yaml, "table.yaml");
    return T ? std::string() : llvm::toString(T.takeError());
  };
  EXPECT_NE(Parse("  - {name: l, headers: [l.h], rows: {warp: x}}")
                .find("library 'l' names unknown row 'warp'"),
            std::string::npos);
  EXPECT_NE(Parse("  - {name: l, language: rust, headers: [l.h], rows: {}}")
                .find("unknown language 'rust'"),
            std::string::npos);
  EXPECT_NE(
      Parse("  - {name: l, headers: [], rows: {}}").find("lists no headers"),
      std::string::npos);
  EXPECT_EQ(Parse("  - {name: l, headers: [l.h], rows: {sequential: x}}"), "");
}
