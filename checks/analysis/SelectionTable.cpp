//===--- SelectionTable.cpp - The spec's rows and decision order ----------===//

#include "SelectionTable.h"
#include "YamlMapping.h"
#include "llvm/ADT/STLExtras.h"
#include <map>

using namespace llvm;

namespace concur {

// The text of checks/data/selection-table.yaml, embedded by CMake.
extern const char BuiltinSelectionTableYaml[];

namespace {
/// A decision rule as written in the file.
struct RuleText {
  unsigned Step = 0;
  std::vector<WorkloadClass> Classes;
  std::optional<bool> Dependent, InCoroutine, Batch, ThreadSafe, Numeric;
  std::vector<IoKind> IoKinds;
  std::vector<std::string> FanOuts;
  std::string Row, Pool, Why;
};
/// A row as written in the file.
struct RowText {
  std::string Id;
  ModelRow Row;
};
/// A known library as written in the file.
struct LibraryText {
  std::string Name;
  std::optional<std::string> Language;
  std::vector<std::string> Headers;
  std::map<std::string, std::string> Rows;
};
struct TableText {
  int Version = 0;
  std::vector<RowText> Rows;
  std::vector<RuleText> Rules;
  std::vector<LibraryText> Libraries;
};
} // namespace

} // namespace concur

using namespace concur;

LLVM_YAML_IS_SEQUENCE_VECTOR(RowText)
LLVM_YAML_IS_SEQUENCE_VECTOR(RuleText)
LLVM_YAML_IS_SEQUENCE_VECTOR(LibraryText)
LLVM_YAML_IS_STRING_MAP(std::string)
LLVM_YAML_IS_FLOW_SEQUENCE_VECTOR(WorkloadClass)
LLVM_YAML_IS_FLOW_SEQUENCE_VECTOR(IoKind)

namespace llvm::yaml {

template <> struct ScalarEnumerationTraits<WorkloadClass> {
  static void enumeration(IO &Io, WorkloadClass &Value) {
    for (auto C : {WorkloadClass::Trivial, WorkloadClass::Io,
                   WorkloadClass::Cpu, WorkloadClass::Mixed})
      Io.enumCase(Value, toString(C).data(), C);
  }
};

template <> struct MappingTraits<RowText> {
  static void mapping(IO &Io, RowText &Text) {
    ModelRow &Row = Text.Row;
    Io.mapRequired("id", Text.Id);
    Io.mapRequired("seeds-row", Row.SeedsRow);
    Io.mapRequired("data", Row.Data);
    Io.mapRequired("c++", Row.CPlusPlus);
    Io.mapRequired("c", Row.C);
  }
};

template <> struct MappingTraits<Implementation> {
  static void mapping(IO &Io, Implementation &Impl) {
    Io.mapRequired("model", Impl.Model);
    Io.mapRequired("runtime", Impl.Runtime);
    Io.mapRequired("pros", Impl.Pros);
    Io.mapRequired("cons", Impl.Cons);
  }
};

template <> struct MappingTraits<LibraryText> {
  static void mapping(IO &Io, LibraryText &Library) {
    Io.mapRequired("name", Library.Name);
    Io.mapOptional("language", Library.Language);
    Io.mapRequired("headers", Library.Headers);
    Io.mapRequired("rows", Library.Rows);
  }
};

template <> struct MappingTraits<RuleText> {
  static void mapping(IO &Io, RuleText &Rule) {
    Io.mapRequired("step", Rule.Step);
    Io.mapOptional("class", Rule.Classes);
    Io.mapOptional("dependent", Rule.Dependent);
    Io.mapOptional("in-coroutine", Rule.InCoroutine);
    Io.mapOptional("io-kinds", Rule.IoKinds);
    Io.mapOptional("fan-out", Rule.FanOuts);
    Io.mapOptional("batch", Rule.Batch);
    Io.mapOptional("thread-safe", Rule.ThreadSafe);
    Io.mapOptional("numeric", Rule.Numeric);
    Io.mapRequired("row", Rule.Row);
    Io.mapOptional("pool", Rule.Pool);
    Io.mapRequired("why", Rule.Why);
  }
};

template <> struct MappingTraits<TableText> {
  static void mapping(IO &Io, TableText &Table) {
    Io.mapRequired("version", Table.Version);
    Io.mapRequired("rows", Table.Rows);
    Io.mapRequired("decision-order", Table.Rules);
    Io.mapOptional("libraries", Table.Libraries);
  }
};

} // namespace llvm::yaml

namespace concur {

bool DecisionRule::matches(const SiteFacts &Facts) const {
  if (!Classes.empty() && !is_contained(Classes, Facts.Class))
    return false;
  if (Dependent && *Dependent != Facts.Dependent)
    return false;
  if (InCoroutine && *InCoroutine != Facts.InCoroutine)
    return false;
  if (Batch && *Batch != Facts.Batch)
    return false;
  if (ThreadSafe && *ThreadSafe != Facts.ThreadSafe)
    return false;
  if (Numeric && *Numeric != Facts.Numeric)
    return false;
  if (!IoKinds.empty() && !IoKinds.intersects(Facts.IoKinds))
    return false;
  if (!FanOuts.empty() && !is_contained(FanOuts, Facts.Shape))
    return false;
  return true;
}

bool KnownLibrary::providesHeader(StringRef Path) const {
  return any_of(Headers, [&](StringRef Header) {
    return Path.ends_with(Header) &&
           (Path.size() == Header.size() ||
            Path[Path.size() - Header.size() - 1] == '/');
  });
}

StringRef KnownLibrary::use(RowId Row) const {
  for (const auto &[Id, Text] : Uses)
    if (Id == Row)
      return Text;
  return "";
}

const ModelRow *SelectionTable::row(RowId Id) const {
  for (const ModelRow &R : Rows)
    if (R.Id == Id)
      return &R;
  return nullptr;
}

Recommendation SelectionTable::decide(const SiteFacts &Facts) const {
  for (const DecisionRule &Rule : Rules)
    if (Rule.matches(Facts))
      return {row(Rule.Row), &Rule};
  return {row(RowId::Sequential), nullptr};
}

struct SelectionTableParser {
  static Expected<SelectionTable> parse(StringRef Yaml, StringRef FileName) {
    TableText Text;
    YamlDiagnostics Diags;
    yaml::Input In(MemoryBufferRef(Yaml, FileName), nullptr,
                   &YamlDiagnostics::handle, &Diags);
    In >> Text;
    if (In.error())
      return Diags.takeError("selection table");
    auto Invalid = [&](const std::string &Message) {
      return createStringError(inconvertibleErrorCode(),
                               "invalid selection table: %s: %s",
                               FileName.str().c_str(), Message.c_str());
    };
    if (Text.Version != 1)
      return Invalid("unsupported version " + std::to_string(Text.Version));
    SelectionTable Table;
    for (RowText &R : Text.Rows) {
      std::optional<RowId> Id = parseRowId(R.Id);
      if (!Id)
        return Invalid("unknown row '" + R.Id + "'");
      R.Row.Id = *Id;
      Table.Rows.push_back(std::move(R.Row));
    }
    for (RuleText &R : Text.Rules) {
      std::string Step = "decision rule of step " + std::to_string(R.Step);
      std::optional<RowId> Row = parseRowId(R.Row);
      if (!Row)
        return Invalid(Step + " names unknown row '" + R.Row + "'");
      if (!Table.row(*Row))
        return Invalid(Step + " names row '" + R.Row +
                       "', which the table does not define");
      DecisionRule Rule;
      for (const std::string &F : R.FanOuts) {
        std::optional<FanOut> Shape = parseFanOut(F);
        if (!Shape)
          return Invalid(Step + " names unknown fan-out '" + F + "'");
        Rule.FanOuts.push_back(*Shape);
      }
      Rule.Step = R.Step;
      Rule.Classes = std::move(R.Classes);
      Rule.Dependent = R.Dependent;
      Rule.InCoroutine = R.InCoroutine;
      Rule.Batch = R.Batch;
      Rule.ThreadSafe = R.ThreadSafe;
      Rule.Numeric = R.Numeric;
      for (IoKind K : R.IoKinds)
        Rule.IoKinds.insert(K);
      Rule.Row = *Row;
      Rule.Pool = std::move(R.Pool);
      Rule.Why = std::move(R.Why);
      Table.Rules.push_back(std::move(Rule));
    }
    for (LibraryText &L : Text.Libraries) {
      KnownLibrary Library;
      std::string Where = "library '" + L.Name + "'";
      if (L.Language == "c")
        Library.Language = SourceLanguage::C;
      else if (L.Language == "c++")
        Library.Language = SourceLanguage::CPlusPlus;
      else if (L.Language)
        return Invalid(Where + " names unknown language '" + *L.Language +
                       "' (c or c++)");
      if (L.Headers.empty())
        return Invalid(Where + " lists no headers");
      for (auto &[Id, Use] : L.Rows) {
        std::optional<RowId> Row = parseRowId(Id);
        if (!Row || !Table.row(*Row))
          return Invalid(Where + " names unknown row '" + Id + "'");
        Library.Uses.emplace_back(*Row, std::move(Use));
      }
      Library.Name = std::move(L.Name);
      Library.Headers = std::move(L.Headers);
      Table.Libraries.push_back(std::move(Library));
    }
    if (!Table.row(RowId::Sequential))
      return Invalid("the table needs a 'sequential' row");
    return Table;
  }
};

Expected<SelectionTable> SelectionTable::parse(StringRef Yaml,
                                               StringRef FileName) {
  return SelectionTableParser::parse(Yaml, FileName);
}

const SelectionTable &SelectionTable::builtin() {
  static const SelectionTable Table = [] {
    Expected<SelectionTable> Parsed =
        parse(BuiltinSelectionTableYaml, "selection-table.yaml");
    if (!Parsed)
      report_fatal_error(Parsed.takeError());
    return std::move(*Parsed);
  }();
  return Table;
}

} // namespace concur
