//===--- Records.h - What concur-advise reports -----------------*- C++ -*-===//
//
// Plain records of a run: findings as the checks emitted them (with line and
// column resolved), functions with their linked summaries, and units that
// could not be analysed. They are stored in the summaries database as JSON
// and rendered by the emitters; nothing here decides anything.
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_TOOL_ADVISE_RECORDS_H
#define CONCUR_TOOL_ADVISE_RECORDS_H

#include "Summary.h"
#include "llvm/Support/JSON.h"
#include <string>
#include <vector>

namespace concur::advise {

struct Location {
  std::string File; ///< Absolute.
  unsigned Line = 0;
  unsigned Column = 0;
};

struct NoteRecord {
  Location At;
  std::string Message;
};

/// One replacement of a fix: \p Length bytes at \p Offset in \p At.File.
struct FixRecord {
  Location At;
  unsigned Offset = 0;
  unsigned Length = 0;
  std::string Replacement;
};

struct FindingRecord {
  std::string Check;
  std::string Severity; ///< "error", "warning", "note" (remarks), as SARIF.
  Location At;
  std::string Function; ///< Qualified name of the enclosing function.
  std::string Model;    ///< Row id named by the message, or empty.
  std::string Message;
  std::vector<NoteRecord> Notes;
  std::vector<FixRecord> Fixes;

  /// Stable across line shifts and unrelated edits: the check, the file, the
  /// enclosing function and the message with line numbers removed.
  std::string fingerprint() const;
};

llvm::json::Value toJSON(const FindingRecord &F);
bool fromJSON(const llvm::json::Value &V, FindingRecord &F, llvm::json::Path P);

/// "error" > "warning" > "note"; "none" is above everything.
int severityRank(llvm::StringRef Severity);

/// The row id a check message names ("... (row: asyncio)"), or "".
std::string modelInMessage(llvm::StringRef Message);

/// What the row note of \p F says to use ("row '...': ...; use X; pros:
/// ..."): the row's implementation in the code's language, or "".
std::string implementationInNotes(const FindingRecord &F);

} // namespace concur::advise

#endif // CONCUR_TOOL_ADVISE_RECORDS_H
