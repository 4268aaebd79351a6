//===--- AnalysisTestUtil.h - Parse code for analysis tests -----*- C++ -*-===//

#ifndef CONCUR_TESTS_ANALYSISTESTUTIL_H
#define CONCUR_TESTS_ANALYSISTESTUTIL_H

#include "KnowledgeBase.h"
#include "SummaryLinker.h"
#include "WorkloadAnalyzer.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/ASTMatchers/ASTMatchers.h"
#include "clang/Frontend/ASTUnit.h"
#include "clang/Tooling/Tooling.h"
#include "gtest/gtest.h"

namespace concur::test {

/// A parsed snippet and an analyzer over it. The snippet may include the
/// check tests' mock headers (sockets, curl, mock_std.h ...).
class Parsed {
public:
  explicit Parsed(llvm::StringRef Code, AnalysisOptions Opts = {},
                  const KnowledgeBase &KB = KnowledgeBase::builtin())
      : Unit(clang::tooling::buildASTFromCodeWithArgs(
            Code, {"-std=c++20", "-nostdinc++", "-isystem", CONCUR_MOCK_INCLUDE},
            "input.cpp")),
        Analyzer(Unit->getASTContext(), KB, Opts) {}

  clang::ASTContext &context() { return Unit->getASTContext(); }

  const clang::FunctionDecl *function(llvm::StringRef Name) {
    using namespace clang::ast_matchers;
    auto Found = match(functionDecl(hasName(Name), isDefinition()).bind("f"),
                       context());
    EXPECT_FALSE(Found.empty()) << "no function " << Name.str();
    return Found.empty() ? nullptr
                         : Found.front().getNodeAs<clang::FunctionDecl>("f");
  }

  /// The first loop (for, range-for, while, do) in function \p Name.
  const clang::Stmt *loopIn(llvm::StringRef Name) {
    using namespace clang::ast_matchers;
    auto Found = match(
        stmt(anyOf(forStmt(), cxxForRangeStmt(), whileStmt(), doStmt()),
             hasAncestor(functionDecl(hasName(Name))))
            .bind("loop"),
        context());
    EXPECT_FALSE(Found.empty()) << "no loop in " << Name.str();
    return Found.empty() ? nullptr : Found.front().getNodeAs<clang::Stmt>("loop");
  }

  const FunctionSummary &summary(llvm::StringRef Name) {
    return Analyzer.summarize(function(Name));
  }

  std::unique_ptr<clang::ASTUnit> Unit;
  WorkloadAnalyzer Analyzer;
};

/// The local summaries of the functions \p Names of \p P, as unit \p Unit
/// would store them.
inline std::vector<StoredFunction>
localsOf(Parsed &P, llvm::StringRef Unit,
         std::initializer_list<const char *> Names) {
  std::vector<StoredFunction> Out;
  for (const char *Name : Names) {
    StoredFunction F;
    F.Summary = P.summary(Name);
    F.Unit = Unit.str();
    Out.push_back(std::move(F));
  }
  return Out;
}

/// The summary of the function named \p Name in \p All, or null.
inline const FunctionSummary *findNamed(llvm::ArrayRef<FunctionSummary> All,
                                        llvm::StringRef Name) {
  for (const FunctionSummary &S : All)
    if (S.Name == Name)
      return &S;
  return nullptr;
}

} // namespace concur::test

#endif // CONCUR_TESTS_ANALYSISTESTUTIL_H
