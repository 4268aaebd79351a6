//===--- Recorder.cpp - Runs a program under perf events ------------------===//

#include "Recorder.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Object/ELFObjectFile.h"
#include "llvm/Object/ObjectFile.h"
#include "llvm/Support/MemoryBuffer.h"

#include <algorithm>
#include <asm/perf_regs.h>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <optional>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <tuple>
#include <unistd.h>

namespace concur::profile {

char PerfRefusedError::ID;
char ExecError::ID;

namespace {

constexpr size_t PageSize = 4096;
constexpr size_t DataPages = 128;
/// Bytes of a blocked thread's stack read and scanned.
constexpr size_t StackBytes = 32 * 1024;
constexpr unsigned MaxFrames = 128;
/// Bytes of the user stack copied with each on-CPU sample.
constexpr uint32_t SampleStackBytes = 256;

uint64_t nowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int perfEventOpen(perf_event_attr &Attr, pid_t Pid, int Cpu) {
  return static_cast<int>(
      syscall(SYS_perf_event_open, &Attr, Pid, Cpu, -1, PERF_FLAG_FD_CLOEXEC));
}

std::string readParanoid() {
  int Fd = open("/proc/sys/kernel/perf_event_paranoid", O_RDONLY | O_CLOEXEC);
  if (Fd < 0)
    return "";
  char Buf[32] = {};
  ssize_t N = read(Fd, Buf, sizeof(Buf) - 1);
  close(Fd);
  return N > 0 ? llvm::StringRef(Buf, N).trim().str() : "";
}

std::string refusedMessage(int Errno) {
  std::string Paranoid = readParanoid();
  std::string Msg = "perf events are not available to concur-profile (" +
                    std::string(strerrorname_np(Errno)) + " from " +
                    "perf_event_open): ";
  int Level = 0;
  bool HaveLevel = !Paranoid.empty() && llvm::to_integer(Paranoid, Level);
  if (Errno == ENOSYS)
    return Msg + "the kernel has no perf events, or a seccomp filter (a "
                 "container's default profile) hides the system call; allow "
                 "perf_event_open in the container's seccomp profile (docker: "
                 "--security-opt seccomp=PROFILE.json with perf_event_open "
                 "allowed) or run outside the container";
  if (HaveLevel && Level > 2)
    return Msg + "kernel.perf_event_paranoid is " + Paranoid +
           "; concur-profile needs 2 or less to profile your own processes: "
           "run 'sudo sysctl kernel.perf_event_paranoid=2' (or give the "
           "user CAP_PERFMON)";
  return Msg + "kernel.perf_event_paranoid is " +
         (HaveLevel ? Paranoid : std::string("unknown")) +
         ", which allows profiling your own processes, so something else "
         "refuses: a seccomp filter (a container's default profile blocks "
         "perf_event_open; allow it with --security-opt seccomp=PROFILE.json) "
         "or a security module; run as a user that may use perf events";
}

/// One mapped executable region of a process.
struct Mapping {
  uint64_t End = 0;
  uint64_t PageOffset = 0;
  uint32_t Module = 0;
};

/// The PT_LOAD segments of a module, to turn file offsets into addresses.
struct Segment {
  uint64_t Offset, VAddr, Size;
};

class Session {
public:
  explicit Session(const RecorderOptions &Opts) : Opts(Opts) {
    Rec.Modules.push_back("[unknown]");
  }
  ~Session();

  llvm::Expected<Recording> run();

private:
  struct Buffer {
    int Fd = -1;
    void *Base = MAP_FAILED;
  };
  struct ThreadState {
    uint32_t Pid = 0;
    int SyscallFd = -1;
    bool Out = false, Preempted = false, Seen = false;
    uint64_t Since = 0;
    /// The last wait observed: a thread still in the same system call at
    /// the same stack pointer and program counter is in the same wait, and
    /// its stack is not read again.
    long LastCall = -2;
    uint64_t LastSp = 0, LastPc = 0;
    std::vector<Frame> LastStack;
  };
  struct RawRecord {
    uint64_t Time;
    std::vector<uint8_t> Bytes;
  };

  llvm::Error openEvents(pid_t Child);
  void drain();
  void handle(const RawRecord &R);
  void waitTick(uint64_t WeightNs);
  std::optional<Frame> resolve(uint32_t Pid, uint64_t Address);
  const Mapping *mappingOf(uint32_t Pid, uint64_t Address, uint64_t &Start);
  std::optional<uint64_t> leafCaller(uint32_t Pid, uint64_t Ip,
                                     const uint8_t *Stack, size_t Size);
  uint32_t moduleIndex(llvm::StringRef Path);
  const std::vector<Segment> &segments(uint32_t Module);
  void addThread(uint32_t Pid, uint32_t Tid);
  void addSample(StackSample S);

  const RecorderOptions &Opts;
  Recording Rec;
  std::vector<Buffer> Buffers;
  std::map<uint32_t, std::map<uint64_t, Mapping>> Maps;
  std::map<uint32_t, ThreadState> Threads;
  std::map<std::string, uint32_t> ModuleIndex;
  std::map<uint32_t, std::vector<Segment>> Segments;
  std::map<uint32_t, std::unique_ptr<llvm::MemoryBuffer>> Files;
  std::vector<uint32_t> Pids;
  /// Where each (thread, on-CPU, reason, stack) is in Rec.Samples.
  std::map<std::tuple<uint32_t, bool, std::string, std::vector<uint64_t>>,
           size_t>
      SampleIndex;
};

Session::~Session() {
  for (Buffer &B : Buffers) {
    if (B.Base != MAP_FAILED)
      munmap(B.Base, (DataPages + 1) * PageSize);
    if (B.Fd >= 0)
      close(B.Fd);
  }
  for (auto &[Tid, T] : Threads)
    if (T.SyscallFd >= 0)
      close(T.SyscallFd);
}

llvm::Error Session::openEvents(pid_t Child) {
  perf_event_attr Attr;
  memset(&Attr, 0, sizeof(Attr));
  Attr.size = sizeof(Attr);
  Attr.type = PERF_TYPE_SOFTWARE;
  Attr.config = PERF_COUNT_SW_TASK_CLOCK;
  Attr.sample_period = 1000000000ull / std::max(1u, Opts.Frequency);
  Attr.sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME |
                     PERF_SAMPLE_CALLCHAIN | PERF_SAMPLE_REGS_USER |
                     PERF_SAMPLE_STACK_USER;
  // The stack pointer and the top of the stack find the caller of a
  // function that has no frame of its own (a leaf), which the kernel's
  // frame-pointer walk skips.
  Attr.sample_regs_user = 1ull << PERF_REG_X86_SP;
  Attr.sample_stack_user = SampleStackBytes;
  Attr.disabled = 1;
  Attr.inherit = 1;
  Attr.enable_on_exec = 1;
  Attr.exclude_kernel = 1;
  Attr.exclude_hv = 1;
  Attr.exclude_callchain_kernel = 1;
  Attr.mmap = 1;
  Attr.mmap2 = 1;
  Attr.comm = 1;
  Attr.comm_exec = 1;
  Attr.task = 1;
  Attr.context_switch = Opts.Switches;
  Attr.sample_id_all = 1;
  Attr.watermark = 1;
  Attr.wakeup_watermark = DataPages * PageSize / 2;
  Attr.use_clockid = 1;
  Attr.clockid = CLOCK_MONOTONIC;

  // An inherited per-task event cannot be mapped with cpu -1, so there is
  // one event (and ring buffer) per CPU.
  long Cpus = sysconf(_SC_NPROCESSORS_CONF);
  for (int Cpu = 0; Cpu < Cpus; ++Cpu) {
    int Fd = perfEventOpen(Attr, Child, Cpu);
    if (Fd < 0) {
      if (errno == ENODEV) // an offline CPU
        continue;
      int Errno = errno;
      if (Errno == EACCES || Errno == EPERM || Errno == ENOSYS ||
          Errno == ENOENT || Errno == EOPNOTSUPP)
        return llvm::make_error<PerfRefusedError>(refusedMessage(Errno));
      return llvm::createStringError("cannot open perf events on CPU %d: %s",
                                     Cpu, strerror(Errno));
    }
    Buffer B;
    B.Fd = Fd;
    B.Base = mmap(nullptr, (DataPages + 1) * PageSize, PROT_READ | PROT_WRITE,
                  MAP_SHARED, Fd, 0);
    if (B.Base == MAP_FAILED) {
      int Errno = errno;
      close(Fd);
      return llvm::createStringError(
          "cannot map the perf ring buffer: %s (raise "
          "kernel.perf_event_mlock_kb or ulimit -l)",
          strerror(Errno));
    }
    Buffers.push_back(B);
  }
  if (Buffers.empty())
    return llvm::make_error<PerfRefusedError>(refusedMessage(ENODEV));
  return llvm::Error::success();
}

void Session::drain() {
  std::vector<RawRecord> Records;
  for (Buffer &B : Buffers) {
    auto *Meta = static_cast<perf_event_mmap_page *>(B.Base);
    auto *Data = static_cast<uint8_t *>(B.Base) + PageSize;
    const uint64_t Size = DataPages * PageSize;
    uint64_t Head = __atomic_load_n(&Meta->data_head, __ATOMIC_ACQUIRE);
    uint64_t Tail = Meta->data_tail;
    while (Tail < Head) {
      perf_event_header Header;
      for (size_t I = 0; I < sizeof(Header); ++I)
        reinterpret_cast<uint8_t *>(&Header)[I] = Data[(Tail + I) % Size];
      if (Header.size < sizeof(Header))
        break;
      RawRecord R;
      R.Bytes.resize(Header.size);
      for (size_t I = 0; I < Header.size; ++I)
        R.Bytes[I] = Data[(Tail + I) % Size];
      Tail += Header.size;
      // Samples carry IP, TID, TIME first; every other record ends with
      // the sample_id fields TID, TIME.
      R.Time = 0;
      if (Header.type == PERF_RECORD_SAMPLE && Header.size >= 8 + 24)
        memcpy(&R.Time, R.Bytes.data() + 8 + 16, 8);
      else if (Header.size >= 8 + 16)
        memcpy(&R.Time, R.Bytes.data() + Header.size - 8, 8);
      Records.push_back(std::move(R));
    }
    __atomic_store_n(&Meta->data_tail, Tail, __ATOMIC_RELEASE);
  }
  std::stable_sort(
      Records.begin(), Records.end(),
      [](const RawRecord &A, const RawRecord &B) { return A.Time < B.Time; });
  for (const RawRecord &R : Records)
    handle(R);
}

template <typename T> T field(const std::vector<uint8_t> &Bytes, size_t At) {
  T Value{};
  if (At + sizeof(T) <= Bytes.size())
    memcpy(&Value, Bytes.data() + At, sizeof(T));
  return Value;
}

void Session::addThread(uint32_t Pid, uint32_t Tid) {
  ThreadState &T = Threads[Tid];
  T.Pid = Pid;
  if (std::find(Pids.begin(), Pids.end(), Pid) == Pids.end())
    Pids.push_back(Pid);
}

void Session::addSample(StackSample S) {
  std::vector<uint64_t> Key;
  Key.reserve(S.Stack.size() * 2);
  for (const Frame &F : S.Stack) {
    Key.push_back(F.Module);
    Key.push_back(F.Address);
  }
  auto [It, Inserted] = SampleIndex.try_emplace(
      {S.Tid, S.OnCpu, S.Reason, std::move(Key)}, Rec.Samples.size());
  if (Inserted) {
    Rec.Samples.push_back(std::move(S));
    return;
  }
  StackSample &Known = Rec.Samples[It->second];
  Known.WeightNs += S.WeightNs;
  Known.Count += S.Count;
}

void Session::handle(const RawRecord &R) {
  const auto &B = R.Bytes;
  perf_event_header Header = field<perf_event_header>(B, 0);
  const size_t Body = sizeof(perf_event_header);
  switch (Header.type) {
  case PERF_RECORD_SAMPLE: {
    StackSample S;
    S.Pid = field<uint32_t>(B, Body + 8);
    S.Tid = field<uint32_t>(B, Body + 12);
    S.OnCpu = true;
    S.WeightNs = 1000000000ull / std::max(1u, Opts.Frequency);
    uint64_t Count = field<uint64_t>(B, Body + 24);
    std::vector<uint64_t> Chain;
    for (uint64_t I = 0; I < Count && Chain.size() < MaxFrames; ++I) {
      uint64_t Ip = field<uint64_t>(B, Body + 32 + 8 * I);
      if (Ip < static_cast<uint64_t>(PERF_CONTEXT_MAX)) // not a marker
        Chain.push_back(Ip);
    }
    size_t At = Body + 32 + 8 * Count;
    uint64_t Abi = field<uint64_t>(B, At);
    At += 8;
    uint64_t Sp = 0;
    if (Abi != PERF_SAMPLE_REGS_ABI_NONE) {
      Sp = field<uint64_t>(B, At);
      At += 8;
    }
    uint64_t StackSize = field<uint64_t>(B, At);
    At += 8;
    uint64_t Dynamic = StackSize ? field<uint64_t>(B, At + StackSize) : 0;
    if (!Chain.empty() && Sp && Dynamic && At + Dynamic <= B.size()) {
      if (auto Caller = leafCaller(S.Pid, Chain[0], B.data() + At, Dynamic);
          Caller && (Chain.size() < 2 || Chain[1] != *Caller))
        Chain.insert(Chain.begin() + 1, *Caller);
    }
    for (size_t I = 0; I < Chain.size(); ++I) {
      auto F = resolve(S.Pid, I == 0 ? Chain[I] : Chain[I] - 1);
      S.Stack.push_back(F ? *F : Frame{0, Chain[I]});
    }
    addSample(std::move(S));
    break;
  }
  case PERF_RECORD_MMAP2: {
    uint32_t Pid = field<uint32_t>(B, Body);
    uint64_t Addr = field<uint64_t>(B, Body + 8);
    uint64_t Len = field<uint64_t>(B, Body + 16);
    uint64_t PageOffset = field<uint64_t>(B, Body + 24);
    const char *Name = reinterpret_cast<const char *>(B.data() + Body + 64);
    size_t MaxLen = B.size() > Body + 64 ? B.size() - Body - 64 : 0;
    llvm::StringRef Path(Name, strnlen(Name, MaxLen));
    auto &M = Maps[Pid];
    // A new mapping replaces whatever it overlaps.
    for (auto It = M.lower_bound(Addr);
         It != M.end() && It->first < Addr + Len;)
      It = M.erase(It);
    uint32_t Module = Path.starts_with("/") ? moduleIndex(Path) : 0;
    M[Addr] = Mapping{Addr + Len, PageOffset, Module};
    break;
  }
  case PERF_RECORD_COMM:
    if (Header.misc & PERF_RECORD_MISC_COMM_EXEC)
      Maps[field<uint32_t>(B, Body)].clear();
    break;
  case PERF_RECORD_FORK: {
    uint32_t Pid = field<uint32_t>(B, Body),
             PPid = field<uint32_t>(B, Body + 4);
    uint32_t Tid = field<uint32_t>(B, Body + 8);
    if (Pid != PPid)
      Maps[Pid] = Maps[PPid];
    addThread(Pid, Tid);
    break;
  }
  case PERF_RECORD_EXIT: {
    uint32_t Tid = field<uint32_t>(B, Body + 8);
    auto It = Threads.find(Tid);
    if (It != Threads.end() && It->second.SyscallFd >= 0) {
      close(It->second.SyscallFd);
      It->second.SyscallFd = -1;
    }
    if (It != Threads.end())
      It->second.Pid = 0; // gone: the wait sampler skips it
    break;
  }
  case PERF_RECORD_LOST:
    Rec.LostRecords += field<uint64_t>(B, Body + 8);
    break;
  case PERF_RECORD_SWITCH: {
    uint32_t Tid = field<uint32_t>(B, Header.size - 12);
    ThreadState &T = Threads[Tid];
    bool Out = Header.misc & PERF_RECORD_MISC_SWITCH_OUT;
    if (T.Seen && R.Time >= T.Since) {
      uint64_t Span = R.Time - T.Since;
      if (Out && !T.Out)
        Rec.OnCpuNs += Span;
      else if (!Out && T.Out)
        (T.Preempted ? Rec.PreemptedNs : Rec.BlockedNs) += Span;
    }
    T.Seen = true;
    T.Out = Out;
    T.Preempted = Header.misc & PERF_RECORD_MISC_SWITCH_OUT_PREEMPT;
    T.Since = R.Time;
    break;
  }
  default:
    break;
  }
}

uint32_t Session::moduleIndex(llvm::StringRef Path) {
  auto [It, Inserted] = ModuleIndex.try_emplace(
      Path.str(), static_cast<uint32_t>(Rec.Modules.size()));
  if (Inserted)
    Rec.Modules.push_back(Path.str());
  return It->second;
}

const std::vector<Segment> &Session::segments(uint32_t Module) {
  auto [It, Inserted] = Segments.try_emplace(Module);
  if (!Inserted)
    return It->second;
  auto Binary = llvm::object::ObjectFile::createObjectFile(Rec.Modules[Module]);
  if (!Binary) {
    llvm::consumeError(Binary.takeError());
    return It->second;
  }
  if (auto *Elf = llvm::dyn_cast<llvm::object::ELF64LEObjectFile>(
          Binary->getBinary())) {
    if (auto Headers = Elf->getELFFile().program_headers()) {
      for (const auto &P : *Headers)
        if (P.p_type == llvm::ELF::PT_LOAD)
          It->second.push_back({P.p_offset, P.p_vaddr, P.p_filesz});
    } else {
      llvm::consumeError(Headers.takeError());
    }
  }
  return It->second;
}

std::optional<Frame> Session::resolve(uint32_t Pid, uint64_t Address) {
  auto PM = Maps.find(Pid);
  if (PM == Maps.end())
    return std::nullopt;
  auto It = PM->second.upper_bound(Address);
  if (It == PM->second.begin())
    return std::nullopt;
  --It;
  if (Address >= It->second.End)
    return std::nullopt;
  const Mapping &M = It->second;
  if (M.Module == 0)
    return Frame{0, Address};
  uint64_t Offset = Address - It->first + M.PageOffset;
  for (const Segment &S : segments(M.Module))
    if (Offset >= S.Offset && Offset < S.Offset + S.Size)
      return Frame{M.Module, Offset - S.Offset + S.VAddr};
  return Frame{M.Module, Offset};
}

const Mapping *Session::mappingOf(uint32_t Pid, uint64_t Address,
                                  uint64_t &Start) {
  auto PM = Maps.find(Pid);
  if (PM == Maps.end())
    return nullptr;
  auto It = PM->second.upper_bound(Address);
  if (It == PM->second.begin())
    return nullptr;
  --It;
  if (Address >= It->second.End)
    return nullptr;
  Start = It->first;
  return &It->second;
}

/// The caller of a function without a frame of its own, sampled at Ip: the
/// first word of the sampled stack that is the return address of a direct
/// call to a place at most 1 MiB before Ip in the same module (the entry of
/// the function Ip is in). The module's bytes are read from its file.
std::optional<uint64_t> Session::leafCaller(uint32_t Pid, uint64_t Ip,
                                            const uint8_t *Stack, size_t Size) {
  uint64_t IpStart = 0;
  const Mapping *IpMap = mappingOf(Pid, Ip, IpStart);
  if (!IpMap || IpMap->Module == 0)
    return std::nullopt;
  for (size_t Off = 0; Off + 8 <= Size; Off += 8) {
    uint64_t Word;
    memcpy(&Word, Stack + Off, 8);
    uint64_t Start = 0;
    const Mapping *M = mappingOf(Pid, Word, Start);
    if (!M || M->Module != IpMap->Module || Word < Start + 5)
      continue;
    auto &File = Files[M->Module];
    if (!File) {
      auto Buf =
          llvm::MemoryBuffer::getFile(Rec.Modules[M->Module], false, false);
      if (!Buf)
        return std::nullopt;
      File = std::move(*Buf);
    }
    uint64_t At = Word - Start + M->PageOffset;
    if (At < 5 || At > File->getBufferSize())
      continue;
    const auto *Code =
        reinterpret_cast<const uint8_t *>(File->getBufferStart()) + At - 5;
    if (Code[0] != 0xE8)
      continue;
    int32_t Rel;
    memcpy(&Rel, Code + 1, 4);
    uint64_t Target = Word + static_cast<int64_t>(Rel);
    if (Target <= Ip && Ip - Target < (1u << 20))
      return Word;
  }
  return std::nullopt;
}

/// Whether the bytes before Address end in a call instruction: E8 rel32, or
/// FF /2 (call through a register or memory) of 2, 3, 4, 6 or 7 bytes.
bool endsInCall(const uint8_t *Code) {
  // Code holds the 7 bytes before the return address.
  if (Code[2] == 0xE8)
    return true;
  for (int Length : {2, 3, 4, 6, 7}) {
    const uint8_t *Op = Code + 7 - Length;
    if (Op[0] == 0xFF && (Op[1] & 0x38) == 0x10)
      return true;
    if (Length >= 3 && (Op[0] & 0xF0) == 0x40 && Op[1] == 0xFF &&
        (Op[2] & 0x38) == 0x10)
      return true;
  }
  return false;
}

void Session::waitTick(uint64_t WeightNs) {
  for (auto &[Tid, T] : Threads) {
    if (T.Pid == 0)
      continue;
    if (T.SyscallFd < 0) {
      std::string Path = "/proc/" + std::to_string(T.Pid) + "/task/" +
                         std::to_string(Tid) + "/syscall";
      T.SyscallFd = open(Path.c_str(), O_RDONLY | O_CLOEXEC);
      if (T.SyscallFd < 0) {
        T.Pid = 0;
        continue;
      }
    }
    char Text[256];
    ssize_t N = pread(T.SyscallFd, Text, sizeof(Text) - 1, 0);
    if (N <= 0)
      continue;
    llvm::StringRef Line = llvm::StringRef(Text, N).trim();
    if (Line.starts_with("running"))
      continue;
    llvm::SmallVector<llvm::StringRef, 9> Fields;
    Line.split(Fields, ' ', -1, false);
    long Number = 0;
    uint64_t Sp = 0, Pc = 0;
    if (Fields.size() < 3 || !llvm::to_integer(Fields[0], Number) ||
        !llvm::to_integer(Fields[Fields.size() - 2], Sp, 0) ||
        !llvm::to_integer(Fields.back(), Pc, 0))
      continue;
    StackSample S;
    S.Pid = T.Pid;
    S.Tid = Tid;
    S.OnCpu = false;
    S.Reason = Number >= 0 ? syscallName(Number) : "blocked";
    S.WeightNs = WeightNs;
    if (Number == T.LastCall && Sp == T.LastSp && Pc == T.LastPc) {
      S.Stack = T.LastStack;
      addSample(std::move(S));
      continue;
    }
    T.LastCall = Number;
    T.LastSp = Sp;
    T.LastPc = Pc;
    T.LastStack.clear();
    if (auto F = resolve(T.Pid, Pc))
      S.Stack.push_back(*F);
    else
      S.Stack.push_back(Frame{0, Pc});

    std::vector<uint64_t> Words(StackBytes / 8);
    iovec Local{Words.data(), StackBytes};
    iovec Remote{reinterpret_cast<void *>(Sp), StackBytes};
    ssize_t Read = process_vm_readv(T.Pid, &Local, 1, &Remote, 1, 0);
    if (Read <= 0) {
      // The stack ends within the first page: read what there is.
      Remote.iov_len = Local.iov_len = PageSize - (Sp % PageSize);
      Read = process_vm_readv(T.Pid, &Local, 1, &Remote, 1, 0);
    }
    if (Read <= 0) {
      ++Rec.UnreadStacks;
      T.LastStack = S.Stack;
      addSample(std::move(S));
      continue;
    }
    size_t Count = static_cast<size_t>(Read) / 8;
    // Candidates: words that point into mapped code, checked for a call
    // before them in one read of the program's memory.
    std::vector<size_t> Candidates;
    uint64_t Low = 0, High = 0;
    if (auto PM = Maps.find(T.Pid); PM != Maps.end() && !PM->second.empty()) {
      Low = PM->second.begin()->first;
      High = PM->second.rbegin()->second.End;
    }
    for (size_t I = 0; I < Count; ++I)
      if (Words[I] >= Low + 7 && Words[I] < High && resolve(T.Pid, Words[I]))
        Candidates.push_back(I);
    std::vector<uint8_t> Code(Candidates.size() * 7);
    std::vector<iovec> Locals, Remotes;
    for (size_t C = 0; C < Candidates.size() && C < 1024; ++C) {
      Locals.push_back({Code.data() + 7 * C, 7});
      Remotes.push_back(
          {reinterpret_cast<void *>(Words[Candidates[C]] - 7), 7});
    }
    std::vector<bool> IsReturn(Count, false);
    ssize_t CodeRead =
        Locals.empty() ? 0
                       : process_vm_readv(T.Pid, Locals.data(), Locals.size(),
                                          Remotes.data(), Remotes.size(), 0);
    for (size_t C = 0; C < Locals.size(); ++C)
      if (static_cast<ssize_t>(7 * (C + 1)) <= CodeRead &&
          endsInCall(Code.data() + 7 * C))
        IsReturn[Candidates[C]] = true;

    auto Push = [&](uint64_t Return) {
      if (auto F = resolve(T.Pid, Return - 1))
        S.Stack.push_back(*F);
    };
    auto InStack = [&](uint64_t Value, size_t Above) {
      return Value % 8 == 0 && Value > Sp + 8 * Above &&
             Value + 16 <= Sp + 8 * Count;
    };
    // The frame-pointer chain starts at the first saved frame pointer that
    // points further up the stack and is followed by a return address
    // whose own frame again holds one.
    size_t Chain = Count;
    for (size_t I = 0; I + 1 < Count; ++I) {
      if (!IsReturn[I + 1] || !InStack(Words[I], I))
        continue;
      size_t Next = (Words[I] - Sp) / 8;
      if (Next + 1 < Count && IsReturn[Next + 1]) {
        Chain = I;
        break;
      }
    }
    for (size_t I = 0; I < Chain && S.Stack.size() < MaxFrames; ++I)
      if (IsReturn[I])
        Push(Words[I]);
    size_t At = Chain;
    while (At + 1 < Count && IsReturn[At + 1] && S.Stack.size() < MaxFrames) {
      Push(Words[At + 1]);
      if (!InStack(Words[At], At))
        break;
      At = (Words[At] - Sp) / 8;
    }
    T.LastStack = S.Stack;
    addSample(std::move(S));
  }
}

llvm::Expected<Recording> Session::run() {
  int Go[2], Failed[2];
  if (pipe2(Go, O_CLOEXEC) != 0 || pipe2(Failed, O_CLOEXEC) != 0)
    return llvm::createStringError("cannot create a pipe: %s", strerror(errno));
  pid_t Child = fork();
  if (Child < 0)
    return llvm::createStringError("cannot fork: %s", strerror(errno));
  if (Child == 0) {
    close(Go[1]);
    close(Failed[0]);
    char Byte;
    if (read(Go[0], &Byte, 1) != 1)
      _exit(127); // the profiler gave up
    std::vector<char *> Argv;
    for (const std::string &A : Opts.Command)
      Argv.push_back(const_cast<char *>(A.c_str()));
    Argv.push_back(nullptr);
    execvp(Argv[0], Argv.data());
    int Errno = errno;
    (void)!write(Failed[1], &Errno, sizeof(Errno));
    _exit(127);
  }
  close(Go[0]);
  close(Failed[1]);
  auto Abandon = [&] {
    close(Go[1]);
    close(Failed[0]);
    int Status;
    waitpid(Child, &Status, 0);
  };
  if (llvm::Error E = openEvents(Child)) {
    Abandon();
    return E;
  }
  addThread(Child, Child);
  uint64_t Start = nowNs();
  (void)!write(Go[1], "g", 1);
  close(Go[1]);
  int Errno = 0;
  ssize_t N = read(Failed[0], &Errno, sizeof(Errno));
  close(Failed[0]);
  if (N == sizeof(Errno)) {
    int Status;
    waitpid(Child, &Status, 0);
    return llvm::make_error<ExecError>("cannot run '" + Opts.Command[0] +
                                       "': " + strerror(Errno));
  }

  // Signals meant for the program reach it through its process group; the
  // profiler outlives it to write the profile.
  signal(SIGINT, SIG_IGN);
  signal(SIGQUIT, SIG_IGN);
  const uint64_t Interval = 1000000000ull / std::max(1u, Opts.WaitFrequency);
  uint64_t LastTick = nowNs();
  std::vector<pollfd> Polls;
  for (const Buffer &B : Buffers)
    Polls.push_back({B.Fd, POLLIN, 0});
  int Status = 0;
  for (;;) {
    uint64_t Now = nowNs();
    uint64_t Due = LastTick + Interval;
    int Timeout = Now >= Due ? 0 : static_cast<int>((Due - Now) / 1000000) + 1;
    poll(Polls.data(), Polls.size(), Timeout);
    drain();
    Now = nowNs();
    if (Now >= Due) {
      waitTick(std::min(Now - LastTick, 10 * Interval));
      LastTick = Now;
    }
    pid_t Done = waitpid(Child, &Status, WNOHANG);
    if (Done == Child)
      break;
  }
  Rec.WallNs = nowNs() - Start;
  drain();
  Rec.ExitStatus = WIFEXITED(Status)     ? WEXITSTATUS(Status)
                   : WIFSIGNALED(Status) ? 128 + WTERMSIG(Status)
                                         : 1;
  signal(SIGINT, SIG_DFL);
  signal(SIGQUIT, SIG_DFL);
  Rec.ExactSwitches = Opts.Switches;
  if (!Opts.Switches)
    for (const StackSample &S : Rec.Samples)
      (S.OnCpu ? Rec.OnCpuNs : Rec.BlockedNs) += S.WeightNs;
  Rec.Processes = Pids.size();
  Rec.Threads = Threads.size();
  return std::move(Rec);
}

} // namespace

llvm::Expected<Recording> record(const RecorderOptions &Opts) {
  if (Opts.Command.empty())
    return llvm::createStringError("no command to profile");
  Session S(Opts);
  return S.run();
}

std::string syscallName(long Number) {
  // x86-64 numbers of the calls a thread sleeps in.
  static const std::map<long, const char *> Names = {{0, "read"},
                                                     {1, "write"},
                                                     {7, "poll"},
                                                     {17, "pread64"},
                                                     {18, "pwrite64"},
                                                     {19, "readv"},
                                                     {20, "writev"},
                                                     {23, "select"},
                                                     {34, "pause"},
                                                     {35, "nanosleep"},
                                                     {42, "connect"},
                                                     {43, "accept"},
                                                     {44, "sendto"},
                                                     {45, "recvfrom"},
                                                     {46, "sendmsg"},
                                                     {47, "recvmsg"},
                                                     {61, "wait4"},
                                                     {72, "fcntl"},
                                                     {73, "flock"},
                                                     {74, "fsync"},
                                                     {75, "fdatasync"},
                                                     {202, "futex"},
                                                     {230, "clock_nanosleep"},
                                                     {232, "epoll_wait"},
                                                     {247, "waitid"},
                                                     {257, "openat"},
                                                     {270, "pselect6"},
                                                     {271, "ppoll"},
                                                     {281, "epoll_pwait"},
                                                     {288, "accept4"},
                                                     {299, "recvmmsg"},
                                                     {307, "sendmmsg"},
                                                     {426, "io_uring_enter"},
                                                     {441, "epoll_pwait2"},
                                                     {2, "open"},
                                                     {3, "close"},
                                                     {4, "stat"},
                                                     {5, "fstat"},
                                                     {8, "lseek"},
                                                     {9, "mmap"},
                                                     {11, "munmap"},
                                                     {13, "rt_sigaction"},
                                                     {14, "rt_sigprocmask"},
                                                     {16, "ioctl"},
                                                     {24, "sched_yield"},
                                                     {56, "clone"},
                                                     {57, "fork"},
                                                     {59, "execve"},
                                                     {60, "exit"},
                                                     {62, "kill"},
                                                     {128, "rt_sigtimedwait"},
                                                     {130, "rt_sigsuspend"},
                                                     {231, "exit_group"},
                                                     {435, "clone3"},
                                                     {449, "futex_waitv"},
                                                     {6, "lstat"},
                                                     {21, "access"},
                                                     {40, "sendfile"},
                                                     {76, "truncate"},
                                                     {77, "ftruncate"},
                                                     {82, "rename"},
                                                     {83, "mkdir"},
                                                     {84, "rmdir"},
                                                     {87, "unlink"},
                                                     {89, "readlink"},
                                                     {162, "sync"},
                                                     {217, "getdents64"},
                                                     {262, "newfstatat"},
                                                     {263, "unlinkat"},
                                                     {264, "renameat"},
                                                     {285, "fallocate"},
                                                     {306, "syncfs"},
                                                     {316, "renameat2"},
                                                     {326, "copy_file_range"},
                                                     {332, "statx"}};
  auto It = Names.find(Number);
  return It != Names.end() ? It->second : "syscall-" + std::to_string(Number);
}

} // namespace concur::profile
