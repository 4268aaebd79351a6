//===--- Report.cpp - Rendering what the database holds -------------------===//

#include "Report.h"
#include "Emitter.h"
#include "Advice.h"
#include "CheckDocs.h"
#include "SelectionTable.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include <map>
#include <set>

using namespace llvm;

namespace concur::advise {

//===----------------------------------------------------------------------===//
// Loading
//===----------------------------------------------------------------------===//

static bool findingLess(const FindingRecord &A, const FindingRecord &B) {
  return std::tie(A.At.File, A.At.Line, A.At.Column, A.Check, A.Message) <
         std::tie(B.At.File, B.At.Line, B.At.Column, B.Check, B.Message);
}

Expected<Report> loadReport(SummaryDatabase &Db, ArrayRef<std::string> Units) {
  Report R;
  std::set<std::string> Wanted(Units.begin(), Units.end());
  auto Selected = [&](StringRef File) {
    return Wanted.empty() || Wanted.count(File.str());
  };

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
  // Functions: linked summaries of functions defined in selected units.
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

  // Findings of the selected units, once each (a header's finding may be
  // reported by every unit that includes it).
  Expected<std::map<std::string, std::string>> Stored = Db.findings();
  if (!Stored)
    return Stored.takeError();
  std::set<std::string> Seen;
  for (const auto &[Unit, Text] : *Stored) {
    if (!Selected(Unit))
      continue;
    Expected<json::Value> V = json::parse(Text);
    if (!V)
      return createStringError(inconvertibleErrorCode(),
                               "summaries database '%s': damaged findings "
                               "for '%s': %s",
                               Db.path().c_str(), Unit.c_str(),
                               toString(V.takeError()).c_str());
    const json::Array *All = V->getAsArray();
    if (!All)
      return createStringError(inconvertibleErrorCode(),
                               "summaries database '%s': damaged findings "
                               "for '%s'",
                               Db.path().c_str(), Unit.c_str());
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

  // Each finding's function: the innermost definition around it.
  for (FindingRecord &F : R.Findings) {
    const FunctionRecord *Best = nullptr;
    for (const FunctionRecord &Fn : R.Functions)
      if (Fn.S.File == F.At.File && Fn.S.Line <= F.At.Line &&
          F.At.Line <= Fn.EndLine && (!Best || Fn.S.Line > Best->S.Line))
        Best = &Fn;
    if (Best)
      F.Function = Best->S.QualifiedName;
  }

  // Each function's model.
  for (FunctionRecord &Fn : R.Functions) {
    const FindingRecord *Best = nullptr;
    for (const FindingRecord &F : R.Findings)
      if (F.Function == Fn.S.QualifiedName && F.At.File == Fn.S.File &&
          !F.Model.empty() &&
          (!Best || severityRank(F.Severity) > severityRank(Best->Severity)))
        Best = &F;
    if (Best) {
      Fn.Model = Best->Model;
      continue;
    }
    Recommendation Rec = SelectionTable::builtin().decide(functionSite(Fn.S));
    Fn.Model = Rec.Row ? Rec.Row->Id : "sequential";
  }
  return R;
}

//===----------------------------------------------------------------------===//
// Shared helpers
//===----------------------------------------------------------------------===//

namespace {

std::string fileUri(StringRef Path) {
  std::string Out = "file://";
  for (char C : Path) {
    if (isAlnum(C) || StringRef("/-_.~").contains(C))
      Out += C;
    else
      Out += "%" + utohexstr(uint8_t(C), /*LowerCase=*/false, 2);
  }
  return Out;
}

std::string sourceLine(StringRef File, unsigned Line) {
  auto Buffer = MemoryBuffer::getFile(File);
  if (!Buffer)
    return "";
  StringRef Text = (*Buffer)->getBuffer();
  for (unsigned I = 1; I < Line && !Text.empty(); ++I)
    Text = Text.split('\n').second;
  return Text.split('\n').first.rtrim("\r").str();
}

/// Lines [From, To] of a file with their numbers.
std::vector<std::pair<unsigned, std::string>>
sourceExcerpt(StringRef File, unsigned From, unsigned To) {
  std::vector<std::pair<unsigned, std::string>> Out;
  auto Buffer = MemoryBuffer::getFile(File);
  if (!Buffer)
    return Out;
  StringRef Text = (*Buffer)->getBuffer();
  for (unsigned I = 1; !Text.empty() && I <= To; ++I) {
    auto [Line, Rest] = Text.split('\n');
    if (I >= From)
      Out.push_back({I, Line.rtrim("\r").str()});
    Text = Rest;
  }
  return Out;
}

std::string sarifLevel(StringRef Severity) {
  if (Severity == "error" || Severity == "warning")
    return Severity.str();
  return "note";
}

/// Writes one function of the JSON report ("functions" in the schema), keys
/// in sorted order as json::Object prints them.
void writeFunctionJson(const FunctionRecord &F, json::OStream &J) {
  const FunctionSummary &S = F.S;
  J.object([&] {
    J.attribute("blocking", S.Total.Blocking);
    J.attribute("class", toString(S.Class.Class));
    J.attribute("column", S.Column);
    J.attribute("confidence", S.Class.Confidence);
    J.attributeArray("evidence", [&] {
      for (const Evidence &E : S.Total.Items) {
        const Hop *Last = E.Chain.empty() ? nullptr : &E.Chain.back();
        J.object([&] {
          J.attribute("callee",
                      Last && !Last->Callee.empty() ? Last->Callee : E.Api);
          J.attribute("category", toString(E.Kind));
          J.attribute("file", Last ? json::Value(Last->File)
                                   : json::Value(nullptr));
          J.attribute("kind", E.What);
          J.attribute("line", Last ? json::Value(Last->Line)
                                   : json::Value(nullptr));
          J.attributeArray("via", [&] {
            for (size_t I = 0; I + 1 < E.Chain.size(); ++I)
              if (!E.Chain[I].Callee.empty())
                J.value(E.Chain[I].Callee);
          });
        });
      }
    });
    J.attribute("file", S.File);
    J.attributeArray("io_kinds", [&] {
      for (unsigned K = 0; K < NumIoKinds; ++K)
        if (S.Class.IoKinds.contains(IoKind(K)))
          J.value(toString(IoKind(K)));
    });
    J.attribute("line", S.Line);
    J.attribute("model",
                F.Model.empty() ? json::Value(nullptr) : json::Value(F.Model));
    J.attribute("name", S.Name);
    J.attribute("numeric", S.Class.Numeric);
    J.attribute("qualified_name", S.QualifiedName);
    J.attribute("thread_safe", !S.Total.ThreadUnsafe);
    J.attribute("work", S.Total.Work);
  });
}

//===----------------------------------------------------------------------===//
// text
//===----------------------------------------------------------------------===//

void renderText(const Report &R, const RenderOptions &Opts, raw_ostream &OS) {
  for (const FindingRecord &F : R.Findings) {
    if (Opts.Color)
      OS.changeColor(raw_ostream::SAVEDCOLOR, /*Bold=*/true);
    OS << F.At.File << ":" << F.At.Line << ":" << F.At.Column << ": ";
    if (Opts.Color)
      OS.changeColor(F.Severity == "error"     ? raw_ostream::RED
                     : F.Severity == "warning" ? raw_ostream::MAGENTA
                                               : raw_ostream::CYAN,
                     true);
    OS << F.Severity << ": ";
    if (Opts.Color)
      OS.changeColor(raw_ostream::SAVEDCOLOR, true);
    OS << F.Message << " [" << F.Check << "]\n";
    if (Opts.Color)
      OS.resetColor();
    std::string Line = sourceLine(F.At.File, F.At.Line);
    if (!Line.empty()) {
      OS << Line << "\n";
      std::string Caret;
      for (unsigned I = 1; I < F.At.Column && I <= Line.size(); ++I)
        Caret += Line[I - 1] == '\t' ? '\t' : ' ';
      OS << Caret << "^\n";
    }
    for (const NoteRecord &N : F.Notes)
      OS << N.At.File << ":" << N.At.Line << ":" << N.At.Column
         << ": note: " << N.Message << "\n";
  }
}

//===----------------------------------------------------------------------===//
// json
//===----------------------------------------------------------------------===//

void renderJson(const Report &R, raw_ostream &OS) {
  // Streamed rather than built as one json::Value: on a large project the
  // tree of every function's evidence cost more than reading the database.
  // Keys are written in sorted order, as json::Object prints them.
  json::OStream J(OS, 2);
  J.object([&] {
    J.attributeArray("failed_units", [&] {
      for (const FailedUnit &U : R.Failed)
        J.value(json::Object{{"file", U.File}, {"error", U.Error}});
    });
    J.attributeArray("findings", [&] {
      for (const FindingRecord &F : R.Findings)
        J.value(toJSON(F));
    });
    J.attributeArray("functions", [&] {
      for (const FunctionRecord &F : R.Functions)
        writeFunctionJson(F, J);
    });
    J.attribute("schema", "concur-advise/1");
    J.attribute("units", R.Units);
  });
  OS << "\n";
}

//===----------------------------------------------------------------------===//
// sarif
//===----------------------------------------------------------------------===//

json::Object sarifLocation(const Location &L, StringRef Message = "") {
  json::Object Region{{"startLine", std::max(1u, L.Line)}};
  if (L.Column)
    Region["startColumn"] = L.Column;
  json::Object Loc{
      {"physicalLocation",
       json::Object{{"artifactLocation", json::Object{{"uri", fileUri(L.File)}}},
                    {"region", std::move(Region)}}}};
  if (!Message.empty())
    Loc["message"] = json::Object{{"text", Message}};
  return Loc;
}

void renderSarif(const Report &R, const RenderOptions &Opts, raw_ostream &OS) {
  // Rules: every check that has a finding, and every documented check.
  std::map<std::string, unsigned> RuleIndex;
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
    const CheckDoc *Doc = findCheckDoc(Id);
    std::string Short = Doc ? Doc->Summary.str() : describeUndocumented(Id);
    json::Object Rule{{"id", Id},
                      {"shortDescription", json::Object{{"text", Short}}},
                      {"fullDescription",
                       json::Object{{"text", Doc ? Doc->Summary.str() : Short}}},
                      {"defaultConfiguration",
                       json::Object{{"level", StringRef(Id).starts_with(
                                                  "clang-diagnostic-")
                                                  ? "error"
                                                  : "warning"}}}};
    if (Doc) {
      Rule["helpUri"] = Opts.DocBase + Id + ".md";
      Rule["help"] = json::Object{{"text", Doc->Summary.str() +
                                               " See " + Opts.DocBase + Id +
                                               ".md"},
                                  {"markdown", Doc->Markdown.str()}};
    } else {
      Rule["help"] = json::Object{{"text", Short}};
    }
    Rules.push_back(std::move(Rule));
  }

  json::Array Results;
  for (const FindingRecord &F : R.Findings) {
    json::Object Result{{"ruleId", F.Check},
                        {"ruleIndex", RuleIndex[F.Check]},
                        {"level", sarifLevel(F.Severity)},
                        {"message", json::Object{{"text", F.Message}}}};
    json::Object Primary = sarifLocation(F.At);
    if (!F.Function.empty())
      Primary["logicalLocations"] = json::Array{json::Object{
          {"fullyQualifiedName", F.Function}, {"kind", "function"}}};
    Result["locations"] = json::Array{std::move(Primary)};
    Result["partialFingerprints"] =
        json::Object{{"concurFindingHash/v1", F.fingerprint()}};
    if (!F.Notes.empty()) {
      json::Array Related, Steps;
      Steps.push_back(json::Object{
          {"location", sarifLocation(F.At, F.Message)}, {"nestingLevel", 0}});
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
    if (!F.Fixes.empty()) {
      std::map<std::string, json::Array> ByFile;
      for (const FixRecord &X : F.Fixes)
        ByFile[X.At.File].push_back(json::Object{
            {"deletedRegion", json::Object{{"charOffset", X.Offset},
                                           {"charLength", X.Length}}},
            {"insertedContent", json::Object{{"text", X.Replacement}}}});
      json::Array Changes;
      for (auto &[File, Replacements] : ByFile)
        Changes.push_back(json::Object{
            {"artifactLocation", json::Object{{"uri", fileUri(File)}}},
            {"replacements", std::move(Replacements)}});
      Result["fixes"] = json::Array{json::Object{
          {"description", json::Object{{"text", "apply the suggested change"}}},
          {"artifactChanges", std::move(Changes)}}};
    }
    Results.push_back(std::move(Result));
  }

  json::Array Notifications;
  for (const FailedUnit &U : R.Failed)
    Notifications.push_back(json::Object{
        {"level", "error"},
        {"message", json::Object{{"text", "could not analyse " + U.File +
                                              ": " + U.Error}}},
        {"locations", json::Array{sarifLocation({U.File, 1, 0})}}});
  json::Object Invocation{{"executionSuccessful", R.Failed.empty()}};
  if (!Notifications.empty())
    Invocation["toolExecutionNotifications"] = std::move(Notifications);

  json::Object Run{
      {"tool",
       json::Object{{"driver",
                     json::Object{{"name", "concur-advise"},
                                  {"semanticVersion", "0.1.0"},
                                  {"informationUri", Opts.DocBase},
                                  {"rules", std::move(Rules)}}}}},
      {"invocations", json::Array{std::move(Invocation)}},
      {"columnKind", "utf16CodeUnits"},
      {"results", std::move(Results)}};
  json::Object Log{
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs", json::Array{std::move(Run)}}};
  OS << formatv("{0:2}", json::Value(std::move(Log))) << "\n";
}

//===----------------------------------------------------------------------===//
// markdown
//===----------------------------------------------------------------------===//

std::string mdEscape(StringRef Text) {
  std::string Out;
  for (char C : Text) {
    if (StringRef("\\`*_{}[]<>()#+-!|").contains(C))
      Out += '\\';
    Out += C;
  }
  return Out;
}

void renderMarkdown(const Report &R, raw_ostream &OS) {
  std::map<std::string, unsigned> BySeverity;
  for (const FindingRecord &F : R.Findings)
    ++BySeverity[F.Severity];
  OS << "### concur-advise\n\n";
  OS << R.Findings.size() << " finding" << (R.Findings.size() == 1 ? "" : "s")
     << " in " << R.Units << " translation unit" << (R.Units == 1 ? "" : "s");
  if (!BySeverity.empty()) {
    OS << " (";
    bool First = true;
    for (const auto &[S, N] : BySeverity) {
      OS << (First ? "" : ", ") << N << " " << S;
      First = false;
    }
    OS << ")";
  }
  OS << ".\n\n";
  if (!R.Failed.empty()) {
    OS << "**" << R.Failed.size() << " unit(s) could not be analysed:**\n\n";
    for (const FailedUnit &U : R.Failed)
      OS << "- `" << sys::path::filename(U.File) << "`: " << mdEscape(U.Error)
         << "\n";
    OS << "\n";
  }
  if (!R.Findings.empty()) {
    OS << "| where | check | row | message |\n|---|---|---|---|\n";
    for (const FindingRecord &F : R.Findings)
      OS << "| " << mdEscape(sys::path::filename(F.At.File)) << ":" << F.At.Line
         << " | " << F.Check << " | " << (F.Model.empty() ? "-" : F.Model)
         << " | " << mdEscape(F.Message) << " |\n";
    OS << "\n";
  }
  std::map<std::string, unsigned> ByClass, ByModel;
  for (const FunctionRecord &F : R.Functions) {
    ++ByClass[toString(F.S.Class.Class).str()];
    ++ByModel[F.Model];
  }
  OS << "Functions: " << R.Functions.size();
  for (const auto &[C, N] : ByClass)
    OS << ", " << C << " " << N;
  OS << ". Models:";
  for (const auto &[M, N] : ByModel)
    OS << " " << M << " " << N << ";";
  OS << "\n";
}

//===----------------------------------------------------------------------===//
// html
//===----------------------------------------------------------------------===//

std::string html(StringRef Text) {
  std::string Out;
  for (char C : Text) {
    switch (C) {
    case '<': Out += "&lt;"; break;
    case '>': Out += "&gt;"; break;
    case '&': Out += "&amp;"; break;
    case '"': Out += "&quot;"; break;
    case '\'': Out += "&#39;"; break;
    default: Out += C;
    }
  }
  return Out;
}

constexpr const char *HtmlStyle = R"css(
body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:80em}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.3em .5em;text-align:left;font-size:.9em}
th{background:#f0f0f0;cursor:pointer;user-select:none}th.sorted-asc::after{content:" \25B2"}th.sorted-desc::after{content:" \25BC"}
.bars{display:grid;grid-template-columns:10em 1fr 4em;gap:.3em;align-items:center;max-width:40em}
.bar{background:#4a7bd0;height:1em}.cls-io{background:#d0804a}.cls-cpu{background:#4a7bd0}.cls-mixed{background:#9a4ad0}.cls-trivial{background:#aaa}
.finding{border:1px solid #ddd;border-left:4px solid #d0804a;margin:1em 0;padding:.5em 1em}
.finding.error{border-left-color:#c33}.finding.remark{border-left-color:#4a7bd0}
.loc{font-family:monospace;color:#555}pre{background:#f7f7f7;padding:.5em;overflow:auto}
pre .hl{background:#ffe9a8;display:block}ol.chain li{font-family:monospace;font-size:.9em}
input{padding:.3em;width:20em;margin:.5em 0}.failed{color:#c33}
)css";

constexpr const char *HtmlScript = R"js(
(function(){
  var table=document.getElementById('functions');
  var filter=document.getElementById('filter');
  function rows(){return Array.prototype.slice.call(table.tBodies[0].rows);}
  filter.addEventListener('input',function(){
    var q=filter.value.toLowerCase();
    rows().forEach(function(r){r.style.display=r.textContent.toLowerCase().indexOf(q)>=0?'':'none';});
  });
  Array.prototype.forEach.call(table.tHead.rows[0].cells,function(th,i){
    th.addEventListener('click',function(){
      var asc=!th.classList.contains('sorted-asc');
      Array.prototype.forEach.call(table.tHead.rows[0].cells,function(c){c.classList.remove('sorted-asc','sorted-desc');});
      th.classList.add(asc?'sorted-asc':'sorted-desc');
      var numeric=th.dataset.type==='number';
      var sorted=rows().sort(function(a,b){
        var x=a.cells[i].dataset.value||a.cells[i].textContent,y=b.cells[i].dataset.value||b.cells[i].textContent;
        var c=numeric?(parseFloat(x)-parseFloat(y)):x.localeCompare(y);
        return asc?c:-c;});
      sorted.forEach(function(r){table.tBodies[0].appendChild(r);});
    });
  });
})();
)js";

void renderBars(raw_ostream &OS, const std::map<std::string, unsigned> &Counts,
                bool ClassColors) {
  unsigned Max = 1;
  for (const auto &[K, N] : Counts)
    Max = std::max(Max, N);
  OS << "<div class=\"bars\">";
  for (const auto &[K, N] : Counts)
    OS << "<span>" << html(K) << "</span><div class=\"bar"
       << (ClassColors ? " cls-" + html(K) : std::string()) << "\" style=\"width:"
       << (N * 100 / Max) << "%\"></div><span>" << N << "</span>";
  OS << "</div>\n";
}

void renderHtml(const Report &R, const RenderOptions &Opts, raw_ostream &OS) {
  std::map<std::string, unsigned> ByClass, ByModel;
  for (const FunctionRecord &F : R.Functions) {
    ++ByClass[toString(F.S.Class.Class).str()];
    ++ByModel[F.Model];
  }
  OS << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<title>concur-advise report</title><style>"
     << HtmlStyle << "</style></head><body>\n";
  OS << "<h1>concur-advise report</h1>\n<p>" << R.Units
     << " translation units, " << R.Functions.size() << " functions, "
     << R.Findings.size() << " findings";
  if (R.Hidden)
    OS << " (" << R.Hidden << " hidden by the baseline)";
  OS << ".</p>\n";
  if (!R.Failed.empty()) {
    OS << "<h2 class=\"failed\">Units that could not be analysed</h2><ul>";
    for (const FailedUnit &U : R.Failed)
      OS << "<li class=\"failed\"><span class=\"loc\">" << html(U.File)
         << "</span>: " << html(U.Error) << "</li>";
    OS << "</ul>\n";
  }
  OS << "<h2>Functions per class</h2>\n";
  renderBars(OS, ByClass, true);
  OS << "<h2>Functions per model</h2>\n";
  renderBars(OS, ByModel, false);

  OS << "<h2>Findings</h2>\n";
  if (R.Findings.empty())
    OS << "<p>None.</p>\n";
  for (const FindingRecord &F : R.Findings) {
    OS << "<div class=\"finding " << html(F.Severity) << "\"><div class=\"loc\">"
       << html(F.At.File) << ":" << F.At.Line << ":" << F.At.Column << " "
       << html(F.Severity) << " [";
    if (findCheckDoc(F.Check))
      OS << "<a href=\"" << html(Opts.DocBase + F.Check + ".md") << "\">"
         << html(F.Check) << "</a>";
    else
      OS << html(F.Check);
    OS << "]" << (F.Function.empty() ? "" : " in " + html(F.Function))
       << "</div><p>" << html(F.Message) << "</p>";
    unsigned From = F.At.Line > 2 ? F.At.Line - 2 : 1;
    auto Excerpt = sourceExcerpt(F.At.File, From, F.At.Line + 2);
    if (!Excerpt.empty()) {
      OS << "<pre>";
      for (const auto &[N, Text] : Excerpt) {
        std::string Line = formatv("{0,5}  ", N).str() + Text;
        if (N == F.At.Line)
          OS << "<span class=\"hl\">" << html(Line) << "</span>";
        else
          OS << html(Line) << "\n";
      }
      OS << "</pre>";
    }
    if (!F.Notes.empty()) {
      OS << "<ol class=\"chain\">";
      for (const NoteRecord &N : F.Notes)
        OS << "<li><span class=\"loc\">" << html(sys::path::filename(N.At.File))
           << ":" << N.At.Line << "</span> " << html(N.Message) << "</li>";
      OS << "</ol>";
    }
    OS << "</div>\n";
  }

  OS << "<h2>Functions</h2>\n<input id=\"filter\" type=\"search\" "
        "placeholder=\"filter functions\" aria-label=\"filter functions\">\n"
        "<table id=\"functions\"><thead><tr><th>function</th><th>file</th>"
        "<th>class</th><th>model</th><th data-type=\"number\">confidence</th>"
        "<th data-type=\"number\">work</th><th data-type=\"number\">blocking"
        "</th><th>evidence</th></tr></thead><tbody>\n";
  for (const FunctionRecord &F : R.Functions) {
    std::string Evidence;
    for (const concur::Evidence &E : F.S.Total.Items)
      if (E.Kind == EvidenceKind::Io || E.Kind == EvidenceKind::Cpu) {
        Evidence = E.chainText();
        break;
      }
    OS << "<tr><td>" << html(F.S.QualifiedName) << "</td><td class=\"loc\">"
       << html(sys::path::filename(F.S.File)) << ":" << F.S.Line
       << "</td><td>" << toString(F.S.Class.Class) << "</td><td>"
       << html(F.Model) << "</td><td data-value=\"" << F.S.Class.Confidence
       << "\">" << format("%.2f", F.S.Class.Confidence) << "</td><td data-value=\""
       << F.S.Total.Work << "\">" << format("%.0f", F.S.Total.Work)
       << "</td><td data-value=\"" << F.S.Total.Blocking << "\">"
       << format("%.0f", F.S.Total.Blocking) << "</td><td>" << html(Evidence)
       << "</td></tr>\n";
  }
  OS << "</tbody></table>\n<script>" << HtmlScript << "</script>\n</body></html>\n";
}

} // namespace

std::optional<Format> parseFormat(StringRef Name) {
  return StringSwitch<std::optional<Format>>(Name)
      .Case("text", Format::Text)
      .Case("json", Format::Json)
      .Case("sarif", Format::Sarif)
      .Case("html", Format::Html)
      .Case("markdown", Format::Markdown)
      .Default(std::nullopt);
}

void render(const Report &R, const RenderOptions &Opts, raw_ostream &OS) {
  switch (Opts.Form) {
  case Format::Text:
    return renderText(R, Opts, OS);
  case Format::Json:
    return renderJson(R, OS);
  case Format::Sarif:
    return renderSarif(R, Opts, OS);
  case Format::Html:
    return renderHtml(R, Opts, OS);
  case Format::Markdown:
    return renderMarkdown(R, OS);
  }
}

//===----------------------------------------------------------------------===//
// --summary and --explain
//===----------------------------------------------------------------------===//

void renderSummary(const Report &R, raw_ostream &OS) {
  std::map<std::string, unsigned> ByClass, ByModel;
  for (const FunctionRecord &F : R.Functions) {
    ++ByClass[toString(F.S.Class.Class).str()];
    ++ByModel[F.Model];
  }
  OS << "concur-advise summary: " << R.Units << " units, " << R.Functions.size()
     << " functions, " << R.Findings.size() << " findings\n";
  OS << "  per class:";
  for (const auto &[K, N] : ByClass)
    OS << " " << K << "=" << N;
  OS << "\n  per model:";
  for (const auto &[K, N] : ByModel)
    OS << " " << K << "=" << N;
  OS << "\n";
  auto Top = [&](StringRef Title, auto Score) {
    std::vector<const FunctionRecord *> Sorted;
    for (const FunctionRecord &F : R.Functions)
      if (Score(F) > 0)
        Sorted.push_back(&F);
    llvm::stable_sort(Sorted, [&](const FunctionRecord *A,
                                  const FunctionRecord *B) {
      return Score(*A) > Score(*B);
    });
    OS << "  top by " << Title << ":\n";
    if (Sorted.empty())
      OS << "    (none)\n";
    for (size_t I = 0; I < Sorted.size() && I < 5; ++I)
      OS << format("    %12.0f  ", Score(*Sorted[I])) << Sorted[I]->S.QualifiedName
         << " (" << sys::path::filename(Sorted[I]->S.File) << ":"
         << Sorted[I]->S.Line << ")\n";
  };
  Top("estimated blocking",
      [](const FunctionRecord &F) { return F.S.Total.Blocking; });
  Top("estimated work", [](const FunctionRecord &F) { return F.S.Total.Work; });
}

bool explain(const Report &R, StringRef Name, raw_ostream &OS) {
  bool Found = false;
  for (const FunctionRecord &F : R.Functions) {
    if (F.S.QualifiedName != Name && F.S.Name != Name)
      continue;
    Found = true;
    const FunctionSummary &S = F.S;
    OS << S.QualifiedName << " (" << S.File << ":" << S.Line << ":" << S.Column
       << ")\n";
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
    SiteFacts Facts = functionSite(S);
    OS << "  selection table, running calls of it concurrently (class "
       << toString(Facts.Class) << ", io kinds '" << Facts.IoKinds.str()
       << "', fan-out " << Facts.FanOut << ", "
       << (Facts.ThreadSafe ? "thread-safe" : "not thread-safe")
       << (Facts.InCoroutine ? ", in a coroutine" : "") << "):\n";
    for (const DecisionRule &Rule : SelectionTable::builtin().rules()) {
      bool Match = Rule.matches(Facts);
      OS << "    step " << Rule.Step << " (" << Rule.Row << "): "
         << (Match ? "matches" : "does not match") << " - " << Rule.Why << "\n";
      if (Match)
        break;
    }
    OS << "  model: " << F.Model << "\n";
    for (const FindingRecord &Finding : R.Findings)
      if (Finding.Function == S.QualifiedName && Finding.At.File == S.File)
        OS << "  finding: " << Finding.At.File << ":" << Finding.At.Line << ":"
           << Finding.At.Column << ": " << Finding.Message << " ["
           << Finding.Check << "]\n";
  }
  return Found;
}

//===----------------------------------------------------------------------===//
// Baselines and fixes
//===----------------------------------------------------------------------===//

Error writeBaseline(const Report &R, StringRef Path) {
  json::Array Entries;
  for (const FindingRecord &F : R.Findings)
    Entries.push_back(json::Object{{"fingerprint", F.fingerprint()},
                                   {"check", F.Check},
                                   {"file", F.At.File},
                                   {"line", F.At.Line},
                                   {"function", F.Function},
                                   {"message", F.Message}});
  std::error_code EC;
  raw_fd_ostream OS(Path, EC);
  if (EC)
    return createStringError(EC, "cannot write baseline '%s': %s",
                             Path.str().c_str(), EC.message().c_str());
  OS << formatv("{0:2}",
                json::Value(json::Object{{"schema", "concur-advise-baseline/1"},
                                         {"findings", std::move(Entries)}}))
     << "\n";
  return Error::success();
}

Error applyBaseline(Report &R, StringRef Path) {
  auto Buffer = MemoryBuffer::getFile(Path);
  if (!Buffer)
    return createStringError(Buffer.getError(), "cannot read baseline '%s': %s",
                             Path.str().c_str(),
                             Buffer.getError().message().c_str());
  Expected<json::Value> V = json::parse((*Buffer)->getBuffer());
  if (!V)
    return createStringError(inconvertibleErrorCode(),
                             "baseline '%s' is not valid JSON: %s",
                             Path.str().c_str(),
                             toString(V.takeError()).c_str());
  const json::Object *Top = V->getAsObject();
  const json::Array *Entries = Top ? Top->getArray("findings") : nullptr;
  if (!Top || Top->getString("schema") != "concur-advise-baseline/1" ||
      !Entries)
    return createStringError(inconvertibleErrorCode(),
                             "'%s' is not a concur-advise baseline (expected "
                             "schema concur-advise-baseline/1)",
                             Path.str().c_str());
  std::map<std::string, unsigned> Accepted;
  for (const json::Value &E : *Entries)
    if (const json::Object *O = E.getAsObject())
      if (std::optional<StringRef> Fp = O->getString("fingerprint"))
        ++Accepted[Fp->str()];
  std::vector<FindingRecord> Kept;
  for (FindingRecord &F : R.Findings) {
    auto It = Accepted.find(F.fingerprint());
    if (It != Accepted.end() && It->second > 0) {
      --It->second;
      ++R.Hidden;
      continue;
    }
    Kept.push_back(std::move(F));
  }
  R.Findings = std::move(Kept);
  return Error::success();
}

Expected<FixOutcome> applyFixes(const Report &R) {
  struct Edit {
    unsigned Offset, Length;
    std::string Text;
  };
  // Two edits clash when their ranges intersect, or both start at one
  // offset (the order of two insertions there would be arbitrary).
  auto Clash = [](const Edit &A, const Edit &B) {
    return A.Offset == B.Offset || (A.Offset < B.Offset + B.Length &&
                                    B.Offset < A.Offset + A.Length);
  };
  FixOutcome Out;
  std::map<std::string, std::vector<Edit>> ByFile;
  // A header's finding reported by several units offers the same fix; it
  // is applied once.
  std::set<std::vector<std::tuple<std::string, unsigned, unsigned, std::string>>>
      Seen;
  for (const FindingRecord &F : R.Findings) {
    // As clang-tidy without --fix-errors: the compiler's own fix-its are not
    // applied, and remarks (notes) are advice only.
    if (F.Fixes.empty() || (F.Severity != "warning" && F.Severity != "error") ||
        StringRef(F.Check).starts_with("clang-diagnostic-"))
      continue;
    std::vector<std::tuple<std::string, unsigned, unsigned, std::string>> Key;
    for (const FixRecord &X : F.Fixes)
      Key.emplace_back(X.At.File, X.Offset, X.Length, X.Replacement);
    llvm::sort(Key);
    if (!Seen.insert(Key).second)
      continue;
    // A finding's replacements go in together or not at all.
    bool Conflict = llvm::any_of(F.Fixes, [&](const FixRecord &X) {
      auto Taken = ByFile.find(X.At.File);
      if (Taken == ByFile.end())
        return false;
      Edit E{X.Offset, X.Length, X.Replacement};
      return llvm::any_of(Taken->second,
                          [&](const Edit &Other) { return Clash(E, Other); });
    });
    if (Conflict) {
      ++Out.Conflicting;
      continue;
    }
    for (const FixRecord &X : F.Fixes)
      ByFile[X.At.File].push_back({X.Offset, X.Length, X.Replacement});
    ++Out.Applied;
  }

  // Every file is read and edited before any is written, so a file that
  // changed since it was analysed leaves all of them untouched.
  std::vector<std::pair<std::string, std::string>> Written;
  for (auto &[File, Edits] : ByFile) {
    auto Buffer = MemoryBuffer::getFile(File, /*IsText=*/false,
                                        /*RequiresNullTerminator=*/false);
    if (!Buffer)
      return createStringError(Buffer.getError(), "cannot read '%s' to fix it",
                               File.c_str());
    std::string Text = (*Buffer)->getBuffer().str();
    // From the end, so the offsets before each edit stay valid.
    llvm::sort(Edits, [](const Edit &A, const Edit &B) {
      return A.Offset > B.Offset;
    });
    for (const Edit &E : Edits) {
      if (size_t(E.Offset) + E.Length > Text.size())
        return createStringError(inconvertibleErrorCode(),
                                 "'%s' changed since it was analysed; no fix "
                                 "applied (run again)",
                                 File.c_str());
      Text.replace(E.Offset, E.Length, E.Text);
    }
    Written.emplace_back(File, std::move(Text));
  }
  for (const auto &[File, Text] : Written) {
    std::error_code EC;
    raw_fd_ostream OS(File, EC);
    if (EC)
      return createStringError(EC, "cannot write '%s': %s", File.c_str(),
                               EC.message().c_str());
    OS << Text;
    OS.close();
    if (OS.has_error()) {
      EC = OS.error();
      OS.clear_error();
      return createStringError(EC, "cannot write '%s': %s", File.c_str(),
                               EC.message().c_str());
    }
  }
  Out.Files = unsigned(Written.size());
  return Out;
}

} // namespace concur::advise
