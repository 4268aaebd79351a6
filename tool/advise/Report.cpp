//===--- Report.cpp - Reading a report from the database ------------------===//

#include "Report.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include <map>
#include <set>

using namespace llvm;

namespace concur::advise {

namespace {

/// Whether a unit is in the report: every unit when none is named.
class UnitFilter {
public:
  explicit UnitFilter(ArrayRef<std::string> Units)
      : Wanted(Units.begin(), Units.end()) {}
  bool operator()(StringRef File) const {
    return Wanted.empty() || Wanted.count(File.str());
  }

private:
  std::set<std::string> Wanted;
};

bool findingLess(const FindingRecord &A, const FindingRecord &B) {
  return std::tie(A.At.File, A.At.Line, A.At.Column, A.Check, A.Message) <
         std::tie(B.At.File, B.At.Line, B.At.Column, B.Check, B.Message);
}

Error loadUnits(UnitCache &Db, const UnitFilter &Selected, Report &R) {
  Expected<std::vector<UnitState>> States =
      Db.units(/*WithDeps=*/false, /*WithLookups=*/false);
  if (!States)
    return States.takeError();
  for (const UnitState &U : *States) {
    if (!Selected(U.File))
      continue;
    ++R.Units;
    if (U.Failed)
      R.Failed.push_back({U.File, U.Error});
  }
  return Error::success();
}

/// Linked summaries of the functions defined in the selected units.
Error loadFunctions(UnitCache &Db, const UnitFilter &Selected, Report &R) {
  Expected<std::vector<StoredFunction>> Local =
      Db.localFunctions(/*WithSummaries=*/false);
  if (!Local)
    return Local.takeError();
  std::map<std::string, const StoredFunction *> Home;
  for (const StoredFunction &F : *Local) {
    if (!F.InMainFile || !Selected(F.Unit))
      continue;
    auto [It, New] = Home.try_emplace(F.Summary.USR, &F);
    if (!New && F.Unit < It->second->Unit)
      It->second = &F;
  }
  // Only the summaries the report shows are decoded.
  Expected<std::vector<FunctionSummary>> Linked =
      Db.allLinked([&](StringRef USR) { return Home.count(USR.str()) != 0; });
  if (!Linked)
    return Linked.takeError();
  for (FunctionSummary &S : *Linked) {
    auto It = Home.find(S.USR);
    if (It == Home.end())
      continue;
    FunctionRecord F;
    F.EndLine = It->second->EndLine;
    F.S = std::move(S);
    R.Functions.push_back(std::move(F));
  }
  llvm::sort(R.Functions, [](const FunctionRecord &A, const FunctionRecord &B) {
    return std::tie(A.S.File, A.S.Line, A.S.Column, A.S.USR) <
           std::tie(B.S.File, B.S.Line, B.S.Column, B.S.USR);
  });
  return Error::success();
}

Error damaged(UnitCache &Db, const std::string &Unit, const Twine &What) {
  return createStringError(
      inconvertibleErrorCode(), "summaries database '%s': damaged %s",
      Db.path().c_str(), ("findings for '" + Unit + "'" + What).str().c_str());
}

/// Findings of the selected units, once each (a header's finding may be
/// reported by every unit that includes it).
Error loadFindings(UnitCache &Db, const UnitFilter &Selected, Report &R) {
  Expected<std::map<std::string, std::string>> Stored = Db.findings();
  if (!Stored)
    return Stored.takeError();
  std::set<std::string> Seen;
  for (const auto &[Unit, Text] : *Stored) {
    if (!Selected(Unit))
      continue;
    Expected<json::Value> V = json::parse(Text);
    if (!V)
      return damaged(Db, Unit, ": " + toString(V.takeError()));
    const json::Array *All = V->getAsArray();
    if (!All)
      return damaged(Db, Unit, "");
    for (const json::Value &One : *All) {
      FindingRecord F;
      json::Path::Root Root("finding");
      if (!fromJSON(One, F, Root))
        return createStringError(inconvertibleErrorCode(),
                                 "summaries database '%s': damaged finding "
                                 "for '%s': %s",
                                 Db.path().c_str(), Unit.c_str(),
                                 toString(Root.getError()).c_str());
      std::string Key = formatv("{0}:{1}:{2}:{3}:{4}", F.At.File, F.At.Line,
                                F.At.Column, F.Check, F.Message)
                            .str();
      if (Seen.insert(Key).second)
        R.Findings.push_back(std::move(F));
    }
  }
  llvm::sort(R.Findings, findingLess);
  return Error::success();
}

} // namespace

Expected<Report> loadReport(UnitCache &Db, ArrayRef<std::string> Units) {
  Report R;
  UnitFilter Selected(Units);
  if (Error E = loadUnits(Db, Selected, R))
    return E;
  if (Error E = loadFunctions(Db, Selected, R))
    return E;
  if (Error E = loadFindings(Db, Selected, R))
    return E;
  return R;
}

} // namespace concur::advise
