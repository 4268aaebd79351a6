//===--- Emitter.cpp - One report, several output formats -----------------===//

#include "Emitter.h"
#include "HtmlEmitter.h"
#include "JsonEmitter.h"
#include "MarkdownEmitter.h"
#include "SarifEmitter.h"
#include "TextEmitter.h"
#include "llvm/ADT/StringSwitch.h"

using namespace llvm;

namespace concur::advise {

Emitter::~Emitter() = default;

std::optional<Format> parseFormat(StringRef Name) {
  return StringSwitch<std::optional<Format>>(Name)
      .Case("text", Format::Text)
      .Case("json", Format::Json)
      .Case("sarif", Format::Sarif)
      .Case("html", Format::Html)
      .Case("markdown", Format::Markdown)
      .Default(std::nullopt);
}

std::unique_ptr<Emitter> createEmitter(const RenderOptions &Opts) {
  switch (Opts.Form) {
  case Format::Text:
    return std::make_unique<TextEmitter>(Opts.Color);
  case Format::Json:
    return std::make_unique<JsonEmitter>();
  case Format::Sarif:
    return std::make_unique<SarifEmitter>(Opts.DocBase);
  case Format::Html:
    return std::make_unique<HtmlEmitter>(Opts.DocBase);
  case Format::Markdown:
    return std::make_unique<MarkdownEmitter>();
  }
  llvm_unreachable("every format has an emitter");
}

void render(const Report &R, const RenderOptions &Opts, raw_ostream &OS) {
  createEmitter(Opts)->emit(R, OS);
}

} // namespace concur::advise
