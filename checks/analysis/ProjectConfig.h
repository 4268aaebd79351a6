//===--- ProjectConfig.h - The project file .concur.yaml --------*- C++ -*-===//
//
// A project tells concur about its own APIs and thresholds in `.concur.yaml`,
// found by walking up from the source file:
//
//   version: 1
//   knowledge-base:            # entries in the knowledge-base schema
//     - names: [mylib::fetch]
//       io: network
//   options:
//     unknown-trip-count: 100
//     substantial-work: 2000
//     substantial-blocking: 1000
//     min-iteration-work: 500
//     fan-out-threshold: 8
//   summaries: build/concur-summaries.db   # relative to this file
//   handlers: [on_request]     # functions that run on an event loop
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_ANALYSIS_PROJECTCONFIG_H
#define CONCUR_ANALYSIS_PROJECTCONFIG_H

#include "AnalysisOptions.h"
#include "KnowledgeBase.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Chrono.h"
#include "llvm/Support/Error.h"
#include <memory>
#include <mutex>
#include <optional>

namespace concur {

struct ProjectConfig {
  /// The file this configuration was read from.
  std::string Path;
  KnowledgeBase Extra;
  /// The thresholds set under `options:` (ConfigOptions.def).
#define CONCUR_THRESHOLD(Field, YamlKey, CheckOption, Type, Default)           \
  std::optional<Type> Field;
#include "ConfigOptions.def"
  /// Absolute path of the summaries database, when configured.
  std::string Summaries;

  /// Overrides \p Opts with the thresholds this file sets.
  void applyTo(AnalysisOptions &Opts) const;

  static llvm::Expected<ProjectConfig> parse(llvm::StringRef Yaml,
                                             llvm::StringRef Path);
  static llvm::Expected<ProjectConfig> load(llvm::StringRef Path);
};

/// Finds `.concur.yaml` files and parses each once per version of the file.
/// Every lookup checks the candidates' status again, because a long-running
/// front end (concur-clangd) sees the user create, edit and delete the file
/// while it runs; a few stat calls per translation unit are cheap next to a
/// parse.
class ProjectConfigFinder {
public:
  static constexpr llvm::StringLiteral FileName = ".concur.yaml";

  /// The finder every front end of this process shares, so each version of
  /// a file is parsed once whoever asks.
  static ProjectConfigFinder &shared();

  /// The configuration that applies to \p SourceFile: the nearest
  /// `.concur.yaml` in its directory or a parent. Null when there is none;
  /// an error (with file, line and column) when it is malformed.
  llvm::Expected<std::shared_ptr<const ProjectConfig>>
  find(llvm::StringRef SourceFile);

private:
  struct Parsed {
    llvm::sys::TimePoint<> Modified;
    uint64_t Size = 0;
    /// The configuration, or null with the error text it gave.
    std::shared_ptr<const ProjectConfig> Config;
    std::string Error;
  };
  std::mutex Mutex;
  /// By the configuration file's path.
  llvm::StringMap<Parsed> Files;
};

} // namespace concur

#endif // CONCUR_ANALYSIS_PROJECTCONFIG_H
