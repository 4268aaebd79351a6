#include "AnalysisTestUtil.h"
#include "ProjectConfig.h"
#include "llvm/ADT/bit.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include <cmath>

using namespace concur;
using namespace concur::test;

/// Field-by-field equality of two summaries, for the binary round trip.
static void expectSameSummary(const FunctionSummary &A,
                              const FunctionSummary &B) {
  EXPECT_EQ(A.USR, B.USR);
  EXPECT_EQ(A.Name, B.Name);
  EXPECT_EQ(A.QualifiedName, B.QualifiedName);
  EXPECT_EQ(A.File, B.File);
  EXPECT_EQ(A.Line, B.Line);
  EXPECT_EQ(A.Column, B.Column);
  EXPECT_EQ(A.IsCoroutine, B.IsCoroutine);
  EXPECT_EQ(A.LogSink, B.LogSink);
  EXPECT_EQ(A.Total.Work, B.Total.Work);
  EXPECT_EQ(A.Total.NumericWork, B.Total.NumericWork);
  EXPECT_EQ(A.Total.Blocking, B.Total.Blocking);
  EXPECT_EQ(A.Total.BlockingByKind, B.Total.BlockingByKind);
  EXPECT_EQ(A.Total.WorkGrowth, B.Total.WorkGrowth);
  EXPECT_EQ(A.Total.NumericGrowth, B.Total.NumericGrowth);
  EXPECT_EQ(A.Total.BlockingGrowth, B.Total.BlockingGrowth);
  EXPECT_EQ(A.Total.ElementGrowth, B.Total.ElementGrowth);
  EXPECT_EQ(A.Total.ThreadUnsafe, B.Total.ThreadUnsafe);
  EXPECT_EQ(A.Total.UsesAsyncApi, B.Total.UsesAsyncApi);
  EXPECT_EQ(A.Total.Spawns, B.Total.Spawns);
  EXPECT_EQ(A.Total.ForwardsWouldBlock, B.Total.ForwardsWouldBlock);
  EXPECT_EQ(A.Total.OtherBlocking, B.Total.OtherBlocking);
  EXPECT_EQ(A.Total.UnknownCalls, B.Total.UnknownCalls);
  ASSERT_EQ(A.Total.Items.size(), B.Total.Items.size());
  for (size_t I = 0; I < A.Total.Items.size(); ++I) {
    const Evidence &EA = A.Total.Items[I], &EB = B.Total.Items[I];
    EXPECT_EQ(EA.Kind, EB.Kind);
    EXPECT_EQ(EA.What, EB.What);
    EXPECT_EQ(EA.Api, EB.Api);
    EXPECT_EQ(EA.Weight, EB.Weight);
    ASSERT_EQ(EA.Chain.size(), EB.Chain.size());
    for (size_t J = 0; J < EA.Chain.size(); ++J) {
      EXPECT_EQ(EA.Chain[J].Callee, EB.Chain[J].Callee);
      EXPECT_EQ(EA.Chain[J].File, EB.Chain[J].File);
      EXPECT_EQ(EA.Chain[J].Line, EB.Chain[J].Line);
      EXPECT_EQ(EA.Chain[J].Column, EB.Chain[J].Column);
    }
  }
  ASSERT_EQ(A.ExternalCalls.size(), B.ExternalCalls.size());
  for (size_t I = 0; I < A.ExternalCalls.size(); ++I) {
    const ExternalCall &CA = A.ExternalCalls[I], &CB = B.ExternalCalls[I];
    EXPECT_EQ(CA.USR, CB.USR);
    EXPECT_EQ(CA.Name, CB.Name);
    EXPECT_EQ(CA.Times, CB.Times);
    EXPECT_EQ(CA.Paths, CB.Paths);
    EXPECT_EQ(CA.Synchronized, CB.Synchronized);
    EXPECT_EQ(CA.Callback, CB.Callback);
    EXPECT_EQ(CA.Use, CB.Use);
    EXPECT_EQ(CA.Site.Callee, CB.Site.Callee);
    EXPECT_EQ(CA.Site.Line, CB.Site.Line);
    ASSERT_EQ(CA.Via.size(), CB.Via.size());
    for (size_t J = 0; J < CA.Via.size(); ++J) {
      EXPECT_EQ(CA.Via[J].Callee, CB.Via[J].Callee);
      EXPECT_EQ(CA.Via[J].File, CB.Via[J].File);
      EXPECT_EQ(CA.Via[J].Column, CB.Via[J].Column);
    }
  }
  EXPECT_EQ(A.Class.Class, B.Class.Class);
  EXPECT_EQ(A.Class.Confidence, B.Class.Confidence);
  EXPECT_EQ(A.Class.Numeric, B.Class.Numeric);
  EXPECT_EQ(A.Class.IoKinds.raw(), B.Class.IoKinds.raw());
}

TEST(Summary, BinaryRoundTripKeepsEverything) {
  Parsed P(R"(
    extern "C" long recv(int, void *, unsigned long, int);
    long ext(int);
    static long helper(int fd) { char b[8]; return recv(fd, b, 8, 0) + ext(fd); }
    long fetch(int fd) {
      long n = 0;
      for (int i = 0; i < 100; ++i) n += helper(fd) + ext(i) * 3.5;
      return n;
    }
  )");
  FunctionSummary S = P.summary("fetch");
  ASSERT_FALSE(S.Total.Items.empty());
  ASSERT_FALSE(S.ExternalCalls.empty());
  // Via hops, a merged path count and flags the parsed code does not set.
  S.ExternalCalls[0].Via.push_back({"helper", "/src/a.cpp", 3, 50, {}});
  S.ExternalCalls[0].Paths = 3;
  S.ExternalCalls[0].Synchronized = true;
  S.ExternalCalls.back().Callback = true;
  S.Total.Spawns = true;
  S.Total.ForwardsWouldBlock = true;
  S.ExternalCalls.back().Use = WouldBlockUse::Forwarded;
  S.IsCoroutine = true;
  S.LogSink = true;
  S.Total.ElementGrowth = Growth::term(3, 1) + Growth::term(0.5, 3);
  S.Total.BlockingGrowth += Growth::term(7, 2);
  S.ExternalCalls[0].Times = Growth::term(2, 2) + Growth::constant(1);
  std::string Bytes = encodeSummary(S);
  llvm::Expected<FunctionSummary> Back = decodeSummary(Bytes);
  ASSERT_TRUE(bool(Back)) << llvm::toString(Back.takeError());
  expectSameSummary(S, *Back);
  // Deterministic: fingerprints hash it.
  EXPECT_EQ(encodeSummary(*Back), Bytes);
}

TEST(Summary, DamagedBinaryIsRejected) {
  Parsed P(R"(
    extern "C" long recv(int, void *, unsigned long, int);
    long ext(int);
    long fetch(int fd) { char b[8]; return recv(fd, b, 8, 0) + ext(fd); }
  )");
  std::string Bytes = encodeSummary(P.summary("fetch"));
  // Every truncation is an error, never a partial summary.
  for (size_t Size = 0; Size < Bytes.size(); ++Size) {
    llvm::Expected<FunctionSummary> Cut =
        decodeSummary(llvm::StringRef(Bytes).take_front(Size));
    EXPECT_FALSE(bool(Cut)) << "accepted " << Size << " of " << Bytes.size();
    if (!Cut)
      llvm::consumeError(Cut.takeError());
  }
  llvm::Expected<FunctionSummary> Longer = decodeSummary(Bytes + "x");
  ASSERT_FALSE(bool(Longer));
  EXPECT_NE(llvm::toString(Longer.takeError()).find("trailing data"),
            std::string::npos);
  // Summaries of schema version 1 (JSON) are not mistaken for the binary
  // form.
  llvm::Expected<FunctionSummary> FromJson = decodeSummary(
      R"({"usr":"c:@F@fetch","name":"fetch","qualified_name":"fetch",)"
      R"("file":"/src/a.cpp","line":4,"column":5,"work":1,"blocking":1000})");
  ASSERT_FALSE(bool(FromJson));
  EXPECT_NE(llvm::toString(FromJson.takeError()).find("unknown summary format"),
            std::string::npos);
}

TEST(Summary, GrowthOutOfRangeIsRejected) {
  Parsed P(R"(
    long fetch(long n) { long s = 0; for (long i = 0; i < n; ++i) s += i; return s; }
  )");
  FunctionSummary S = P.summary("fetch");
  // A coefficient no analysis writes, to find where it is stored.
  const double Marker = 12345.25;
  S.Total.ElementGrowth = Growth::term(Marker, 2);
  std::string Bytes = encodeSummary(S);
  char Raw[8];
  llvm::support::endian::write64le(Raw, llvm::bit_cast<uint64_t>(Marker));
  size_t At = Bytes.find(std::string(Raw, 8));
  ASSERT_NE(At, std::string::npos);
  ASSERT_TRUE(bool(decodeSummary(Bytes)));
  for (double Bad :
       {-1.0, std::nan(""), HUGE_VAL, 2 * Growth::MaxCoefficient}) {
    std::string Damaged = Bytes;
    llvm::support::endian::write64le(Raw, llvm::bit_cast<uint64_t>(Bad));
    Damaged.replace(At, 8, Raw, 8);
    llvm::Expected<FunctionSummary> Back = decodeSummary(Damaged);
    ASSERT_FALSE(bool(Back)) << Bad;
    EXPECT_NE(llvm::toString(Back.takeError())
                  .find("growth coefficient out of range"),
              std::string::npos);
  }
}

TEST(ProjectConfig, ParsesOptionsKnowledgeAndSummaries) {
  auto Config = ProjectConfig::parse(R"(
version: 1
knowledge-base:
  - names: ['mylib::fetch']
    io: network
options:
  fan-out-threshold: 3
  substantial-work: 500
summaries: build/concur.db
)",
                                     "/project/.concur.yaml");
  ASSERT_TRUE(bool(Config)) << llvm::toString(Config.takeError());
  EXPECT_TRUE(Config->Extra.lookup("mylib::fetch"));
  AnalysisOptions Opts;
  Config->applyTo(Opts);
  EXPECT_EQ(Opts.FanOutThreshold, 3u);
  EXPECT_EQ(Opts.SubstantialWork, 500);
  EXPECT_EQ(Config->Summaries, "/project/build/concur.db");
}

TEST(ProjectConfig, MalformedFilesSayWhereAndWhat) {
  auto Config = ProjectConfig::parse("options:\n  fan-out-threshold: many\n",
                                     "/p/.concur.yaml");
  ASSERT_FALSE(bool(Config));
  std::string Message = llvm::toString(Config.takeError());
  EXPECT_NE(Message.find("/p/.concur.yaml:2:"), std::string::npos) << Message;
  auto Unknown = ProjectConfig::parse("colour: red\n", "/p/.concur.yaml");
  ASSERT_FALSE(bool(Unknown));
  EXPECT_NE(llvm::toString(Unknown.takeError()).find("unknown key 'colour'"),
            std::string::npos);
}

TEST(ProjectConfig, FinderWalksUpAndSeesEdits) {
  llvm::SmallString<128> Dir;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("concur-config", Dir));
  llvm::SmallString<128> Sub(Dir), Config(Dir), Source;
  llvm::sys::path::append(Sub, "src", "deep");
  ASSERT_FALSE(llvm::sys::fs::create_directories(Sub));
  llvm::sys::path::append(Config, ".concur.yaml");
  Source = Sub;
  llvm::sys::path::append(Source, "a.cpp");
  {
    std::error_code EC;
    llvm::raw_fd_ostream Out(Config, EC);
    Out << "knowledge-base:\n  - names: [local_fetch]\n    io: network\n";
  }
  ProjectConfigFinder Finder;
  auto Found = Finder.find(Source);
  ASSERT_TRUE(bool(Found));
  ASSERT_TRUE(*Found);
  EXPECT_TRUE((*Found)->Extra.lookup("local_fetch"));
  {
    std::error_code EC;
    llvm::raw_fd_ostream Out(Config, EC);
    Out << "knowledge-base: [\n";
  }
  // The same finder sees the edit (a long-running server keeps one), and
  // then the file's removal.
  auto Broken = Finder.find(Source);
  ASSERT_FALSE(bool(Broken));
  EXPECT_NE(llvm::toString(Broken.takeError()).find(".concur.yaml"),
            std::string::npos);
  ASSERT_FALSE(llvm::sys::fs::remove(Config));
  auto Gone = Finder.find(Source);
  ASSERT_TRUE(bool(Gone));
  EXPECT_FALSE(*Gone);
  llvm::sys::fs::remove_directories(Dir);
}
