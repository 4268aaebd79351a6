//===--- HtmlEmitter.cpp - The HTML report --------------------------------===//

#include "HtmlEmitter.h"
#include "CheckDocs.h"
#include "EmitterSupport.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

using namespace llvm;

namespace concur::advise {

std::string html(StringRef Text) {
  std::string Out;
  for (char C : Text) {
    switch (C) {
    case '<':
      Out += "&lt;";
      break;
    case '>':
      Out += "&gt;";
      break;
    case '&':
      Out += "&amp;";
      break;
    case '"':
      Out += "&quot;";
      break;
    case '\'':
      Out += "&#39;";
      break;
    default:
      Out += C;
    }
  }
  return Out;
}

static constexpr const char *HtmlStyle = R"css(
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

static constexpr const char *HtmlScript = R"js(
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

static void renderBars(raw_ostream &OS,
                       const std::map<std::string, unsigned> &Counts,
                       bool ClassColors) {
  unsigned Max = 1;
  for (const auto &[K, N] : Counts)
    Max = std::max(Max, N);
  OS << "<div class=\"bars\">";
  for (const auto &[K, N] : Counts)
    OS << "<span>" << html(K) << "</span><div class=\"bar"
       << (ClassColors ? " cls-" + html(K) : std::string())
       << "\" style=\"width:" << (N * 100 / Max) << "%\"></div><span>" << N
       << "</span>";
  OS << "</div>\n";
}

namespace {

/// Two lines of source either side of a finding, its own highlighted.
void renderExcerpt(const FindingRecord &F, raw_ostream &OS) {
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
}

/// The findings, each with its source excerpt and evidence chain.
void renderFindings(const Report &R, StringRef DocBase, raw_ostream &OS) {
  OS << "<h2>Findings</h2>\n";
  if (R.Findings.empty())
    OS << "<p>None.</p>\n";
  for (const FindingRecord &F : R.Findings) {
    OS << "<div class=\"finding " << html(F.Severity)
       << "\"><div class=\"loc\">" << html(F.At.File) << ":" << F.At.Line << ":"
       << F.At.Column << " " << html(F.Severity) << " [";
    if (findCheckDoc(F.Check))
      OS << "<a href=\"" << html(DocBase.str() + F.Check + ".md") << "\">"
         << html(F.Check) << "</a>";
    else
      OS << html(F.Check);
    OS << "]" << (F.Function.empty() ? "" : " in " + html(F.Function))
       << "</div><p>" << html(F.Message) << "</p>";
    renderExcerpt(F, OS);
    if (!F.Notes.empty()) {
      OS << "<ol class=\"chain\">";
      for (const NoteRecord &N : F.Notes)
        OS << "<li><span class=\"loc\">" << html(sys::path::filename(N.At.File))
           << ":" << N.At.Line << "</span> " << html(N.Message) << "</li>";
      OS << "</ol>";
    }
    OS << "</div>\n";
  }
}

/// The table of functions, sortable and filtered by the page's script.
void renderFunctions(const Report &R, raw_ostream &OS) {
  OS << "<h2>Functions</h2>\n<input id=\"filter\" type=\"search\" "
        "placeholder=\"filter functions\" aria-label=\"filter functions\">\n"
        "<table id=\"functions\"><thead><tr><th>function</th><th>file</th>"
        "<th>class</th><th>model</th><th>callers' model</th>"
        "<th data-type=\"number\">confidence</th>"
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
       << html(sys::path::filename(F.S.File)) << ":" << F.S.Line << "</td><td>"
       << toString(F.S.Class.Class) << "</td><td>" << html(F.Model)
       << "</td><td>" << html(F.CallersModel) << "</td><td data-value=\""
       << F.S.Class.Confidence << "\">" << format("%.2f", F.S.Class.Confidence)
       << "</td><td data-value=\"" << F.S.Total.Work << "\">"
       << format("%.0f", F.S.Total.Work) << "</td><td data-value=\""
       << F.S.Total.Blocking << "\">" << format("%.0f", F.S.Total.Blocking)
       << "</td><td>" << html(Evidence) << "</td></tr>\n";
  }
  OS << "</tbody></table>\n";
}

/// Static class beside the measured one (--profile): disagreements first,
/// then by measured time.
void renderMeasured(const Report &R, raw_ostream &OS) {
  std::vector<const FunctionRecord *> Measured;
  for (const FunctionRecord &F : R.Functions)
    if (F.Measured)
      Measured.push_back(&F);
  if (Measured.empty())
    return;
  auto Disagrees = [](const FunctionRecord *F) {
    return F->Measured->Class != F->Measured->StaticClass;
  };
  std::stable_sort(Measured.begin(), Measured.end(),
                   [&](const FunctionRecord *A, const FunctionRecord *B) {
                     if (Disagrees(A) != Disagrees(B))
                       return Disagrees(A);
                     return A->Measured->OnCpuMs + A->Measured->OffCpuMs >
                            B->Measured->OnCpuMs + B->Measured->OffCpuMs;
                   });
  OS << "<h2>Static and measured</h2>\n"
        "<table id=\"measured\"><thead><tr><th>function</th><th>file</th>"
        "<th>static class</th><th>measured class</th>"
        "<th data-type=\"number\">confidence</th>"
        "<th data-type=\"number\">on-CPU ms</th>"
        "<th data-type=\"number\">off-CPU ms</th><th>waits in</th>"
        "</tr></thead><tbody>\n";
  for (const FunctionRecord *F : Measured) {
    const MeasuredRecord &M = *F->Measured;
    std::string Waits;
    for (const auto &[Reason, Ms] : M.OffCpuByReason)
      Waits +=
          (Waits.empty() ? "" : ", ") + Reason + formatv(" {0:f1}", Ms).str();
    OS << "<tr" << (Disagrees(F) ? " class=\"disagrees\"" : "") << "><td>"
       << html(F->S.QualifiedName) << "</td><td class=\"loc\">"
       << html(sys::path::filename(F->S.File)) << ":" << F->S.Line
       << "</td><td>" << html(M.StaticClass) << "</td><td>" << html(M.Class)
       << (M.Overrides ? " (overrides)" : "") << "</td><td data-value=\""
       << M.Confidence << "\">" << format("%.2f", M.Confidence)
       << "</td><td data-value=\"" << M.OnCpuMs << "\">"
       << format("%.1f", M.OnCpuMs) << "</td><td data-value=\"" << M.OffCpuMs
       << "\">" << format("%.1f", M.OffCpuMs) << "</td><td>" << html(Waits)
       << "</td></tr>\n";
  }
  OS << "</tbody></table>\n";
}

} // namespace

void HtmlEmitter::emit(const Report &R, raw_ostream &OS) const {
  FunctionCounts Counts = countFunctions(R);
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
  renderBars(OS, Counts.ByClass, true);
  OS << "<h2>Functions per model</h2>\n";
  renderBars(OS, Counts.ByModel, false);
  OS << "<h2>Functions per callers' model</h2>\n";
  renderBars(OS, Counts.ByCallersModel, false);
  renderFindings(R, DocBase, OS);
  renderFunctions(R, OS);
  renderMeasured(R, OS);
  OS << "<script>" << HtmlScript << "</script>\n</body></html>\n";
}

} // namespace concur::advise
