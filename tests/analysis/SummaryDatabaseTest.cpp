#include "SummaryDatabase.h"
#include "Advice.h"
#include "LinkTestUtil.h"
#include "SqliteStatement.h"

using namespace concur;
using namespace concur::test;

namespace {

TEST(SummaryDatabase, ExternalCallsIncludeCalleesInTheSameUnit) {
  Parsed A(UnitA);
  const FunctionSummary &Loop = A.summary("loop_all");
  EXPECT_EQ(Loop.Class.Class, WorkloadClass::Trivial);
  ASSERT_EQ(Loop.ExternalCalls.size(), 1u);
  EXPECT_EQ(Loop.ExternalCalls[0].Name, "net_read");
  ASSERT_EQ(Loop.ExternalCalls[0].Via.size(), 1u);
  EXPECT_EQ(Loop.ExternalCalls[0].Via[0].Callee, "helper");
  // The loop's unknown trip count.
  EXPECT_EQ(Loop.ExternalCalls[0].Times, Growth::linear());
}

TEST(SummaryDatabase, LinkingFoldsCalleesFromOtherUnits) {
  std::vector<FunctionSummary> Linked = linkAB();
  const FunctionSummary *Loop = findNamed(Linked, "loop_all");
  ASSERT_NE(Loop, nullptr);
  EXPECT_EQ(Loop->Class.Class, WorkloadClass::Io);
  EXPECT_TRUE(Loop->Class.IoKinds.contains(IoKind::Network));
  EXPECT_TRUE(Loop->ExternalCalls.empty());
  EXPECT_EQ(Loop->Total.UnknownCalls, 0u);
  const Evidence *Top = topEvidence(Loop->Total, EvidenceKind::Io);
  ASSERT_NE(Top, nullptr);
  EXPECT_EQ(Top->chainText(), "helper -> net_read -> recv (network)");
  EXPECT_EQ(topEvidence(Loop->Total, EvidenceKind::Unknown), nullptr);
}

TEST(SummaryDatabase, RecursionAcrossUnitsReachesAFixedPoint) {
  Parsed A(R"(
    long pong(int n);
    long ping(int n) { return n ? pong(n - 1) : 0; }
  )");
  Parsed B(R"(
    extern "C" int usleep(unsigned);
    long ping(int n);
    long pong(int n) { usleep(10); return ping(n); }
  )");
  std::vector<StoredFunction> Local = localsOf(A, "a.cpp", {"ping"});
  for (StoredFunction &F : localsOf(B, "b.cpp", {"pong"}))
    Local.push_back(std::move(F));
  std::vector<FunctionSummary> Linked = linkSummaries(
      Local, [](const FunctionSummary &) { return AnalysisOptions(); });
  const FunctionSummary *Ping = findNamed(Linked, "ping");
  const FunctionSummary *Pong = findNamed(Linked, "pong");
  ASSERT_TRUE(Ping && Pong);
  EXPECT_EQ(Ping->Total.Blocking, Pong->Total.Blocking);
  EXPECT_GT(Ping->Total.Blocking, 0);
  EXPECT_TRUE(Ping->ExternalCalls.empty());
}

/// The stored form of a linked summary (without source locations), whose
/// fingerprint a database provider gives.
std::string storedFingerprint(const FunctionSummary &S) {
  return fingerprint(llvm::cantFail(decodeSummary(encodeSummary(S))));
}

TEST(IncrementalLinker, AnswersAsTheWholeProgramLinkOnceTheClosureIsThere) {
  Parsed A(UnitA), B(UnitB);
  std::vector<FunctionSummary> Whole = linkAB();
  IncrementalLinker Live(
      [](const FunctionSummary &) { return AnalysisOptions(); });
  const std::string LoopUSR = A.summary("loop_all").USR;
  EXPECT_EQ(Live.answer(LoopUSR).Summary, nullptr);
  EXPECT_EQ(Live.answer(LoopUSR).Fingerprint, "");

  // a.cpp alone: net_read is not known yet, so the loop is not I/O.
  Live.addUnit("a.cpp", localsOf(A, "a.cpp", {"helper", "loop_all"}));
  FingerprintingSummaryProvider::Answer Early = Live.answer(LoopUSR);
  ASSERT_NE(Early.Summary, nullptr);
  EXPECT_NE(Early.Summary->Class.Class, WorkloadClass::Io);
  EXPECT_NE(Early.Fingerprint,
            storedFingerprint(*findNamed(Whole, "loop_all")));

  // With b.cpp the answer is the whole-program link's; the earlier answer
  // stays readable (a unit may still be using it).
  Live.addUnit("b.cpp", localsOf(B, "b.cpp", {"net_read"}));
  FingerprintingSummaryProvider::Answer Late = Live.answer(LoopUSR);
  ASSERT_NE(Late.Summary, nullptr);
  EXPECT_EQ(Late.Summary->Class.Class, WorkloadClass::Io);
  for (const char *Name : {"loop_all", "helper", "net_read"}) {
    const FunctionSummary *W = findNamed(Whole, Name);
    ASSERT_NE(W, nullptr);
    EXPECT_EQ(Live.answer(W->USR).Fingerprint, storedFingerprint(*W)) << Name;
  }
  EXPECT_NE(Early.Summary->Class.Class, WorkloadClass::Io);
  // No source location of the unit that computed a summary leaks out.
  const Evidence *Top = topEvidence(Late.Summary->Total, EvidenceKind::Io);
  ASSERT_NE(Top, nullptr);
  for (const Hop &H : Top->Chain)
    EXPECT_TRUE(H.Loc.isInvalid());
}

TEST(IncrementalLinker, AUnitAnalysedAgainReplacesWhatItDefined) {
  Parsed A(UnitA), B(UnitB), Quiet(R"(
    long net_read(int fd) { return fd; }
  )");
  IncrementalLinker Live(
      [](const FunctionSummary &) { return AnalysisOptions(); });
  Live.addUnit("a.cpp", localsOf(A, "a.cpp", {"helper", "loop_all"}));
  Live.addUnit("b.cpp", localsOf(B, "b.cpp", {"net_read"}));
  const std::string LoopUSR = A.summary("loop_all").USR;
  EXPECT_EQ(Live.answer(LoopUSR).Summary->Class.Class, WorkloadClass::Io);
  Live.addUnit("b.cpp", localsOf(Quiet, "b.cpp", {"net_read"}));
  EXPECT_NE(Live.answer(LoopUSR).Summary->Class.Class, WorkloadClass::Io);
}

TEST(IncrementalLinker, APreferredDefinitionArrivingLaterReplacesAnswers) {
  // Two units define net_read; the whole-program link takes b.cpp's (the
  // first name). Added after the other, it replaces what was answered with
  // that one. The analysis leaves each function's unit empty: the linker
  // takes it from the unit added.
  Parsed A(UnitA), B(UnitB), Quiet(R"(
    long net_read(int fd) { return fd; }
  )");
  IncrementalLinker Live(
      [](const FunctionSummary &) { return AnalysisOptions(); });
  Live.addUnit("a.cpp", localsOf(A, "", {"helper", "loop_all"}));
  Live.addUnit("z.cpp", localsOf(Quiet, "", {"net_read"}));
  const std::string LoopUSR = A.summary("loop_all").USR;
  EXPECT_NE(Live.answer(LoopUSR).Summary->Class.Class, WorkloadClass::Io);
  Live.addUnit("b.cpp", localsOf(B, "", {"net_read"}));
  EXPECT_EQ(Live.answer(LoopUSR).Fingerprint,
            storedFingerprint(*findNamed(linkAB(), "loop_all")));
}

TEST(RecordingSummaryProvider, KeepsTheFirstAnswerForAUnit) {
  Parsed A(UnitA), B(UnitB);
  IncrementalLinker Live(
      [](const FunctionSummary &) { return AnalysisOptions(); });
  Live.addUnit("a.cpp", localsOf(A, "a.cpp", {"helper", "loop_all"}));
  RecordingSummaryProvider Recording(&Live);
  const std::string LoopUSR = A.summary("loop_all").USR;
  const FunctionSummary *First = Recording.lookup(LoopUSR);
  Live.addUnit("b.cpp", localsOf(B, "b.cpp", {"net_read"}));
  EXPECT_EQ(Recording.lookup(LoopUSR), First);
  std::map<std::string, std::string> Lookups = Recording.takeLookups();
  ASSERT_EQ(Lookups.count(LoopUSR), 1u);
  // What the unit used, not what the linker knows now: it is stale.
  EXPECT_NE(Lookups[LoopUSR], Live.answer(LoopUSR).Fingerprint);
  EXPECT_EQ(Lookups[LoopUSR], fingerprint(*First));
}

/// Writes \p Linked as the linked summaries of a new summaries database,
/// with SQLite alone: the readers need no writer of the unit cache.
void writeLinkedDatabase(const std::string &Path,
                         llvm::ArrayRef<FunctionSummary> Linked) {
  sqlite3 *Raw = nullptr;
  ASSERT_EQ(sqlite3_open(Path.c_str(), &Raw), SQLITE_OK);
  std::string Sql = std::string(SummaryDatabase::SchemaSql) +
                    "INSERT INTO meta VALUES('schema', '" +
                    SummaryDatabase::SchemaName.str() + "'), ('version', '" +
                    std::to_string(SummaryDatabase::SchemaVersion) + "');";
  ASSERT_EQ(sqlite3_exec(Raw, Sql.c_str(), nullptr, nullptr, nullptr),
            SQLITE_OK);
  for (const FunctionSummary &S : Linked) {
    SqliteStatement Insert(Raw, "INSERT INTO linked VALUES(?1, ?2, ?3)");
    std::string Bytes = encodeSummary(S);
    Insert.bind(1, S.USR);
    Insert.bind(2, hashContent(Bytes));
    Insert.bindBlob(3, Bytes);
    ASSERT_EQ(Insert.step(), SQLITE_DONE);
  }
  sqlite3_close(Raw);
}

TEST(SummaryDatabase, ServesLinkedSummaries) {
  ScratchDir Dir;
  std::string Path = Dir.file("s.db");
  std::vector<FunctionSummary> Linked = linkAB();
  writeLinkedDatabase(Path, Linked);
  auto Provider = DatabaseSummaryProvider::open(Path);
  ASSERT_TRUE(bool(Provider)) << llvm::toString(Provider.takeError());
  const FunctionSummary *Helper = findNamed(Linked, "helper");
  ASSERT_NE(Helper, nullptr);
  const FunctionSummary *Served = (*Provider)->lookup(Helper->USR);
  ASSERT_NE(Served, nullptr);
  EXPECT_EQ(Served->Class.Class, WorkloadClass::Io);
  EXPECT_EQ((*Provider)->answer(Helper->USR).Fingerprint, fingerprint(*Helper));
  EXPECT_EQ((*Provider)->lookup("c:@F@nothing"), nullptr);
  auto Count = (*Provider)->database().linkedCount();
  ASSERT_TRUE(bool(Count));
  EXPECT_EQ(*Count, Linked.size());
}

TEST(SummaryDatabase, AnalyzerSeesCrossFileFactsThroughTheProvider) {
  ScratchDir Dir;
  std::string Path = Dir.file("s.db");
  writeLinkedDatabase(Path, linkAB());
  auto Provider = DatabaseSummaryProvider::open(Path);
  ASSERT_TRUE(bool(Provider));
  RecordingSummaryProvider Recording(Provider->get());
  Parsed A(UnitA);
  WorkloadAnalyzer WithFacts(A.context(), KnowledgeBase::builtin(), {},
                             &Recording);
  const FunctionSummary &Loop = WithFacts.summarize(A.function("loop_all"));
  EXPECT_EQ(Loop.Class.Class, WorkloadClass::Io);
  std::map<std::string, std::string> Lookups = Recording.takeLookups();
  ASSERT_EQ(Lookups.size(), 1u);
  EXPECT_FALSE(Lookups.begin()->second.empty());
}

// A long-lived process (clangd) keeps one shared provider per file, and
// must see a re-run's commit and a rebuilt file without a restart.
TEST(SummaryDatabase, SharedProviderFollowsCommitsAndReplacedFiles) {
  ScratchDir Dir;
  std::string Path = Dir.file("s.db");
  std::vector<FunctionSummary> Linked = linkAB();
  const FunctionSummary *Helper = findNamed(Linked, "helper");
  ASSERT_NE(Helper, nullptr);
  writeLinkedDatabase(Path, {});
  auto First = DatabaseSummaryProvider::shared(Path);
  ASSERT_TRUE(bool(First)) << llvm::toString(First.takeError());
  EXPECT_EQ((*First)->lookup(Helper->USR), nullptr);
  auto Again = DatabaseSummaryProvider::shared(Path);
  ASSERT_TRUE(bool(Again));
  EXPECT_EQ(Again->get(), First->get()) << "unchanged file: the same provider";

  { // another connection commits, as a re-run of concur-advise does
    sqlite3 *Raw = nullptr;
    ASSERT_EQ(sqlite3_open(Path.c_str(), &Raw), SQLITE_OK);
    {
      SqliteStatement Insert(Raw, "INSERT INTO linked VALUES(?1, ?2, ?3)");
      std::string Bytes = encodeSummary(*Helper);
      Insert.bind(1, Helper->USR);
      Insert.bind(2, hashContent(Bytes));
      Insert.bindBlob(3, Bytes);
      EXPECT_EQ(Insert.step(), SQLITE_DONE);
    }
    sqlite3_close(Raw);
  }
  auto Committed = DatabaseSummaryProvider::shared(Path);
  ASSERT_TRUE(bool(Committed));
  EXPECT_NE(Committed->get(), First->get());
  const FunctionSummary *Served = (*Committed)->lookup(Helper->USR);
  ASSERT_NE(Served, nullptr);
  EXPECT_EQ(Served->Class.Class, WorkloadClass::Io);

  // The file is replaced by an empty database (a rebuild).
  ASSERT_FALSE(llvm::sys::fs::remove(Path));
  writeLinkedDatabase(Path, {});
  auto Rebuilt = DatabaseSummaryProvider::shared(Path);
  ASSERT_TRUE(bool(Rebuilt));
  EXPECT_EQ((*Rebuilt)->lookup(Helper->USR), nullptr);

  ASSERT_FALSE(llvm::sys::fs::remove(Path));
  auto Gone = DatabaseSummaryProvider::shared(Path);
  EXPECT_FALSE(bool(Gone));
  llvm::consumeError(Gone.takeError());
}

TEST(SummaryDatabase, BadFilesAreReported) {
  ScratchDir Dir;
  auto Missing = SummaryDatabase::open(Dir.file("none.db"));
  ASSERT_FALSE(bool(Missing));
  EXPECT_NE(llvm::toString(Missing.takeError()).find("does not exist"),
            std::string::npos);

  std::string Garbage = Dir.file("garbage.db");
  writeFile(Garbage, std::string(4096, 'x'));
  auto NotDb = SummaryDatabase::open(Garbage);
  ASSERT_FALSE(bool(NotDb));
  EXPECT_NE(llvm::toString(NotDb.takeError()).find("not a valid SQLite"),
            std::string::npos);

  // A SQLite file of some other program.
  std::string Foreign = Dir.file("foreign.db");
  sqlite3 *Raw = nullptr;
  ASSERT_EQ(sqlite3_open(Foreign.c_str(), &Raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(Raw, "CREATE TABLE t(x); INSERT INTO t VALUES(1);",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(Raw);
  auto Other = SummaryDatabase::open(Foreign);
  ASSERT_FALSE(bool(Other));
  EXPECT_NE(llvm::toString(Other.takeError()).find("not a concur summaries"),
            std::string::npos);

  // Another schema version.
  std::string Old = Dir.file("old.db");
  writeLinkedDatabase(Old, {});
  ASSERT_EQ(sqlite3_open(Old.c_str(), &Raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(Raw,
                         "UPDATE meta SET value = '99' WHERE key = "
                         "'version'",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(Raw);
  auto Versioned = DatabaseSummaryProvider::open(Old);
  ASSERT_FALSE(bool(Versioned));
  EXPECT_NE(llvm::toString(Versioned.takeError()).find("schema version 99"),
            std::string::npos);
}

} // namespace
