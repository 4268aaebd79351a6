//===--- LoopIndependence.h - Are a loop's iterations independent -*- C++ -*-//
//
// Iterations are independent except for reductions (`+=` and similar on a
// scalar) and per-item result collection (`push_back`, `out[i] = ...`). Early
// exits, writes to other state declared outside the loop, and calls that can
// change such state make a loop dependent.
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_ANALYSIS_LOOPINDEPENDENCE_H
#define CONCUR_ANALYSIS_LOOPINDEPENDENCE_H

#include "clang/AST/ASTContext.h"
#include "clang/AST/Stmt.h"
#include <string>

namespace concur {

struct Dependence {
  bool Independent = true;
  /// Why the loop is dependent: "writes 'total' declared outside the loop".
  std::string Reason;
  clang::SourceLocation Loc;
  /// Results are collected per item (push_back, out[i] = ...).
  bool CollectsResults = false;
  /// A scalar reduction (sum += ...) is carried across iterations.
  bool HasReduction = false;
};

/// The variable an lvalue expression designates or is part of, looking
/// through members, subscripts, dereferences and casts; a member of `this` is
/// its field. \p Subscript, when given, receives the first subscript seen.
const clang::ValueDecl *baseDeclOf(const clang::Expr *E,
                                   const clang::Expr **Subscript = nullptr);

/// Analyses a for, range-for, while or do loop.
Dependence analyzeLoopDependence(const clang::Stmt *Loop,
                                 clang::ASTContext &Ctx);

} // namespace concur

#endif // CONCUR_ANALYSIS_LOOPINDEPENDENCE_H
