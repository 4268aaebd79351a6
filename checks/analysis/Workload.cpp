//===--- Workload.cpp - Workload classes and effect kinds -----------------===//

#include "Workload.h"
#include "llvm/ADT/StringSwitch.h"

namespace concur {

static constexpr std::array<llvm::StringLiteral, NumIoKinds> IoKindNames = {
    "network", "file",  "database", "ipc",
    "process", "sleep", "sync",     "console"};
static constexpr std::array<llvm::StringLiteral, NumCpuKinds> CpuKindNames = {
    "math",  "sort",   "search", "hash",   "crypto", "compress",    "regex",
    "parse", "linalg", "format", "memory", "loop",   "numeric-loop"};
static constexpr std::array<llvm::StringLiteral, 4> ClassNames = {
    "trivial", "io", "cpu", "mixed"};
static constexpr std::array<llvm::StringLiteral, NumFanOuts> FanOutNames = {
    "single", "small", "large", "runtime", "server"};
static constexpr std::array<llvm::StringLiteral, NumRowIds> RowNames = {
    "threading", "asyncio", "futures",   "multiprocessing",
    "joblib",    "mixed",   "sequential"};

llvm::StringRef toString(IoKind K) { return IoKindNames[unsigned(K)]; }
llvm::StringRef toString(CpuKind K) { return CpuKindNames[unsigned(K)]; }
llvm::StringRef toString(WorkloadClass C) { return ClassNames[unsigned(C)]; }
llvm::StringRef toString(FanOut F) { return FanOutNames[unsigned(F)]; }
llvm::StringRef toString(RowId R) { return RowNames[unsigned(R)]; }

template <typename Enum, size_t N>
static std::optional<Enum>
parseName(llvm::StringRef S, const std::array<llvm::StringLiteral, N> &Names) {
  for (size_t I = 0; I < N; ++I)
    if (Names[I] == S)
      return Enum(I);
  return std::nullopt;
}

std::optional<IoKind> parseIoKind(llvm::StringRef S) {
  return parseName<IoKind>(S, IoKindNames);
}
std::optional<CpuKind> parseCpuKind(llvm::StringRef S) {
  return parseName<CpuKind>(S, CpuKindNames);
}
std::optional<WorkloadClass> parseWorkloadClass(llvm::StringRef S) {
  return parseName<WorkloadClass>(S, ClassNames);
}
std::optional<FanOut> parseFanOut(llvm::StringRef S) {
  return parseName<FanOut>(S, FanOutNames);
}
std::optional<RowId> parseRowId(llvm::StringRef S) {
  return parseName<RowId>(S, RowNames);
}

bool isNumericByNature(CpuKind K) {
  return K == CpuKind::Math || K == CpuKind::Linalg ||
         K == CpuKind::NumericLoop;
}

bool computes(CpuKind K) {
  return K != CpuKind::Memory && K != CpuKind::Search && K != CpuKind::Format;
}

std::string IoKindSet::str() const {
  std::string Out;
  for (unsigned I = 0; I < NumIoKinds; ++I) {
    if (!contains(IoKind(I)))
      continue;
    if (!Out.empty())
      Out += ", ";
    Out += IoKindNames[I];
  }
  return Out;
}

} // namespace concur
