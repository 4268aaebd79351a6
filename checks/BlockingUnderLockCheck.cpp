//===--- BlockingUnderLockCheck.cpp - concur ------------------------------===//

#include "BlockingUnderLockCheck.h"
#include "LockRegions.h"
#include "clang/AST/ASTLambda.h"
#include "clang/AST/ExprCXX.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"

using namespace clang::ast_matchers;

namespace clang::tidy::concur {

// Waiting for other threads is left out by default: a condition variable's
// wait releases the lock, and taking a nested lock counts as sync waiting.
// Console output under a lock is how programs keep their lines whole.
static constexpr llvm::StringLiteral DefaultBlockingKinds =
    "network;file;database;ipc;process;sleep";

BlockingUnderLockCheck::BlockingUnderLockCheck(StringRef Name,
                                               ClangTidyContext *Context)
    : ConcurCheck(Name, Context),
      BlockingKinds(Options.get("BlockingKinds", DefaultBlockingKinds)) {}

void BlockingUnderLockCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  ConcurCheck::storeOptions(Opts);
  Options.store(Opts, "BlockingKinds", BlockingKinds);
}

void BlockingUnderLockCheck::registerMatchers(MatchFinder *Finder) {
  Finder->addMatcher(functionDecl(isDefinition(), hasBody(stmt()),
                                  unless(isExpansionInSystemHeader()))
                         .bind("function"),
                     this);
  Finder->addMatcher(
      lambdaExpr(unless(isExpansionInSystemHeader())).bind("lambda"), this);
}

void BlockingUnderLockCheck::check(const MatchFinder::MatchResult &Result) {
  const FunctionDecl *Function =
      Result.Nodes.getNodeAs<FunctionDecl>("function");
  if (const auto *Lambda = Result.Nodes.getNodeAs<LambdaExpr>("lambda"))
    Function = Lambda->getCallOperator();
  // Templates are checked once, in their pattern; lambdas through their
  // expression (the call operator is also a function definition).
  if (!Function || Function->getTemplateInstantiationPattern() ||
      Function->isTemplateInstantiation() ||
      (Result.Nodes.getNodeAs<FunctionDecl>("function") &&
       isLambdaCallOperator(Function)))
    return;
  if (!KindsChecked) {
    KindsChecked = true;
    llvm::SmallVector<StringRef, 8> Names;
    StringRef(BlockingKinds).split(Names, ';', -1, /*KeepEmpty=*/false);
    for (StringRef Name : Names) {
      if (std::optional<::concur::IoKind> K =
              ::concur::parseIoKind(Name.trim()))
        Kinds.insert(*K);
      else
        configurationDiag("invalid I/O kind '%0' in option 'BlockingKinds': "
                          "expected network, file, database, ipc, process, "
                          "sleep, sync or console")
            << Name.trim();
    }
  }
  ASTContext &Ctx = *Result.Context;
  WorkloadAnalyzer &Analyzer = analyzer(Ctx);
  const AnalysisOptions &Opts = analysisOptions();
  bool InCoroutine = WorkloadAnalyzer::isCoroutine(Function);

  ::concur::forEachCallUnderLock(
      Function->getBody(), Analyzer,
      [&](const Expr *Call, const ::concur::HeldLock &Lock) {
        const FunctionDecl *Callee =
            isa<CallExpr>(Call)
                ? cast<CallExpr>(Call)->getDirectCallee()
                : cast<CXXConstructExpr>(Call)->getConstructor();
        // Calling a coroutine only creates it.
        if (Callee && WorkloadAnalyzer::isCoroutine(Callee))
          return;
        if (::concur::runsOncePerProcess(Function, Call))
          return;
        Effects E = Analyzer.analyzeCall(Call);
        if (::concur::blockingIn(E, Kinds) < Opts.SubstantialBlocking)
          return;
        const Evidence *Top = ::concur::topIoEvidence(E, Kinds);
        if (!Top || Top->Chain.empty())
          return;
        Recommendation Rec = table().decide(
            ::concur::criticalSectionSite(E, Kinds, InCoroutine));
        SourceLocation Loc = Call->getExprLoc();
        const std::string &Blocker = Top->Chain.back().Callee;
        bool Direct = Top->Chain.size() == 1;
        // A lambda's call operator has no name worth showing.
        std::string What = Callee && isLambdaCallOperator(Callee)
                               ? std::string("lambda")
                               : Top->Chain.front().Callee;
        diag(Loc, "'%0' blocks on %1 I/O%2 while '%3' is locked; release the "
                  "lock before waiting or hand the I/O to a worker (%4)")
            << What << ::concur::describeIoKindsIn(E, Kinds, Opts)
            << (Direct ? std::string() : " ('" + Blocker + "')") << Lock.Mutex
            << rowLabel(Rec);
        emitRowNote(Loc, Rec);
        diag(Lock.Acquired->getExprLoc(), "'%0' is locked here by '%1'",
             DiagnosticIDs::Note)
            << Lock.Mutex << Lock.Via;
        emitChain(*Top, Ctx);
      });
}

} // namespace clang::tidy::concur
