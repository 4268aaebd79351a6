//===--- Summary.cpp - Function summaries and their evidence --------------===//

#include "Summary.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/bit.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/LEB128.h"
#include <algorithm>
#include <cmath>

using namespace llvm;

namespace concur {

/// Evidence weights saturate here (they order evidence; the growths are the
/// estimates).
static constexpr double MaxWeight = 1e18;

StringRef toString(EvidenceKind K) {
  switch (K) {
  case EvidenceKind::Io:
    return "io";
  case EvidenceKind::Cpu:
    return "cpu";
  case EvidenceKind::MtUnsafe:
    return "mt-unsafe";
  case EvidenceKind::SharedWrite:
    return "shared-write";
  case EvidenceKind::Unknown:
    return "unknown";
  }
  llvm_unreachable("unknown evidence kind");
}

std::string Evidence::chainText() const {
  std::string Out;
  for (const Hop &H : Chain) {
    if (H.Callee.empty())
      continue;
    if (!Out.empty())
      Out += " -> ";
    Out += H.Callee;
  }
  if (Out.empty())
    Out = Api;
  Out += " (" + What + ")";
  return Out;
}

/// Orders evidence heaviest first; ties by location so output is stable.
static bool heavierFirst(const Evidence &A, const Evidence &B) {
  if (A.Weight != B.Weight)
    return A.Weight > B.Weight;
  const Hop *HA = A.Chain.empty() ? nullptr : &A.Chain.front();
  const Hop *HB = B.Chain.empty() ? nullptr : &B.Chain.front();
  if (HA && HB &&
      (HA->File != HB->File || HA->Line != HB->Line ||
       HA->Column != HB->Column))
    return std::tie(HA->File, HA->Line, HA->Column) <
           std::tie(HB->File, HB->Line, HB->Column);
  return A.Api < B.Api;
}

void Effects::addEvidence(Evidence E, const AnalysisOptions &Opts) {
  if (E.Chain.size() > Opts.MaxChainLength)
    E.Chain.erase(E.Chain.begin() + Opts.MaxChainLength - 1, E.Chain.end() - 1);
  unsigned SameKind = 0;
  Evidence *Lightest = nullptr;
  // Computing CPU evidence has its own quota: heavy copies and formatting
  // must not push out the loop that says an item computes.
  bool Computing = isComputing(E);
  for (Evidence &Item : Items) {
    if (Item.Kind != E.Kind || isComputing(Item) != Computing)
      continue;
    // The same finding reached twice (e.g. two calls of one helper) is
    // reported once, with the weights added.
    if (Item.Api == E.Api && Item.What == E.What && !Item.Chain.empty() &&
        !E.Chain.empty() && Item.Chain.front().Line == E.Chain.front().Line &&
        Item.Chain.front().Column == E.Chain.front().Column &&
        Item.Chain.front().File == E.Chain.front().File) {
      Item.Weight += E.Weight;
      return;
    }
    ++SameKind;
    if (!Lightest || heavierFirst(*Lightest, Item))
      Lightest = &Item;
  }
  if (SameKind < Opts.MaxEvidence) {
    Items.insert(llvm::upper_bound(Items, E, heavierFirst), std::move(E));
    return;
  }
  if (!heavierFirst(E, *Lightest))
    return;
  Items.erase(Items.begin() + (Lightest - Items.data()));
  Items.insert(llvm::upper_bound(Items, E, heavierFirst), std::move(E));
}

void Effects::addScaled(const Effects &Callee, const Growth &Times,
                        llvm::ArrayRef<Hop> Path, const AnalysisOptions &Opts,
                        WouldBlockUse Use) {
  bool OnlyWouldBlock = Callee.onlyForwardsWouldBlock();
  if (OnlyWouldBlock && Use == WouldBlockUse::Handled) {
    // The caller handles EAGAIN: its descriptor is non-blocking.
    Effects Returns = Callee;
    Returns.clearBlocking();
    llvm::erase_if(Returns.Items, [](const Evidence &E) {
      return E.Kind == EvidenceKind::Io;
    });
    addScaled(Returns, Times, Path, Opts);
    return;
  }
  if (OnlyWouldBlock && Use == WouldBlockUse::Forwarded)
    ForwardsWouldBlock = true;
  else
    OtherBlocking |= Callee.OtherBlocking || Callee.ForwardsWouldBlock;
  double T = Times.at(Opts.UnknownTripCount);
  WorkGrowth += Callee.WorkGrowth * Times;
  NumericGrowth += Callee.NumericGrowth * Times;
  BlockingGrowth += Callee.BlockingGrowth * Times;
  ElementGrowth += Callee.ElementGrowth * Times;
  for (unsigned I = 0; I < NumIoKinds; ++I)
    BlockingByKind[I] += Callee.BlockingByKind[I] * T;
  normalize(Opts);
  ThreadUnsafe |= Callee.ThreadUnsafe;
  UsesAsyncApi |= Callee.UsesAsyncApi;
  Spawns |= Callee.Spawns;
  if (Callee.EventWaitDepth &&
      (!EventWaitDepth || Callee.EventWaitDepth + 1 < EventWaitDepth))
    EventWaitDepth = Callee.EventWaitDepth + 1;
  UnknownCalls += Callee.UnknownCalls;
  // Each chain is built already cut as addEvidence() would cut it, so only
  // the hops that are kept are copied: linking a large project spent most
  // of its time copying hops that were then dropped.
  size_t Max = std::max<size_t>(Opts.MaxChainLength, 1);
  for (const Evidence &Item : Callee.Items) {
    Evidence Scaled;
    Scaled.Kind = Item.Kind;
    Scaled.What = Item.What;
    Scaled.Api = Item.Api;
    Scaled.Weight = std::min(Item.Weight * T, MaxWeight);
    size_t Length = Path.size() + Item.Chain.size();
    auto Full = [&](size_t I) -> const Hop & {
      return I < Path.size() ? Path[I] : Item.Chain[I - Path.size()];
    };
    size_t Kept = std::min(Length, Max);
    Scaled.Chain.reserve(Kept);
    for (size_t I = 0; I + 1 < Kept; ++I)
      Scaled.Chain.push_back(Full(I));
    if (Kept > 0)
      Scaled.Chain.push_back(Full(Length - 1));
    addEvidence(std::move(Scaled), Opts);
  }
}

void Effects::addWork(const Growth &Ops, bool Numeric, bool Element,
                      const AnalysisOptions &Opts) {
  WorkGrowth += Ops;
  if (Numeric)
    NumericGrowth += Ops;
  if (Element)
    ElementGrowth += Ops;
  normalize(Opts);
}

void Effects::addBlocking(IoKind Kind, const Growth &Cost,
                          const AnalysisOptions &Opts, bool Forwarded) {
  if (Forwarded)
    ForwardsWouldBlock = true;
  else if (Kind != IoKind::Console)
    OtherBlocking = true;
  BlockingGrowth += Cost;
  BlockingByKind[unsigned(Kind)] += Cost.at(Opts.UnknownTripCount);
  normalize(Opts);
}

void Effects::normalize(const AnalysisOptions &Opts) {
  double N = Opts.UnknownTripCount;
  Work = WorkGrowth.at(N);
  NumericWork = std::min(NumericGrowth.at(N), Work);
  Blocking = BlockingGrowth.at(N);
  // The kinds were scaled by nominal multipliers, which compound where the
  // growths saturate: share the total out in their proportions.
  double Sum = 0;
  for (double B : BlockingByKind)
    Sum += B;
  if (Sum > Blocking && Sum > 0)
    for (double &B : BlockingByKind)
      B = B / Sum * Blocking;
}

void Effects::clearBlocking() {
  Blocking = 0;
  BlockingGrowth = Growth();
  BlockingByKind = {};
  ForwardsWouldBlock = OtherBlocking = false;
}

IoKindSet Effects::ioKinds(double MinBlocking) const {
  IoKindSet Kinds;
  for (unsigned I = 0; I < NumIoKinds; ++I)
    if (BlockingByKind[I] > 0 && BlockingByKind[I] >= MinBlocking)
      Kinds.insert(IoKind(I));
  return Kinds;
}

double Effects::substantialBlocking() const {
  return Blocking - BlockingByKind[unsigned(IoKind::Console)];
}

void Effects::asDiagnostics() {
  ForwardsWouldBlock = OtherBlocking = false;
  BlockingByKind = {};
  BlockingByKind[unsigned(IoKind::Console)] = Blocking;
  Work = 0;
  NumericWork = 0;
  WorkGrowth = NumericGrowth = ElementGrowth = Growth();
  llvm::erase_if(Items,
                 [](const Evidence &E) { return E.Kind == EvidenceKind::Cpu; });
  for (Evidence &E : Items)
    if (E.Kind == EvidenceKind::Io)
      E.What = toString(IoKind::Console).str();
}

WorkReason substantialWork(const Effects &E, double Threshold,
                           const AnalysisOptions &Opts) {
  if (E.ElementGrowth.grows())
    return WorkReason::Element;
  if (E.WorkGrowth.coefficient(0) >= Threshold)
    return WorkReason::Constant;
  if (E.WorkGrowth.grows() &&
      E.WorkGrowth.growing().perElement(Opts.UnknownTripCount) >=
          Opts.MinIterationWork)
    return WorkReason::PerElement;
  return WorkReason::None;
}

/// Whether the work of \p E is worth a task of its own beside its waiting:
/// substantial without counting element work. Cheap arithmetic per element
/// of what a function reads (the number parsed from each line of a file) is
/// handling what it waited for, not a second workload.
static bool substantialBesideWaiting(const Effects &E,
                                     const AnalysisOptions &Opts) {
  if (E.WorkGrowth.coefficient(0) >= Opts.SubstantialWork)
    return true;
  return E.WorkGrowth.grows() &&
         E.WorkGrowth.growing().perElement(Opts.UnknownTripCount) >=
             Opts.MinIterationWork;
}

Classification classify(const Effects &E, const AnalysisOptions &Opts) {
  Classification C;
  double Waiting = E.substantialBlocking();
  bool IoSubstantial = Waiting >= Opts.SubstantialBlocking;
  bool CpuSubstantial =
      substantialWork(E, Opts.SubstantialWork, Opts) != WorkReason::None;
  // Mixed: computation comparable to the waiting (MixedRatio), and worth
  // running apart from it.
  if (IoSubstantial && CpuSubstantial && E.Work >= Opts.MixedRatio * Waiting &&
      substantialBesideWaiting(E, Opts))
    C.Class = WorkloadClass::Mixed;
  else if (IoSubstantial)
    C.Class = WorkloadClass::Io;
  else if (CpuSubstantial)
    C.Class = WorkloadClass::Cpu;
  else
    C.Class = WorkloadClass::Trivial;

  C.IoKinds = E.ioKinds();
  C.Numeric = CpuSubstantial && E.NumericWork >= Opts.NumericShare * E.Work;

  // Confidence: high when the deciding quantity is far from its threshold and
  // every callee was analysed; each unanalysed call costs some.
  double Confidence = 0.9;
  auto NearThreshold = [](double Value, double Threshold) {
    return Value > 0 && Value >= Threshold / 2 && Value < Threshold * 2;
  };
  if (NearThreshold(E.Work, Opts.SubstantialWork) ||
      NearThreshold(Waiting, Opts.SubstantialBlocking))
    Confidence -= 0.15;
  Confidence -= 0.1 * std::min(E.UnknownCalls, 4u);
  C.Confidence = std::round(std::clamp(Confidence, 0.3, 0.95) * 100) / 100;
  return C;
}

void addExternalCall(std::vector<ExternalCall> &Calls, ExternalCall Call) {
  for (ExternalCall &Known : Calls)
    if (Known.USR == Call.USR && Known.Site.File == Call.Site.File &&
        Known.Site.Line == Call.Site.Line &&
        Known.Site.Column == Call.Site.Column &&
        Known.Synchronized == Call.Synchronized &&
        Known.Callback == Call.Callback && Known.Use == Call.Use) {
      Known.Times += Call.Times;
      Known.Paths += Call.Paths;
      return;
    }
  Calls.push_back(std::move(Call));
}

// --- Binary form
// ---------------------------------------------------------===//

namespace {

/// Format tag, first byte of every encoded summary. 2: external calls carry
/// whether they are synchronised and whether they are callbacks. 4: the
/// function's lock wrapping, whether it is a log sink, and the parameters it
/// writes through (WrittenParams). 5: work and blocking as growths in the
/// unknown size (Growth.h), and external calls' repetitions as one. 6:
/// how deep the code waits for events (Effects::EventWaitDepth). 7: would-block
/// results forwarded and handled (Effects::ForwardsWouldBlock,
/// ExternalCall::Use).
constexpr uint8_t SummaryFormat = 7;

void appendULEB128(std::string &Out, uint64_t V) {
  do {
    uint8_t Byte = V & 0x7f;
    V >>= 7;
    Out.push_back(char(V ? Byte | 0x80 : Byte));
  } while (V);
}

class SummaryWriter {
public:
  void string(StringRef S) {
    auto [It, New] = Strings.try_emplace(S, unsigned(Table.size()));
    if (New)
      Table.push_back(S);
    number(It->second);
  }
  void number(uint64_t V) { appendULEB128(Body, V); }
  void byte(uint8_t V) { Body.push_back(char(V)); }
  void real(double V) {
    char Bytes[8];
    support::endian::write64le(Bytes, llvm::bit_cast<uint64_t>(V));
    Body.append(Bytes, sizeof(Bytes));
  }
  void growth(const Growth &G) {
    for (unsigned D = 0; D <= Growth::MaxDegree; ++D)
      real(G.coefficient(D));
  }
  void hop(const Hop &H) {
    string(H.Callee);
    string(H.File);
    number(H.Line);
    number(H.Column);
  }
  void hops(ArrayRef<Hop> Hs) {
    number(Hs.size());
    for (const Hop &H : Hs)
      hop(H);
  }
  std::string finish() {
    std::string Out(1, char(SummaryFormat));
    appendULEB128(Out, Table.size());
    for (StringRef S : Table) {
      appendULEB128(Out, S.size());
      Out += S;
    }
    Out += Body;
    return Out;
  }

private:
  /// Keys point into the summary being encoded, which outlives the writer.
  StringMap<unsigned> Strings;
  std::vector<StringRef> Table;
  std::string Body;
};

class SummaryReader {
public:
  explicit SummaryReader(StringRef Data) : Data(Data) {}

  bool failed() const { return !Error.empty(); }
  const std::string &error() const { return Error; }
  bool atEnd() const { return Pos == Data.size(); }

  void fail(StringRef What) {
    if (Error.empty())
      Error = (What + " at byte " + Twine(Pos)).str();
  }
  uint64_t number() {
    if (failed())
      return 0;
    unsigned Length = 0;
    const char *ErrorText = nullptr;
    uint64_t V = decodeULEB128(
        reinterpret_cast<const uint8_t *>(Data.data()) + Pos, &Length,
        reinterpret_cast<const uint8_t *>(Data.data()) + Data.size(),
        &ErrorText);
    if (ErrorText) {
      fail(ErrorText);
      return 0;
    }
    Pos += Length;
    return V;
  }
  unsigned small(uint64_t Max = UINT32_MAX) {
    uint64_t V = number();
    if (V > Max) {
      fail("number out of range");
      return 0;
    }
    return unsigned(V);
  }
  /// A count of items that each take at least one byte.
  size_t count() {
    uint64_t V = number();
    if (V > Data.size() - Pos) {
      fail("count larger than the data");
      return 0;
    }
    return size_t(V);
  }
  uint8_t byte() {
    if (failed())
      return 0;
    if (Pos >= Data.size()) {
      fail("unexpected end");
      return 0;
    }
    return uint8_t(Data[Pos++]);
  }
  double real() {
    if (failed())
      return 0;
    if (Data.size() - Pos < 8) {
      fail("unexpected end");
      return 0;
    }
    uint64_t Bits = support::endian::read64le(Data.data() + Pos);
    Pos += 8;
    return llvm::bit_cast<double>(Bits);
  }
  StringRef raw(size_t Size) {
    if (failed())
      return "";
    if (Data.size() - Pos < Size) {
      fail("unexpected end");
      return "";
    }
    StringRef S = Data.substr(Pos, Size);
    Pos += Size;
    return S;
  }
  void readTable() {
    size_t N = count();
    Table.reserve(N);
    for (size_t I = 0; I < N && !failed(); ++I)
      Table.push_back(raw(count()));
  }
  std::string string() {
    uint64_t I = number();
    if (failed())
      return {};
    if (I >= Table.size()) {
      fail("string index out of range");
      return {};
    }
    return Table[I].str();
  }
  Growth growth() {
    std::array<double, Growth::MaxDegree + 1> C{};
    for (double &V : C)
      V = real();
    if (failed())
      return {};
    std::optional<Growth> G = Growth::fromCoefficients(C);
    if (!G) {
      fail("growth coefficient out of range");
      return {};
    }
    return *G;
  }
  Hop hop() {
    Hop H;
    H.Callee = string();
    H.File = string();
    H.Line = small();
    H.Column = small();
    return H;
  }
  std::vector<Hop> hops() {
    std::vector<Hop> Out(count());
    for (Hop &H : Out) {
      if (failed())
        break;
      H = hop();
    }
    return Out;
  }

private:
  StringRef Data;
  size_t Pos = 0;
  std::vector<StringRef> Table;
  std::string Error;
};

} // namespace

std::string encodeSummary(const FunctionSummary &S) {
  SummaryWriter W;
  W.string(S.USR);
  W.string(S.Name);
  W.string(S.QualifiedName);
  W.string(S.File);
  W.number(S.Line);
  W.number(S.Column);
  W.byte(uint8_t(S.IsCoroutine) | uint8_t(S.LogSink) << 1);
  W.byte(uint8_t(S.Lock.Effect));
  W.string(S.Lock.Mutex);
  const Effects &T = S.Total;
  W.real(T.Work);
  W.real(T.NumericWork);
  W.real(T.Blocking);
  for (double B : T.BlockingByKind)
    W.real(B);
  W.growth(T.WorkGrowth);
  W.growth(T.NumericGrowth);
  W.growth(T.BlockingGrowth);
  W.growth(T.ElementGrowth);
  W.byte(uint8_t(T.ThreadUnsafe) | uint8_t(T.UsesAsyncApi) << 1 |
         uint8_t(T.Spawns) << 2 | uint8_t(T.ForwardsWouldBlock) << 3 |
         uint8_t(T.OtherBlocking) << 4);
  W.number(T.EventWaitDepth);
  W.number(T.UnknownCalls);
  W.number(T.Items.size());
  for (const Evidence &E : T.Items) {
    W.byte(uint8_t(E.Kind));
    W.string(E.What);
    W.string(E.Api);
    W.real(E.Weight);
    W.hops(E.Chain);
  }
  W.number(S.ExternalCalls.size());
  for (const ExternalCall &C : S.ExternalCalls) {
    W.string(C.USR);
    W.string(C.Name);
    W.growth(C.Times);
    W.hop(C.Site);
    W.hops(C.Via);
    W.number(C.Paths);
    W.byte(uint8_t(C.Synchronized) | uint8_t(C.Callback) << 1 |
           uint8_t(C.Use) << 2);
  }
  W.byte(uint8_t(S.Class.Class));
  W.real(S.Class.Confidence);
  W.byte(S.Class.Numeric);
  W.number(S.Class.IoKinds.raw());
  W.number(S.WrittenParams);
  return W.finish();
}

Expected<FunctionSummary> decodeSummary(StringRef Data) {
  SummaryReader R(Data);
  FunctionSummary S;
  if (R.byte() != SummaryFormat)
    R.fail("unknown summary format");
  R.readTable();
  S.USR = R.string();
  S.Name = R.string();
  S.QualifiedName = R.string();
  S.File = R.string();
  S.Line = R.small();
  S.Column = R.small();
  uint8_t Traits = R.byte();
  S.IsCoroutine = Traits & 1;
  S.LogSink = Traits & 2;
  uint8_t Lock = R.byte();
  if (Lock > uint8_t(LockEffect::Releases))
    R.fail("unknown lock effect");
  S.Lock.Effect = LockEffect(Lock);
  S.Lock.Mutex = R.string();
  Effects &T = S.Total;
  T.Work = R.real();
  T.NumericWork = R.real();
  T.Blocking = R.real();
  for (double &B : T.BlockingByKind)
    B = R.real();
  T.WorkGrowth = R.growth();
  T.NumericGrowth = R.growth();
  T.BlockingGrowth = R.growth();
  T.ElementGrowth = R.growth();
  uint8_t Flags = R.byte();
  T.ThreadUnsafe = Flags & 1;
  T.UsesAsyncApi = Flags & 2;
  T.Spawns = Flags & 4;
  T.ForwardsWouldBlock = Flags & 8;
  T.OtherBlocking = Flags & 16;
  T.EventWaitDepth = R.small();
  T.UnknownCalls = R.small();
  T.Items.resize(R.count());
  for (Evidence &E : T.Items) {
    if (R.failed())
      break;
    uint8_t Kind = R.byte();
    if (Kind > uint8_t(EvidenceKind::Unknown))
      R.fail("unknown evidence kind");
    E.Kind = EvidenceKind(Kind);
    E.What = R.string();
    E.Api = R.string();
    E.Weight = R.real();
    E.Chain = R.hops();
  }
  S.ExternalCalls.resize(R.count());
  for (ExternalCall &C : S.ExternalCalls) {
    if (R.failed())
      break;
    C.USR = R.string();
    C.Name = R.string();
    C.Times = R.growth();
    C.Site = R.hop();
    C.Via = R.hops();
    C.Paths = R.small();
    uint8_t CallFlags = R.byte();
    C.Synchronized = CallFlags & 1;
    C.Callback = CallFlags & 2;
    uint8_t Use = CallFlags >> 2;
    if (Use > uint8_t(WouldBlockUse::Forwarded))
      R.fail("unknown would-block use");
    C.Use = WouldBlockUse(Use);
  }
  uint8_t Class = R.byte();
  if (Class > uint8_t(WorkloadClass::Mixed))
    R.fail("unknown workload class");
  S.Class.Class = WorkloadClass(Class);
  S.Class.Confidence = R.real();
  S.Class.Numeric = R.byte() != 0;
  unsigned Kinds = R.small();
  for (unsigned K = 0; K < NumIoKinds; ++K)
    if (Kinds & (1u << K))
      S.Class.IoKinds.insert(IoKind(K));
  S.WrittenParams = R.number();
  if (!R.failed() && !R.atEnd())
    R.fail("trailing data");
  if (R.failed())
    return createStringError(inconvertibleErrorCode(), "%s", R.error().c_str());
  return S;
}

} // namespace concur
