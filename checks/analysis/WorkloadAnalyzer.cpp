//===--- WorkloadAnalyzer.cpp - Interprocedural workload analysis ---------===//
//
// Two layers. A Scanner walks one body and records what it does itself: its
// arithmetic (weighted by the loops around it), the knowledge-base calls it
// makes, its writes to shared state, and its calls of other analysable
// functions (edges). Summaries then compose those local facts bottom-up over
// the strongly connected components of the call graph (Tarjan's algorithm,
// iterative so deep call chains cannot overflow the stack).
//
//===----------------------------------------------------------------------===//

#include "WorkloadAnalyzer.h"
#include "ComponentFold.h"
#include "LockRegions.h"
#include "clang/AST/Attr.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/StmtCXX.h"
#include "clang/AST/StmtOpenMP.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Index/USRGeneration.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include <algorithm>
#include <cmath>
#include <functional>

using namespace clang;
using namespace llvm;

namespace concur {

SummaryProvider::~SummaryProvider() = default;

namespace {

/// Operations per iteration up to which a loop that prints is only the
/// printing of what it walks.
constexpr double PrintingLoopOps = 40;

/// Once: the multiplicity of code outside any loop.
const Growth Once = Growth::constant(1);

/// An edge of the call graph found while scanning a body.
struct CallEdge {
  const FunctionDecl *Callee;
  Growth Times;
  Hop Site;
  /// The callee runs under a library lock (a callback of std::call_once):
  /// its writes to shared state are synchronised.
  bool Synchronized;
  /// How the caller uses a would-block result of the callee.
  WouldBlockUse Use = WouldBlockUse::Ignored;
};

/// What a body does by itself, before its callees are folded in.
struct LocalFacts {
  Effects Own;
  std::vector<CallEdge> Calls;
  std::vector<ExternalCall> External;
};

const FunctionDecl *definitionOf(const FunctionDecl *FD) {
  const FunctionDecl *Def = nullptr;
  if (FD && FD->hasBody(Def))
    return Def;
  return nullptr;
}

/// Standard types whose member functions synchronise by themselves.
bool isSynchronisingType(const CXXRecordDecl *RD) {
  static const StringSet<> Names = {"atomic",
                                    "atomic_flag",
                                    "atomic_ref",
                                    "mutex",
                                    "recursive_mutex",
                                    "shared_mutex",
                                    "timed_mutex",
                                    "once_flag",
                                    "condition_variable",
                                    "condition_variable_any",
                                    "counting_semaphore",
                                    "latch",
                                    "barrier",
                                    "stop_source"};
  return RD && RD->isInStdNamespace() && RD->getIdentifier() &&
         Names.contains(RD->getName());
}

} // namespace

class WorkloadAnalyzer::Impl {
public:
  Impl(WorkloadAnalyzer &A, const SummaryProvider *External)
      : A(A), Ctx(A.Ctx), SM(Ctx.getSourceManager()), KB(A.KB), Opts(A.Opts),
        External(External) {}

  WorkloadAnalyzer &A;
  ASTContext &Ctx;
  const SourceManager &SM;
  const KnowledgeBase &KB;
  const AnalysisOptions &Opts;
  const SummaryProvider *External;

  DenseMap<const FunctionDecl *, std::unique_ptr<LocalFacts>> Locals;
  /// Bodies being scanned, and what a re-entrant visit of one sees.
  SmallPtrSet<const FunctionDecl *, 8> Scanning;
  const LocalFacts Unfinished;
  DenseMap<const FunctionDecl *, std::unique_ptr<FunctionSummary>> Summaries;
  DenseMap<const FunctionDecl *, std::optional<ApiEffects>> ApiCache;
  DenseMap<const FunctionDecl *, LockWrapping> LockCache;
  DenseMap<const FunctionDecl *, uint64_t> ParamWrites;
  SmallPtrSet<const FunctionDecl *, 8> FindingWrites;
  DenseMap<const Stmt *, std::unique_ptr<LoopFacts>> Loops;
  DenseMap<const Stmt *, bool> WouldBlockBodies;
  DenseMap<const Stmt *, std::unique_ptr<SmallPtrSet<const Expr *, 4>>>
      ReturnedCalls;
  DenseMap<const CXXMethodDecl *, SmallVector<const CXXMethodDecl *, 2>>
      Overriders;
  bool OverridersCollected = false;

  const LocalFacts &local(const FunctionDecl *Def);
  void summarizeFrom(const FunctionDecl *Root);
  void finishComponent(ArrayRef<const FunctionDecl *> Members);
  /// Applies the annotations that refine a body's analysis and classifies.
  void finalize(FunctionSummary &S, const FunctionDecl *Def);
  FunctionSummary describe(const FunctionDecl *Def);
  ArrayRef<const CXXMethodDecl *> overridersOf(const CXXMethodDecl *MD);
  /// The trip count when the loop's bounds are constant, or at most the
  /// extent of a small constant-size array it walks.
  std::optional<double> constantTripCount(const Stmt *Loop);
  uint64_t writtenParams(const FunctionDecl *FD, unsigned Depth);
  uint64_t bodyWrittenParams(const FunctionDecl *Def, unsigned Depth);
  bool isSystem(const Decl *D) const {
    return SM.isInSystemHeader(D->getLocation());
  }
};

//===----------------------------------------------------------------------===//
// Scanner: the local facts of one body.
//===----------------------------------------------------------------------===//

namespace {

class Scanner {
public:
  /// Called for each call of an analysable function.
  using EdgeFn = function_ref<void(const CallEdge &Edge)>;

  /// \p Body is the code scanned (a function's body, a loop's): whether it
  /// handles would-block codes decides how its descriptor calls count.
  Scanner(WorkloadAnalyzer::Impl &I, Effects &Out, EdgeFn OnEdge,
          std::vector<ExternalCall> &ExternalOut, const Stmt *Body = nullptr)
      : I(I), Opts(I.Opts), Out(Out), OnEdge(OnEdge), ExternalOut(ExternalOut),
        Body(Body) {}

  void scan(const Stmt *S, const Growth &Times, unsigned Depth = 0);
  void scanFunction(const FunctionDecl *Def);
  void call(const Expr *E, const FunctionDecl *Callee, const Growth &Times);
  /// Adds the arithmetic written in the body; writes to shared state are
  /// unsynchronised unless the body takes a lock.
  void finish() {
    Growth Numeric = LocalNumeric;
    Out.addWork(Local, false, false, Opts);
    Out.NumericGrowth += Numeric;
    Out.ElementGrowth += LocalElement;
    Out.normalize(Opts);
    Local = LocalNumeric = LocalElement = Growth();
    if (HasLock)
      return;
    for (Evidence &E : PendingWrites) {
      Out.ThreadUnsafe = true;
      Out.addEvidence(std::move(E), Opts);
    }
  }

private:
  WorkloadAnalyzer::Impl &I;
  const AnalysisOptions &Opts;
  Effects &Out;
  EdgeFn OnEdge;
  std::vector<ExternalCall> &ExternalOut;
  const Stmt *Body;
  bool HasLock = false;
  /// The calls of the scanned function made while it holds a lock: what
  /// they write to shared state is synchronised by that lock.
  SmallPtrSet<const Expr *, 8> CallsUnderLock;
  /// Inside an OpenMP critical/atomic/single/master/ordered construct,
  /// whose writes OpenMP synchronises.
  unsigned OpenMPSyncDepth = 0;
  std::vector<Evidence> PendingWrites;
  /// Arithmetic written in this body, as growths (added to Out at the
  /// end); loops report their share: all of it, the floating-point part,
  /// and the element work (Effects::ElementGrowth).
  Growth Local, LocalNumeric, LocalElement;
  unsigned LoopDepth = 0;
  /// Inside an access to a floating-point element: a subscript `a[i]` or a
  /// call that yields a floating-point value (`m(i, j)`, `v.at(i)`,
  /// `img.get(x, y)`). The access and the index arithmetic that addresses
  /// the element are part of the floating-point work, as in `a[i * n + j]`:
  /// an accessor costs its body, and dilutes nothing.
  unsigned FloatingAccess = 0;

  void loop(const Stmt *Loop, const Growth &Times, unsigned Depth);
  /// \p Forwarded: a would-block call whose result the body returns.
  void applyApi(const ApiEffects &Api, StringRef Name, const Growth &Times,
                const Hop &Site, bool Forwarded = false);
  /// How the scanned body uses the would-block result of call \p E.
  WouldBlockUse wouldBlockUse(const Expr *E) {
    if (!Body)
      return WouldBlockUse::Ignored;
    if (I.A.handlesWouldBlock(Body))
      return WouldBlockUse::Handled;
    return I.A.returnsResult(E, Body) ? WouldBlockUse::Forwarded
                                      : WouldBlockUse::Ignored;
  }
  void callbackArgs(const Expr *E, const Growth &Times, CallbackPolicy Policy);
  /// The evidence of a write to a global or static through \p Target, if it
  /// is one (Update: an in-place update, `x += ...`).
  std::optional<Evidence> sharedWriteOf(const Expr *Target, SourceLocation Loc,
                                        bool Update);
  /// Globals passed to parameters that \p Callee writes through
  /// (`dictAdd(configs, key, value)`): evidence that the call stores into
  /// them.
  void globalsPassedToWriter(const Expr *E, const FunctionDecl *Callee);
  /// A user function declared here whose body another unit has.
  bool isInOtherUnit(const FunctionDecl *FD);
  /// A callable whose body is in another unit, passed to a call that runs
  /// it \p Times over.
  void externalCallback(const FunctionDecl *Target, const Growth &Times,
                        const Hop &Site, bool Synchronized);
  /// A write to \p Target; \p Update when it is a compound assignment or an
  /// increment (a counter or an accumulator), not a store of a new value.
  void sharedWrite(const Expr *Target, SourceLocation Loc, bool Update);
  /// A call of cheap library code (an accessor, operator[]) counts as one
  /// operation of this body, like the arithmetic around it.
  void opaqueCall(const Growth &Times) {
    Local += Times * OpaqueCallWork;
    if (FloatingAccess)
      LocalNumeric += Times * OpaqueCallWork;
  }
  void arithmetic(const Growth &Times, bool Numeric) {
    Local += Times;
    if (Numeric || FloatingAccess)
      LocalNumeric += Times;
  }
};

/// Whether the object a call works on (the object of a member call, else
/// the first argument) has one of the knowledge base's excepted types.
bool isExceptedObject(const Expr *Call, ArrayRef<std::string> Types) {
  const Expr *Object = nullptr;
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(Call))
    Object = MC->getImplicitObjectArgument();
  else if (const auto *CE = dyn_cast<CallExpr>(Call); CE && CE->getNumArgs())
    Object = CE->getArg(0);
  if (!Object)
    return false;
  QualType T = Object->IgnoreParenImpCasts()->getType();
  if (T->isPointerType())
    T = T->getPointeeType();
  const auto *RD = T.getNonReferenceType()->getAsCXXRecordDecl();
  if (!RD)
    return false;
  std::string Name = WorkloadAnalyzer::knowledgeBaseName(RD);
  return is_contained(Types, Name);
}

/// How a callee is named in evidence chains: its qualified name, or
/// "lambda" for a lambda's call operator (whose qualified name spells out the
/// enclosing function's signature).
std::string callableName(const FunctionDecl *FD) {
  if (const auto *MD = dyn_cast<CXXMethodDecl>(FD);
      MD && MD->getParent()->isLambda())
    return "lambda";
  return FD->getQualifiedNameAsString();
}

/// `workers.emplace_back(callable)` constructs the container's element from
/// the arguments: the element type, when the call inserts into a standard
/// container template, else null.
const CXXRecordDecl *emplacedElement(const Expr *E) {
  const auto *MC = dyn_cast<CXXMemberCallExpr>(E);
  const CXXMethodDecl *MD = MC ? MC->getMethodDecl() : nullptr;
  if (!MD || !MD->getIdentifier())
    return nullptr;
  StringRef Name = MD->getName();
  if (!Name.starts_with("emplace") && !Name.starts_with("push") &&
      Name != "insert")
    return nullptr;
  const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(MD->getParent());
  if (!Spec || !Spec->isInStdNamespace() || Spec->getTemplateArgs().size() == 0)
    return nullptr;
  const TemplateArgument &Arg = Spec->getTemplateArgs()[0];
  if (Arg.getKind() != TemplateArgument::Type)
    return nullptr;
  return Arg.getAsType()->getAsCXXRecordDecl();
}

bool isFloating(const Expr *E) {
  return E->getType()->isRealFloatingType() || E->getType()->isComplexType();
}

/// Whether \p S ends the program: a call of a noreturn function (abort,
/// exit, __builtin_unreachable), `f(), unreachable()` (how assertion macros
/// end), or a block whose last statement does. A path that dies is not the
/// code's workload: an assertion's failure branch does not make every
/// function that asserts do the work of the error report.
bool endsTheProgram(const Stmt *S) {
  if (const auto *E = dyn_cast_or_null<Expr>(S))
    S = E->IgnoreParenImpCasts();
  if (const auto *Call = dyn_cast_or_null<CallExpr>(S)) {
    const FunctionDecl *Callee = Call->getDirectCallee();
    return Callee && Callee->isNoReturn();
  }
  if (const auto *BO = dyn_cast_or_null<BinaryOperator>(S))
    return BO->getOpcode() == BO_Comma && endsTheProgram(BO->getRHS());
  if (const auto *Block = dyn_cast_or_null<CompoundStmt>(S))
    return !Block->body_empty() && endsTheProgram(Block->body_back());
  return false;
}

/// The words of an identifier, lower-cased: split at underscores, colons,
/// digits and case changes ("serverLogRaw" is server, log, raw;
/// "HTTPLogger" is http, logger).
SmallVector<std::string, 6> nameWords(StringRef Name) {
  SmallVector<std::string, 6> Words;
  std::string Word;
  auto Flush = [&] {
    if (!Word.empty())
      Words.push_back(std::move(Word));
    Word.clear();
  };
  for (size_t I = 0; I < Name.size(); ++I) {
    char C = Name[I];
    if (!isAlpha(C)) {
      Flush();
      continue;
    }
    bool Upper = isUpper(C);
    bool PrevLower = I > 0 && isLower(Name[I - 1]);
    bool NextLower = I + 1 < Name.size() && isLower(Name[I + 1]);
    bool PrevUpper = I > 0 && isUpper(Name[I - 1]);
    if (Upper && (PrevLower || (PrevUpper && NextLower)))
      Flush();
    Word.push_back(toLower(C));
  }
  Flush();
  return Words;
}

bool hasWord(ArrayRef<std::string> Words, ArrayRef<std::string> Wanted) {
  return any_of(Words, [&](const std::string &W) {
    return any_of(Wanted, [&](const std::string &X) {
      return StringRef(W).equals_insensitive(X);
    });
  });
}

/// Whether \p S leaves the function at once, with nothing computed on the
/// way: `return;`, `return -1;`, `return rc;`, `goto err;`, a throw, or a
/// call that ends the program; for a block, its last statement. Not `break`
/// or `continue`: `if (!it) { ...; continue; }` is how loops skip an item.
bool bailsOut(const Stmt *S, ASTContext &Ctx) {
  if (const auto *Block = dyn_cast_or_null<CompoundStmt>(S))
    return !Block->body_empty() && bailsOut(Block->body_back(), Ctx);
  if (!S)
    return false;
  if (isa<GotoStmt, CXXThrowExpr>(S))
    return true;
  if (const auto *Return = dyn_cast<ReturnStmt>(S)) {
    const Expr *Value = Return->getRetValue();
    if (!Value)
      return true;
    Value = Value->IgnoreParenImpCasts();
    if (const auto *Minus = dyn_cast<UnaryOperator>(Value))
      Value = Minus->getSubExpr()->IgnoreParenImpCasts();
    return isa<IntegerLiteral, DeclRefExpr, MemberExpr, CXXNullPtrLiteralExpr,
               CXXBoolLiteralExpr, GNUNullExpr>(Value) ||
           (!Value->isValueDependent() &&
            Value->isNullPointerConstant(Ctx, Expr::NPC_ValueDependentIsNull));
  }
  return endsTheProgram(S);
}

/// Whether a statement contains a loop (error handlers do not loop).
bool containsLoop(const Stmt *S) {
  if (!S || isa<LambdaExpr, BlockExpr>(S))
    return false;
  if (isa<ForStmt, CXXForRangeStmt, WhileStmt, DoStmt>(S))
    return true;
  return any_of(S->children(), [](const Stmt *C) { return containsLoop(C); });
}

/// How surely a condition tests that a call failed.
enum class FailureTest { No, IfBailingOut, Sure };

FailureTest failureTest(const Expr *Cond, ASTContext &Ctx) {
  if (!Cond)
    return FailureTest::No;
  Cond = Cond->IgnoreParenImpCasts();
  if (const auto *Call = dyn_cast<CallExpr>(Cond)) {
    // unlikely(x), __builtin_expect(x, 0)
    if (Call->getBuiltinCallee() == Builtin::BI__builtin_expect &&
        Call->getNumArgs() == 2)
      return failureTest(Call->getArg(0), Ctx);
    // if (pthread_mutex_lock(&m)): an error code.
    return Call->getType()->isIntegerType() ? FailureTest::IfBailingOut
                                            : FailureTest::No;
  }
  if (const auto *Not = dyn_cast<UnaryOperator>(Cond)) {
    if (Not->getOpcode() != UO_LNot)
      return FailureTest::No;
    const Expr *Sub = Not->getSubExpr()->IgnoreParenImpCasts();
    // if (!p), if (!open_thing(...))
    return Sub->getType()->isPointerType() || isa<CallExpr>(Sub)
               ? FailureTest::IfBailingOut
               : FailureTest::No;
  }
  const auto *BO = dyn_cast<BinaryOperator>(Cond);
  if (!BO)
    return FailureTest::No;
  if (BO->getOpcode() == BO_LOr) {
    // `!wait_for(&job) || job.interrupted`: a failure among other reasons
    // to give up; a branch that then bails out is an error path.
    FailureTest L = failureTest(BO->getLHS(), Ctx);
    FailureTest R = failureTest(BO->getRHS(), Ctx);
    if (L == FailureTest::Sure && R == FailureTest::Sure)
      return FailureTest::Sure;
    return L == FailureTest::No && R == FailureTest::No
               ? FailureTest::No
               : FailureTest::IfBailingOut;
  }
  const Expr *L = BO->getLHS()->IgnoreParenImpCasts();
  const Expr *R = BO->getRHS()->IgnoreParenImpCasts();
  BinaryOperatorKind Op = BO->getOpcode();
  auto Constant = [&](const Expr *E) -> std::optional<int64_t> {
    Expr::EvalResult Result;
    if (!E->isValueDependent() && E->getType()->isIntegerType() &&
        E->EvaluateAsInt(Result, Ctx))
      return Result.Val.getInt().getExtValue();
    return std::nullopt;
  };
  auto IsNull = [&](const Expr *E) {
    if (std::optional<int64_t> Zero = Constant(E))
      return *Zero == 0;
    return (E->getType()->isAnyPointerType() ||
            isa<CXXNullPtrLiteralExpr, GNUNullExpr>(E)) &&
           !E->isValueDependent() &&
           E->isNullPointerConstant(Ctx, Expr::NPC_ValueDependentIsNull);
  };
  // The constant on the right.
  if ((Constant(L) || IsNull(L)) && !Constant(R) && !IsNull(R)) {
    std::swap(L, R);
    if (BinaryOperator::isRelationalOp(Op))
      Op = BinaryOperator::reverseComparisonOp(Op);
  }
  if (L->getType()->isAnyPointerType())
    return Op == BO_EQ && IsNull(R) ? FailureTest::IfBailingOut
                                    : FailureTest::No;
  std::optional<int64_t> Value = Constant(R);
  if (!Value)
    return FailureTest::No;
  if ((Op == BO_LT && *Value == 0) || (Op == BO_EQ && *Value < 0) ||
      (Op == BO_LE && *Value < 0))
    return FailureTest::Sure; // fd < 0, ret == -1
  if (Op == BO_NE && *Value == 0)
    return FailureTest::IfBailingOut; // rc != 0
  return FailureTest::No;
}

/// The declarations a condition reads: variables, members (with the
/// objects they are members of) and functions.
void namesRead(const Stmt *S, SmallVectorImpl<StringRef> &Names) {
  if (!S)
    return;
  if (const auto *Ref = dyn_cast<DeclRefExpr>(S))
    if (const IdentifierInfo *Id = Ref->getDecl()->getIdentifier())
      Names.push_back(Id->getName());
  if (const auto *Member = dyn_cast<MemberExpr>(S))
    if (const IdentifierInfo *Id = Member->getMemberDecl()->getIdentifier())
      Names.push_back(Id->getName());
  for (const Stmt *Child : S->children())
    namesRead(Child, Names);
}

/// The argument of a call at \p Index, or null.
const Expr *argumentAt(const Expr *Call, int Index) {
  if (Index < 0)
    return nullptr;
  if (const auto *CE = dyn_cast<CallExpr>(Call))
    return unsigned(Index) < CE->getNumArgs() ? CE->getArg(Index) : nullptr;
  if (const auto *Construct = dyn_cast<CXXConstructExpr>(Call))
    return unsigned(Index) < Construct->getNumArgs() ? Construct->getArg(Index)
                                                     : nullptr;
  return nullptr;
}

std::optional<APSInt> constantInt(const Expr *E, ASTContext &Ctx) {
  Expr::EvalResult Result;
  if (E->isValueDependent() || !E->EvaluateAsInt(Result, Ctx))
    return std::nullopt;
  return Result.Val.getInt();
}

/// A constant size of a few bytes: a wake-up, not a transfer.
bool isWakeUpSize(const Expr *Size, ASTContext &Ctx) {
  std::optional<APSInt> Value = constantInt(Size, Ctx);
  return Value && !Value->isNegative() &&
         Value->getZExtValue() <= MaxWakeUpBytes;
}

/// A constant zero timeout: the wait only checks.
bool isZeroTimeout(const Expr *Timeout, ASTContext &Ctx) {
  std::optional<APSInt> Value = constantInt(Timeout, Ctx);
  return Value && Value->isZero();
}

/// Whether a stream or descriptor argument names the terminal: stdout,
/// stderr, std::cout/cerr/clog, descriptors 1 and 2 (also fileno(stderr)).
bool namesConsole(const Expr *Stream, ASTContext &Ctx) {
  Stream = Stream->IgnoreParenImpCasts();
  if (const auto *Call = dyn_cast<CallExpr>(Stream))
    if (const FunctionDecl *Callee = Call->getDirectCallee();
        Callee && Callee->getIdentifier() && Callee->getName() == "fileno" &&
        Call->getNumArgs() == 1)
      return namesConsole(Call->getArg(0), Ctx);
  if (Stream->getType()->isIntegerType()) {
    Expr::EvalResult Result;
    if (Stream->isValueDependent() || !Stream->EvaluateAsInt(Result, Ctx))
      return false;
    int64_t Fd = Result.Val.getInt().getExtValue();
    return Fd == 1 || Fd == 2;
  }
  const auto *Ref = dyn_cast<DeclRefExpr>(Stream);
  const auto *Var = Ref ? dyn_cast<VarDecl>(Ref->getDecl()) : nullptr;
  if (!Var || !Var->getIdentifier() || !Var->hasGlobalStorage())
    return false;
  StringRef Name = Var->getName();
  return Name == "stdout" || Name == "stderr" || Name == "cout" ||
         Name == "cerr" || Name == "clog" || Name == "wcout" ||
         Name == "wcerr" || Name == "wclog";
}

/// How a loop walks its data: the variables it steps (`i++`, `p += 8`,
/// `len -= 8`, `++it`) and, for a range-for, the element variable.
struct LoopVars {
  SmallPtrSet<const ValueDecl *, 4> Steps, Elements;
  bool contains(const ValueDecl *D) const {
    return Steps.contains(D) || Elements.contains(D);
  }
};

/// Adds the variables \p S counts up or down to \p Out.
void steppedVariables(const Stmt *S, LoopVars &Out) {
  if (!S || isa<LambdaExpr, BlockExpr>(S))
    return;
  const Expr *Changed = nullptr;
  if (const auto *UO = dyn_cast<UnaryOperator>(S);
      UO && UO->isIncrementDecrementOp())
    Changed = UO->getSubExpr();
  else if (const auto *CA = dyn_cast<CompoundAssignOperator>(S);
           CA &&
           (CA->getOpcode() == BO_AddAssign ||
            CA->getOpcode() == BO_SubAssign) &&
           isa<IntegerLiteral, DeclRefExpr, UnaryExprOrTypeTraitExpr>(
               CA->getRHS()->IgnoreParenImpCasts()))
    Changed = CA->getLHS(); // `p += 8`, `len -= stride`, not `s += a[i]`
  else if (const auto *OC = dyn_cast<CXXOperatorCallExpr>(S);
           OC && OC->getNumArgs() >= 1 &&
           (OC->getOperator() == OO_PlusPlus ||
            OC->getOperator() == OO_MinusMinus ||
            OC->getOperator() == OO_PlusEqual ||
            OC->getOperator() == OO_MinusEqual))
    Changed = OC->getArg(0); // an iterator
  if (Changed)
    if (const auto *Ref = dyn_cast<DeclRefExpr>(Changed->IgnoreParenImpCasts()))
      if (const auto *Var = dyn_cast<VarDecl>(Ref->getDecl());
          Var && Var->isLocalVarDeclOrParm())
        Out.Steps.insert(Var);
  for (const Stmt *Child : S->children())
    steppedVariables(Child, Out);
}

bool refersTo(const Stmt *S, const LoopVars &Vars) {
  if (!S)
    return false;
  if (const auto *Ref = dyn_cast<DeclRefExpr>(S))
    return Vars.contains(Ref->getDecl());
  return any_of(S->children(),
                [&](const Stmt *C) { return refersTo(C, Vars); });
}

/// Whether \p E (looking through parentheses and casts) reads an element of
/// the data the loop walks: `a[i]`, `*p`, `p[1]`, `v[i]` (operator[]),
/// `*it`, the variable of a range-for, or a member of one of these.
bool isElementRead(const Expr *E, const LoopVars &Vars) {
  E = E->IgnoreParenCasts();
  if (const auto *Sub = dyn_cast<ArraySubscriptExpr>(E)) {
    // An array of a constant size (a flag table walked to its sentinel)
    // is not data of runtime size.
    if (Sub->getBase()->IgnoreParenImpCasts()->getType()->isConstantArrayType())
      return false;
    return refersTo(Sub->getIdx(), Vars) || refersTo(Sub->getBase(), Vars);
  }
  if (const auto *UO = dyn_cast<UnaryOperator>(E);
      UO && UO->getOpcode() == UO_Deref)
    return refersTo(UO->getSubExpr(), Vars);
  if (const auto *OC = dyn_cast<CXXOperatorCallExpr>(E);
      OC &&
      (OC->getOperator() == OO_Subscript || OC->getOperator() == OO_Star) &&
      OC->getNumArgs() >= 1)
    return any_of(OC->arguments(),
                  [&](const Expr *A) { return refersTo(A, Vars); });
  if (const auto *Ref = dyn_cast<DeclRefExpr>(E))
    return Vars.Elements.contains(Ref->getDecl());
  if (const auto *Member = dyn_cast<MemberExpr>(E))
    return isElementRead(Member->getBase(), Vars);
  return false;
}

/// Whether \p S reads an element as an operand: itself, or below operators
/// (`a[i] == a[j]`, `x ? p[0] : 0`), not inside a call's arguments (`total
/// += helper(fds[i])` combines what the call returns).
bool readsElement(const Stmt *S, const LoopVars &Vars) {
  if (!S || isa<LambdaExpr, BlockExpr>(S))
    return false;
  if (const auto *E = dyn_cast<Expr>(S); E && isElementRead(E, Vars))
    return true;
  if (isa<CallExpr, CXXConstructExpr>(S))
    return false;
  return any_of(S->children(),
                [&](const Stmt *C) { return readsElement(C, Vars); });
}

/// Whether \p S computes a value: arithmetic, or a conversion between
/// integers and floating point (index arithmetic, `a[i + 1]`, does not
/// count).
bool computes(const Stmt *S) {
  if (!S || isa<LambdaExpr, BlockExpr, ArraySubscriptExpr>(S))
    return false;
  if (const auto *BO = dyn_cast<BinaryOperator>(S);
      BO &&
      (BO->isAdditiveOp() || BO->isMultiplicativeOp() || BO->isShiftOp() ||
       BO->isBitwiseOp()) &&
      !BO->getType()->isPointerType())
    return true;
  if (const auto *Cast = dyn_cast<CastExpr>(S);
      Cast && (Cast->getCastKind() == CK_IntegralToFloating ||
               Cast->getCastKind() == CK_FloatingToIntegral ||
               Cast->getCastKind() == CK_FloatingCast))
    return true;
  return any_of(S->children(), [](const Stmt *C) { return computes(C); });
}

/// Whether some statement of a loop body does arithmetic on elements: an
/// arithmetic operator with an element read as an operand (`s += a[i] *
/// b[i]`, `h = h * 31 + p[0]`), a store of a computed value into an element
/// (`out[i] = out[i - 1] + in[i]`, `y[i] = (float)x[i]`), or an element
/// counted up (`hist[data[i]]++`). Copies (`dst[i] = src[i]`), comparisons
/// (`if (*p == ',')`) and stepping (`p++`, `len -= 8`) are not.
bool elementArithmetic(const Stmt *S, const LoopVars &Vars) {
  if (!S || isa<LambdaExpr, BlockExpr>(S))
    return false;
  if (const auto *CA = dyn_cast<CompoundAssignOperator>(S)) {
    const auto *Target =
        dyn_cast<DeclRefExpr>(CA->getLHS()->IgnoreParenImpCasts());
    bool Steps = Target && Vars.Steps.contains(Target->getDecl()) &&
                 !readsElement(CA->getRHS(), Vars);
    // `s += a[i]`, `a[i] *= k`, and an accumulation of values computed
    // from the position (`sum += i * j + 7`).
    if (!Steps && (readsElement(CA->getRHS(), Vars) ||
                   isElementRead(CA->getLHS(), Vars) ||
                   (computes(CA->getRHS()) && refersTo(CA->getRHS(), Vars))))
      return true;
  } else if (const auto *BO = dyn_cast<BinaryOperator>(S)) {
    if (BO->getOpcode() == BO_Assign && isElementRead(BO->getLHS(), Vars) &&
        computes(BO->getRHS()))
      return true;
    if ((BO->isAdditiveOp() || BO->isMultiplicativeOp() || BO->isShiftOp() ||
         BO->isBitwiseOp()) &&
        !BO->getType()->isPointerType() &&
        (isElementRead(BO->getLHS(), Vars) ||
         isElementRead(BO->getRHS(), Vars)))
      return true;
  } else if (const auto *UO = dyn_cast<UnaryOperator>(S);
             UO && UO->isIncrementDecrementOp() &&
             isa<ArraySubscriptExpr>(UO->getSubExpr()->IgnoreParenImpCasts()) &&
             readsElement(UO->getSubExpr(), Vars)) {
    return true;
  }
  return any_of(S->children(),
                [&](const Stmt *C) { return elementArithmetic(C, Vars); });
}

/// Whether a loop steps through data and computes on its elements (see
/// elementArithmetic).
bool isElementLoop(const Stmt *Loop) {
  LoopVars Vars;
  const Stmt *Body = nullptr;
  if (const auto *For = dyn_cast<ForStmt>(Loop)) {
    steppedVariables(For->getInc(), Vars);
    steppedVariables(For->getBody(), Vars);
    Body = For->getBody();
  } else if (const auto *Range = dyn_cast<CXXForRangeStmt>(Loop)) {
    Vars.Elements.insert(Range->getLoopVariable());
    Body = Range->getBody();
  } else if (const auto *While = dyn_cast<WhileStmt>(Loop)) {
    steppedVariables(While->getCond(), Vars);
    steppedVariables(While->getBody(), Vars);
    Body = While->getBody();
  } else if (const auto *Do = dyn_cast<DoStmt>(Loop)) {
    steppedVariables(Do->getCond(), Vars);
    steppedVariables(Do->getBody(), Vars);
    Body = Do->getBody();
  }
  return (!Vars.Steps.empty() || !Vars.Elements.empty()) &&
         elementArithmetic(Body, Vars);
}

void Scanner::scanFunction(const FunctionDecl *Def) {
  forEachCallUnderLock(
      Def->getBody(), I.A,
      [&](const Expr *Call, const HeldLock &) { CallsUnderLock.insert(Call); });
  if (const auto *Ctor = dyn_cast<CXXConstructorDecl>(Def))
    for (const CXXCtorInitializer *Init : Ctor->inits())
      scan(Init->getInit(), Once);
  scan(Def->getBody(), Once);
  finish();
}

void Scanner::scan(const Stmt *S, const Growth &Times, unsigned Depth) {
  if (!S)
    return;
  if (Depth > Opts.MaxScanDepth) {
    // Pathologically deep code: stop rather than recurse without bound, and
    // say the estimate is incomplete.
    ++Out.UnknownCalls;
    return;
  }
  // Bodies of lambdas and blocks are functions of their own: they count where
  // they are called, not where they are written.
  if (isa<LambdaExpr, BlockExpr>(S))
    return;
  if (const auto *Body = dyn_cast<CoroutineBodyStmt>(S)) {
    scan(Body->getBody(), Times, Depth + 1);
    return;
  }
  if (const auto *Suspend = dyn_cast<CoroutineSuspendExpr>(S)) {
    // The awaiter's await_ready/await_suspend/await_resume are machinery.
    scan(Suspend->getOperand(), Times, Depth + 1);
    return;
  }
  if (const auto *Await = dyn_cast<DependentCoawaitExpr>(S)) {
    scan(Await->getOperand(), Times, Depth + 1);
    return;
  }
  if (isa<ForStmt, CXXForRangeStmt, WhileStmt, DoStmt>(S)) {
    loop(S, Times, Depth);
    return;
  }
  // The program ends here; a function's own body is scanned even if it
  // ends so (main calling exit), only branches and expressions are cut.
  if (isa<Expr>(S) && endsTheProgram(S))
    return;
  // Evaluated by the compiler: a consteval call, a constant expression
  // (fmt's compile-time format-string check runs here).
  if (isa<ConstantExpr>(S))
    return;
  if (const auto *If = dyn_cast<IfStmt>(S)) {
    scan(If->getInit(), Times, Depth + 1);
    if (If->isConstexpr()) {
      // Only the branch the compiler keeps runs.
      if (std::optional<const Stmt *> Kept = If->getNondiscardedCase(I.Ctx))
        scan(*Kept, Times, Depth + 1);
      return;
    }
    scan(If->getConditionVariableDeclStmt(), Times, Depth + 1);
    scan(If->getCond(), Times, Depth + 1);
    for (const Stmt *Branch : {If->getThen(), If->getElse()})
      if (!I.A.isIncidentalBranch(If, Branch))
        scan(Branch, Times, Depth + 1);
    return;
  }
  if (const auto *Block = dyn_cast<CompoundStmt>(S)) {
    // An error label starts the error path: it and what follows it in the
    // block (the cleanup and the return of the error) are not the workload.
    for (const Stmt *Child : Block->body()) {
      if (const auto *Label = dyn_cast<LabelStmt>(Child);
          Label && I.A.isErrorLabel(Label))
        break;
      scan(Child, Times, Depth + 1);
    }
    return;
  }
  if (const auto *Decls = dyn_cast<DeclStmt>(S)) {
    // A constexpr variable's initialiser is computed by the compiler.
    for (const Decl *D : Decls->decls())
      if (const auto *Var = dyn_cast<VarDecl>(D); Var && !Var->isConstexpr())
        scan(Var->getInit(), Times, Depth + 1);
    return;
  }
  if (const auto *Omp = dyn_cast<OMPExecutableDirective>(S)) {
    OpenMPDirectiveKind K = Omp->getDirectiveKind();
    bool Synchronised =
        K == llvm::omp::OMPD_critical || K == llvm::omp::OMPD_atomic ||
        K == llvm::omp::OMPD_single || K == llvm::omp::OMPD_master ||
        K == llvm::omp::OMPD_masked || K == llvm::omp::OMPD_ordered;
    OpenMPSyncDepth += Synchronised;
    for (const Stmt *Child : S->children())
      scan(Child, Times, Depth + 1);
    OpenMPSyncDepth -= Synchronised;
    return;
  }
  if (const auto *Call = dyn_cast<CallExpr>(S)) {
    const FunctionDecl *Callee = Call->getDirectCallee();
    if (const auto *OC = dyn_cast<CXXOperatorCallExpr>(Call)) {
      OverloadedOperatorKind Op = OC->getOperator();
      if ((Op == OO_Equal || Op == OO_PlusEqual || Op == OO_MinusEqual ||
           Op == OO_PlusPlus || Op == OO_MinusMinus) &&
          OC->getNumArgs() >= 1)
        sharedWrite(OC->getArg(0), OC->getOperatorLoc(), Op != OO_Equal);
    } else if (const auto *MC = dyn_cast<CXXMemberCallExpr>(Call)) {
      const CXXMethodDecl *MD = MC->getMethodDecl();
      if (MD && !MD->isConst() && !MD->isStatic() &&
          !isSynchronisingType(MD->getParent()))
        if (const Expr *Object = MC->getImplicitObjectArgument())
          sharedWrite(Object, MC->getExprLoc(), false);
    }
    bool Floating = isFloating(Call);
    FloatingAccess += Floating;
    if (!isa<CXXPseudoDestructorExpr>(Call->getCallee()->IgnoreParens()))
      call(Call, Callee, Times);
    for (const Stmt *Child : S->children())
      scan(Child, Times, Depth + 1);
    FloatingAccess -= Floating;
    return;
  }
  if (const auto *Construct = dyn_cast<CXXConstructExpr>(S)) {
    call(Construct, Construct->getConstructor(), Times);
    for (const Stmt *Child : S->children())
      scan(Child, Times, Depth + 1);
    return;
  }
  if (const auto *BO = dyn_cast<BinaryOperator>(S)) {
    if (BO->isAssignmentOp())
      sharedWrite(BO->getLHS(), BO->getOperatorLoc(),
                  BO->isCompoundAssignmentOp());
    bool Arithmetic =
        BO->isAdditiveOp() || BO->isMultiplicativeOp() || BO->isAssignmentOp();
    arithmetic(Times,
               Arithmetic && (isFloating(BO) || isFloating(BO->getLHS()) ||
                              isFloating(BO->getRHS())));
  } else if (const auto *UO = dyn_cast<UnaryOperator>(S)) {
    if (UO->isIncrementDecrementOp()) {
      sharedWrite(UO->getSubExpr(), UO->getOperatorLoc(), true);
      arithmetic(Times, false);
    }
  } else if (isa<ArraySubscriptExpr>(S)) {
    bool Floating = isFloating(cast<Expr>(S));
    arithmetic(Times, Floating);
    FloatingAccess += Floating;
    for (const Stmt *Child : S->children())
      scan(Child, Times, Depth + 1);
    FloatingAccess -= Floating;
    return;
  } else if (isa<CXXNewExpr, CXXDeleteExpr>(S)) {
    Local += Times * 20;
  }
  for (const Stmt *Child : S->children())
    scan(Child, Times, Depth + 1);
}

/// How many times a loop whose trip count is not a constant runs on its
/// normal path, when that is few whatever the input: a retry loop, whose body
/// ends in `break` or `return` (it repeats only on the path that retries: a
/// buffer too small, EINTR), runs about twice; a loop whose condition's
/// variable is multiplied or divided by a constant on each turn (`len *= 2`,
/// `v /= 10`, `bits >>= 1`) runs log n times, about log2(\p N).
static std::optional<double> fewIterations(const Stmt *Loop, double N,
                                           const ASTContext &Ctx) {
  const Stmt *Body = nullptr;
  const Expr *Cond = nullptr;
  const Expr *Inc = nullptr;
  if (const auto *For = dyn_cast<ForStmt>(Loop)) {
    Body = For->getBody();
    Cond = For->getCond();
    Inc = For->getInc();
  } else if (const auto *While = dyn_cast<WhileStmt>(Loop)) {
    Body = While->getBody();
    Cond = While->getCond();
  } else if (const auto *Do = dyn_cast<DoStmt>(Loop)) {
    Body = Do->getBody();
    Cond = Do->getCond();
  } else {
    return std::nullopt;
  }
  if (const auto *Block = dyn_cast_or_null<CompoundStmt>(Body);
      Block && !Block->body_empty() &&
      isa<BreakStmt, ReturnStmt>(Block->body_back()))
    return 2.0;
  if (!Cond)
    return std::nullopt;
  SmallPtrSet<const Decl *, 4> CondVars;
  std::function<void(const Stmt *)> Collect = [&](const Stmt *S) {
    if (const auto *DRE = dyn_cast_or_null<DeclRefExpr>(S))
      CondVars.insert(DRE->getDecl());
    if (S)
      for (const Stmt *Child : S->children())
        Collect(Child);
  };
  Collect(Cond);
  auto IsConstantAtLeast = [&](const Expr *E, int64_t Least) {
    Expr::EvalResult R;
    return E && !E->isValueDependent() && E->EvaluateAsInt(R, Ctx) &&
           R.Val.getInt().getExtValue() >= Least;
  };
  auto IsCondVar = [&](const Expr *E) {
    const auto *DRE = dyn_cast<DeclRefExpr>(E->IgnoreParenImpCasts());
    return DRE && CondVars.contains(DRE->getDecl());
  };
  // `v *= k`, `v /= k`, `v <<= s`, `v >>= s`, `v = v * k`, `v = v / k`.
  auto IsScaling = [&](BinaryOperatorKind Op, const Expr *Step) {
    switch (Op) {
    case BO_Mul:
    case BO_Div:
      return IsConstantAtLeast(Step, 2);
    case BO_Shl:
    case BO_Shr:
      return IsConstantAtLeast(Step, 1);
    default:
      return false;
    }
  };
  std::function<bool(const Stmt *)> Scales = [&](const Stmt *S) {
    if (!S || isa<LambdaExpr>(S))
      return false;
    if (const auto *CA = dyn_cast<CompoundAssignOperator>(S)) {
      if (IsCondVar(CA->getLHS()) &&
          IsScaling(BinaryOperator::getOpForCompoundAssignment(CA->getOpcode()),
                    CA->getRHS()))
        return true;
    } else if (const auto *BO = dyn_cast<BinaryOperator>(S);
               BO && BO->getOpcode() == BO_Assign && IsCondVar(BO->getLHS())) {
      if (const auto *Rhs =
              dyn_cast<BinaryOperator>(BO->getRHS()->IgnoreParenImpCasts());
          Rhs && IsScaling(Rhs->getOpcode(), Rhs->getRHS()) &&
          IsCondVar(Rhs->getLHS()))
        return true;
    }
    return any_of(S->children(), Scales);
  };
  if (Scales(Body) || Scales(Inc))
    return std::max(1.0, std::log2(N));
  return std::nullopt;
}

void Scanner::loop(const Stmt *Loop, const Growth &Times, unsigned Depth) {
  std::optional<double> Trip = I.constantTripCount(Loop);
  std::optional<double> Few =
      Trip ? Trip : fewIterations(Loop, Opts.UnknownTripCount, I.Ctx);
  Growth BodyTimes = Times * (Few ? Growth::constant(*Few) : Growth::linear());
  // The loop's own share of the body's arithmetic, counted apart.
  Growth OpsBefore = Local, NumericBefore = LocalNumeric,
         ElementBefore = LocalElement;
  Local = LocalNumeric = LocalElement = Growth();
  double ConsoleBefore = Out.BlockingByKind[unsigned(IoKind::Console)];
  ++LoopDepth;
  if (const auto *For = dyn_cast<ForStmt>(Loop)) {
    scan(For->getInit(), Times, Depth + 1);
    scan(For->getCond(), BodyTimes, Depth + 1);
    scan(For->getInc(), BodyTimes, Depth + 1);
    scan(For->getBody(), BodyTimes, Depth + 1);
  } else if (const auto *Range = dyn_cast<CXXForRangeStmt>(Loop)) {
    scan(Range->getInit(), Times, Depth + 1);
    scan(Range->getRangeInit(), Times, Depth + 1);
    scan(Range->getLoopVarStmt(), BodyTimes, Depth + 1);
    scan(Range->getBody(), BodyTimes, Depth + 1);
  } else if (const auto *While = dyn_cast<WhileStmt>(Loop)) {
    scan(While->getCond(), BodyTimes, Depth + 1);
    scan(While->getBody(), BodyTimes, Depth + 1);
  } else if (const auto *Do = dyn_cast<DoStmt>(Loop)) {
    scan(Do->getBody(), BodyTimes, Depth + 1);
    scan(Do->getCond(), BodyTimes, Depth + 1);
  }
  --LoopDepth;
  Growth Ops = Local, NumericOps = LocalNumeric, ElementOps = LocalElement;
  Local = OpsBefore;
  LocalNumeric = NumericBefore;
  LocalElement = ElementBefore;
  double N = Opts.UnknownTripCount;
  // A loop that prints what it walks (a Dump() method, a listing) is
  // console output: stepping through the items to print them is not work.
  if (Out.BlockingByKind[unsigned(IoKind::Console)] > ConsoleBefore &&
      Ops.at(N) <= PrintingLoopOps * BodyTimes.at(N))
    return;
  Local += Ops;
  LocalNumeric += NumericOps;
  // A loop over runtime-sized data doing arithmetic on its elements does
  // work that grows with the data, however cheap one element is.
  bool Element = !Few && isElementLoop(Loop);
  LocalElement += Element ? Ops : ElementOps;
  // The outermost loop of a body stands for the arithmetic written in it.
  if (LoopDepth == 0 && (Element || Ops.at(N) >= Opts.MinIterationWork)) {
    bool Numeric = NumericOps.at(N) >= Opts.NumericShare * Ops.at(N);
    Evidence E;
    E.Kind = EvidenceKind::Cpu;
    E.What = toString(Numeric ? CpuKind::NumericLoop : CpuKind::Loop).str();
    E.Api = Numeric ? "floating-point loop" : "arithmetic loop";
    if (Element)
      E.Api += " over runtime-sized data";
    E.Weight = Ops.at(N);
    E.Chain.push_back(I.A.makeHop("", Loop->getBeginLoc()));
    Out.addEvidence(std::move(E), Opts);
  }
}

void Scanner::applyApi(const ApiEffects &Api, StringRef Name,
                       const Growth &Times, const Hop &Site, bool Forwarded) {
  bool Costed = false;
  double N = Opts.UnknownTripCount;
  if (Api.Io) {
    Growth Cost = Times * I.KB.ioCost(Api);
    Out.addBlocking(*Api.Io, Cost, Opts, Forwarded);
    Out.addEvidence({EvidenceKind::Io,
                     toString(*Api.Io).str(),
                     Name.str(),
                     Cost.at(N),
                     {Site}},
                    Opts);
    Costed = true;
  }
  if (Api.Cpu) {
    Growth Cost = Times * I.KB.cpuCost(Api);
    // A computing call per element of runtime-sized data (a sqrt, a hash,
    // a regex per item) is element work; copying, searching and formatting
    // are not.
    Out.addWork(Cost, Api.Numeric, computes(*Api.Cpu) && Times.grows(), Opts);
    Out.addEvidence({EvidenceKind::Cpu,
                     toString(*Api.Cpu).str(),
                     Name.str(),
                     Cost.at(N),
                     {Site}},
                    Opts);
    Costed = true;
  }
  if (!Costed)
    opaqueCall(Times);
  if (Api.MtUnsafe) {
    Out.ThreadUnsafe = true;
    Out.addEvidence(
        {EvidenceKind::MtUnsafe, "mt-unsafe", Name.str(), Times.at(N), {Site}},
        Opts);
  }
  Out.UsesAsyncApi |= Api.Async;
  Out.Spawns |= Api.Spawns;
  if (Api.DispatchWait)
    Out.EventWaitDepth = 1;
  HasLock |= Api.AcquiresLock;
}

/// A lambda or function passed to \p E is called by it (std::for_each) unless
/// the knowledge base says it runs elsewhere (std::thread, a pool's submit).
void Scanner::callbackArgs(const Expr *E, const Growth &Times,
                           CallbackPolicy Policy) {
  if (Policy == CallbackPolicy::Elsewhere)
    return;
  Growth CallbackTimes =
      Policy == CallbackPolicy::Inline ? Times * Growth::linear() : Times;
  auto Args = isa<CallExpr>(E) ? cast<CallExpr>(E)->arguments()
                               : cast<CXXConstructExpr>(E)->arguments();
  for (const Expr *Arg : Args) {
    const Expr *Inner = Arg->IgnoreImplicit()->IgnoreParenImpCasts();
    if (const auto *Construct = dyn_cast<CXXConstructExpr>(Inner))
      if (Construct->getNumArgs() == 1)
        Inner = Construct->getArg(0)->IgnoreImplicit()->IgnoreParenImpCasts();
    const FunctionDecl *Target = nullptr;
    if (const auto *Lambda = dyn_cast<LambdaExpr>(Inner))
      Target = Lambda->getCallOperator();
    else if (const auto *Ref = dyn_cast<DeclRefExpr>(Inner))
      Target = dyn_cast<FunctionDecl>(Ref->getDecl());
    if (!Target)
      continue;
    bool Synchronized = Policy == CallbackPolicy::Synchronized;
    if (const FunctionDecl *Def = definitionOf(Target);
        Def && I.A.isAnalysable(Def))
      OnEdge({Def, CallbackTimes,
              I.A.makeHop(callableName(Def), Arg->getBeginLoc()),
              Synchronized});
    else if (isInOtherUnit(Target))
      externalCallback(Target, CallbackTimes,
                       I.A.makeHop(callableName(Target), Arg->getBeginLoc()),
                       Synchronized);
  }
}

bool Scanner::isInOtherUnit(const FunctionDecl *FD) {
  return !definitionOf(FD) && !I.A.apiEffects(FD) && !I.isSystem(FD) &&
         !FD->isImplicit() && !FD->getBuiltinID();
}

void Scanner::externalCallback(const FunctionDecl *Target, const Growth &Times,
                               const Hop &Site, bool Synchronized) {
  SmallString<128> USR;
  index::generateUSRForDecl(Target, USR);
  if (I.External)
    if (const FunctionSummary *S = I.External->lookup(USR)) {
      foldCallee(Out, S->Total, Times, Site, Synchronized,
                 WouldBlockUse::Ignored, Opts);
      return;
    }
  // Unlike a call, a callable passed on whose body is elsewhere never
  // counted as not analysed: it is linked if its unit is, else ignored.
  ExternalCall Call{USR.str().str(), Site.Callee, Times, Site, {}, 1};
  Call.Synchronized = Synchronized;
  Call.Callback = true;
  addExternalCall(ExternalOut, std::move(Call));
}

void Scanner::call(const Expr *E, const FunctionDecl *Callee,
                   const Growth &Times) {
  SourceLocation Loc = E->getExprLoc();
  // An immediate function runs in the compiler.
  if (Callee && Callee->isConsteval())
    return;
  if (!Callee) {
    // Calls in uninstantiated templates resolve later; the instantiation is
    // analysed instead.
    if (E->isTypeDependent() || E->isValueDependent())
      return;
    ++Out.UnknownCalls;
    Out.addEvidence({EvidenceKind::Unknown,
                     "not analysed",
                     "call through a pointer",
                     0,
                     {I.A.makeHop("(call through a pointer)", Loc)}},
                    Opts);
    return;
  }

  // Virtual calls: the static target and every override visible here; the
  // heaviest stands for the call, and the evidence says so.
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E)) {
    const auto *ME = dyn_cast<MemberExpr>(MC->getCallee()->IgnoreParens());
    const CXXMethodDecl *MD = MC->getMethodDecl();
    if (MD && MD->isVirtual() && ME && !ME->hasQualifier() &&
        !MD->hasAttr<FinalAttr>() && !(MD->getParent()->hasAttr<FinalAttr>())) {
      SmallVector<const CXXMethodDecl *, 4> Candidates;
      if (!MD->isPureVirtual())
        Candidates.push_back(MD);
      append_range(Candidates, I.overridersOf(MD));
      if (Candidates.empty()) {
        ++Out.UnknownCalls;
        Out.addEvidence({EvidenceKind::Unknown,
                         "virtual call",
                         MD->getQualifiedNameAsString(),
                         0,
                         {I.A.makeHop(MD->getQualifiedNameAsString() +
                                          " (virtual, no override visible)",
                                      Loc)}},
                        Opts);
        return;
      }
      // Name the dispatch in the chain whenever the target is an override
      // the static type does not name.
      if (Candidates.size() > 1 || Candidates.front() != MD) {
        // Pick the heaviest candidate; its name in the chain says which.
        const CXXMethodDecl *Heaviest = nullptr;
        double HeaviestCost = -1;
        for (const CXXMethodDecl *C : Candidates) {
          const FunctionDecl *Def = definitionOf(C);
          if (!Def || !I.A.isAnalysable(Def))
            continue;
          const Effects &T = I.A.summarize(Def).Total;
          if (T.Work + T.Blocking > HeaviestCost) {
            HeaviestCost = T.Work + T.Blocking;
            Heaviest = C;
          }
        }
        if (Heaviest) {
          std::string Name = MD->getQualifiedNameAsString() +
                             " (virtual; assumed " +
                             Heaviest->getQualifiedNameAsString() + ")";
          OnEdge(
              {definitionOf(Heaviest), Times, I.A.makeHop(Name, Loc), false});
          return;
        }
      }
      Callee = Candidates.front();
    }
  }

  std::string Name = callableName(Callee);
  // Emplacing a std::thread runs the callable where the thread's constructor
  // would: on the new thread.
  if (const CXXRecordDecl *Element = emplacedElement(E)) {
    std::string Ctor = WorkloadAnalyzer::knowledgeBaseName(Element) +
                       "::" + Element->getName().str();
    if (std::optional<ApiEffects> Made = I.KB.lookup(Ctor);
        Made && Made->Callback == CallbackPolicy::Elsewhere) {
      opaqueCall(Times);
      Out.Spawns |= Made->Spawns;
      return;
    }
  }
  if (std::optional<ApiEffects> Api = I.A.apiEffects(Callee)) {
    if (!Api->UnlessObject.empty() && isExceptedObject(E, Api->UnlessObject)) {
      opaqueCall(Times);
      return;
    }
    // A wake-up write, a poll that only checks, or a read or write on a
    // non-blocking descriptor returns at once.
    const Expr *WakeUpSize = argumentAt(E, Api->WakeUpSizeArg);
    const Expr *Timeout = argumentAt(E, Api->TimeoutArg);
    if ((WakeUpSize && isWakeUpSize(WakeUpSize, I.Ctx)) ||
        (Timeout && isZeroTimeout(Timeout, I.Ctx)) ||
        (Api->WouldBlock && Body &&
         (I.A.handlesWouldBlock(Body) ||
          I.A.isNonBlockingDescriptor(argumentAt(E, 0), Body)))) {
      opaqueCall(Times);
      return;
    }
    ApiEffects Effective = *Api;
    if (Effective.DispatchWait && !I.A.isDispatchWait(E))
      Effective.DispatchWait = false;
    const Expr *Stream = argumentAt(E, Api->ConsoleStreamArg);
    if (Api->LogSink || (Api->Io && Stream && namesConsole(Stream, I.Ctx))) {
      // Diagnostics: console output, whatever the function does inside.
      Effective.Io = IoKind::Console;
      Effective.Cost = -1;
      if (Api->LogSink) {
        Effective.Cpu.reset();
        Effective.Callback = CallbackPolicy::Elsewhere;
      }
    }
    bool Forwarded =
        Api->WouldBlock && wouldBlockUse(E) == WouldBlockUse::Forwarded;
    applyApi(Effective, Name, Times, I.A.makeHop(Name, Loc), Forwarded);
    callbackArgs(E, Times, Effective.Callback);
    return;
  }
  if (const FunctionDecl *Def = definitionOf(Callee);
      Def && I.A.isAnalysable(Def)) {
    opaqueCall(Times);
    // A lock wrapper (STATS_LOCK()) synchronises this body's writes as the
    // lock call it wraps would.
    HasLock |= I.A.lockWrapping(Def).Effect == LockEffect::Acquires;
    OnEdge({Def, Times, I.A.makeHop(Name, Loc), CallsUnderLock.contains(E),
            wouldBlockUse(E)});
    globalsPassedToWriter(E, Def);
    return;
  }
  if (I.isSystem(Callee) || Callee->isImplicit() || Callee->getBuiltinID()) {
    // Library code the knowledge base does not list: cheap by assumption.
    // Callables passed to a C++ library (std::for_each) run in the call; a
    // C library registers the functions passed to it (event_set, signal,
    // atexit) to run later, and the knowledge base lists those that call
    // them at once (qsort, nftw).
    opaqueCall(Times);
    bool C = Callee->isExternC() || !I.Ctx.getLangOpts().CPlusPlus;
    callbackArgs(E, Times,
                 C ? CallbackPolicy::Elsewhere : CallbackPolicy::Unspecified);
    return;
  }

  // A user function whose body is in another translation unit.
  Hop Site = I.A.makeHop(Name, Loc);
  SmallString<128> USR;
  index::generateUSRForDecl(Callee, USR);
  if (I.External)
    if (const FunctionSummary *S = I.External->lookup(USR)) {
      // Counted as a call of a function with a body here, as linking does.
      opaqueCall(Times);
      HasLock |= S->Lock.Effect == LockEffect::Acquires;
      foldCallee(Out, S->Total, Times, Site, CallsUnderLock.contains(E),
                 wouldBlockUse(E), Opts);
      globalsPassedToWriter(E, Callee);
      return;
    }
  ++Out.UnknownCalls;
  Out.addEvidence(
      {EvidenceKind::Unknown, "callee not analysed", Name, 0, {Site}}, Opts);
  ExternalCall Call{USR.str().str(), Name, Times, Site, {}, 1};
  Call.Synchronized = CallsUnderLock.contains(E);
  Call.Use = wouldBlockUse(E);
  addExternalCall(ExternalOut, std::move(Call));
}

void Scanner::sharedWrite(const Expr *Target, SourceLocation Loc, bool Update) {
  if (std::optional<Evidence> E = sharedWriteOf(Target, Loc, Update))
    PendingWrites.push_back(std::move(*E));
}

std::optional<Evidence>
Scanner::sharedWriteOf(const Expr *Target, SourceLocation Loc, bool Update) {
  const auto *Var = dyn_cast_or_null<VarDecl>(baseDeclOf(Target));
  if (!Var || !Var->hasGlobalStorage() ||
      Var->getTLSKind() != VarDecl::TLS_None)
    return std::nullopt;
  // OpenMP threadprivate variables are per thread, like thread_local.
  if (OpenMPSyncDepth || Var->hasAttr<OMPThreadPrivateDeclAttr>())
    return std::nullopt;
  if (I.isSystem(Var) || Var->getType().isConstQualified())
    return std::nullopt;
  if (const auto *RD = Var->getType()->getAsCXXRecordDecl();
      isSynchronisingType(RD))
    return std::nullopt;
  if (Var->getType()->isAtomicType())
    return std::nullopt;
  Evidence E;
  E.Kind = EvidenceKind::SharedWrite;
  // A scalar updated in place is a counter or an accumulator (a reduction);
  // any other write stores state other code reads.
  bool Counter = Update && Target->getType()->isScalarType();
  E.What = (Var->isStaticLocal() ? "static " : "global ") +
           std::string(Counter ? sharedCounterUpdate : sharedStateWrite);
  E.Api = Var->getNameAsString();
  E.Weight = 1;
  E.Chain.push_back(I.A.makeHop("", Loc));
  return E;
}

void Scanner::globalsPassedToWriter(const Expr *E, const FunctionDecl *Callee) {
  const auto *Call = dyn_cast<CallExpr>(E);
  if (!Call)
    return;
  unsigned Offset =
      isa<CXXOperatorCallExpr>(Call) && isa<CXXMethodDecl>(Callee) ? 1 : 0;
  std::optional<uint64_t> Written;
  for (unsigned Arg = Offset; Arg < Call->getNumArgs(); ++Arg) {
    unsigned Param = Arg - Offset;
    if (Param >= Callee->getNumParams())
      break;
    QualType T = Callee->getParamDecl(Param)->getType();
    bool Mutable =
        (T->isPointerType() && !T->getPointeeType().isConstQualified()) ||
        (T->isReferenceType() && !T.getNonReferenceType().isConstQualified());
    if (!Mutable)
      continue;
    // The global itself or a member of it (`configs`, `&server.stats`);
    // an element (`&tables[i]`, `server.db + j`) may be an item's own.
    const Expr *Object = Call->getArg(Arg)->IgnoreParenCasts();
    while (true) {
      if (const auto *Address = dyn_cast<UnaryOperator>(Object);
          Address && Address->getOpcode() == UO_AddrOf)
        Object = Address->getSubExpr()->IgnoreParenCasts();
      else if (const auto *Member = dyn_cast<MemberExpr>(Object);
               Member && !Member->isArrow())
        Object = Member->getBase()->IgnoreParenCasts();
      else
        break;
    }
    if (!isa<DeclRefExpr>(Object))
      continue;
    std::optional<Evidence> Write =
        sharedWriteOf(Object, Call->getArg(Arg)->getBeginLoc(),
                      /*Update=*/false);
    if (!Write)
      continue;
    if (!Written)
      Written = I.writtenParams(Callee, 0);
    if (!writesParam(*Written, Param))
      continue;
    // The object is shared state whether or not the callee locks around
    // it (a locked queue is still one queue): it makes iterations that
    // make the call depend on each other, not the code thread-unsafe.
    Out.addEvidence(std::move(*Write), Opts);
  }
}

/// Collects, for each virtual method, the methods that override it.
class OverrideCollector : public RecursiveASTVisitor<OverrideCollector> {
public:
  explicit OverrideCollector(
      DenseMap<const CXXMethodDecl *, SmallVector<const CXXMethodDecl *, 2>>
          &Out)
      : Out(Out) {}
  bool shouldVisitTemplateInstantiations() const { return true; }
  // Declarations only: statements cannot declare overriders.
  bool TraverseStmt(Stmt *) { return true; }
  bool VisitCXXMethodDecl(CXXMethodDecl *MD) {
    for (const CXXMethodDecl *Base : MD->overridden_methods())
      Out[Base->getCanonicalDecl()].push_back(MD);
    return true;
  }

private:
  DenseMap<const CXXMethodDecl *, SmallVector<const CXXMethodDecl *, 2>> &Out;
};

} // namespace

ArrayRef<const CXXMethodDecl *>
WorkloadAnalyzer::Impl::overridersOf(const CXXMethodDecl *MD) {
  if (!OverridersCollected) {
    OverridersCollected = true;
    // Every declaration of the unit, whatever traversal scope the checks
    // were given: an overrider may be declared in any header.
    OverrideCollector Collector(Overriders);
    for (Decl *D : Ctx.getTranslationUnitDecl()->decls())
      Collector.TraverseDecl(D);
    // Close transitively: an override of an override also overrides.
    for (auto &Entry : Overriders) {
      SmallVector<const CXXMethodDecl *, 2> &List = Entry.second;
      for (size_t Index = 0; Index < List.size(); ++Index) {
        auto Deeper = Overriders.find(List[Index]->getCanonicalDecl());
        if (Deeper == Overriders.end() || &Deeper->second == &List)
          continue;
        for (const CXXMethodDecl *M : Deeper->second)
          if (!is_contained(List, M))
            List.push_back(M);
      }
    }
  }
  auto It = Overriders.find(MD->getCanonicalDecl());
  if (It == Overriders.end())
    return {};
  return It->second;
}

std::optional<double>
WorkloadAnalyzer::Impl::constantTripCount(const Stmt *Loop) {
  auto Evaluate = [&](const Expr *E) -> std::optional<int64_t> {
    Expr::EvalResult R;
    if (E && !E->isValueDependent() && E->EvaluateAsInt(R, Ctx))
      return R.Val.getInt().getExtValue();
    return std::nullopt;
  };
  if (const auto *For = dyn_cast<ForStmt>(Loop)) {
    const ValueDecl *Index = nullptr;
    std::optional<int64_t> Start;
    if (const auto *DS = dyn_cast_or_null<DeclStmt>(For->getInit())) {
      if (DS->isSingleDecl())
        if (const auto *VD = dyn_cast<VarDecl>(DS->getSingleDecl())) {
          Index = VD;
          Start = Evaluate(VD->getInit());
        }
    } else if (const auto *BO =
                   dyn_cast_or_null<BinaryOperator>(For->getInit())) {
      if (BO->getOpcode() == BO_Assign) {
        Index = baseDeclOf(BO->getLHS());
        Start = Evaluate(BO->getRHS());
      }
    }
    const auto *Cond = dyn_cast_or_null<BinaryOperator>(
        For->getCond() ? For->getCond()->IgnoreParenImpCasts() : nullptr);
    // Only a comparison bounds the index (`max >> bits` does not).
    if (!Index || !Start || !Cond || !Cond->isComparisonOp())
      return std::nullopt;
    auto IsIndex = [&](const Expr *E) {
      const auto *DRE = dyn_cast<DeclRefExpr>(E->IgnoreParenImpCasts());
      return DRE && DRE->getDecl() == Index;
    };
    BinaryOperatorKind Op = Cond->getOpcode();
    const Expr *Bound = nullptr;
    if (IsIndex(Cond->getLHS())) {
      Bound = Cond->getRHS();
    } else if (IsIndex(Cond->getRHS())) {
      Bound = Cond->getLHS();
      Op = BinaryOperator::reverseComparisonOp(Op);
    }
    std::optional<int64_t> End = Evaluate(Bound);
    if (!End) {
      // Counting up to a bound known only at run time, the loop cannot run
      // past a constant-size array it indexes with its variable
      // (`s->len[t][v]` with `UChar len[6][258]`); a small one bounds it.
      if (*Start < 0 || (Op != BO_LT && Op != BO_LE && Op != BO_NE))
        return std::nullopt;
      std::optional<uint64_t> Extent;
      std::function<void(const Stmt *)> Visit = [&](const Stmt *S) {
        if (!S || isa<LambdaExpr, BlockExpr>(S))
          return;
        if (const auto *Subscript = dyn_cast<ArraySubscriptExpr>(S);
            Subscript && IsIndex(Subscript->getIdx()))
          if (const auto *Array = Ctx.getAsConstantArrayType(
                  Subscript->getBase()->IgnoreParenImpCasts()->getType()))
            Extent = std::min(Extent.value_or(UINT64_MAX),
                              Array->getSize().getZExtValue());
        for (const Stmt *Child : S->children())
          Visit(Child);
      };
      Visit(For->getBody());
      if (!Extent || double(*Extent) > Opts.UnknownTripCount)
        return std::nullopt;
      return double(*Extent - std::min<uint64_t>(*Extent, *Start));
    }
    int64_t Count;
    switch (Op) {
    case BO_LT:
    case BO_NE:
      Count = *End - *Start;
      break;
    case BO_LE:
      Count = *End - *Start + 1;
      break;
    case BO_GT:
      Count = *Start - *End;
      break;
    case BO_GE:
      Count = *Start - *End + 1;
      break;
    default:
      return std::nullopt;
    }
    return double(std::max<int64_t>(Count, 0));
  }
  if (const auto *Range = dyn_cast<CXXForRangeStmt>(Loop)) {
    const Expr *Init = Range->getRangeInit();
    if (!Init)
      return std::nullopt;
    Init = Init->IgnoreImplicit();
    if (const auto *List = dyn_cast<CXXStdInitializerListExpr>(Init))
      Init = List->getSubExpr()->IgnoreImplicit();
    if (const auto *List = dyn_cast<InitListExpr>(Init))
      return double(List->getNumInits());
    QualType T = Init->getType().getNonReferenceType();
    if (const auto *Array = Ctx.getAsConstantArrayType(T))
      return double(Array->getSize().getZExtValue());
    if (const auto *Spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
            T->getAsCXXRecordDecl()))
      if (Spec->isInStdNamespace() && Spec->getName() == "array" &&
          Spec->getTemplateArgs().size() == 2 &&
          Spec->getTemplateArgs()[1].getKind() == TemplateArgument::Integral)
        return double(
            Spec->getTemplateArgs()[1].getAsIntegral().getZExtValue());
  }
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// Summaries
//===----------------------------------------------------------------------===//

const LocalFacts &WorkloadAnalyzer::Impl::local(const FunctionDecl *Def) {
  std::unique_ptr<LocalFacts> &Slot = Locals[Def];
  if (Slot)
    return *Slot;
  // Resolving a virtual call summarizes the overrides while this body is
  // being scanned; one of them may lead back here (a composite's override
  // that calls the method on its children). That inner visit sees no
  // effects, like the first turn of a recursion; the outer scan completes.
  if (!Scanning.insert(Def).second)
    return Unfinished;
  auto Facts = std::make_unique<LocalFacts>();
  LocalFacts &F = *Facts;
  auto Record = [&](const CallEdge &Edge) { F.Calls.push_back(Edge); };
  Scanner S(*this, F.Own, Record, F.External, Def->getBody());
  S.scanFunction(Def);
  Scanning.erase(Def);
  // The map may have grown meanwhile; look the slot up again.
  std::unique_ptr<LocalFacts> &Stored = Locals[Def];
  Stored = std::move(Facts);
  return *Stored;
}

FunctionSummary WorkloadAnalyzer::Impl::describe(const FunctionDecl *Def) {
  FunctionSummary S;
  SmallString<128> USR;
  if (!index::generateUSRForDecl(Def, USR))
    S.USR = USR.str().str();
  S.Name = Def->getNameAsString();
  S.QualifiedName = Def->getQualifiedNameAsString();
  Hop At = A.makeHop("", Def->getLocation());
  S.File = At.File;
  S.Line = At.Line;
  S.Column = At.Column;
  S.IsCoroutine = isCoroutine(Def);
  S.Lock = A.lockWrapping(Def);
  return S;
}

void WorkloadAnalyzer::Impl::finalize(FunctionSummary &S,
                                      const FunctionDecl *Def) {
  // Annotations that refine a body's analysis rather than replace it.
  for (const FunctionDecl *Redecl : Def->redecls()) {
    for (const auto *Note : Redecl->specific_attrs<AnnotateAttr>()) {
      if (Note->getAnnotation() == "concur::thread_safe") {
        S.Total.ThreadUnsafe = false;
        erase_if(S.Total.Items, [](const Evidence &E) {
          return E.Kind == EvidenceKind::SharedWrite ||
                 E.Kind == EvidenceKind::MtUnsafe;
        });
      } else if (Note->getAnnotation() == "concur::mt_unsafe") {
        S.Total.ThreadUnsafe = true;
      }
    }
  }
  for (const FunctionEffectWithCondition &Effect : Def->getFunctionEffects())
    if (Effect.Effect.kind() == FunctionEffect::Kind::NonBlocking) {
      // [[clang::nonblocking]] is a promise the compiler checks: trust it.
      S.Total.clearBlocking();
      erase_if(S.Total.Items,
               [](const Evidence &E) { return E.Kind == EvidenceKind::Io; });
    }
  if (A.isLogSink(Def, S.Total)) {
    S.LogSink = true;
    S.Total.asDiagnostics();
  }
  S.Class = classify(S.Total, Opts);
}

void WorkloadAnalyzer::Impl::finishComponent(
    ArrayRef<const FunctionDecl *> Members) {
  SmallPtrSet<const FunctionDecl *, 8> InComponent(Members.begin(),
                                                   Members.end());
  // The folder's view of each member: its calls into other units (open),
  // then its calls of functions with a body here, in the order it makes
  // them.
  std::vector<std::vector<FoldEdge>> Edges(Members.size());
  SmallVector<FoldMember, 4> View;
  for (size_t I = 0; I < Members.size(); ++I) {
    const LocalFacts &L = local(Members[I]);
    for (const ExternalCall &Call : L.External) {
      FoldEdge &E = Edges[I].emplace_back();
      E.Call = &Call;
    }
    for (const CallEdge &Call : L.Calls) {
      FoldEdge &E = Edges[I].emplace_back();
      if (InComponent.contains(Call.Callee)) {
        E.To = FoldEdge::Target::Inside;
      } else {
        E.To = FoldEdge::Target::Outside;
        E.Callee = Summaries.find(Call.Callee)->second.get();
      }
      E.Times = Call.Times;
      E.Path = Call.Site;
      E.Synchronized = Call.Synchronized;
      E.Use = Call.Use;
    }
    View.push_back({&L.Own, Edges[I]});
  }
  FoldResult Folded = foldComponent(View, Opts);
  for (const FunctionDecl *Def : Members) {
    auto S = std::make_unique<FunctionSummary>(describe(Def));
    S->Total = Folded.Total;
    S->ExternalCalls = Folded.External;
    S->WrittenParams = writtenParams(Def, 0);
    finalize(*S, Def);
    Summaries[Def] = std::move(S);
  }
}

void WorkloadAnalyzer::Impl::summarizeFrom(const FunctionDecl *Root) {
  struct Frame {
    const FunctionDecl *F;
    size_t NextEdge;
  };
  DenseMap<const FunctionDecl *, unsigned> Index, Low;
  SmallVector<const FunctionDecl *, 16> Stack;
  SmallPtrSet<const FunctionDecl *, 16> OnStack;
  SmallVector<Frame, 16> Frames;
  unsigned Counter = 0;

  auto Push = [&](const FunctionDecl *F) {
    Index[F] = Low[F] = Counter++;
    Stack.push_back(F);
    OnStack.insert(F);
    Frames.push_back({F, 0});
  };
  Push(Root);
  while (!Frames.empty()) {
    const FunctionDecl *F = Frames.back().F;
    const LocalFacts &L = local(F);
    if (Frames.back().NextEdge < L.Calls.size()) {
      const FunctionDecl *W = L.Calls[Frames.back().NextEdge++].Callee;
      if (Summaries.count(W))
        continue;
      if (!Index.count(W))
        Push(W);
      else if (OnStack.contains(W))
        Low[F] = std::min(Low[F], Index[W]);
      continue;
    }
    Frames.pop_back();
    if (!Frames.empty()) {
      const FunctionDecl *Parent = Frames.back().F;
      Low[Parent] = std::min(Low[Parent], Low[F]);
    }
    if (Low[F] != Index[F])
      continue;
    SmallVector<const FunctionDecl *, 4> Members;
    const FunctionDecl *M;
    do {
      M = Stack.pop_back_val();
      OnStack.erase(M);
      Members.push_back(M);
    } while (M != F);
    std::reverse(Members.begin(), Members.end());
    finishComponent(Members);
  }
}

//===----------------------------------------------------------------------===//
// Parameters written through
//===----------------------------------------------------------------------===//

namespace {

/// Finds the parameters one body changes: writes through a pointer or
/// reference parameter or a local alias of one (`*p = x`, `p->n++`,
/// `q = p->buf; q[0] = 0`), non-const member calls on them, and arguments
/// passed on to callees that change them (WrittenParams of the callee). An
/// integer parameter is changed when it reaches a callee's descriptor
/// parameter; so is a pointer parameter whose field does (`read(c->fd)`).
class ParamWriteFinder {
public:
  ParamWriteFinder(function_ref<uint64_t(const FunctionDecl *)> Callee)
      : CalleeWrites(Callee) {}

  uint64_t run(const FunctionDecl *Def) {
    for (unsigned I = 0; I < Def->getNumParams() && I < 64; ++I) {
      const ParmVarDecl *P = Def->getParamDecl(I);
      QualType T = P->getType();
      if ((T->isPointerType() && !T->getPointeeType().isConstQualified()) ||
          (T->isReferenceType() &&
           !T.getNonReferenceType().isConstQualified()) ||
          T->isIntegerType())
        Points[P] = uint64_t(1) << I;
    }
    if (Points.empty())
      return 0;
    // Aliases of aliases: two rounds cover the common chains.
    for (int Round = 0; Round < 2; ++Round)
      aliases(Def->getBody());
    writes(Def->getBody());
    return Written;
  }

private:
  function_ref<uint64_t(const FunctionDecl *)> CalleeWrites;
  DenseMap<const ValueDecl *, uint64_t> Points;
  uint64_t Written = 0;

  static bool isPointerLike(QualType T) {
    return T->isPointerType() || T->isReferenceType();
  }

  /// The parameters \p E may point into: its base variable's, looking
  /// through casts and pointer arithmetic as well.
  uint64_t bitsOf(const Expr *E) const {
    while (E) {
      E = E->IgnoreParenCasts();
      if (const auto *BO = dyn_cast<BinaryOperator>(E);
          BO && BO->isAdditiveOp()) {
        E = BO->getLHS()->getType()->isPointerType() ? BO->getLHS()
                                                     : BO->getRHS();
        continue;
      }
      break;
    }
    if (!E)
      return 0;
    const ValueDecl *VD = baseDeclOf(E);
    return VD ? Points.lookup(VD) : 0;
  }

  void aliases(const Stmt *S) {
    if (!S)
      return;
    if (const auto *DS = dyn_cast<DeclStmt>(S))
      for (const Decl *D : DS->decls())
        if (const auto *VD = dyn_cast<VarDecl>(D);
            VD && VD->getInit() && isPointerLike(VD->getType()))
          if (uint64_t Bits = bitsOf(VD->getInit()))
            Points[VD] |= Bits;
    if (const auto *BO = dyn_cast<BinaryOperator>(S);
        BO && BO->getOpcode() == BO_Assign &&
        BO->getLHS()->getType()->isPointerType())
      if (const auto *DRE =
              dyn_cast<DeclRefExpr>(BO->getLHS()->IgnoreParenImpCasts()))
        if (uint64_t Bits = bitsOf(BO->getRHS()))
          Points[DRE->getDecl()] |= Bits;
    for (const Stmt *Child : S->children())
      aliases(Child);
  }

  /// A write to the lvalue \p Target: through a tracked pointer when the
  /// path dereferences it, through a tracked reference always.
  void writeThrough(const Expr *Target) {
    unsigned Derefs = 0;
    const Expr *E = Target;
    while (E) {
      E = E->IgnoreParenCasts();
      if (const auto *ME = dyn_cast<MemberExpr>(E)) {
        Derefs += ME->isArrow();
        E = ME->getBase();
      } else if (const auto *ASE = dyn_cast<ArraySubscriptExpr>(E)) {
        ++Derefs;
        E = ASE->getBase();
      } else if (const auto *UO = dyn_cast<UnaryOperator>(E);
                 UO && UO->getOpcode() == UO_Deref) {
        ++Derefs;
        E = UO->getSubExpr();
      } else if (const auto *OCE = dyn_cast<CXXOperatorCallExpr>(E);
                 OCE && OCE->getNumArgs() > 0 &&
                 (OCE->getOperator() == OO_Subscript ||
                  OCE->getOperator() == OO_Star ||
                  OCE->getOperator() == OO_Arrow)) {
        // `(*v)[0] = x`, `r.at(0) = x`: a write into the object.
        E = OCE->getArg(0);
      } else if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E)) {
        E = MC->getImplicitObjectArgument();
      } else if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
        const ValueDecl *VD = DRE->getDecl();
        if (Derefs > 0 || VD->getType()->isReferenceType())
          Written |= Points.lookup(VD);
        return;
      } else {
        return;
      }
    }
  }

  void call(const CallExpr *Call) {
    const FunctionDecl *Callee = Call->getDirectCallee();
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(Call)) {
      const CXXMethodDecl *MD = MC->getMethodDecl();
      if (MD && !MD->isConst() && !MD->isStatic() && !isAccessor(MD))
        if (const Expr *Object = MC->getImplicitObjectArgument())
          Written |= bitsOf(Object);
    }
    unsigned Offset =
        isa<CXXOperatorCallExpr>(Call) && isa_and_nonnull<CXXMethodDecl>(Callee)
            ? 1
            : 0;
    if (Offset && Call->getNumArgs() > 0) {
      const auto *MD = cast<CXXMethodDecl>(Callee);
      if (!MD->isConst() && !isAccessor(MD))
        Written |= bitsOf(Call->getArg(0));
    }
    uint64_t Mask = Callee ? CalleeWrites(Callee) : ~uint64_t(0);
    bool Scanf = Callee && Callee->getIdentifier() &&
                 Callee->getName().contains("scanf");
    for (unsigned I = Offset; I < Call->getNumArgs(); ++I) {
      unsigned ParamIndex = I - Offset;
      const Expr *Arg = Call->getArg(I);
      if (Callee && ParamIndex >= Callee->getNumParams()) {
        // Variadic: only the scanf family writes through what it gets.
        if (Scanf && Arg->getType()->isPointerType())
          Written |= bitsOf(Arg);
        continue;
      }
      if (!writesParam(Mask, ParamIndex))
        continue;
      QualType T =
          Callee ? Callee->getParamDecl(ParamIndex)->getType() : Arg->getType();
      if (T->isPointerType() || T->isReferenceType() || T->isIntegerType())
        Written |= bitsOf(Arg);
    }
  }

  void writes(const Stmt *S) {
    if (!S)
      return;
    if (const auto *BO = dyn_cast<BinaryOperator>(S)) {
      if (BO->isAssignmentOp())
        writeThrough(BO->getLHS());
    } else if (const auto *UO = dyn_cast<UnaryOperator>(S)) {
      if (UO->isIncrementDecrementOp())
        writeThrough(UO->getSubExpr());
    } else if (const auto *Call = dyn_cast<CallExpr>(S)) {
      call(Call);
    }
    for (const Stmt *Child : S->children())
      writes(Child);
  }
};

} // namespace

uint64_t WorkloadAnalyzer::Impl::bodyWrittenParams(const FunctionDecl *Def,
                                                   unsigned Depth) {
  auto CalleeWrites = [&](const FunctionDecl *Callee) {
    return writtenParams(Callee, Depth + 1);
  };
  return ParamWriteFinder(CalleeWrites).run(Def);
}

uint64_t WorkloadAnalyzer::Impl::writtenParams(const FunctionDecl *FD,
                                               unsigned Depth) {
  FD = FD->getCanonicalDecl();
  if (auto It = ParamWrites.find(FD); It != ParamWrites.end())
    return It->second;
  uint64_t Result = signatureWrittenParams(FD);
  const FunctionDecl *Def = definitionOf(FD);
  if (std::optional<ApiEffects> Api = A.apiEffects(FD)) {
    if (Api->AcquiresLock || Api->ReleasesLock)
      Result = 0;
    // Reading or writing a stream changes it: the descriptor is state.
    bool Stream =
        Api->Io && (*Api->Io == IoKind::Network || *Api->Io == IoKind::File ||
                    *Api->Io == IoKind::Database || *Api->Io == IoKind::Ipc);
    // Positional I/O (pread, pwrite) names its offset: no cursor moves;
    // accept hands out a new connection each time.
    bool Positional =
        FD->getIdentifier() && ((FD->getName().starts_with("p") &&
                                 (FD->getName().contains("read") ||
                                  FD->getName().contains("write"))) ||
                                FD->getName().starts_with("accept"));
    if (Stream && !Positional && FD->getNumParams() > 0 &&
        FD->getParamDecl(0)->getType()->isIntegerType())
      Result |= 1;
  } else if (Def && A.isAnalysable(Def)) {
    // A recursive visit sees the writes found so far (none), like the
    // first turn of a recursion; a very deep chain is cut off at the
    // declaration's word.
    if (Depth > 32 || !FindingWrites.insert(Def).second)
      return Depth > 32 ? Result : 0;
    Result = bodyWrittenParams(Def, Depth);
    FindingWrites.erase(Def);
  } else if (External && !isSystem(FD)) {
    SmallString<128> USR;
    if (!index::generateUSRForDecl(FD, USR))
      if (const FunctionSummary *S = External->lookup(USR))
        Result = S->WrittenParams;
  }
  ParamWrites[FD] = Result;
  return Result;
}

//===----------------------------------------------------------------------===//
// WorkloadAnalyzer
//===----------------------------------------------------------------------===//

WorkloadAnalyzer::WorkloadAnalyzer(ASTContext &Ctx, const KnowledgeBase &KB,
                                   const AnalysisOptions &Opts,
                                   const SummaryProvider *External)
    : Ctx(Ctx), KB(KB), Opts(Opts), P(std::make_unique<Impl>(*this, External)) {
}

WorkloadAnalyzer::~WorkloadAnalyzer() = default;

bool WorkloadAnalyzer::isCoroutine(const FunctionDecl *FD) {
  const FunctionDecl *Def = definitionOf(FD);
  return Def && isa_and_nonnull<CoroutineBodyStmt>(Def->getBody());
}

bool WorkloadAnalyzer::isAnalysable(const FunctionDecl *FD) {
  const FunctionDecl *Def = definitionOf(FD);
  return Def && !P->isSystem(Def) && !apiEffects(Def);
}

const FunctionSummary &WorkloadAnalyzer::summarize(const FunctionDecl *FD) {
  const FunctionDecl *Def = definitionOf(FD);
  assert(Def && "summarize() needs a function with a body");
  if (auto It = P->Summaries.find(Def); It != P->Summaries.end())
    return *It->second;
  P->summarizeFrom(Def);
  return *P->Summaries[Def];
}

Effects WorkloadAnalyzer::analyzeStmt(const Stmt *S) {
  Effects Out;
  std::vector<ExternalCall> Ignored;
  auto Fold = [&](const CallEdge &Edge) {
    // The statement is one task (a loop's iteration, a parallel region):
    // the element work of what it calls is its own.
    const Effects &Callee = summarize(Edge.Callee).Total;
    bool Unsafe = Out.ThreadUnsafe;
    Out.addScaled(Callee, Edge.Times, Edge.Site, Opts, Edge.Use);
    if (Edge.Synchronized)
      Out.ThreadUnsafe = Unsafe;
  };
  Scanner Scan(*P, Out, Fold, Ignored, S);
  Scan.scan(S, Once);
  Scan.finish();
  return Out;
}

Effects WorkloadAnalyzer::analyzeCall(const Expr *Call, const Stmt *Context) {
  Effects Out;
  std::vector<ExternalCall> Ignored;
  auto Fold = [&](const CallEdge &Edge) {
    Out.addScaled(summarize(Edge.Callee).Total, Edge.Times, Edge.Site, Opts,
                  Edge.Use);
  };
  Scanner Scan(*P, Out, Fold, Ignored, Context);
  if (const auto *CE = dyn_cast<CallExpr>(Call))
    Scan.call(CE, CE->getDirectCallee(), Once);
  else if (const auto *Construct = dyn_cast<CXXConstructExpr>(Call))
    Scan.call(Construct, Construct->getConstructor(), Once);
  Scan.finish();
  return Out;
}

namespace {

/// Whether a function's name says it releases something: free, close,
/// reset, a reference-count decrement (the knowledge base's release-words).
bool isReleaseName(StringRef Name, ArrayRef<std::string> Words) {
  std::string Lower = Name.lower();
  return any_of(Words, [&](const std::string &W) {
    return StringRef(Lower).contains(StringRef(W).lower());
  });
}

} // namespace

/// Whether the body of a loop only releases resources: it frees, closes,
/// destroys or unreferences something (by name, a destructor or `delete`),
/// and its other calls add up to less than a task's worth of work.
bool WorkloadAnalyzer::isCleanupBody(const Stmt *Body) {
  unsigned Releases = 0;
  Effects Other;
  std::function<void(const Stmt *)> Visit = [&](const Stmt *S) {
    if (!S || isa<LambdaExpr, BlockExpr>(S))
      return;
    if (isa<CXXDeleteExpr>(S)) {
      ++Releases;
    } else if (const auto *Call = dyn_cast<CallExpr>(S)) {
      const FunctionDecl *Callee = Call->getDirectCallee();
      if (Callee &&
          (isa<CXXDestructorDecl>(Callee) ||
           (Callee->getIdentifier() &&
            isReleaseName(Callee->getName(), KB.incidental().Release)))) {
        // What its arguments compute is not released: `PQclear(PQexec(..))`
        // waits on the query.
        ++Releases;
      } else {
        Other.addScaled(analyzeCall(Call), Once, {}, Opts);
      }
    }
    for (const Stmt *Child : S->children())
      Visit(Child);
  };
  Visit(Body);
  return Releases > 0 &&
         Other.Work + Other.substantialBlocking() < Opts.MinIterationWork;
}

const CallExpr *WorkloadAnalyzer::printsToConsole(const Stmt *S) {
  if (!S || isa<LambdaExpr, BlockExpr>(S))
    return nullptr;
  if (const auto *Call = dyn_cast<CallExpr>(S))
    if (const FunctionDecl *Callee = Call->getDirectCallee())
      if (std::optional<ApiEffects> Api = apiEffects(Callee);
          Api && Api->Io == IoKind::Console && !Api->LogSink &&
          Api->ConsoleStreamArg < 0 &&
          none_of(
              Callee->parameters(),
              [](const ParmVarDecl *P) {
                // fputs(s, f) names its stream: a FILE* of its own may be the
                // iteration's own file.
                return P->getType()->isPointerType() &&
                       P->getType()->getPointeeType()->isRecordType();
              }))
        return Call;
  for (const Stmt *Child : S->children())
    if (const CallExpr *Found = printsToConsole(Child))
      return Found;
  return nullptr;
}

const LoopFacts &WorkloadAnalyzer::analyzeLoop(const Stmt *Loop) {
  if (auto It = P->Loops.find(Loop); It != P->Loops.end())
    return *It->second;
  LoopFacts Facts;
  const Stmt *Body = nullptr;
  bool Endless = false;
  if (const auto *For = dyn_cast<ForStmt>(Loop)) {
    Body = For->getBody();
    Endless = !For->getCond();
  } else if (const auto *Range = dyn_cast<CXXForRangeStmt>(Loop)) {
    Body = Range->getBody();
  } else if (const auto *While = dyn_cast<WhileStmt>(Loop)) {
    Body = While->getBody();
    bool Value = false;
    Endless = While->getCond()->EvaluateAsBooleanCondition(Value, Ctx) && Value;
  } else if (const auto *Do = dyn_cast<DoStmt>(Loop)) {
    Body = Do->getBody();
    bool Value = false;
    Endless = Do->getCond()->EvaluateAsBooleanCondition(Value, Ctx) && Value;
  }
  Facts.PerIteration = analyzeStmt(Body);
  if (const auto *For = dyn_cast<ForStmt>(Loop)) {
    // The condition and increment run once per iteration as well.
    Effects Control = analyzeStmt(For->getCond());
    Control.addScaled(analyzeStmt(For->getInc()), Once, {}, Opts);
    Facts.PerIteration.addScaled(Control, Once, {}, Opts);
  } else if (const auto *While = dyn_cast<WhileStmt>(Loop)) {
    Facts.PerIteration.addScaled(analyzeStmt(While->getCond()), Once, {}, Opts);
  }
  // One iteration is worth a task at a lower bar than a whole function: the
  // fan-out multiplies it.
  AnalysisOptions IterationOpts = Opts;
  IterationOpts.SubstantialWork = Opts.MinIterationWork;
  Facts.IterationClass = classify(Facts.PerIteration, IterationOpts);
  std::optional<double> Trip = P->constantTripCount(Loop);
  Facts.TripCountKnown = Trip.has_value();
  Facts.TripCount = Trip.value_or(Opts.UnknownTripCount);
  if (Trip)
    Facts.Shape = *Trip <= 1                      ? FanOut::Single
                  : *Trip <= Opts.FanOutThreshold ? FanOut::Small
                                                  : FanOut::Large;
  else if (Endless &&
           Facts.PerIteration.BlockingByKind[unsigned(IoKind::Network)] > 0)
    Facts.Shape = FanOut::Server;
  else
    Facts.Shape = FanOut::Runtime;
  Facts.Dependences =
      analyzeLoopDependence(Loop, Ctx, [this](const FunctionDecl *Callee) {
        return writtenParams(Callee);
      });
  // A constant number of iterations (at most a table's 1024) over inputs
  // fixed at compile time (a start-up table) is constant work, however the
  // per-iteration estimate comes out: trivial, unless it waits.
  if (Facts.TripCountKnown && Facts.TripCount <= 1024 &&
      Facts.PerIteration.substantialBlocking() < Opts.SubstantialBlocking &&
      hasConstantInputs(Loop))
    Facts.IterationClass = Classification{};
  // Cleanup is not work: releasing items one by one is not an opportunity.
  if (Facts.Dependences.Independent && isCleanupBody(Body)) {
    Facts.Dependences.Independent = false;
    Facts.Dependences.Reason =
        "only releases resources (frees, closes, unreferences): cleanup is "
        "not work worth running concurrently";
    Facts.Dependences.Loc = Loop->getBeginLoc();
  }
  // Printing on every iteration (`printf("%s\n", line)`) writes the one
  // standard output, in order: a listing, not items to overlap.
  if (Facts.Dependences.Independent)
    if (const CallExpr *Print = printsToConsole(Body)) {
      Facts.Dependences.Independent = false;
      Facts.Dependences.Reason = "prints to the standard output with '" +
                                 Print->getDirectCallee()->getNameAsString() +
                                 "' on every iteration: one output, in order";
      Facts.Dependences.Loc = Print->getBeginLoc();
    }
  // A callee that stores into a global (registers a config into the one
  // table, updates the one cluster state) makes every iteration change that
  // state. Writes written in the loop itself were judged above, where an
  // item's own slot is told from the shared object.
  if (Facts.Dependences.Independent)
    for (const Evidence &E : Facts.PerIteration.Items) {
      if (!isSharedStateWrite(E) || E.Chain.size() < 2)
        continue;
      std::string Via;
      for (size_t I = 0; I + 1 < E.Chain.size(); ++I)
        if (!E.Chain[I].Callee.empty())
          Via += (Via.empty() ? "'" : " -> '") + E.Chain[I].Callee + "'";
      Facts.Dependences.Independent = false;
      StringRef Storage = StringRef(E.What).split(' ').first;
      Facts.Dependences.Reason = ("every iteration writes the " + Storage +
                                  " '" + E.Api + "' via " + Via)
                                     .str();
      Facts.Dependences.Loc = E.Chain.front().Loc.isValid()
                                  ? E.Chain.front().Loc
                                  : Loop->getBeginLoc();
      break;
    }
  // Inserted only now: the analysis above may analyse other loops.
  return *(P->Loops[Loop] = std::make_unique<LoopFacts>(std::move(Facts)));
}

/// "ns::Class::" + Own, skipping inline and anonymous namespaces and the
/// template arguments of enclosing classes.
static std::string qualifiedName(const DeclContext *Parent, StringRef Own) {
  SmallVector<StringRef, 6> Parts{Own};
  for (const DeclContext *DC = Parent; DC; DC = DC->getParent()) {
    if (const auto *NS = dyn_cast<NamespaceDecl>(DC)) {
      if (NS->isInline() || NS->isAnonymousNamespace())
        continue;
      Parts.push_back(NS->getName());
    } else if (const auto *RD = dyn_cast<RecordDecl>(DC)) {
      if (RD->getIdentifier())
        Parts.push_back(RD->getName());
    } else if (isa<FunctionDecl>(DC)) {
      break;
    }
  }
  std::string Name;
  for (auto It = Parts.rbegin(); It != Parts.rend(); ++It) {
    if (!Name.empty())
      Name += "::";
    Name += *It;
  }
  return Name;
}

std::string WorkloadAnalyzer::knowledgeBaseName(const FunctionDecl *FD) {
  std::string Own;
  if (const auto *Ctor = dyn_cast<CXXConstructorDecl>(FD))
    Own = Ctor->getParent()->getName().str();
  else if (const auto *Dtor = dyn_cast<CXXDestructorDecl>(FD))
    Own = "~" + Dtor->getParent()->getName().str();
  else
    Own = FD->getNameAsString();
  return qualifiedName(FD->getDeclContext(), Own);
}

std::string WorkloadAnalyzer::knowledgeBaseName(const TagDecl *TD) {
  return qualifiedName(TD->getDeclContext(), TD->getName());
}

LockWrapping WorkloadAnalyzer::lockWrapping(const FunctionDecl *FD) {
  FD = FD->getCanonicalDecl();
  // The entry stays None while the body is read: a recursive wrapper takes
  // no lock through its own call.
  if (auto [It, New] = P->LockCache.try_emplace(FD); !New)
    return It->second;
  LockWrapping Result;
  if (!apiEffects(FD)) {
    if (const FunctionDecl *Def = definitionOf(FD); Def && isAnalysable(Def)) {
      Result = lockWrappingOf(Def->getBody(), *this);
    } else if (P->External) {
      SmallString<128> USR;
      if (!index::generateUSRForDecl(FD, USR))
        if (const FunctionSummary *S = P->External->lookup(USR))
          Result = S->Lock;
    }
  }
  P->LockCache[FD] = Result;
  return Result;
}

uint64_t WorkloadAnalyzer::writtenParams(const FunctionDecl *Callee) {
  return P->writtenParams(Callee, 0);
}

std::optional<ApiEffects> WorkloadAnalyzer::apiEffects(const FunctionDecl *FD) {
  FD = FD->getCanonicalDecl();
  auto [It, Inserted] = P->ApiCache.try_emplace(FD);
  if (!Inserted)
    return It->second;

  std::optional<ApiEffects> Result;
  // Annotations on the user's own functions state their class outright.
  for (const FunctionDecl *Redecl : FD->redecls()) {
    for (const auto *Note : Redecl->specific_attrs<AnnotateAttr>()) {
      StringRef Text = Note->getAnnotation();
      if (!Text.consume_front("concur::"))
        continue;
      auto [Class, Kind] = Text.split(':');
      ApiEffects E;
      if (Class == "io") {
        E.Io = Kind.empty() ? std::optional<IoKind>(IoKind::Sync)
                            : parseIoKind(Kind);
        if (!E.Io)
          continue;
      } else if (Class == "cpu") {
        bool Numeric = Kind == "numeric";
        E.Cpu = Numeric ? CpuKind::NumericLoop : CpuKind::Loop;
        E.Numeric = Numeric;
        E.Cost = Opts.SubstantialWork * 10;
      } else if (Class == "trivial") {
        E.Cost = 0;
      } else {
        continue;
      }
      Result = E;
    }
    for (const FunctionEffectWithCondition &Effect :
         Redecl->getFunctionEffects())
      if (Effect.Effect.kind() == FunctionEffect::Kind::Blocking && !Result) {
        ApiEffects E;
        E.Io = IoKind::Sync;
        Result = E;
      }
  }
  if (!Result)
    Result = KB.lookup(knowledgeBaseName(FD));
  // A static function of the project is its own, whatever its name.
  if (Result && !Result->FromProject && !FD->isExternallyVisible() &&
      !P->isSystem(FD))
    Result.reset();
  P->ApiCache[FD] = Result;
  return Result;
}

bool WorkloadAnalyzer::isIncidentalBranch(const IfStmt *If,
                                          const Stmt *Branch) {
  if (!Branch)
    return false;
  if (endsTheProgram(Branch))
    return true;
  if (Branch != If->getThen() || containsLoop(Branch))
    return false;
  const Expr *Cond = If->getCond();
  switch (failureTest(Cond, Ctx)) {
  case FailureTest::Sure:
    return true;
  case FailureTest::IfBailingOut:
    if (bailsOut(Branch, Ctx))
      return true;
    break;
  case FailureTest::No:
    break;
  }
  // Level-gated diagnostics: `if (settings.verbose > 1)`, `if (log->level
  // >= LOG_DEBUG)`; not `if (!verbose)`, whose branch is the quiet path.
  const Expr *Test = Cond->IgnoreParenImpCasts();
  if (const auto *Not = dyn_cast<UnaryOperator>(Test);
      Not && Not->getOpcode() == UO_LNot)
    return false;
  if (const auto *BO = dyn_cast<BinaryOperator>(Test);
      BO && BO->getOpcode() == BO_EQ)
    return false;
  const IncidentalWords &Words = KB.incidental();
  SmallVector<StringRef, 4> Names;
  namesRead(Test, Names);
  bool Log = false, Level = false;
  for (StringRef Name : Names) {
    SmallVector<std::string, 6> Parts = nameWords(Name);
    if (hasWord(Parts, Words.Level))
      return true;
    Log |= hasWord(Parts, Words.Log);
    Level |= hasWord(Parts, {std::string("level")});
  }
  return Log && Level;
}

bool WorkloadAnalyzer::handlesWouldBlock(const Stmt *Body) {
  auto [It, Inserted] = P->WouldBlockBodies.try_emplace(Body, false);
  if (!Inserted)
    return It->second;
  const SourceManager &SM = Ctx.getSourceManager();
  // A code is a macro (EAGAIN expands to 11, COMPAT_EWOULDBLOCK to
  // EWOULDBLOCK to EAGAIN) or an enumerator.
  auto IsCode = [&](const Stmt *S, ArrayRef<std::string> Codes) {
    if (const auto *Ref = dyn_cast<DeclRefExpr>(S);
        Ref && Ref->getDecl()->getIdentifier() &&
        is_contained(Codes, Ref->getDecl()->getName()))
      return true;
    if (!isa<IntegerLiteral, DeclRefExpr>(S))
      return false;
    for (SourceLocation Loc = S->getBeginLoc(); Loc.isMacroID();
         Loc = SM.getImmediateMacroCallerLoc(Loc))
      if (is_contained(
              Codes, Lexer::getImmediateMacroName(Loc, SM, Ctx.getLangOpts())))
        return true;
    return false;
  };
  auto Uses = [&](ArrayRef<std::string> Codes) {
    std::function<bool(const Stmt *)> In = [&](const Stmt *S) {
      return S && (IsCode(S, Codes) || any_of(S->children(), In));
    };
    return !Codes.empty() && In(Body);
  };
  const IncidentalWords &Words = KB.incidental();
  bool Found = Uses(Words.WouldBlockCodes) && !Uses(Words.TimeoutCodes);
  P->WouldBlockBodies[Body] = Found;
  return Found;
}

bool WorkloadAnalyzer::returnsResult(const Expr *Call, const Stmt *Body) {
  std::unique_ptr<SmallPtrSet<const Expr *, 4>> &Calls = P->ReturnedCalls[Body];
  if (!Calls) {
    Calls = std::make_unique<SmallPtrSet<const Expr *, 4>>();
    // The calls returned as they are, the variables returned, and the calls
    // whose value a variable takes (`n = send(...)`, `ssize_t n = ...`).
    SmallPtrSet<const VarDecl *, 4> Returned;
    SmallVector<std::pair<const VarDecl *, const Expr *>, 8> Assigned;
    auto LocalVar = [](const Expr *E) -> const VarDecl * {
      const auto *Ref = dyn_cast<DeclRefExpr>(E->IgnoreParenCasts());
      const auto *Var = Ref ? dyn_cast<VarDecl>(Ref->getDecl()) : nullptr;
      return Var && Var->isLocalVarDecl() ? Var : nullptr;
    };
    std::function<void(const Stmt *)> Visit = [&](const Stmt *S) {
      if (!S || isa<LambdaExpr, BlockExpr>(S))
        return;
      if (const auto *Return = dyn_cast<ReturnStmt>(S);
          Return && Return->getRetValue()) {
        const Expr *Value = Return->getRetValue()->IgnoreParenCasts();
        if (isa<CallExpr>(Value))
          Calls->insert(Value);
        else if (const VarDecl *Var = LocalVar(Value))
          Returned.insert(Var);
      } else if (const auto *Assign = dyn_cast<BinaryOperator>(S);
                 Assign && Assign->getOpcode() == BO_Assign) {
        if (const VarDecl *Var = LocalVar(Assign->getLHS()))
          Assigned.push_back({Var, Assign->getRHS()->IgnoreParenCasts()});
      } else if (const auto *Decl = dyn_cast<DeclStmt>(S)) {
        for (const auto *D : Decl->decls())
          if (const auto *Var = dyn_cast<VarDecl>(D); Var && Var->getInit())
            Assigned.push_back({Var, Var->getInit()->IgnoreParenCasts()});
      }
      for (const Stmt *Child : S->children())
        Visit(Child);
    };
    Visit(Body);
    for (auto [Var, Value] : Assigned)
      if (isa<CallExpr>(Value) && Returned.contains(Var))
        Calls->insert(Value);
  }
  return Calls->contains(Call->IgnoreParenCasts());
}

bool WorkloadAnalyzer::isNonBlockingDescriptor(const Expr *Descriptor,
                                               const Stmt *Body) {
  if (!Descriptor || !Body)
    return false;
  const auto *Ref = dyn_cast<DeclRefExpr>(Descriptor->IgnoreParenImpCasts());
  const auto *Var = Ref ? dyn_cast<VarDecl>(Ref->getDecl()) : nullptr;
  if (!Var)
    return false;
  const SourceManager &SM = Ctx.getSourceManager();
  ArrayRef<std::string> Flags = KB.incidental().NonBlockingFlags;
  // A flag is a macro (O_NONBLOCK expands to 04000) or an enumerator
  // (SOCK_NONBLOCK); one under `~` is being cleared.
  std::function<bool(const Stmt *)> HasFlag = [&](const Stmt *S) {
    if (!S)
      return false;
    if (const auto *Not = dyn_cast<UnaryOperator>(S);
        Not && Not->getOpcode() == UO_Not)
      return false;
    if (const auto *R = dyn_cast<DeclRefExpr>(S);
        R && R->getDecl()->getIdentifier() &&
        is_contained(Flags, R->getDecl()->getName()))
      return true;
    if (isa<IntegerLiteral, DeclRefExpr>(S))
      for (SourceLocation Loc = S->getBeginLoc(); Loc.isMacroID();
           Loc = SM.getImmediateMacroCallerLoc(Loc))
        if (is_contained(Flags, Lexer::getImmediateMacroName(
                                    Loc, SM, Ctx.getLangOpts())))
          return true;
    return any_of(S->children(), HasFlag);
  };
  auto IsVar = [&](const Expr *E) {
    const auto *R =
        dyn_cast_or_null<DeclRefExpr>(E ? E->IgnoreParenImpCasts() : nullptr);
    return R && R->getDecl() == Var;
  };
  // Created non-blocking: `int fd = socket(AF_INET, SOCK_STREAM |
  // SOCK_NONBLOCK, 0)`.
  if (const Expr *Init = Var->getInit();
      Init && isa<CallExpr>(Init->IgnoreParenImpCasts()) && HasFlag(Init))
    return true;
  std::function<bool(const Stmt *)> Visit = [&](const Stmt *S) {
    if (!S)
      return false;
    if (const auto *Assign = dyn_cast<BinaryOperator>(S);
        Assign && Assign->getOpcode() == BO_Assign && IsVar(Assign->getLHS()) &&
        isa<CallExpr>(Assign->getRHS()->IgnoreParenImpCasts()) &&
        HasFlag(Assign->getRHS()))
      return true;
    if (const auto *Call = dyn_cast<CallExpr>(S);
        Call && any_of(Call->arguments(), IsVar))
      if (const FunctionDecl *Callee = Call->getDirectCallee();
          Callee && Callee->getIdentifier()) {
        std::string Name = Callee->getName().lower();
        StringRef N(Name);
        if (N.contains("nonblock") || N.contains("non_block"))
          return true;
        if ((N == "fcntl" || N == "ioctl") && HasFlag(Call))
          return true;
      }
    return any_of(S->children(), Visit);
  };
  return Visit(Body);
}

bool WorkloadAnalyzer::isDispatchWait(const Expr *Call) {
  const auto *CE = dyn_cast<CallExpr>(Call);
  const FunctionDecl *Callee = CE ? CE->getDirectCallee() : nullptr;
  std::optional<ApiEffects> Api = Callee ? apiEffects(Callee) : std::nullopt;
  if (!Api || !Api->DispatchWait)
    return false;
  if (const Expr *Count = argumentAt(Call, Api->DescriptorCountArg))
    if (std::optional<APSInt> N = constantInt(Count, Ctx); N && *N <= 1)
      return false;
  if (const Expr *Timeout = argumentAt(Call, Api->TimeoutArg);
      Timeout && isZeroTimeout(Timeout, Ctx))
    return false;
  return true;
}

std::optional<Effects>
WorkloadAnalyzer::analyzeCallable(const FunctionDecl *Target,
                                  SourceLocation Loc) {
  if (!Target)
    return std::nullopt;
  Effects Out;
  Hop Site = makeHop(callableName(Target), Loc);
  if (const FunctionDecl *Def = definitionOf(Target);
      Def && isAnalysable(Def)) {
    Out.addScaled(summarize(Def).Total, Growth::constant(1), Site, Opts);
    return Out;
  }
  if (!P->External || P->isSystem(Target) || apiEffects(Target))
    return std::nullopt;
  SmallString<128> USR;
  if (index::generateUSRForDecl(Target, USR))
    return std::nullopt;
  const FunctionSummary *S = P->External->lookup(USR);
  if (!S)
    return std::nullopt;
  Out.addScaled(S->Total, Growth::constant(1), Site, Opts);
  return Out;
}

bool WorkloadAnalyzer::isErrorLabel(const LabelStmt *Label) const {
  return hasWord(nameWords(Label->getName()), KB.incidental().ErrorLabel);
}

bool WorkloadAnalyzer::isLogSink(const FunctionDecl *FD,
                                 const Effects &Total) const {
  StringRef Own;
  if (const auto *Dtor = dyn_cast<CXXDestructorDecl>(FD))
    Own = Dtor->getParent()->getName();
  else if (FD->getIdentifier())
    Own = FD->getName();
  if (Own.empty() || !hasWord(nameWords(Own), KB.incidental().Log))
    return false;
  // A logger takes a format: it is variadic, takes a va_list, or a string
  // named like a format or a message. A destructor flushes a message built
  // before (a LOG(ERROR) << ... stream).
  bool TakesFormat = FD->isVariadic() || isa<CXXDestructorDecl>(FD);
  for (const ParmVarDecl *Param : FD->parameters()) {
    QualType T = Param->getType();
    if (StringRef(Param->getOriginalType().getAsString()).contains("va_list")) {
      TakesFormat = true;
      break;
    }
    if (T->isPointerType() && T->getPointeeType()->isCharType() &&
        Param->getIdentifier() &&
        hasWord(nameWords(Param->getName()),
                {std::string("fmt"), std::string("format"), std::string("msg"),
                 std::string("message")})) {
      TakesFormat = true;
      break;
    }
  }
  if (!TakesFormat)
    return false;
  // Its only I/O is output: to files, the console, under a lock.
  for (IoKind K : {IoKind::Network, IoKind::Database, IoKind::Ipc,
                   IoKind::Process, IoKind::Sleep})
    if (Total.BlockingByKind[unsigned(K)] > 0)
      return false;
  return true;
}

Hop WorkloadAnalyzer::makeHop(StringRef Callee, SourceLocation Loc) const {
  Hop H;
  H.Callee = Callee.str();
  const SourceManager &SM = Ctx.getSourceManager();
  SourceLocation Expansion = SM.getExpansionLoc(Loc);
  H.Loc = Expansion;
  PresumedLoc PLoc = SM.getPresumedLoc(Expansion);
  if (PLoc.isInvalid())
    return H;
  H.Line = PLoc.getLine();
  H.Column = PLoc.getColumn();
  H.File = PLoc.getFilename();
  if (OptionalFileEntryRef File =
          SM.getFileEntryRefForID(SM.getFileID(Expansion))) {
    StringRef Real = File->getFileEntry().tryGetRealPathName();
    if (!Real.empty())
      H.File = Real.str();
  }
  return H;
}

} // namespace concur
