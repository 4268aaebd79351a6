//===--- Advice.h - From analysis facts to a recommendation -----*- C++ -*-===//
//
// Turns what the analysis found about a site (a loop, a call in a coroutine,
// a whole function) into the selection table's facts and asks the table.
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_ANALYSIS_ADVICE_H
#define CONCUR_ANALYSIS_ADVICE_H

#include "SelectionTable.h"
#include "WorkloadAnalyzer.h"

namespace concur {

/// The facts of a loop whose iterations could run concurrently.
SiteFacts loopSite(const LoopFacts &Loop, bool InCoroutine);

/// The facts of running calls of a function concurrently.
SiteFacts functionSite(const FunctionSummary &Summary);

/// "the row's trade-offs: pros; cons" in one line.
std::string tradeOffs(const ModelRow &Row);

/// The I/O kinds a message names: the substantial ones, heaviest first.
std::string describeIoKinds(const Effects &E, const AnalysisOptions &Opts);

/// "'curl_easy_perform' via 'download_all' -> 'fetch'": the API at the end of
/// the chain, then the calls that lead to it.
std::string describeEvidence(const Evidence &E);

/// "a floating-point loop" or "sort work in 'std::sort' via 'rank'".
std::string describeWork(const Evidence &E);

/// The heaviest evidence of \p Kind, or null.
const Evidence *topEvidence(const Effects &E, EvidenceKind Kind);

} // namespace concur

#endif // CONCUR_ANALYSIS_ADVICE_H
