//===--- ComponentFold.h - Folding a component of a call graph --*- C++ -*-===//
//
// "A summary includes its callees'" is computed twice: by the analyzer over
// the declarations of one translation unit, and by the linker over the
// stored summaries of the whole program. Both walk the strongly connected
// components of their call graph bottom-up; this is the one place that says
// how a component becomes summaries, so a recursion gives the same answer
// whether it stays in one file or crosses several.
//
// The folder sees a component through an abstract view: each member's own
// effects and its calls, in the order it makes them, each call either into
// the component, to a callee already summarised, or still open (a callee in
// a unit not linked yet).
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_ANALYSIS_COMPONENTFOLD_H
#define CONCUR_ANALYSIS_COMPONENTFOLD_H

#include "Summary.h"
#include "llvm/ADT/ArrayRef.h"
#include <vector>

namespace concur {

/// Work of one call of an analysed function, counted in the caller like the
/// arithmetic around it (the callee's own work comes on top).
inline constexpr double OpaqueCallWork = 1;

/// One call a member of a component makes.
struct FoldEdge {
  enum class Target : uint8_t {
    Open,    ///< Not summarised anywhere yet: kept as an external call.
    Inside,  ///< A member of the component (the member itself included).
    Outside, ///< A function whose summary is final.
  };
  Target To = Target::Open;
  /// Open: the call, kept as it is. Inside or Outside in the linker: the
  /// external call that this edge resolves; the member's local effects
  /// counted it as not analysed, which resolving takes back.
  const ExternalCall *Call = nullptr;
  /// Outside: the callee's summary.
  const FunctionSummary *Callee = nullptr;
  Growth Times = Growth::constant(1);
  /// The hops from the member down to the call of the callee; prepended to
  /// the callee's evidence and external calls.
  llvm::ArrayRef<Hop> Path;
  /// The callee runs under a library lock (a callback of std::call_once):
  /// its writes to shared state are synchronised.
  bool Synchronized = false;
  /// How the member uses a would-block result of the callee.
  WouldBlockUse Use = WouldBlockUse::Ignored;
  /// How many call sites this edge stands for (a linked external call may
  /// merge several paths to one callee).
  unsigned Sites = 1;
};

/// A member of a component as the folder sees it.
struct FoldMember {
  /// What the member does itself (in the linker: its local summary, callees
  /// of its own unit included).
  const Effects *Own = nullptr;
  /// Its calls, in the order it makes them.
  llvm::ArrayRef<FoldEdge> Edges;
};

/// What every member of a component is summarised with.
struct FoldResult {
  /// The component recurses: two or more members, or a member that calls
  /// itself.
  bool Recursive = false;
  /// How often the component's work is assumed to repeat: n^2 when it
  /// branches, 1 otherwise.
  Growth Repetitions = Growth::constant(1);
  /// The members' effects, callees folded in. Without recursion, the only
  /// member's.
  Effects Total;
  /// The calls still open, callees' open calls included, through the hops
  /// that lead to them.
  std::vector<ExternalCall> External;
};

/// Folds a component into the summary its members share. A recursive
/// component does the work of all of its members; when a member calls into
/// the component from two or more sites (a tree: fib, a walk of both
/// children), n^2 times over, and the recursion is named as evidence at the
/// first call of \p Members[0] into the component. A recursion along one
/// path (a list walk, a descent to one child) is a loop written as calls:
/// not evidence of heavy work, it counts once.
FoldResult foldComponent(llvm::ArrayRef<FoldMember> Members,
                         const AnalysisOptions &Opts);

/// Adds \p Callee's effects \p Times over through \p Path; a synchronised
/// call does not make the caller thread-unsafe; \p Use as in
/// Effects::addScaled.
void foldCallee(Effects &Into, const Effects &Callee, const Growth &Times,
                llvm::ArrayRef<Hop> Path, bool Synchronized, WouldBlockUse Use,
                const AnalysisOptions &Opts);

} // namespace concur

#endif // CONCUR_ANALYSIS_COMPONENTFOLD_H
