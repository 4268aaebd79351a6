//===--- Emitter.h - One report, several output formats ---------*- C++ -*-===//
//
// What every output format implements: one Emitter per format, each in its
// own file pair, writing a Report that is already decided (see Decide.h).
// Emitters only format; they neither read the database nor choose rows.
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_TOOL_ADVISE_EMITTER_H
#define CONCUR_TOOL_ADVISE_EMITTER_H

#include "Report.h"
#include "llvm/Support/raw_ostream.h"
#include <memory>
#include <optional>

namespace concur::advise {

enum class Format { Text, Json, Sarif, Html, Markdown };

/// The format named \p Name on the command line, if any.
std::optional<Format> parseFormat(llvm::StringRef Name);

struct RenderOptions {
  Format Form = Format::Text;
  /// Base of the links to each check's documentation (ends with '/').
  std::string DocBase;
  bool Color = false;
};

class Emitter {
public:
  virtual ~Emitter();
  virtual void emit(const Report &R, llvm::raw_ostream &OS) const = 0;
};

/// The emitter of \p Opts.Form.
std::unique_ptr<Emitter> createEmitter(const RenderOptions &Opts);

/// Writes \p R in the format of \p Opts.
void render(const Report &R, const RenderOptions &Opts, llvm::raw_ostream &OS);

} // namespace concur::advise

#endif // CONCUR_TOOL_ADVISE_EMITTER_H
