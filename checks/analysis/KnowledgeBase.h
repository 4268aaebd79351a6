//===--- KnowledgeBase.h - What external APIs do ----------------*- C++ -*-===//
//
// The API knowledge base: for each external function, whether it blocks (and
// on what), whether it computes (and what), whether it is MT-unsafe, and its
// asynchronous form. The facts live in data files (checks/data/
// knowledge-base.yaml, `.concur.yaml`), never in code.
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_ANALYSIS_KNOWLEDGEBASE_H
#define CONCUR_ANALYSIS_KNOWLEDGEBASE_H

#include "Workload.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Error.h"
#include <string>
#include <vector>

namespace concur {

/// What happens to a callable passed to a function.
enum class CallbackPolicy : uint8_t {
  Unspecified, ///< Unknown library function: assumed inline when opaque.
  Inline,      ///< Called before the function returns (std::for_each).
  Elsewhere,   ///< Run on another thread or later (std::thread, submit).
  Synchronized ///< Run under the library's own lock (std::call_once).
};

/// Where a callable passed to a concurrency API runs.
enum class RunsOn : uint8_t {
  Caller,  ///< Not stated: on the caller's thread, or not a concurrency API.
  Threads, ///< On other threads, concurrently (std::thread, a pool's submit).
  Cores,   ///< On a core-sized pool for CPU work (tbb::parallel_for).
  Loop,    ///< On an event loop's single thread (concur::event_loop::post).
  Process, ///< In worker processes with their own memory.
};

/// The merged effects of one API.
struct ApiEffects {
  std::optional<IoKind> Io;
  std::optional<CpuKind> Cpu;
  bool Numeric = false;
  /// Cost of one call in work units; negative until resolved from the kind.
  double Cost = -1;
  bool MtUnsafe = false;
  std::string SafeForm;
  bool Async = false;
  std::string AsyncForm;
  std::string Fix;
  CallbackPolicy Callback = CallbackPolicy::Unspecified;
  bool Spawns = false;
  bool AcquiresLock = false;
  /// The function releases a lock its argument or object holds
  /// (std::mutex::unlock, pthread_mutex_unlock).
  bool ReleasesLock = false;
  /// Where a callable passed to it runs; for a function that returns a pool
  /// (concur::cpu_pool), where work submitted to that pool runs.
  RunsOn Runs = RunsOn::Caller;
  /// The effects do not apply when the object the function works on (the
  /// object of a member call, else the first argument) has one of these
  /// types: `std::getline` on a std::basic_istringstream is parsing, not I/O.
  std::vector<std::string> UnlessObject;
  /// The function is diagnostic output (a logger, syslog, perror): a call
  /// counts as console output, whatever the function does inside.
  bool LogSink = false;
  /// When the argument at this index names the terminal (stdout, stderr,
  /// std::cout, descriptor 1 or 2), the call is console output:
  /// fprintf(stderr, ...) is not file I/O.
  int ConsoleStreamArg = -1;
  /// When the argument at this index is a constant of at most
  /// MaxWakeUpBytes, the call is a wake-up (an eventfd or self-pipe write),
  /// not I/O that waits.
  int WakeUpSizeArg = -1;
  /// When the argument at this index is the constant 0, the call only
  /// checks and returns at once: poll(fds, n, 0).
  int TimeoutArg = -1;
  /// On a non-blocking descriptor the call returns at once with one of the
  /// would-block codes (EAGAIN) instead of waiting; a function that handles
  /// those codes uses its descriptors so (send, recv, accept, write).
  bool WouldBlock = false;
  /// The function registers the callable at argument LoopCallbackArg
  /// (LastArg: the last one; AllArgs: every callable argument) to run on an
  /// event loop's thread: event_assign, uv_read_start, an Asio async_*
  /// operation's completion handler. Meaningful when LoopCallback is set.
  bool LoopCallback = false;
  int LoopCallbackArg = 0;
  static constexpr int LastArg = -1, AllArgs = -2;
  /// The function waits for the readiness of many descriptors (epoll_wait,
  /// poll, select): a loop around it dispatches the events, and what it
  /// calls runs on the loop's thread.
  bool DispatchWait = false;
  /// The argument that gives how many descriptors a dispatch wait watches
  /// (poll's nfds, select's highest descriptor plus one): a wait on a
  /// constant one or none (`select(0, ...)` as a sleep) dispatches nothing.
  int DescriptorCountArg = -1;
  /// The entry comes from the project's configuration (`.concur.yaml`, a
  /// KnowledgeBaseFile): it may describe the project's own functions,
  /// static ones included. Built-in entries describe libraries, whose
  /// functions have external linkage: bzip2's `static void compress(char *)`
  /// is not zlib's compress().
  bool FromProject = false;

  /// Folds \p Other into this entry (a name listed in several entries).
  void merge(const ApiEffects &Other);
};

/// Writes of at most this many bytes wake a thread up; they do not wait.
inline constexpr uint64_t MaxWakeUpBytes = 8;

/// Words that say code is incidental to the workload (`incidental:` block
/// of the knowledge base): matched against the words of a name split at
/// underscores, case changes and digits.
struct IncidentalWords {
  /// A function named with one of these, whose parameters take a format,
  /// and whose only I/O is output, is a log sink (serverLog, log_error).
  std::vector<std::string> Log;
  /// A branch whose condition reads a variable named with one of these is
  /// level-gated diagnostics (`if (verbose > 1)`, `if (log->level >= X)`
  /// matches both "log" and "level").
  std::vector<std::string> Level;
  /// A label named with one of these starts an error path (`goto err;`).
  std::vector<std::string> ErrorLabel;
  /// A function whose name contains one of these (without case) releases
  /// something (free, close, reset): a loop that only calls such functions
  /// is cleanup, not work worth running concurrently.
  std::vector<std::string> Release;
  /// Codes (macros or constants) that say a call would have blocked on a
  /// non-blocking descriptor: EAGAIN, EWOULDBLOCK, SSL_ERROR_WANT_READ.
  std::vector<std::string> WouldBlockCodes;
  /// Codes that say a descriptor blocks with a timeout (SO_SNDTIMEO, a
  /// would-block code turned into ETIMEDOUT): a body that uses one of these
  /// waits on its descriptors even when it handles a would-block code.
  std::vector<std::string> TimeoutCodes;
  /// Flags that make a descriptor non-blocking when it is created or
  /// switched with fcntl or ioctl: O_NONBLOCK, SOCK_NONBLOCK, FIONBIO.
  std::vector<std::string> NonBlockingFlags;
};

/// Default cost per kind, from the `costs` block of the knowledge base.
struct KindCosts {
  std::array<double, NumIoKinds> Io{};
  std::array<double, NumCpuKinds> Cpu{};
};

class KnowledgeBase {
public:
  /// The knowledge base compiled into the binary from
  /// checks/data/knowledge-base.yaml.
  static const KnowledgeBase &builtin();

  /// Parses a knowledge-base document. Errors name the file, line and column.
  static llvm::Expected<KnowledgeBase> parse(llvm::StringRef Yaml,
                                             llvm::StringRef FileName);

  /// Adds one entry for each of \p Names (used by check options and
  /// `.concur.yaml`).
  void add(llvm::ArrayRef<std::string> Names, const ApiEffects &Effects);

  /// Adds every entry of \p Other; its costs block wins where it sets one.
  void extend(const KnowledgeBase &Other);

  /// The merged effects of the function with this normalised qualified name
  /// (no template arguments, no inline namespaces), if it is known.
  std::optional<ApiEffects> lookup(llvm::StringRef QualifiedName) const;

  /// Cost of one call of \p E, resolved from its kind when not set.
  double ioCost(const ApiEffects &E) const;
  double cpuCost(const ApiEffects &E) const;

  const KindCosts &costs() const { return Costs; }
  const IncidentalWords &incidental() const { return Incidental; }
  size_t size() const { return Exact.size() + Prefixes.size(); }
  /// No entries and no costs: extending with it changes nothing.
  bool empty() const;

  /// Adds functions that run on an event loop's thread however they are
  /// registered (`.concur.yaml`'s `handlers:`).
  void addLoopHandlers(llvm::ArrayRef<std::string> Names);
  /// Whether the function with this normalised qualified name was named as
  /// an event-loop handler.
  bool isLoopHandler(llvm::StringRef QualifiedName) const {
    return LoopHandlers.contains(QualifiedName);
  }

private:
  llvm::StringSet<> LoopHandlers;
  llvm::StringMap<ApiEffects> Exact;
  /// Patterns with a trailing '*', longest first.
  std::vector<std::pair<std::string, ApiEffects>> Prefixes;
  KindCosts Costs;
  IncidentalWords Incidental;
  std::array<bool, NumIoKinds> IoCostSet{};
  std::array<bool, NumCpuKinds> CpuCostSet{};

  friend struct KnowledgeBaseParser;
};

} // namespace concur

#endif // CONCUR_ANALYSIS_KNOWLEDGEBASE_H
