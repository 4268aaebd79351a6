//===--- Decide.cpp - What the report says about each function ------------===//

#include "Decide.h"
#include "Advice.h"

using namespace llvm;

namespace concur::advise {

std::string functionRow(const FunctionSummary &S) {
  Recommendation Rec = SelectionTable::builtin().decide(functionSite(S));
  return toString(Rec.id()).str();
}

DecisionPath functionDecisionPath(const FunctionSummary &S) {
  DecisionPath Path{functionSite(S), {}};
  for (const DecisionRule &Rule : SelectionTable::builtin().rules()) {
    bool Matches = Rule.matches(Path.Facts);
    Path.Rules.push_back({&Rule, Matches});
    if (Matches)
      break;
  }
  return Path;
}

const FunctionRecord *enclosingFunction(const FindingRecord &F,
                                        ArrayRef<FunctionRecord> Functions) {
  const FunctionRecord *Best = nullptr;
  for (const FunctionRecord &Fn : Functions)
    if (Fn.S.File == F.At.File && Fn.S.Line <= F.At.Line &&
        F.At.Line <= Fn.EndLine && (!Best || Fn.S.Line > Best->S.Line))
      Best = &Fn;
  return Best;
}

std::string functionModel(const FunctionRecord &Fn,
                          ArrayRef<FindingRecord> Findings) {
  const FindingRecord *Best = nullptr;
  for (const FindingRecord &F : Findings)
    if (F.Function == Fn.S.QualifiedName && F.At.File == Fn.S.File &&
        !F.Model.empty() &&
        (!Best || severityRank(F.Severity) > severityRank(Best->Severity)))
      Best = &F;
  return Best ? Best->Model : toString(RowId::Sequential).str();
}

void decideReport(Report &R) {
  for (FindingRecord &F : R.Findings)
    if (const FunctionRecord *Fn = enclosingFunction(F, R.Functions))
      F.Function = Fn->S.QualifiedName;
  for (FunctionRecord &Fn : R.Functions) {
    Fn.Model = functionModel(Fn, R.Findings);
    Fn.CallersModel = functionRow(Fn.S);
  }
}

} // namespace concur::advise
