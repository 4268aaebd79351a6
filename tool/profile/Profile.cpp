//===--- Profile.cpp - Per-function figures of a recording ----------------===//

#include "Profile.h"

#include "llvm/DebugInfo/DIContext.h"
#include "llvm/DebugInfo/Symbolize/Symbolize.h"
#include "llvm/Demangle/Demangle.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

namespace concur::profile {

uint64_t FunctionProfile::offCpuTotal() const {
  uint64_t Total = 0;
  for (const auto &[Reason, Ns] : OffCpuNs)
    Total += Ns;
  return Total;
}

std::string measuredClass(uint64_t OnCpuNs, uint64_t OffCpuNs,
                          const AnalysisOptions &Opts) {
  double Work = static_cast<double>(OnCpuNs);
  double Waiting = static_cast<double>(OffCpuNs);
  bool IoSubstantial = Waiting >= Opts.SubstantialBlocking;
  bool CpuSubstantial = Work >= Opts.SubstantialWork;
  if (IoSubstantial && CpuSubstantial && Work >= Opts.MixedRatio * Waiting)
    return "mixed";
  if (IoSubstantial)
    return "io";
  if (CpuSubstantial)
    return "cpu";
  return "trivial";
}

double sampleConfidence(uint64_t Samples) {
  if (Samples == 0)
    return 0;
  double C = 1.0 - 1.0 / std::sqrt(static_cast<double>(Samples));
  return std::round(std::clamp(C, 0.0, 0.95) * 100) / 100;
}

namespace {

/// An absolute path without '.' and '..' (debug info often has
/// build/../src/file.c), as the static analysis names files.
std::string normalPath(llvm::StringRef Path) {
  if (!llvm::sys::path::is_absolute(Path))
    return Path.str();
  llvm::SmallString<256> Normal(Path);
  llvm::sys::path::remove_dots(Normal, /*remove_dot_dot=*/true);
  return std::string(Normal);
}

/// Symbolises frames into function indices, innermost (inlined) first.
class Symbols {
public:
  Symbols(const std::vector<std::string> &Modules, Profile &P)
      : Modules(Modules), P(P), Symbolizer(options()) {}

  const std::vector<size_t> &functions(const Frame &F) {
    auto [It, Inserted] = Cache.try_emplace({F.Module, F.Address});
    if (!Inserted)
      return It->second;
    std::vector<size_t> &Out = It->second;
    const std::string &Module = Modules[F.Module];
    if (F.Module != 0) {
      auto Info = Symbolizer.symbolizeInlinedCode(
          Module, {F.Address, llvm::object::SectionedAddress::UndefSection});
      if (Info) {
        for (uint32_t I = 0; I < Info->getNumberOfFrames(); ++I) {
          const llvm::DILineInfo &L = Info->getFrame(I);
          if (L.FunctionName == llvm::DILineInfo::BadString)
            continue;
          std::string File =
              L.StartFileName.empty() ? L.FileName : L.StartFileName;
          if (File == llvm::DILineInfo::BadString)
            File.clear();
          else
            File = normalPath(File);
          unsigned Line =
              L.StartLine ? L.StartLine : (File.empty() ? 0 : L.Line);
          Out.push_back(function(Module, L.FunctionName, File, Line));
        }
      } else {
        llvm::consumeError(Info.takeError());
      }
    }
    if (Out.empty()) // no symbol: the module stands for its code
      Out.push_back(function(
          Module,
          F.Module == 0
              ? Module // "[unknown]": code outside any mapped file
              : "[" + llvm::StringRef(Module).rsplit('/').second.str() + "]",
          "", 0));
    return Out;
  }

private:
  static llvm::symbolize::LLVMSymbolizer::Options options() {
    llvm::symbolize::LLVMSymbolizer::Options O;
    O.Demangle = false;
    O.PathStyle = llvm::DILineInfoSpecifier::FileLineInfoKind::AbsoluteFilePath;
    O.UseSymbolTable = true;
    return O;
  }

  size_t function(const std::string &Module, const std::string &Mangled,
                  const std::string &File, unsigned Line) {
    auto [It, Inserted] =
        Index.try_emplace({Module, Mangled}, P.Functions.size());
    if (Inserted) {
      FunctionProfile F;
      F.Mangled = Mangled;
      F.Symbol = llvm::demangle(Mangled);
      F.File = File;
      F.Line = Line;
      F.Module = Module;
      P.Functions.push_back(std::move(F));
    } else if (P.Functions[It->second].File.empty() && !File.empty()) {
      P.Functions[It->second].File = File;
      P.Functions[It->second].Line = Line;
    }
    return It->second;
  }

  const std::vector<std::string> &Modules;
  Profile &P;
  llvm::symbolize::LLVMSymbolizer Symbolizer;
  std::map<std::pair<uint32_t, uint64_t>, std::vector<size_t>> Cache;
  std::map<std::pair<std::string, std::string>, size_t> Index;
};

} // namespace

Profile buildProfile(Recording Rec, const RecorderOptions &Opts,
                     const AnalysisOptions &Thresholds) {
  Profile P;
  P.Command = Opts.Command;
  P.Frequency = Opts.Frequency;
  P.WaitFrequency = Opts.WaitFrequency;
  std::vector<StackSample> Samples = std::move(Rec.Samples);
  P.Totals = std::move(Rec);
  Symbols Sym(P.Totals.Modules, P);
  std::vector<std::set<uint32_t>> ThreadsOf;
  std::vector<bool> Seen;
  std::vector<size_t> Stack;
  for (const StackSample &S : Samples) {
    Stack.clear();
    for (const Frame &F : S.Stack)
      for (size_t Fn : Sym.functions(F))
        Stack.push_back(Fn);
    Seen.assign(P.Functions.size(), false);
    ThreadsOf.resize(P.Functions.size());
    // What the program called to wait: the outermost function of the
    // innermost library (pthread_cond_wait, not the futex wrapper under it).
    std::string Via;
    if (!S.OnCpu && !Stack.empty()) {
      size_t Api = 0;
      while (Api + 1 < Stack.size() &&
             P.Functions[Stack[Api + 1]].Module == P.Functions[Stack[0]].Module)
        ++Api;
      Via = P.Functions[Stack[Api]].Symbol;
    }
    for (size_t I = 0; I < Stack.size(); ++I) {
      size_t Fn = Stack[I];
      FunctionProfile &FP = P.Functions[Fn];
      if (S.OnCpu && I == 0)
        FP.SelfOnCpuNs += S.WeightNs;
      if (Seen[Fn])
        continue; // recursion: each sample counts once per function
      Seen[Fn] = true;
      if (S.OnCpu) {
        FP.OnCpuNs += S.WeightNs;
        FP.OnCpuSamples += S.Count;
        ThreadsOf[Fn].insert(S.Tid);
      } else {
        FP.OffCpuNs[S.Reason] += S.WeightNs;
        FP.OffCpuVia[Via] += S.WeightNs;
        FP.OffCpuSamples += S.Count;
      }
    }
  }
  ThreadsOf.resize(P.Functions.size());
  for (size_t I = 0; I < P.Functions.size(); ++I) {
    FunctionProfile &F = P.Functions[I];
    F.OnCpuThreads = ThreadsOf[I].size();
    F.Class.Class = measuredClass(F.OnCpuNs, F.offCpuTotal(), Thresholds);
    // The class rests on the samples of the side that decides it: the
    // waiting for io, the computing for cpu, the smaller of the two for
    // mixed (a single sample of waiting beside a thousand of computing
    // decides nothing).
    uint64_t Deciding = F.OnCpuSamples + F.OffCpuSamples;
    if (F.Class.Class == "io")
      Deciding = F.OffCpuSamples;
    else if (F.Class.Class == "cpu")
      Deciding = F.OnCpuSamples;
    else if (F.Class.Class == "mixed")
      Deciding = std::min(F.OnCpuSamples, F.OffCpuSamples);
    F.Class.Confidence = sampleConfidence(Deciding);
  }
  std::stable_sort(P.Functions.begin(), P.Functions.end(),
                   [](const FunctionProfile &A, const FunctionProfile &B) {
                     uint64_t TA = A.OnCpuNs + A.offCpuTotal();
                     uint64_t TB = B.OnCpuNs + B.offCpuTotal();
                     if (TA != TB)
                       return TA > TB;
                     return std::tie(A.Symbol, A.Module) <
                            std::tie(B.Symbol, B.Module);
                   });
  return P;
}

namespace {
/// Milliseconds with three decimals, written as such (a double would print
/// with seventeen digits).
struct Ms {
  uint64_t Ns;
};
} // namespace

static void attribute(llvm::json::OStream &J, llvm::StringRef Key, Ms Value) {
  J.attributeBegin(Key);
  char Text[32];
  snprintf(Text, sizeof(Text), "%llu.%03llu",
           static_cast<unsigned long long>(Value.Ns / 1000000),
           static_cast<unsigned long long>((Value.Ns / 1000) % 1000));
  J.rawValue(Text);
  J.attributeEnd();
}

static Ms ms(uint64_t Ns) { return Ms{Ns + 500}; }

void writeProfileJson(const Profile &P, const AnalysisOptions &Thresholds,
                      llvm::raw_ostream &OS) {
  llvm::json::OStream J(OS, 1);
  const Recording &R = P.Totals;
  J.object([&] {
    J.attribute("schema", "concur-profile/1");
    J.attributeArray("command", [&] {
      for (const std::string &A : P.Command)
        J.value(A);
    });
    J.attribute("exit_status", R.ExitStatus);
    J.attribute("frequency_hz", P.Frequency);
    J.attribute("wait_frequency_hz", P.WaitFrequency);
    J.attribute("context_switches", R.ExactSwitches);
    J.attributeObject("thresholds", [&] {
      J.attribute("substantial_work_ns", Thresholds.SubstantialWork);
      J.attribute("substantial_blocking_ns", Thresholds.SubstantialBlocking);
      J.attribute("mixed_ratio", Thresholds.MixedRatio);
    });
    J.attributeObject("totals", [&] {
      attribute(J, "wall_ms", ms(R.WallNs));
      attribute(J, "on_cpu_ms", ms(R.OnCpuNs));
      attribute(J, "blocked_ms", ms(R.BlockedNs));
      if (R.ExactSwitches)
        attribute(J, "preempted_ms", ms(R.PreemptedNs));
      else
        J.attribute("preempted_ms", nullptr);
      J.attribute("processes", R.Processes);
      J.attribute("threads", R.Threads);
      J.attribute("lost_records", static_cast<int64_t>(R.LostRecords));
      J.attribute("unread_stacks", static_cast<int64_t>(R.UnreadStacks));
    });
    J.attributeArray("functions", [&] {
      for (const FunctionProfile &F : P.Functions) {
        J.object([&] {
          J.attribute("symbol", F.Symbol);
          J.attribute("mangled", F.Mangled);
          J.attribute("file", F.File);
          J.attribute("line", F.Line);
          J.attribute("module", F.Module);
          attribute(J, "on_cpu_ms", ms(F.OnCpuNs));
          attribute(J, "self_on_cpu_ms", ms(F.SelfOnCpuNs));
          attribute(J, "off_cpu_ms", ms(F.offCpuTotal()));
          J.attributeObject("off_cpu_by_reason", [&] {
            for (const auto &[Reason, Ns] : F.OffCpuNs)
              attribute(J, Reason, ms(Ns));
          });
          J.attributeObject("off_cpu_via", [&] {
            for (const auto &[Via, Ns] : F.OffCpuVia)
              attribute(J, Via, ms(Ns));
          });
          J.attribute("on_cpu_samples", static_cast<int64_t>(F.OnCpuSamples));
          J.attribute("off_cpu_samples", static_cast<int64_t>(F.OffCpuSamples));
          J.attribute("on_cpu_threads", F.OnCpuThreads);
          J.attributeObject("measured", [&] {
            J.attribute("class", F.Class.Class);
            J.attributeBegin("confidence");
            char Text[8];
            snprintf(Text, sizeof(Text), "%.2f", F.Class.Confidence);
            J.rawValue(Text);
            J.attributeEnd();
          });
        });
      }
    });
  });
  OS << "\n";
}

} // namespace concur::profile
