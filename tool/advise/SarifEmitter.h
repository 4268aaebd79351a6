//===--- SarifEmitter.h - The SARIF 2.1.0 report ----------------*- C++ -*-===//
//
// One run with a rule per documented check (and per other check that has a
// finding), one result per finding with its evidence chain as related
// locations and a code flow, fixes as artifact changes, and failed units as
// tool execution notifications.
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_TOOL_ADVISE_SARIFEMITTER_H
#define CONCUR_TOOL_ADVISE_SARIFEMITTER_H

#include "Emitter.h"

namespace concur::advise {

class SarifEmitter : public Emitter {
public:
  /// \p DocBase: where the rules' help pages are (ends with '/').
  explicit SarifEmitter(std::string DocBase) : DocBase(std::move(DocBase)) {}
  void emit(const Report &R, llvm::raw_ostream &OS) const override;

private:
  std::string DocBase;
};

} // namespace concur::advise

#endif // CONCUR_TOOL_ADVISE_SARIFEMITTER_H
