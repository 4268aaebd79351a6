//===--- ConcurProfile.cpp - concur-profile's main ------------------------===//
//
// concur-profile [options] -- CMD ARGS...
//
// Runs CMD under the kernel's perf events, writes where it computed and
// where it waited, per function, as JSON (concur-profile/1), and exits with
// CMD's status. Its own failures have their own statuses: 2 bad usage or an
// output that cannot be written, 3 perf events refused, 127 CMD cannot be
// run. Layers: Recorder (collect) -> Profile (symbolise, aggregate,
// classify) -> writeProfileJson (report).
//
//===----------------------------------------------------------------------===//

#include "Profile.h"
#include "Recorder.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

using namespace concur::profile;

namespace {

constexpr int ExitUsage = 2;
constexpr int ExitPerfRefused = 3;
constexpr int ExitCannotRun = 127;

void usage(llvm::raw_ostream &OS) {
  OS << "usage: concur-profile [-o FILE] [--frequency HZ] "
        "[--wait-frequency HZ] [--switches] -- COMMAND [ARGS...]\n"
        "\n"
        "Runs COMMAND and records, per function and inclusive of callees, "
        "its\non-CPU time (sampled) and its off-CPU time by the system call "
        "it waits in,\nthen writes them as JSON (schema concur-profile/1) "
        "for concur-advise --profile.\n"
        "\n"
        "  -o, --output FILE     where to write the profile "
        "(default: concur-profile.json; - for stdout)\n"
        "  --frequency HZ        on-CPU samples per second of CPU time "
        "(default: 1000)\n"
        "  --wait-frequency HZ   looks per second at waiting threads "
        "(default: 200)\n"
        "  --switches            record every context switch: exact on-CPU, "
        "blocked and\n"
        "                        preempted totals (slows programs that "
        "switch very often)\n"
        "\n"
        "Exit status: COMMAND's, or 2 bad usage or unwritable output, 3 "
        "perf events\nrefused, 127 COMMAND cannot be run.\n";
}

bool parseRate(llvm::StringRef Text, unsigned Max, unsigned &Out) {
  return llvm::to_integer(Text, Out, 10) && Out >= 1 && Out <= Max;
}

} // namespace

int main(int Argc, char **Argv) {
  RecorderOptions Opts;
  std::string Output = "concur-profile.json";
  int I = 1;
  for (; I < Argc; ++I) {
    llvm::StringRef Arg(Argv[I]);
    auto Value = [&](llvm::StringRef Name) -> const char * {
      if (I + 1 >= Argc) {
        llvm::errs() << "concur-profile: " << Name << " needs a value\n";
        return nullptr;
      }
      return Argv[++I];
    };
    if (Arg == "--") {
      ++I;
      break;
    }
    if (Arg == "-h" || Arg == "--help") {
      usage(llvm::outs());
      return 0;
    }
    if (Arg == "-o" || Arg == "--output") {
      const char *V = Value(Arg);
      if (!V)
        return ExitUsage;
      Output = V;
    } else if (Arg == "--switches") {
      Opts.Switches = true;
    } else if (Arg == "--frequency" || Arg == "--wait-frequency") {
      const char *V = Value(Arg);
      bool Wait = Arg == "--wait-frequency";
      unsigned Max = Wait ? 1000 : 10000;
      if (!V ||
          !parseRate(V, Max, Wait ? Opts.WaitFrequency : Opts.Frequency)) {
        llvm::errs() << "concur-profile: " << Arg
                     << " needs a whole number from 1 to " << Max << "\n";
        return ExitUsage;
      }
    } else {
      llvm::errs() << "concur-profile: unknown option '" << Arg
                   << "' (the command to profile follows '--')\n";
      usage(llvm::errs());
      return ExitUsage;
    }
  }
  for (; I < Argc; ++I)
    Opts.Command.push_back(Argv[I]);
  if (Opts.Command.empty()) {
    llvm::errs() << "concur-profile: no command to profile\n";
    usage(llvm::errs());
    return ExitUsage;
  }

  // Open the output first: a run that cannot be saved is not started.
  std::error_code EC;
  llvm::raw_fd_ostream Out(Output, EC, llvm::sys::fs::OF_Text);
  if (EC) {
    llvm::errs() << "concur-profile: cannot write '" << Output
                 << "': " << EC.message() << "\n";
    return ExitUsage;
  }

  auto Rec = record(Opts);
  if (!Rec) {
    int Status = 1;
    llvm::handleAllErrors(
        Rec.takeError(),
        [&](const PerfRefusedError &E) {
          llvm::errs() << "concur-profile: " << E.message() << "\n";
          Status = ExitPerfRefused;
        },
        [&](const ExecError &E) {
          llvm::errs() << "concur-profile: " << E.message() << "\n";
          Status = ExitCannotRun;
        },
        [&](const llvm::ErrorInfoBase &E) {
          llvm::errs() << "concur-profile: " << E.message() << "\n";
        });
    Out.close();
    if (Output != "-")
      llvm::sys::fs::remove(Output);
    return Status;
  }
  concur::AnalysisOptions Thresholds;
  Profile P = buildProfile(std::move(*Rec), Opts, Thresholds);
  writeProfileJson(P, Thresholds, Out);
  Out.close();
  if (Out.has_error()) {
    llvm::errs() << "concur-profile: cannot write '" << Output
                 << "': " << Out.error().message() << "\n";
    Out.clear_error();
    return ExitUsage;
  }
  const Recording &R = P.Totals;
  llvm::errs() << llvm::format(
      "concur-profile: %zu functions in %s; wall %.1f ms, on-CPU %.1f ms, "
      "blocked %.1f ms",
      P.Functions.size(), Output.c_str(), R.WallNs / 1e6, R.OnCpuNs / 1e6,
      R.BlockedNs / 1e6);
  if (R.ExactSwitches)
    llvm::errs() << llvm::format(", preempted %.1f ms", R.PreemptedNs / 1e6);
  llvm::errs() << "; " << R.Threads << " threads in " << R.Processes
               << " processes\n";
  if (R.LostRecords)
    llvm::errs() << "concur-profile: warning: the kernel dropped "
                 << R.LostRecords
                 << " records (ring buffer full); the figures are low; "
                    "lower --frequency\n";
  return R.ExitStatus;
}
