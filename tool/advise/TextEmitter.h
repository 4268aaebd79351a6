//===--- TextEmitter.h - The text report ------------------------*- C++ -*-===//
//
// As clang-tidy prints: each finding with its source line, a caret and its
// notes (the evidence chain), in color on a terminal.
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_TOOL_ADVISE_TEXTEMITTER_H
#define CONCUR_TOOL_ADVISE_TEXTEMITTER_H

#include "Emitter.h"

namespace concur::advise {

class TextEmitter : public Emitter {
public:
  explicit TextEmitter(bool Color) : Color(Color) {}
  void emit(const Report &R, llvm::raw_ostream &OS) const override;

private:
  bool Color;
};

} // namespace concur::advise

#endif // CONCUR_TOOL_ADVISE_TEXTEMITTER_H
