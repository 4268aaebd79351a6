// The knowledge base's costs against the measurements of
// bench/kb_calibration (measured.tsv, committed with the date and machine it
// was taken on). Nothing is timed here: the test fails when a cost is edited
// away from what was measured, or when the measured order of calls that
// decide a function's class is lost.
//
// The factor is 10: the knowledge base is right to an order of magnitude.
// A cost stands for a typical call, whose size varies by more than that (a
// line or a block, a sort of 100 or of 10000 items), and the classifier
// compares costs by orders (work at least a tenth of the waiting is mixed),
// so a closer fit would claim a precision the model does not have; a wider
// one would let a cost drift to the neighbouring kind.

#include "KnowledgeBase.h"
#include "gtest/gtest.h"

#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

using namespace concur;

namespace {

constexpr double Factor = 10;
/// Two measurements at least this far apart have an order the knowledge
/// base must keep (closer ones may be priced alike).
constexpr double OrderGap = 4;

struct Measurement {
  std::string Name, Api, Relation;
  double Ns = 0;
  unsigned Line = 0;
};

std::vector<Measurement> readMeasurements(std::string &Error) {
  std::ifstream In(CONCUR_KB_MEASURED);
  if (!In) {
    Error = std::string("cannot read ") + CONCUR_KB_MEASURED;
    return {};
  }
  std::vector<Measurement> Rows;
  unsigned LineNo = 0;
  bool Header = false;
  for (std::string Line; std::getline(In, Line);) {
    ++LineNo;
    if (Line.empty() || Line[0] == '#')
      continue;
    std::vector<std::string> Fields;
    std::stringstream S(Line);
    for (std::string F; std::getline(S, F, '\t');)
      Fields.push_back(F);
    if (!Header) {
      Header = true;
      if (Fields.size() == 4 && Fields[0] == "measurement")
        continue;
    }
    Measurement M;
    char *End = nullptr;
    if (Fields.size() == 4) {
      M.Ns = std::strtod(Fields[3].c_str(), &End);
    }
    if (Fields.size() != 4 || End == Fields[3].c_str() || *End || !(M.Ns > 0)) {
      Error = "measured.tsv:" + std::to_string(LineNo) +
              ": expected measurement, api, relation and a positive "
              "ns_per_call, tab-separated";
      return {};
    }
    M.Name = Fields[0];
    M.Api = Fields[1];
    M.Relation = Fields[2];
    M.Line = LineNo;
    Rows.push_back(M);
  }
  if (Rows.empty())
    Error = "measured.tsv has no measurements";
  return Rows;
}

/// The cost the knowledge base gives one call of \p Api; 0 when it gives
/// none.
double costOf(const KnowledgeBase &KB, const std::string &Api) {
  std::optional<ApiEffects> E = KB.lookup(Api);
  if (!E)
    return 0;
  return E->Io ? KB.ioCost(*E) : KB.cpuCost(*E);
}

std::string where(const Measurement &M) {
  return "measured.tsv:" + std::to_string(M.Line) + " (" + M.Name + ", " +
         M.Api + ")";
}

class Calibration : public ::testing::Test {
protected:
  void SetUp() override {
    std::string Error;
    Rows = readMeasurements(Error);
    ASSERT_TRUE(Error.empty()) << Error;
  }
  std::vector<Measurement> Rows;
  const KnowledgeBase &KB = KnowledgeBase::builtin();
};

} // namespace

TEST_F(Calibration, CostsWithinAnOrderOfMagnitudeOfTheMeasurements) {
  for (const Measurement &M : Rows) {
    if (M.Relation == "calibrates") {
      std::optional<ApiEffects> E = KB.lookup(M.Api);
      ASSERT_TRUE(E && (E->Io || E->Cpu))
          << where(M) << ": the knowledge base gives it no cost";
      double Cost = costOf(KB, M.Api);
      EXPECT_LE(Cost, M.Ns * Factor) << where(M) << ": cost " << Cost;
      EXPECT_GE(Cost, M.Ns / Factor) << where(M) << ": cost " << Cost;
    } else if (M.Relation == "floor") {
      // The least a call waits; a typical call waits for more.
      EXPECT_GE(costOf(KB, M.Api), M.Ns)
          << where(M) << ": cost " << costOf(KB, M.Api);
    } else if (M.Relation == "unit") {
      // One operation of code the analysis counts itself is one unit.
      EXPECT_LE(M.Ns, Factor) << where(M);
      EXPECT_GE(M.Ns, 1 / Factor) << where(M);
    } else if (M.Relation == "uncosted") {
      std::optional<ApiEffects> E = KB.lookup(M.Api);
      EXPECT_FALSE(E && (E->Io || E->Cpu))
          << where(M) << ": measured as not worth a cost, but has one";
    } else {
      ADD_FAILURE() << where(M) << ": unknown relation '" << M.Relation
                    << "' (calibrates, floor, unit, uncosted)";
    }
  }
}

TEST_F(Calibration, MeasuredOrderIsKept) {
  for (const Measurement &A : Rows)
    for (const Measurement &B : Rows) {
      if (A.Relation != "calibrates" || B.Relation != "calibrates" ||
          A.Ns < OrderGap * B.Ns)
        continue;
      EXPECT_GE(costOf(KB, A.Api), costOf(KB, B.Api))
          << where(A) << " measured " << A.Ns / B.Ns << "x " << where(B)
          << ", but costs less";
    }
}

// The calls whose relative cost decides between io, mixed and cpu: a line
// or a block read from a file against the work done on what was read.
TEST_F(Calibration, ClassDecidingCallsAreMeasuredAndOrdered) {
  std::map<std::string, double> Measured;
  for (const Measurement &M : Rows)
    if (M.Relation == "calibrates" && !Measured.count(M.Api))
      Measured[M.Api] = M.Ns;
  const char *Cheaper[][2] = {
      {"getline", "read"},
      {"std::getline", "read"},
      {"getline", "std::regex_search"},
      {"std::regex_search", "std::sort"},
      {"read", "std::sort"},
      {"memcpy", "read"},
      {"snprintf", "std::regex_search"},
  };
  for (auto &Pair : Cheaper) {
    for (const char *Api : Pair)
      ASSERT_TRUE(Measured.count(Api))
          << "measured.tsv has no '" << Api << "' that calibrates its cost";
    ASSERT_LT(Measured[Pair[0]], Measured[Pair[1]])
        << Pair[0] << " measured no cheaper than " << Pair[1];
    EXPECT_LT(costOf(KB, Pair[0]), costOf(KB, Pair[1]))
        << Pair[0] << " costs no less than " << Pair[1];
  }
}
