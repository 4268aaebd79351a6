//===--- ProfileJoin.h - A run's measurements beside the advice -*- C++ -*-===//
//
// concur-advise --profile FILE: reads what concur-profile measured
// (schema concur-profile/1), joins it with the report's functions (by the
// file and line of the definition, else by qualified name), and records the
// measured class beside the static one. With Findings, a confident
// measurement that disagrees with the static class becomes a remark of
// concur-profile-disagrees; with Overrides it replaces the static class, so
// the row for the function's callers follows the run, and the finding says
// so. The emitters only render FunctionRecord::Measured.
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_TOOL_ADVISE_PROFILEJOIN_H
#define CONCUR_TOOL_ADVISE_PROFILEJOIN_H

#include "Report.h"
#include "llvm/Support/Error.h"
#include <map>
#include <string>
#include <vector>

namespace concur::advise {

/// One function of a concur-profile/1 file.
struct ProfiledFunction {
  std::string Symbol, File, Class;
  unsigned Line = 0;
  double OnCpuMs = 0, OffCpuMs = 0, Confidence = 0;
  std::map<std::string, double> OffCpuByReason;
  std::map<std::string, double> OffCpuVia; ///< By the function waited in.
  uint64_t Samples = 0;
};

/// A measured class is confident, for a finding or an override, from this
/// confidence on (25 samples: concur-profile gives 1 - 1/sqrt(n)).
constexpr double ConfidentMeasurement = 0.8;

/// Reads a concur-profile/1 file; a missing, malformed or other-schema file
/// is an error that names it.
llvm::Expected<std::vector<ProfiledFunction>> loadProfile(llvm::StringRef Path);

struct JoinOptions {
  bool Findings = false;  ///< --profile-findings
  bool Overrides = false; ///< --profile-overrides
};

/// Sets Measured on every function of \p R the profile has, and adds the
/// findings and overrides \p Opts asks for. Runs before decideReport(), so
/// an overridden class decides the callers' row.
void joinProfile(Report &R, llvm::ArrayRef<ProfiledFunction> Profile,
                 const JoinOptions &Opts);

} // namespace concur::advise

#endif // CONCUR_TOOL_ADVISE_PROFILEJOIN_H
