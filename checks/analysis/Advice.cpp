//===--- Advice.cpp - From analysis facts to a recommendation -------------===//

#include "Advice.h"
#include "llvm/ADT/STLExtras.h"

namespace concur {

SiteFacts loopSite(const LoopFacts &Loop, bool InCoroutine) {
  SiteFacts Facts;
  Facts.Class = Loop.IterationClass.Class;
  Facts.Dependent = !Loop.Dependences.Independent;
  Facts.InCoroutine = InCoroutine;
  Facts.IoKinds = Loop.IterationClass.IoKinds;
  Facts.Shape = Loop.Shape;
  Facts.Batch = Loop.Dependences.CollectsResults;
  Facts.ThreadSafe = !Loop.PerIteration.ThreadUnsafe;
  Facts.Numeric = Loop.IterationClass.Numeric;
  return Facts;
}

SiteFacts functionSite(const FunctionSummary &Summary) {
  SiteFacts Facts;
  Facts.Class = Summary.Class.Class;
  Facts.InCoroutine = Summary.IsCoroutine;
  Facts.IoKinds = Summary.Class.IoKinds;
  Facts.Shape = FanOut::Runtime;
  Facts.ThreadSafe = !Summary.Total.ThreadUnsafe;
  Facts.Numeric = Summary.Class.Numeric;
  return Facts;
}

std::vector<const KnownLibrary *>
librariesUsed(const SelectionTable &Table, SourceLanguage Language,
              llvm::ArrayRef<llvm::StringRef> IncludedFiles) {
  std::vector<const KnownLibrary *> Used;
  for (const KnownLibrary &Library : Table.libraries())
    if ((!Library.Language || *Library.Language == Language) &&
        llvm::any_of(IncludedFiles, [&](llvm::StringRef Path) {
          return Library.providesHeader(Path);
        }))
      Used.push_back(&Library);
  return Used;
}

std::string rowAdvice(const ModelRow &Row, SourceLanguage Language,
                      llvm::ArrayRef<const KnownLibrary *> Used) {
  const Implementation &Impl = Row.in(Language);
  std::string Out;
  llvm::StringRef Use = Impl.Runtime;
  for (const KnownLibrary *Library : Used)
    if (llvm::StringRef LibraryUse = Library->use(Row.Id);
        !LibraryUse.empty()) {
      Use = LibraryUse;
      break;
    }
  if (!Use.empty())
    Out = "use " + Use.str() + "; ";
  Out += "pros: " + Impl.Pros;
  if (!Impl.Cons.empty())
    Out += "; cons: " + Impl.Cons;
  return Out;
}

std::string describeIoKinds(const Effects &E, const AnalysisOptions &Opts) {
  std::vector<std::pair<double, IoKind>> Kinds;
  for (unsigned I = 0; I < NumIoKinds; ++I)
    if (E.BlockingByKind[I] > 0 && IoKind(I) != IoKind::Console)
      Kinds.emplace_back(E.BlockingByKind[I], IoKind(I));
  llvm::stable_sort(
      Kinds, [](const auto &A, const auto &B) { return A.first > B.first; });
  std::string Out;
  // Secondary kinds are named only when they are a real part of the waiting:
  // closing a socket is not "file I/O" next to the network round trip.
  for (const auto &[Weight, Kind] : Kinds) {
    if (!Out.empty() && (Weight < Opts.SubstantialBlocking ||
                         Weight < 0.1 * Kinds.front().first))
      break;
    if (!Out.empty())
      Out += " and ";
    Out += toString(Kind);
  }
  return Out;
}

std::string describeEvidence(const Evidence &E) {
  std::string Out;
  if (!E.Chain.empty() && !E.Chain.back().Callee.empty())
    Out = "'" + E.Chain.back().Callee + "'";
  else
    Out = E.Api;
  std::string Via;
  for (size_t I = 0; I + 1 < E.Chain.size(); ++I) {
    if (E.Chain[I].Callee.empty())
      continue;
    Via += Via.empty() ? " via '" : " -> '";
    Via += E.Chain[I].Callee + "'";
  }
  return Out + Via;
}

std::string describeWork(const Evidence &E) {
  if (E.Chain.empty() || E.Chain.back().Callee.empty()) {
    bool Vowel =
        !E.Api.empty() && llvm::StringRef("aeiou").contains(E.Api.front());
    std::string Out = (Vowel ? "an " : "a ") + E.Api;
    std::string Via = describeEvidence(E);
    // describeEvidence starts with the API text; keep only its " via" part.
    if (size_t At = Via.find(" via "); At != std::string::npos)
      Out += Via.substr(At);
    return Out;
  }
  return E.What + " work in " + describeEvidence(E);
}

const Evidence *topEvidence(const Effects &E, EvidenceKind Kind) {
  for (const Evidence &Item : E.Items)
    if (Item.Kind == Kind)
      return &Item;
  return nullptr;
}

std::string describeUnsafety(const Evidence &E) {
  std::string Via;
  for (size_t I = 0; I + 1 < E.Chain.size(); ++I) {
    if (E.Chain[I].Callee.empty())
      continue;
    Via += Via.empty() ? " via '" : " -> '";
    Via += E.Chain[I].Callee + "'";
  }
  if (E.Kind == EvidenceKind::SharedWrite)
    return "an unsynchronised " + E.What + " to '" + E.Api + "'" + Via;
  return "a call of '" + E.Api + "'" + Via;
}

const Evidence *topIoEvidence(const Effects &E, IoKindSet Kinds) {
  for (const Evidence &Item : E.Items)
    if (Item.Kind == EvidenceKind::Io)
      if (std::optional<IoKind> K = parseIoKind(Item.What);
          K && Kinds.contains(*K))
        return &Item;
  return nullptr;
}

double blockingIn(const Effects &E, IoKindSet Kinds) {
  double Sum = 0;
  for (unsigned I = 0; I < NumIoKinds; ++I)
    if (Kinds.contains(IoKind(I)))
      Sum += E.BlockingByKind[I];
  return Sum;
}

std::string describeIoKindsIn(const Effects &E, IoKindSet Kinds,
                              const AnalysisOptions &Opts) {
  Effects Only;
  for (unsigned I = 0; I < NumIoKinds; ++I)
    if (Kinds.contains(IoKind(I)))
      Only.BlockingByKind[I] = E.BlockingByKind[I];
  return describeIoKinds(Only, Opts);
}

SiteFacts criticalSectionSite(const Effects &Blocking, IoKindSet Kinds,
                              bool InCoroutine) {
  SiteFacts Facts;
  Facts.Class = WorkloadClass::Io;
  Facts.InCoroutine = InCoroutine;
  for (unsigned I = 0; I < NumIoKinds; ++I)
    if (Kinds.contains(IoKind(I)) && Blocking.BlockingByKind[I] > 0)
      Facts.IoKinds.insert(IoKind(I));
  Facts.Shape = FanOut::Small;
  Facts.ThreadSafe = !Blocking.ThreadUnsafe;
  return Facts;
}

} // namespace concur
