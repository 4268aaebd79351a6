//===--- MtUnsafeInParallelCheck.cpp - concur -----------------------------===//

#include "MtUnsafeInParallelCheck.h"
#include "ParallelSites.h"
#include "utils/CallableMatchers.h"
#include "utils/TaskSites.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtOpenMP.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"

using namespace clang::ast_matchers;

namespace clang::tidy::concur {

void MtUnsafeInParallelCheck::registerMatchers(MatchFinder *Finder) {
  addParallelSiteMatchers(Finder, this);
}

MtUnsafeInParallelCheck::MtUnsafeInParallelCheck(StringRef Name,
                                                 ClangTidyContext *Context)
    : ConcurCheck(Name, Context),
      ThreadClasses(qualifiedNameList(
          Options.getLocalOrGlobal("ThreadClasses", DefaultThreadClasses))),
      ThreadFunctions(qualifiedNameList(Options.getLocalOrGlobal(
          "ThreadFunctions", DefaultThreadFunctions))) {}

void MtUnsafeInParallelCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  ConcurCheck::storeOptions(Opts);
  Options.store(Opts, "ThreadClasses", joinNameList(ThreadClasses));
  Options.store(Opts, "ThreadFunctions", joinNameList(ThreadFunctions));
}

void MtUnsafeInParallelCheck::check(const MatchFinder::MatchResult &Result) {
  ASTContext &Ctx = *Result.Context;
  // One thread started outside any loop (a maintenance or logger thread)
  // runs its function once, on one thread: nothing shows several threads
  // running it.
  if (const auto *Call = Result.Nodes.getNodeAs<Expr>("call");
      Call && isThreadStart(Call, ThreadClasses, ThreadFunctions) &&
      !enclosingLoop(Call, Ctx))
    return;
  WorkloadAnalyzer &Analyzer = analyzer(Ctx);

  for (const ::concur::ParallelSite &Site :
       matchedParallelSites(Result, Analyzer)) {
    if (Site.Runs != ::concur::RunsOn::Threads &&
        Site.Runs != ::concur::RunsOn::Cores)
      continue;
    // The work one thread runs, with chains that start at the site.
    auto [Work, Facts] =
        ::concur::siteTask(Site, Analyzer, /*OneIteration=*/false);
    if (!Work.ThreadUnsafe)
      continue;
    const Evidence *Unsafe =
        ::concur::topEvidence(Work, EvidenceKind::MtUnsafe);
    const Evidence *Write =
        ::concur::topEvidence(Work, EvidenceKind::SharedWrite);
    const Evidence *Top = Unsafe ? Unsafe : Write;
    if (!Top)
      continue;
    Facts.ThreadSafe = false;
    Recommendation Rec = table().decide(Facts);
    bool Processes = Rec.id() == ::concur::RowId::Multiprocessing;
    diag(Site.Loc, "%0 runs on several threads ('%1') but is not thread-safe: "
                   "%2; synchronise it or use thread-safe forms%3 (%4)")
        << Site.describe() << Site.Api
        << ::concur::describeUnsafety(Site.withoutSite(*Top))
        << (Processes ? ", or run it in worker processes" : "")
        << rowLabel(Rec);
    emitRowNote(Site.Loc, Rec);
    emitChain(*Top, Ctx);
    if (Unsafe && Write)
      emitChain(*Write, Ctx);
    if (Unsafe)
      if (std::optional<::concur::ApiEffects> Api =
              Analyzer.knowledgeBase().lookup(Unsafe->Api);
          Api && !Api->SafeForm.empty())
        diag(Site.Loc, "thread-safe form of '%0': %1", DiagnosticIDs::Note)
            << Unsafe->Api << Api->SafeForm;
  }
}

} // namespace clang::tidy::concur
