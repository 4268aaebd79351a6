//===--- UnitRunner.cpp - One translation unit, in process ----------------===//

#include "UnitRunner.h"
#include "AnalysisSession.h"
#include "ClangTidy.h"
#include "ClangTidyDiagnosticConsumer.h"
#include "ClangTidyModule.h"
#include "ClangTidyOptions.h"
#include "Configuration.h"
#include "WorkloadAnalyzer.h"
#include "utils/SessionRegistry.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Frontend/MultiplexConsumer.h"
#include "clang/Lex/PreprocessorOptions.h"
#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/VirtualFileSystem.h"

using namespace llvm;
using namespace clang;
using namespace clang::tidy;
using clang::tidy::concur::ScopedUnitFacts;

namespace concur::advise {

//===----------------------------------------------------------------------===//
// FileCache
//===----------------------------------------------------------------------===//

std::optional<FileStamp> FileCache::stamp(StringRef Path) {
  sys::fs::file_status Status;
  if (sys::fs::status(Path, Status) || !sys::fs::is_regular_file(Status))
    return std::nullopt;
  FileStamp S;
  S.Path = Path.str();
  S.Size = Status.getSize();
  S.MTime = std::chrono::duration_cast<std::chrono::nanoseconds>(
                Status.getLastModificationTime().time_since_epoch())
                .count();
  {
    std::lock_guard<std::mutex> Lock(Mutex);
    auto It = Stamps.find(Path);
    if (It != Stamps.end() && It->second.Size == S.Size &&
        It->second.MTime == S.MTime)
      return It->second;
  }
  auto Buffer = MemoryBuffer::getFile(Path, /*IsText=*/false,
                                      /*RequiresNullTerminator=*/false);
  if (!Buffer)
    return std::nullopt;
  S.Hash = hashContent((*Buffer)->getBuffer());
  std::lock_guard<std::mutex> Lock(Mutex);
  Stamps[Path] = S;
  return S;
}

bool FileCache::unchanged(const FileStamp &Old) {
  // Units share most headers: each file is looked at once per run.
  std::optional<std::pair<uint64_t, int64_t>> Now;
  {
    std::lock_guard<std::mutex> Lock(Mutex);
    auto [It, New] = Status.try_emplace(Old.Path);
    if (New) {
      sys::fs::file_status S;
      if (!sys::fs::status(Old.Path, S))
        It->second = {S.getSize(),
                      std::chrono::duration_cast<std::chrono::nanoseconds>(
                          S.getLastModificationTime().time_since_epoch())
                          .count()};
    }
    Now = It->second;
  }
  if (!Now)
    return false;
  if (Now->first == Old.Size && Now->second == Old.MTime)
    return true;
  std::optional<FileStamp> Current = stamp(Old.Path);
  return Current && Current->Hash == Old.Hash;
}

std::pair<unsigned, unsigned> FileCache::lineColumn(StringRef Path,
                                                    unsigned Offset) {
  std::lock_guard<std::mutex> Lock(Mutex);
  auto It = LineStarts.find(Path);
  if (It == LineStarts.end()) {
    std::vector<unsigned> Starts{0};
    if (auto Buffer = MemoryBuffer::getFile(Path, false, false)) {
      StringRef Text = (*Buffer)->getBuffer();
      for (size_t I = 0; I < Text.size(); ++I)
        if (Text[I] == '\n')
          Starts.push_back(unsigned(I + 1));
    }
    It = LineStarts.try_emplace(Path, std::move(Starts)).first;
  }
  const std::vector<unsigned> &Starts = It->second;
  auto Line = std::upper_bound(Starts.begin(), Starts.end(), Offset) - 1;
  return {unsigned(Line - Starts.begin()) + 1, Offset - *Line + 1};
}

//===----------------------------------------------------------------------===//
// The summaries of one unit
//===----------------------------------------------------------------------===//

namespace {

/// The check options of ConfigOptions.def that apply to every check: the
/// global ones (`Name`, not `concur-<check>.Name`) of \p Options.
::concur::CheckOptionValues
globalCheckOptions(const ClangTidyOptions &Options) {
  return ::concur::CheckOptionValues::read(
      [&](StringRef Name) -> std::optional<std::string> {
        auto It = Options.CheckOptions.find(Name);
        if (It == Options.CheckOptions.end())
          return std::nullopt;
        return It->getValue().Value;
      });
}

/// Computes the local summaries of the functions defined in the main file.
/// They are facts every check and the linker share, so they take the
/// configuration the global check options give (resolveConfiguration), as
/// the linker does.
class SummaryCollector {
public:
  /// \p Context is set up for the unit's main file.
  explicit SummaryCollector(const ClangTidyContext &Context)
      : CheckOptions(globalCheckOptions(Context.getOptions())) {}

  void collect(ASTContext &Ctx, std::vector<StoredFunction> &Out) {
    const SourceManager &SM = Ctx.getSourceManager();
    // Local summaries: calls into other units stay unresolved, so linking
    // can fold in whatever those units say now. The configuration's problems
    // are the checks' to report.
    ::concur::AnalysisSession Session(
        Ctx, CheckOptions, ::concur::AnalysisSession::FactsSource::None);
    WorkloadAnalyzer &Local = Session.analyzer();
    using namespace ast_matchers;
    auto Functions = match(functionDecl(isDefinition(), unless(isImplicit()),
                                        isExpansionInMainFile())
                               .bind("f"),
                           Ctx);
    for (const BoundNodes &Node : Functions) {
      const auto *F = Node.getNodeAs<FunctionDecl>("f");
      if (F->isDependentContext() || F->getTemplateInstantiationPattern())
        continue;
      if (const auto *Method = dyn_cast<CXXMethodDecl>(F);
          Method && Method->getParent()->isLambda())
        continue;
      if (!Local.isAnalysable(F))
        continue;
      StoredFunction S;
      S.Summary = Local.summarize(F);
      if (S.Summary.USR.empty())
        continue;
      S.InMainFile = true;
      S.EndLine = SM.getExpansionLineNumber(F->getEndLoc());
      Out.push_back(std::move(S));
    }
  }

private:
  ::concur::CheckOptionValues CheckOptions;
};

/// Runs before the checks' consumer: it records the files the unit read
/// (the checks later open other files to place notes of cross-file evidence;
/// those are not inputs of the unit) and the local summaries.
class SummaryConsumer : public ASTConsumer {
public:
  SummaryConsumer(ClangTidyContext &Context, UnitOutcome &Out, FileCache &Files)
      : Collector(Context), Out(Out), Files(Files) {}
  void HandleTranslationUnit(ASTContext &Ctx) override {
    const SourceManager &SM = Ctx.getSourceManager();
    for (auto It = SM.fileinfo_begin(); It != SM.fileinfo_end(); ++It) {
      FileEntryRef Ref = It->first;
      SmallString<256> Path(Ref.getFileEntry().tryGetRealPathName());
      if (Path.empty()) {
        Path = Ref.getName();
        sys::fs::make_absolute(Path);
      }
      if (std::optional<FileStamp> S = Files.stamp(Path))
        Out.Record.Deps.push_back(std::move(*S));
    }
    Collector.collect(Ctx, Out.Record.Functions);
  }

private:
  SummaryCollector Collector;
  UnitOutcome &Out;
  FileCache &Files;
};

/// Limits the checks' traversal to the declarations written in the main
/// file, as clangd does, when no diagnostic outside it can be reported: the
/// matchers then skip the bodies of every inline function in the headers,
/// which in C++ is most of the unit. Analyses that need the whole unit
/// (overriders, callees' bodies) reach it through the AST, not traversal.
class MainFileScope : public ASTConsumer {
public:
  explicit MainFileScope(const SourceManager &SM) : SM(SM) {}
  bool HandleTopLevelDecl(DeclGroupRef Group) override {
    for (Decl *D : Group)
      if (SM.isWrittenInMainFile(SM.getExpansionLoc(D->getLocation())))
        Decls.push_back(D);
    return true;
  }
  void HandleTranslationUnit(ASTContext &Ctx) override {
    Ctx.setTraversalScope(Decls);
  }

private:
  const SourceManager &SM;
  std::vector<Decl *> Decls;
};

/// What runs on the AST once the checks have: see KeepHook.
using AfterChecksFn =
    function_ref<void(CompilerInstance &, ASTContext &, StringRef File)>;

class AfterChecks : public ASTConsumer {
public:
  AfterChecks(CompilerInstance &CI, StringRef File, AfterChecksFn Fn)
      : CI(CI), File(File.str()), Fn(Fn) {}
  void HandleTranslationUnit(ASTContext &Ctx) override { Fn(CI, Ctx, File); }

private:
  CompilerInstance &CI;
  std::string File;
  AfterChecksFn Fn;
};

class UnitAction : public ASTFrontendAction {
public:
  UnitAction(ClangTidyASTConsumerFactory &Factory, ClangTidyContext &Context,
             UnitOutcome &Out, FileCache &Files, UnitPass Pass,
             AfterChecksFn After)
      : Factory(Factory), Context(Context), Out(Out), Files(Files), Pass(Pass),
        After(After) {}

  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI,
                                                 StringRef File) override {
    // The checks' consumer is created first (it sets up the context for
    // this file) but runs second.
    std::unique_ptr<ASTConsumer> Checks = Factory.createASTConsumer(CI, File);
    std::vector<std::unique_ptr<ASTConsumer>> Consumers;
    const ClangTidyOptions &Options = Context.getOptions();
    if (Options.HeaderFilterRegex.value_or("").empty() &&
        !Options.SystemHeaders.value_or(false))
      Consumers.push_back(
          std::make_unique<MainFileScope>(CI.getSourceManager()));
    if (Pass == UnitPass::Analyse)
      Consumers.push_back(
          std::make_unique<SummaryConsumer>(Context, Out, Files));
    Consumers.push_back(std::move(Checks));
    if (After)
      Consumers.push_back(std::make_unique<AfterChecks>(CI, File, After));
    return std::make_unique<MultiplexConsumer>(std::move(Consumers));
  }

private:
  ClangTidyASTConsumerFactory &Factory;
  ClangTidyContext &Context;
  UnitOutcome &Out;
  FileCache &Files;
  UnitPass Pass;
  AfterChecksFn After;
};

class UnitActionFactory : public tooling::FrontendActionFactory {
public:
  UnitActionFactory(ClangTidyContext &Context, UnitOutcome &Out,
                    FileCache &Files, UnitPass Pass,
                    IntrusiveRefCntPtr<vfs::OverlayFileSystem> FS,
                    AfterChecksFn After)
      : Factory(Context, std::move(FS)), Context(Context), Out(Out),
        Files(Files), Pass(Pass), After(After) {}
  std::unique_ptr<FrontendAction> create() override {
    return std::make_unique<UnitAction>(Factory, Context, Out, Files, Pass,
                                        After);
  }
  bool runInvocation(std::shared_ptr<CompilerInvocation> Invocation,
                     FileManager *Files,
                     std::shared_ptr<PCHContainerOperations> PCHContainerOps,
                     DiagnosticConsumer *DiagConsumer) override {
    // As clang-tidy: code may test __clang_analyzer__.
    Invocation->getPreprocessorOpts().SetUpStaticAnalyzer = true;
    // Diagnostics are collected, never printed; without this the compiler
    // also writes "N warnings generated." to stderr for every unit.
    Invocation->getDiagnosticOpts().ShowCarets = false;
    return FrontendActionFactory::runInvocation(Invocation, Files,
                                                PCHContainerOps, DiagConsumer);
  }

private:
  ClangTidyASTConsumerFactory Factory;
  ClangTidyContext &Context;
  UnitOutcome &Out;
  FileCache &Files;
  UnitPass Pass;
  AfterChecksFn After;
};

ClangTidyOptions defaultOptions() {
  ClangTidyOptions Defaults = ClangTidyOptions::getDefaults();
  Defaults.Checks = "-*,concur-*";
  Defaults.HeaderFilterRegex = "";
  Defaults.SystemHeaders = false;
  return Defaults;
}

/// The clang-tidy options of the unit's files. \p FS is the unit's file
/// system: .clang-tidy files are looked up from each file's real location
/// (a header named relative to the compile command's directory resolves
/// against that directory, not the process's), so a .clang-tidy in the
/// directory concur-advise is run from is never read by mistake.
std::unique_ptr<ClangTidyOptionsProvider>
optionsProvider(const TidySettings &Settings, std::string &Error,
                IntrusiveRefCntPtr<vfs::FileSystem> FS = nullptr) {
  ClangTidyOptions Override;
  Override.Checks = "-*,concur-*";
  if (!Settings.Checks.empty())
    *Override.Checks += "," + Settings.Checks;
  if (Settings.HeaderFilter)
    Override.HeaderFilterRegex = *Settings.HeaderFilter;
  if (!Settings.ExtraArgs.empty())
    Override.ExtraArgs = Settings.ExtraArgs;
  if (!Settings.ExtraArgsBefore.empty())
    Override.ExtraArgsBefore = Settings.ExtraArgsBefore;
  if (!Settings.Config.empty()) {
    ErrorOr<ClangTidyOptions> Parsed =
        parseConfiguration(MemoryBufferRef(Settings.Config, "--config"));
    if (!Parsed) {
      Error = "invalid --config: " + Parsed.getError().message();
      return nullptr;
    }
    return std::make_unique<ConfigOptionsProvider>(
        ClangTidyGlobalOptions(), defaultOptions(), std::move(*Parsed),
        std::move(Override), std::move(FS));
  }
  return std::make_unique<FileOptionsProvider>(
      ClangTidyGlobalOptions(), defaultOptions(), std::move(Override),
      std::move(FS));
}

std::string severityOf(const ClangTidyError &E) {
  if (E.IsWarningAsError)
    return "error";
  switch (E.DiagLevel) {
  case tooling::Diagnostic::Remark:
    return "remark";
  case tooling::Diagnostic::Warning:
    return "warning";
  case tooling::Diagnostic::Error:
    return "error";
  }
  return "warning";
}

/// What the checks of a kept unit run again with: a context of their own.
struct CheckAgain {
  CheckAgain(std::unique_ptr<ClangTidyOptionsProvider> Options,
             IntrusiveRefCntPtr<vfs::OverlayFileSystem> FS)
      : Context(std::move(Options)), Diags(Context),
        Engine(new DiagnosticIDs(), new DiagnosticOptions(), &Diags,
               /*ShouldOwnClient=*/false),
        Factory(Context, std::move(FS)) {
    Context.setDiagnosticsEngine(&Engine);
  }
  ClangTidyContext Context;
  ClangTidyDiagnosticConsumer Diags;
  DiagnosticsEngine Engine;
  ClangTidyASTConsumerFactory Factory;
  std::unique_ptr<ASTConsumer> Checks;
};

/// Turns what the checks and the compiler reported into the outcome's
/// findings; compile errors, or a \p Status that is not 0, fail the unit.
void addFindings(UnitOutcome &Out, std::vector<ClangTidyError> Errors,
                 int Status, const tooling::CompilationDatabase &Compilations,
                 FileCache &Files) {
  std::vector<std::string> CompileErrors;
  for (const ClangTidyError &E : Errors) {
    if (StringRef(E.DiagnosticName).starts_with("concur-advise-"))
      continue;
    auto Absolute = [&](StringRef Path) {
      SmallString<256> P(Path);
      if (!P.empty() && !sys::path::is_absolute(P) && !E.BuildDirectory.empty())
        sys::fs::make_absolute(E.BuildDirectory, P);
      sys::path::remove_dots(P, /*remove_dot_dot=*/true);
      return std::string(P);
    };
    auto Locate = [&](const tooling::DiagnosticMessage &M) {
      Location L;
      L.File = Absolute(M.FilePath);
      if (!L.File.empty())
        std::tie(L.Line, L.Column) = Files.lineColumn(L.File, M.FileOffset);
      return L;
    };
    FindingRecord F;
    F.Check = E.DiagnosticName;
    F.Severity = severityOf(E);
    F.At = Locate(E.Message);
    F.Message = E.Message.Message;
    F.Model = modelInMessage(F.Message);
    for (const tooling::DiagnosticMessage &N : E.Notes)
      F.Notes.push_back({Locate(N), N.Message});
    for (const auto &Entry : E.Message.Fix)
      for (const tooling::Replacement &R : Entry.getValue()) {
        FixRecord X;
        X.At.File = Absolute(R.getFilePath());
        std::tie(X.At.Line, X.At.Column) =
            Files.lineColumn(X.At.File, R.getOffset());
        X.Offset = R.getOffset();
        X.Length = R.getLength();
        X.Replacement = R.getReplacementText().str();
        F.Fixes.push_back(std::move(X));
      }
    if (StringRef(F.Check).starts_with("clang-diagnostic-") &&
        F.Severity == "error") {
      std::string Where = F.At.File.empty()
                              ? Out.Record.File
                              : F.At.File + ":" + std::to_string(F.At.Line) +
                                    ":" + std::to_string(F.At.Column);
      CompileErrors.push_back(Where + ": " + F.Message);
    }
    Out.Findings.push_back(std::move(F));
  }

  if (!CompileErrors.empty()) {
    Out.Record.Failed = true;
    Out.Record.Error = CompileErrors.front();
    if (CompileErrors.size() > 1)
      Out.Record.Error +=
          " (and " + std::to_string(CompileErrors.size() - 1) + " more errors)";
  } else if (Status != 0) {
    Out.Record.Failed = true;
    Out.Record.Error = Compilations.getCompileCommands(Out.Record.File).empty()
                           ? "no compile command for this file"
                           : "the compiler could not process this file";
  }

  json::Array Json;
  Out.Record.Findings.clear();
  for (const FindingRecord &F : Out.Findings)
    Json.push_back(toJSON(F));
  raw_string_ostream(Out.Record.Findings) << json::Value(std::move(Json));
}

} // namespace

UnitRunner::UnitRunner(const tooling::CompilationDatabase &Compilations,
                       TidySettings Settings, FileCache &Files)
    : Compilations(Compilations), Settings(std::move(Settings)), Files(Files) {}

CheckOptionsReader checkOptionsReader(const TidySettings &Settings) {
  std::string Error; // validate() reports it
  std::shared_ptr<ClangTidyOptionsProvider> Provider =
      optionsProvider(Settings, Error);
  return [Provider](StringRef File) {
    if (!Provider)
      return ::concur::CheckOptionValues();
    return globalCheckOptions(Provider->getOptions(File));
  };
}

std::string validateTidySettings(const TidySettings &Settings) {
  std::string Error;
  optionsProvider(Settings, Error);
  return Error;
}

std::string UnitRunner::validate() const {
  return validateTidySettings(Settings);
}

UnitOutcome UnitRunner::run(StringRef File,
                            const FingerprintingSummaryProvider *Facts,
                            UnitPass Pass, KeepHook Keep) {
  UnitOutcome Out;
  Out.Record.File = File.str();

  // A file system with its own working directory: ClangTool moves into each
  // compile command's directory, and the real file system's is the
  // process's, shared by the workers (relative paths of units in different
  // directories resolved against each other's).
  auto FS = makeIntrusiveRefCnt<vfs::OverlayFileSystem>(
      IntrusiveRefCntPtr<vfs::FileSystem>(vfs::createPhysicalFileSystem()));

  std::string ConfigError;
  auto Provider = optionsProvider(Settings, ConfigError, FS);
  if (!Provider) {
    Out.Record.Failed = true;
    Out.Record.Error = ConfigError;
    return Out;
  }
  ClangTidyContext Context(std::move(Provider));
  ClangTidyDiagnosticConsumer DiagConsumer(Context);
  DiagnosticsEngine DE(new DiagnosticIDs(), new DiagnosticOptions(),
                       &DiagConsumer, /*ShouldOwnClient=*/false);
  Context.setDiagnosticsEngine(&DE);
  std::vector<std::string> Sources{File.str()};
  tooling::ClangTool Tool(Compilations, Sources,
                          std::make_shared<PCHContainerOperations>(), FS);
  Tool.setPrintErrorMessage(false);
  Tool.appendArgumentsAdjuster(
      [&Context](const tooling::CommandLineArguments &Args, StringRef Name) {
        ClangTidyOptions Opts = Context.getOptionsForFile(Name);
        tooling::CommandLineArguments Adjusted = Args;
        // Compiler warnings are not reported, and one that -Werror makes an
        // error leaves a sound AST: a GCC-only option such as -Wshadow=local
        // in a -Werror build must not fail the unit. (Before the user's
        // --extra-arg, which may turn -Werror back on.)
        Adjusted.push_back("-Wno-error");
        if (Opts.ExtraArgsBefore) {
          auto I = Adjusted.begin();
          if (I != Adjusted.end() && !StringRef(*I).starts_with("-"))
            ++I;
          Adjusted.insert(I, Opts.ExtraArgsBefore->begin(),
                          Opts.ExtraArgsBefore->end());
        }
        if (Opts.ExtraArgs)
          Adjusted.insert(Adjusted.end(), Opts.ExtraArgs->begin(),
                          Opts.ExtraArgs->end());
        return Adjusted;
      });
  Tool.appendArgumentsAdjuster(tooling::getStripPluginsAdjuster());
  Tool.setDiagnosticConsumer(&DiagConsumer);

  RecordingSummaryProvider Recording(Facts);
  // With a KeepHook, the first outcome leaves from inside the run, and the
  // checks may run again on the same AST with the facts it returns. Not for
  // a file compiled more than once: its outcome covers every command.
  if (Keep && Compilations.getCompileCommands(File).size() != 1)
    Keep = {};
  bool Delivered = false;
  std::optional<UnitOutcome> Second;
  // The second checks and their context outlive the compiler instance, as
  // the first ones do: it may still call what they registered with it.
  std::unique_ptr<CheckAgain> Again;
  auto KeepUnit = [&](CompilerInstance &CI, ASTContext &Ctx,
                      StringRef MainFile) {
    if (CI.getDiagnostics().hasErrorOccurred())
      return; // a failed unit takes the usual way
    UnitOutcome First = std::move(Out);
    First.Record.Lookups = Recording.takeLookups();
    const SourceManager &SM = CI.getSourceManager();
    SourceManager::MemoryBufferSizes Buffers = SM.getMemoryBufferSizes();
    First.AstBytes = Ctx.getASTAllocatedMemory() +
                     Ctx.getSideTableAllocatedMemory() +
                     SM.getDataStructureSizes() + Buffers.malloc_bytes +
                     Buffers.mmap_bytes + CI.getPreprocessor().getTotalMemory();
    addFindings(First, DiagConsumer.take(), 0, Compilations, Files);
    Delivered = true;
    const FingerprintingSummaryProvider *Final = Keep(First);
    if (!Final)
      return;
    std::string Unused; // the settings were valid for the first checks
    Again =
        std::make_unique<CheckAgain>(optionsProvider(Settings, Unused, FS), FS);
    RecordingSummaryProvider AgainRecording(Final);
    ScopedUnitFacts Install(Again->Context, AgainRecording);
    Again->Checks = Again->Factory.createASTConsumer(CI, MainFile);
    Again->Checks->HandleTranslationUnit(Ctx);
    Second.emplace();
    Second->Record.File = File.str();
    Second->Record.Lookups = AgainRecording.takeLookups();
    addFindings(*Second, Again->Diags.take(), 0, Compilations, Files);
  };
  int Status;
  {
    ScopedUnitFacts Install(Context, Recording);
    UnitActionFactory Factory(Context, Out, Files, Pass, FS,
                              Keep && Pass == UnitPass::Analyse
                                  ? AfterChecksFn(KeepUnit)
                                  : AfterChecksFn());
    Status = Tool.run(&Factory);
  }

  if (Delivered) {
    UnitOutcome Result = Second ? std::move(*Second) : UnitOutcome();
    Result.Record.File = File.str();
    Result.Delivered = true;
    Result.Rechecked = Second.has_value();
    return Result;
  }
  Out.Record.Lookups = Recording.takeLookups();
  addFindings(Out, DiagConsumer.take(), Status, Compilations, Files);
  return Out;
}

} // namespace concur::advise
