//===--- CallableMatchers.h - Arguments that name code to run ---*- C++ -*-===//
//
// Matchers shared by the checks that look at code handed to concurrency
// (concur-mt-unsafe-in-parallel, concur-model-mismatch). They only narrow
// the calls the checks look at; ParallelSites in the analysis decides.
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_CHECKS_UTILS_CALLABLEMATCHERS_H
#define CONCUR_CHECKS_UTILS_CALLABLEMATCHERS_H

#include "ParallelSites.h"
#include "clang/AST/StmtOpenMP.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/ASTMatchers/ASTMatchers.h"

namespace clang::tidy::concur {

/// An argument that names code to run: a lambda, a function or its address,
/// a variable initialised with a lambda, or a wrapper (std::function) built
/// from a lambda. Keeps the checks from being called for every call.
inline ast_matchers::internal::Matcher<Expr> callableArgument() {
  using namespace ast_matchers;
  auto Function = declRefExpr(to(functionDecl()));
  return ignoringImplicit(ignoringParenImpCasts(
      anyOf(lambdaExpr(), Function,
            unaryOperator(hasOperatorName("&"), hasUnaryOperand(Function)),
            declRefExpr(to(varDecl(hasInitializer(
                ignoringImplicit(ignoringParenImpCasts(lambdaExpr())))))),
            cxxConstructExpr(argumentCountIs(1),
                             hasArgument(0, ignoringImplicit(lambdaExpr()))))));
}

/// Calls and constructions in user code that are given code to run, bound
/// to "call"; and OpenMP directives, bound to "omp".
inline void
addParallelSiteMatchers(ast_matchers::MatchFinder *Finder,
                        ast_matchers::MatchFinder::MatchCallback *Callback) {
  using namespace ast_matchers;
  auto InUserCode = allOf(unless(isExpansionInSystemHeader()),
                          unless(isInTemplateInstantiation()));
  Finder->addMatcher(
      callExpr(InUserCode, hasAnyArgument(callableArgument())).bind("call"),
      Callback);
  Finder->addMatcher(
      cxxConstructExpr(InUserCode, hasAnyArgument(callableArgument()))
          .bind("call"),
      Callback);
  Finder->addMatcher(ompExecutableDirective(InUserCode).bind("omp"), Callback);
}

/// The sites a match of addParallelSiteMatchers stands for.
inline llvm::SmallVector<::concur::ParallelSite, 1>
matchedParallelSites(const ast_matchers::MatchFinder::MatchResult &Result,
                     ::concur::WorkloadAnalyzer &Analyzer) {
  llvm::SmallVector<::concur::ParallelSite, 1> Sites;
  if (const auto *Call = Result.Nodes.getNodeAs<Expr>("call"))
    Sites = ::concur::parallelSites(Call, Analyzer);
  else if (const auto *Omp =
               Result.Nodes.getNodeAs<OMPExecutableDirective>("omp"))
    if (std::optional<::concur::ParallelSite> Site = ::concur::openMPSite(Omp))
      Sites.push_back(std::move(*Site));
  return Sites;
}

} // namespace clang::tidy::concur

#endif // CONCUR_CHECKS_UTILS_CALLABLEMATCHERS_H
