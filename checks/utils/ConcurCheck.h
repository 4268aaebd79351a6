//===--- ConcurCheck.h - What every concur check shares ---------*- C++ -*-===//
//
// The common base of the concur checks: it reads the check options and
// analyses each translation unit in the session it shares with the other
// concur checks configured alike (SessionRegistry.h), and renders evidence
// chains as notes. Checks derive from
// it and stay thin: matchers find the sites, the analysis decides, the check
// formats.
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_CHECKS_UTILS_CONCURCHECK_H
#define CONCUR_CHECKS_UTILS_CONCURCHECK_H

#include "Advice.h"
#include "ClangTidyCheck.h"
#include "Configuration.h"
#include "ProjectConfig.h"
#include "SelectionTable.h"
#include "SessionRegistry.h"
#include "WorkloadAnalyzer.h"
#include <memory>

namespace clang::tidy::concur {

using ::concur::AnalysisOptions;
using ::concur::Effects;
using ::concur::Evidence;
using ::concur::EvidenceKind;
using ::concur::KnowledgeBase;
using ::concur::LoopFacts;
using ::concur::Recommendation;
using ::concur::SelectionTable;
using ::concur::WorkloadAnalyzer;

class ConcurCheck : public ClangTidyCheck {
public:
  ConcurCheck(StringRef Name, ClangTidyContext *Context);
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
  void onStartOfTranslationUnit() override;
  bool isLanguageVersionSupported(const LangOptions &LangOpts) const override {
    return LangOpts.C99 || LangOpts.CPlusPlus;
  }

protected:
  /// The analyzer of the current translation unit, created on first use with
  /// the project's configuration.
  WorkloadAnalyzer &analyzer(ASTContext &Ctx);
  const SelectionTable &table() const { return SelectionTable::builtin(); }
  /// The options of the current translation unit (after analyzer()).
  const AnalysisOptions &analysisOptions() const;
  /// The knowledge base of the current translation unit (after analyzer()).
  const KnowledgeBase &knowledgeBase() const;

  /// One note per hop of \p E's chain, at each hop's location.
  void emitChain(const Evidence &E, ASTContext &Ctx);
  /// A note naming the row, the rule that chose it and the trade-offs.
  void emitRowNote(SourceLocation Loc, const Recommendation &Rec);
  /// The language of the current translation unit.
  ::concur::SourceLanguage language() const;
  /// "row: futures, I/O pool" style label for messages.
  static std::string rowLabel(const Recommendation &Rec);

  /// Visits the statements a coroutine body runs on its own thread, in
  /// source order: not the bodies of lambdas (they run where they are called)
  /// and not the awaiter machinery of co_await. \p Visit returns false to skip
  /// a statement's children.
  static void walkCoroutineBody(const Stmt *S,
                                llvm::function_ref<bool(const Stmt *)> Visit);
  /// The coroutine definitions in the main file, bound to "coroutine".
  static ast_matchers::internal::Matcher<Decl> coroutineMatcher();

  /// Function definitions whose loops a loop check looks at (outside system
  /// headers, not template instantiations), bound to "function". Finding
  /// loops from their function, rather than matching loops and walking up to
  /// theirs, needs no parent map of the translation unit: most of the cost
  /// of a loop check on a large translation unit otherwise.
  static ast_matchers::internal::Matcher<Decl> loopFunctionMatcher();
  /// Which of the qualifying loops forEachLoop() reports.
  enum class LoopNesting {
    /// Only the outermost: the loops inside a qualifying loop are not
    /// looked at (the advice is about the outer loop).
    Outermost,
    /// Every one, nested or not (each loop is judged on its own).
    Every,
  };
  /// Calls \p Report, in source order, for the loops of \p Body (a function
  /// body found by loopFunctionMatcher(), and the lambdas and blocks written
  /// in it, whose loops are their own functions') that satisfy \p Qualifies,
  /// as \p Nesting says. A coroutine's own loops are left out, a coroutine
  /// lambda's too: waiting in a coroutine is
  /// concur-blocking-call-in-coroutine's to report.
  static void forEachLoop(const Stmt *Body,
                          llvm::function_ref<bool(const Stmt *)> Qualifies,
                          llvm::function_ref<void(const Stmt *)> Report,
                          LoopNesting Nesting = LoopNesting::Outermost);

private:
  /// The check options of ConfigOptions.def, each this check's own or else
  /// the global one.
  ::concur::CheckOptionValues CheckOptions;

  /// The current translation unit's session, shared with the other concur
  /// checks configured alike (SessionRegistry.h).
  std::shared_ptr<::concur::AnalysisSession> Session;
  ClangTidyContext *TidyContext;

  /// The selection table's libraries the current unit includes (computed
  /// on first use, after analyzer()).
  std::optional<std::vector<const ::concur::KnownLibrary *>> UnitLibraries;

  SourceLocation locationOf(const ::concur::Hop &H, ASTContext &Ctx);
  ArrayRef<const ::concur::KnownLibrary *> librariesUsed();
};

} // namespace clang::tidy::concur

#endif // CONCUR_CHECKS_UTILS_CONCURCHECK_H
