//===--- Profile.h - Per-function figures of a recording --------*- C++ -*-===//
//
// The deciding layer of concur-profile: it symbolises a Recording's stacks
// (LLVM's symbolizer library: demangled names, file:line from debug info,
// inlined frames), adds every sample once to each function on its stack
// (inclusive time), and classifies each function by the thresholds the
// static classifier uses (AnalysisOptions). Writing the result is
// writeProfileJson's job; nothing here formats output.
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_TOOL_PROFILE_PROFILE_H
#define CONCUR_TOOL_PROFILE_PROFILE_H

#include "Recorder.h"
#include "analysis/AnalysisOptions.h"
#include "llvm/Support/raw_ostream.h"
#include <map>
#include <string>
#include <vector>

namespace concur::profile {

/// The measured class of a function, with a confidence from its sample count.
struct Measured {
  std::string Class; ///< io, cpu, mixed or trivial, as the static class.
  double Confidence = 0;
};

/// What one function did during the run, inclusive of its callees.
struct FunctionProfile {
  std::string Symbol;  ///< Demangled.
  std::string Mangled; ///< The linkage name (equal to Symbol for C).
  std::string File;    ///< Where the function is defined, if debug info says.
  unsigned Line = 0;
  std::string Module;
  uint64_t OnCpuNs = 0;
  uint64_t SelfOnCpuNs = 0;
  std::map<std::string, uint64_t> OffCpuNs; ///< By reason.
  /// By the function the program called to wait (pthread_cond_wait, poll,
  /// curl_easy_perform's poll ...): the outermost of the innermost library.
  std::map<std::string, uint64_t> OffCpuVia;
  uint64_t OnCpuSamples = 0;
  uint64_t OffCpuSamples = 0;
  unsigned OnCpuThreads = 0;
  Measured Class;

  uint64_t offCpuTotal() const;
};

struct Profile {
  std::vector<std::string> Command;
  unsigned Frequency = 0, WaitFrequency = 0;
  Recording Totals; ///< The recording's figures (its samples are dropped).
  std::vector<FunctionProfile> Functions;
};

/// Classifies on-CPU against blocked time by the static classifier's
/// thresholds: SubstantialWork and SubstantialBlocking (in units of about a
/// nanosecond) and MixedRatio.
std::string measuredClass(uint64_t OnCpuNs, uint64_t OffCpuNs,
                          const AnalysisOptions &Opts);

/// Confidence of a class measured from Samples samples of the side that
/// decides it (waiting for io, computing for cpu, the smaller for mixed):
/// 1 - 1/sqrt(n), at most 0.95.
double sampleConfidence(uint64_t Samples);

/// Symbolises and aggregates a recording.
Profile buildProfile(Recording Rec, const RecorderOptions &Opts,
                     const AnalysisOptions &Thresholds);

/// Writes the profile as JSON, schema concur-profile/1.
void writeProfileJson(const Profile &P, const AnalysisOptions &Thresholds,
                      llvm::raw_ostream &OS);

} // namespace concur::profile

#endif // CONCUR_TOOL_PROFILE_PROFILE_H
