#include "KnowledgeBase.h"
#include "gtest/gtest.h"

using namespace concur;

TEST(KnowledgeBase, BuiltinCoversTheTableEvidence) {
  const KnowledgeBase &KB = KnowledgeBase::builtin();
  struct Expect {
    const char *Name;
    std::optional<IoKind> Io;
    std::optional<CpuKind> Cpu;
  };
  for (const Expect &E : std::initializer_list<Expect>{
           {"recv", IoKind::Network, {}},
           {"send", IoKind::Network, {}},
           {"connect", IoKind::Network, {}},
           {"accept", IoKind::Network, {}},
           {"curl_easy_perform", IoKind::Network, {}},
           {"sqlite3_step", IoKind::Database, {}},
           {"PQexec", IoKind::Database, {}},
           {"mysql_query", IoKind::Database, {}},
           {"read", IoKind::File, {}},
           {"fread", IoKind::File, {}},
           {"std::basic_ifstream::basic_ifstream", IoKind::File, {}},
           {"system", IoKind::Process, {}},
           {"popen", IoKind::Process, {}},
           {"waitpid", IoKind::Process, {}},
           {"std::this_thread::sleep_for", IoKind::Sleep, {}},
           {"std::thread::join", IoKind::Sync, {}},
           {"std::future::get", IoKind::Sync, {}},
           {"std::sort", {}, CpuKind::Sort},
           {"std::regex_match", {}, CpuKind::Regex},
           {"ZSTD_compress", {}, CpuKind::Compress},
           {"cblas_dgemm", {}, CpuKind::Linalg},
       }) {
    std::optional<ApiEffects> Found = KB.lookup(E.Name);
    ASSERT_TRUE(Found) << E.Name;
    EXPECT_EQ(Found->Io, E.Io) << E.Name;
    if (E.Cpu) {
      EXPECT_EQ(Found->Cpu, E.Cpu) << E.Name;
    }
  }
  for (const char *Unsafe : {"strtok", "rand", "localtime", "setlocale"})
    EXPECT_TRUE(KB.lookup(Unsafe)->MtUnsafe) << Unsafe;
  EXPECT_TRUE(KB.lookup("cblas_dgemm")->Numeric);
  EXPECT_FALSE(KB.lookup("no_such_function_anywhere"));
}

TEST(KnowledgeBase, PrefixPatternsAndMerging) {
  auto KB = KnowledgeBase::parse(R"(
version: 1
costs: {io: {network: 7}}
entries:
  - names: ['lib::Client::*']
    io: network
  - names: ['lib::Client::close']
    cost: 1
  - names: [lib_helper]
    cpu: hash
  - names: [lib_helper]
    mt-unsafe: true
)",
                                 "kb.yaml");
  ASSERT_TRUE(bool(KB)) << llvm::toString(KB.takeError());
  std::optional<ApiEffects> Get = KB->lookup("lib::Client::get");
  ASSERT_TRUE(Get);
  EXPECT_EQ(Get->Io, IoKind::Network);
  EXPECT_EQ(KB->ioCost(*Get), 7);
  // The exact entry refines the pattern.
  std::optional<ApiEffects> Close = KB->lookup("lib::Client::close");
  ASSERT_TRUE(Close);
  EXPECT_EQ(Close->Io, IoKind::Network);
  EXPECT_EQ(KB->ioCost(*Close), 1);
  std::optional<ApiEffects> Helper = KB->lookup("lib_helper");
  ASSERT_TRUE(Helper);
  EXPECT_EQ(Helper->Cpu, CpuKind::Hash);
  EXPECT_TRUE(Helper->MtUnsafe);
  EXPECT_FALSE(KB->lookup("lib::Server::get"));
}

TEST(KnowledgeBase, ErrorsNameFileLineAndProblem) {
  auto Expect = [](const char *Yaml, const char *Fragment) {
    auto KB = KnowledgeBase::parse(Yaml, "bad.yaml");
    ASSERT_FALSE(bool(KB)) << Yaml;
    std::string Message = llvm::toString(KB.takeError());
    EXPECT_NE(Message.find(Fragment), std::string::npos) << Message;
  };
  Expect("version: 1\nentries:\n  - names: [f]\n    io: teleport\n",
         "bad.yaml:3:5: unknown I/O kind 'teleport'");
  Expect("version: 1\nentries:\n  - names: [f]\n    io: file\n    colour: red\n",
         "unknown key 'colour'");
  Expect("version: 1\nentries:\n  - names: [f]\n", "states no effect");
  // A misspelt key that was meant to state the effect is named at its own
  // line, not hidden behind "states no effect".
  Expect("version: 1\nentries:\n  - names: [f]\n    blocks: network\n",
         "bad.yaml:4:5: unknown key 'blocks'");
  Expect("version: 1\nentries:\n  - names: ['a*b']\n    io: file\n",
         "'*' may only end a name");
  Expect("version: 2\n", "unsupported version 2");
  Expect("version: 1\nentries: [\n", "bad.yaml:");
  Expect("version: 1\ncosts: {io: {warp: 3}}\n", "unknown I/O kind 'warp'");
}

TEST(KnowledgeBase, ExtendAddsEntriesAndCosts) {
  KnowledgeBase KB = KnowledgeBase::builtin();
  auto Extra = KnowledgeBase::parse(
      "version: 1\ncosts: {io: {network: 5}}\nentries:\n"
      "  - names: [my_fetch]\n    io: network\n",
      "extra.yaml");
  ASSERT_TRUE(bool(Extra));
  KB.extend(*Extra);
  ASSERT_TRUE(KB.lookup("my_fetch"));
  EXPECT_EQ(KB.ioCost(*KB.lookup("recv")), 5);
  EXPECT_TRUE(KB.lookup("recv")); // built-in entries stay
}

TEST(KnowledgeBase, LocksAndWhereCallablesRun) {
  const KnowledgeBase &KB = KnowledgeBase::builtin();
  for (const char *Name : {"std::mutex::unlock", "std::unique_lock::unlock",
                           "pthread_mutex_unlock", "pthread_rwlock_unlock"}) {
    std::optional<ApiEffects> Found = KB.lookup(Name);
    ASSERT_TRUE(Found) << Name;
    EXPECT_TRUE(Found->ReleasesLock) << Name;
    EXPECT_FALSE(Found->AcquiresLock) << Name;
  }
  struct Expect {
    const char *Name;
    RunsOn Runs;
  };
  for (const Expect &E : std::initializer_list<Expect>{
           {"std::thread::thread", RunsOn::Threads},
           {"pthread_create", RunsOn::Threads},
           {"concur::thread_pool::submit", RunsOn::Threads},
           {"concur::cpu_pool", RunsOn::Cores},
           {"tbb::detail::d1::parallel_for", RunsOn::Cores},
           {"concur::event_loop::post", RunsOn::Loop},
           {"concur::process_pool::submit", RunsOn::Process},
       }) {
    std::optional<ApiEffects> Found = KB.lookup(E.Name);
    ASSERT_TRUE(Found) << E.Name;
    EXPECT_EQ(Found->Runs, E.Runs) << E.Name;
  }
  EXPECT_EQ(KB.lookup("std::call_once")->Runs, RunsOn::Caller);

  auto Parsed = KnowledgeBase::parse(
      "version: 1\nentries:\n  - names: [my_pool_submit]\n    runs-on: cores\n"
      "  - names: [my_unlock]\n    releases-lock: true\n",
      "user.yaml");
  ASSERT_TRUE(bool(Parsed)) << llvm::toString(Parsed.takeError());
  EXPECT_EQ(Parsed->lookup("my_pool_submit")->Runs, RunsOn::Cores);
  EXPECT_TRUE(Parsed->lookup("my_unlock")->ReleasesLock);

  auto Bad = KnowledgeBase::parse(
      "version: 1\nentries:\n  - names: [f]\n    runs-on: gpu\n", "bad.yaml");
  ASSERT_FALSE(bool(Bad));
  std::string Message = llvm::toString(Bad.takeError());
  EXPECT_NE(Message.find("bad.yaml:4:"), std::string::npos) << Message;
}

TEST(KnowledgeBase, DiagnosticsAndWakeUps) {
  const KnowledgeBase &KB = KnowledgeBase::builtin();
  for (const char *Name : {"syslog", "perror", "warnx"}) {
    std::optional<ApiEffects> Found = KB.lookup(Name);
    ASSERT_TRUE(Found) << Name;
    EXPECT_TRUE(Found->LogSink) << Name;
  }
  EXPECT_EQ(KB.lookup("fprintf")->ConsoleStreamArg, 0);
  EXPECT_EQ(KB.lookup("fwrite")->ConsoleStreamArg, 3);
  EXPECT_EQ(KB.lookup("write")->ConsoleStreamArg, 0);
  EXPECT_EQ(KB.lookup("write")->WakeUpSizeArg, 2);
  EXPECT_EQ(KB.lookup("write")->Io, IoKind::File);
  EXPECT_FALSE(KB.lookup("eventfd_write")->Io);
  EXPECT_FALSE(KB.incidental().Log.empty());
  EXPECT_FALSE(KB.incidental().Level.empty());
  EXPECT_FALSE(KB.incidental().ErrorLabel.empty());

  // A project names its own logger, as `.concur.yaml` entries do.
  auto Extra = KnowledgeBase::parse("version: 1\nentries:\n"
                                    "  - names: [app_trace]\n"
                                    "    log-sink: true\n",
                                    "extra.yaml");
  ASSERT_TRUE(bool(Extra)) << toString(Extra.takeError());
  ASSERT_TRUE(Extra->lookup("app_trace"));
  EXPECT_TRUE(Extra->lookup("app_trace")->LogSink);
  auto Negative = KnowledgeBase::parse("version: 1\nentries:\n"
                                       "  - names: [w]\n"
                                       "    wake-up-size-arg: -1\n",
                                       "bad.yaml");
  EXPECT_FALSE(bool(Negative));
  consumeError(Negative.takeError());
}

TEST(KnowledgeBase, CallsThatReturnAtOnce) {
  const KnowledgeBase &KB = KnowledgeBase::builtin();
  EXPECT_EQ(KB.lookup("poll")->TimeoutArg, 2);
  EXPECT_EQ(KB.lookup("epoll_wait")->TimeoutArg, 3);
  // Its timeout is a pointer: a null one waits forever.
  EXPECT_EQ(KB.lookup("epoll_pwait2")->TimeoutArg, -1);
  for (const char *Name : {"send", "recv", "accept", "write", "SSL_read"}) {
    std::optional<ApiEffects> Found = KB.lookup(Name);
    ASSERT_TRUE(Found) << Name;
    EXPECT_TRUE(Found->WouldBlock) << Name;
    EXPECT_TRUE(Found->Io) << Name << " still blocks by default";
  }
  EXPECT_FALSE(KB.lookup("getaddrinfo")->WouldBlock);
  EXPECT_TRUE(llvm::is_contained(KB.incidental().WouldBlockCodes, "EAGAIN"));
  EXPECT_TRUE(llvm::is_contained(KB.incidental().TimeoutCodes, "ETIMEDOUT"));
  EXPECT_EQ(KB.lookup("nftw")->Callback, CallbackPolicy::Inline);
  auto Negative = KnowledgeBase::parse("version: 1\nentries:\n"
                                       "  - names: [w]\n"
                                       "    timeout-arg: -2\n",
                                       "bad.yaml");
  EXPECT_FALSE(bool(Negative));
  consumeError(Negative.takeError());
}
