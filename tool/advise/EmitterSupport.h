//===--- EmitterSupport.h - What several emitters share ---------*- C++ -*-===//

#ifndef CONCUR_TOOL_ADVISE_EMITTERSUPPORT_H
#define CONCUR_TOOL_ADVISE_EMITTERSUPPORT_H

#include "Report.h"
#include "llvm/Support/JSON.h"
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace concur::advise {

/// A file: URI for an absolute path, percent-encoding what URIs reserve.
std::string fileUri(llvm::StringRef Path);

/// Line \p Line of \p File (1-based), or "" when unreadable.
std::string sourceLine(llvm::StringRef File, unsigned Line);

/// Lines [From, To] of a file with their numbers.
std::vector<std::pair<unsigned, std::string>>
sourceExcerpt(llvm::StringRef File, unsigned From, unsigned To);

/// How many functions have each class and each model.
struct FunctionCounts {
  std::map<std::string, unsigned> ByClass, ByModel, ByCallersModel;
};
FunctionCounts countFunctions(const Report &R);

/// What a run measured for a function, as the JSON report's function
/// records and the SARIF results of its findings show it.
llvm::json::Object measuredObject(const MeasuredRecord &M);

} // namespace concur::advise

#endif // CONCUR_TOOL_ADVISE_EMITTERSUPPORT_H
