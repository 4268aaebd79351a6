//===--- ModelMismatchCheck.cpp - concur ----------------------------------===//

#include "ModelMismatchCheck.h"
#include "ParallelSites.h"
#include "utils/CallableMatchers.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtOpenMP.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"

using namespace clang::ast_matchers;

namespace clang::tidy::concur {

void ModelMismatchCheck::registerMatchers(MatchFinder *Finder) {
  addParallelSiteMatchers(Finder, this);
}

void ModelMismatchCheck::check(const MatchFinder::MatchResult &Result) {
  ASTContext &Ctx = *Result.Context;
  WorkloadAnalyzer &Analyzer = analyzer(Ctx);
  const AnalysisOptions &Opts = analysisOptions();

  for (const ::concur::ParallelSite &Site :
       matchedParallelSites(Result, Analyzer)) {
    if (Site.Runs != ::concur::RunsOn::Cores &&
        Site.Runs != ::concur::RunsOn::Loop)
      continue;
    // The work of one task (one call of the callable, one iteration of an
    // OpenMP loop, one run of an OpenMP region), with chains from the site.
    auto [Work, Facts] =
        ::concur::siteTask(Site, Analyzer, /*OneIteration=*/true);

    if (Site.Runs == ::concur::RunsOn::Cores) {
      // Waiting on a core-sized pool idles its cores: only as many waits are
      // in flight as there are cores.
      if (Facts.Class != ::concur::WorkloadClass::Io)
        continue;
      const Evidence *Top = ::concur::topEvidence(Work, EvidenceKind::Io);
      if (!Top || Top->Chain.empty())
        continue;
      Facts.Dependent = false;
      if (Facts.Shape == ::concur::FanOut::Single)
        Facts.Shape = ::concur::FanOut::Small;
      Recommendation Rec = table().decide(Facts);
      diag(Site.Loc, "%0 blocks on %1 I/O (%2) but runs on CPU-oriented "
                     "parallelism ('%3'), which keeps only as many waits in "
                     "flight as there are cores; use a model made for "
                     "waiting (%4)")
          << Site.describe() << ::concur::describeIoKinds(Work, Opts)
          << ::concur::describeEvidence(Site.withoutSite(*Top)) << Site.Api
          << rowLabel(Rec);
      emitRowNote(Site.Loc, Rec);
      emitChain(*Top, Ctx);
      continue;
    }

    // An event loop's thread: substantial computation stalls every task.
    if (::concur::substantialWork(Work, Opts.SubstantialWork, Opts) ==
        ::concur::WorkReason::None)
      continue;
    const Evidence *Top = ::concur::topEvidence(Work, EvidenceKind::Cpu);
    Facts.InCoroutine = true;
    Facts.Class = ::concur::WorkloadClass::Cpu;
    Recommendation Rec = table().decide(Facts);
    diag(Site.Loc, "%0 does substantial CPU work (%1) but runs on the event "
                   "loop's thread ('%2'), where it stalls every task; offload "
                   "it to a core-sized pool with run_in_executor (%3)")
        << Site.describe()
        << (Top ? ::concur::describeWork(Site.withoutSite(*Top))
                : std::string("computation"))
        << Site.Api << rowLabel(Rec);
    emitRowNote(Site.Loc, Rec);
    if (Top)
      emitChain(*Top, Ctx);
  }
}

} // namespace clang::tidy::concur
