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

static std::optional<EvidenceKind> parseEvidenceKind(StringRef S) {
  for (auto K : {EvidenceKind::Io, EvidenceKind::Cpu, EvidenceKind::MtUnsafe,
                 EvidenceKind::SharedWrite, EvidenceKind::Unknown})
    if (toString(K) == S)
      return K;
  return std::nullopt;
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
  if (HA && HB && (HA->File != HB->File || HA->Line != HB->Line ||
                   HA->Column != HB->Column))
    return std::tie(HA->File, HA->Line, HA->Column) <
           std::tie(HB->File, HB->Line, HB->Column);
  return A.Api < B.Api;
}

void Effects::addEvidence(Evidence E, const AnalysisOptions &Opts) {
  if (E.Chain.size() > Opts.MaxChainLength)
    E.Chain.erase(E.Chain.begin() + Opts.MaxChainLength - 1,
                  E.Chain.end() - 1);
  unsigned SameKind = 0;
  Evidence *Lightest = nullptr;
  for (Evidence &Item : Items) {
    if (Item.Kind != E.Kind)
      continue;
    // The same finding reached twice (e.g. two calls of one helper) is
    // reported once, with the weights added.
    if (Item.Api == E.Api && Item.What == E.What &&
        !Item.Chain.empty() && !E.Chain.empty() &&
        Item.Chain.front().Line == E.Chain.front().Line &&
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

void Effects::addScaled(const Effects &Callee, double Times,
                        llvm::ArrayRef<Hop> Path,
                        const AnalysisOptions &Opts) {
  Work += Callee.Work * Times;
  NumericWork += Callee.NumericWork * Times;
  Blocking += Callee.Blocking * Times;
  for (unsigned I = 0; I < NumIoKinds; ++I)
    BlockingByKind[I] += Callee.BlockingByKind[I] * Times;
  ThreadUnsafe |= Callee.ThreadUnsafe;
  UsesAsyncApi |= Callee.UsesAsyncApi;
  Spawns |= Callee.Spawns;
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
    Scaled.Weight = Item.Weight * Times;
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

Classification classify(const Effects &E, const AnalysisOptions &Opts) {
  Classification C;
  double Waiting = E.substantialBlocking();
  bool IoSubstantial = Waiting >= Opts.SubstantialBlocking;
  bool CpuSubstantial = E.Work >= Opts.SubstantialWork;
  if (IoSubstantial && CpuSubstantial && E.Work >= Opts.MixedRatio * Waiting)
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
        Known.Site.Column == Call.Site.Column) {
      Known.Times += Call.Times;
      Known.Paths += Call.Paths;
      return;
    }
  Calls.push_back(std::move(Call));
}

// --- JSON ---------------------------------------------------------------===//

/// json::ObjectMapper has no unsigned overload; read through int64_t.
static bool mapUnsigned(json::ObjectMapper &O, StringLiteral Key,
                        unsigned &Out) {
  int64_t Value = 0;
  if (!O.map(Key, Value) || Value < 0 || Value > UINT32_MAX)
    return false;
  Out = unsigned(Value);
  return true;
}

static json::Value toJSON(const Hop &H) {
  return json::Object{{"callee", H.Callee},
                      {"file", H.File},
                      {"line", H.Line},
                      {"column", H.Column}};
}

static bool fromJSON(const json::Value &V, Hop &H, json::Path P) {
  json::ObjectMapper O(V, P);
  return O && O.map("callee", H.Callee) && O.map("file", H.File) &&
         mapUnsigned(O, "line", H.Line) && mapUnsigned(O, "column", H.Column);
}

static json::Value toJSON(const Evidence &E) {
  json::Array Chain;
  for (const Hop &H : E.Chain)
    Chain.push_back(toJSON(H));
  return json::Object{{"kind", toString(E.Kind)},
                      {"what", E.What},
                      {"api", E.Api},
                      {"weight", E.Weight},
                      {"chain", std::move(Chain)}};
}

static bool fromJSON(const json::Value &V, Evidence &E, json::Path P) {
  json::ObjectMapper O(V, P);
  std::string Kind;
  if (!O || !O.map("kind", Kind) || !O.map("what", E.What) ||
      !O.map("api", E.Api) || !O.map("weight", E.Weight))
    return false;
  std::optional<EvidenceKind> K = parseEvidenceKind(Kind);
  if (!K) {
    P.field("kind").report("unknown evidence kind");
    return false;
  }
  E.Kind = *K;
  const json::Array *Chain = V.getAsObject()->getArray("chain");
  if (!Chain) {
    P.field("chain").report("expected an array");
    return false;
  }
  for (size_t I = 0; I < Chain->size(); ++I) {
    Hop H;
    if (!fromJSON((*Chain)[I], H, P.field("chain").index(I)))
      return false;
    E.Chain.push_back(std::move(H));
  }
  return true;
}

json::Value toJSON(const FunctionSummary &S) {
  const Effects &T = S.Total;
  json::Array ByKind;
  for (double B : T.BlockingByKind)
    ByKind.push_back(B);
  json::Array Items;
  for (const Evidence &E : T.Items)
    Items.push_back(toJSON(E));
  json::Array External;
  for (const ExternalCall &C : S.ExternalCalls) {
    json::Object Call{{"usr", C.USR},
                      {"name", C.Name},
                      {"times", C.Times},
                      {"site", toJSON(C.Site)}};
    if (!C.Via.empty()) {
      json::Array Via;
      for (const Hop &H : C.Via)
        Via.push_back(toJSON(H));
      Call["via"] = std::move(Via);
    }
    if (C.Paths != 1)
      Call["paths"] = C.Paths;
    External.push_back(std::move(Call));
  }
  return json::Object{
      {"usr", S.USR},
      {"name", S.Name},
      {"qualified_name", S.QualifiedName},
      {"file", S.File},
      {"line", S.Line},
      {"column", S.Column},
      {"coroutine", S.IsCoroutine},
      {"work", T.Work},
      {"numeric_work", T.NumericWork},
      {"blocking", T.Blocking},
      {"blocking_by_kind", std::move(ByKind)},
      {"thread_unsafe", T.ThreadUnsafe},
      {"uses_async_api", T.UsesAsyncApi},
      {"spawns", T.Spawns},
      {"unknown_calls", T.UnknownCalls},
      {"evidence", std::move(Items)},
      {"external_calls", std::move(External)},
      {"class", toString(S.Class.Class)},
      {"confidence", S.Class.Confidence},
      {"numeric", S.Class.Numeric},
      {"io_kinds", int64_t(S.Class.IoKinds.raw())},
  };
}

bool fromJSON(const json::Value &V, FunctionSummary &S, json::Path P) {
  json::ObjectMapper O(V, P);
  Effects &T = S.Total;
  if (!O || !O.map("usr", S.USR) || !O.map("name", S.Name) ||
      !O.map("qualified_name", S.QualifiedName) || !O.map("file", S.File) ||
      !mapUnsigned(O, "line", S.Line) || !mapUnsigned(O, "column", S.Column) ||
      !O.map("coroutine", S.IsCoroutine) || !O.map("work", T.Work) ||
      !O.map("numeric_work", T.NumericWork) ||
      !O.map("blocking", T.Blocking) ||
      !O.map("thread_unsafe", T.ThreadUnsafe) ||
      !O.map("uses_async_api", T.UsesAsyncApi) ||
      !O.map("spawns", T.Spawns) || !mapUnsigned(O, "unknown_calls", T.UnknownCalls))
    return false;
  // The classification is optional: summaries written before it was stored
  // have none (callers then classify the effects themselves).
  if (std::optional<StringRef> Class = V.getAsObject()->getString("class"))
    if (std::optional<WorkloadClass> C = parseWorkloadClass(*Class)) {
      S.Class.Class = *C;
      S.Class.Confidence =
          V.getAsObject()->getNumber("confidence").value_or(0);
      S.Class.Numeric = V.getAsObject()->getBoolean("numeric").value_or(false);
      int64_t Kinds = V.getAsObject()->getInteger("io_kinds").value_or(0);
      for (unsigned K = 0; K < NumIoKinds; ++K)
        if (Kinds & (int64_t(1) << K))
          S.Class.IoKinds.insert(IoKind(K));
    }
  std::vector<double> ByKind;
  if (!O.map("blocking_by_kind", ByKind))
    return false;
  if (ByKind.size() != NumIoKinds) {
    P.field("blocking_by_kind").report("expected one value per I/O kind");
    return false;
  }
  llvm::copy(ByKind, T.BlockingByKind.begin());
  const json::Object *Obj = V.getAsObject();
  if (const json::Array *Items = Obj->getArray("evidence")) {
    for (size_t I = 0; I < Items->size(); ++I) {
      Evidence E;
      if (!fromJSON((*Items)[I], E, P.field("evidence").index(I)))
        return false;
      T.Items.push_back(std::move(E));
    }
  }
  if (const json::Array *Calls = Obj->getArray("external_calls")) {
    for (size_t I = 0; I < Calls->size(); ++I) {
      json::ObjectMapper CO((*Calls)[I], P.field("external_calls").index(I));
      ExternalCall C;
      const json::Value *Site = (*Calls)[I].getAsObject()
                                    ? (*Calls)[I].getAsObject()->get("site")
                                    : nullptr;
      if (!CO || !CO.map("usr", C.USR) || !CO.map("name", C.Name) ||
          !CO.map("times", C.Times) || !Site ||
          !fromJSON(*Site, C.Site, P.field("external_calls").index(I)))
        return false;
      // "via" and "paths" are optional: older summaries have neither.
      if (const json::Array *Via =
              (*Calls)[I].getAsObject()->getArray("via")) {
        for (size_t J = 0; J < Via->size(); ++J) {
          Hop H;
          if (!fromJSON((*Via)[J], H,
                        P.field("external_calls").index(I).field("via")))
            return false;
          C.Via.push_back(std::move(H));
        }
      }
      if (std::optional<int64_t> Paths =
              (*Calls)[I].getAsObject()->getInteger("paths");
          Paths && *Paths > 0 && *Paths <= UINT32_MAX)
        C.Paths = unsigned(*Paths);
      S.ExternalCalls.push_back(std::move(C));
    }
  }
  return true;
}

// --- Binary form ---------------------------------------------------------===//

namespace {

/// Format tag, first byte of every encoded summary.
constexpr uint8_t SummaryFormat = 1;

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
  W.byte(S.IsCoroutine);
  const Effects &T = S.Total;
  W.real(T.Work);
  W.real(T.NumericWork);
  W.real(T.Blocking);
  for (double B : T.BlockingByKind)
    W.real(B);
  W.byte(uint8_t(T.ThreadUnsafe) | uint8_t(T.UsesAsyncApi) << 1 |
         uint8_t(T.Spawns) << 2);
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
    W.real(C.Times);
    W.hop(C.Site);
    W.hops(C.Via);
    W.number(C.Paths);
  }
  W.byte(uint8_t(S.Class.Class));
  W.real(S.Class.Confidence);
  W.byte(S.Class.Numeric);
  W.number(S.Class.IoKinds.raw());
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
  S.IsCoroutine = R.byte() != 0;
  Effects &T = S.Total;
  T.Work = R.real();
  T.NumericWork = R.real();
  T.Blocking = R.real();
  for (double &B : T.BlockingByKind)
    B = R.real();
  uint8_t Flags = R.byte();
  T.ThreadUnsafe = Flags & 1;
  T.UsesAsyncApi = Flags & 2;
  T.Spawns = Flags & 4;
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
    C.Times = R.real();
    C.Site = R.hop();
    C.Via = R.hops();
    C.Paths = R.small();
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
  if (!R.failed() && !R.atEnd())
    R.fail("trailing data");
  if (R.failed())
    return createStringError(inconvertibleErrorCode(), "%s",
                             R.error().c_str());
  return S;
}

} // namespace concur
