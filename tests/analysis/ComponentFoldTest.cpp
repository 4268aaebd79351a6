//===--- ComponentFoldTest.cpp - A program split or whole, one answer -----===//
//
// The analyzer folds the components of one unit's call graph, the linker
// those of the whole program; both through foldComponent(). A program split
// across files must be summarised as the same program in one file: the same
// class, work, blocking and evidence for every function.
//
//===----------------------------------------------------------------------===//

#include "ComponentFold.h"
#include "Advice.h"
#include "AnalysisTestUtil.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"
#include <algorithm>

using namespace concur;
using namespace concur::test;

namespace {

/// One file of a program: its code (with the declarations it needs of the
/// other files) and the functions it defines.
struct SourceFile {
  const char *Code;
  std::initializer_list<const char *> Defines;
};

/// An evidence item without where it is (files and lines differ between
/// the two layouts): kind, what, API, weight and the callees of its chain.
std::string describe(const Evidence &E) {
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  OS << toString(E.Kind) << " " << E.What << " '" << E.Api << "' "
     << llvm::format("%.17g", E.Weight) << " [";
  for (const Hop &H : E.Chain)
    OS << H.Callee << ";";
  OS << "]";
  return Out;
}

std::vector<std::string> evidenceOf(const Effects &E) {
  std::vector<std::string> Out;
  for (const Evidence &Item : E.Items)
    Out.push_back(describe(Item));
  llvm::sort(Out);
  return Out;
}

void expectSame(const FunctionSummary &Whole, const FunctionSummary &Split) {
  SCOPED_TRACE(Whole.Name);
  EXPECT_EQ(toString(Split.Class.Class), toString(Whole.Class.Class));
  EXPECT_EQ(Split.Class.Confidence, Whole.Class.Confidence);
  EXPECT_EQ(Split.Class.Numeric, Whole.Class.Numeric);
  EXPECT_EQ(Split.Class.IoKinds.str(), Whole.Class.IoKinds.str());
  EXPECT_EQ(Split.Total.Work, Whole.Total.Work);
  EXPECT_EQ(Split.Total.NumericWork, Whole.Total.NumericWork);
  EXPECT_EQ(Split.Total.Blocking, Whole.Total.Blocking);
  EXPECT_EQ(Split.Total.ThreadUnsafe, Whole.Total.ThreadUnsafe);
  EXPECT_EQ(Split.Total.UnknownCalls, Whole.Total.UnknownCalls);
  EXPECT_EQ(evidenceOf(Split.Total), evidenceOf(Whole.Total));
  EXPECT_TRUE(Split.ExternalCalls.empty());
}

/// The summaries of \p Files analysed as separate units (in \p Units) and
/// linked.
std::vector<FunctionSummary>
linkSplit(std::initializer_list<SourceFile> Files, llvm::StringRef Prelude,
          std::vector<std::unique_ptr<Parsed>> &Units) {
  std::vector<StoredFunction> Local;
  for (const SourceFile &F : Files) {
    Units.push_back(std::make_unique<Parsed>(Prelude.str() + F.Code));
    std::string Unit = "unit" + std::to_string(Units.size()) + ".cpp";
    for (StoredFunction &S : localsOf(*Units.back(), Unit, F.Defines))
      Local.push_back(std::move(S));
  }
  return linkSummaries(
      Local, [](const FunctionSummary &) { return AnalysisOptions(); });
}

/// Analyses \p Files as one file (their code concatenated) and as separate
/// units linked together, and expects the same summary of every function.
/// \p Prelude (types) starts every file, and the whole program once.
/// Functions are summarised in the order listed, so the first of a
/// recursion listed is where the analyzer starts it.
///
/// A caller in the same file as a member of a recursion that crosses files
/// is not summarised alike yet (see the disabled test below), so callers
/// have files of their own.
void expectSameSplitOrWhole(std::initializer_list<SourceFile> Files,
                            llvm::StringRef Prelude = "") {
  std::string All = Prelude.str();
  for (const SourceFile &F : Files)
    All += F.Code;
  Parsed Whole(All);
  std::vector<std::unique_ptr<Parsed>> Units;
  std::vector<FunctionSummary> Linked = linkSplit(Files, Prelude, Units);
  for (const SourceFile &F : Files)
    for (const char *Name : F.Defines) {
      const FunctionSummary *Split = findNamed(Linked, Name);
      ASSERT_NE(Split, nullptr) << Name;
      expectSame(Whole.summary(Name), *Split);
    }
}

constexpr const char *Recv =
    "extern \"C\" long recv(int, void *, unsigned long, int);\n";

} // namespace

TEST(ComponentFold, DirectRecursionCalledFromAnotherFile) {
  expectSameSplitOrWhole({
      {R"(
        long depth(const int *v, int n);
        long run(const int *v, int n) { return depth(v, n) + depth(v, n / 2); }
      )",
       {"run"}},
      {R"(
        long depth(const int *v, int n) {
          if (n <= 0) return 0;
          long s = 0;
          for (int i = 0; i < n; ++i) s += v[i] * v[i];
          return s + depth(v, n - 1);
        }
      )",
       {"depth"}},
  });
}

TEST(ComponentFold, TreeRecursionInOneFileAndAcrossFiles) {
  // fib calls itself twice; walk calls visit, in the other file, twice.
  expectSameSplitOrWhole(
      {
          {R"(
            long fib(int n);
            long walk(Node *n);
            long total(Node *root, int n) { return walk(root) + fib(n); }
          )",
           {"total"}},
          {R"(
            long visit(Node *n);
            long walk(Node *n) {
              if (!n) return 0;
              return visit(n->left) + visit(n->right);
            }
          )",
           {"walk"}},
          {R"(
            long walk(Node *n);
            long fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
            long visit(Node *n) {
              long s = 0;
              for (int i = 0; i < n->value; ++i) s += i * n->value;
              return s + walk(n);
            }
          )",
           {"fib", "visit"}},
      },
      "struct Node { Node *left, *right; int value; };\n");
  // Split, walk and visit are a tree too: UnknownTripCount squared.
  std::vector<std::unique_ptr<Parsed>> Units;
  std::vector<FunctionSummary> Linked = linkSplit(
      {{"long walk(Node *); long visit(Node *n) { return walk(n); }",
        {"visit"}},
       {"long visit(Node *);\n"
        "long walk(Node *n) { return visit(n->left) + visit(n->right); }",
        {"walk"}}},
      "struct Node { Node *left, *right; };\n", Units);
  const FunctionSummary *Walk = findNamed(Linked, "walk");
  ASSERT_NE(Walk, nullptr);
  const Evidence *Recursion = topEvidence(Walk->Total, EvidenceKind::Cpu);
  ASSERT_NE(Recursion, nullptr);
  EXPECT_EQ(Recursion->Api, "recursive computation");
  EXPECT_EQ(Recursion->Weight, Walk->Total.Work);
  EXPECT_GT(Walk->Total.Work, 100 * 100);
}

TEST(ComponentFold, MutualRecursionAcrossTwoFiles) {
  expectSameSplitOrWhole({
      {R"(
        long even(const double *v, int n);
        long start(const double *v, int n) { return even(v, n); }
      )",
       {"start"}},
      {R"(
        long odd(const double *v, int n);
        long even(const double *v, int n) {
          double s = 0;
          for (int i = 0; i < n; ++i) s += v[i] * 0.5;
          return n == 0 ? long(s) : odd(v, n - 1);
        }
      )",
       {"even"}},
      {R"(
        long even(const double *v, int n);
        long odd(const double *v, int n) {
          long s = 0;
          // Each unit is parsed as input.cpp: this loop must not sit where
          // even's does, or the linked evidence would merge the two.
          for (int i = 0; i < n; ++i) s += long(v[i]);
          return n == 0 ? s : even(v, n - 1);
        }
      )",
       {"odd"}},
  });
}

TEST(ComponentFold, RecursionReachingRecvInAThirdFile) {
  std::string C = std::string(Recv) + R"(
    long parse(int fd, int depth);
    long read_block(int fd) { char b[64]; return recv(fd, b, 64, 0); }
    long serve(int fd) { return parse(fd, 8); }
  )";
  expectSameSplitOrWhole({
      {C.c_str(), {"serve", "read_block"}},
      {R"(
        long read_block(int fd);
        long expand(int fd, int depth);
        long parse(int fd, int depth) {
          long n = read_block(fd);
          return depth ? n + expand(fd, depth - 1) : n;
        }
      )",
       {"parse"}},
      {R"(
        long parse(int fd, int depth);
        long expand(int fd, int depth) { return parse(fd, depth) * 2; }
      )",
       {"expand"}},
  });
}

TEST(ComponentFold, CallbacksDefinedInAnotherFile) {
  // qsort runs the comparator inline, many times; pthread_once runs the
  // initialiser under its own lock, so its writes to the table are
  // synchronised.
  expectSameSplitOrWhole({
      {R"(
        extern "C" void qsort(void *, unsigned long, unsigned long,
                              int (*)(const void *, const void *));
        extern "C" int pthread_once(int *, void (*)(void));
        int by_weight(const void *a, const void *b);
        void load_table();
        int once;
        void sort_all(double *v, unsigned long n) {
          qsort(v, n, sizeof *v, by_weight);
        }
        void setup() { pthread_once(&once, load_table); }
      )",
       {"sort_all", "setup"}},
      {R"(
        double table[256];
        int by_weight(const void *a, const void *b) {
          double x = *(const double *)a, y = *(const double *)b;
          for (int i = 0; i < 8; ++i) { x = x * 1.5 + 1; y = y * 1.5 + 1; }
          return x < y ? -1 : x > y;
        }
        void load_table() {
          for (int i = 0; i < 256; ++i) table[i] = i * 0.5;
        }
      )",
       {"by_weight", "load_table"}},
  });
}

// The local summary of a caller in the same file as a member of a
// recursion that crosses files folds in that member's local summary, which
// linking cannot take back: the caller comes out heavier than in one file.
// Linking would need the calls between functions of one unit, not only
// those into other units (see "One analysis engine").
TEST(ComponentFold, DISABLED_CallerInTheFileOfACrossFileRecursion) {
  expectSameSplitOrWhole({
      {R"(
        long odd(int n);
        long even(int n) {
          long s = 0;
          for (int i = 0; i < n; ++i) s += i * n;
          return n == 0 ? s : odd(n - 1);
        }
        long start(int n) { return even(n); }
      )",
       {"start", "even"}},
      {R"(
        long even(int n);
        long odd(int n) { return n == 0 ? 1 : even(n - 1); }
      )",
       {"odd"}},
  });
}

TEST(ComponentFold, FoldsAnAbstractView) {
  // One member that calls itself from one site merging two paths (a tree),
  // calls a synchronised initialiser, and a function nobody summarised.
  Effects Own;
  Own.WorkGrowth = Growth::constant(10);
  Hop Site{"self", "x.cpp", 3, 5, {}};
  FunctionSummary Init;
  Init.Total.WorkGrowth = Growth::constant(5);
  Init.Total.ThreadUnsafe = true;
  Init.Total.Items.push_back(
      {EvidenceKind::SharedWrite, "global write", "table", 1, {Site}});
  ExternalCall Ext{"c:@F@ext#I#", "ext", Growth::constant(2), Site, {}, 1};
  std::vector<FoldEdge> Edges(3);
  Edges[0].Call = &Ext;
  Edges[1].To = FoldEdge::Target::Inside;
  Edges[1].Path = Site;
  Edges[1].Sites = 2;
  Edges[2].To = FoldEdge::Target::Outside;
  Edges[2].Callee = &Init;
  Edges[2].Path = Site;
  Edges[2].Synchronized = true;
  FoldResult R = foldComponent(FoldMember{&Own, Edges}, AnalysisOptions());
  EXPECT_TRUE(R.Recursive);
  // A tree: n^2 repetitions, whatever UnknownTripCount is.
  EXPECT_EQ(R.Repetitions, Growth::term(1, 2));
  EXPECT_EQ(R.Total.WorkGrowth, Growth::term(10 + 5, 2));
  EXPECT_EQ(R.Total.Work, (10 + 5) * 100 * 100);
  EXPECT_FALSE(R.Total.ThreadUnsafe);
  EXPECT_EQ(topEvidence(R.Total, EvidenceKind::SharedWrite), nullptr);
  const Evidence *Recursion = topEvidence(R.Total, EvidenceKind::Cpu);
  ASSERT_NE(Recursion, nullptr);
  EXPECT_EQ(Recursion->Api, "recursive computation");
  ASSERT_EQ(Recursion->Chain.size(), 1u);
  EXPECT_EQ(Recursion->Chain[0].Callee, "");
  EXPECT_EQ(Recursion->Chain[0].Line, 3u);
  ASSERT_EQ(R.External.size(), 1u);
  EXPECT_EQ(R.External[0].Times, Growth::term(2, 2));
}
