//===--- ProjectConfig.cpp - The project file .concur.yaml ----------------===//

#include "ProjectConfig.h"
#include "YamlMapping.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

using namespace llvm;

namespace concur {

namespace {
struct OptionsText {
#define CONCUR_THRESHOLD(Field, YamlKey, CheckOption, Type, Default)           \
  std::optional<Type> Field;
#include "ConfigOptions.def"
};
struct ConfigText {
  int Version = 1;
  std::vector<KnowledgeBaseEntry> Entries;
  OptionsText Options;
  std::string Summaries;
  std::vector<std::string> Handlers;
};
} // namespace

} // namespace concur

using namespace concur;

namespace llvm::yaml {

template <> struct MappingTraits<OptionsText> {
  static void mapping(IO &Io, OptionsText &Options) {
#define CONCUR_THRESHOLD(Field, YamlKey, CheckOption, Type, Default)           \
  Io.mapOptional(YamlKey, Options.Field);
#include "ConfigOptions.def"
  }
};

template <> struct MappingTraits<ConfigText> {
  static void mapping(IO &Io, ConfigText &Config) {
    Io.mapOptional("version", Config.Version);
    Io.mapOptional("knowledge-base", Config.Entries);
    Io.mapOptional("options", Config.Options);
    Io.mapOptional("summaries", Config.Summaries);
    Io.mapOptional("handlers", Config.Handlers);
  }
};

} // namespace llvm::yaml

namespace concur {

void ProjectConfig::applyTo(AnalysisOptions &Opts) const {
#define CONCUR_THRESHOLD(Field, YamlKey, CheckOption, Type, Default)           \
  if (Field)                                                                   \
    Opts.Field = *Field;
#include "ConfigOptions.def"
}

Expected<ProjectConfig> ProjectConfig::parse(StringRef Yaml, StringRef Path) {
  ConfigText Text;
  YamlDiagnostics Diags;
  yaml::Input In(MemoryBufferRef(Yaml, Path), nullptr, &YamlDiagnostics::handle,
                 &Diags);
  // An empty file is a valid, empty configuration.
  if (!Yaml.trim().empty())
    In >> Text;
  if (In.error())
    return Diags.takeError("project configuration");
  if (Text.Version != 1)
    return createStringError(inconvertibleErrorCode(),
                             "invalid project configuration: %s: unsupported "
                             "version %d (this concur reads version 1)",
                             Path.str().c_str(), Text.Version);
  ProjectConfig Config;
  Config.Path = Path.str();
  for (const KnowledgeBaseEntry &Entry : Text.Entries)
    Config.Extra.add(Entry.Names, Entry.effects());
  Config.Extra.addLoopHandlers(Text.Handlers);
#define CONCUR_THRESHOLD(Field, YamlKey, CheckOption, Type, Default)           \
  Config.Field = Text.Options.Field;
#include "ConfigOptions.def"
  if (!Text.Summaries.empty()) {
    SmallString<256> Summaries(Text.Summaries);
    if (sys::path::is_relative(Summaries)) {
      Summaries = sys::path::parent_path(Path);
      sys::path::append(Summaries, Text.Summaries);
    }
    sys::path::remove_dots(Summaries, /*remove_dot_dot=*/true);
    Config.Summaries = Summaries.str().str();
  }
  return Config;
}

Expected<ProjectConfig> ProjectConfig::load(StringRef Path) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> Buffer = MemoryBuffer::getFile(Path);
  if (!Buffer)
    return createStringError(Buffer.getError(), "cannot read %s: %s",
                             Path.str().c_str(),
                             Buffer.getError().message().c_str());
  return parse((*Buffer)->getBuffer(), Path);
}

ProjectConfigFinder &ProjectConfigFinder::shared() {
  static ProjectConfigFinder Finder;
  return Finder;
}

Expected<std::shared_ptr<const ProjectConfig>>
ProjectConfigFinder::find(StringRef SourceFile) {
  SmallString<256> Absolute(SourceFile);
  sys::fs::make_absolute(Absolute);
  for (StringRef Dir = sys::path::parent_path(Absolute); !Dir.empty();
       Dir = sys::path::parent_path(Dir)) {
    SmallString<256> Candidate(Dir);
    sys::path::append(Candidate, FileName);
    sys::fs::file_status Status;
    if (sys::fs::status(Candidate, Status) || !sys::fs::is_regular_file(Status))
      continue;

    std::lock_guard<std::mutex> Lock(Mutex);
    auto It = Files.find(Candidate);
    if (It == Files.end() ||
        It->second.Modified != Status.getLastModificationTime() ||
        It->second.Size != Status.getSize()) {
      Parsed Entry;
      Entry.Modified = Status.getLastModificationTime();
      Entry.Size = Status.getSize();
      Expected<ProjectConfig> Config = ProjectConfig::load(Candidate);
      if (!Config)
        Entry.Error = toString(Config.takeError());
      else
        Entry.Config =
            std::make_shared<const ProjectConfig>(std::move(*Config));
      It = Files.insert_or_assign(Candidate.str(), std::move(Entry)).first;
    }
    if (!It->second.Error.empty())
      return createStringError(inconvertibleErrorCode(), It->second.Error);
    return It->second.Config;
  }
  return nullptr;
}

} // namespace concur
