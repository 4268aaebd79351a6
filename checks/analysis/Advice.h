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

/// The libraries of \p Table that code of \p Language uses, in the table's
/// order, given the paths of the files its translation unit includes.
std::vector<const KnownLibrary *>
librariesUsed(const SelectionTable &Table, SourceLanguage Language,
              llvm::ArrayRef<llvm::StringRef> IncludedFiles);

/// "use IMPLEMENTATION; pros: ...; cons: ..." for \p Row in code of
/// \p Language: the first library in \p Used that implements the row,
/// else the row's own implementation in that language.
std::string rowAdvice(const ModelRow &Row, SourceLanguage Language,
                      llvm::ArrayRef<const KnownLibrary *> Used);

/// The I/O kinds a message names: the substantial ones, heaviest first.
std::string describeIoKinds(const Effects &E, const AnalysisOptions &Opts);

/// "'curl_easy_perform' via 'download_all' -> 'fetch'": the API at the end of
/// the chain, then the calls that lead to it.
std::string describeEvidence(const Evidence &E);

/// "a floating-point loop" or "sort work in 'std::sort' via 'rank'".
std::string describeWork(const Evidence &E);

/// The heaviest evidence of \p Kind, or null.
const Evidence *topEvidence(const Effects &E, EvidenceKind Kind);

/// "a call of 'strtok' via 'tokenize'" or "an unsynchronised global write to
/// 'hits' via 'bump'": what makes code thread-unsafe.
std::string describeUnsafety(const Evidence &E);

/// The heaviest I/O evidence whose kind is in \p Kinds, or null.
const Evidence *topIoEvidence(const Effects &E, IoKindSet Kinds);

/// The blocking of \p E on the kinds in \p Kinds.
double blockingIn(const Effects &E, IoKindSet Kinds);

/// describeIoKinds restricted to \p Kinds.
std::string describeIoKindsIn(const Effects &E, IoKindSet Kinds,
                              const AnalysisOptions &Opts);

/// The facts of waiting done while a lock is held: one unit of I/O per lock
/// holder (a small fan-out), which the table sends to an I/O worker
/// (threading), or to the asynchronous form inside a coroutine.
SiteFacts criticalSectionSite(const Effects &Blocking, IoKindSet Kinds,
                              bool InCoroutine);

} // namespace concur

#endif // CONCUR_ANALYSIS_ADVICE_H
