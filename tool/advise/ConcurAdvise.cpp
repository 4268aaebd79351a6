//===--- ConcurAdvise.cpp - The whole-project concurrency advisor ---------===//
//
// concur-advise analyses every translation unit of a compilation database
// and reports which concurrency model each function and loop should use,
// with the same findings the clang-tidy checks give, but over the whole
// program: a loop in a.cpp that calls a helper in b.cpp that calls `recv` is
// I/O-bound.
//
// Design
// ------
// Three layers, as in include-what-you-use: collect, decide, report.
//
//  * Collect (UnitRunner, UnitScheduler). Each translation unit is parsed
//    once, in process, on one of -j worker threads.
//    On that AST, clang-tidy's own library (ClangTidyASTConsumerFactory,
//    ClangTidyDiagnosticConsumer) runs the concur checks, so messages, notes,
//    NOLINT, .clang-tidy options, header filters and fixes are exactly
//    clang-tidy's; and a collector computes the *local* summary of every
//    function defined in the main file: its effects with calls into other
//    units left unresolved (ExternalCall, with the hops that lead to it).
//    The checks get cross-unit facts from a SummaryProvider over the linked
//    summaries, installed for the worker thread; it records each USR looked
//    up with the fingerprint of the answer.
//
//  * Decide (ProjectRun, UnitCache). Local summaries, findings, the files
//    each unit read (with content hashes) and its lookups go to SQLite. The
//    linker folds external calls bottom-up over the whole-program call graph
//    (Tarjan's SCCs, so recursion across units is solved like recursion in
//    one unit): the fixed point of "a summary includes its callees'". Local
//    summaries never depend on other units, so after one link every unit
//    whose recorded lookups disagree with the new fingerprints is re-checked
//    once, and the result is final. A cold run re-checks few: units are
//    analysed callees first (UnitOrder guesses the order from a raw lexing)
//    and each sees the units stored before it, linked on demand
//    (IncrementalLinker). A unit is re-parsed only when its key
//    (compile command, checks, options, .clang-tidy/.concur.yaml, tool
//    version) or the content of a file it read changed; an unchanged tree
//    parses nothing.
//
//  * Report (Report, Decide, Emitter). Everything is read from the database
//    alone, so --from-db and `merge` of sharded databases need no parsing.
//    The report takes its rows from the checks' findings (the analysis'
//    decision); only a function without a finding asks the selection table,
//    in one place (Decide.h). One emitter per format: text (clang-style,
//    evidence chain as notes), json (schema "concur-advise/2"), sarif
//    (2.1.0), html (one self-contained page), markdown.
//
// Files: Options (the command line), Advise (one run, step by step), Merge
// (combining the databases of a sharded run, in two phases),
// Project and Scheduler (collect), Report, Decide, the emitters, Explain,
// Baseline and Fixes (report). All but main() form concurAdviseLib, which
// the unit tests link.
//
// Glossary
//   unit         a translation unit: one main file of the compile database
//   local        a summary computed inside one unit, external calls open
//   linked       a summary with every external call folded in
//   lookup       a check asking the provider for a linked summary by USR
//   fingerprint  hash of a linked summary; a changed one re-checks its users
//
// Exit status (the CI contract)
//   0  no finding at or above --fail-on (default: warning)
//   1  findings at or above --fail-on
//   2  usage or configuration error (bad option, missing or malformed
//      compilation database, a named file absent from it, malformed
//      .concur.yaml or --config, unusable summaries database or baseline)
//   3  some translation units could not be analysed (the rest are reported,
//      and the failed ones are named); takes precedence over 1
//
//===----------------------------------------------------------------------===//

#include "Advise.h"
#include "Merge.h"
#include "Options.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;
using namespace concur::advise;

static int runCommandLine(int Argc, const char **Argv) {
  if (Argc > 1 && StringRef(Argv[1]) == "merge") {
    Expected<MergeOptions> Opts =
        parseMergeOptions(ArrayRef<const char *>(Argv + 2, Argv + Argc));
    return Opts ? runMerge(*Opts) : reportUsage(Opts.takeError());
  }
  Expected<AdviseOptions> Opts = parseAdviseOptions(Argc, Argv);
  return Opts ? runAdvise(*Opts, Argv[0]) : reportUsage(Opts.takeError());
}

int main(int argc, const char **argv) {
  InitLLVM X(argc, argv);
  int Code = runCommandLine(argc, argv);
  outs().flush();
  errs().flush();
  // Everything of ours is closed by now. LLVM's shutdown is skipped: a unit
  // whose front end crashed (and was recovered) can leave LLVM's global timer
  // lock held by the abandoned frame, and the shutdown would wait forever.
  sys::Process::Exit(Code, /*NoCleanup=*/true);
}
