//===--- LoopIndependence.cpp - Are a loop's iterations independent -------===//

#include "LoopIndependence.h"
#include "clang/AST/ExprCXX.h"
#include "clang/Basic/SourceManager.h"
#include "clang/AST/StmtCXX.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringSet.h"

using namespace clang;

namespace concur {
namespace {

/// Member functions that add one item to a container: a loop that calls them
/// on an outer container collects per-item results.
bool isCollectingMethod(StringRef Name) {
  static const llvm::StringSet<> Names = {
      "push_back", "emplace_back", "push_front", "emplace_front",
      "insert",    "emplace",      "emplace_hint", "try_emplace",
      "insert_or_assign", "append", "push"};
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

class DependenceFinder {
public:
  DependenceFinder(ASTContext &Ctx) : Ctx(Ctx) {}

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
    collectLocals(Body);
    // A while loop's condition runs per iteration: reading the next item
    // from a shared stream there is a dependence between iterations.
    if (const auto *While = dyn_cast<WhileStmt>(Loop))
      walk(While->getCond(), 0);
    else if (const auto *Do = dyn_cast<DoStmt>(Loop))
      walk(Do->getCond(), 0);
    walk(Body, 0);
    return Result;
  }

private:
  ASTContext &Ctx;
  Dependence Result;
  llvm::DenseSet<const ValueDecl *> IndexVars, ItemVars, Locals;

  void collectIndexVars(const ForStmt *For) {
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

  /// State declared outside the loop that iterations could share. Library
  /// globals (std::cout) are not counted: output order is not a dependence
  /// the advice can act on.
  bool isOuter(const ValueDecl *VD) const {
    if (!VD || Locals.contains(VD) || IndexVars.contains(VD))
      return false;
    if (Ctx.getSourceManager().isInSystemHeader(VD->getLocation()))
      return false;
    if (const auto *Var = dyn_cast<VarDecl>(VD))
      if (Var->getType().isConstQualified() || Var->isConstexpr())
        return false;
    return isa<VarDecl, FieldDecl, BindingDecl>(VD);
  }

  /// `out[i]` with exactly the loop's index: one slot per iteration.
  bool isItem(const Expr *Subscript) const {
    const auto *DRE = dyn_cast<DeclRefExpr>(Subscript->IgnoreParenImpCasts());
    return DRE && ItemVars.contains(DRE->getDecl());
  }

  static std::string name(const ValueDecl *VD) {
    return "'" + VD->getNameAsString() + "'";
  }

  /// A write to the lvalue \p Target; \p Accumulates when it is a compound
  /// update (+=, ++) that forms a reduction on a scalar.
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
    if (Subscript && isItem(Subscript)) {
      Result.CollectsResults = true;
      return;
    }
    bool Scalar = Target->getType()->isScalarType();
    if (Scalar && !Subscript &&
        (Accumulates ||
         (NewValue && mentions(NewValue, llvm::DenseSet<const ValueDecl *>{
                                             VD})))) {
      Result.HasReduction = true;
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
          if (isCollectingMethod(MD->getName()))
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
        else if (isOuter(VD))
          Result.HasReduction = true;
        return;
      }
    }
    if (!Callee)
      return;
    // Outer state passed by non-const reference or by address.
    unsigned Offset = isa<CXXOperatorCallExpr>(Call) &&
                              isa<CXXMethodDecl>(Callee)
                          ? 1
                          : 0;
    for (unsigned I = Offset; I < Call->getNumArgs(); ++I) {
      unsigned ParamIndex = I - Offset;
      if (ParamIndex >= Callee->getNumParams())
        break;
      QualType ParamType = Callee->getParamDecl(ParamIndex)->getType();
      bool MutableRef = ParamType->isReferenceType() &&
                        !ParamType.getNonReferenceType().isConstQualified();
      bool MutablePtr = ParamType->isPointerType() &&
                        !ParamType->getPointeeType().isConstQualified();
      const Expr *Arg = Call->getArg(I)->IgnoreParenImpCasts();
      bool TakesAddress = isa<UnaryOperator>(Arg) &&
                          cast<UnaryOperator>(Arg)->getOpcode() == UO_AddrOf;
      if (!(MutableRef || (MutablePtr && TakesAddress)))
        continue;
      const Expr *Subscript = nullptr;
      const ValueDecl *VD = baseDeclOf(Arg, &Subscript);
      if (!isOuter(VD) || (Subscript && isItem(Subscript)))
        continue;
      depend("passes " + name(VD) + " declared outside the loop to '" +
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
      if (BO->isAssignmentOp())
        write(BO->getLHS(), BO->isCompoundAssignmentOp(),
              BO->isCompoundAssignmentOp() ? nullptr : BO->getRHS(),
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

Dependence analyzeLoopDependence(const Stmt *Loop, ASTContext &Ctx) {
  return DependenceFinder(Ctx).run(Loop);
}

} // namespace concur
