//===--- Configuration.cpp - A file's configuration, resolved once --------===//

#include "Configuration.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace concur {

CheckOptionValues CheckOptionValues::read(
    function_ref<std::optional<std::string>(StringRef)> Get) {
  CheckOptionValues Values;
  unsigned Number;
#define CONCUR_THRESHOLD(Field, YamlKey, CheckOption, Type, Default)           \
  if (std::optional<std::string> Text = Get(CheckOption);                      \
      Text && !StringRef(*Text).getAsInteger(10, Number))                      \
    Values.Field = Number;
#define CONCUR_STRING_OPTION(Field, CheckOption)                               \
  if (std::optional<std::string> Text = Get(CheckOption))                      \
    Values.Field = std::move(*Text);
#include "ConfigOptions.def"
  return Values;
}

std::string CheckOptionValues::key() const {
  std::string Key;
  raw_string_ostream Out(Key);
#define CONCUR_THRESHOLD(Field, YamlKey, CheckOption, Type, Default)           \
  Out << (Field ? std::to_string(*Field) : "-") << '\0';
#define CONCUR_STRING_OPTION(Field, CheckOption) Out << Field << '\0';
#include "ConfigOptions.def"
  return Key;
}

KnowledgeBase &FileConfiguration::extendedKB() {
  if (!OwnKB) {
    OwnKB = std::make_unique<KnowledgeBase>(*KB);
    KB = OwnKB.get();
  }
  return *OwnKB;
}

namespace {

/// Parses "name=kind;name2=kind2" of option \p Option into knowledge-base
/// entries of the project; \p Parse makes one, or none for an unknown kind.
template <typename ParseKind>
void addFunctionList(FileConfiguration &Config, StringRef Text,
                     StringRef Option, ParseKind Parse) {
  SmallVector<StringRef, 8> Items;
  Text.split(Items, ';', -1, /*KeepEmpty=*/false);
  for (StringRef Item : Items) {
    auto [Name, Kind] = Item.trim().split('=');
    Name = Name.trim();
    std::optional<ApiEffects> Entry;
    if (!Name.empty())
      Entry = Parse(Kind.trim());
    if (!Entry) {
      Config.Problems.push_back(
          {ConfigProblem::CheckOption,
           ("invalid item '" + Item + "' in option '" + Option +
            "': expected 'name=kind' with a known kind")
               .str()});
      continue;
    }
    Entry->FromProject = true;
    Config.extendedKB().add({Name.str()}, *Entry);
  }
}

/// The knowledge-base extensions of the check options, in their order.
void extendFromCheckOptions(FileConfiguration &Config,
                            const CheckOptionValues &Checks) {
  if (!Checks.KnowledgeBaseFile.empty()) {
    auto Buffer = MemoryBuffer::getFile(Checks.KnowledgeBaseFile);
    if (!Buffer) {
      Config.Problems.push_back({ConfigProblem::CheckOption,
                                 "cannot read knowledge base file '" +
                                     Checks.KnowledgeBaseFile +
                                     "': " + Buffer.getError().message()});
    } else if (auto Extra = KnowledgeBase::parse((*Buffer)->getBuffer(),
                                                 Checks.KnowledgeBaseFile)) {
      if (!Extra->empty())
        Config.extendedKB().extend(*Extra);
    } else {
      Config.Problems.push_back(
          {ConfigProblem::CheckOption, toString(Extra.takeError())});
    }
  }
  addFunctionList(Config, Checks.ExtraBlockingFunctions,
                  "ExtraBlockingFunctions",
                  [](StringRef Kind) -> std::optional<ApiEffects> {
                    std::optional<IoKind> K = parseIoKind(Kind);
                    if (!K)
                      return std::nullopt;
                    ApiEffects E;
                    E.Io = K;
                    return E;
                  });
  addFunctionList(Config, Checks.ExtraCpuFunctions, "ExtraCpuFunctions",
                  [](StringRef Kind) -> std::optional<ApiEffects> {
                    std::optional<CpuKind> K = parseCpuKind(Kind);
                    if (!K)
                      return std::nullopt;
                    ApiEffects E;
                    E.Cpu = K;
                    E.Numeric = isNumericByNature(*K);
                    return E;
                  });
  SmallVector<StringRef, 8> Unsafe;
  StringRef(Checks.ExtraMtUnsafeFunctions).split(Unsafe, ';', -1, false);
  for (StringRef Name : Unsafe) {
    ApiEffects E;
    E.MtUnsafe = true;
    E.FromProject = true;
    Config.extendedKB().add({Name.trim().str()}, E);
  }
}

} // namespace

FileConfiguration resolveConfiguration(StringRef File,
                                       const CheckOptionValues &Checks,
                                       ConfigParts Parts,
                                       ProjectConfigFinder &Finder) {
  FileConfiguration Config;
  // 1 and 2: the defaults, overridden by the check options that are set.
#define CONCUR_THRESHOLD(Field, YamlKey, CheckOption, Type, Default)           \
  if (Checks.Field)                                                            \
    Config.Options.Field = Type(*Checks.Field);
#include "ConfigOptions.def"
  Config.SummaryPath = Checks.SummaryFile;
  if (Parts == ConfigParts::All)
    extendFromCheckOptions(Config, Checks);

  // 3: the project's `.concur.yaml`, over both.
  if (File.empty())
    return Config;
  Expected<std::shared_ptr<const ProjectConfig>> Project = Finder.find(File);
  if (!Project) {
    Config.Problems.push_back(
        {ConfigProblem::ProjectFile, toString(Project.takeError())});
    return Config;
  }
  if (!*Project)
    return Config;
  (*Project)->applyTo(Config.Options);
  if (!(*Project)->Summaries.empty())
    Config.SummaryPath = (*Project)->Summaries;
  if (Parts == ConfigParts::All && !(*Project)->Extra.empty())
    Config.extendedKB().extend((*Project)->Extra);
  return Config;
}

} // namespace concur
