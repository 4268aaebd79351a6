//===--- SarifEmitter.cpp - The SARIF 2.1.0 report ------------------------===//

#include "SarifEmitter.h"
#include "CheckDocs.h"
#include "EmitterSupport.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

using namespace llvm;

namespace concur::advise {

namespace {

std::string sarifLevel(StringRef Severity) {
  if (Severity == "error" || Severity == "warning")
    return Severity.str();
  return "note";
}

json::Object sarifLocation(const Location &L, StringRef Message = "") {
  json::Object Region{{"startLine", std::max(1u, L.Line)}};
  if (L.Column)
    Region["startColumn"] = L.Column;
  json::Object Loc{{"physicalLocation",
                    json::Object{{"artifactLocation",
                                  json::Object{{"uri", fileUri(L.File)}}},
                                 {"region", std::move(Region)}}}};
  if (!Message.empty())
    Loc["message"] = json::Object{{"text", Message}};
  return Loc;
}

json::Object sarifRule(const std::string &Id, StringRef DocBase) {
  const CheckDoc *Doc = findCheckDoc(Id);
  std::string Short = Doc ? Doc->Summary.str() : describeUndocumented(Id);
  json::Object Rule{
      {"id", Id},
      {"shortDescription", json::Object{{"text", Short}}},
      {"fullDescription",
       json::Object{{"text", Doc ? Doc->Summary.str() : Short}}},
      {"defaultConfiguration",
       json::Object{{"level", StringRef(Id).starts_with("clang-diagnostic-")
                                  ? "error"
                                  : "warning"}}}};
  if (Doc) {
    Rule["helpUri"] = DocBase.str() + Id + ".md";
    Rule["help"] = json::Object{
        {"text", Doc->Summary.str() + " See " + DocBase.str() + Id + ".md"},
        {"markdown", Doc->Markdown.str()}};
  } else {
    Rule["help"] = json::Object{{"text", Short}};
  }
  return Rule;
}

/// Rules: every check that has a finding, and every documented check, with
/// the index of each.
json::Array sarifRules(const Report &R, StringRef DocBase,
                       std::map<std::string, unsigned> &RuleIndex) {
  std::vector<std::string> RuleIds;
  for (const CheckDoc &D : checkDocs())
    RuleIds.push_back(D.Name.str());
  for (const FindingRecord &F : R.Findings)
    RuleIds.push_back(F.Check);
  llvm::sort(RuleIds);
  RuleIds.erase(std::unique(RuleIds.begin(), RuleIds.end()), RuleIds.end());
  json::Array Rules;
  for (const std::string &Id : RuleIds) {
    RuleIndex[Id] = unsigned(Rules.size());
    Rules.push_back(sarifRule(Id, DocBase));
  }
  return Rules;
}

/// The evidence chain: the notes as related locations and as one thread
/// flow that starts at the finding.
void addEvidence(const FindingRecord &F, json::Object &Result) {
  json::Array Related, Steps;
  Steps.push_back(json::Object{{"location", sarifLocation(F.At, F.Message)},
                               {"nestingLevel", 0}});
  unsigned Id = 1;
  for (const NoteRecord &N : F.Notes) {
    if (N.At.File.empty())
      continue;
    json::Object Rel = sarifLocation(N.At, N.Message);
    Rel["id"] = Id++;
    Related.push_back(std::move(Rel));
    Steps.push_back(json::Object{{"location", sarifLocation(N.At, N.Message)},
                                 {"nestingLevel", 1}});
  }
  Result["relatedLocations"] = std::move(Related);
  Result["codeFlows"] = json::Array{json::Object{
      {"message", json::Object{{"text", "evidence chain"}}},
      {"threadFlows",
       json::Array{json::Object{{"locations", std::move(Steps)}}}}}};
}

void addFixes(const FindingRecord &F, json::Object &Result) {
  std::map<std::string, json::Array> ByFile;
  for (const FixRecord &X : F.Fixes)
    ByFile[X.At.File].push_back(json::Object{
        {"deletedRegion",
         json::Object{{"charOffset", X.Offset}, {"charLength", X.Length}}},
        {"insertedContent", json::Object{{"text", X.Replacement}}}});
  json::Array Changes;
  for (auto &[File, Replacements] : ByFile)
    Changes.push_back(
        json::Object{{"artifactLocation", json::Object{{"uri", fileUri(File)}}},
                     {"replacements", std::move(Replacements)}});
  Result["fixes"] = json::Array{json::Object{
      {"description", json::Object{{"text", "apply the suggested change"}}},
      {"artifactChanges", std::move(Changes)}}};
}

/// \p Measured: what a profile measured for the finding's function, if a
/// profile was joined (concur-advise --profile).
json::Object sarifResult(const FindingRecord &F, unsigned RuleIndex,
                         const MeasuredRecord *Measured) {
  json::Object Result{{"ruleId", F.Check},
                      {"ruleIndex", RuleIndex},
                      {"level", sarifLevel(F.Severity)},
                      {"message", json::Object{{"text", F.Message}}}};
  json::Object Primary = sarifLocation(F.At);
  if (!F.Function.empty())
    Primary["logicalLocations"] = json::Array{
        json::Object{{"fullyQualifiedName", F.Function}, {"kind", "function"}}};
  Result["locations"] = json::Array{std::move(Primary)};
  Result["partialFingerprints"] =
      json::Object{{"concurFindingHash/v1", F.fingerprint()}};
  if (!F.Notes.empty())
    addEvidence(F, Result);
  if (!F.Fixes.empty())
    addFixes(F, Result);
  if (Measured)
    Result["properties"] =
        json::Object{{"measured", measuredObject(*Measured)}};
  return Result;
}

/// Whether the run succeeded, with the units that could not be analysed.
json::Object sarifInvocation(const Report &R) {
  json::Array Notifications;
  for (const FailedUnit &U : R.Failed)
    Notifications.push_back(json::Object{
        {"level", "error"},
        {"message", json::Object{{"text", "could not analyse " + U.File + ": " +
                                              U.Error}}},
        {"locations", json::Array{sarifLocation({U.File, 1, 0})}}});
  json::Object Invocation{{"executionSuccessful", R.Failed.empty()}};
  if (!Notifications.empty())
    Invocation["toolExecutionNotifications"] = std::move(Notifications);
  return Invocation;
}

} // namespace

void SarifEmitter::emit(const Report &R, raw_ostream &OS) const {
  std::map<std::string, unsigned> RuleIndex;
  json::Array Rules = sarifRules(R, DocBase, RuleIndex);
  std::map<std::string, const MeasuredRecord *> MeasuredByFunction;
  for (const FunctionRecord &F : R.Functions)
    if (F.Measured)
      MeasuredByFunction[F.S.QualifiedName] = &*F.Measured;
  json::Array Results;
  for (const FindingRecord &F : R.Findings) {
    auto It = MeasuredByFunction.find(F.Function);
    Results.push_back(
        sarifResult(F, RuleIndex[F.Check],
                    It == MeasuredByFunction.end() ? nullptr : It->second));
  }
  json::Object Run{
      {"tool",
       json::Object{{"driver", json::Object{{"name", "concur-advise"},
                                            {"semanticVersion", "0.1.0"},
                                            {"informationUri", DocBase},
                                            {"rules", std::move(Rules)}}}}},
      {"invocations", json::Array{sarifInvocation(R)}},
      {"columnKind", "utf16CodeUnits"},
      {"results", std::move(Results)}};
  json::Object Log{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                   {"version", "2.1.0"},
                   {"runs", json::Array{std::move(Run)}}};
  OS << formatv("{0:2}", json::Value(std::move(Log))) << "\n";
}

} // namespace concur::advise
