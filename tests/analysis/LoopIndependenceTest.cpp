#include "AnalysisTestUtil.h"
#include "LoopIndependence.h"

using namespace concur;
using namespace concur::test;

namespace {
Dependence depOf(Parsed &P, llvm::StringRef Function) {
  return analyzeLoopDependence(P.loopIn(Function), P.context());
}
} // namespace

TEST(LoopIndependence, ReductionsAndCollectionAreAllowed) {
  Parsed P(R"(
    #include <mock_std.h>
    int f(int);
    long sum(const int *v, int n) { long s = 0; for (int i = 0; i < n; ++i) s += f(v[i]); return s; }
    long count(const int *v, int n) { long c = 0; for (int i = 0; i < n; ++i) { if (f(v[i])) ++c; } return c; }
    void collect(std::vector<int> &out, const std::vector<int> &in) { for (int x : in) out.push_back(f(x)); }
    void per_item(int *out, const int *in, int n) { for (int i = 0; i < n; ++i) out[i] = f(in[i]); }
    long self(const int *v, int n) { long m = 0; for (int i = 0; i < n; ++i) m = m + f(v[i]); return m; }
  )");
  Dependence Sum = depOf(P, "sum");
  EXPECT_TRUE(Sum.Independent) << Sum.Reason;
  EXPECT_TRUE(Sum.HasReduction);
  EXPECT_TRUE(depOf(P, "count").Independent);
  Dependence Collect = depOf(P, "collect");
  EXPECT_TRUE(Collect.Independent) << Collect.Reason;
  EXPECT_TRUE(Collect.CollectsResults);
  Dependence PerItem = depOf(P, "per_item");
  EXPECT_TRUE(PerItem.Independent) << PerItem.Reason;
  EXPECT_TRUE(PerItem.CollectsResults);
  EXPECT_TRUE(depOf(P, "self").Independent);
}

TEST(LoopIndependence, DependencesAreFoundAndExplained) {
  Parsed P(R"(
    int f(int);
    void g(int &state);
    int early(const int *v, int n) { for (int i = 0; i < n; ++i) if (f(v[i])) break; return 0; }
    int ret(const int *v, int n) { for (int i = 0; i < n; ++i) if (f(v[i])) return i; return -1; }
    int carried(const int *v, int n) { int prev = 0; for (int i = 0; i < n; ++i) prev = f(v[i]); return prev; }
    int shifted(int *v, int n) { for (int i = 1; i < n; ++i) v[i - 1] = f(v[i]); return 0; }
    void by_ref(int n) { int state = 0; for (int i = 0; i < n; ++i) g(state); }
    void counter(int n) { for (int i = 0; i < n; ++i) { i += f(i); } }
    int global_state;
    void global_write(int n) { for (int i = 0; i < n; ++i) global_state = f(i); }
  )");
  Dependence Early = depOf(P, "early");
  EXPECT_FALSE(Early.Independent);
  EXPECT_NE(Early.Reason.find("break"), std::string::npos);
  EXPECT_FALSE(depOf(P, "ret").Independent);
  Dependence Carried = depOf(P, "carried");
  EXPECT_FALSE(Carried.Independent);
  EXPECT_NE(Carried.Reason.find("'prev'"), std::string::npos) << Carried.Reason;
  EXPECT_FALSE(depOf(P, "shifted").Independent);
  Dependence ByRef = depOf(P, "by_ref");
  EXPECT_FALSE(ByRef.Independent);
  EXPECT_NE(ByRef.Reason.find("'g'"), std::string::npos) << ByRef.Reason;
  Dependence Counter = depOf(P, "counter");
  EXPECT_FALSE(Counter.Independent);
  EXPECT_NE(Counter.Reason.find("loop counter"), std::string::npos);
  EXPECT_FALSE(depOf(P, "global_write").Independent);
}
