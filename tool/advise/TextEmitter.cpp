//===--- TextEmitter.cpp - The text report --------------------------------===//

#include "TextEmitter.h"
#include "EmitterSupport.h"

using namespace llvm;

namespace concur::advise {

void TextEmitter::emit(const Report &R, raw_ostream &OS) const {
  for (const FindingRecord &F : R.Findings) {
    if (Color)
      OS.changeColor(raw_ostream::SAVEDCOLOR, /*Bold=*/true);
    OS << F.At.File << ":" << F.At.Line << ":" << F.At.Column << ": ";
    if (Color)
      OS.changeColor(F.Severity == "error"     ? raw_ostream::RED
                     : F.Severity == "warning" ? raw_ostream::MAGENTA
                                               : raw_ostream::CYAN,
                     true);
    OS << F.Severity << ": ";
    if (Color)
      OS.changeColor(raw_ostream::SAVEDCOLOR, true);
    OS << F.Message << " [" << F.Check << "]\n";
    if (Color)
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

} // namespace concur::advise
