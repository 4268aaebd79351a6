//===--- SummaryLinker.h - Linking local summaries --------------*- C++ -*-===//
//
// Linking folds the calls each function makes into other translation units
// into its summary, over the whole call graph. linkSummaries() links
// everything at once (what concur-advise stores in the summaries database);
// IncrementalLinker links on demand while units are still being added.
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_ANALYSIS_SUMMARYLINKER_H
#define CONCUR_ANALYSIS_SUMMARYLINKER_H

#include "SummaryDatabase.h"
#include <functional>

namespace concur {

/// A function's local summary as one translation unit computed it.
struct StoredFunction {
  FunctionSummary Summary;
  std::string Unit; ///< The main file of the unit that computed it.
  /// Defined in the unit's main file (not in a header it includes).
  bool InMainFile = true;
  /// Last line of the definition, to place findings in functions.
  unsigned EndLine = 0;
};

/// Folds each summary's calls into other units into it, bottom-up over the
/// whole program's call graph; a recursive group of functions (within or
/// across units) is folded by the analyzer's own foldComponent()
/// (ComponentFold.h), so a recursion split across files comes out as it
/// does in one. The result is the fixed point of "a summary includes its
/// callees' summaries".
/// \p OptionsFor gives the thresholds that classify a function (from the
/// `.concur.yaml` that applies to its file).
std::vector<FunctionSummary> linkSummaries(
    llvm::ArrayRef<StoredFunction> Local,
    llvm::function_ref<AnalysisOptions(const FunctionSummary &)> OptionsFor);

/// Links on demand the local summaries of the units added so far: a look-up
/// links the callee with everything it calls among them. In a cold run of
/// a whole project this gives each unit the facts of the units analysed
/// before it; when those already hold the callee's whole call closure, the
/// answer is what the final link gives, and the unit need not be checked
/// again. Answers, once given, stay valid for the linker's lifetime.
/// Thread-safe.
class IncrementalLinker : public FingerprintingSummaryProvider {
public:
  using OptionsFunction =
      std::function<AnalysisOptions(const FunctionSummary &)>;
  /// \p OptionsFor as for linkSummaries(); it is called under a lock.
  explicit IncrementalLinker(OptionsFunction OptionsFor);
  ~IncrementalLinker() override;
  /// Adds the local summaries of \p Unit, replacing those it had.
  void addUnit(llvm::StringRef Unit, std::vector<StoredFunction> Functions);
  Answer answer(llvm::StringRef USR) const override;

private:
  struct Linked {
    std::unique_ptr<FunctionSummary> Summary;
    std::string Fingerprint;
    /// Callees that had no summary when this was linked: it is out of date
    /// once one of them has.
    std::shared_ptr<const std::vector<std::string>> Missing;
  };
  bool current(const Linked &L) const;
  /// Makes \p F the definition of its USR if it is preferred; returns the
  /// one it replaced, if any.
  const StoredFunction *choose(const StoredFunction &F);
  /// Drops every memoised answer (those given stay readable).
  void retireAnswers();

  OptionsFunction OptionsFor;
  mutable std::mutex Mutex;
  std::map<std::string, std::vector<StoredFunction>> Units;
  /// The local summary the whole-program link would use for each USR.
  llvm::StringMap<const StoredFunction *> Chosen;
  mutable llvm::StringMap<Linked> Memo;
  /// Summaries replaced in Memo, kept because answers point to them.
  mutable std::vector<std::unique_ptr<FunctionSummary>> Retired;
};

} // namespace concur

#endif // CONCUR_ANALYSIS_SUMMARYLINKER_H
