//===--- DecideTest.cpp - What the report says about each function
//---------===//

#include "Decide.h"
#include "Advice.h"
#include "SampleReport.h"
#include "gtest/gtest.h"

using namespace concur;
using namespace concur::advise;
using namespace concur::advise::test;

namespace {

FindingRecord findingAt(unsigned Line, std::string Severity,
                        std::string Model) {
  FindingRecord F;
  F.Check = "concur-x";
  F.Severity = std::move(Severity);
  F.At = {"/src/a.cpp", Line, 1};
  F.Model = std::move(Model);
  return F;
}

TEST(Decide, AFindingIsInTheInnermostFunctionAroundIt) {
  std::vector<FunctionRecord> Functions = {
      sampleFunction("outer", "/src/a.cpp", 1, 20, WorkloadClass::Io),
      sampleFunction("inner", "/src/a.cpp", 5, 8, WorkloadClass::Io),
      sampleFunction("other", "/src/b.cpp", 1, 20, WorkloadClass::Io)};
  const FunctionRecord *In =
      enclosingFunction(findingAt(6, "warning", ""), Functions);
  ASSERT_TRUE(In);
  EXPECT_EQ(In->S.Name, "inner");
  In = enclosingFunction(findingAt(12, "warning", ""), Functions);
  ASSERT_TRUE(In);
  EXPECT_EQ(In->S.Name, "outer");
  EXPECT_FALSE(enclosingFunction(findingAt(30, "warning", ""), Functions));
}

TEST(Decide, AFunctionTakesTheRowOfItsMostSevereFinding) {
  FunctionRecord Fn =
      sampleFunction("f", "/src/a.cpp", 1, 20, WorkloadClass::Trivial);
  std::vector<FindingRecord> Findings = {
      findingAt(2, "note", "threading"), findingAt(3, "warning", "asyncio"),
      findingAt(4, "warning", "futures"), findingAt(5, "error", "")};
  for (FindingRecord &F : Findings)
    F.Function = "ns::f";
  EXPECT_EQ(functionModel(Fn, Findings), "asyncio");
  // Findings of a function of the same name in another file do not count.
  for (FindingRecord &F : Findings)
    F.At.File = "/src/b.cpp";
  EXPECT_EQ(functionModel(Fn, Findings), "sequential");
}

TEST(Decide, WithoutFindingsTheBodyIsSequentialAndTheTableDecidesForCallers) {
  FunctionRecord Net =
      sampleFunction("net", "/src/a.cpp", 1, 9, WorkloadClass::Io);
  Net.S.Class.IoKinds.insert(IoKind::Network);
  EXPECT_EQ(functionModel(Net, {}), "sequential");
  EXPECT_EQ(functionRow(Net.S), "asyncio");
  FunctionRecord Disk =
      sampleFunction("disk", "/src/a.cpp", 1, 9, WorkloadClass::Io);
  Disk.S.Class.IoKinds.insert(IoKind::File);
  EXPECT_EQ(functionRow(Disk.S), "threading");
  FunctionRecord Cpu =
      sampleFunction("cpu", "/src/a.cpp", 1, 9, WorkloadClass::Cpu);
  EXPECT_EQ(functionRow(Cpu.S), "futures");
  Cpu.S.Total.ThreadUnsafe = true;
  EXPECT_EQ(functionRow(Cpu.S), "multiprocessing");
  EXPECT_EQ(
      functionRow(
          sampleFunction("t", "/src/a.cpp", 1, 9, WorkloadClass::Trivial).S),
      "sequential");

  // decideReport sets both.
  Report R;
  R.Functions = {Net};
  decideReport(R);
  EXPECT_EQ(R.Functions[0].Model, "sequential");
  EXPECT_EQ(R.Functions[0].CallersModel, "asyncio");
}

TEST(Decide, TheDecisionPathEndsAtTheRowChosen) {
  FunctionRecord Cpu =
      sampleFunction("cpu", "/src/a.cpp", 1, 9, WorkloadClass::Cpu);
  DecisionPath Path = functionDecisionPath(Cpu.S);
  ASSERT_FALSE(Path.Rules.empty());
  EXPECT_TRUE(Path.Rules.back().Matches);
  EXPECT_EQ(toString(Path.Rules.back().Rule->Row), functionRow(Cpu.S));
  for (size_t I = 0; I + 1 < Path.Rules.size(); ++I)
    EXPECT_FALSE(Path.Rules[I].Matches);
  EXPECT_EQ(Path.Facts.Class, WorkloadClass::Cpu);
}

TEST(Decide, DecidingAReportSetsFunctionsThenModels) {
  Report R;
  R.Functions = {sampleFunction("a", "/src/a.cpp", 1, 9, WorkloadClass::Cpu),
                 sampleFunction("b", "/src/a.cpp", 10, 20, WorkloadClass::Cpu)};
  R.Findings = {findingAt(12, "warning", "joblib")};
  decideReport(R);
  EXPECT_EQ(R.Findings[0].Function, "ns::b");
  EXPECT_EQ(R.Functions[0].Model, "sequential");
  EXPECT_EQ(R.Functions[0].CallersModel, "futures");
  EXPECT_EQ(R.Functions[1].Model, "joblib");
  EXPECT_EQ(R.Functions[1].CallersModel, "futures");
}

} // namespace
