//===--- Fixes.cpp - Applying the checks' fixes ---------------------------===//

#include "Fixes.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include <map>
#include <set>
#include <tuple>

using namespace llvm;

namespace concur::advise {

namespace {

struct Edit {
  unsigned Offset, Length;
  std::string Text;
};

using EditsByFile = std::map<std::string, std::vector<Edit>>;

/// Two edits clash when their ranges intersect, or both start at one offset
/// (the order of two insertions there would be arbitrary).
bool clash(const Edit &A, const Edit &B) {
  return A.Offset == B.Offset ||
         (A.Offset < B.Offset + B.Length && B.Offset < A.Offset + A.Length);
}

/// The edits of the fixes to apply, by file; counts applied and skipped
/// findings in \p Out.
EditsByFile chooseEdits(const Report &R, FixOutcome &Out) {
  EditsByFile ByFile;
  // A header's finding reported by several units offers the same fix; it
  // is applied once.
  using FixKey =
      std::vector<std::tuple<std::string, unsigned, unsigned, std::string>>;
  std::set<FixKey> Seen;
  for (const FindingRecord &F : R.Findings) {
    // As clang-tidy without --fix-errors: the compiler's own fix-its are not
    // applied, and remarks (notes) are advice only.
    if (F.Fixes.empty() || (F.Severity != "warning" && F.Severity != "error") ||
        StringRef(F.Check).starts_with("clang-diagnostic-"))
      continue;
    FixKey Key;
    for (const FixRecord &X : F.Fixes)
      Key.emplace_back(X.At.File, X.Offset, X.Length, X.Replacement);
    llvm::sort(Key);
    if (!Seen.insert(Key).second)
      continue;
    // A finding's replacements go in together or not at all.
    bool Conflict = llvm::any_of(F.Fixes, [&](const FixRecord &X) {
      auto Taken = ByFile.find(X.At.File);
      if (Taken == ByFile.end())
        return false;
      Edit E{X.Offset, X.Length, X.Replacement};
      return llvm::any_of(Taken->second,
                          [&](const Edit &Other) { return clash(E, Other); });
    });
    if (Conflict) {
      ++Out.Conflicting;
      continue;
    }
    for (const FixRecord &X : F.Fixes)
      ByFile[X.At.File].push_back({X.Offset, X.Length, X.Replacement});
    ++Out.Applied;
  }
  return ByFile;
}

/// Every file read and edited, before any is written, so that a file that
/// changed since it was analysed leaves all of them untouched.
Expected<std::vector<std::pair<std::string, std::string>>>
editFiles(EditsByFile &ByFile) {
  std::vector<std::pair<std::string, std::string>> Edited;
  for (auto &[File, Edits] : ByFile) {
    auto Buffer = MemoryBuffer::getFile(File, /*IsText=*/false,
                                        /*RequiresNullTerminator=*/false);
    if (!Buffer)
      return createStringError(Buffer.getError(), "cannot read '%s' to fix it",
                               File.c_str());
    std::string Text = (*Buffer)->getBuffer().str();
    // From the end, so the offsets before each edit stay valid.
    llvm::sort(Edits, [](const Edit &A, const Edit &B) {
      return A.Offset > B.Offset;
    });
    for (const Edit &E : Edits) {
      if (size_t(E.Offset) + E.Length > Text.size())
        return createStringError(inconvertibleErrorCode(),
                                 "'%s' changed since it was analysed; no fix "
                                 "applied (run again)",
                                 File.c_str());
      Text.replace(E.Offset, E.Length, E.Text);
    }
    Edited.emplace_back(File, std::move(Text));
  }
  return Edited;
}

Error writeFile(const std::string &File, StringRef Text) {
  std::error_code EC;
  raw_fd_ostream OS(File, EC);
  if (EC)
    return createStringError(EC, "cannot write '%s': %s", File.c_str(),
                             EC.message().c_str());
  OS << Text;
  OS.close();
  if (OS.has_error()) {
    EC = OS.error();
    OS.clear_error();
    return createStringError(EC, "cannot write '%s': %s", File.c_str(),
                             EC.message().c_str());
  }
  return Error::success();
}

} // namespace

Expected<FixOutcome> applyFixes(const Report &R) {
  FixOutcome Out;
  EditsByFile ByFile = chooseEdits(R, Out);
  auto Edited = editFiles(ByFile);
  if (!Edited)
    return Edited.takeError();
  for (const auto &[File, Text] : *Edited)
    if (Error E = writeFile(File, Text))
      return E;
  Out.Files = unsigned(Edited->size());
  return Out;
}

} // namespace concur::advise
