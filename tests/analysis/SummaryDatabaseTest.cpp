#include "Advice.h"
#include "AnalysisTestUtil.h"
#include "SummaryDatabase.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include <sqlite3.h>

using namespace concur;
using namespace concur::test;

namespace {

/// A scratch directory removed at the end of the test.
struct ScratchDir {
  llvm::SmallString<128> Path;
  ScratchDir() {
    EXPECT_FALSE(llvm::sys::fs::createUniqueDirectory("concur-db", Path));
  }
  ~ScratchDir() { llvm::sys::fs::remove_directories(Path); }
  std::string file(llvm::StringRef Name) const {
    llvm::SmallString<128> F(Path);
    llvm::sys::path::append(F, Name);
    return std::string(F);
  }
};

void writeFile(const std::string &Path, llvm::StringRef Text) {
  std::error_code EC;
  llvm::raw_fd_ostream Out(Path, EC);
  ASSERT_FALSE(EC);
  Out << Text;
}

// a.cpp: a loop calls a helper that calls into b.cpp; b.cpp: the function
// that blocks on recv.
constexpr llvm::StringLiteral UnitA = R"(
  long net_read(int fd);
  long helper(int fd) { return net_read(fd); }
  long loop_all(int *fds, int n) {
    long total = 0;
    for (int i = 0; i < n; ++i) total += helper(fds[i]);
    return total;
  }
)";
constexpr llvm::StringLiteral UnitB = R"(
  extern "C" long recv(int, void *, unsigned long, int);
  long net_read(int fd) { char b[64]; return recv(fd, b, 64, 0); }
)";

std::vector<FunctionSummary> linkAB() {
  Parsed A(UnitA), B(UnitB);
  std::vector<StoredFunction> Local = localsOf(A, "a.cpp", {"helper", "loop_all"});
  for (StoredFunction &F : localsOf(B, "b.cpp", {"net_read"}))
    Local.push_back(std::move(F));
  return linkSummaries(Local, [](const FunctionSummary &) {
    return AnalysisOptions();
  });
}

} // namespace

TEST(SummaryDatabase, ExternalCallsIncludeCalleesInTheSameUnit) {
  Parsed A(UnitA);
  const FunctionSummary &Loop = A.summary("loop_all");
  EXPECT_EQ(Loop.Class.Class, WorkloadClass::Trivial);
  ASSERT_EQ(Loop.ExternalCalls.size(), 1u);
  EXPECT_EQ(Loop.ExternalCalls[0].Name, "net_read");
  ASSERT_EQ(Loop.ExternalCalls[0].Via.size(), 1u);
  EXPECT_EQ(Loop.ExternalCalls[0].Via[0].Callee, "helper");
  EXPECT_EQ(Loop.ExternalCalls[0].Times, 100); // the loop's unknown trip count
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

TEST(SummaryDatabase, StoresUnitsAndServesLinkedSummaries) {
  ScratchDir Dir;
  std::string Path = Dir.file("s.db");
  auto Db = SummaryDatabase::open(Path, SummaryDatabase::OpenMode::ReadWrite);
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

TEST(SummaryDatabase, LinkIsCurrentUntilLocalSummariesChange) {
  ScratchDir Dir;
  auto Db = SummaryDatabase::open(Dir.file("s.db"),
                                  SummaryDatabase::OpenMode::ReadWrite);
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

TEST(SummaryDatabase, AnalyzerSeesCrossFileFactsThroughTheProvider) {
  ScratchDir Dir;
  std::string Path = Dir.file("s.db");
  {
    auto Db = SummaryDatabase::open(Path, SummaryDatabase::OpenMode::ReadWrite);
    ASSERT_TRUE(bool(Db));
    ASSERT_FALSE(bool((*Db)->storeLinked(linkAB())));
  }
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
  {
    auto Db = SummaryDatabase::open(Path, SummaryDatabase::OpenMode::ReadWrite);
    ASSERT_TRUE(bool(Db));
  }
  auto First = DatabaseSummaryProvider::shared(Path);
  ASSERT_TRUE(bool(First)) << llvm::toString(First.takeError());
  EXPECT_EQ((*First)->lookup(Helper->USR), nullptr);
  auto Again = DatabaseSummaryProvider::shared(Path);
  ASSERT_TRUE(bool(Again));
  EXPECT_EQ(Again->get(), First->get()) << "unchanged file: the same provider";

  { // another connection commits, as a re-run of concur-advise does
    auto Db = SummaryDatabase::open(Path, SummaryDatabase::OpenMode::ReadWrite);
    ASSERT_TRUE(bool(Db));
    ASSERT_FALSE(bool((*Db)->storeLinked(Linked)));
  }
  auto Committed = DatabaseSummaryProvider::shared(Path);
  ASSERT_TRUE(bool(Committed));
  EXPECT_NE(Committed->get(), First->get());
  const FunctionSummary *Served = (*Committed)->lookup(Helper->USR);
  ASSERT_NE(Served, nullptr);
  EXPECT_EQ(Served->Class.Class, WorkloadClass::Io);

  // The file is replaced by an empty database (a rebuild).
  ASSERT_FALSE(llvm::sys::fs::remove(Path));
  {
    auto Db = SummaryDatabase::open(Path, SummaryDatabase::OpenMode::ReadWrite);
    ASSERT_TRUE(bool(Db));
  }
  auto Rebuilt = DatabaseSummaryProvider::shared(Path);
  ASSERT_TRUE(bool(Rebuilt));
  EXPECT_EQ((*Rebuilt)->lookup(Helper->USR), nullptr);

  ASSERT_FALSE(llvm::sys::fs::remove(Path));
  auto Gone = DatabaseSummaryProvider::shared(Path);
  EXPECT_FALSE(bool(Gone));
  llvm::consumeError(Gone.takeError());
}

TEST(SummaryDatabase, BadFilesAreReportedOrRebuilt) {
  ScratchDir Dir;
  using Mode = SummaryDatabase::OpenMode;

  auto Missing = SummaryDatabase::open(Dir.file("none.db"), Mode::ReadOnly);
  ASSERT_FALSE(bool(Missing));
  EXPECT_NE(llvm::toString(Missing.takeError()).find("does not exist"),
            std::string::npos);

  std::string Garbage = Dir.file("garbage.db");
  writeFile(Garbage, std::string(4096, 'x'));
  auto NotDb = SummaryDatabase::open(Garbage, Mode::ReadOnly);
  ASSERT_FALSE(bool(NotDb));
  EXPECT_NE(llvm::toString(NotDb.takeError()).find("not a valid SQLite"),
            std::string::npos);
  auto NotDbRw = SummaryDatabase::open(Garbage, Mode::ReadWrite);
  EXPECT_FALSE(bool(NotDbRw));
  llvm::consumeError(NotDbRw.takeError());
  auto Rebuilt = SummaryDatabase::open(Garbage, Mode::RebuildIfInvalid);
  ASSERT_TRUE(bool(Rebuilt)) << llvm::toString(Rebuilt.takeError());
  EXPECT_NE((*Rebuilt)->rebuildReason().find("not a valid SQLite"),
            std::string::npos);

  // A SQLite file of some other program.
  std::string Foreign = Dir.file("foreign.db");
  sqlite3 *Raw = nullptr;
  ASSERT_EQ(sqlite3_open(Foreign.c_str(), &Raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(Raw, "CREATE TABLE t(x); INSERT INTO t VALUES(1);",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(Raw);
  auto Other = SummaryDatabase::open(Foreign, Mode::ReadWrite);
  ASSERT_FALSE(bool(Other));
  EXPECT_NE(llvm::toString(Other.takeError()).find("not a concur summaries"),
            std::string::npos);

  // Another schema version.
  std::string Old = Dir.file("old.db");
  {
    auto Db = SummaryDatabase::open(Old, Mode::ReadWrite);
    ASSERT_TRUE(bool(Db));
  }
  ASSERT_EQ(sqlite3_open(Old.c_str(), &Raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(Raw, "UPDATE meta SET value = '99' WHERE key = "
                              "'version'",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(Raw);
  auto Versioned = DatabaseSummaryProvider::open(Old);
  ASSERT_FALSE(bool(Versioned));
  EXPECT_NE(llvm::toString(Versioned.takeError()).find("schema version 99"),
            std::string::npos);
}
