//===--- LoopIndependence.h - Are a loop's iterations independent -*- C++ -*-//
//
// Iterations are independent except for reductions (`+=` and similar on a
// scalar) and per-item result collection (`push_back`, `out[i] = ...`). Early
// exits, writes to other state declared outside the loop, reads of array
// slots other iterations write, and calls that can change such state make a
// loop dependent. A call changes state when it gets, on every iteration, the
// same object (an argument that mentions nothing the loop varies) through a
// parameter the callee writes through, or the same descriptor through a
// parameter the callee reads or writes a stream with: one buffer, one reply,
// one FILE*, one cursor, one socket.
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_ANALYSIS_LOOPINDEPENDENCE_H
#define CONCUR_ANALYSIS_LOOPINDEPENDENCE_H

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/Stmt.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include <cstdint>
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

/// Whether everything \p Loop reads from outside itself is fixed when the
/// program is compiled: constants, enumerators, functions, arrays of a
/// constant size (a fixed table, a scratch array), and arrays it only
/// writes into (the table it fills). With a constant trip count, such a
/// loop does the same work on every run whatever the input: a start-up
/// table, not a batch.
bool hasConstantInputs(const clang::Stmt *Loop);

/// Which parameters of a callee it may change (bit I: parameter I), as
/// FunctionSummary::WrittenParams says.
using WrittenParamsFn =
    llvm::function_ref<uint64_t(const clang::FunctionDecl *Callee)>;

/// What a callee's declaration allows when nothing else is known: every
/// non-const pointer or reference parameter may be written through.
uint64_t signatureWrittenParams(const clang::FunctionDecl *FD);

/// Whether bit \p Index of a WrittenParams mask is set (parameters from the
/// 64th on always are).
inline bool writesParam(uint64_t Mask, unsigned Index) {
  return Index >= 64 || ((Mask >> Index) & 1);
}

/// A non-const member function that has a const overload of the same name
/// and arity (`operator[]`, `at`, `begin`, `find`, `data`): calling it on a
/// non-const object only reads, unless its result is written to.
bool isAccessor(const clang::CXXMethodDecl *MD);

/// Analyses a for, range-for, while or do loop. \p WrittenParams says which
/// parameters a callee changes; without it, signatureWrittenParams().
Dependence analyzeLoopDependence(const clang::Stmt *Loop,
                                 clang::ASTContext &Ctx,
                                 WrittenParamsFn WrittenParams = {});

} // namespace concur

#endif // CONCUR_ANALYSIS_LOOPINDEPENDENCE_H
