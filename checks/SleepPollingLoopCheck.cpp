//===--- SleepPollingLoopCheck.cpp - concur -------------------------------===//

#include "SleepPollingLoopCheck.h"
#include "LoopIndependence.h"
#include "utils/TaskSites.h"
#include "clang/AST/ExprCXX.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/SmallPtrSet.h"
#include <functional>

using namespace clang::ast_matchers;

namespace clang::tidy::concur {

static constexpr char DefaultClockFunctions[] =
    "::std::chrono::steady_clock::now;::std::chrono::system_clock::now;"
    "::std::chrono::high_resolution_clock::now;::time;::clock;"
    "::clock_gettime;::gettimeofday";

SleepPollingLoopCheck::SleepPollingLoopCheck(StringRef Name,
                                             ClangTidyContext *Context)
    : ConcurCheck(Name, Context),
      ClockFunctions(qualifiedNameList(
          Options.get("ClockFunctions", DefaultClockFunctions))) {}

void SleepPollingLoopCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  ConcurCheck::storeOptions(Opts);
  Options.store(Opts, "ClockFunctions", joinNameList(ClockFunctions));
}

void SleepPollingLoopCheck::registerMatchers(MatchFinder *Finder) {
  Finder->addMatcher(loopFunctionMatcher(), this);
}

/// Visits the statements that run once per iteration of the loop whose body
/// is \p S: not nested loops, lambdas or blocks.
/// \p Visit returns false to skip a statement's children.
static void forEachAtLevel(const Stmt *S,
                           llvm::function_ref<bool(const Stmt *)> Visit) {
  if (!S ||
      isa<LambdaExpr, BlockExpr, ForStmt, CXXForRangeStmt, WhileStmt, DoStmt>(
          S))
    return;
  if (!Visit(S))
    return;
  for (const Stmt *Child : S->children())
    forEachAtLevel(Child, Visit);
}

/// Whether \p S leaves the loop it is directly in: a break outside any
/// switch, a return, a goto, a throw.
static bool exitsLoop(const Stmt *S) {
  if (!S || isa<LambdaExpr, ForStmt, CXXForRangeStmt, WhileStmt, DoStmt>(S))
    return false;
  if (isa<ReturnStmt, GotoStmt, CXXThrowExpr>(S))
    return true;
  if (isa<BreakStmt>(S))
    return true;
  if (isa<SwitchStmt>(S))
    return false; // Its breaks leave the switch; returns inside are rare.
  for (const Stmt *Child : S->children())
    if (exitsLoop(Child))
      return true;
  return false;
}

void SleepPollingLoopCheck::check(const MatchFinder::MatchResult &Result) {
  const auto *Function = Result.Nodes.getNodeAs<FunctionDecl>("function");
  ASTContext &Ctx = *Result.Context;
  // Each loop on its own: a polling loop nested in another is still one.
  forEachLoop(
      Function->getBody(), [](const Stmt *) { return true; },
      [&](const Stmt *Loop) { checkLoop(Loop, Ctx); }, LoopNesting::Every);
}

void SleepPollingLoopCheck::checkLoop(const Stmt *Loop, ASTContext &Ctx) {
  if (Loop->getBeginLoc().isMacroID())
    return;
  const Stmt *Body = loopBody(Loop);
  if (!Body)
    return;

  // What decides whether the loop goes on: its condition (unless constant)
  // and the conditions of the ifs that leave it.
  SmallVector<const Expr *, 4> Conditions;
  if (const Expr *Cond = loopCondition(Loop)) {
    bool Value = false;
    if (!(Cond->EvaluateAsBooleanCondition(Value, Ctx) && Value))
      Conditions.push_back(Cond);
  }
  const CallExpr *SleepCall = nullptr;
  forEachAtLevel(Body, [&](const Stmt *S) {
    if (const auto *If = dyn_cast<IfStmt>(S);
        If && (exitsLoop(If->getThen()) || exitsLoop(If->getElse())))
      Conditions.push_back(If->getCond());
    return true;
  });
  if (Conditions.empty())
    return;
  // Variables the iteration writes are its own progress (a counter, a
  // result), unless the value written is read from a call: then that call is
  // what the loop polls (`ok = try_connect(); if (ok) break;`).
  llvm::SmallPtrSet<const ValueDecl *, 8> Written;
  llvm::DenseMap<const ValueDecl *, SmallVector<const Expr *, 2>> ReadInto;
  auto NoteWrite = [&](const Expr *Target, const Expr *Value) {
    if (const ValueDecl *D = ::concur::baseDeclOf(Target)) {
      Written.insert(D);
      if (Value)
        ReadInto[D].push_back(Value);
    }
  };
  auto CollectWrites = [&](const Stmt *S) {
    // What a return computes happens once, on the way out.
    if (isa<ReturnStmt>(S))
      return false;
    if (const auto *BO = dyn_cast<BinaryOperator>(S)) {
      if (BO->isAssignmentOp())
        NoteWrite(BO->getLHS(),
                  BO->getOpcode() == BO_Assign ? BO->getRHS() : nullptr);
    } else if (const auto *UO = dyn_cast<UnaryOperator>(S)) {
      if (UO->isIncrementDecrementOp())
        NoteWrite(UO->getSubExpr(), nullptr);
    } else if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(S)) {
      if (Op->isAssignmentOp() && Op->getNumArgs() == 2)
        NoteWrite(Op->getArg(0),
                  Op->getOperator() == OO_Equal ? Op->getArg(1) : nullptr);
      else if ((Op->getOperator() == OO_PlusPlus ||
                Op->getOperator() == OO_MinusMinus) &&
               Op->getNumArgs() >= 1)
        NoteWrite(Op->getArg(0), nullptr);
    } else if (const auto *Member = dyn_cast<CXXMemberCallExpr>(S)) {
      const CXXMethodDecl *MD = Member->getMethodDecl();
      if (MD && !MD->isConst() && Member->getImplicitObjectArgument())
        NoteWrite(Member->getImplicitObjectArgument(), nullptr);
    } else if (const auto *Decl = dyn_cast<DeclStmt>(S)) {
      for (const clang::Decl *D : Decl->decls())
        if (const auto *Var = dyn_cast<VarDecl>(D); Var && Var->getInit())
          ReadInto[Var].push_back(Var->getInit());
    }
    return true;
  };
  forEachAtLevel(Body, CollectWrites);
  if (const auto *For = dyn_cast<ForStmt>(Loop); For && For->getInc())
    forEachAtLevel(For->getInc(), CollectWrites);
  // `while (tries--)` counts in its own condition.
  if (const Expr *Cond = loopCondition(Loop))
    forEachAtLevel(Cond, [&](const Stmt *S) {
      if (const auto *UO = dyn_cast<UnaryOperator>(S);
          UO && UO->isIncrementDecrementOp())
        NoteWrite(UO->getSubExpr(), nullptr);
      return true;
    });

  // A counted loop (its condition tests what the iteration writes) is a
  // bounded retry with a back-off, not a wait for a state change.
  if (const Expr *Cond = loopCondition(Loop);
      Cond && !Conditions.empty() && Conditions.front() == Cond) {
    bool Counted = false;
    std::function<void(const Stmt *)> Find = [&](const Stmt *S) {
      if (!S || Counted)
        return;
      if (const auto *Ref = dyn_cast<DeclRefExpr>(S))
        if (Written.contains(Ref->getDecl()) && !ReadInto.count(Ref->getDecl()))
          Counted = true;
      for (const Stmt *Child : S->children())
        Find(Child);
    };
    Find(Cond);
    if (Counted)
      return;
  }

  // The state the loop polls: calls (other than clocks), shared variables
  // (globals, statics, references, members, atomics) it does not write
  // itself, and the calls whose results it stores in what it tests.
  SmallVector<const Expr *, 4> Polled;
  const Expr *Shown = nullptr;
  std::function<bool(const Stmt *, unsigned)> PollsState =
      [&](const Stmt *S, unsigned Depth) -> bool {
    if (!S || isa<LambdaExpr>(S))
      return false;
    // An overloaded operator reads nothing by itself: its operands do.
    if (const auto *Call = dyn_cast<CallExpr>(S);
        Call && !isa<CXXOperatorCallExpr>(Call)) {
      const FunctionDecl *Callee = Call->getDirectCallee();
      if (!isOneOf(Callee, ClockFunctions)) {
        const auto *Member = dyn_cast<CXXMemberCallExpr>(Call);
        const ValueDecl *Object =
            Member ? ::concur::baseDeclOf(Member->getImplicitObjectArgument())
                   : nullptr;
        if (!Object || !Written.contains(Object) || ReadInto.count(Object))
          return true;
      }
    }
    if (const auto *Ref = dyn_cast<DeclRefExpr>(S)) {
      const ValueDecl *D = Ref->getDecl();
      if (auto It = ReadInto.find(D); It != ReadInto.end() && Depth < 2) {
        for (const Expr *Value : It->second)
          if (PollsState(Value, Depth + 1)) {
            Polled.push_back(Value);
            return true;
          }
      }
      if (const auto *Var = dyn_cast<VarDecl>(D); Var && !Written.contains(D)) {
        QualType T = Var->getType();
        if (Var->hasGlobalStorage() || T->isReferenceType() ||
            T.isVolatileQualified() || T->isAtomicType())
          return true;
      }
    }
    if (const auto *Member = dyn_cast<MemberExpr>(S))
      if (isa<CXXThisExpr>(Member->getBase()->IgnoreParenImpCasts()) &&
          !Written.contains(Member->getMemberDecl()))
        return true;
    for (const Stmt *Child : S->children())
      if (PollsState(Child, Depth))
        return true;
    return false;
  };
  for (const Expr *Cond : Conditions)
    if (PollsState(Cond, 0)) {
      Polled.push_back(Cond);
      if (!Shown)
        Shown = Cond;
    }
  if (!Shown)
    return;

  // Only now the analysis: everything above is syntax, and most loops are
  // already ruled out.
  WorkloadAnalyzer &Analyzer = analyzer(Ctx);

  // The loop must sleep, at its own level (directly or through a callee).
  constexpr unsigned Sleep = unsigned(::concur::IoKind::Sleep);
  const LoopFacts &Facts = Analyzer.analyzeLoop(Loop);
  if (Facts.PerIteration.BlockingByKind[Sleep] <= 0 ||
      Facts.Shape == ::concur::FanOut::Single ||
      Facts.Shape == ::concur::FanOut::Small)
    return;
  // A loop that computes every round is a periodic worker (maintenance
  // with a pause between rounds), not a wait for a state change.
  if (::concur::substantialWork(
          Facts.PerIteration, analysisOptions().SubstantialWork,
          analysisOptions()) != ::concur::WorkReason::None)
    return;
  // The sleep the loop makes at its own level, and the condition of the
  // innermost `if` around it in the body, if any.
  Effects SleepEffects;
  const Expr *SleepGuard = nullptr;
  bool WaitsOnNotification = false;
  std::function<void(const Stmt *, const Expr *)> FindSleep =
      [&](const Stmt *S, const Expr *Guard) {
        if (!S || isa<LambdaExpr, BlockExpr, ForStmt, CXXForRangeStmt,
                      WhileStmt, DoStmt>(S))
          return;
        if (const auto *If = dyn_cast<IfStmt>(S)) {
          FindSleep(If->getCond(), Guard);
          FindSleep(If->getThen(), If->getCond());
          FindSleep(If->getElse(), If->getCond());
          return;
        }
        if (const auto *Call = dyn_cast<CallExpr>(S)) {
          // The longest sleep stands for the loop's (a yield next to a
          // usleep is not the wait).
          Effects E = Analyzer.analyzeCall(Call);
          if (E.BlockingByKind[Sleep] > 0 &&
              (!SleepCall ||
               E.BlockingByKind[Sleep] > SleepEffects.BlockingByKind[Sleep])) {
            SleepCall = Call;
            SleepGuard = Guard;
            SleepEffects = std::move(E);
          }
        }
        for (const Stmt *Child : S->children())
          FindSleep(Child, Guard);
      };
  FindSleep(Body, nullptr);
  // A condition variable's wait (or a semaphore's, a join) anywhere in the
  // body: the loop already waits for a notification, the recommended form.
  std::function<void(const Stmt *)> FindWait = [&](const Stmt *S) {
    if (!S || WaitsOnNotification || isa<LambdaExpr, BlockExpr>(S))
      return;
    if (const auto *Call = dyn_cast<CallExpr>(S))
      if (const FunctionDecl *Callee = Call->getDirectCallee())
        if (std::optional<::concur::ApiEffects> Api =
                Analyzer.apiEffects(Callee);
            Api && Api->Io == ::concur::IoKind::Sync && !Api->AcquiresLock)
          WaitsOnNotification = true;
    for (const Stmt *Child : S->children())
      FindWait(Child);
  };
  FindWait(Body);
  if (!SleepCall || WaitsOnNotification)
    return;
  // The sleep must be one the loop makes, directly or through a helper or
  // two, not one found deep in what an iteration processes.
  const Evidence *SleepEvidence = nullptr;
  for (const Evidence &E : SleepEffects.Items)
    if (E.Kind == EvidenceKind::Io &&
        E.What == ::concur::toString(::concur::IoKind::Sleep)) {
      SleepEvidence = &E;
      break;
    }
  if (!SleepEvidence || SleepEvidence->Chain.size() > 3)
    return;
  // A sleep behind a condition that does not read the polled state is a
  // throttle or a back-off (`if (++n % 64 == 0) usleep(...)`, `if
  // (config.interval) usleep(...)`), not the wait between checks.
  if (SleepGuard) {
    llvm::SmallPtrSet<const Decl *, 8> PolledDecls;
    std::function<void(const Stmt *, llvm::SmallPtrSetImpl<const Decl *> &)>
        Reads = [&](const Stmt *S, llvm::SmallPtrSetImpl<const Decl *> &Out) {
          if (!S)
            return;
          if (const auto *Ref = dyn_cast<DeclRefExpr>(S))
            Out.insert(Ref->getDecl());
          if (const auto *Member = dyn_cast<MemberExpr>(S))
            Out.insert(Member->getMemberDecl());
          for (const Stmt *Child : S->children())
            Reads(Child, Out);
        };
    for (const Expr *Cond : Conditions)
      Reads(Cond, PolledDecls);
    for (const Expr *E : Polled)
      Reads(E, PolledDecls);
    llvm::SmallPtrSet<const Decl *, 8> GuardDecls;
    Reads(SleepGuard, GuardDecls);
    if (llvm::none_of(GuardDecls, [&](const Decl *D) {
          return PolledDecls.contains(D) && !isa<EnumConstantDecl>(D);
        }))
      return;
  }

  // What the loop waits for: I/O readiness when the polled state is read
  // by a blocking call, otherwise another thread.
  ::concur::IoKindSet Kinds;
  const Evidence *PolledIo = nullptr;
  std::vector<Effects> PolledEffects;
  for (const Expr *E : Polled)
    PolledEffects.push_back(Analyzer.analyzeStmt(E));
  for (const Effects &E : PolledEffects)
    for (::concur::IoKind K :
         {::concur::IoKind::Network, ::concur::IoKind::File,
          ::concur::IoKind::Database, ::concur::IoKind::Ipc,
          ::concur::IoKind::Process})
      if (E.BlockingByKind[unsigned(K)] > 0) {
        Kinds.insert(K);
        if (!PolledIo)
          PolledIo = ::concur::topEvidence(E, EvidenceKind::Io);
      }
  bool WaitsForThread = Kinds.empty();
  if (WaitsForThread)
    Kinds.insert(::concur::IoKind::Sync);

  ::concur::SiteFacts Site;
  Site.Class = ::concur::WorkloadClass::Io;
  Site.IoKinds = Kinds;
  Site.Shape = Facts.Shape;
  Recommendation Rec = table().decide(Site);
  if (Rec.id() == ::concur::RowId::Sequential)
    return;

  const SourceManager &SM = Ctx.getSourceManager();
  StringRef Text = Lexer::getSourceText(
      CharSourceRange::getTokenRange(Shown->getSourceRange()), SM,
      Ctx.getLangOpts());
  std::string Condition =
      Text.size() > 40 ? (Text.take_front(37) + "...").str() : Text.str();
  std::string SleepText = SleepEvidence
                              ? ::concur::describeEvidence(*SleepEvidence)
                              : std::string("a sleep");
  if (WaitsForThread)
    diag(Loop->getBeginLoc(),
         "loop polls '%0' and sleeps between checks (%1); wait for a "
         "notification instead: a condition variable, an atomic wait or a "
         "channel (%2)")
        << Condition << SleepText << rowLabel(Rec);
  else
    diag(Loop->getBeginLoc(),
         "loop polls '%0' with %1 I/O and sleeps between checks (%2); wait "
         "for readiness instead of sleeping and checking again (%3)")
        << Condition << Kinds.str() << SleepText << rowLabel(Rec);
  diag(Shown->getBeginLoc(), "the polled condition", DiagnosticIDs::Note);
  emitRowNote(Loop->getBeginLoc(), Rec);
  if (SleepEvidence)
    emitChain(*SleepEvidence, Ctx);
  if (PolledIo)
    emitChain(*PolledIo, Ctx);
}

} // namespace clang::tidy::concur
