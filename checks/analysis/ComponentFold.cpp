//===--- ComponentFold.cpp - Folding one component of a call graph --------===//

#include "ComponentFold.h"
#include "llvm/ADT/STLExtras.h"
#include <algorithm>

using namespace llvm;

namespace concur {

namespace {

bool sameSite(const Hop &A, const Hop &B) {
  return A.File == B.File && A.Line == B.Line && A.Column == B.Column;
}

/// A local summary counted a call it could not follow as not analysed; now
/// that the callee is known, the call costs what a call of an analysed
/// function costs in one unit. A callable passed on was not counted.
void resolve(Effects &E, const ExternalCall &C, const AnalysisOptions &Opts) {
  if (C.Callback)
    return;
  E.UnknownCalls -= std::min(E.UnknownCalls, C.Paths);
  auto It = find_if(E.Items, [&](const Evidence &Item) {
    return Item.Kind == EvidenceKind::Unknown && Item.Api == C.Name &&
           !Item.Chain.empty() && sameSite(Item.Chain.back(), C.Site);
  });
  if (It != E.Items.end())
    E.Items.erase(It);
  E.addWork(C.Times * OpaqueCallWork, false, false, Opts);
}

/// Folds one member's calls into \p Into, in the order it makes them; open
/// calls, and those of the callees, go to \p External.
void foldEdges(Effects &Into, std::vector<ExternalCall> &External,
               ArrayRef<FoldEdge> Edges, const AnalysisOptions &Opts) {
  for (const FoldEdge &Edge : Edges) {
    if (Edge.To == FoldEdge::Target::Open) {
      addExternalCall(External, *Edge.Call);
      continue;
    }
    if (Edge.Call)
      resolve(Into, *Edge.Call, Opts);
    if (Edge.To == FoldEdge::Target::Inside)
      continue;
    // The callee's calls into other units become the member's, through the
    // call of the callee, so that they can be linked later.
    for (const ExternalCall &Call : Edge.Callee->ExternalCalls) {
      ExternalCall Through = Call;
      Through.Times = Through.Times * Edge.Times;
      Through.Via.insert(Through.Via.begin(), Edge.Path.begin(),
                         Edge.Path.end());
      Through.Synchronized |= Edge.Synchronized;
      addExternalCall(External, std::move(Through));
    }
    foldCallee(Into, Edge.Callee->Total, Edge.Times, Edge.Path,
               Edge.Synchronized, Edge.Use, Opts);
  }
}

bool isInside(const FoldEdge &Edge) {
  return Edge.To == FoldEdge::Target::Inside;
}

/// How often a recursive component repeats: a member that calls into the
/// component from two or more sites recurses as a tree (fib, a naive divide
/// and conquer, a walk of both children), counted as n^2 (a call tree is
/// no cheaper than a nest of two loops); one call site is a loop written as
/// a recursion, counted once.
Growth repetitions(ArrayRef<FoldMember> Members) {
  unsigned MaxSites = 0;
  for (const FoldMember &M : Members) {
    unsigned Sites = 0;
    for (const FoldEdge &Edge : M.Edges)
      if (isInside(Edge))
        Sites += Edge.Sites;
    MaxSites = std::max(MaxSites, Sites);
  }
  return MaxSites >= 2 ? Growth::term(1, 2) : Growth::constant(1);
}

/// The repetition is the recursion itself: say so, at the first recursive
/// call of \p First.
void addRecursionEvidence(Effects &Total, const FoldMember &First,
                          const AnalysisOptions &Opts) {
  if (Total.Work < Opts.MinIterationWork)
    return;
  const FoldEdge *Edge = find_if(First.Edges, isInside);
  if (Edge == First.Edges.end() || Edge->Path.empty())
    return;
  Evidence E;
  E.Kind = EvidenceKind::Cpu;
  E.What = toString(CpuKind::Loop).str();
  E.Api = "recursive computation";
  E.Weight = Total.Work;
  Hop At = Edge->Path.front();
  At.Callee.clear();
  E.Chain.push_back(std::move(At));
  Total.addEvidence(std::move(E), Opts);
}

} // namespace

void foldCallee(Effects &Into, const Effects &Callee, const Growth &Times,
                ArrayRef<Hop> Path, bool Synchronized, WouldBlockUse Use,
                const AnalysisOptions &Opts) {
  if (!Synchronized) {
    Into.addScaled(Callee, Times, Path, Opts, Use);
    return;
  }
  Effects Locked = Callee;
  Locked.ThreadUnsafe = false;
  erase_if(Locked.Items, [](const Evidence &E) {
    return E.Kind == EvidenceKind::SharedWrite;
  });
  Into.addScaled(Locked, Times, Path, Opts, Use);
}

FoldResult foldComponent(ArrayRef<FoldMember> Members,
                         const AnalysisOptions &Opts) {
  assert(!Members.empty() && "a component has members");
  FoldResult R;
  R.Recursive = Members.size() > 1 || any_of(Members.front().Edges, isInside);
  if (!R.Recursive) {
    R.Total = *Members.front().Own;
    foldEdges(R.Total, R.External, Members.front().Edges, Opts);
    return R;
  }

  // Every member does the work of all of them, an unknown number of times.
  R.Repetitions = repetitions(Members);
  Effects Combined;
  for (const FoldMember &M : Members) {
    Combined.addScaled(*M.Own, Growth::constant(1), {}, Opts);
    foldEdges(Combined, R.External, M.Edges, Opts);
  }
  R.Total.addScaled(Combined, R.Repetitions, {}, Opts);
  if (R.Repetitions.grows())
    addRecursionEvidence(R.Total, Members.front(), Opts);
  for (ExternalCall &Call : R.External)
    Call.Times = Call.Times * R.Repetitions;
  return R;
}

} // namespace concur
