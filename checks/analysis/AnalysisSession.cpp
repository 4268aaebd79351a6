//===--- AnalysisSession.cpp - What one unit's analysis uses --------------===//

#include "AnalysisSession.h"
#include "SummaryDatabase.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/VirtualFileSystem.h"

namespace concur {

using namespace clang;

/// The summaries database of FactsSource::Configured, or "" for none.
static std::string configuredDatabase(const SourceManager &SM,
                                      const FileConfiguration &Config) {
  if (!Config.SummaryPath.empty())
    return Config.SummaryPath;
  llvm::vfs::FileSystem &FS = SM.getFileManager().getVirtualFileSystem();
  llvm::ErrorOr<std::string> Dir = FS.getCurrentWorkingDirectory();
  if (!Dir)
    return "";
  SmallString<256> Candidate(*Dir);
  llvm::sys::path::append(Candidate, "concur-summaries.db");
  return FS.exists(Candidate) ? std::string(Candidate) : "";
}

AnalysisSession::AnalysisSession(ASTContext &Ctx,
                                 const CheckOptionValues &Checks,
                                 FactsSource Source,
                                 const SummaryProvider *Facts) {
  const SourceManager &SM = Ctx.getSourceManager();
  std::string MainFile;
  if (OptionalFileEntryRef Main = SM.getFileEntryRefForID(SM.getMainFileID()))
    MainFile = Main->getName().str();
  Config = resolveConfiguration(MainFile, Checks);

  const SummaryProvider *External = nullptr;
  switch (Source) {
  case FactsSource::None:
    break;
  case FactsSource::Given:
    External = Facts;
    break;
  case FactsSource::Configured:
    if (std::string Path = configuredDatabase(SM, Config); !Path.empty()) {
      if (auto Opened = DatabaseSummaryProvider::shared(Path))
        Database = *Opened;
      else
        Config.Problems.push_back({ConfigProblem::ProjectFile,
                                   llvm::toString(Opened.takeError()) +
                                       "; cross-file facts are not used"});
      External = Database.get();
    }
    break;
  }
  Analyzer = std::make_unique<WorkloadAnalyzer>(Ctx, Config.knowledgeBase(),
                                                Config.Options, External);
}

AnalysisSession::~AnalysisSession() = default;

} // namespace concur
