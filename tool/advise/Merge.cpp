//===--- Merge.cpp - concur-advise merge ----------------------------------===//

#include "Merge.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include <map>

using namespace llvm;

namespace concur::advise {

namespace {

std::string quoted(StringRef Path) { return "'" + Path.str() + "'"; }

/// An input database and what its metadata says about it.
struct Input {
  std::string Path;
  Provenance From;
};

Expected<std::vector<Input>> readInputs(ArrayRef<std::string> Paths) {
  std::vector<Input> Inputs;
  for (const std::string &Path : Paths) {
    if (!sys::fs::exists(Path))
      return usageError("merge: " + quoted(Path) + " does not exist");
    auto Db = UnitCache::open(Path, UnitCache::OpenMode::ReadOnly);
    if (!Db)
      return usageError("merge: " + toString(Db.takeError()));
    Expected<Provenance> From = (*Db)->provenance();
    if (!From)
      return From.takeError();
    Inputs.push_back({Path, std::move(*From)});
  }
  return Inputs;
}

/// Inputs written by this version of the analysis, from one project (as far
/// as their metadata says: files of older versions say nothing).
Error checkOrigin(ArrayRef<Input> Inputs) {
  const Input *First = nullptr;
  for (const Input &In : Inputs) {
    if (!In.From.Version.empty() && In.From.Version != analysisVersion())
      return usageError("merge: " + quoted(In.Path) +
                        " was written by another version of concur-advise "
                        "(analysis " +
                        In.From.Version + ", this is " +
                        analysisVersion().str() +
                        "): run every shard with the same version");
    if (In.From.Project.empty())
      continue;
    if (!First)
      First = &In;
    else if (In.From.Project != First->From.Project)
      return usageError("merge: " + quoted(In.Path) + " and " +
                        quoted(First->Path) +
                        " come from different projects (their compilation "
                        "databases list different units)");
  }
  return Error::success();
}

/// When the inputs are shards, each shard of one run once; \p What names
/// them in messages.
Error checkShards(ArrayRef<Input> Inputs, const std::string &What) {
  const Input *First = nullptr;
  std::map<unsigned, const Input *> Seen;
  for (const Input &In : Inputs) {
    if (!In.From.ShardCount)
      continue;
    if (!First)
      First = &In;
    auto Name = [](const Input &I) {
      return formatv("{0}/{1}", I.From.ShardIndex, I.From.ShardCount).str();
    };
    if (In.From.ShardCount != First->From.ShardCount)
      return usageError("merge: " + quoted(In.Path) + " is " + What + " " +
                        Name(In) + " but " + quoted(First->Path) + " is " +
                        What + " " + Name(*First) +
                        ": give the shards of one run");
    auto [It, New] = Seen.emplace(In.From.ShardIndex, &In);
    if (!New)
      return usageError("merge: " + quoted(It->second->Path) + " and " +
                        quoted(In.Path) + " are both " + What + " " + Name(In));
  }
  if (!First)
    return Error::success();
  for (const Input &In : Inputs)
    if (!In.From.ShardCount)
      return usageError("merge: " + quoted(In.Path) + " is not a " + What +
                        " database, but " + quoted(First->Path) + " is");
  unsigned Count = First->From.ShardCount;
  std::vector<std::string> Missing;
  for (unsigned I = 1; I <= Count; ++I)
    if (!Seen.count(I))
      Missing.push_back(formatv("{0}/{1}", I, Count).str());
  if (!Missing.empty())
    return usageError("merge: " + What + " " + join(Missing, ", ") +
                      (Missing.size() == 1 ? " is" : " are") +
                      " missing: give every shard's database (run a shard "
                      "whose job failed again)");
  return Error::success();
}

/// Phase 1: every unit of every input, linked.
int mergeSummaries(const MergeOptions &Opts, ArrayRef<Input> Inputs) {
  if (Error E = checkOrigin(Inputs))
    return reportUsage(std::move(E));
  if (Error E = checkShards(Inputs, "shard"))
    return reportUsage(std::move(E));
  removeDatabaseFiles(Opts.Output);
  auto Db = UnitCache::open(Opts.Output, UnitCache::OpenMode::ReadWrite);
  if (!Db)
    return reportUsage(Db.takeError());
  for (const Input &In : Inputs)
    if (Error E = (*Db)->mergeFrom(In.Path))
      return reportUsage(std::move(E));
  Provenance Merged;
  for (const Input &In : Inputs)
    if (!In.From.Project.empty())
      Merged.Project = In.From.Project;
  Merged.Version = analysisVersion().str();
  if (Error E = (*Db)->setProvenance(Merged))
    return reportUsage(std::move(E));
  unsigned Functions = 0;
  if (Error E = linkDatabase(**Db, Opts.Tidy, &Functions))
    return reportUsage(std::move(E));
  auto Units = (*Db)->units(/*WithDeps=*/false);
  auto Stale = staleFindings(**Db, {});
  if (!Units || !Stale) {
    consumeError(Units.takeError());
    consumeError(Stale.takeError());
    return reportUsage(usageError("merge: cannot read the merged database"));
  }
  errs() << "concur-advise: merged " << Inputs.size() << " databases into "
         << Opts.Output << ": " << Units->size() << " units, " << Functions
         << " functions";
  if (!Stale->empty())
    errs() << "; " << Stale->size()
           << " units used facts from other shards: re-check them, each "
              "shard its own (--recheck-into), or in one run with -p over "
              "this database";
  errs() << "\n";
  return ExitClean;
}

/// Phase 2: a copy of the one linked input with the findings of the units
/// the others re-checked against it. A finding is taken only if it was
/// checked with the base's facts and key, so the result is what a single
/// run gives.
Error mergeFindings(const MergeOptions &Opts, ArrayRef<Input> Inputs) {
  std::vector<Input> Bases, Rechecks;
  for (const Input &In : Inputs)
    (In.From.FindingsOnly ? Rechecks : Bases).push_back(In);
  if (Bases.size() != 1)
    return usageError(
        formatv("merge: the findings of re-checked shards (--recheck-into) "
                "go into the one merged database they were re-checked "
                "against; got {0} databases that are not re-checked findings",
                Bases.size())
            .str());
  const Input &Base = Bases.front();
  if (Error E = checkOrigin(Inputs))
    return E;
  if (Error E = checkShards(Rechecks, "re-checked shard"))
    return E;
  {
    auto Db = UnitCache::open(Base.Path, UnitCache::OpenMode::ReadOnly);
    if (!Db)
      return Db.takeError();
    Expected<std::string> Facts = factsIdentity(**Db);
    if (!Facts)
      return Facts.takeError();
    for (const Input &In : Rechecks)
      if (In.From.Facts != *Facts)
        return usageError("merge: " + quoted(In.Path) +
                          " was re-checked against another database than " +
                          quoted(Base.Path) +
                          " (its linked facts differ): give the merged "
                          "database the shards re-checked against");
    removeDatabaseFiles(Opts.Output);
    if (Error E = (*Db)->copyTo(Opts.Output))
      return E;
  }
  auto Out = UnitCache::open(Opts.Output, UnitCache::OpenMode::ReadWrite);
  if (!Out)
    return Out.takeError();
  Expected<std::vector<UnitState>> BaseUnits =
      (*Out)->units(/*WithDeps=*/false, /*WithLookups=*/false);
  if (!BaseUnits)
    return BaseUnits.takeError();
  std::map<std::string, std::string> Keys;
  for (const UnitState &U : *BaseUnits)
    Keys[U.File] = U.Key;
  unsigned Taken = 0;
  for (const Input &In : Rechecks) {
    auto Db = UnitCache::open(In.Path, UnitCache::OpenMode::ReadOnly);
    if (!Db)
      return Db.takeError();
    Expected<std::vector<UnitState>> Units = (*Db)->units(/*WithDeps=*/false);
    if (!Units)
      return Units.takeError();
    Expected<std::map<std::string, std::string>> Findings = (*Db)->findings();
    if (!Findings)
      return Findings.takeError();
    for (const UnitState &U : *Units) {
      auto Key = Keys.find(U.File);
      if (Key == Keys.end() || Key->second != U.Key)
        return usageError(
            "merge: " + quoted(In.Path) + " re-checked '" + U.File + "' as " +
            quoted(Base.Path) +
            (Key == Keys.end() ? " does not have it" : " did not analyse it"));
      if (U.Failed) {
        // As a run stores a unit whose re-check failed.
        UnitRecord R;
        R.File = U.File;
        R.Key = U.Key;
        R.Failed = true;
        R.Error = U.Error;
        if (Error E = (*Out)->storeUnit(R))
          return E;
      } else if (Error E = (*Out)->updateFindings(U.File, U.Lookups,
                                                  (*Findings)[U.File])) {
        return E;
      }
      ++Taken;
    }
  }
  Expected<std::vector<std::string>> Stale = staleFindings(**Out, {});
  if (!Stale)
    return Stale.takeError();
  if (!Stale->empty())
    return usageError(
        formatv("merge: {0} units still use facts that changed in the merge "
                "(first: '{1}'): the re-checked shards were not run over the "
                "merged database's units",
                Stale->size(), Stale->front())
            .str());
  errs() << "concur-advise: merged the findings of " << Rechecks.size()
         << " re-checked shards into " << Opts.Output << ": " << Taken << " of "
         << BaseUnits->size() << " units re-checked\n";
  return Error::success();
}

} // namespace

int runMerge(const MergeOptions &Opts) {
  if (Opts.Help) {
    outs() << MergeHelp;
    return ExitClean;
  }
  if (std::string Error = validateTidySettings(Opts.Tidy); !Error.empty())
    return reportUsage(usageError("merge: " + Error));
  for (const std::string &In : Opts.Inputs)
    if (absolutePath(In) == absolutePath(Opts.Output))
      return reportUsage(usageError("merge: the output '" + Opts.Output +
                                    "' is also an input"));
  Expected<std::vector<Input>> Inputs = readInputs(Opts.Inputs);
  if (!Inputs)
    return reportUsage(Inputs.takeError());
  if (llvm::none_of(*Inputs,
                    [](const Input &In) { return In.From.FindingsOnly; }))
    return mergeSummaries(Opts, *Inputs);
  if (Error E = mergeFindings(Opts, *Inputs)) {
    // No final database that lacks some shard's findings.
    removeDatabaseFiles(Opts.Output);
    return reportUsage(std::move(E));
  }
  return ExitClean;
}

} // namespace concur::advise
