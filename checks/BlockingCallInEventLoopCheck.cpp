//===--- BlockingCallInEventLoopCheck.cpp - concur ------------------------===//

#include "BlockingCallInEventLoopCheck.h"
#include "ParallelSites.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtCXX.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace clang::ast_matchers;

namespace clang::tidy::concur {

/// A boolean option as text: the plugin can only read options as text or
/// whole numbers.
static bool isTrue(StringRef Value) {
  return Value.equals_insensitive("true") || Value == "1";
}

BlockingCallInEventLoopCheck::BlockingCallInEventLoopCheck(
    StringRef Name, ClangTidyContext *Context)
    : ConcurCheck(Name, Context),
      ReportPossiblyBlocking(
          isTrue(Options.get("ReportPossiblyBlocking", "false"))) {}

void BlockingCallInEventLoopCheck::storeOptions(
    ClangTidyOptions::OptionMap &Opts) {
  ConcurCheck::storeOptions(Opts);
  Options.store(Opts, "ReportPossiblyBlocking",
                ReportPossiblyBlocking ? "true" : "false");
}

void BlockingCallInEventLoopCheck::onStartOfTranslationUnit() {
  ConcurCheck::onStartOfTranslationUnit();
  Reported.clear();
}

void BlockingCallInEventLoopCheck::registerMatchers(MatchFinder *Finder) {
  // Registrations: a call of a loop API, or a function named in the
  // arguments of a registration macro (libev's ev_io_init).
  Finder->addMatcher(callExpr(unless(isExpansionInSystemHeader())).bind("call"),
                     this);
  Finder->addMatcher(
      cxxConstructExpr(unless(isExpansionInSystemHeader())).bind("call"), this);
  Finder->addMatcher(
      declRefExpr(to(functionDecl()), unless(isExpansionInSystemHeader()))
          .bind("ref"),
      this);
  // Dispatch loops, and handlers named in the configuration.
  Finder->addMatcher(loopFunctionMatcher(), this);
}

static std::string describeCallable(const FunctionDecl *FD) {
  if (const auto *MD = dyn_cast<CXXMethodDecl>(FD);
      MD && MD->getParent()->isLambda())
    return "the lambda";
  return "'" + FD->getNameAsString() + "'";
}

/// How many hops a chain to a loop in the code may have: the code on the
/// event loop, a helper, the loop.
static constexpr size_t MaxCodeWorkHops = 3;

/// How deep in the calls of a loop a wait for events may be for the loop to
/// be an event loop: the loop, the function it calls to wait, the backend
/// function that calls epoll_wait (mosquitto's mux__handle and
/// mux_epoll__handle).
static constexpr unsigned MaxDispatchDepth = 3;

/// \p E without its first hop (the code on the loop, which the message
/// names already).
static Evidence withoutEntry(const Evidence &E) {
  Evidence Shown = E;
  if (Shown.Chain.size() > 1)
    Shown.Chain.erase(Shown.Chain.begin());
  return Shown;
}

void BlockingCallInEventLoopCheck::report(SourceLocation Loc,
                                          const std::string &Subject,
                                          const Effects &Work, ASTContext &Ctx,
                                          bool Dispatched) {
  analyzer(Ctx);
  const AnalysisOptions &Opts = analysisOptions();
  const KnowledgeBase &KB = knowledgeBase();

  // Waiting. A read or write on a descriptor (the knowledge base's
  // would-block calls) waits only when the descriptor is blocking; code on a
  // loop usually works on the non-blocking descriptors the loop watches, so
  // such a call is reported as a possibility, unless other waiting is
  // substantial by itself. Taking a mutex is not waiting for an event, and
  // a descriptor call that costs no more than the threshold (close) is not
  // a wait at all.
  {
    const Evidence *Definite = nullptr, *Any = nullptr;
    for (const Evidence &Item : Work.Items) {
      if (Item.Kind != EvidenceKind::Io || Item.What == "console" ||
          Item.Chain.empty() || Item.Weight < Opts.SubstantialBlocking)
        continue;
      std::optional<::concur::ApiEffects> Api = KB.lookup(Item.Api);
      // The loop's own wait for events is what a loop does.
      if (Api && (Api->AcquiresLock || Api->DispatchWait))
        continue;
      if (Api && Api->WouldBlock) {
        if (!ReportPossiblyBlocking ||
            KB.ioCost(*Api) <= Opts.SubstantialBlocking)
          continue;
        if (!Any)
          Any = &Item;
        continue;
      }
      Definite = &Item;
      break;
    }
    if (const Evidence *Top = Definite ? Definite : Any) {
      ::concur::SiteFacts Facts;
      Facts.Class = ::concur::WorkloadClass::Io;
      Facts.InCoroutine = true;
      Facts.IoKinds = Work.ioKinds();
      Facts.ThreadSafe = !Work.ThreadUnsafe;
      Recommendation Rec = table().decide(Facts);
      std::string Via = ::concur::describeEvidence(withoutEntry(*Top));
      if (Definite)
        diag(Loc, "%0 blocks on %1 I/O (%2) on the event loop's thread, "
                  "where every other event waits for it; use the loop's "
                  "asynchronous form, or offload it to a worker pool that "
                  "hands the result back to the loop (%3)")
            << Subject << Top->What << Via << rowLabel(Rec);
      else
        diag(Loc, "%0 possibly blocks on %1 I/O (%2) on the event loop's "
                  "thread: it waits unless the descriptor is non-blocking, "
                  "which is not visible here; make it non-blocking, or "
                  "offload the call (%3)")
            << Subject << Top->What << Via << rowLabel(Rec);
      emitRowNote(Loc, Rec);
      emitChain(*Top, Ctx);
      std::optional<::concur::ApiEffects> Api = KB.lookup(Top->Api);
      if (Api && !Api->AsyncForm.empty() &&
          language() == ::concur::SourceLanguage::CPlusPlus)
        diag(Loc, "asynchronous form of '%0': %1", DiagnosticIDs::Note)
            << Top->Api << Api->AsyncForm;
      return;
    }
  }

  // Computing: a call of a known heavy API (a hash, compression, a sort),
  // or a loop in the code on the loop or in a helper it calls. Work summed
  // over long chains through a server's whole call graph is an estimate
  // too rough to move code off its loop for. Copying, searching and
  // formatting the bytes of a request is what the loop is for: work that
  // does not compute (::concur::computes) is not work to move off it.
  const Evidence *Top = nullptr;
  for (const Evidence &Item : Work.Items) {
    if (!::concur::isComputing(Item) || Item.Chain.empty() ||
        Item.Weight < Opts.SubstantialWork)
      continue;
    bool CodeWork = Item.Chain.back().Callee.empty();
    if (CodeWork && (Dispatched || Item.Chain.size() > MaxCodeWorkHops))
      continue;
    Top = &Item;
    break;
  }
  if (!Top)
    return;
  ::concur::SiteFacts Facts;
  Facts.Class = ::concur::WorkloadClass::Cpu;
  Facts.InCoroutine = true;
  Recommendation Rec = table().decide(Facts);
  diag(Loc, "%0 does substantial CPU work (%1) on the event loop's thread, "
            "where every other event waits for it; offload it to a worker "
            "pool that hands the result back to the loop (%2)")
      << Subject << ::concur::describeWork(withoutEntry(*Top)) << rowLabel(Rec);
  emitRowNote(Loc, Rec);
  emitChain(*Top, Ctx);
}

void BlockingCallInEventLoopCheck::reportCallback(const FunctionDecl *Target,
                                                  const Expr *Arg,
                                                  StringRef Api,
                                                  ASTContext &Ctx) {
  if (!Target || !Reported.insert(Target->getCanonicalDecl()).second)
    return;
  WorkloadAnalyzer &Analyzer = analyzer(Ctx);
  // Where the argument is written: in the source of a registration macro's
  // argument (evtimer_new(base, on_tick, arg)), not in the macro.
  SourceLocation Loc = Ctx.getSourceManager().getFileLoc(
      Arg->IgnoreParenImpCasts()->getBeginLoc());
  std::optional<Effects> Work = Analyzer.analyzeCallable(Target, Loc);
  if (!Work)
    return;
  report(Loc,
         describeCallable(Target) + " (registered with '" + Api.str() + "')",
         *Work, Ctx);
}

/// Whether \p S calls a dispatch wait (epoll_wait, poll, select) outside
/// lambdas.
static bool callsDispatchWait(const Stmt *S, WorkloadAnalyzer &Analyzer) {
  if (!S || isa<LambdaExpr>(S))
    return false;
  if (isa<CallExpr>(S) && Analyzer.isDispatchWait(cast<CallExpr>(S)))
    return true;
  for (const Stmt *Child : S->children())
    if (callsDispatchWait(Child, Analyzer))
      return true;
  return false;
}

void BlockingCallInEventLoopCheck::checkDispatchLoops(
    const FunctionDecl *Function, ASTContext &Ctx) {
  WorkloadAnalyzer &Analyzer = analyzer(Ctx);
  // The variables that hold how many events a wait returned:
  // `n = epoll_wait(...)`, `int n = poll(...)`.
  llvm::SmallPtrSet<const VarDecl *, 2> Counts;
  std::function<void(const Stmt *)> FindCounts = [&](const Stmt *S) {
    if (!S || isa<LambdaExpr>(S))
      return;
    auto IsWait = [&](const Expr *E) {
      return E && isa<CallExpr>(E->IgnoreParenImpCasts()) &&
             callsDispatchWait(E->IgnoreParenImpCasts(), Analyzer);
    };
    if (const auto *Assign = dyn_cast<BinaryOperator>(S);
        Assign && Assign->getOpcode() == BO_Assign && IsWait(Assign->getRHS()))
      if (const auto *Ref =
              dyn_cast<DeclRefExpr>(Assign->getLHS()->IgnoreParenImpCasts()))
        if (const auto *Var = dyn_cast<VarDecl>(Ref->getDecl()))
          Counts.insert(Var);
    if (const auto *Decls = dyn_cast<DeclStmt>(S))
      for (const Decl *D : Decls->decls())
        if (const auto *Var = dyn_cast<VarDecl>(D);
            Var && IsWait(Var->getInit()))
          Counts.insert(Var);
    for (const Stmt *Child : S->children())
      FindCounts(Child);
  };
  FindCounts(Function->getBody());
  std::function<bool(const Stmt *)> ReadsCount = [&](const Stmt *S) {
    if (!S)
      return false;
    if (const auto *Ref = dyn_cast<DeclRefExpr>(S))
      if (const auto *Var = dyn_cast<VarDecl>(Ref->getDecl());
          Var && Counts.contains(Var))
        return true;
    return llvm::any_of(S->children(), ReadsCount);
  };
  // A loop around the wait (the wait may be in its condition: while
  // (poll(...) >= 0); it may be in a function the loop calls, in this unit
  // or another), or a loop over the events a wait returned.
  auto IsDispatchLoop = [&](const Stmt *Loop) {
    const Expr *Cond = nullptr;
    if (const auto *For = dyn_cast<ForStmt>(Loop))
      Cond = For->getCond();
    else if (const auto *While = dyn_cast<WhileStmt>(Loop))
      Cond = While->getCond();
    else if (const auto *Do = dyn_cast<DoStmt>(Loop))
      Cond = Do->getCond();
    else
      return false;
    if (callsDispatchWait(Loop, Analyzer) || (Cond && ReadsCount(Cond)))
      return true;
    unsigned Depth = Analyzer.analyzeStmt(Loop).EventWaitDepth;
    return Depth && Depth <= MaxDispatchDepth;
  };
  // The calls the loop makes to handle events; a call reported is not
  // looked into again.
  std::string LoopName = "'" + Function->getNameAsString() + "'";
  std::function<void(const Stmt *)> Visit = [&](const Stmt *S) {
    if (!S || isa<LambdaExpr>(S))
      return;
    // An error path (`if (!StartEdge(...)) { Cleanup(); return false; }`)
    // is not how the loop handles events.
    if (const auto *If = dyn_cast<IfStmt>(S)) {
      Visit(If->getInit());
      Visit(If->getConditionVariableDeclStmt());
      Visit(If->getCond());
      for (const Stmt *Branch : {If->getThen(), If->getElse()})
        if (!Analyzer.isIncidentalBranch(If, Branch))
          Visit(Branch);
      return;
    }
    if (const auto *Call = dyn_cast<CallExpr>(S)) {
      const FunctionDecl *Callee = Call->getDirectCallee();
      std::optional<::concur::ApiEffects> Api =
          Callee ? Analyzer.apiEffects(Callee) : std::nullopt;
      // The wait itself, and calls of library functions, are the loop's.
      if (Callee && !Api && Analyzer.isAnalysable(Callee) &&
          !Reported.contains(Callee->getCanonicalDecl())) {
        Effects Work = Analyzer.analyzeCall(Call, Function->getBody());
        Reported.insert(Callee->getCanonicalDecl());
        report(Call->getExprLoc(),
               describeCallable(Callee) + " (called from the event loop in " +
                   LoopName + ")",
               Work, Ctx, /*Dispatched=*/true);
        return;
      }
    }
    for (const Stmt *Child : S->children())
      Visit(Child);
  };
  forEachLoop(
      Function->getBody(), IsDispatchLoop,
      [&](const Stmt *Loop) {
        for (const Stmt *Child : Loop->children())
          Visit(Child);
      },
      LoopNesting::Outermost);
}

void BlockingCallInEventLoopCheck::check(
    const MatchFinder::MatchResult &Result) {
  ASTContext &Ctx = *Result.Context;
  WorkloadAnalyzer &Analyzer = analyzer(Ctx);
  const SourceManager &SM = Ctx.getSourceManager();

  if (const auto *Function = Result.Nodes.getNodeAs<FunctionDecl>("function")) {
    if (knowledgeBase().isLoopHandler(Analyzer.knowledgeBaseName(Function)) &&
        !Reported.contains(Function->getCanonicalDecl())) {
      Reported.insert(Function->getCanonicalDecl());
      if (std::optional<Effects> Work =
              Analyzer.analyzeCallable(Function, Function->getLocation()))
        report(Function->getLocation(),
               describeCallable(Function) +
                   " (an event-loop handler named in the configuration)",
               *Work, Ctx);
    }
    checkDispatchLoops(Function, Ctx);
    return;
  }

  if (const auto *Ref = Result.Nodes.getNodeAs<DeclRefExpr>("ref")) {
    // A function named in a registration macro's arguments.
    SourceLocation Loc = Ref->getBeginLoc();
    if (!Loc.isMacroID() || !SM.isMacroArgExpansion(Loc))
      return;
    for (; Loc.isMacroID(); Loc = SM.getImmediateMacroCallerLoc(Loc)) {
      StringRef Macro =
          Lexer::getImmediateMacroName(Loc, SM, Ctx.getLangOpts());
      std::optional<::concur::ApiEffects> Api = knowledgeBase().lookup(Macro);
      if (Api && Api->LoopCallback) {
        reportCallback(dyn_cast<FunctionDecl>(Ref->getDecl()), Ref, Macro, Ctx);
        return;
      }
    }
    return;
  }

  auto [Callee, Args] =
      ::concur::callParts(Result.Nodes.getNodeAs<Expr>("call"));
  if (!Callee || Args.empty())
    return;
  std::optional<::concur::ApiEffects> Api = Analyzer.apiEffects(Callee);
  if (!Api || !Api->LoopCallback)
    return;
  std::string Name = Analyzer.knowledgeBaseName(Callee);
  auto Register = [&](const Expr *Arg) {
    reportCallback(::concur::callableOf(Arg), Arg, Name, Ctx);
  };
  if (Api->LoopCallbackArg == ::concur::ApiEffects::AllArgs) {
    for (const Expr *Arg : Args)
      Register(Arg);
  } else if (Api->LoopCallbackArg == ::concur::ApiEffects::LastArg) {
    Register(Args.back());
  } else if (unsigned(Api->LoopCallbackArg) < Args.size()) {
    Register(Args[Api->LoopCallbackArg]);
  }
}

} // namespace clang::tidy::concur
