//===--- Progress.h - Progress of a phase on stderr -------------*- C++ -*-===//

#ifndef CONCUR_TOOL_ADVISE_PROGRESS_H
#define CONCUR_TOOL_ADVISE_PROGRESS_H

#include "llvm/ADT/StringRef.h"
#include <chrono>
#include <mutex>
#include <string>

namespace concur::advise {

enum class ProgressMode { Auto, Bar, Lines, None };

/// Progress of one phase on stderr: a redrawn bar with counts and ETA on a
/// terminal, a plain line every few seconds otherwise (CI logs).
class Progress {
public:
  Progress(ProgressMode Mode, llvm::StringRef Phase, unsigned Total);
  ~Progress();
  void tick(llvm::StringRef File);

private:
  void draw(bool Final);
  bool Bar;
  bool Enabled;
  std::string Phase;
  unsigned Total, Done = 0;
  std::chrono::steady_clock::time_point Start, LastLine;
  std::mutex Mutex;
  std::string Current;
};

} // namespace concur::advise

#endif // CONCUR_TOOL_ADVISE_PROGRESS_H
