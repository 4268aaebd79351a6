//===--- KnowledgeBase.cpp - What external APIs do ------------------------===//

#include "KnowledgeBase.h"
#include "YamlMapping.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include <algorithm>

using namespace llvm;

namespace concur {

// The text of checks/data/knowledge-base.yaml, embedded by CMake.
extern const char BuiltinKnowledgeBaseYaml[];

void ApiEffects::merge(const ApiEffects &Other) {
  if (Other.Io)
    Io = Other.Io;
  if (Other.Cpu)
    Cpu = Other.Cpu;
  Numeric |= Other.Numeric;
  if (Other.Cost >= 0)
    Cost = Other.Cost;
  MtUnsafe |= Other.MtUnsafe;
  if (!Other.SafeForm.empty())
    SafeForm = Other.SafeForm;
  Async |= Other.Async;
  if (!Other.AsyncForm.empty())
    AsyncForm = Other.AsyncForm;
  if (!Other.Fix.empty())
    Fix = Other.Fix;
  if (Other.Callback != CallbackPolicy::Unspecified)
    Callback = Other.Callback;
  Spawns |= Other.Spawns;
  AcquiresLock |= Other.AcquiresLock;
  ReleasesLock |= Other.ReleasesLock;
  if (Other.Runs != RunsOn::Caller)
    Runs = Other.Runs;
  UnlessObject.insert(UnlessObject.end(), Other.UnlessObject.begin(),
                      Other.UnlessObject.end());
  LogSink |= Other.LogSink;
  if (Other.ConsoleStreamArg >= 0)
    ConsoleStreamArg = Other.ConsoleStreamArg;
  if (Other.WakeUpSizeArg >= 0)
    WakeUpSizeArg = Other.WakeUpSizeArg;
  if (Other.TimeoutArg >= 0)
    TimeoutArg = Other.TimeoutArg;
  WouldBlock |= Other.WouldBlock;
  if (Other.LoopCallback) {
    LoopCallback = true;
    LoopCallbackArg = Other.LoopCallbackArg;
  }
  DispatchWait |= Other.DispatchWait;
  if (Other.DescriptorCountArg >= 0)
    DescriptorCountArg = Other.DescriptorCountArg;
  FromProject |= Other.FromProject;
}

ApiEffects KnowledgeBaseEntry::effects() const {
  ApiEffects E;
  E.Io = Io;
  E.Cpu = Cpu;
  E.Numeric = Numeric || (Cpu && isNumericByNature(*Cpu));
  E.Cost = Cost.value_or(-1);
  E.MtUnsafe = MtUnsafe;
  E.SafeForm = SafeForm;
  E.Async = Async;
  E.AsyncForm = AsyncForm;
  E.Fix = Fix;
  E.Callback = Callback;
  E.Spawns = Spawns;
  E.AcquiresLock = AcquiresLock;
  E.ReleasesLock = ReleasesLock;
  E.Runs = Runs;
  E.UnlessObject = UnlessObject;
  E.LogSink = LogSink;
  E.ConsoleStreamArg = ConsoleStreamArg.value_or(-1);
  E.WakeUpSizeArg = WakeUpSizeArg.value_or(-1);
  E.TimeoutArg = TimeoutArg.value_or(-1);
  E.WouldBlock = WouldBlock;
  if (LoopCallbackArg) {
    E.LoopCallback = true;
    E.LoopCallbackArg = *LoopCallbackArg;
    // The callable runs later, on the loop: not in the registering call.
    if (E.Callback == CallbackPolicy::Unspecified)
      E.Callback = CallbackPolicy::Elsewhere;
  }
  E.DispatchWait = DispatchWait;
  E.DescriptorCountArg = DescriptorCountArg.value_or(-1);
  return E;
}

void YamlDiagnostics::handle(const SMDiagnostic &Diag, void *Context) {
  auto *Self = static_cast<YamlDiagnostics *>(Context);
  if (!Self->Text.empty())
    Self->Text += "\n";
  Self->Text +=
      formatv("{0}:{1}:{2}: {3}", Diag.getFilename(), Diag.getLineNo(),
              Diag.getColumnNo() + 1, Diag.getMessage())
          .str();
}

Error YamlDiagnostics::takeError(StringRef What) const {
  return createStringError(inconvertibleErrorCode(), "invalid %s: %s",
                           What.str().c_str(),
                           Text.empty() ? "malformed YAML" : Text.c_str());
}

namespace {
/// The top level of a knowledge-base file.
struct CostsBlock {
  std::map<std::string, double> Io, Cpu;
};
struct IncidentalBlock {
  std::vector<std::string> LogWords, LevelWords, ErrorLabelWords, ReleaseWords,
      WouldBlockCodes, TimeoutCodes, NonBlockingFlags;
};
struct KnowledgeBaseDocument {
  int Version = 0;
  CostsBlock Costs;
  IncidentalBlock Incidental;
  std::vector<KnowledgeBaseEntry> Entries;
  std::vector<std::string> Handlers;
};
} // namespace
} // namespace concur

namespace llvm::yaml {
using concur::CostsBlock;
using concur::IncidentalBlock;
using concur::KnowledgeBaseDocument;
template <> struct CustomMappingTraits<std::map<std::string, double>> {
  static void inputOne(IO &Io, StringRef Key,
                       std::map<std::string, double> &Map) {
    Io.mapRequired(Key.str().c_str(), Map[Key.str()]);
  }
  static void output(IO &Io, std::map<std::string, double> &Map) {
    for (auto &[Key, Value] : Map)
      Io.mapRequired(Key.c_str(), Value);
  }
};

template <> struct MappingTraits<CostsBlock> {
  static void mapping(IO &Io, CostsBlock &Costs) {
    Io.mapOptional("io", Costs.Io);
    Io.mapOptional("cpu", Costs.Cpu);
  }
};

template <> struct MappingTraits<IncidentalBlock> {
  static void mapping(IO &Io, IncidentalBlock &Block) {
    Io.mapOptional("log-words", Block.LogWords);
    Io.mapOptional("level-words", Block.LevelWords);
    Io.mapOptional("error-label-words", Block.ErrorLabelWords);
    Io.mapOptional("release-words", Block.ReleaseWords);
    Io.mapOptional("would-block-codes", Block.WouldBlockCodes);
    Io.mapOptional("timeout-codes", Block.TimeoutCodes);
    Io.mapOptional("non-blocking-flags", Block.NonBlockingFlags);
  }
};

template <> struct MappingTraits<KnowledgeBaseDocument> {
  static void mapping(IO &Io, KnowledgeBaseDocument &Doc) {
    Io.mapRequired("version", Doc.Version);
    Io.mapOptional("costs", Doc.Costs);
    Io.mapOptional("incidental", Doc.Incidental);
    Io.mapOptional("entries", Doc.Entries);
    Io.mapOptional("handlers", Doc.Handlers);
  }
};

} // namespace llvm::yaml

namespace concur {

void KnowledgeBase::add(ArrayRef<std::string> Names,
                        const ApiEffects &Effects) {
  for (const std::string &Name : Names) {
    if (StringRef(Name).ends_with("*")) {
      std::string Prefix = Name.substr(0, Name.size() - 1);
      auto It = llvm::find_if(Prefixes,
                              [&](const auto &P) { return P.first == Prefix; });
      if (It != Prefixes.end()) {
        It->second.merge(Effects);
        continue;
      }
      Prefixes.emplace_back(Prefix, Effects);
      llvm::stable_sort(Prefixes, [](const auto &A, const auto &B) {
        return A.first.size() > B.first.size();
      });
      continue;
    }
    auto [It, Inserted] = Exact.try_emplace(Name, Effects);
    if (!Inserted)
      It->second.merge(Effects);
  }
}

void KnowledgeBase::extend(const KnowledgeBase &Other) {
  // What extends the built-in knowledge is the project's configuration.
  auto FromProject = [](ApiEffects E) {
    E.FromProject = true;
    return E;
  };
  for (const auto &Entry : Other.Exact)
    add({Entry.getKey().str()}, FromProject(Entry.getValue()));
  for (const auto &[Prefix, Effects] : Other.Prefixes)
    add({Prefix + "*"}, FromProject(Effects));
  auto Append = [](std::vector<std::string> &To,
                   const std::vector<std::string> &From) {
    for (const std::string &Word : From)
      if (!llvm::is_contained(To, Word))
        To.push_back(Word);
  };
  Append(Incidental.Log, Other.Incidental.Log);
  Append(Incidental.Level, Other.Incidental.Level);
  Append(Incidental.ErrorLabel, Other.Incidental.ErrorLabel);
  Append(Incidental.Release, Other.Incidental.Release);
  Append(Incidental.WouldBlockCodes, Other.Incidental.WouldBlockCodes);
  Append(Incidental.TimeoutCodes, Other.Incidental.TimeoutCodes);
  Append(Incidental.NonBlockingFlags, Other.Incidental.NonBlockingFlags);
  for (const auto &Handler : Other.LoopHandlers)
    LoopHandlers.insert(Handler.getKey());
  for (unsigned I = 0; I < NumIoKinds; ++I)
    if (Other.IoCostSet[I]) {
      Costs.Io[I] = Other.Costs.Io[I];
      IoCostSet[I] = true;
    }
  for (unsigned I = 0; I < NumCpuKinds; ++I)
    if (Other.CpuCostSet[I]) {
      Costs.Cpu[I] = Other.Costs.Cpu[I];
      CpuCostSet[I] = true;
    }
}

bool KnowledgeBase::empty() const {
  auto None = [](bool Set) { return !Set; };
  return size() == 0 && Incidental.Log.empty() && Incidental.Level.empty() &&
         Incidental.ErrorLabel.empty() && Incidental.Release.empty() &&
         Incidental.WouldBlockCodes.empty() &&
         Incidental.TimeoutCodes.empty() &&
         Incidental.NonBlockingFlags.empty() && LoopHandlers.empty() &&
         llvm::all_of(IoCostSet, None) && llvm::all_of(CpuCostSet, None);
}

void KnowledgeBase::addLoopHandlers(ArrayRef<std::string> Names) {
  for (const std::string &Name : Names)
    LoopHandlers.insert(Name);
}

std::optional<ApiEffects> KnowledgeBase::lookup(StringRef QualifiedName) const {
  std::optional<ApiEffects> Result;
  // Prefix patterns are general, exact names specific: exact entries win.
  for (auto It = Prefixes.rbegin(); It != Prefixes.rend(); ++It) {
    if (!QualifiedName.starts_with(It->first))
      continue;
    if (!Result)
      Result.emplace();
    Result->merge(It->second);
  }
  auto Exact = this->Exact.find(QualifiedName);
  if (Exact != this->Exact.end()) {
    if (!Result)
      Result.emplace();
    Result->merge(Exact->getValue());
  }
  return Result;
}

double KnowledgeBase::ioCost(const ApiEffects &E) const {
  if (E.Cost >= 0)
    return E.Cost;
  return E.Io ? Costs.Io[unsigned(*E.Io)] : 0;
}

double KnowledgeBase::cpuCost(const ApiEffects &E) const {
  if (E.Cost >= 0)
    return E.Cost;
  return E.Cpu ? Costs.Cpu[unsigned(*E.Cpu)] : 0;
}

struct KnowledgeBaseParser {
  static Expected<KnowledgeBase> parse(StringRef Yaml, StringRef FileName);
};

Expected<KnowledgeBase> KnowledgeBaseParser::parse(StringRef Yaml,
                                                   StringRef FileName) {
  KnowledgeBaseDocument Doc;
  YamlDiagnostics Diags;
  yaml::Input In(MemoryBufferRef(Yaml, FileName), nullptr,
                 &YamlDiagnostics::handle, &Diags);
  In >> Doc;
  if (In.error())
    return Diags.takeError("knowledge base");
  if (Doc.Version != 1)
    return createStringError(inconvertibleErrorCode(),
                             "invalid knowledge base: %s: unsupported version "
                             "%d (this concur reads version 1)",
                             FileName.str().c_str(), Doc.Version);

  KnowledgeBase KB;
  for (const auto &[Name, Cost] : Doc.Costs.Io) {
    std::optional<IoKind> Kind = parseIoKind(Name);
    if (!Kind)
      return createStringError(inconvertibleErrorCode(),
                               "invalid knowledge base: %s: unknown I/O kind "
                               "'%s' in costs",
                               FileName.str().c_str(), Name.c_str());
    KB.Costs.Io[unsigned(*Kind)] = Cost;
    KB.IoCostSet[unsigned(*Kind)] = true;
  }
  for (const auto &[Name, Cost] : Doc.Costs.Cpu) {
    std::optional<CpuKind> Kind = parseCpuKind(Name);
    if (!Kind)
      return createStringError(inconvertibleErrorCode(),
                               "invalid knowledge base: %s: unknown CPU kind "
                               "'%s' in costs",
                               FileName.str().c_str(), Name.c_str());
    KB.Costs.Cpu[unsigned(*Kind)] = Cost;
    KB.CpuCostSet[unsigned(*Kind)] = true;
  }
  for (const KnowledgeBaseEntry &Entry : Doc.Entries)
    KB.add(Entry.Names, Entry.effects());
  KB.Incidental.Log = Doc.Incidental.LogWords;
  KB.Incidental.Level = Doc.Incidental.LevelWords;
  KB.Incidental.ErrorLabel = Doc.Incidental.ErrorLabelWords;
  KB.Incidental.Release = Doc.Incidental.ReleaseWords;
  KB.Incidental.WouldBlockCodes = Doc.Incidental.WouldBlockCodes;
  KB.Incidental.TimeoutCodes = Doc.Incidental.TimeoutCodes;
  KB.Incidental.NonBlockingFlags = Doc.Incidental.NonBlockingFlags;
  KB.addLoopHandlers(Doc.Handlers);
  return KB;
}

Expected<KnowledgeBase> KnowledgeBase::parse(StringRef Yaml,
                                             StringRef FileName) {
  return KnowledgeBaseParser::parse(Yaml, FileName);
}

const KnowledgeBase &KnowledgeBase::builtin() {
  static const KnowledgeBase KB = [] {
    Expected<KnowledgeBase> Parsed =
        parse(BuiltinKnowledgeBaseYaml, "knowledge-base.yaml");
    // The built-in file is validated by the build's tests; a failure here is
    // a packaging bug, reported loudly rather than analysed with no data.
    if (!Parsed)
      report_fatal_error(Parsed.takeError());
    return std::move(*Parsed);
  }();
  return KB;
}

} // namespace concur

using namespace concur;

namespace llvm::yaml {

void ScalarEnumerationTraits<IoKind>::enumeration(IO &Io, IoKind &Value) {
  for (unsigned I = 0; I < NumIoKinds; ++I)
    Io.enumCase(Value, toString(IoKind(I)).data(), IoKind(I));
}

void ScalarEnumerationTraits<CpuKind>::enumeration(IO &Io, CpuKind &Value) {
  for (unsigned I = 0; I < NumCpuKinds; ++I)
    Io.enumCase(Value, toString(CpuKind(I)).data(), CpuKind(I));
}

void ScalarEnumerationTraits<CallbackPolicy>::enumeration(
    IO &Io, CallbackPolicy &Value) {
  Io.enumCase(Value, "inline", CallbackPolicy::Inline);
  Io.enumCase(Value, "elsewhere", CallbackPolicy::Elsewhere);
  Io.enumCase(Value, "synchronized", CallbackPolicy::Synchronized);
}

void ScalarEnumerationTraits<RunsOn>::enumeration(IO &Io, RunsOn &Value) {
  Io.enumCase(Value, "caller", RunsOn::Caller);
  Io.enumCase(Value, "threads", RunsOn::Threads);
  Io.enumCase(Value, "cores", RunsOn::Cores);
  Io.enumCase(Value, "loop", RunsOn::Loop);
  Io.enumCase(Value, "process", RunsOn::Process);
}

void MappingTraits<KnowledgeBaseEntry>::mapping(IO &Io,
                                                KnowledgeBaseEntry &Entry) {
  if (!Io.outputting()) {
    static const char *const Known[] = {"names",
                                        "io",
                                        "cpu",
                                        "numeric",
                                        "cost",
                                        "mt-unsafe",
                                        "safe-form",
                                        "async",
                                        "async-form",
                                        "fix",
                                        "callback",
                                        "spawns",
                                        "acquires-lock",
                                        "releases-lock",
                                        "runs-on",
                                        "unless-object",
                                        "log-sink",
                                        "console-stream-arg",
                                        "wake-up-size-arg",
                                        "timeout-arg",
                                        "would-block",
                                        "loop-callback-arg",
                                        "dispatch-wait",
                                        "descriptor-count-arg"};
    for (StringRef Key : Io.keys())
      if (!llvm::is_contained(Known, Key))
        Entry.HasUnknownKeys = true;
  }
  Io.mapRequired("names", Entry.Names);
  Io.mapOptional("io", Entry.IoText);
  Io.mapOptional("cpu", Entry.CpuText);
  Io.mapOptional("numeric", Entry.Numeric);
  Io.mapOptional("cost", Entry.Cost);
  Io.mapOptional("mt-unsafe", Entry.MtUnsafe);
  Io.mapOptional("safe-form", Entry.SafeForm);
  Io.mapOptional("async", Entry.Async);
  Io.mapOptional("async-form", Entry.AsyncForm);
  Io.mapOptional("fix", Entry.Fix);
  Io.mapOptional("callback", Entry.Callback);
  Io.mapOptional("spawns", Entry.Spawns);
  Io.mapOptional("acquires-lock", Entry.AcquiresLock);
  Io.mapOptional("releases-lock", Entry.ReleasesLock);
  Io.mapOptional("runs-on", Entry.Runs);
  Io.mapOptional("unless-object", Entry.UnlessObject);
  Io.mapOptional("log-sink", Entry.LogSink);
  Io.mapOptional("console-stream-arg", Entry.ConsoleStreamArg);
  Io.mapOptional("wake-up-size-arg", Entry.WakeUpSizeArg);
  Io.mapOptional("timeout-arg", Entry.TimeoutArg);
  Io.mapOptional("would-block", Entry.WouldBlock);
  Io.mapOptional("loop-callback-arg", Entry.LoopCallbackArgText);
  Io.mapOptional("dispatch-wait", Entry.DispatchWait);
  Io.mapOptional("descriptor-count-arg", Entry.DescriptorCountArg);
}

std::string
MappingTraits<KnowledgeBaseEntry>::validate(IO &, KnowledgeBaseEntry &Entry) {
  if (Entry.HasUnknownKeys)
    return "";
  if (Entry.Names.empty())
    return "an entry needs at least one name";
  if (!Entry.IoText.empty() && !(Entry.Io = parseIoKind(Entry.IoText)))
    return "unknown I/O kind '" + Entry.IoText +
           "' (network, file, database, ipc, process, sleep, sync, console)";
  if (!Entry.CpuText.empty() && !(Entry.Cpu = parseCpuKind(Entry.CpuText)))
    return "unknown CPU kind '" + Entry.CpuText + "'";
  for (const std::string &Name : Entry.Names)
    if (Name.empty() || StringRef(Name).drop_back().contains('*'))
      return "invalid name '" + Name + "': '*' may only end a name";
  if (Entry.Cost && *Entry.Cost < 0)
    return "cost must not be negative";
  if ((Entry.ConsoleStreamArg && *Entry.ConsoleStreamArg < 0) ||
      (Entry.WakeUpSizeArg && *Entry.WakeUpSizeArg < 0) ||
      (Entry.TimeoutArg && *Entry.TimeoutArg < 0) ||
      (Entry.DescriptorCountArg && *Entry.DescriptorCountArg < 0))
    return "an argument index must not be negative";
  if (!Entry.LoopCallbackArgText.empty()) {
    int Index = 0;
    if (Entry.LoopCallbackArgText == "last")
      Entry.LoopCallbackArg = ApiEffects::LastArg;
    else if (Entry.LoopCallbackArgText == "all")
      Entry.LoopCallbackArg = ApiEffects::AllArgs;
    else if (!StringRef(Entry.LoopCallbackArgText).getAsInteger(10, Index) &&
             Index >= 0)
      Entry.LoopCallbackArg = Index;
    else
      return "loop-callback-arg must be an argument index, 'last' or 'all', "
             "not '" +
             Entry.LoopCallbackArgText + "'";
  }
  if (!Entry.Io && !Entry.Cpu && !Entry.Cost && !Entry.MtUnsafe &&
      !Entry.Async && Entry.Callback == CallbackPolicy::Unspecified &&
      !Entry.Spawns && !Entry.AcquiresLock && !Entry.ReleasesLock &&
      Entry.Runs == RunsOn::Caller && Entry.SafeForm.empty() &&
      Entry.Fix.empty() && Entry.AsyncForm.empty() && !Entry.LogSink &&
      !Entry.ConsoleStreamArg && !Entry.WakeUpSizeArg && !Entry.TimeoutArg &&
      !Entry.WouldBlock && !Entry.LoopCallbackArg && !Entry.DispatchWait &&
      !Entry.DescriptorCountArg)
    return "entry for '" + Entry.Names.front() + "' states no effect";
  return "";
}

} // namespace llvm::yaml
