//===--- LockRegions.cpp - Where a function body holds a lock -------------===//

#include "LockRegions.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include <optional>

using namespace clang;
using namespace llvm;

namespace concur {
namespace {

/// Identifies a mutex: its declaration when the expression names one (a
/// variable or a member), else its spelling.
struct MutexKey {
  const ValueDecl *Decl = nullptr;
  std::string Text;
  bool operator==(const MutexKey &O) const {
    return Decl || O.Decl ? Decl == O.Decl : !Text.empty() && Text == O.Text;
  }
};

/// The lock tags of <mutex>: how a guard constructor treats its mutex.
enum class LockTag { None, Defer, Adopt, Try };

LockTag tagOf(const Expr *Arg) {
  const auto *RD = Arg->getType().getNonReferenceType()->getAsCXXRecordDecl();
  if (!RD || !RD->isInStdNamespace() || !RD->getIdentifier())
    return LockTag::None;
  return StringSwitch<LockTag>(RD->getName())
      .Case("defer_lock_t", LockTag::Defer)
      .Case("adopt_lock_t", LockTag::Adopt)
      .Case("try_to_lock_t", LockTag::Try)
      .Default(LockTag::None);
}

struct Held {
  MutexKey Key;
  HeldLock Lock;
  /// The guard variable that owns the lock, if any; such locks end with the
  /// scope they are declared in.
  const VarDecl *Guard = nullptr;
  unsigned Depth = 0;
  /// Taken in an if's condition whose form does not say on which branch
  /// it succeeded: calls made while only such locks are held are not
  /// visited.
  bool Uncertain = false;
};

bool holds(ArrayRef<Held> Locks, const MutexKey &Key) {
  return any_of(Locks, [&](const Held &H) { return H.Key == Key; });
}

class LockWalker {
public:
  LockWalker(WorkloadAnalyzer &A,
             function_ref<void(const Expr *, const HeldLock &)> Visit)
      : A(A), Ctx(A.context()), Visit(Visit) {}

  void walk(const Stmt *S);
  /// After walk(): what the body left taken or released for its caller.
  LockWrapping wrapping() const;

private:
  WorkloadAnalyzer &A;
  ASTContext &Ctx;
  function_ref<void(const Expr *, const HeldLock &)> Visit;
  std::vector<Held> HeldLocks;
  /// The mutexes of releases of locks the body did not take: its caller's.
  std::vector<std::string> CallersReleased;
  /// The mutex each guard variable wraps, and the scope depth it lives in.
  DenseMap<const VarDecl *, std::pair<MutexKey, unsigned>> Guards;
  unsigned Depth = 0;

  std::string spelling(const Expr *E) const {
    CharSourceRange Range = CharSourceRange::getTokenRange(E->getSourceRange());
    StringRef Text =
        Lexer::getSourceText(Range, Ctx.getSourceManager(), Ctx.getLangOpts());
    return Text.str();
  }
  /// The mutex an argument or object names, without & and *.
  MutexKey keyOf(const Expr *E) const {
    E = E->IgnoreParenImpCasts();
    while (const auto *UO = dyn_cast<UnaryOperator>(E)) {
      if (UO->getOpcode() != UO_AddrOf && UO->getOpcode() != UO_Deref)
        break;
      E = UO->getSubExpr()->IgnoreParenImpCasts();
    }
    MutexKey Key;
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
      Key.Decl = DRE->getDecl();
    else if (const auto *ME = dyn_cast<MemberExpr>(E))
      Key.Decl = ME->getMemberDecl();
    Key.Text = spelling(E);
    return Key;
  }
  const VarDecl *guardVar(const Expr *E) const {
    const auto *DRE = dyn_cast<DeclRefExpr>(E->IgnoreParenImpCasts());
    const auto *VD = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
    return VD && Guards.count(VD) ? VD : nullptr;
  }
  bool isHeld(const MutexKey &Key) const { return holds(HeldLocks, Key); }
  /// \p Shown names the mutex when its key is not its text (a wrapper's).
  void release(const MutexKey &Key, std::string Shown = "") {
    if (!isHeld(Key))
      CallersReleased.push_back(Shown.empty() ? Key.Text : std::move(Shown));
    erase_if(HeldLocks, [&](const Held &H) { return H.Key == Key; });
  }
  void hold(const MutexKey &Key, const Expr *At, std::string Via,
            const VarDecl *Guard, unsigned GuardDepth, std::string Shown = "") {
    Held H;
    H.Key = Key;
    H.Lock = {Shown.empty() ? Key.Text : std::move(Shown), At, std::move(Via)};
    H.Guard = Guard;
    H.Depth = GuardDepth;
    HeldLocks.push_back(std::move(H));
  }

  void scope(const Stmt *S);
  void declare(const VarDecl *VD);
  /// Handles lock machinery; returns true when \p E is some.
  bool lockCall(const Expr *E);
  /// Handles a call of a project's lock wrapper; returns true when \p E is
  /// one.
  bool wrapperCall(const Expr *E, const FunctionDecl *Callee);
  bool usesHeldLock(const Expr *E) const;
  void call(const Expr *E) {
    if (lockCall(E) || HeldLocks.empty() || usesHeldLock(E))
      return;
    auto Sure =
        find_if(reverse(HeldLocks), [](const Held &H) { return !H.Uncertain; });
    if (Sure != HeldLocks.rend())
      Visit(E, Sure->Lock);
  }
  void branches(const IfStmt *If);
};

const FunctionDecl *calleeOf(const Expr *E) {
  if (const auto *Call = dyn_cast<CallExpr>(E))
    return Call->getDirectCallee();
  if (const auto *Construct = dyn_cast<CXXConstructExpr>(E))
    return Construct->getConstructor();
  return nullptr;
}

ArrayRef<const Expr *> argsOf(const Expr *E) {
  if (const auto *Call = dyn_cast<CallExpr>(E)) {
    ArrayRef<const Expr *> Args(Call->getArgs(), Call->getNumArgs());
    // An operator called as a member has its object as argument 0.
    if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(Call);
        Op && isa_and_nonnull<CXXMethodDecl>(Op->getDirectCallee()))
      return Args.drop_front();
    return Args;
  }
  const auto *Construct = cast<CXXConstructExpr>(E);
  return {Construct->getArgs(), Construct->getNumArgs()};
}

void LockWalker::walk(const Stmt *S) {
  if (!S || isa<LambdaExpr, BlockExpr>(S))
    return;
  if (const auto *If = dyn_cast<IfStmt>(S)) {
    // A branch taken only on failure (a lock that failed, a call that
    // failed) or for level-gated diagnostics is not the workload: its calls
    // are not visited. Locks it releases are released on that path only.
    ++Depth;
    walk(If->getInit());
    walk(If->getConditionVariableDeclStmt());
    branches(If);
    erase_if(HeldLocks,
             [&](const Held &H) { return H.Guard && H.Depth >= Depth; });
    --Depth;
    return;
  }
  if (const auto *Block = dyn_cast<CompoundStmt>(S)) {
    ++Depth;
    for (const Stmt *Child : Block->body()) {
      // The error path from an error label on is not visited.
      if (const auto *Label = dyn_cast<LabelStmt>(Child);
          Label && A.isErrorLabel(Label))
        break;
      walk(Child);
    }
    erase_if(HeldLocks,
             [&](const Held &H) { return H.Guard && H.Depth >= Depth; });
    --Depth;
    return;
  }
  if (isa<ForStmt, CXXForRangeStmt, WhileStmt, DoStmt, SwitchStmt>(S)) {
    scope(S);
    return;
  }
  if (const auto *DS = dyn_cast<DeclStmt>(S)) {
    for (const Decl *D : DS->decls())
      if (const auto *VD = dyn_cast<VarDecl>(D))
        declare(VD);
    return;
  }
  for (const Stmt *Child : S->children())
    walk(Child);
  if (const auto *Call = dyn_cast<CallExpr>(S)) {
    if (!isa<CXXPseudoDestructorExpr>(Call->getCallee()->IgnoreParens()))
      call(Call);
  } else if (const auto *Construct = dyn_cast<CXXConstructExpr>(S)) {
    call(Construct);
  }
}

/// Whether the then-branch of an if whose condition is \p Cond runs with the
/// lock \p Acquire took (true), the else-branch does (false), or the form
/// does not say. A bool or pointer result is truthy on success
/// (`m.try_lock()`, `(lk = item_trylock(b))`); an integer status is 0 on
/// success (`pthread_mutex_trylock(&m) == 0`).
std::optional<bool> thenHolds(const Expr *Cond, const Expr *Acquire,
                              ASTContext &Ctx) {
  bool Truthy = true;
  const Expr *E = Cond;
  while (true) {
    E = E->IgnoreParenImpCasts();
    if (E == Acquire)
      break;
    if (const auto *Not = dyn_cast<UnaryOperator>(E);
        Not && Not->getOpcode() == UO_LNot) {
      Truthy = !Truthy;
      E = Not->getSubExpr();
      continue;
    }
    const auto *BO = dyn_cast<BinaryOperator>(E);
    if (!BO)
      return std::nullopt;
    if (BO->getOpcode() == BO_Assign) {
      E = BO->getRHS();
      continue;
    }
    if (BO->getOpcode() != BO_EQ && BO->getOpcode() != BO_NE)
      return std::nullopt;
    // Compared with 0 or null: `x == 0` tests `!x`.
    const Expr *Zero = BO->getRHS(), *Value = BO->getLHS();
    if (!Zero->isNullPointerConstant(Ctx, Expr::NPC_ValueDependentIsNotNull))
      std::swap(Zero, Value);
    if (!Zero->isNullPointerConstant(Ctx, Expr::NPC_ValueDependentIsNotNull))
      return std::nullopt;
    if (BO->getOpcode() == BO_EQ)
      Truthy = !Truthy;
    E = Value;
  }
  QualType T = Acquire->getType();
  bool TruthySucceeds = T->isBooleanType() || T->isPointerType();
  return TruthySucceeds == Truthy;
}

/// Each branch starts from the locks held before the if; after it, a lock is
/// held when every branch that reaches the code after it holds it (a branch
/// taken only on failure does not). A lock taken in the condition (a
/// trylock) is held on the branch where it succeeded; when the condition's
/// form does not say which, it is uncertain on both, and held after the if
/// when no branch released it: a failed try usually leaves.
void LockWalker::branches(const IfStmt *If) {
  std::vector<Held> Before = HeldLocks;
  walk(If->getCond());
  std::vector<Held> Tried;
  for (const Held &H : HeldLocks)
    if (!holds(Before, H.Key))
      Tried.push_back(H);
  std::optional<std::vector<Held>> After;
  for (const Stmt *Branch : {If->getThen(), If->getElse()}) {
    if (Branch && A.isIncidentalBranch(If, Branch))
      continue;
    HeldLocks = Before;
    for (Held H : Tried) {
      std::optional<bool> Then = thenHolds(If->getCond(), H.Lock.Acquired, Ctx);
      if (!Then)
        H.Uncertain = true;
      else if (*Then != (Branch == If->getThen()))
        continue;
      HeldLocks.push_back(std::move(H));
    }
    walk(Branch);
    if (!After)
      After = std::move(HeldLocks);
    else
      erase_if(*After, [&](const Held &H) { return !isHeld(H.Key); });
  }
  if (!After) {
    After = std::move(Before);
    append_range(*After, Tried);
  }
  HeldLocks = std::move(*After);
  for (Held &H : HeldLocks)
    if (holds(Tried, H.Key))
      H.Uncertain = false;
}

void LockWalker::scope(const Stmt *S) {
  ++Depth;
  for (const Stmt *Child : S->children())
    walk(Child);
  // Guards declared in this scope are destroyed here.
  erase_if(HeldLocks,
           [&](const Held &H) { return H.Guard && H.Depth >= Depth; });
  --Depth;
}

void LockWalker::declare(const VarDecl *VD) {
  const Expr *Init = VD->getInit();
  if (!Init)
    return;
  const auto *Construct =
      dyn_cast<CXXConstructExpr>(Init->IgnoreImplicit()->IgnoreParens());
  std::optional<ApiEffects> Api;
  if (Construct)
    Api = A.apiEffects(Construct->getConstructor());
  if (!Construct || !Api || !Api->AcquiresLock) {
    walk(Init);
    return;
  }
  // The guard's own arguments are evaluated before it locks.
  for (const Expr *Arg : Construct->arguments())
    walk(Arg);
  const CXXRecordDecl *Class = Construct->getConstructor()->getParent();
  LockTag Tag = LockTag::None;
  SmallVector<MutexKey, 2> Mutexes;
  for (const Expr *Arg : Construct->arguments()) {
    if (LockTag T = tagOf(Arg); T != LockTag::None) {
      Tag = T;
      continue;
    }
    // Moving another guard in transfers its lock: not a new acquisition.
    if (Arg->getType().getNonReferenceType()->getAsCXXRecordDecl() == Class)
      return;
    Mutexes.push_back(keyOf(Arg));
  }
  if (Mutexes.empty())
    return;
  Guards[VD] = {Mutexes.front(), Depth};
  if (Tag == LockTag::Defer)
    return;
  for (const MutexKey &Key : Mutexes) {
    if (Tag == LockTag::Adopt)
      release(Key); // The guard now owns the lock taken before.
    hold(Key, Construct, A.knowledgeBaseName(Class), VD, Depth);
  }
}

bool LockWalker::lockCall(const Expr *E) {
  const FunctionDecl *Callee = calleeOf(E);
  if (!Callee)
    return false;
  std::optional<ApiEffects> Api = A.apiEffects(Callee);
  if (!Api)
    return wrapperCall(E, Callee);
  if (!Api->AcquiresLock && !Api->ReleasesLock)
    return false;
  // A lock guard made as a temporary locks and unlocks in one statement.
  if (isa<CXXConstructExpr>(E))
    return true;
  std::string Via = A.knowledgeBaseName(Callee);
  SmallVector<const Expr *, 2> Objects;
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E))
    Objects.push_back(MC->getImplicitObjectArgument());
  else
    for (const Expr *Arg : argsOf(E))
      if (tagOf(Arg) == LockTag::None)
        Objects.push_back(Arg);
  for (const Expr *Object : Objects) {
    if (const VarDecl *Guard = guardVar(Object)) {
      // lk.lock() / lk.unlock() on a unique_lock: its mutex, in its scope.
      const auto &[Key, GuardDepth] = Guards.find(Guard)->second;
      if (Api->ReleasesLock)
        release(Key);
      else if (!isHeld(Key))
        hold(Key, E, Via, Guard, GuardDepth);
      continue;
    }
    MutexKey Key = keyOf(Object);
    if (Api->ReleasesLock)
      release(Key);
    else
      hold(Key, E, Via, nullptr, 0);
  }
  return true;
}

bool LockWalker::wrapperCall(const Expr *E, const FunctionDecl *Callee) {
  LockWrapping W = A.lockWrapping(Callee);
  if (W.Effect == LockEffect::None)
    return false;
  // The wrapper's mutex as its body writes it, with the arguments of this
  // call (item_lock(hv) and item_unlock(hv) name the same lock).
  std::string Text = W.Mutex + "(";
  for (const Expr *Arg : argsOf(E))
    Text += spelling(Arg) + ",";
  MutexKey Key{nullptr, Text + ")"};
  if (W.Effect == LockEffect::Releases) {
    release(Key, W.Mutex);
    return true;
  }
  std::string Name = Callee->getNameAsString();
  hold(Key, E, Name, nullptr, 0, W.Mutex.empty() ? Name + "()" : W.Mutex);
  return true;
}

LockWrapping LockWalker::wrapping() const {
  LockWrapping W;
  auto Taken = find_if(HeldLocks, [](const Held &H) { return !H.Guard; });
  if (Taken != HeldLocks.end() && CallersReleased.empty())
    W = {LockEffect::Acquires, Taken->Lock.Mutex};
  else if (Taken == HeldLocks.end() && !CallersReleased.empty())
    W = {LockEffect::Releases, CallersReleased.back()};
  return W;
}

bool LockWalker::usesHeldLock(const Expr *E) const {
  for (const Expr *Arg : argsOf(E)) {
    if (guardVar(Arg))
      return true;
    if (isHeld(keyOf(Arg)))
      return true;
  }
  return false;
}

} // namespace

void forEachCallUnderLock(
    const Stmt *Body, WorkloadAnalyzer &Analyzer,
    function_ref<void(const Expr *Call, const HeldLock &Lock)> Visit) {
  LockWalker(Analyzer, Visit).walk(Body);
}

namespace {
/// Whether \p Target is in \p S inside a loop; nullopt when it is not in S.
std::optional<bool> inLoop(const Stmt *S, const Stmt *Target, bool Looping) {
  if (!S)
    return std::nullopt;
  if (S == Target)
    return Looping;
  Looping |= isa<ForStmt, CXXForRangeStmt, WhileStmt, DoStmt>(S);
  for (const Stmt *Child : S->children())
    if (std::optional<bool> Found = inLoop(Child, Target, Looping))
      return Found;
  return std::nullopt;
}
} // namespace

bool runsOncePerProcess(const FunctionDecl *Function, const Expr *Call) {
  return Function->isMain() &&
         inLoop(Function->getBody(), Call, false) == std::optional<bool>(false);
}

LockWrapping lockWrappingOf(const Stmt *Body, WorkloadAnalyzer &Analyzer) {
  LockWalker Walker(Analyzer, [](const Expr *, const HeldLock &) {});
  Walker.walk(Body);
  return Walker.wrapping();
}

} // namespace concur
