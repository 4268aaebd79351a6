//===--- HtmlEmitter.h - The HTML report ------------------------*- C++ -*-===//
//
// One self-contained page: counts per class and model as bars, each finding
// with its source excerpt and evidence chain, and a table of every function
// that a small script sorts and filters.
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_TOOL_ADVISE_HTMLEMITTER_H
#define CONCUR_TOOL_ADVISE_HTMLEMITTER_H

#include "Emitter.h"

namespace concur::advise {

class HtmlEmitter : public Emitter {
public:
  /// \p DocBase: where the checks' pages are (ends with '/').
  explicit HtmlEmitter(std::string DocBase) : DocBase(std::move(DocBase)) {}
  void emit(const Report &R, llvm::raw_ostream &OS) const override;

private:
  std::string DocBase;
};

/// \p Text with the characters HTML reserves escaped.
std::string html(llvm::StringRef Text);

} // namespace concur::advise

#endif // CONCUR_TOOL_ADVISE_HTMLEMITTER_H
