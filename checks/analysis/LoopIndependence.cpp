//===--- LoopIndependence.cpp - Are a loop's iterations independent -------===//

#include "LoopIndependence.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringSet.h"
#include <functional>

using namespace clang;

namespace concur {
namespace {

/// Member functions that add one item to a container: a loop that calls them
/// on an outer container collects per-item results.
bool isCollectingMethod(StringRef Name) {
  static const llvm::StringSet<> Names = {
      "push_back",        "emplace_back", "push_front",   "emplace_front",
      "insert",           "emplace",      "emplace_hint", "try_emplace",
      "insert_or_assign", "append",       "push"};
  return Names.contains(Name);
}

} // namespace

const ValueDecl *baseDeclOf(const Expr *E, const Expr **Subscript) {
  while (E) {
    E = E->IgnoreParenImpCasts();
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
      return DRE->getDecl();
    if (const auto *ME = dyn_cast<MemberExpr>(E)) {
      if (isa<CXXThisExpr>(ME->getBase()->IgnoreParenImpCasts()))
        return ME->getMemberDecl();
      E = ME->getBase();
      continue;
    }
    if (const auto *ASE = dyn_cast<ArraySubscriptExpr>(E)) {
      if (Subscript && !*Subscript)
        *Subscript = ASE->getIdx();
      E = ASE->getBase();
      continue;
    }
    if (const auto *OCE = dyn_cast<CXXOperatorCallExpr>(E)) {
      if (OCE->getOperator() == OO_Subscript && OCE->getNumArgs() == 2) {
        if (Subscript && !*Subscript)
          *Subscript = OCE->getArg(1);
        E = OCE->getArg(0);
        continue;
      }
      if (OCE->getOperator() == OO_Star || OCE->getOperator() == OO_Arrow) {
        E = OCE->getArg(0);
        continue;
      }
      return nullptr;
    }
    if (const auto *UO = dyn_cast<UnaryOperator>(E)) {
      if (UO->getOpcode() == UO_Deref || UO->getOpcode() == UO_AddrOf) {
        E = UO->getSubExpr();
        continue;
      }
      return nullptr;
    }
    if (const auto *MTE = dyn_cast<MaterializeTemporaryExpr>(E)) {
      E = MTE->getSubExpr();
      continue;
    }
    return nullptr;
  }
  return nullptr;
}

namespace {

bool mentions(const Stmt *S, const llvm::DenseSet<const ValueDecl *> &Vars) {
  if (!S)
    return false;
  if (const auto *DRE = dyn_cast<DeclRefExpr>(S))
    if (Vars.contains(DRE->getDecl()))
      return true;
  for (const Stmt *Child : S->children())
    if (mentions(Child, Vars))
      return true;
  return false;
}

/// Variables an assignment or increment in \p S changes.
void collectAssigned(const Stmt *S, llvm::DenseSet<const ValueDecl *> &Out) {
  if (!S || isa<LambdaExpr>(S))
    return;
  const Expr *Target = nullptr;
  if (const auto *BO = dyn_cast<BinaryOperator>(S); BO && BO->isAssignmentOp())
    Target = BO->getLHS();
  else if (const auto *UO = dyn_cast<UnaryOperator>(S);
           UO && UO->isIncrementDecrementOp())
    Target = UO->getSubExpr();
  if (Target)
    if (const auto *DRE = dyn_cast<DeclRefExpr>(Target->IgnoreParenImpCasts()))
      Out.insert(DRE->getDecl());
  for (const Stmt *Child : S->children())
    collectAssigned(Child, Out);
}

class DependenceFinder {
public:
  DependenceFinder(ASTContext &Ctx, WrittenParamsFn WrittenParams)
      : Ctx(Ctx), WrittenParams(WrittenParams) {}

  Dependence run(const Stmt *Loop) {
    const Stmt *Body = nullptr;
    if (const auto *For = dyn_cast<ForStmt>(Loop)) {
      Body = For->getBody();
      collectIndexVars(For);
    } else if (const auto *Range = dyn_cast<CXXForRangeStmt>(Loop)) {
      Body = Range->getBody();
      Locals.insert(Range->getLoopVariable());
      ItemVars.insert(Range->getLoopVariable());
    } else if (const auto *While = dyn_cast<WhileStmt>(Loop)) {
      Body = While->getBody();
    } else if (const auto *Do = dyn_cast<DoStmt>(Loop)) {
      Body = Do->getBody();
    }
    LoopBody = Body;
    // `while (waitpid(-1, 0, 0) > 0) ;`: all the loop does is repeat its
    // condition until it fails, each time on what the last one left.
    if (isa<WhileStmt, DoStmt>(Loop) && isEmptyBody(Body)) {
      depend("has an empty body: it repeats its condition until that fails",
             Loop->getBeginLoc());
      return Result;
    }
    collectLocals(Body);
    // What differs from one iteration to the next: the loop's variables,
    // those declared in its body, and whatever it assigns.
    Varying.insert(IndexVars.begin(), IndexVars.end());
    Varying.insert(Locals.begin(), Locals.end());
    collectAssigned(Loop, Varying);
    // A loop's condition runs per iteration: taking the next item from a
    // shared stream or queue there (`while (fgets(line, n, f))`, `for (char
    // *p; (p = take(q)) != NULL;)`) is a dependence between iterations.
    const Expr *Cond = nullptr;
    if (const auto *While = dyn_cast<WhileStmt>(Loop))
      Cond = While->getCond();
    else if (const auto *For = dyn_cast<ForStmt>(Loop))
      Cond = For->getCond();
    else if (const auto *Do = dyn_cast<DoStmt>(Loop))
      Cond = Do->getCond();
    walk(Cond, 0);
    // `while (!is_prime(candidate)) candidate += 2;`, `i < n &&
    // !match(a[i])`: the condition tests each candidate and the loop stops at
    // the first that passes; a search, not a batch of items.
    if (const CallExpr *Test = searchTest(Cond)) {
      const FunctionDecl *Callee = Test->getDirectCallee();
      depend("its condition tests each candidate" +
                 (Callee ? " with '" + Callee->getNameAsString() + "'"
                         : std::string()) +
                 " and stops at the first match: a search",
             Test->getBeginLoc());
    }
    walk(Body, 0);
    checkCarriedReads(Body);
    return Result;
  }

private:
  /// A call in a loop condition that is given what the loop changes: the
  /// test of a search.
  const CallExpr *searchTest(const Stmt *S) const {
    if (!S || isa<LambdaExpr>(S))
      return nullptr;
    if (const auto *Call = dyn_cast<CallExpr>(S)) {
      const auto *MC = dyn_cast<CXXMemberCallExpr>(Call);
      bool Reads =
          MC && MC->getMethodDecl() &&
          (MC->getMethodDecl()->isConst() || isAccessor(MC->getMethodDecl()));
      if (!Reads && !isa<CXXOperatorCallExpr>(Call))
        for (const Expr *Arg : Call->arguments())
          if (mentions(Arg, Varying))
            return Call;
    }
    for (const Stmt *Child : S->children())
      if (const CallExpr *Found = searchTest(Child))
        return Found;
    return nullptr;
  }

  static bool isEmptyBody(const Stmt *Body) {
    if (!Body || isa<NullStmt>(Body))
      return true;
    const auto *Compound = dyn_cast<CompoundStmt>(Body);
    return Compound && Compound->body_empty();
  }

  ASTContext &Ctx;
  WrittenParamsFn WrittenParams;
  Dependence Result;
  llvm::DenseSet<const ValueDecl *> IndexVars, ItemVars, Locals, Varying;
  /// Outer arrays written one slot per iteration (`out[i] = ...`).
  llvm::DenseSet<const ValueDecl *> ItemArrays;
  /// Outer scalars updated as reductions; true while every update is a
  /// constant step at the top of the body (an induction variable, which
  /// iterations may read).
  llvm::DenseMap<const ValueDecl *, bool> Reductions;
  /// The references that are part of a reduction's own update.
  llvm::DenseSet<const Expr *> ReductionRefs;
  const Stmt *LoopBody = nullptr;

  void noteReduction(const ValueDecl *VD, const Expr *Target, bool Constant) {
    auto [It, Inserted] = Reductions.try_emplace(VD, Constant);
    if (!Inserted)
      It->second = It->second && Constant;
    if (const auto *DRE = dyn_cast<DeclRefExpr>(Target->IgnoreParenImpCasts()))
      ReductionRefs.insert(DRE);
  }

  /// `m = m + e`, `m = e * m`, `m = std::max(m, e)` with `e` free of `m`:
  /// an associative update, unlike `x = cos(x)`, which chains iterations.
  static bool isReductionUpdate(const Expr *NewValue, const ValueDecl *VD) {
    llvm::DenseSet<const ValueDecl *> Self{VD};
    auto IsSelf = [&](const Expr *E) {
      const auto *DRE = dyn_cast<DeclRefExpr>(E->IgnoreParenImpCasts());
      return DRE && DRE->getDecl() == VD;
    };
    auto OneSide = [&](const Expr *A, const Expr *B, bool Commutes) {
      return (IsSelf(A) && !mentions(B, Self)) ||
             (Commutes && IsSelf(B) && !mentions(A, Self));
    };
    const Expr *E = NewValue->IgnoreParenImpCasts();
    if (const auto *BO = dyn_cast<BinaryOperator>(E)) {
      switch (BO->getOpcode()) {
      case BO_Add:
      case BO_Mul:
      case BO_And:
      case BO_Or:
      case BO_Xor:
      case BO_LAnd:
      case BO_LOr:
        return OneSide(BO->getLHS(), BO->getRHS(), true);
      case BO_Sub:
        return OneSide(BO->getLHS(), BO->getRHS(), false);
      default:
        return false;
      }
    }
    if (const auto *Call = dyn_cast<CallExpr>(E)) {
      const FunctionDecl *Callee = Call->getDirectCallee();
      if (!Callee || !Callee->getIdentifier() || Call->getNumArgs() != 2)
        return false;
      StringRef Name = Callee->getName();
      if (Name != "max" && Name != "min" && Name != "fmax" && Name != "fmin")
        return false;
      return OneSide(Call->getArg(0), Call->getArg(1), true);
    }
    return false;
  }

  /// `m = m + f(x)`: the reads of `m` on the right are the update's own.
  void markOwnReads(const Stmt *S, const ValueDecl *VD) {
    if (!S)
      return;
    if (const auto *DRE = dyn_cast<DeclRefExpr>(S); DRE && DRE->getDecl() == VD)
      ReductionRefs.insert(DRE);
    for (const Stmt *Child : S->children())
      markOwnReads(Child, VD);
  }

  /// `++n`, `n += 4` as a statement of the body itself (not under a
  /// condition): the variable advances like a counter.
  bool isConstantStep(const Expr *Target, const Expr *Step) const {
    if (Step && !isa<IntegerLiteral>(Step->IgnoreParenImpCasts()))
      return false;
    const auto *Compound = dyn_cast_or_null<CompoundStmt>(LoopBody);
    if (!Compound)
      return false;
    for (const Stmt *Child : Compound->body()) {
      const auto *E = dyn_cast<Expr>(Child);
      if (!E)
        continue;
      E = E->IgnoreParenImpCasts();
      const Expr *Changed = nullptr;
      if (const auto *UO = dyn_cast<UnaryOperator>(E);
          UO && UO->isIncrementDecrementOp())
        Changed = UO->getSubExpr();
      else if (const auto *BO = dyn_cast<BinaryOperator>(E);
               BO && BO->isCompoundAssignmentOp())
        Changed = BO->getLHS();
      if (Changed &&
          Changed->IgnoreParenImpCasts() == Target->IgnoreParenImpCasts())
        return true;
    }
    return false;
  }

  /// After the walk: a reduction whose running value the body reads, or a
  /// per-item array read at another iteration's slot, carries a value from
  /// one iteration to the next.
  void checkCarriedReads(const Stmt *S) {
    if (!S || !Result.Independent || isa<LambdaExpr>(S))
      return;
    if (const auto *DRE = dyn_cast<DeclRefExpr>(S)) {
      auto It = Reductions.find(DRE->getDecl());
      if (It != Reductions.end() && !It->second && !ReductionRefs.contains(DRE))
        depend("reads " + name(DRE->getDecl()) +
                   ", which earlier iterations update",
               DRE->getBeginLoc());
      return;
    }
    const Expr *Indexed = nullptr;
    if (const auto *ASE = dyn_cast<ArraySubscriptExpr>(S))
      Indexed = ASE;
    else if (const auto *OCE = dyn_cast<CXXOperatorCallExpr>(S);
             OCE && OCE->getOperator() == OO_Subscript)
      Indexed = OCE;
    if (Indexed) {
      const ValueDecl *VD = baseDeclOf(cast<Expr>(Indexed));
      if (VD && ItemArrays.contains(VD) && !hasItemSubscript(Indexed)) {
        depend("reads " + name(VD) + " at another iteration's index",
               Indexed->getBeginLoc());
        return;
      }
      if (VD && ItemArrays.contains(VD)) {
        // The subscripts themselves may still read carried state.
        llvm::SmallVector<const Expr *, 4> Subscripts;
        subscriptsOf(Indexed, Subscripts);
        for (const Expr *Sub : Subscripts)
          checkCarriedReads(Sub);
        return;
      }
    }
    for (const Stmt *Child : S->children())
      checkCarriedReads(Child);
  }

  void collectIndexVars(const ForStmt *For) {
    // `for (; p; p = p->next)`: what the increment advances is an index too.
    llvm::DenseSet<const ValueDecl *> Advanced;
    collectAssigned(For->getInc(), Advanced);
    for (const ValueDecl *VD : Advanced) {
      IndexVars.insert(VD);
      ItemVars.insert(VD);
    }
    if (const auto *DS = dyn_cast_or_null<DeclStmt>(For->getInit()))
      for (const Decl *D : DS->decls())
        if (const auto *VD = dyn_cast<VarDecl>(D)) {
          IndexVars.insert(VD);
          ItemVars.insert(VD);
        }
    if (const auto *BO = dyn_cast_or_null<BinaryOperator>(For->getInit()))
      if (BO->isAssignmentOp())
        if (const ValueDecl *VD = baseDeclOf(BO->getLHS())) {
          IndexVars.insert(VD);
          ItemVars.insert(VD);
        }
  }

  void collectLocals(const Stmt *S) {
    if (!S || isa<LambdaExpr>(S))
      return;
    if (const auto *DS = dyn_cast<DeclStmt>(S))
      for (const Decl *D : DS->decls())
        if (const auto *VD = dyn_cast<ValueDecl>(D))
          Locals.insert(VD);
    for (const Stmt *Child : S->children())
      collectLocals(Child);
  }

  void depend(std::string Reason, SourceLocation Loc) {
    if (!Result.Independent)
      return;
    Result.Independent = false;
    Result.Reason = std::move(Reason);
    Result.Loc = Loc;
  }

  /// stdout, stderr, stdin: the one C stream every iteration that prints
  /// through it writes to, in order.
  static bool isStandardStream(const ValueDecl *VD) {
    const auto *Var = dyn_cast<VarDecl>(VD);
    if (!Var || !Var->hasGlobalStorage() || !Var->getType()->isPointerType())
      return false;
    const auto *Record = Var->getType()->getPointeeType()->getAsRecordDecl();
    return Record &&
           (Record->getName() == "_IO_FILE" || Record->getName() == "FILE" ||
            Record->getName() == "__sFILE");
  }

  /// State declared outside the loop that iterations could share. Library
  /// globals are not counted (std::cout: output order is not a dependence
  /// the advice can act on), except the C standard streams: passed to a
  /// helper that writes them, they are the shared FILE* of every iteration.
  bool isOuter(const ValueDecl *VD) const {
    if (!VD || Locals.contains(VD) || IndexVars.contains(VD))
      return false;
    if (Ctx.getSourceManager().isInSystemHeader(VD->getLocation()) &&
        !isStandardStream(VD))
      return false;
    // A const pointer (`T *const p`) still points to a mutable object.
    if (const auto *Var = dyn_cast<VarDecl>(VD))
      if ((Var->getType().isConstQualified() &&
           !Var->getType()->isPointerType()) ||
          Var->isConstexpr())
        return false;
    return isa<VarDecl, FieldDecl, BindingDecl>(VD);
  }

  /// The callee's WrittenParams mask.
  uint64_t writtenParamsOf(const FunctionDecl *Callee) const {
    return WrittenParams ? WrittenParams(Callee)
                         : signatureWrittenParams(Callee);
  }

  /// The object \p Arg designates when it is the same on every iteration:
  /// declared outside the loop, and the expression mentions nothing the loop
  /// varies (`c`, `&p->conf`, `db->cursor`; not `&items[i]`).
  const ValueDecl *sameObject(const Expr *Arg, bool Descriptor) const {
    if (mentions(Arg, Varying))
      return nullptr;
    const ValueDecl *VD = baseDeclOf(Arg);
    if (!VD || Locals.contains(VD) || IndexVars.contains(VD))
      return nullptr;
    // A descriptor may be a constant variable; an object may not.
    if (Descriptor)
      return isa<VarDecl, FieldDecl, BindingDecl>(VD) &&
                     !Ctx.getSourceManager().isInSystemHeader(VD->getLocation())
                 ? VD
                 : nullptr;
    return isOuter(VD) ? VD : nullptr;
  }

  /// `out[i]` with exactly the loop's index: one slot per iteration.
  bool isItem(const Expr *Subscript) const {
    const auto *DRE = dyn_cast<DeclRefExpr>(Subscript->IgnoreParenImpCasts());
    return DRE && ItemVars.contains(DRE->getDecl());
  }

  /// Whether \p E mentions only variables declared in the body (inner loop
  /// counters) and constants: an offset within one iteration's slot.
  bool isInnerOffset(const Expr *E) const {
    E = E->IgnoreParenImpCasts();
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
      return Locals.contains(DRE->getDecl()) &&
             !ItemVars.contains(DRE->getDecl());
    return isa<IntegerLiteral>(E);
  }

  /// Whether \p E does not change between iterations: it mentions neither
  /// the loop's variables nor those declared in its body.
  bool isInvariant(const Expr *E) const {
    llvm::DenseSet<const ValueDecl *> Varying(Locals.begin(), Locals.end());
    Varying.insert(IndexVars.begin(), IndexVars.end());
    return !mentions(E, Varying);
  }

  /// A subscript that gives each iteration its own slot: `i`, or a row of
  /// its own in a flattened array, `i * width + c` (c an inner counter).
  bool isItemIndex(const Expr *Subscript) const {
    if (isItem(Subscript))
      return true;
    const auto *BO = dyn_cast<BinaryOperator>(Subscript->IgnoreParenImpCasts());
    if (!BO)
      return false;
    auto IsRow = [&](const Expr *E) {
      const auto *Mul = dyn_cast<BinaryOperator>(E->IgnoreParenImpCasts());
      if (!Mul || Mul->getOpcode() != BO_Mul)
        return false;
      return (isItem(Mul->getLHS()) && isInvariant(Mul->getRHS())) ||
             (isItem(Mul->getRHS()) && isInvariant(Mul->getLHS()));
    };
    if (BO->getOpcode() == BO_Mul)
      return IsRow(BO);
    if (BO->getOpcode() == BO_Add)
      return (IsRow(BO->getLHS()) && isInnerOffset(BO->getRHS())) ||
             (IsRow(BO->getRHS()) && isInnerOffset(BO->getLHS()));
    return false;
  }

  /// The subscripts of an lvalue, outermost first: `m[r][c]` gives c, r.
  static void subscriptsOf(const Expr *E,
                           llvm::SmallVectorImpl<const Expr *> &Out) {
    while (E) {
      E = E->IgnoreParenImpCasts();
      if (const auto *ASE = dyn_cast<ArraySubscriptExpr>(E)) {
        Out.push_back(ASE->getIdx());
        E = ASE->getBase();
      } else if (const auto *OCE = dyn_cast<CXXOperatorCallExpr>(E);
                 OCE && OCE->getOperator() == OO_Subscript &&
                 OCE->getNumArgs() == 2) {
        Out.push_back(OCE->getArg(1));
        E = OCE->getArg(0);
      } else if (const auto *ME = dyn_cast<MemberExpr>(E)) {
        E = ME->getBase();
      } else {
        return;
      }
    }
  }

  /// Whether some subscript of \p Target gives each iteration its own slot.
  bool hasItemSubscript(const Expr *Target) const {
    llvm::SmallVector<const Expr *, 4> Subscripts;
    subscriptsOf(Target, Subscripts);
    return llvm::any_of(Subscripts,
                        [&](const Expr *S) { return isItemIndex(S); });
  }

  /// A string, buffer or container: a class with an `append`, `push_back`
  /// or `insert` member, whose `+=` concatenates.
  static bool isAppendable(QualType T) {
    const auto *RD = T.getNonReferenceType()->getAsCXXRecordDecl();
    if (!RD || !(RD = RD->getDefinition()))
      return false;
    auto Has = [](const CXXRecordDecl *C) {
      for (const Decl *D : C->decls()) {
        const auto *Named = dyn_cast<NamedDecl>(D);
        if (const auto *Tmpl = dyn_cast<FunctionTemplateDecl>(D))
          Named = Tmpl->getTemplatedDecl();
        if (Named && Named->getIdentifier() &&
            (Named->getName() == "append" || Named->getName() == "push_back" ||
             Named->getName() == "insert"))
          return true;
      }
      return false;
    };
    bool Found = Has(RD);
    if (!Found)
      RD->forallBases([&](const CXXRecordDecl *Base) {
        Found = Found || Has(Base);
        return true;
      });
    return Found;
  }

  static std::string name(const ValueDecl *VD) {
    return "'" + VD->getNameAsString() + "'";
  }

  /// A write to the lvalue \p Target; \p Accumulates when it is a compound
  /// update (+=, ++) that forms a reduction on a scalar. \p NewValue is the
  /// value assigned, or the step of a compound update (null for ++).
  void write(const Expr *Target, bool Accumulates, const Expr *NewValue,
             SourceLocation Loc) {
    const Expr *Subscript = nullptr;
    const ValueDecl *VD = baseDeclOf(Target, &Subscript);
    if (!VD) {
      depend("writes through a pointer or reference that may be shared", Loc);
      return;
    }
    if (IndexVars.contains(VD)) {
      depend("modifies the loop counter " + name(VD) + " in the body", Loc);
      return;
    }
    if (!isOuter(VD))
      return;
    if (Subscript && hasItemSubscript(Target)) {
      Result.CollectsResults = true;
      ItemArrays.insert(VD);
      return;
    }
    bool Scalar = Target->getType()->isScalarType();
    if (Scalar && !Subscript &&
        (Accumulates || (NewValue && isReductionUpdate(NewValue, VD)))) {
      Result.HasReduction = true;
      noteReduction(VD, Target,
                    Accumulates && isConstantStep(Target, NewValue));
      if (!Accumulates && NewValue)
        markOwnReads(NewValue, VD);
      return;
    }
    depend("writes " + name(VD) + " declared outside the loop", Loc);
  }

  void call(const CallExpr *Call) {
    const FunctionDecl *Callee = Call->getDirectCallee();
    // A non-const member function called on an outer object.
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(Call)) {
      const CXXMethodDecl *MD = MC->getMethodDecl();
      const Expr *Object = MC->getImplicitObjectArgument();
      if (MD && Object && !MD->isConst() && !MD->isStatic()) {
        if (isa<CXXThisExpr>(Object->IgnoreParenImpCasts())) {
          depend("calls non-const member '" + MD->getNameAsString() +
                     "' that may change the object's state",
                 Call->getBeginLoc());
        } else if (const ValueDecl *VD = baseDeclOf(Object); isOuter(VD)) {
          if (hasItemSubscript(Object) || isAccessor(MD)) {
            // `docs[i].data()`: the iteration's own element; `m.find(k)`:
            // a read (a write to its result is seen as a write).
          } else if (isCollectingMethod(MD->getName()))
            Result.CollectsResults = true;
          else
            depend("calls '" + MD->getNameAsString() + "' on " + name(VD) +
                       " declared outside the loop",
                   Call->getBeginLoc());
        }
      }
    }
    if (const auto *OC = dyn_cast<CXXOperatorCallExpr>(Call)) {
      OverloadedOperatorKind Op = OC->getOperator();
      if (Op == OO_Equal && OC->getNumArgs() == 2) {
        write(OC->getArg(0), false, OC->getArg(1), OC->getBeginLoc());
        return;
      }
      if ((Op == OO_PlusEqual || Op == OO_MinusEqual || Op == OO_StarEqual ||
           Op == OO_PipeEqual || Op == OO_AmpEqual || Op == OO_CaretEqual ||
           Op == OO_PlusPlus || Op == OO_MinusMinus) &&
          OC->getNumArgs() >= 1) {
        const ValueDecl *VD = baseDeclOf(OC->getArg(0));
        if (VD && IndexVars.contains(VD))
          depend("modifies the loop counter " + name(VD) + " in the body",
                 OC->getBeginLoc());
        else if (isOuter(VD) && Op == OO_PlusEqual &&
                 isAppendable(OC->getArg(0)->getType()))
          // `s += piece`: every iteration appends to the one string, in
          // order; not a reduction to split.
          depend("appends to " + name(VD) +
                     " declared outside the loop on every iteration",
                 OC->getBeginLoc());
        else if (isOuter(VD)) {
          Result.HasReduction = true;
          noteReduction(VD, OC->getArg(0), false);
        }
        return;
      }
    }
    if (!Callee)
      return;
    // One object passed on every iteration to a parameter the callee
    // changes: the iterations all write that object (a buffer, a reply, a
    // FILE*, a cursor) or advance that descriptor's stream.
    unsigned Offset =
        isa<CXXOperatorCallExpr>(Call) && isa<CXXMethodDecl>(Callee) ? 1 : 0;
    uint64_t Written = writtenParamsOf(Callee);
    for (unsigned I = Offset; I < Call->getNumArgs(); ++I) {
      unsigned ParamIndex = I - Offset;
      if (ParamIndex >= Callee->getNumParams())
        break;
      if (!writesParam(Written, ParamIndex))
        continue;
      QualType ParamType = Callee->getParamDecl(ParamIndex)->getType();
      bool MutableRef = ParamType->isReferenceType() &&
                        !ParamType.getNonReferenceType().isConstQualified();
      bool MutablePtr = ParamType->isPointerType() &&
                        !ParamType->getPointeeType().isConstQualified();
      bool Descriptor = ParamType->isIntegerType();
      if (!(MutableRef || MutablePtr || Descriptor))
        continue;
      const Expr *Arg = Call->getArg(I)->IgnoreParenImpCasts();
      const Expr *Subscript = nullptr;
      baseDeclOf(Arg, &Subscript);
      if (Subscript && isItem(Subscript))
        continue;
      const ValueDecl *VD = sameObject(Arg, Descriptor);
      if (!VD)
        continue;
      if (Descriptor)
        depend("uses the descriptor " + name(VD) + " on every iteration in '" +
                   Callee->getNameAsString() +
                   "', which reads or writes its stream",
               Arg->getBeginLoc());
      else
        depend("passes " + name(VD) +
                   ", the same object on every iteration, "
                   "to '" +
                   Callee->getNameAsString() + "', which may change it",
               Arg->getBeginLoc());
    }
  }

  void walk(const Stmt *S, unsigned BreakDepth) {
    if (!S || !Result.Independent)
      return;
    if (isa<LambdaExpr>(S) || isa<BlockExpr>(S))
      return;
    if (isa<BreakStmt>(S)) {
      if (BreakDepth == 0)
        depend("leaves the loop early ('break')", S->getBeginLoc());
      return;
    }
    if (isa<ReturnStmt>(S) || isa<CoreturnStmt>(S)) {
      depend("leaves the loop early ('return')", S->getBeginLoc());
      return;
    }
    if (isa<GotoStmt>(S) || isa<IndirectGotoStmt>(S)) {
      depend("leaves the loop early ('goto')", S->getBeginLoc());
      return;
    }
    if (const auto *BO = dyn_cast<BinaryOperator>(S)) {
      // For a compound update the right-hand side is its step.
      if (BO->isAssignmentOp())
        write(BO->getLHS(), BO->isCompoundAssignmentOp(), BO->getRHS(),
              BO->getOperatorLoc());
    } else if (const auto *UO = dyn_cast<UnaryOperator>(S)) {
      if (UO->isIncrementDecrementOp())
        write(UO->getSubExpr(), true, nullptr, UO->getOperatorLoc());
    } else if (const auto *Call = dyn_cast<CallExpr>(S)) {
      call(Call);
    }
    unsigned ChildDepth = BreakDepth;
    if (isa<ForStmt, CXXForRangeStmt, WhileStmt, DoStmt, SwitchStmt>(S))
      ++ChildDepth;
    for (const Stmt *Child : S->children())
      walk(Child, ChildDepth);
  }
};

} // namespace

bool isAccessor(const CXXMethodDecl *MD) {
  if (!MD || MD->isConst() || MD->isStatic())
    return false;
  for (const NamedDecl *ND : MD->getParent()->lookup(MD->getDeclName())) {
    const auto *Other = dyn_cast<CXXMethodDecl>(ND);
    if (const auto *Template = dyn_cast<FunctionTemplateDecl>(ND))
      Other = dyn_cast<CXXMethodDecl>(Template->getTemplatedDecl());
    if (Other && Other != MD && Other->isConst() &&
        Other->getNumParams() == MD->getNumParams())
      return true;
  }
  return false;
}

bool hasConstantInputs(const Stmt *Loop) {
  llvm::DenseSet<const ValueDecl *> Own;
  llvm::DenseSet<const Expr *> WrittenBases;
  std::function<void(const Stmt *)> Collect = [&](const Stmt *S) {
    if (!S)
      return;
    if (const auto *DS = dyn_cast<DeclStmt>(S))
      for (const Decl *D : DS->decls())
        if (const auto *VD = dyn_cast<ValueDecl>(D))
          Own.insert(VD);
    if (const auto *BO = dyn_cast<BinaryOperator>(S);
        BO && BO->isAssignmentOp())
      if (const auto *ASE =
              dyn_cast<ArraySubscriptExpr>(BO->getLHS()->IgnoreParenImpCasts()))
        WrittenBases.insert(ASE->getBase()->IgnoreParenImpCasts());
    for (const Stmt *Child : S->children())
      Collect(Child);
  };
  Collect(Loop);
  if (const auto *Range = dyn_cast<CXXForRangeStmt>(Loop))
    Own.insert(Range->getLoopVariable());
  auto IsFixed = [&](const DeclRefExpr *DRE) {
    const ValueDecl *D = DRE->getDecl();
    if (Own.contains(D) || WrittenBases.contains(DRE) ||
        isa<FunctionDecl, EnumConstantDecl>(D))
      return true;
    const auto *Var = dyn_cast<VarDecl>(D);
    if (!Var)
      return false;
    QualType T = Var->getType();
    if (Var->isConstexpr() ||
        (T.isConstQualified() && !T->isPointerType() && !T->isReferenceType()))
      return true;
    if (isa<ConstantArrayType>(T.getTypePtr()))
      return true;
    // A table passed as `T table[][256]`.
    if (const auto *Ptr = T->getAs<PointerType>())
      return isa<ConstantArrayType>(Ptr->getPointeeType().getTypePtr());
    return false;
  };
  std::function<bool(const Stmt *)> Fixed = [&](const Stmt *S) {
    if (!S)
      return true;
    if (isa<CXXThisExpr>(S))
      return false;
    if (const auto *DRE = dyn_cast<DeclRefExpr>(S))
      return IsFixed(DRE);
    for (const Stmt *Child : S->children())
      if (!Fixed(Child))
        return false;
    return true;
  };
  return Fixed(Loop);
}

uint64_t signatureWrittenParams(const FunctionDecl *FD) {
  uint64_t Mask = 0;
  for (unsigned I = 0; I < FD->getNumParams() && I < 64; ++I) {
    QualType T = FD->getParamDecl(I)->getType();
    if ((T->isPointerType() && !T->getPointeeType().isConstQualified()) ||
        (T->isReferenceType() && !T.getNonReferenceType().isConstQualified()))
      Mask |= uint64_t(1) << I;
  }
  return Mask;
}

Dependence analyzeLoopDependence(const Stmt *Loop, ASTContext &Ctx,
                                 WrittenParamsFn WrittenParams) {
  return DependenceFinder(Ctx, WrittenParams).run(Loop);
}

} // namespace concur
