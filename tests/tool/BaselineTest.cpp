//===--- BaselineTest.cpp - concur-advise's baselines ----------------------===//

#include "Baseline.h"
#include "SampleReport.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Process.h"
#include "gtest/gtest.h"

using namespace concur::advise;
using namespace concur::advise::test;
using namespace llvm;

namespace {

/// The sample report with a second finding in another function.
Report twoFindings() {
  Report R = sampleReport("/src/a.cpp");
  FindingRecord Other = R.Findings[0];
  Other.At.Line = 9;
  Other.Function = "ns::sum";
  Other.Message = "another finding";
  R.Findings.push_back(Other);
  return R;
}

std::string baselineOf(const Report &R) {
  SmallString<128> Path;
  int FD;
  EXPECT_FALSE(sys::fs::createTemporaryFile("baseline", "json", FD, Path));
  sys::Process::SafelyCloseFileDescriptor(FD);
  FileRemover Remove(Path);
  EXPECT_FALSE(bool(writeBaseline(R, Path)));
  auto Buffer = MemoryBuffer::getFile(Path);
  return Buffer ? (*Buffer)->getBuffer().str() : "";
}

TEST(Baseline, HidesTheFindingsItRecords) {
  Report Old = sampleReport("/src/a.cpp");
  std::string Text = baselineOf(Old);
  Report Now = twoFindings();
  ASSERT_FALSE(bool(applyBaselineText(Now, Text, "baseline.json")));
  ASSERT_EQ(Now.Findings.size(), 1u);
  EXPECT_EQ(Now.Findings[0].Message, "another finding");
  EXPECT_EQ(Now.Hidden, 1u);
}

TEST(Baseline, SurvivesLineShiftsAndMovedCheckouts) {
  std::string Text = baselineOf(sampleReport("/src/a.cpp"));
  Report Moved = sampleReport("/elsewhere/src/a.cpp");
  Moved.Findings[0].At.Line += 10;
  ASSERT_FALSE(bool(applyBaselineText(Moved, Text, "baseline.json")));
  EXPECT_TRUE(Moved.Findings.empty());
  EXPECT_EQ(Moved.Hidden, 1u);
}

TEST(Baseline, EachRecordedFindingHidesOne) {
  std::string Text = baselineOf(sampleReport("/src/a.cpp"));
  Report Twice = sampleReport("/src/a.cpp");
  Twice.Findings.push_back(Twice.Findings[0]);
  ASSERT_FALSE(bool(applyBaselineText(Twice, Text, "baseline.json")));
  EXPECT_EQ(Twice.Findings.size(), 1u);
  EXPECT_EQ(Twice.Hidden, 1u);
}

TEST(Baseline, RejectsWhatIsNotABaseline) {
  Report R = sampleReport("/src/a.cpp");
  std::string NotJson = toString(applyBaselineText(R, "{oops", "b.json"));
  EXPECT_NE(NotJson.find("baseline 'b.json' is not valid JSON"),
            std::string::npos)
      << NotJson;
  std::string Schema = toString(
      applyBaselineText(R, R"({"schema": "other/1", "findings": []})", "b.json"));
  EXPECT_EQ(Schema, "'b.json' is not a concur-advise baseline (expected "
                    "schema concur-advise-baseline/1)");
  std::string Missing = toString(applyBaseline(R, "/nonexistent/b.json"));
  EXPECT_NE(Missing.find("cannot read baseline '/nonexistent/b.json'"),
            std::string::npos)
      << Missing;
  EXPECT_EQ(R.Findings.size(), 1u);
  EXPECT_EQ(R.Hidden, 0u);
}

} // namespace
