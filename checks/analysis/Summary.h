//===--- Summary.h - Function summaries and their evidence ------*- C++ -*-===//
//
// Plain records produced by the analysis and rendered by the front ends: the
// effects of a piece of code (work, waiting, thread safety) with the evidence
// that supports them, and per-function summaries that can be serialised,
// because the CLI stores and links them across translation units.
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_ANALYSIS_SUMMARY_H
#define CONCUR_ANALYSIS_SUMMARY_H

#include "AnalysisOptions.h"
#include "Workload.h"
#include "clang/Basic/SourceLocation.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"
#include <string>
#include <vector>

namespace concur {

/// One step of an evidence chain: the call of `Callee` at a location.
struct Hop {
  std::string Callee;
  std::string File;
  unsigned Line = 0;
  unsigned Column = 0;
  /// The location in the current translation unit, when there is one; hops
  /// read from a summaries database have only File/Line/Column.
  clang::SourceLocation Loc;
};

enum class EvidenceKind : uint8_t {
  Io,          ///< A blocking call.
  Cpu,         ///< A CPU-heavy call or loop.
  MtUnsafe,    ///< A call of an MT-unsafe function.
  SharedWrite, ///< An unsynchronised write to a global or static.
  Unknown,     ///< A call whose effects could not be analysed.
};
llvm::StringRef toString(EvidenceKind K);

/// Why the analysis believes something: what was found, how heavy it is, and
/// the chain of calls from the summarised code down to it.
struct Evidence {
  EvidenceKind Kind = EvidenceKind::Io;
  /// The I/O or CPU kind ("network", "sort"), or a short description
  /// ("virtual call", "global write").
  std::string What;
  /// The API or object at the end of the chain: 'curl_easy_perform',
  /// 'std::sort', the global's name, "floating-point loop".
  std::string Api;
  double Weight = 0;
  /// Chain[0] is the call (or statement) in the summarised code; the last hop
  /// is where the API is called.
  std::vector<Hop> Chain;

  /// "fetch_one -> curl_easy_perform (network)"
  std::string chainText() const;
};

/// Additive effects of a statement or function, including its callees.
struct Effects {
  double Work = 0;
  double NumericWork = 0;
  double Blocking = 0;
  std::array<double, NumIoKinds> BlockingByKind{};
  bool ThreadUnsafe = false;
  bool UsesAsyncApi = false;
  bool Spawns = false;
  unsigned UnknownCalls = 0;
  std::vector<Evidence> Items;

  /// Adds \p Callee's effects \p Times over, with \p Path prepended to its
  /// evidence chains (the call of the callee in this code, or the hops that
  /// lead to it).
  void addScaled(const Effects &Callee, double Times, llvm::ArrayRef<Hop> Path,
                 const AnalysisOptions &Opts);
  void addEvidence(Evidence E, const AnalysisOptions &Opts);
  IoKindSet ioKinds(double MinBlocking = 0) const;
  /// Blocking that makes a function wait for real (all kinds but console).
  double substantialBlocking() const;
  /// The effects of diagnostics (a logger): all waiting is console output,
  /// and formatting the message is not work.
  void asDiagnostics();
};

/// The class of some code, derived from its effects.
struct Classification {
  WorkloadClass Class = WorkloadClass::Trivial;
  double Confidence = 0;
  bool Numeric = false;
  IoKindSet IoKinds;
};
Classification classify(const Effects &E, const AnalysisOptions &Opts);

/// A call this translation unit could not follow (the callee's body is in
/// another translation unit); the CLI links these across units. A summary
/// lists the external calls of its callees in this unit too, reached through
/// the hops in Via, so linking needs no call graph of the unit.
struct ExternalCall {
  std::string USR;
  std::string Name;
  double Times = 1;
  Hop Site;
  /// The calls from the summarised function down to the function that makes
  /// the external call (empty when it makes it itself).
  std::vector<Hop> Via;
  /// How many call paths were merged into this entry (each counted one
  /// unknown call in the summary's effects, unless a callback).
  unsigned Paths = 1;
  /// The callee runs under a lock (called while the caller holds one, a
  /// callback of std::call_once, or called by one): its writes to shared
  /// state are synchronised.
  bool Synchronized = false;
  /// The callee is passed as a callable (to qsort, std::sort) rather than
  /// called at Site: the summary counted neither an unknown call nor the
  /// cost of a call for it.
  bool Callback = false;
};

/// Adds \p Call to \p Calls, merging it with an entry for the same callee,
/// call site and kind of call.
void addExternalCall(std::vector<ExternalCall> &Calls, ExternalCall Call);

/// Everything known about one function, including its callees.
/// What calling a function does to locks, as its callers see it: a wrapper
/// such as `void stats_lock(void) { pthread_mutex_lock(&stats_mu); }`
/// returns holding a lock, its partner releases it.
enum class LockEffect : uint8_t { None, Acquires, Releases };

/// The lock a wrapper takes or releases.
struct LockWrapping {
  LockEffect Effect = LockEffect::None;
  /// The mutex as the wrapper's body writes it ("stats_mu",
  /// "item_locks[hv & mask]"): a release wrapper ends the section of the
  /// acquire wrapper whose mutex reads the same.
  std::string Mutex;
};

struct FunctionSummary {
  std::string USR;
  std::string Name;
  std::string QualifiedName;
  std::string File;
  unsigned Line = 0;
  unsigned Column = 0;
  bool IsCoroutine = false;
  /// The function is diagnostic output (a logger): its I/O counts as
  /// console output for its callers.
  bool LogSink = false;
  LockWrapping Lock;
  Effects Total;
  std::vector<ExternalCall> ExternalCalls;
  Classification Class;
  /// The parameters whose object the function may change, directly or
  /// through its callees: bit I set when it may write what parameter I
  /// points or refers to, or reads or writes the stream whose descriptor
  /// parameter I is. Parameters from the 64th on are all assumed written.
  /// Callees without a body here are assumed to write every non-const
  /// pointer or reference they get; linking does not refine this.
  uint64_t WrittenParams = 0;
};

/// The compact binary form the summaries database stores: a table of the
/// summary's distinct strings (file paths and callee names repeat in every
/// hop of every chain) followed by the fields, numbers as LEB128 or raw
/// little-endian doubles. It replaced JSON (summaries schema version 1),
/// which was several times larger and whose parsing dominated the link and
/// the reports of a large project. Deterministic, so it is also what
/// fingerprints hash.
std::string encodeSummary(const FunctionSummary &S);
/// Reads what encodeSummary() wrote; a damaged or truncated blob is an
/// error saying where it went wrong, never a partial summary.
llvm::Expected<FunctionSummary> decodeSummary(llvm::StringRef Data);

} // namespace concur

#endif // CONCUR_ANALYSIS_SUMMARY_H
