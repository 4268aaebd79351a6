//===--- FunctionProfileCheck.cpp - concur --------------------------------===//

#include "FunctionProfileCheck.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/Format.h"

using namespace clang::ast_matchers;

namespace clang::tidy::concur {

FunctionProfileCheck::FunctionProfileCheck(StringRef Name,
                                           ClangTidyContext *Context)
    // Read as text: the bool specialisation of OptionsView::get is not
    // exported by the clang-tidy executable that loads the plugin.
    : ConcurCheck(Name, Context),
      Enable(llvm::StringSwitch<bool>(Options.get("Enable", "false"))
                 .CasesLower("true", "1", "yes", "on", true)
                 .Default(false)) {}

void FunctionProfileCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  ConcurCheck::storeOptions(Opts);
  Options.store(Opts, "Enable", Enable ? "true" : "false");
}

void FunctionProfileCheck::registerMatchers(MatchFinder *Finder) {
  if (!Enable)
    return;
  Finder->addMatcher(functionDecl(isDefinition(), unless(isImplicit()),
                                  unless(isExpansionInSystemHeader()))
                         .bind("function"),
                     this);
}

void FunctionProfileCheck::check(const MatchFinder::MatchResult &Result) {
  const auto *Function = Result.Nodes.getNodeAs<FunctionDecl>("function");
  // Uninstantiated templates have no meaningful class yet.
  if (Function->isDependentContext() ||
      Function->getTemplateInstantiationPattern())
    return;
  // A lambda is profiled as part of the function that calls it.
  if (const auto *Method = dyn_cast<CXXMethodDecl>(Function);
      Method && Method->getParent()->isLambda())
    return;
  WorkloadAnalyzer &Analyzer = analyzer(*Result.Context);
  if (!Analyzer.isAnalysable(Function))
    return;
  const ::concur::FunctionSummary &S = Analyzer.summarize(Function);
  Recommendation Rec = table().decide(::concur::functionSite(S));

  std::string Detail;
  if (!S.Class.IoKinds.empty())
    Detail += S.Class.IoKinds.str() + "; ";
  if (S.Class.Numeric)
    Detail += "numeric; ";
  if (S.Total.ThreadUnsafe)
    Detail += "not thread-safe; ";
  std::string Confidence;
  llvm::raw_string_ostream(Confidence)
      << llvm::format("%.2f", S.Class.Confidence);
  Detail += "confidence " + Confidence;

  std::string Top;
  for (const Evidence &E : S.Total.Items) {
    if (E.Kind != EvidenceKind::Io && E.Kind != EvidenceKind::Cpu)
      continue;
    Top = "; evidence: " + E.chainText();
    break;
  }
  diag(Function->getLocation(), "'%0' is %1 (%2); model: %3%4",
       DiagnosticIDs::Remark)
      << Function->getNameAsString() << ::concur::toString(S.Class.Class)
      << Detail << ::concur::toString(Rec.id()) << Top;
}

} // namespace clang::tidy::concur
