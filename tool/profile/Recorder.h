//===--- Recorder.h - Runs a program under perf events ----------*- C++ -*-===//
//
// The collecting layer of concur-profile: it starts the program, opens the
// kernel's perf events on it and records raw facts (stacks as module
// offsets, on- or off-CPU, the reason of a wait). It knows nothing of
// functions, classes or output formats; Profile.h turns its records into
// per-function figures.
//
// On-CPU time: PERF_COUNT_SW_TASK_CLOCK sampling with user call chains
// (frame pointers), one event per CPU on the program, inherited by its
// threads and children, enabled at exec.
//
// Off-CPU time: with --switches the same events carry context-switch
// records (PERF_RECORD_SWITCH), which give the exact time every thread spent
// switched out, split into blocked (voluntary) and preempted; they cost a
// program that switches a hundred thousand times a second about 7% of its
// time, so they are off by default (bench/profile_overhead). At
// perf_event_paranoid 2 the kernel drops every sample taken in kernel mode,
// so the context-switches event yields no stack at all; the stack of a
// blocked thread is therefore read by the recorder itself: at each tick of
// the wait sampler, for every thread of the program that sleeps in the
// kernel, /proc/PID/task/TID/syscall gives the blocking system call (the
// reason), its user stack pointer and program counter, and the stack is
// read with process_vm_readv and walked (return addresses found by scanning
// from the stack pointer, then the frame-pointer chain). Each observation
// weighs the time since the previous tick.
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_TOOL_PROFILE_RECORDER_H
#define CONCUR_TOOL_PROFILE_RECORDER_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace concur::profile {

/// An address resolved to a mapped file: the module's index in
/// Recording::Modules and the address in the module's own address space
/// (what its symbol table and debug info use).
struct Frame {
  uint32_t Module = 0;
  uint64_t Address = 0;
};

/// The observations of one thread with one stack (and, off the CPU, one
/// reason), added up: a long run keeps one record per distinct stack, not
/// one per sample.
struct StackSample {
  uint32_t Pid = 0;
  uint32_t Tid = 0;
  bool OnCpu = true;
  /// The system call the thread sleeps in (off-CPU only): "read",
  /// "futex", ... or "blocked" when it sleeps outside a system call.
  std::string Reason;
  /// Nanoseconds the observations stand for, and how many there were.
  uint64_t WeightNs = 0;
  uint64_t Count = 1;
  /// Innermost first. Frames after the first are return addresses already
  /// moved back into their call instruction.
  std::vector<Frame> Stack;
};

struct RecorderOptions {
  std::vector<std::string> Command;
  /// On-CPU samples per second of a thread's CPU time.
  unsigned Frequency = 1000;
  /// Ticks per second of the wait sampler.
  unsigned WaitFrequency = 200;
  /// Record every context switch (PERF_RECORD_SWITCH): exact on-CPU,
  /// blocked and preempted totals, at a cost to programs that switch often.
  bool Switches = false;
};

struct Recording {
  std::vector<StackSample> Samples; ///< One per thread, stack and reason.
  /// Paths of the mapped files frames point into; index 0 is "[unknown]".
  std::vector<std::string> Modules;
  /// The program's exit status as a shell reports it (128 + signal).
  int ExitStatus = 0;
  uint64_t WallNs = 0;
  /// Over all threads: exact figures of the context-switch records with
  /// RecorderOptions::Switches, else the sums of the samples (and no
  /// preempted time).
  bool ExactSwitches = false;
  uint64_t OnCpuNs = 0;
  uint64_t BlockedNs = 0;
  uint64_t PreemptedNs = 0;
  unsigned Threads = 0;
  unsigned Processes = 0;
  /// Records the kernel dropped because the ring buffer was full.
  uint64_t LostRecords = 0;
  /// Wait-sampler observations whose stack could not be read.
  uint64_t UnreadStacks = 0;
};

/// Why perf events could not be used, with what to change.
class PerfRefusedError : public llvm::ErrorInfo<PerfRefusedError> {
public:
  static char ID;
  explicit PerfRefusedError(std::string Message)
      : Message(std::move(Message)) {}
  void log(llvm::raw_ostream &OS) const override { OS << Message; }
  std::error_code convertToErrorCode() const override {
    return llvm::inconvertibleErrorCode();
  }

private:
  std::string Message;
};

/// The command could not be started (not found, not executable).
class ExecError : public llvm::ErrorInfo<ExecError> {
public:
  static char ID;
  explicit ExecError(std::string Message) : Message(std::move(Message)) {}
  void log(llvm::raw_ostream &OS) const override { OS << Message; }
  std::error_code convertToErrorCode() const override {
    return llvm::inconvertibleErrorCode();
  }

private:
  std::string Message;
};

/// Runs Opts.Command to its end under perf events and returns what was
/// recorded.
llvm::Expected<Recording> record(const RecorderOptions &Opts);

/// The name of an x86-64 system call number ("nr-N" when unknown).
std::string syscallName(long Number);

} // namespace concur::profile

#endif // CONCUR_TOOL_PROFILE_RECORDER_H
