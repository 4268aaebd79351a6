//===--- TaskSites.cpp - Where code starts and waits for tasks ------------===//

#include "TaskSites.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/StmtCXX.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

namespace clang::tidy::concur {

void addThreadStartMatchers(ast_matchers::MatchFinder &Finder,
                            ast_matchers::MatchFinder::MatchCallback *Callback,
                            llvm::ArrayRef<std::string> ThreadClasses,
                            llvm::ArrayRef<std::string> ThreadFunctions,
                            llvm::StringRef BindName) {
  using namespace ast_matchers;
  std::vector<llvm::StringRef> Classes(ThreadClasses.begin(),
                                       ThreadClasses.end());
  std::vector<llvm::StringRef> Functions(ThreadFunctions.begin(),
                                         ThreadFunctions.end());
  auto ThreadClass = cxxRecordDecl(hasAnyName(Classes));
  auto InUserCode = allOf(unless(isInTemplateInstantiation()),
                          unless(isExpansionInSystemHeader()));
  Finder.addMatcher(
      cxxConstructExpr(hasDeclaration(cxxConstructorDecl(ofClass(ThreadClass))),
                       InUserCode)
          .bind(BindName),
      Callback);
  Finder.addMatcher(
      callExpr(callee(functionDecl(hasAnyName(Functions))), InUserCode)
          .bind(BindName),
      Callback);
  Finder.addMatcher(
      cxxMemberCallExpr(
          callee(cxxMethodDecl(
              hasAnyName("emplace_back", "emplace", "emplace_front"),
              ofClass(classTemplateSpecializationDecl(hasTemplateArgument(
                  0, refersToType(hasDeclaration(ThreadClass))))))),
          InUserCode)
          .bind(BindName),
      Callback);
}

bool isThreadStart(const Expr *E, llvm::ArrayRef<std::string> ThreadClasses,
                   llvm::ArrayRef<std::string> ThreadFunctions) {
  if (const auto *Construct = dyn_cast<CXXConstructExpr>(E))
    return llvm::is_contained(ThreadClasses,
                              "::" + Construct->getConstructor()
                                         ->getParent()
                                         ->getQualifiedNameAsString());
  const auto *Call = dyn_cast<CallExpr>(E);
  return Call && isOneOf(Call->getDirectCallee(), ThreadFunctions);
}

llvm::SmallVector<const Expr *, 4> startArguments(const Expr *Start) {
  llvm::SmallVector<const Expr *, 4> Args;
  if (const auto *Call = dyn_cast<CallExpr>(Start))
    Args.append(Call->arg_begin(), Call->arg_end());
  else if (const auto *Construct = dyn_cast<CXXConstructExpr>(Start))
    Args.append(Construct->arg_begin(), Construct->arg_end());
  return Args;
}

bool isDeferredLaunch(llvm::ArrayRef<const Expr *> Args) {
  if (Args.empty())
    return false;
  const auto *Ref = dyn_cast<DeclRefExpr>(Args.front()->IgnoreParenImpCasts());
  return Ref && isa<EnumConstantDecl>(Ref->getDecl()) &&
         Ref->getDecl()->getName() == "deferred";
}

static const FunctionDecl *callOperatorOf(QualType T) {
  const auto *RD = T.getNonReferenceType()->getAsCXXRecordDecl();
  if (!RD || !RD->hasDefinition())
    return nullptr;
  if (RD->isLambda())
    return RD->getLambdaCallOperator();
  const CXXMethodDecl *Found = nullptr;
  for (const CXXMethodDecl *M : RD->methods()) {
    if (M->getOverloadedOperator() != OO_Call)
      continue;
    if (Found)
      return nullptr; // Overloaded: the call cannot be told without its args.
    Found = M;
  }
  return Found;
}

const FunctionDecl *callableTarget(const Expr *E) {
  if (!E)
    return nullptr;
  E = E->IgnoreImplicit()->IgnoreParenImpCasts();
  if (const auto *Lambda = dyn_cast<LambdaExpr>(E))
    return Lambda->getCallOperator();
  // A captureless lambda converted to a function pointer.
  if (const auto *Member = dyn_cast<CXXMemberCallExpr>(E);
      Member && isa_and_nonnull<CXXConversionDecl>(Member->getMethodDecl()))
    return callableTarget(Member->getImplicitObjectArgument());
  if (const auto *UO = dyn_cast<UnaryOperator>(E);
      UO && UO->getOpcode() == UO_AddrOf)
    return callableTarget(UO->getSubExpr());
  if (const auto *Ref = dyn_cast<DeclRefExpr>(E)) {
    if (const auto *FD = dyn_cast<FunctionDecl>(Ref->getDecl()))
      return FD;
    if (const auto *Var = dyn_cast<VarDecl>(Ref->getDecl())) {
      // A function pointer variable initialised with a function.
      if (Var->getType()->isFunctionPointerType() && Var->getInit() &&
          Var->getType().isConstQualified())
        return callableTarget(Var->getInit());
      return callOperatorOf(Var->getType());
    }
    return nullptr;
  }
  if (const auto *Construct = dyn_cast<CXXConstructExpr>(E)) {
    // A copy or move of a lambda or function object.
    if (Construct->getNumArgs() == 1)
      if (const FunctionDecl *FD = callableTarget(Construct->getArg(0)))
        return FD;
    return callOperatorOf(Construct->getType());
  }
  if (E->getType()->isRecordType())
    return callOperatorOf(E->getType());
  return nullptr;
}

std::pair<const Expr *, const FunctionDecl *>
firstCallableArgument(llvm::ArrayRef<const Expr *> Args) {
  for (const Expr *Arg : Args)
    if (const FunctionDecl *FD = callableTarget(Arg))
      return {Arg, FD};
  return {nullptr, nullptr};
}

static bool isLoop(const Stmt *S) {
  return isa<ForStmt, CXXForRangeStmt, WhileStmt, DoStmt>(S);
}

/// Whether \p Child of \p Loop runs once per iteration (not a for-init or
/// the range of a range-for).
static bool runsPerIteration(const Stmt *Loop, const Stmt *Child) {
  if (const auto *For = dyn_cast<ForStmt>(Loop))
    return Child != For->getInit();
  if (const auto *Range = dyn_cast<CXXForRangeStmt>(Loop))
    return Child == Range->getBody() || Child == Range->getLoopVarStmt();
  return true;
}

const Stmt *enclosingLoop(const Stmt *S, ASTContext &Ctx) {
  const Stmt *Child = S;
  DynTypedNodeList Parents = Ctx.getParents(*S);
  while (!Parents.empty()) {
    const DynTypedNode &Parent = Parents[0];
    if (Parent.get<FunctionDecl>() || Parent.get<LambdaExpr>() ||
        Parent.get<BlockExpr>())
      return nullptr;
    if (const auto *PS = Parent.get<Stmt>()) {
      if (isLoop(PS) && runsPerIteration(PS, Child))
        return PS;
      Child = PS;
    }
    Parents = Ctx.getParents(Parent);
  }
  return nullptr;
}

const Stmt *loopBody(const Stmt *Loop) {
  if (const auto *For = dyn_cast<ForStmt>(Loop))
    return For->getBody();
  if (const auto *Range = dyn_cast<CXXForRangeStmt>(Loop))
    return Range->getBody();
  if (const auto *While = dyn_cast<WhileStmt>(Loop))
    return While->getBody();
  if (const auto *Do = dyn_cast<DoStmt>(Loop))
    return Do->getBody();
  return nullptr;
}

const Expr *loopCondition(const Stmt *Loop) {
  if (const auto *For = dyn_cast<ForStmt>(Loop))
    return For->getCond();
  if (const auto *While = dyn_cast<WhileStmt>(Loop))
    return While->getCond();
  if (const auto *Do = dyn_cast<DoStmt>(Loop))
    return Do->getCond();
  return nullptr;
}

bool isOneOf(const FunctionDecl *FD, llvm::ArrayRef<std::string> Names) {
  if (!FD || Names.empty())
    return false;
  std::string Name = "::" + FD->getQualifiedNameAsString();
  return llvm::is_contained(Names, Name);
}

static bool mentionsCallImpl(const Stmt *S,
                             llvm::ArrayRef<std::string> Functions,
                             unsigned VarDepth) {
  if (!S)
    return false;
  if (const auto *Call = dyn_cast<CallExpr>(S))
    if (isOneOf(Call->getDirectCallee(), Functions))
      return true;
  if (const auto *Ref = dyn_cast<DeclRefExpr>(S))
    if (const auto *Var = dyn_cast<VarDecl>(Ref->getDecl());
        Var && VarDepth > 0 && !isa<ParmVarDecl>(Var) && Var->getInit())
      return mentionsCallImpl(Var->getInit(), Functions, VarDepth - 1);
  for (const Stmt *Child : S->children())
    if (mentionsCallImpl(Child, Functions, VarDepth))
      return true;
  return false;
}

bool mentionsCall(const Expr *E, llvm::ArrayRef<std::string> Functions) {
  return mentionsCallImpl(E, Functions, 1);
}

std::vector<std::string> qualifiedNameList(llvm::StringRef Option) {
  llvm::SmallVector<llvm::StringRef, 8> Items;
  Option.split(Items, ';', -1, /*KeepEmpty=*/false);
  std::vector<std::string> Names;
  for (llvm::StringRef Item : Items) {
    Item = Item.trim();
    if (Item.empty())
      continue;
    Names.push_back(Item.starts_with("::") ? Item.str() : "::" + Item.str());
  }
  return Names;
}

std::string joinNameList(llvm::ArrayRef<std::string> Names) {
  return llvm::join(Names, ";");
}

const VarDecl *referencedVar(const Expr *E) {
  if (!E)
    return nullptr;
  if (const auto *Ref =
          dyn_cast<DeclRefExpr>(E->IgnoreImplicit()->IgnoreParenImpCasts()))
    return dyn_cast<VarDecl>(Ref->getDecl());
  return nullptr;
}

std::string startName(const Expr *Start) {
  if (const auto *Construct = dyn_cast<CXXConstructExpr>(Start))
    return Construct->getConstructor()->getParent()->getQualifiedNameAsString();
  if (const auto *Call = dyn_cast<CallExpr>(Start))
    if (const FunctionDecl *FD = Call->getDirectCallee())
      return FD->getQualifiedNameAsString();
  return "thread";
}

std::vector<::concur::Evidence>
taskEvidence(const ::concur::FunctionSummary &S, const FunctionDecl *Task,
             SourceLocation PassedAt, const ::concur::WorkloadAnalyzer &A) {
  using ::concur::EvidenceKind;
  using ::concur::WorkloadClass;
  std::vector<::concur::Evidence> Out;
  WorkloadClass Class = S.Class.Class;
  auto Add = [&](EvidenceKind Kind) {
    const ::concur::Evidence *Top = ::concur::topEvidence(S.Total, Kind);
    if (!Top)
      return;
    ::concur::Evidence E = *Top;
    const auto *Method = dyn_cast_or_null<CXXMethodDecl>(Task);
    if (Task && !(Method && Method->getParent()->isLambda()) &&
        PassedAt.isValid())
      E.Chain.insert(E.Chain.begin(),
                     A.makeHop(Task->getQualifiedNameAsString(), PassedAt));
    Out.push_back(std::move(E));
  };
  if (Class == WorkloadClass::Io || Class == WorkloadClass::Mixed)
    Add(EvidenceKind::Io);
  if (Class == WorkloadClass::Cpu || Class == WorkloadClass::Mixed)
    Add(EvidenceKind::Cpu);
  return Out;
}

std::string describeTaskWork(const ::concur::FunctionSummary &S,
                             llvm::ArrayRef<::concur::Evidence> Evidence,
                             const ::concur::AnalysisOptions &Opts) {
  using ::concur::EvidenceKind;
  using ::concur::WorkloadClass;
  std::string Io, Cpu;
  for (const ::concur::Evidence &E : Evidence) {
    if (E.Kind == EvidenceKind::Io && Io.empty())
      Io = ::concur::describeIoKinds(S.Total, Opts) + " I/O (" +
           ::concur::describeEvidence(E) + ")";
    if (E.Kind == EvidenceKind::Cpu && Cpu.empty())
      Cpu = "CPU work (" + ::concur::describeWork(E) + ")";
  }
  switch (S.Class.Class) {
  case WorkloadClass::Io:
    return Io.empty() ? "I/O-bound work" : Io;
  case WorkloadClass::Cpu:
    return Cpu.empty() ? "CPU-bound work" : Cpu;
  case WorkloadClass::Mixed:
    return "mixed work: " + (Io.empty() ? "I/O" : Io) + " and " +
           (Cpu.empty() ? "CPU work" : Cpu);
  case WorkloadClass::Trivial:
    break;
  }
  return "trivial work";
}

std::string describeFanOut(const ::concur::LoopFacts &Facts) {
  switch (Facts.Shape) {
  case ::concur::FanOut::Server:
    return "a server loop (one per request)";
  case ::concur::FanOut::Runtime:
    return "a loop with a runtime-sized fan-out";
  default:
    return "a loop of " + std::to_string((long long)Facts.TripCount) +
           " iterations";
  }
}

} // namespace clang::tidy::concur
