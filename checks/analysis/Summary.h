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
#include "Growth.h"
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

/// The What of a SharedWrite is "global " or "static " and one of these: a
/// store of new state ("global write to 'configs'"), or an in-place update
/// of a scalar, a counter or an accumulator ("global update to 'hits'").
inline constexpr llvm::StringLiteral sharedStateWrite = "write";
inline constexpr llvm::StringLiteral sharedCounterUpdate = "update";

/// Whether \p E is CPU work that computes (computes()): a loop of arithmetic,
/// a recursion, a sort, a hash; not a copy, a search or formatting.
inline bool isComputing(const Evidence &E) {
  if (E.Kind != EvidenceKind::Cpu)
    return false;
  std::optional<CpuKind> K = parseCpuKind(E.What);
  return !K || computes(*K);
}

/// Whether \p E stores shared state, not only updates a counter.
inline bool isSharedStateWrite(const Evidence &E) {
  return E.Kind == EvidenceKind::SharedWrite &&
         llvm::StringRef(E.What).ends_with(sharedStateWrite);
}

/// How a call uses what its callee returns when the callee's only waiting is
/// a would-block call (Effects::onlyForwardsWouldBlock).
enum class WouldBlockUse : uint8_t {
  Ignored,   ///< Neither of the below: the callee's waiting is the caller's.
  Handled,   ///< The caller tests the would-block codes (EAGAIN): the
             ///< descriptor is non-blocking, so nothing waits.
  Forwarded, ///< The caller returns the result to its own caller.
};

/// Additive effects of a statement or function, including its callees.
///
/// Work and blocking are known as growths in the unknown size n (Growth.h):
/// a loop whose trip count is only known at run time multiplies what its body
/// does by n. The numbers (Work, Blocking, ...) are those growths evaluated
/// at n = UnknownTripCount, for the thresholds and reports that need one
/// number; normalize() keeps them so.
struct Effects {
  /// WorkGrowth, NumericGrowth and BlockingGrowth at the nominal size.
  double Work = 0;
  double NumericWork = 0;
  double Blocking = 0;
  /// Blocking per kind at the nominal size (they add up to Blocking).
  std::array<double, NumIoKinds> BlockingByKind{};
  Growth WorkGrowth;
  Growth NumericGrowth;
  Growth BlockingGrowth;
  /// Element work: arithmetic on the elements of runtime-sized data done in
  /// loops (a dot product, a histogram, a prefix scan), which grows with the
  /// data. Part of WorkGrowth; what makes a loop over data `cpu` however
  /// cheap each element is.
  Growth ElementGrowth;
  bool ThreadUnsafe = false;
  bool UsesAsyncApi = false;
  bool Spawns = false;
  /// How deep the code waits for events on many descriptors (epoll_wait,
  /// poll, select: the knowledge base's dispatch-wait): 1 when it calls the
  /// wait itself, 2 when a function it calls does, ...; 0 when it does not.
  /// A loop that waits at a shallow depth is an event loop.
  unsigned EventWaitDepth = 0;
  unsigned UnknownCalls = 0;
  /// Some waiting is a would-block call (write, send, SSL_write) whose
  /// result the code returns to its caller, directly or through callees
  /// that do the same (`return send(fd, buf, n, 0);`).
  bool ForwardsWouldBlock = false;
  /// Some waiting (console output aside) is of any other kind.
  bool OtherBlocking = false;
  std::vector<Evidence> Items;

  /// All of the waiting is would-block results returned to the caller: a
  /// caller that handles EAGAIN on them does not wait (a descriptor layer
  /// under a packet writer that expects a non-blocking socket).
  bool onlyForwardsWouldBlock() const {
    return ForwardsWouldBlock && !OtherBlocking;
  }

  /// Adds \p Callee's effects \p Times over, with \p Path prepended to its
  /// evidence chains (the call of the callee in this code, or the hops that
  /// lead to it). \p Use is how the call uses a would-block result: a
  /// callee that only forwards would-block waits for nothing when the
  /// caller handles EAGAIN.
  void addScaled(const Effects &Callee, const Growth &Times,
                 llvm::ArrayRef<Hop> Path, const AnalysisOptions &Opts,
                 WouldBlockUse Use = WouldBlockUse::Ignored);
  /// Work of \p Ops operations (floating-point ones when \p Numeric,
  /// element work when \p Element).
  void addWork(const Growth &Ops, bool Numeric, bool Element,
               const AnalysisOptions &Opts);
  /// Waiting of kind \p Kind; \p Forwarded when it is a would-block call
  /// whose result the code returns.
  void addBlocking(IoKind Kind, const Growth &Cost, const AnalysisOptions &Opts,
                   bool Forwarded = false);
  /// Recomputes the numbers from the growths at n = UnknownTripCount.
  void normalize(const AnalysisOptions &Opts);
  /// No waiting at all (a [[clang::nonblocking]] function).
  void clearBlocking();
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

/// Why some work counts as substantial against a constant threshold.
enum class WorkReason : uint8_t {
  None,       ///< It does not.
  Element,    ///< Element work over runtime-sized data (any amount).
  Constant,   ///< Its constant part reaches the threshold.
  PerElement, ///< It grows with n, and each of the n elements costs at least
              ///< MinIterationWork.
};
/// Whether the work of \p E reaches \p Threshold, comparing growths: work
/// that grows with n is above a constant threshold only when it is element
/// work or when its cost per element (at n = UnknownTripCount) is at least
/// MinIterationWork; otherwise its constant part must reach the threshold.
WorkReason substantialWork(const Effects &E, double Threshold,
                           const AnalysisOptions &Opts);

/// A call this translation unit could not follow (the callee's body is in
/// another translation unit); the CLI links these across units. A summary
/// lists the external calls of its callees in this unit too, reached through
/// the hops in Via, so linking needs no call graph of the unit.
struct ExternalCall {
  std::string USR;
  std::string Name;
  /// How many times the call is made, as a growth in the unknown size.
  Growth Times = Growth::constant(1);
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
  /// How the caller uses a would-block result of the callee.
  WouldBlockUse Use = WouldBlockUse::Ignored;
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
