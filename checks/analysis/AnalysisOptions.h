//===--- AnalysisOptions.h - Tunable thresholds of the analysis -*- C++ -*-===//

#ifndef CONCUR_ANALYSIS_ANALYSISOPTIONS_H
#define CONCUR_ANALYSIS_ANALYSISOPTIONS_H

namespace concur {

/// The thresholds of the classifier. Work is counted in units of roughly one
/// simple operation (~1 ns); blocking in the same units of waiting time.
struct AnalysisOptions {
  /// Trip count assumed for a loop whose bound is not a constant.
  double UnknownTripCount = 100;
  /// Computation at or above this makes a function `cpu` (or `mixed`).
  double SubstantialWork = 2000;
  /// Waiting at or above this makes a function `io` (or `mixed`).
  double SubstantialBlocking = 1000;
  /// Work per loop iteration at or above this is worth a task.
  double MinIterationWork = 500;
  /// Computation at least this fraction of the waiting makes I/O work
  /// `mixed` rather than `io` (both must also be substantial).
  double MixedRatio = 0.02;
  /// Floating-point work at least this share of all work makes CPU work
  /// numeric (array loops also count their indexing and control).
  double NumericShare = 0.25;
  /// Constant trip counts above this are a large fan-out.
  unsigned FanOutThreshold = 8;
  /// Evidence items kept per kind of evidence in a summary.
  unsigned MaxEvidence = 4;
  /// Hops kept in one evidence chain.
  unsigned MaxChainLength = 8;
  /// Statement nesting depth past which a body is not scanned further.
  unsigned MaxScanDepth = 512;
};

} // namespace concur

#endif // CONCUR_ANALYSIS_ANALYSISOPTIONS_H
