//===--- Workload.h - Workload classes and effect kinds ---------*- C++ -*-===//
//
// The vocabulary of the analysis: what a function waits on (I/O kinds), what
// it computes (CPU kinds), and the four workload classes of the selection
// table. Names are the fixed strings used in data files and every output.
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_ANALYSIS_WORKLOAD_H
#define CONCUR_ANALYSIS_WORKLOAD_H

#include "llvm/ADT/StringRef.h"
#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace concur {

/// What a blocking call waits on.
enum class IoKind : uint8_t {
  Network,
  File,
  Database,
  Ipc,
  Process,
  Sleep,
  Sync,
  Console,
};
inline constexpr unsigned NumIoKinds = 8;

/// What a CPU-heavy call or statement computes.
enum class CpuKind : uint8_t {
  Math,
  Sort,
  Search,
  Hash,
  Crypto,
  Compress,
  Regex,
  Parse,
  Linalg,
  Format,
  Memory,
  Loop,        ///< A loop of arithmetic in the code itself.
  NumericLoop, ///< A loop of floating-point arithmetic in the code itself.
};
inline constexpr unsigned NumCpuKinds = 13;

/// The four workload classes of the selection table.
enum class WorkloadClass : uint8_t { Trivial, Io, Cpu, Mixed };

/// The shape of a loop's fan-out, as the selection table uses it.
enum class FanOut : uint8_t {
  Single,  ///< At most one iteration.
  Small,   ///< A small constant number of iterations.
  Large,   ///< A large constant number of iterations.
  Runtime, ///< A number only known at run time (a container, a bound).
  Server,  ///< An endless loop that serves requests.
};
inline constexpr unsigned NumFanOuts = 5;

/// The rows (concurrency models) of the selection table.
enum class RowId : uint8_t {
  Threading,
  Asyncio,
  Futures,
  Multiprocessing,
  Joblib,
  Mixed,
  Sequential,
};
inline constexpr unsigned NumRowIds = 7;

/// A set of I/O kinds as a bit mask.
class IoKindSet {
public:
  void insert(IoKind K) { Bits |= 1u << unsigned(K); }
  bool contains(IoKind K) const { return Bits & (1u << unsigned(K)); }
  bool empty() const { return Bits == 0; }
  unsigned raw() const { return Bits; }
  IoKindSet &operator|=(IoKindSet O) {
    Bits |= O.Bits;
    return *this;
  }
  bool intersects(IoKindSet O) const { return Bits & O.Bits; }
  /// "network, file" in the enum's order.
  std::string str() const;

private:
  unsigned Bits = 0;
};

llvm::StringRef toString(IoKind K);
llvm::StringRef toString(CpuKind K);
llvm::StringRef toString(WorkloadClass C);
llvm::StringRef toString(FanOut F);
llvm::StringRef toString(RowId R);
std::optional<IoKind> parseIoKind(llvm::StringRef S);
std::optional<CpuKind> parseCpuKind(llvm::StringRef S);
std::optional<WorkloadClass> parseWorkloadClass(llvm::StringRef S);
std::optional<FanOut> parseFanOut(llvm::StringRef S);
std::optional<RowId> parseRowId(llvm::StringRef S);

/// Whether a CPU kind is floating-point numeric work by nature.
bool isNumericByNature(CpuKind K);

/// Whether work of kind \p K computes. Copying, searching and formatting
/// move or scan bytes: they cost time, but an item whose only work they are
/// is not worth a task of its own, and they are not work per element.
bool computes(CpuKind K);

} // namespace concur

#endif // CONCUR_ANALYSIS_WORKLOAD_H
