//===--- CheckDocs.h - Each check's documentation, embedded -----*- C++ -*-===//
//
// checks/docs/concur-<check>.md, embedded at build time, for SARIF rule
// metadata and the links of the HTML report.
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_TOOL_ADVISE_CHECKDOCS_H
#define CONCUR_TOOL_ADVISE_CHECKDOCS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include <string>

namespace concur::advise {

struct CheckDoc {
  llvm::StringRef Name;
  /// The first paragraph of the page.
  llvm::StringRef Summary;
  llvm::StringRef Markdown;
};

llvm::ArrayRef<CheckDoc> checkDocs();
const CheckDoc *findCheckDoc(llvm::StringRef Name);
/// A one-line description for a diagnostic without a page
/// ("clang-diagnostic-error": a compiler error).
std::string describeUndocumented(llvm::StringRef Name);

} // namespace concur::advise

#endif // CONCUR_TOOL_ADVISE_CHECKDOCS_H
