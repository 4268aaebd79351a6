//===--- Options.h - concur-advise's command line ---------------*- C++ -*-===//
//
// The command line parsed into plain structs, with every value checked, so
// that the run never sees a string it has to interpret and tests can parse
// command lines without running anything.
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_TOOL_ADVISE_OPTIONS_H
#define CONCUR_TOOL_ADVISE_OPTIONS_H

#include "Emitter.h"
#include "Project.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "llvm/Support/Error.h"
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace concur::advise {

/// The exit status: the contract with CI (see ConcurAdvise.cpp).
enum ExitCode {
  ExitClean = 0,
  ExitFindings = 1,
  ExitUsage = 2,
  ExitFailedUnits = 3
};

/// A command line, configuration or input that cannot be used; the run ends
/// with ExitUsage. The parser's own messages are complete lines and are
/// printed verbatim; the others as "concur-advise: error: <message>".
class UsageError : public llvm::ErrorInfo<UsageError> {
public:
  static char ID;
  explicit UsageError(std::string Message, bool Verbatim = false)
      : Message(std::move(Message)), Verbatim(Verbatim) {}
  void log(llvm::raw_ostream &OS) const override { OS << Message; }
  std::error_code convertToErrorCode() const override {
    return llvm::inconvertibleErrorCode();
  }
  std::string Message;
  bool Verbatim;
};

/// Shorthand for a UsageError.
llvm::Error usageError(const llvm::Twine &Message);

/// Prints \p E on stderr as concur-advise reports usage errors and returns
/// ExitUsage.
int reportUsage(llvm::Error E);

/// `concur-advise [options] [files] [-- compiler flags]`
struct AdviseOptions {
  std::vector<std::string> Files;
  std::string BuildPath;
  unsigned Jobs = 0; ///< 0: all cores.
  std::string SummariesPath;
  /// --shard I/N, with 1 <= ShardIndex <= ShardCount; both 0 without it.
  unsigned ShardIndex = 0, ShardCount = 0;
  bool FromDb = false;
  /// --recheck-into: the findings-only database the second phase of a
  /// sharded run writes (no report then).
  std::string RecheckInto;
  Format Form = Format::Text;
  std::string OutputPath;
  /// none, note, warning or error.
  std::string FailOn = "warning";
  std::string Baseline, WriteBaseline, Explain;
  bool Summary = false;
  TidySettings Tidy;
  ProgressMode Progress = ProgressMode::Auto;
  bool Fix = false, Quiet = false, PrintStats = false;
  /// --kept-memory, in bytes; the default depends on the machine.
  std::optional<size_t> KeptBudget;
  /// --doc-url as given; the default depends on where the tool is installed.
  std::optional<std::string> DocBase;
  /// --profile: a concur-profile/1 file to join; --profile-findings,
  /// --profile-overrides: what a confident disagreement does.
  std::string Profile;
  bool ProfileFindings = false, ProfileOverrides = false;
  /// `file -- flags`: the compile commands the flags give every file.
  std::shared_ptr<clang::tooling::CompilationDatabase> Fixed;
};

/// Parses a command line (argv[0] first). Errors are UsageErrors.
llvm::Expected<AdviseOptions> parseAdviseOptions(int Argc, const char **Argv);

/// `concur-advise merge A.db B.db ... -o ALL.db [--config TEXT]`, or, with
/// the databases --recheck-into wrote, `merge ALL.db R1.db ... -o FINAL.db`
struct MergeOptions {
  std::vector<std::string> Inputs;
  std::string Output;
  /// The link classifies each file's functions with its check options: the
  /// shards' --config, else its .clang-tidy files.
  TidySettings Tidy;
  bool Help = false;
};

/// The help of `merge`.
extern const char MergeHelp[];

/// Parses the arguments after `merge`. Errors are UsageErrors.
llvm::Expected<MergeOptions>
parseMergeOptions(llvm::ArrayRef<const char *> Args);

} // namespace concur::advise

#endif // CONCUR_TOOL_ADVISE_OPTIONS_H
