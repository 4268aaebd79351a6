//===--- SummaryLinker.cpp - Linking local summaries ----------------------===//

#include "SummaryLinker.h"
#include "ComponentFold.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"
#include <algorithm>
#include <optional>

using namespace llvm;

namespace concur {

namespace {

/// One local summary per USR: the one from the unit whose main file defines
/// it, else the first unit by name (inline functions in headers are
/// summarised alike by every unit that includes them).
bool preferred(const StoredFunction &F, const StoredFunction &Over) {
  return (F.InMainFile && !Over.InMainFile) ||
         (F.InMainFile == Over.InMainFile && F.Unit < Over.Unit);
}

class Linker {
public:
  Linker(ArrayRef<const StoredFunction *> Local,
         function_ref<AnalysisOptions(const FunctionSummary &)> OptionsFor)
      : OptionsFor(OptionsFor) {
    for (const StoredFunction *F : Local) {
      if (F->Summary.USR.empty())
        continue;
      auto [It, Inserted] = Index.try_emplace(F->Summary.USR, Nodes.size());
      if (Inserted) {
        Nodes.emplace_back();
        Nodes.back().F = F;
        continue;
      }
      const StoredFunction *&Have = Nodes[It->second].F;
      if (preferred(*F, *Have))
        Have = F;
    }
  }

  std::vector<FunctionSummary> run() {
    for (unsigned I = 0; I < Nodes.size(); ++I)
      if (!Nodes[I].Visited)
        strongConnect(I);
    std::vector<FunctionSummary> Out;
    Out.reserve(Nodes.size());
    for (Node &N : Nodes)
      Out.push_back(std::move(N.Linked));
    llvm::sort(Out, [](const FunctionSummary &A, const FunctionSummary &B) {
      return A.USR < B.USR;
    });
    return Out;
  }

private:
  struct Node {
    const StoredFunction *F = nullptr;
    bool Visited = false, OnStack = false, Done = false;
    unsigned Index = 0, Low = 0;
    FunctionSummary Linked;
  };

  std::optional<unsigned> target(const ExternalCall &C) const {
    auto It = Index.find(C.USR);
    if (It == Index.end())
      return std::nullopt;
    return It->second;
  }

  /// A copy of \p Local without its external calls, which linking replaces
  /// (they are most of a local summary's size).
  static FunctionSummary withoutCalls(const FunctionSummary &Local) {
    FunctionSummary S;
    S.USR = Local.USR;
    S.Name = Local.Name;
    S.QualifiedName = Local.QualifiedName;
    S.File = Local.File;
    S.Line = Local.Line;
    S.Column = Local.Column;
    S.IsCoroutine = Local.IsCoroutine;
    S.LogSink = Local.LogSink;
    S.Lock = Local.Lock;
    S.WrittenParams = Local.WrittenParams;
    S.Total = Local.Total;
    S.Class = Local.Class;
    return S;
  }

  /// The folder's view of a member: its local summary (callees in its own
  /// unit folded in), and its external calls as edges. \p Paths keeps the
  /// hops of each edge (the call's Via, then the call).
  FoldMember viewOf(unsigned Member, ArrayRef<unsigned> Group,
                    std::vector<FoldEdge> &Edges,
                    std::vector<std::vector<Hop>> &Paths) const {
    const FunctionSummary &Local = Nodes[Member].F->Summary;
    for (const ExternalCall &C : Local.ExternalCalls) {
      FoldEdge &E = Edges.emplace_back();
      E.Call = &C;
      std::optional<unsigned> T = target(C);
      if (!T)
        continue;
      E.To = llvm::is_contained(Group, *T) ? FoldEdge::Target::Inside
                                           : FoldEdge::Target::Outside;
      if (E.To == FoldEdge::Target::Outside)
        E.Callee = &Nodes[*T].Linked;
      std::vector<Hop> &Path = Paths.emplace_back(C.Via);
      Path.push_back(C.Site);
      E.Path = Path;
      E.Times = C.Times;
      E.Synchronized = C.Synchronized;
      E.Use = C.Use;
      E.Sites = C.Paths;
    }
    return {&Local.Total, Edges};
  }

  void finish(ArrayRef<unsigned> Members) {
    // In USR order, not the order nodes were added: linking a subset of the
    // program (IncrementalLinker) must give the same results. The first is
    // where a recursion is reported.
    SmallVector<unsigned, 4> Sorted(Members.begin(), Members.end());
    llvm::sort(Sorted, [&](unsigned A, unsigned B) {
      return Nodes[A].F->Summary.USR < Nodes[B].F->Summary.USR;
    });
    size_t Calls = 0;
    for (unsigned I : Sorted)
      Calls += Nodes[I].F->Summary.ExternalCalls.size();
    // Reserved: the view points into both.
    std::vector<std::vector<FoldEdge>> Edges(Sorted.size());
    std::vector<std::vector<Hop>> Paths;
    Paths.reserve(Calls);
    SmallVector<FoldMember, 4> View;
    for (size_t I = 0; I < Sorted.size(); ++I)
      View.push_back(viewOf(Sorted[I], Sorted, Edges[I], Paths));

    AnalysisOptions GroupOpts = OptionsFor(Nodes[Sorted.front()].F->Summary);
    FoldResult Folded = foldComponent(View, GroupOpts);
    for (unsigned I : Sorted) {
      FunctionSummary S = withoutCalls(Nodes[I].F->Summary);
      // The last member (the only one, mostly) takes the result.
      bool Last = I == Sorted.back();
      S.Total = Last ? std::move(Folded.Total) : Folded.Total;
      S.ExternalCalls = Last ? std::move(Folded.External) : Folded.External;
      // A logger's output stays console output whatever it reaches in
      // other units.
      if (S.LogSink)
        S.Total.asDiagnostics();
      S.Class = classify(S.Total, Folded.Recursive ? OptionsFor(S) : GroupOpts);
      Nodes[I].Linked = std::move(S);
      Nodes[I].Done = true;
    }
  }

  /// Tarjan's algorithm without recursion: deep call chains are common.
  void strongConnect(unsigned Root) {
    struct Frame {
      unsigned N;
      size_t Next;
    };
    SmallVector<Frame, 32> Frames;
    auto Push = [&](unsigned N) {
      Nodes[N].Visited = Nodes[N].OnStack = true;
      Nodes[N].Index = Nodes[N].Low = Counter++;
      Stack.push_back(N);
      Frames.push_back({N, 0});
    };
    Push(Root);
    while (!Frames.empty()) {
      unsigned N = Frames.back().N;
      const auto &Calls = Nodes[N].F->Summary.ExternalCalls;
      if (Frames.back().Next < Calls.size()) {
        std::optional<unsigned> T = target(Calls[Frames.back().Next++]);
        if (!T || Nodes[*T].Done)
          continue;
        if (!Nodes[*T].Visited)
          Push(*T);
        else if (Nodes[*T].OnStack)
          Nodes[N].Low = std::min(Nodes[N].Low, Nodes[*T].Index);
        continue;
      }
      Frames.pop_back();
      if (!Frames.empty()) {
        unsigned Parent = Frames.back().N;
        Nodes[Parent].Low = std::min(Nodes[Parent].Low, Nodes[N].Low);
      }
      if (Nodes[N].Low != Nodes[N].Index)
        continue;
      SmallVector<unsigned, 4> Members;
      unsigned M;
      do {
        M = Stack.pop_back_val();
        Nodes[M].OnStack = false;
        Members.push_back(M);
      } while (M != N);
      finish(Members);
    }
  }

  function_ref<AnalysisOptions(const FunctionSummary &)> OptionsFor;
  std::vector<Node> Nodes;
  StringMap<unsigned> Index;
  SmallVector<unsigned, 32> Stack;
  unsigned Counter = 0;
};

} // namespace

std::vector<FunctionSummary> linkSummaries(
    ArrayRef<StoredFunction> Local,
    function_ref<AnalysisOptions(const FunctionSummary &)> OptionsFor) {
  std::vector<const StoredFunction *> Functions;
  Functions.reserve(Local.size());
  for (const StoredFunction &F : Local)
    Functions.push_back(&F);
  return Linker(Functions, OptionsFor).run();
}

IncrementalLinker::IncrementalLinker(OptionsFunction OptionsFor)
    : OptionsFor(std::move(OptionsFor)) {}

IncrementalLinker::~IncrementalLinker() = default;

const StoredFunction *IncrementalLinker::choose(const StoredFunction &F) {
  if (F.Summary.USR.empty())
    return nullptr;
  auto [It, New] = Chosen.try_emplace(F.Summary.USR, &F);
  if (New || !preferred(F, *It->second))
    return nullptr;
  return std::exchange(It->second, &F);
}

void IncrementalLinker::retireAnswers() {
  for (auto &Entry : Memo)
    Retired.push_back(std::move(Entry.second.Summary));
  Memo.clear();
}

void IncrementalLinker::addUnit(StringRef Unit,
                                std::vector<StoredFunction> Functions) {
  // As a database stores them: the hops' source locations belong to the
  // unit that computed them and mean nothing in another; the unit decides
  // between definitions of one USR (preferred()).
  for (StoredFunction &F : Functions) {
    F.Summary = cantFail(decodeSummary(encodeSummary(F.Summary)));
    F.Unit = Unit.str();
  }
  std::lock_guard<std::mutex> Lock(Mutex);
  auto [It, New] = Units.try_emplace(Unit.str());
  It->second = std::move(Functions);
  if (New) {
    // Answers linked with a definition now replaced are out of date, unless
    // both say the same (as the copies of an inline function mostly do).
    bool Stale = false;
    for (const StoredFunction &F : It->second)
      if (const StoredFunction *Replaced = choose(F))
        Stale = Stale ||
                encodeSummary(F.Summary) != encodeSummary(Replaced->Summary);
    if (Stale)
      retireAnswers();
    return;
  }
  // A unit analysed again: what it defined before may be gone.
  Chosen.clear();
  for (const auto &Entry : Units)
    for (const StoredFunction &F : Entry.second)
      choose(F);
  retireAnswers();
}

bool IncrementalLinker::current(const Linked &L) const {
  return llvm::none_of(
      *L.Missing, [&](const std::string &USR) { return Chosen.count(USR); });
}

FingerprintingSummaryProvider::Answer
IncrementalLinker::answer(StringRef USR) const {
  std::lock_guard<std::mutex> Lock(Mutex);
  if (auto It = Memo.find(USR); It != Memo.end() && current(It->second))
    return {It->second.Summary.get(), It->second.Fingerprint};
  if (!Chosen.count(USR))
    return {};
  // The callee's call closure among the summaries added so far.
  std::vector<const StoredFunction *> Closure;
  auto Missing = std::make_shared<std::vector<std::string>>();
  StringSet<> Seen;
  Seen.insert(USR);
  Closure.push_back(Chosen.lookup(USR));
  for (size_t I = 0; I < Closure.size(); ++I)
    for (const ExternalCall &C : Closure[I]->Summary.ExternalCalls) {
      if (!Seen.insert(C.USR).second)
        continue;
      if (const StoredFunction *F = Chosen.lookup(C.USR))
        Closure.push_back(F);
      else
        Missing->push_back(C.USR);
    }
  // Each member's closure is within the callee's, so what is missing for
  // the callee covers it too.
  for (FunctionSummary &S : Linker(Closure, OptionsFor).run()) {
    Linked &L = Memo[S.USR];
    if (L.Summary && current(L))
      continue;
    if (L.Summary)
      Retired.push_back(std::move(L.Summary));
    L.Fingerprint = fingerprint(S);
    L.Summary = std::make_unique<FunctionSummary>(std::move(S));
    L.Missing = Missing;
  }
  const Linked &L = Memo.find(USR)->second;
  return {L.Summary.get(), L.Fingerprint};
}

} // namespace concur
