//===--- ConcurCheck.cpp - What every concur check shares -----------------===//

#include "ConcurCheck.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtCXX.h"
#include "clang/ASTMatchers/ASTMatchers.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/StringExtras.h"

namespace clang::tidy::concur {

using ::concur::Hop;

ConcurCheck::ConcurCheck(StringRef Name, ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context), TidyContext(Context) {
  // clang-tidy's own readers, so a value that is not a number is reported
  // as for any check.
#define CONCUR_THRESHOLD(Field, YamlKey, CheckOption, Type, Default)           \
  CheckOptions.Field = Options.getLocalOrGlobal<unsigned>(CheckOption);
#define CONCUR_STRING_OPTION(Field, CheckOption)                               \
  CheckOptions.Field = Options.getLocalOrGlobal(CheckOption, "").str();
#include "ConfigOptions.def"
}

void ConcurCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
#define CONCUR_STRING_OPTION(Field, CheckOption)                               \
  Options.store(Opts, CheckOption, CheckOptions.Field);
#define CONCUR_THRESHOLD(Field, YamlKey, CheckOption, Type, Default)           \
  Options.store(Opts, CheckOption,                                             \
                CheckOptions.Field.value_or(unsigned(Default)));
#include "ConfigOptions.def"
}

void ConcurCheck::onStartOfTranslationUnit() {
  Session.reset();
  UnitLibraries.reset();
}

WorkloadAnalyzer &ConcurCheck::analyzer(ASTContext &Ctx) {
  if (Session && &Session->analyzer().context() == &Ctx)
    return Session->analyzer();
  Session = sharedSession(*TidyContext, Ctx, CheckOptions);
  // Each check sharing the session reports its configuration's problems, as
  // it would had it read the configuration itself.
  const SourceManager &SM = Ctx.getSourceManager();
  for (const ::concur::ConfigProblem &P : Session->configuration().Problems)
    if (P.Source == ::concur::ConfigProblem::CheckOption)
      configurationDiag("%0") << P.Message;
    else
      diag(SM.getLocForStartOfFile(SM.getMainFileID()), "%0",
           DiagnosticIDs::Error)
          << P.Message;
  return Session->analyzer();
}

const AnalysisOptions &ConcurCheck::analysisOptions() const {
  return Session->options();
}

const KnowledgeBase &ConcurCheck::knowledgeBase() const {
  return Session->knowledgeBase();
}

SourceLocation ConcurCheck::locationOf(const Hop &H, ASTContext &Ctx) {
  if (H.Loc.isValid() || H.File.empty())
    return H.Loc;
  // A hop read from a summaries database: find it in the source file.
  SourceManager &SM = Ctx.getSourceManager();
  auto File = SM.getFileManager().getOptionalFileRef(H.File);
  if (!File)
    return {};
  FileID FID = SM.getOrCreateFileID(*File, SrcMgr::C_User);
  return SM.translateLineCol(FID, H.Line, H.Column);
}

void ConcurCheck::emitChain(const Evidence &E, ASTContext &Ctx) {
  for (size_t I = 0; I < E.Chain.size(); ++I) {
    const Hop &H = E.Chain[I];
    SourceLocation Loc = locationOf(H, Ctx);
    if (Loc.isInvalid())
      continue;
    bool Last = I + 1 == E.Chain.size();
    if (!Last) {
      diag(Loc, "'%0' is called here", DiagnosticIDs::Note) << H.Callee;
      continue;
    }
    switch (E.Kind) {
    case EvidenceKind::Io:
      diag(Loc, "'%0' blocks on %1 I/O", DiagnosticIDs::Note)
          << H.Callee << E.What;
      break;
    case EvidenceKind::Cpu:
      if (H.Callee.empty())
        diag(Loc, "%0 here", DiagnosticIDs::Note) << E.Api;
      else
        diag(Loc, "'%0' does %1 work", DiagnosticIDs::Note)
            << H.Callee << E.What;
      break;
    case EvidenceKind::MtUnsafe:
      diag(Loc, "'%0' is not thread-safe", DiagnosticIDs::Note) << H.Callee;
      break;
    case EvidenceKind::SharedWrite:
      diag(Loc, "unsynchronised %0 to '%1'", DiagnosticIDs::Note)
          << E.What << E.Api;
      break;
    case EvidenceKind::Unknown:
      diag(Loc, "'%0' was not analysed (%1)", DiagnosticIDs::Note)
          << H.Callee << E.What;
      break;
    }
  }
}

void ConcurCheck::emitRowNote(SourceLocation Loc, const Recommendation &Rec) {
  if (!Rec.Row)
    return;
  std::string Text = "row '" + ::concur::toString(Rec.Row->Id).str() + "'";
  if (Rec.Rule)
    Text += " (decision step " + std::to_string(Rec.Rule->Step) +
            "): " + Rec.Rule->Why;
  Text += "; " + ::concur::rowAdvice(*Rec.Row, language(), librariesUsed());
  diag(Loc, "%0", DiagnosticIDs::Note) << Text;
}

::concur::SourceLanguage ConcurCheck::language() const {
  return getLangOpts().CPlusPlus ? ::concur::SourceLanguage::CPlusPlus
                                 : ::concur::SourceLanguage::C;
}

ArrayRef<const ::concur::KnownLibrary *> ConcurCheck::librariesUsed() {
  if (!UnitLibraries) {
    // Every file the unit includes, directly or not: a library included
    // through the project's own headers is used all the same.
    const SourceManager &SM = Session->analyzer().context().getSourceManager();
    std::vector<StringRef> Files;
    for (auto It = SM.fileinfo_begin(); It != SM.fileinfo_end(); ++It)
      Files.push_back(It->first.getName());
    UnitLibraries = ::concur::librariesUsed(table(), language(), Files);
  }
  return *UnitLibraries;
}

std::string ConcurCheck::rowLabel(const Recommendation &Rec) {
  std::string Label = "row: " + ::concur::toString(Rec.id()).str();
  if (Rec.pool() == "io")
    Label += ", I/O pool";
  else if (Rec.pool() == "cpu")
    Label += ", core-sized pool";
  return Label;
}

using namespace ast_matchers;

void ConcurCheck::walkCoroutineBody(
    const Stmt *S, llvm::function_ref<bool(const Stmt *)> Visit) {
  if (!S || isa<LambdaExpr, BlockExpr>(S))
    return;
  if (const auto *Body = dyn_cast<CoroutineBodyStmt>(S)) {
    walkCoroutineBody(Body->getBody(), Visit);
    return;
  }
  if (const auto *Suspend = dyn_cast<CoroutineSuspendExpr>(S)) {
    walkCoroutineBody(Suspend->getOperand(), Visit);
    return;
  }
  if (!Visit(S))
    return;
  for (const Stmt *Child : S->children())
    walkCoroutineBody(Child, Visit);
}

ast_matchers::internal::Matcher<Decl> ConcurCheck::coroutineMatcher() {
  return functionDecl(isDefinition(), hasBody(coroutineBodyStmt()),
                      unless(isExpansionInSystemHeader()))
      .bind("coroutine");
}

ast_matchers::internal::Matcher<Decl> ConcurCheck::loopFunctionMatcher() {
  // A consteval function's loops run in the compiler.
  return functionDecl(isDefinition(), unless(isExpansionInSystemHeader()),
                      unless(isImplicit()), unless(isTemplateInstantiation()),
                      unless(isConsteval()))
      .bind("function");
}

/// forEachLoop() below \p S; \p SkipOwnLoops in a coroutine's body.
static void walkLoops(const Stmt *S, bool SkipOwnLoops, bool OutermostOnly,
                      llvm::function_ref<bool(const Stmt *)> Qualifies,
                      llvm::function_ref<void(const Stmt *)> Report) {
  if (!S)
    return;
  if (const auto *Coroutine = dyn_cast<CoroutineBodyStmt>(S)) {
    walkLoops(Coroutine->getBody(), true, OutermostOnly, Qualifies, Report);
    return;
  }
  // A lambda's or block's loops are its own function's, wherever it is
  // written.
  if (const auto *Lambda = dyn_cast<LambdaExpr>(S)) {
    walkLoops(Lambda->getBody(), false, OutermostOnly, Qualifies, Report);
    return;
  }
  if (const auto *Block = dyn_cast<BlockExpr>(S)) {
    walkLoops(Block->getBody(), false, OutermostOnly, Qualifies, Report);
    return;
  }
  if (!SkipOwnLoops && isa<ForStmt, CXXForRangeStmt, WhileStmt, DoStmt>(S) &&
      Qualifies(S)) {
    Report(S);
    if (OutermostOnly)
      return;
  }
  for (const Stmt *Child : S->children())
    walkLoops(Child, SkipOwnLoops, OutermostOnly, Qualifies, Report);
}

void ConcurCheck::forEachLoop(const Stmt *Body,
                              llvm::function_ref<bool(const Stmt *)> Qualifies,
                              llvm::function_ref<void(const Stmt *)> Report,
                              LoopNesting Nesting) {
  walkLoops(Body, false, Nesting == LoopNesting::Outermost, Qualifies, Report);
}

} // namespace clang::tidy::concur
