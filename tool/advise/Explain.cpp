//===--- Explain.cpp - --summary and --explain ----------------------------===//

#include "Explain.h"
#include "Decide.h"
#include "EmitterSupport.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Path.h"

using namespace llvm;

namespace concur::advise {

void renderSummary(const Report &R, raw_ostream &OS) {
  FunctionCounts Counts = countFunctions(R);
  OS << "concur-advise summary: " << R.Units << " units, " << R.Functions.size()
     << " functions, " << R.Findings.size() << " findings\n";
  OS << "  per class:";
  for (const auto &[K, N] : Counts.ByClass)
    OS << " " << K << "=" << N;
  OS << "\n  per model:";
  for (const auto &[K, N] : Counts.ByModel)
    OS << " " << K << "=" << N;
  OS << "\n  per callers' model:";
  for (const auto &[K, N] : Counts.ByCallersModel)
    OS << " " << K << "=" << N;
  OS << "\n";
  auto Top = [&](StringRef Title, auto Score) {
    std::vector<const FunctionRecord *> Sorted;
    for (const FunctionRecord &F : R.Functions)
      if (Score(F) > 0)
        Sorted.push_back(&F);
    llvm::stable_sort(Sorted,
                      [&](const FunctionRecord *A, const FunctionRecord *B) {
                        return Score(*A) > Score(*B);
                      });
    OS << "  top by " << Title << ":\n";
    if (Sorted.empty())
      OS << "    (none)\n";
    for (size_t I = 0; I < Sorted.size() && I < 5; ++I)
      OS << format("    %12.0f  ", Score(*Sorted[I]))
         << Sorted[I]->S.QualifiedName << " ("
         << sys::path::filename(Sorted[I]->S.File) << ":" << Sorted[I]->S.Line
         << ")\n";
  };
  Top("estimated blocking",
      [](const FunctionRecord &F) { return F.S.Total.Blocking; });
  Top("estimated work", [](const FunctionRecord &F) { return F.S.Total.Work; });
}

namespace {

void explainScores(const FunctionSummary &S, raw_ostream &OS) {
  OS << "  class: " << toString(S.Class.Class)
     << format(", confidence %.2f", S.Class.Confidence)
     << (S.Class.Numeric ? ", numeric" : "")
     << (S.Total.ThreadUnsafe ? ", not thread-safe" : ", thread-safe")
     << (S.IsCoroutine ? ", coroutine" : "") << "\n";
  OS << format("  scores: work %.0f (numeric %.0f), blocking %.0f",
               S.Total.Work, S.Total.NumericWork, S.Total.Blocking);
  for (unsigned K = 0; K < NumIoKinds; ++K)
    if (S.Total.BlockingByKind[K] > 0)
      OS << format(", %s %.0f", toString(IoKind(K)).str().c_str(),
                   S.Total.BlockingByKind[K]);
  OS << ", unanalysed calls " << S.Total.UnknownCalls << "\n";
  OS << "  work ~ " << S.Total.WorkGrowth.str();
  if (S.Total.ElementGrowth.grows())
    OS << " (element work ~ " << S.Total.ElementGrowth.str() << ")";
  OS << ", blocking ~ " << S.Total.BlockingGrowth.str() << "\n";
}

void explainEvidence(const FunctionSummary &S, raw_ostream &OS) {
  OS << "  evidence:\n";
  if (S.Total.Items.empty())
    OS << "    (none)\n";
  for (const Evidence &E : S.Total.Items) {
    OS << "    " << toString(E.Kind) << ": " << E.chainText()
       << format(", weight %.0f", E.Weight) << "\n";
    for (const Hop &H : E.Chain)
      OS << "      " << H.File << ":" << H.Line << ":" << H.Column << "  "
         << (H.Callee.empty() ? E.Api : H.Callee) << "\n";
  }
  for (const ExternalCall &C : S.ExternalCalls)
    OS << "    not linked: " << C.Name << " (no definition in any analysed "
       << "unit)\n";
}

void explainDecision(const FunctionSummary &S, raw_ostream &OS) {
  DecisionPath Path = functionDecisionPath(S);
  const SiteFacts &Facts = Path.Facts;
  OS << "  selection table, running calls of it concurrently (class "
     << toString(Facts.Class) << ", io kinds '" << Facts.IoKinds.str()
     << "', fan-out " << toString(Facts.Shape) << ", "
     << (Facts.ThreadSafe ? "thread-safe" : "not thread-safe")
     << (Facts.InCoroutine ? ", in a coroutine" : "") << "):\n";
  for (const RuleTried &Tried : Path.Rules)
    OS << "    step " << Tried.Rule->Step << " (" << toString(Tried.Rule->Row)
       << "): " << (Tried.Matches ? "matches" : "does not match") << " - "
       << Tried.Rule->Why << "\n";
}

void explainFunction(const Report &R, const FunctionRecord &F,
                     raw_ostream &OS) {
  const FunctionSummary &S = F.S;
  OS << S.QualifiedName << " (" << S.File << ":" << S.Line << ":" << S.Column
     << ")\n";
  explainScores(S, OS);
  explainEvidence(S, OS);
  explainDecision(S, OS);
  OS << "  model: " << F.Model << " (its own body)\n";
  OS << "  callers_model: " << F.CallersModel
     << " (running calls of it concurrently)\n";
  for (const FindingRecord &Finding : R.Findings)
    if (Finding.Function == S.QualifiedName && Finding.At.File == S.File)
      OS << "  finding: " << Finding.At.File << ":" << Finding.At.Line << ":"
         << Finding.At.Column << ": " << Finding.Message << " ["
         << Finding.Check << "]\n";
}

} // namespace

bool explain(const Report &R, StringRef Name, raw_ostream &OS) {
  bool Found = false;
  for (const FunctionRecord &F : R.Functions) {
    if (F.S.QualifiedName != Name && F.S.Name != Name)
      continue;
    Found = true;
    explainFunction(R, F, OS);
  }
  return Found;
}

} // namespace concur::advise
