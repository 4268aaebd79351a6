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

TEST(LoopIndependence, CarriedValuesThroughReductionsAndSlots) {
  Parsed P(R"(
    int f(int);
    void prefix(int *out, const int *in, int n) { for (int i = 1; i < n; ++i) out[i] = out[i - 1] + f(in[i]); }
    void running(int *out, const int *in, int n) { int total = 0; for (int i = 0; i < n; ++i) { total += f(in[i]); out[i] = total; } }
    long offsets(const int *sizes, int n) { long offset = 0; for (int i = 0; i < n; ++i) { f(int(offset)); offset += sizes[i]; } return offset; }
    void induction(const int *fds, int n) { int i = 0; do { f(fds[i]); ++i; } while (i < n); }
    void rows(double *m, int n, int w) { for (int r = 0; r < n; ++r) for (int c = 0; c < w; ++c) m[r * w + c] = f(c); }
    void rows_read(double *m, int n, int w) { for (int r = 0; r < n; ++r) { m[r * w] = f(r); m[r * w + 1] = m[r * w] + 1; } }
    void neighbour(int *out, int n) { for (int r = 0; r < n; ++r) { out[r] = f(r); out[r] += out[r + 1]; } }
    void two_dim(int (*m)[8], int n) { for (int r = 0; r < n; ++r) for (int c = 0; c < 8; ++c) m[r][c] = f(c); }
    long sum_only(const int *v, int n) { long s = 0; for (int i = 0; i < n; ++i) s += f(v[i]); return s; }
  )");
  Dependence Prefix = depOf(P, "prefix");
  EXPECT_FALSE(Prefix.Independent);
  EXPECT_NE(Prefix.Reason.find("another iteration's index"), std::string::npos)
      << Prefix.Reason;
  Dependence Running = depOf(P, "running");
  EXPECT_FALSE(Running.Independent);
  EXPECT_NE(Running.Reason.find("'total'"), std::string::npos) << Running.Reason;
  EXPECT_FALSE(depOf(P, "offsets").Independent);
  Dependence Induction = depOf(P, "induction");
  EXPECT_TRUE(Induction.Independent) << Induction.Reason;
  Dependence Rows = depOf(P, "rows");
  EXPECT_TRUE(Rows.Independent) << Rows.Reason;
  EXPECT_TRUE(Rows.CollectsResults);
  EXPECT_TRUE(depOf(P, "rows_read").Independent) << depOf(P, "rows_read").Reason;
  EXPECT_FALSE(depOf(P, "neighbour").Independent);
  EXPECT_TRUE(depOf(P, "two_dim").Independent) << depOf(P, "two_dim").Reason;
  EXPECT_TRUE(depOf(P, "sum_only").Independent);
}
