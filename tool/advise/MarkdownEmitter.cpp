//===--- MarkdownEmitter.cpp - The Markdown report ------------------------===//

#include "MarkdownEmitter.h"
#include "EmitterSupport.h"
#include "llvm/Support/Path.h"

using namespace llvm;

namespace concur::advise {

static std::string mdEscape(StringRef Text) {
  std::string Out;
  for (char C : Text) {
    if (StringRef("\\`*_{}[]<>()#+-!|").contains(C))
      Out += '\\';
    Out += C;
  }
  return Out;
}

void MarkdownEmitter::emit(const Report &R, raw_ostream &OS) const {
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
    OS << "| where | check | row | message | use |\n|---|---|---|---|---|\n";
    for (const FindingRecord &F : R.Findings) {
      std::string Use = implementationInNotes(F);
      OS << "| " << mdEscape(sys::path::filename(F.At.File)) << ":" << F.At.Line
         << " | " << F.Check << " | " << (F.Model.empty() ? "-" : F.Model)
         << " | " << mdEscape(F.Message) << " | "
         << (Use.empty() ? "-" : mdEscape(Use)) << " |\n";
    }
    OS << "\n";
  }
  FunctionCounts Counts = countFunctions(R);
  OS << "Functions: " << R.Functions.size();
  for (const auto &[C, N] : Counts.ByClass)
    OS << ", " << C << " " << N;
  OS << ". Models:";
  for (const auto &[M, N] : Counts.ByModel)
    OS << " " << M << " " << N << ";";
  OS << " callers' models:";
  for (const auto &[M, N] : Counts.ByCallersModel)
    OS << " " << M << " " << N << ";";
  OS << "\n";
}

} // namespace concur::advise
