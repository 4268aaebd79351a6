//===--- MarkdownEmitter.h - The Markdown report ----------------*- C++ -*-===//
//
// A short report for a pull-request comment or a CI job summary: counts, the
// units that failed, a table of findings (where, check, row, message) and
// the functions per class and model.
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_TOOL_ADVISE_MARKDOWNEMITTER_H
#define CONCUR_TOOL_ADVISE_MARKDOWNEMITTER_H

#include "Emitter.h"

namespace concur::advise {

class MarkdownEmitter : public Emitter {
public:
  void emit(const Report &R, llvm::raw_ostream &OS) const override;
};

} // namespace concur::advise

#endif // CONCUR_TOOL_ADVISE_MARKDOWNEMITTER_H
