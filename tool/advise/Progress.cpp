//===--- Progress.cpp - Progress of a phase on stderr ---------------------===//

#include "Progress.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace concur::advise {

static std::string duration(double Seconds) {
  unsigned S = unsigned(Seconds + 0.5);
  if (S < 60)
    return std::to_string(S) + "s";
  return std::to_string(S / 60) + "m" + (S % 60 < 10 ? "0" : "") +
         std::to_string(S % 60) + "s";
}

Progress::Progress(ProgressMode Mode, StringRef Phase, unsigned Total)
    : Bar(Mode == ProgressMode::Bar ||
          (Mode == ProgressMode::Auto &&
           sys::Process::StandardErrIsDisplayed())),
      Enabled(Mode != ProgressMode::None && Total > 0), Phase(Phase.str()),
      Total(Total), Start(std::chrono::steady_clock::now()), LastLine(Start) {
  if (Enabled && !Bar)
    errs() << "concur-advise: " << Phase << " " << Total << " units\n";
}

Progress::~Progress() {
  if (!Enabled)
    return;
  std::lock_guard<std::mutex> Lock(Mutex);
  draw(/*Final=*/true);
}

void Progress::tick(StringRef File) {
  if (!Enabled)
    return;
  std::lock_guard<std::mutex> Lock(Mutex);
  ++Done;
  Current = sys::path::filename(File).str();
  draw(/*Final=*/false);
}

void Progress::draw(bool Final) {
  auto Now = std::chrono::steady_clock::now();
  double Elapsed = std::chrono::duration<double>(Now - Start).count();
  double Eta = Done ? Elapsed / Done * (Total - Done) : 0;
  unsigned Percent = Total ? Done * 100 / Total : 100;
  if (Bar) {
    constexpr unsigned Width = 30;
    unsigned Filled = Total ? Done * Width / Total : Width;
    std::string Line = "\r" + Phase + " [" + std::string(Filled, '#') +
                       std::string(Width - Filled, '.') + "] " +
                       std::to_string(Done) + "/" + std::to_string(Total) +
                       " " + std::to_string(Percent) + "%";
    Line += Final ? " in " + duration(Elapsed)
                  : " ETA " + duration(Eta) + " " + Current;
    errs() << Line << "\x1b[K";
    if (Final)
      errs() << "\n";
    return;
  }
  // Plain lines: at most one every five seconds, and the last one.
  if (!Final && std::chrono::duration<double>(Now - LastLine).count() < 5 &&
      Done != Total)
    return;
  if (Final && Done == Total && LastLine != Start &&
      std::chrono::duration<double>(Now - LastLine).count() < 0.001)
    return;
  LastLine = Now;
  errs() << formatv("concur-advise: {0} {1}/{2} ({3}%), {4} elapsed{5}\n",
                    Phase, Done, Total, Percent, duration(Elapsed),
                    Done < Total ? ", ETA " + duration(Eta) : std::string());
}

} // namespace concur::advise
