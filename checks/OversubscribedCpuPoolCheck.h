//===--- OversubscribedCpuPoolCheck.h - concur ------------------*- C++ -*-===//

#ifndef CONCUR_CHECKS_OVERSUBSCRIBEDCPUPOOLCHECK_H
#define CONCUR_CHECKS_OVERSUBSCRIBEDCPUPOOLCHECK_H

#include "utils/ConcurCheck.h"
#include "llvm/ADT/DenseSet.h"

namespace clang::tidy::concur {

/// Finds CPU-bound work run on more workers than cores: a pool constructed
/// with a constant thread count above what the machine can have or with a
/// multiple of the core count, the runtime's I/O pool, threads started up to
/// a multiple of the core count, and OpenMP regions with such a
/// num_threads. Recommends a core-sized pool.
///
/// For the user-facing documentation see:
/// checks/docs/concur-oversubscribed-cpu-pool.md
class OversubscribedCpuPoolCheck : public ConcurCheck {
public:
  OversubscribedCpuPoolCheck(StringRef Name, ClangTidyContext *Context);
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;
  void onStartOfTranslationUnit() override;

private:
  std::vector<std::string> PoolClasses;
  std::vector<std::string> ExecutorClasses;
  std::vector<std::string> IoPoolFunctions;
  std::vector<std::string> ThreadClasses;
  std::vector<std::string> ThreadFunctions;
  std::vector<std::string> CoreCountFunctions;
  unsigned MaxHardwareThreads;
  llvm::DenseSet<const void *> Reported;

  /// Why \p Size is more workers than cores ("64 threads", "4 times the
  /// core count"), or empty when it is not known to be.
  std::string oversubscription(const Expr *Size, ASTContext &Ctx,
                               unsigned Depth = 0);

  struct PoolSite {
    const void *Key = nullptr;
    SourceLocation Loc;
    std::string What;
  };
  /// The oversized pool the object of a submit designates, if any.
  std::optional<PoolSite> oversizedPool(const Expr *Object, ASTContext &Ctx,
                                        unsigned Depth = 0);

  void checkSubmit(const CXXMemberCallExpr *Submit, ASTContext &Ctx);
  void checkThreadLoop(const Expr *Start, ASTContext &Ctx);
  void checkOpenMP(const OMPExecutableDirective *Directive, ASTContext &Ctx);
  /// Reports \p Work when it is CPU-bound; \p Task is the function that
  /// does it (null for an OpenMP region), passed at \p PassedAt.
  void report(const PoolSite &Pool, const ::concur::FunctionSummary &Work,
              const FunctionDecl *Task, SourceLocation PassedAt,
              SourceLocation WorkLoc, StringRef WorkNote, ASTContext &Ctx);
};

} // namespace clang::tidy::concur

#endif // CONCUR_CHECKS_OVERSUBSCRIBEDCPUPOOLCHECK_H
