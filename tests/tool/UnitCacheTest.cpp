//===--- UnitCacheTest.cpp - concur-advise's incremental state -------------===//
//
// The writer's side of the summaries database; the readers' side is tested
// in tests/analysis/SummaryDatabaseTest.cpp.
//
//===----------------------------------------------------------------------===//

#include "LinkTestUtil.h"
#include "UnitCache.h"
#include <sqlite3.h>

using namespace concur;
using namespace concur::advise;
using namespace concur::test;

namespace {

TEST(UnitCache, StoresUnitsAndServesLinkedSummaries) {
  ScratchDir Dir;
  std::string Path = Dir.file("s.db");
  auto Db = UnitCache::open(Path, UnitCache::OpenMode::ReadWrite);
  ASSERT_TRUE(bool(Db)) << llvm::toString(Db.takeError());
  UnitRecord R;
  R.File = "/src/a.cpp";
  R.Key = "k1";
  R.Deps.push_back({"/src/a.cpp", 10, 20, "abc"});
  R.Lookups["c:@F@x"] = "";
  R.Findings = R"([{"check":"x"}])";
  {
    Parsed A(UnitA);
    R.Functions = localsOf(A, "/src/a.cpp", {"helper"});
  }
  ASSERT_FALSE(bool((*Db)->storeUnit(R)));
  auto Units = (*Db)->units();
  ASSERT_TRUE(bool(Units));
  ASSERT_EQ(Units->size(), 1u);
  EXPECT_EQ((*Units)[0].Key, "k1");
  ASSERT_EQ((*Units)[0].Deps.size(), 1u);
  EXPECT_EQ((*Units)[0].Deps[0].Hash, "abc");
  EXPECT_EQ((*Units)[0].Lookups.count("c:@F@x"), 1u);

  std::vector<FunctionSummary> Linked = linkAB();
  ASSERT_FALSE(bool((*Db)->storeLinked(Linked)));
  Db->reset();

  auto Provider = DatabaseSummaryProvider::open(Path);
  ASSERT_TRUE(bool(Provider)) << llvm::toString(Provider.takeError());
  const FunctionSummary *Loop = findNamed(Linked, "helper");
  ASSERT_NE(Loop, nullptr);
  const FunctionSummary *Served = (*Provider)->lookup(Loop->USR);
  ASSERT_NE(Served, nullptr);
  EXPECT_EQ(Served->Class.Class, WorkloadClass::Io);
  EXPECT_EQ((*Provider)->answer(Loop->USR).Fingerprint, fingerprint(*Loop));
  EXPECT_EQ((*Provider)->lookup("c:@F@nothing"), nullptr);
}

TEST(UnitCache, LinkIsCurrentUntilLocalSummariesChange) {
  ScratchDir Dir;
  auto Db = UnitCache::open(Dir.file("s.db"),
                                  UnitCache::OpenMode::ReadWrite);
  ASSERT_TRUE(bool(Db));
  auto Current = [&] {
    auto C = (*Db)->linkIsCurrent();
    EXPECT_TRUE(bool(C));
    return C && *C;
  };
  EXPECT_FALSE(Current()); // never linked
  UnitRecord R;
  R.File = "/src/a.cpp";
  ASSERT_FALSE(bool((*Db)->storeUnit(R)));
  auto Generation = (*Db)->localGeneration();
  ASSERT_TRUE(bool(Generation));
  ASSERT_FALSE(bool((*Db)->storeLinked(linkAB(), *Generation)));
  EXPECT_TRUE(Current());
  auto Count = (*Db)->linkedCount();
  ASSERT_TRUE(bool(Count));
  EXPECT_EQ(*Count, linkAB().size());
  // New findings do not change local summaries; a stored unit does, and so
  // does a unit removed.
  ASSERT_FALSE(bool((*Db)->updateFindings(R.File, {}, "[]")));
  EXPECT_TRUE(Current());
  ASSERT_FALSE(bool((*Db)->storeUnit(R)));
  EXPECT_FALSE(Current());
  Generation = (*Db)->localGeneration();
  ASSERT_TRUE(bool(Generation));
  ASSERT_FALSE(bool((*Db)->storeLinked(linkAB(), *Generation)));
  EXPECT_TRUE(Current());
  ASSERT_FALSE(bool((*Db)->removeUnit(R.File)));
  EXPECT_FALSE(Current());
}

TEST(UnitCache, BadFilesAreReportedOrRebuilt) {
  ScratchDir Dir;
  using Mode = UnitCache::OpenMode;

  auto Missing = UnitCache::open(Dir.file("none.db"), Mode::ReadOnly);
  ASSERT_FALSE(bool(Missing));
  EXPECT_NE(llvm::toString(Missing.takeError()).find("does not exist"),
            std::string::npos);

  std::string Garbage = Dir.file("garbage.db");
  writeFile(Garbage, std::string(4096, 'x'));
  auto NotDb = UnitCache::open(Garbage, Mode::ReadOnly);
  ASSERT_FALSE(bool(NotDb));
  EXPECT_NE(llvm::toString(NotDb.takeError()).find("not a valid SQLite"),
            std::string::npos);
  auto NotDbRw = UnitCache::open(Garbage, Mode::ReadWrite);
  EXPECT_FALSE(bool(NotDbRw));
  llvm::consumeError(NotDbRw.takeError());
  auto Rebuilt = UnitCache::open(Garbage, Mode::RebuildIfInvalid);
  ASSERT_TRUE(bool(Rebuilt)) << llvm::toString(Rebuilt.takeError());
  EXPECT_NE((*Rebuilt)->rebuildReason().find("not a valid SQLite"),
            std::string::npos);

  // A SQLite file of some other program is not replaced by a plain writer.
  std::string Foreign = Dir.file("foreign.db");
  sqlite3 *Raw = nullptr;
  ASSERT_EQ(sqlite3_open(Foreign.c_str(), &Raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(Raw, "CREATE TABLE t(x); INSERT INTO t VALUES(1);",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(Raw);
  auto Other = UnitCache::open(Foreign, Mode::ReadWrite);
  ASSERT_FALSE(bool(Other));
  EXPECT_NE(llvm::toString(Other.takeError()).find("not a concur summaries"),
            std::string::npos);
}

TEST(UnitCache, MergeTakesTheOtherFilesUnits) {
  ScratchDir Dir;
  auto Write = [&](const std::string &Path, const std::string &Key) {
    auto Db = UnitCache::open(Path, UnitCache::OpenMode::ReadWrite);
    ASSERT_TRUE(bool(Db)) << llvm::toString(Db.takeError());
    UnitRecord R;
    R.File = "/src/a.cpp";
    R.Key = Key;
    ASSERT_FALSE(bool((*Db)->storeUnit(R)));
  };
  Write(Dir.file("mine.db"), "old");
  Write(Dir.file("theirs.db"), "new");
  auto Db = UnitCache::open(Dir.file("mine.db"), UnitCache::OpenMode::ReadWrite);
  ASSERT_TRUE(bool(Db));
  ASSERT_FALSE(bool((*Db)->mergeFrom(Dir.file("theirs.db"))));
  auto Units = (*Db)->units();
  ASSERT_TRUE(bool(Units));
  ASSERT_EQ(Units->size(), 1u);
  EXPECT_EQ((*Units)[0].Key, "new");
  EXPECT_FALSE(bool((*Db)->checkIntegrity()));
}

TEST(UnitCache, ProvenanceIsRecordedAndCopied) {
  ScratchDir Dir;
  auto Db = UnitCache::open(Dir.file("s.db"), UnitCache::OpenMode::ReadWrite);
  ASSERT_TRUE(bool(Db)) << llvm::toString(Db.takeError());
  auto Empty = (*Db)->provenance();
  ASSERT_TRUE(bool(Empty));
  EXPECT_TRUE(Empty->Project.empty());
  EXPECT_EQ(Empty->ShardCount, 0u);
  EXPECT_FALSE(Empty->FindingsOnly);

  Provenance P;
  P.Project = "p1";
  P.Version = "v1";
  P.ShardIndex = 2;
  P.ShardCount = 4;
  P.FindingsOnly = true;
  P.Facts = "f1";
  ASSERT_FALSE(bool((*Db)->setProvenance(P)));
  UnitRecord R;
  R.File = "/src/a.cpp";
  R.Key = "k";
  R.Findings = R"([{"check":"x"}])";
  ASSERT_FALSE(bool((*Db)->storeUnit(R)));
  // A copy has everything, metadata included.
  ASSERT_FALSE(bool((*Db)->copyTo(Dir.file("copy.db"))));
  auto Copy = UnitCache::open(Dir.file("copy.db"), UnitCache::OpenMode::ReadOnly);
  ASSERT_TRUE(bool(Copy)) << llvm::toString(Copy.takeError());
  auto Read = (*Copy)->provenance();
  ASSERT_TRUE(bool(Read));
  EXPECT_EQ(Read->Project, "p1");
  EXPECT_EQ(Read->Version, "v1");
  EXPECT_EQ(Read->ShardIndex, 2u);
  EXPECT_EQ(Read->ShardCount, 4u);
  EXPECT_TRUE(Read->FindingsOnly);
  EXPECT_EQ(Read->Facts, "f1");
  auto Findings = (*Copy)->findings();
  ASSERT_TRUE(bool(Findings));
  EXPECT_EQ((*Findings)["/src/a.cpp"], R.Findings);
  // The copy's file must not exist yet.
  llvm::Error Again = (*Db)->copyTo(Dir.file("copy.db"));
  EXPECT_TRUE(bool(Again));
  llvm::consumeError(std::move(Again));

  // Empty fields are removed: a run without --shard clears the shard.
  Provenance Plain;
  Plain.Project = "p1";
  Plain.Version = "v1";
  ASSERT_FALSE(bool((*Db)->setProvenance(Plain)));
  auto Cleared = (*Db)->provenance();
  ASSERT_TRUE(bool(Cleared));
  EXPECT_EQ(Cleared->ShardCount, 0u);
  EXPECT_FALSE(Cleared->FindingsOnly);
  EXPECT_TRUE(Cleared->Facts.empty());
}

} // namespace
