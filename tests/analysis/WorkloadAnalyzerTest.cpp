#include "AnalysisTestUtil.h"
#include "Advice.h"
#include <cmath>

using namespace concur;
using namespace concur::test;

namespace {
const char *Decls = R"(
extern "C" long recv(int, void *, unsigned long, int);
extern "C" char *strtok(char *, const char *);
extern "C" double exp(double);
extern "C" int pthread_mutex_lock(void *);
extern "C" int pthread_mutex_unlock(void *);
namespace std { template <class It> void sort(It, It); }
)";
std::string code(llvm::StringRef Body) { return std::string(Decls) + Body.str(); }
} // namespace

TEST(WorkloadAnalyzer, IoThroughCalleesWithEvidenceChain) {
  Parsed P(code(R"(
    long fetch(int fd) { char b[64]; return recv(fd, b, 64, 0); }
    long download_all(int *fds, int n) {
      long total = 0;
      for (int i = 0; i < n; ++i) total += fetch(fds[i]);
      return total;
    })"));
  const FunctionSummary &S = P.summary("download_all");
  EXPECT_EQ(S.Class.Class, WorkloadClass::Io);
  EXPECT_TRUE(S.Class.IoKinds.contains(IoKind::Network));
  const Evidence *Top = topEvidence(S.Total, EvidenceKind::Io);
  ASSERT_NE(Top, nullptr);
  EXPECT_EQ(Top->chainText(), "fetch -> recv (network)");
  ASSERT_EQ(Top->Chain.size(), 2u);
  EXPECT_EQ(Top->Chain[0].Line, 12u); // the call of fetch in the loop
  EXPECT_GT(S.Class.Confidence, 0.7);
}

TEST(WorkloadAnalyzer, PathsThatEndTheProgramAreNotTheWorkload) {
  Parsed P(code(R"(
    extern "C" [[noreturn]] void exit(int);
    // An error report that blocks on the network, as a crash reporter may.
    void report(const char *what) { char b[64]; recv(3, b, 64, 0); }
    #define check(e) ((e) ? (void)0 : (report(#e), __builtin_unreachable()))
    int parse(const char *s) {
      check(s != 0);
      if (*s == 0) {
        report("empty");
        exit(1);
      }
      return *s - '0';
    }
    int serve(int fd) {
      char b[64];
      long n = recv(fd, b, 64, 0);
      if (n < 0) report("recv"); // a path that goes on
      exit(0);
    })"));
  EXPECT_EQ(P.summary("parse").Class.Class, WorkloadClass::Trivial);
  // A function's own body counts even when it ends the program.
  EXPECT_EQ(P.summary("serve").Class.Class, WorkloadClass::Io);
  EXPECT_EQ(P.summary("report").Class.Class, WorkloadClass::Io);
}

TEST(WorkloadAnalyzer, ClassesOfTheTable) {
  Parsed P(code(R"(
    int getter(const int *p) { return *p + 1; }
    double dot(const double *a, const double *b, int n) {
      double s = 0;
      for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) s += a[i] * b[j] + exp(a[j]);
      return s;
    }
    long fetch_and_sort(int fd, int *v, int n) {
      char b[64];
      long got = recv(fd, b, 64, 0);
      std::sort(v, v + n);
      return got;
    })"));
  EXPECT_EQ(P.summary("getter").Class.Class, WorkloadClass::Trivial);
  const FunctionSummary &Dot = P.summary("dot");
  EXPECT_EQ(Dot.Class.Class, WorkloadClass::Cpu);
  EXPECT_TRUE(Dot.Class.Numeric);
  EXPECT_FALSE(Dot.Total.ThreadUnsafe);
  EXPECT_EQ(P.summary("fetch_and_sort").Class.Class, WorkloadClass::Mixed);
}

TEST(WorkloadAnalyzer, ThreadSafetyThroughCallees) {
  Parsed P(code(R"(
    int counter;
    void *mutex;
    void bump() { ++counter; }
    void locked_bump() { pthread_mutex_lock(mutex); ++counter; pthread_mutex_unlock(mutex); }
    void tokens(char *s) { strtok(s, ","); }
    void outer_unsafe() { bump(); }
    void outer_safe() { locked_bump(); }
    void uses_tokens(char *s) { tokens(s); }
    int count_static() { static int calls = 0; return ++calls; }
    int local_only(int x) { int y = x; y += 2; return y; }
  )"));
  EXPECT_TRUE(P.summary("outer_unsafe").Total.ThreadUnsafe);
  EXPECT_FALSE(P.summary("outer_safe").Total.ThreadUnsafe);
  const FunctionSummary &Tokens = P.summary("uses_tokens");
  EXPECT_TRUE(Tokens.Total.ThreadUnsafe);
  const Evidence *Unsafe = topEvidence(Tokens.Total, EvidenceKind::MtUnsafe);
  ASSERT_NE(Unsafe, nullptr);
  EXPECT_EQ(Unsafe->chainText(), "tokens -> strtok (mt-unsafe)");
  EXPECT_TRUE(P.summary("count_static").Total.ThreadUnsafe);
  EXPECT_FALSE(P.summary("local_only").Total.ThreadUnsafe);
}

TEST(WorkloadAnalyzer, RecursionIsSummarisedPerComponent) {
  Parsed P(code(R"(
    long ping(int fd, int n);
    long pong(int fd, int n) { return n ? ping(fd, n - 1) : 0; }
    long ping(int fd, int n) { char b[8]; recv(fd, b, 8, 0); return pong(fd, n); }
    long fib(long n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
  )"));
  EXPECT_EQ(P.summary("pong").Class.Class, WorkloadClass::Io);
  EXPECT_EQ(P.summary("ping").Class.Class, WorkloadClass::Io);
  // A recursive function does its body's work an unknown number of times.
  AnalysisOptions Defaults;
  EXPECT_GE(P.summary("fib").Total.Work, 6 * Defaults.UnknownTripCount);
}

TEST(WorkloadAnalyzer, VirtualAndPointerCallsAreConservative) {
  Parsed P(code(R"(
    struct Source { virtual long pull(int fd) = 0; virtual ~Source() = default; };
    struct Socket : Source { long pull(int fd) override { char b[8]; return recv(fd, b, 8, 0); } };
    struct Memory : Source { long pull(int) override { return 0; } };
    long drain(Source &s, int fd) { return s.pull(fd); }
    long indirect(long (*f)(int), int fd) { return f(fd); }
    long undefined_elsewhere(int);
    long external(int fd) { return undefined_elsewhere(fd); }
  )"));
  const FunctionSummary &Drain = P.summary("drain");
  EXPECT_EQ(Drain.Class.Class, WorkloadClass::Io);
  const Evidence *Top = topEvidence(Drain.Total, EvidenceKind::Io);
  ASSERT_NE(Top, nullptr);
  EXPECT_NE(Top->Chain.front().Callee.find("virtual; assumed Socket::pull"),
            std::string::npos)
      << Top->Chain.front().Callee;

  const FunctionSummary &Indirect = P.summary("indirect");
  EXPECT_EQ(Indirect.Total.UnknownCalls, 1u);
  EXPECT_LT(Indirect.Class.Confidence, 0.9);

  const FunctionSummary &External = P.summary("external");
  ASSERT_EQ(External.ExternalCalls.size(), 1u);
  EXPECT_EQ(External.ExternalCalls[0].Name, "undefined_elsewhere");
  EXPECT_FALSE(External.ExternalCalls[0].USR.empty());
  const Evidence *Unknown = topEvidence(External.Total, EvidenceKind::Unknown);
  ASSERT_NE(Unknown, nullptr);
  EXPECT_EQ(Unknown->What, "callee not analysed");
}

TEST(WorkloadAnalyzer, AnnotationsStateTheClass) {
  Parsed P(code(R"(
    [[clang::annotate("concur::io:database")]] int query(int);
    [[clang::annotate("concur::cpu:numeric")]] double solve(double);
    [[clang::annotate("concur::trivial")]] long cheap(int fd) { char b[8]; return recv(fd, b, 8, 0); }
    int use_query(int x) { return query(x); }
    double use_solve(double x) { return solve(x); }
    long use_cheap(int fd) { return cheap(fd); }
  )"));
  const FunctionSummary &Q = P.summary("use_query");
  EXPECT_EQ(Q.Class.Class, WorkloadClass::Io);
  EXPECT_TRUE(Q.Class.IoKinds.contains(IoKind::Database));
  const FunctionSummary &S = P.summary("use_solve");
  EXPECT_EQ(S.Class.Class, WorkloadClass::Cpu);
  EXPECT_TRUE(S.Class.Numeric);
  EXPECT_EQ(P.summary("use_cheap").Class.Class, WorkloadClass::Trivial);
}

TEST(WorkloadAnalyzer, LoopFactsFanOutAndPerIterationWork) {
  Parsed P(code(R"(
    long fetch(int fd) { char b[8]; return recv(fd, b, 8, 0); }
    void four(int *fds) { for (int i = 0; i < 4; ++i) fetch(fds[i]); }
    void many(int *fds) { for (int i = 0; i < 1000; ++i) fetch(fds[i]); }
    void runtime(int *fds, int n) { for (int i = 0; i < n; ++i) fetch(fds[i]); }
    void server(int fd) { while (true) fetch(fd); }
    void single(int *fds) { for (int i = 0; i < 1; ++i) fetch(fds[i]); }
  )"));
  LoopFacts Four = P.Analyzer.analyzeLoop(P.loopIn("four"));
  EXPECT_TRUE(Four.TripCountKnown);
  EXPECT_EQ(Four.TripCount, 4);
  EXPECT_EQ(Four.Shape, FanOut::Small);
  EXPECT_EQ(Four.IterationClass.Class, WorkloadClass::Io);
  EXPECT_EQ(P.Analyzer.analyzeLoop(P.loopIn("many")).Shape, FanOut::Large);
  EXPECT_EQ(P.Analyzer.analyzeLoop(P.loopIn("runtime")).Shape, FanOut::Runtime);
  EXPECT_EQ(P.Analyzer.analyzeLoop(P.loopIn("server")).Shape, FanOut::Server);
  EXPECT_EQ(P.Analyzer.analyzeLoop(P.loopIn("single")).Shape, FanOut::Single);
}

TEST(WorkloadAnalyzer, DeepCallChainsStayBounded) {
  // 3000 functions each calling the next: the iterative SCC walk must not
  // overflow the stack, and the blocking call at the bottom must surface.
  std::string Code = code("");
  const int Depth = 3000;
  Code += "long f" + std::to_string(Depth) +
          "(int fd) { char b[8]; return recv(fd, b, 8, 0); }\n";
  for (int I = Depth - 1; I >= 0; --I)
    Code += "long f" + std::to_string(I) + "(int fd) { return f" +
            std::to_string(I + 1) + "(fd); }\n";
  Parsed P(Code);
  const FunctionSummary &Top = P.summary("f0");
  EXPECT_TRUE(Top.Class.IoKinds.contains(IoKind::Network));
  const Evidence *E = topEvidence(Top.Total, EvidenceKind::Io);
  ASSERT_NE(E, nullptr);
  AnalysisOptions Defaults;
  EXPECT_LE(E->Chain.size(), Defaults.MaxChainLength);
  EXPECT_EQ(E->Chain.back().Callee, "recv");
}

TEST(WorkloadAnalyzer, HugeFunctionsAndNestingStayBounded) {
  std::string Body;
  for (int I = 0; I < 20000; ++I)
    Body += "x = x * 3 + " + std::to_string(I) + ";\n";
  std::string Nested = "x += 1;";
  for (int I = 0; I < 200; ++I)
    Nested = "for (int i" + std::to_string(I) + " = 0; i" + std::to_string(I) +
             " < n; ++i" + std::to_string(I) + ") { " + Nested + " }";
  Parsed P(code("long big(long x) {\n" + Body + "return x; }\n" +
                "long deep(long x, int n) { " + Nested + " return x; }\n"));
  EXPECT_EQ(P.summary("big").Class.Class, WorkloadClass::Cpu);
  const FunctionSummary &Deep = P.summary("deep");
  EXPECT_EQ(Deep.Class.Class, WorkloadClass::Cpu);
  EXPECT_TRUE(std::isfinite(Deep.Total.Work));
}

TEST(WorkloadAnalyzer, TreeRecursionIsHeavierThanLinearRecursion) {
  Parsed P(code(R"(
    long fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
    int length(const int *l) { return *l ? 1 + length(l + 1) : 0; }
  )"));
  const FunctionSummary &Fib = P.summary("fib");
  EXPECT_EQ(Fib.Class.Class, WorkloadClass::Cpu);
  const Evidence *Top = topEvidence(Fib.Total, EvidenceKind::Cpu);
  ASSERT_NE(Top, nullptr);
  EXPECT_EQ(Top->Api, "recursive computation");
  const FunctionSummary &Length = P.summary("length");
  EXPECT_EQ(Length.Class.Class, WorkloadClass::Trivial);
  EXPECT_GT(Fib.Total.Work, 10 * Length.Total.Work);
}
