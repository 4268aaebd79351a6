//===--- YamlMapping.h - YAML mapping of the data files ---------*- C++ -*-===//
//
// Internal: the YAML I/O traits shared by the knowledge base and the project
// configuration (`.concur.yaml` embeds knowledge-base entries).
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_ANALYSIS_YAMLMAPPING_H
#define CONCUR_ANALYSIS_YAMLMAPPING_H

#include "KnowledgeBase.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/YAMLTraits.h"
#include <optional>

namespace concur {

/// One `entries` item as written in a file.
struct KnowledgeBaseEntry {
  std::vector<std::string> Names;
  /// As written; checked and converted to Io/Cpu when the entry is read.
  std::string IoText, CpuText;
  std::optional<IoKind> Io;
  std::optional<CpuKind> Cpu;
  bool Numeric = false;
  std::optional<double> Cost;
  bool MtUnsafe = false;
  std::string SafeForm;
  bool Async = false;
  std::string AsyncForm;
  std::string Fix;
  CallbackPolicy Callback = CallbackPolicy::Unspecified;
  bool Spawns = false;
  bool AcquiresLock = false;
  bool ReleasesLock = false;
  RunsOn Runs = RunsOn::Caller;
  std::vector<std::string> UnlessObject;
  bool LogSink = false;
  std::optional<int> ConsoleStreamArg, WakeUpSizeArg, TimeoutArg;
  bool WouldBlock = false;
  /// As written: an index, "last" or "all"; checked and converted to
  /// LoopCallbackArg when the entry is read.
  std::string LoopCallbackArgText;
  std::optional<int> LoopCallbackArg;
  bool DispatchWait = false;
  std::optional<int> DescriptorCountArg;
  /// The entry has a key the schema does not know: YAML I/O names it, with
  /// its line, so validation stays quiet rather than mask it.
  bool HasUnknownKeys = false;

  ApiEffects effects() const;
};

/// Collects YAML I/O diagnostics as "file:line:col: message" text.
struct YamlDiagnostics {
  std::string Text;
  static void handle(const llvm::SMDiagnostic &Diag, void *Context);
  llvm::Error takeError(llvm::StringRef What) const;
};

} // namespace concur

LLVM_YAML_IS_SEQUENCE_VECTOR(concur::KnowledgeBaseEntry)

namespace llvm::yaml {

template <> struct ScalarEnumerationTraits<concur::IoKind> {
  static void enumeration(IO &Io, concur::IoKind &Value);
};
template <> struct ScalarEnumerationTraits<concur::CpuKind> {
  static void enumeration(IO &Io, concur::CpuKind &Value);
};
template <> struct ScalarEnumerationTraits<concur::CallbackPolicy> {
  static void enumeration(IO &Io, concur::CallbackPolicy &Value);
};
template <> struct ScalarEnumerationTraits<concur::RunsOn> {
  static void enumeration(IO &Io, concur::RunsOn &Value);
};
template <> struct MappingTraits<concur::KnowledgeBaseEntry> {
  static void mapping(IO &Io, concur::KnowledgeBaseEntry &Entry);
  static std::string validate(IO &Io, concur::KnowledgeBaseEntry &Entry);
};

} // namespace llvm::yaml

#endif // CONCUR_ANALYSIS_YAMLMAPPING_H
