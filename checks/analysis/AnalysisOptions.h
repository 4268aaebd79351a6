//===--- AnalysisOptions.h - Tunable thresholds of the analysis -*- C++ -*-===//

#ifndef CONCUR_ANALYSIS_ANALYSISOPTIONS_H
#define CONCUR_ANALYSIS_ANALYSISOPTIONS_H

namespace concur {

/// The thresholds of the classifier. Work is counted in units of roughly one
/// simple operation (~1 ns); blocking in the same units of waiting time.
struct AnalysisOptions {
  // The thresholds users set (ConfigOptions.def): UnknownTripCount,
  // SubstantialWork, SubstantialBlocking, MinIterationWork, FanOutThreshold.
  // Trip counts assumed for a loop whose bound is not a constant; computation
  // that makes a function `cpu` (or `mixed`); waiting that makes it `io` (or
  // `mixed`); work per loop iteration worth a task; constant trip counts
  // above which a loop is a large fan-out.
#define CONCUR_THRESHOLD(Field, YamlKey, CheckOption, Type, Default)           \
  Type Field = Default;
#include "ConfigOptions.def"
  /// Computation at least this fraction of the waiting makes I/O work
  /// `mixed` rather than `io` (both must also be substantial): comparable,
  /// within the order of magnitude to which the knowledge base's costs are
  /// calibrated (bench/kb_calibration).
  double MixedRatio = 0.1;
  /// Floating-point work at least this share of all work makes CPU work
  /// numeric (array loops also count their indexing and control).
  double NumericShare = 0.25;
  /// Evidence items kept per kind of evidence in a summary.
  unsigned MaxEvidence = 4;
  /// Hops kept in one evidence chain.
  unsigned MaxChainLength = 8;
  /// Statement nesting depth past which a body is not scanned further.
  unsigned MaxScanDepth = 512;
};

} // namespace concur

#endif // CONCUR_ANALYSIS_ANALYSISOPTIONS_H
