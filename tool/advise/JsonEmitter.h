//===--- JsonEmitter.h - The JSON report ------------------------*- C++ -*-===//
//
// The stable schema "concur-advise/2" (tests/tool pins it): failed units,
// findings, and every function with its class, scores, evidence and model.
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_TOOL_ADVISE_JSONEMITTER_H
#define CONCUR_TOOL_ADVISE_JSONEMITTER_H

#include "Emitter.h"

namespace concur::advise {

class JsonEmitter : public Emitter {
public:
  void emit(const Report &R, llvm::raw_ostream &OS) const override;
};

} // namespace concur::advise

#endif // CONCUR_TOOL_ADVISE_JSONEMITTER_H
