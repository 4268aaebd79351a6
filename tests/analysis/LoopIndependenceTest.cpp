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

TEST(LoopIndependence, ParametersWrittenThroughAreSummarised) {
  Parsed P(R"(
    #include <concur_mock_posix.h>
    struct buf { char *data; unsigned long len; };
    struct conn { int fd; long seen; };
    void put(struct buf *b, char c) { b->data[b->len++] = c; }
    void put_via_alias(struct buf *b, char c) { struct buf *o = b; put(o, c); }
    long peek(struct buf *b, const char *s) { return b->len + (s ? 1 : 0); }
    long pull(struct conn *c) { char x[8]; return recv(c->fd, x, 8, 0); }
    long pull_fd(int fd, struct buf *scratch) { char x[8]; (void)scratch; return read(fd, x, 8); }
    long at(int fd, char *out, long off) { return pread(fd, out, 8, off); }
  )");
  EXPECT_EQ(P.summary("put").WrittenParams, 1u);
  EXPECT_EQ(P.summary("put_via_alias").WrittenParams, 1u);
  EXPECT_EQ(P.summary("peek").WrittenParams, 0u);
  EXPECT_EQ(P.summary("pull").WrittenParams, 1u);
  EXPECT_EQ(P.summary("pull_fd").WrittenParams, 1u);
  // Positional reads move no cursor; the buffer is written.
  EXPECT_EQ(P.summary("at").WrittenParams, 2u);
}

TEST(LoopIndependence, OneObjectChangedByEveryIteration) {
  Parsed P(R"(
    #include <concur_mock_posix.h>
    struct buf { char *data; unsigned long len; };
    struct item { int fd; char name[8]; };
    void put(struct buf *b, const char *s) { b->data[b->len++] = s[0]; }
    long peek(struct buf *b, const struct item *it) { return b->len + it->fd; }
    void touch(struct item *it) { it->name[0] = 0; }
    void shared(struct buf *b, struct item *items, int n) { for (int i = 0; i < n; ++i) put(b, items[i].name); }
    void read_only(struct buf *b, struct item *items, int n) { long s = 0; for (int i = 0; i < n; ++i) s += peek(b, &items[i]); }
    void own(struct item *items, int n) { for (int i = 0; i < n; ++i) touch(&items[i]); }
    void one_file(FILE *out, const int *v, int n) { for (int i = 0; i < n; ++i) fprintf(out, "%d", v[i]); }
    void one_socket(int fd, int n) { for (int i = 0; i < n; ++i) { char x[8]; recv(fd, x, 8, 0); } }
    void own_sockets(const int *fds, int n) { for (int i = 0; i < n; ++i) { char x[8]; recv(fds[i], x, 8, 0); } }
    void through_const(struct buf *const b, int n) { for (int i = 0; i < n; ++i) put(b, "x"); }
  )");
  auto Dep = [&](llvm::StringRef Name) {
    return analyzeLoopDependence(P.loopIn(Name), P.context(),
                                 [&](const clang::FunctionDecl *Callee) {
                                   return P.Analyzer.writtenParams(Callee);
                                 });
  };
  Dependence Shared = Dep("shared");
  EXPECT_FALSE(Shared.Independent);
  EXPECT_NE(Shared.Reason.find("'b', the same object"), std::string::npos)
      << Shared.Reason;
  EXPECT_TRUE(Dep("read_only").Independent) << Dep("read_only").Reason;
  EXPECT_TRUE(Dep("own").Independent) << Dep("own").Reason;
  EXPECT_FALSE(Dep("one_file").Independent);
  Dependence Socket = Dep("one_socket");
  EXPECT_FALSE(Socket.Independent);
  EXPECT_NE(Socket.Reason.find("descriptor 'fd'"), std::string::npos)
      << Socket.Reason;
  EXPECT_TRUE(Dep("own_sockets").Independent) << Dep("own_sockets").Reason;
  EXPECT_FALSE(Dep("through_const").Independent);
  // Without summaries, a callee may write every non-const pointer it gets.
  EXPECT_FALSE(depOf(P, "read_only").Independent);
}

TEST(LoopIndependence, CleanupIsNotWork) {
  Parsed P(R"(
    #include <concur_mock_posix.h>
    struct obj { int refs; char *data; };
    void obj_unref(struct obj *o) { if (--o->refs == 0) { free(o->data); free(o); } }
    void release_all(struct obj **objs, int n) { for (int i = 0; i < n; ++i) obj_unref(objs[i]); }
    void close_all(const int *fds, int n) { for (int i = 0; i < n; ++i) close(fds[i]); }
    long work(struct obj *o) { long s = 0; for (int k = 0; k < o->refs; ++k) for (int j = 0; j < o->refs; ++j) s += o->data[k] * o->data[j]; return s; }
    void use_then_free(struct obj **objs, long *out, int n) { for (int i = 0; i < n; ++i) { out[i] = work(objs[i]); free(objs[i]); } }
  )");
  auto Facts = [&](llvm::StringRef Name) -> const LoopFacts & {
    return P.Analyzer.analyzeLoop(P.loopIn(Name));
  };
  EXPECT_FALSE(Facts("release_all").Dependences.Independent);
  EXPECT_NE(Facts("release_all").Dependences.Reason.find("cleanup"),
            std::string::npos);
  EXPECT_FALSE(Facts("close_all").Dependences.Independent);
  EXPECT_TRUE(Facts("use_then_free").Dependences.Independent)
      << Facts("use_then_free").Dependences.Reason;
}
