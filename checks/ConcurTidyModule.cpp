//===--- ConcurTidyModule.cpp - the concur clang-tidy module --------------===//

#include "BlockingCallInCoroutineCheck.h"
#include "BlockingCallInEventLoopCheck.h"
#include "BlockingUnderLockCheck.h"
#include "ClangTidyModule.h"
#include "ClangTidyModuleRegistry.h"
#include "CpuHeavyInCoroutineCheck.h"
#include "FunctionProfileCheck.h"
#include "FutureGetInLoopCheck.h"
#include "ModelMismatchCheck.h"
#include "MtUnsafeInParallelCheck.h"
#include "OversubscribedCpuPoolCheck.h"
#include "ParallelizableCpuLoopCheck.h"
#include "SequentialBlockingLoopCheck.h"
#include "SleepPollingLoopCheck.h"
#include "ThreadPerTaskCheck.h"

namespace clang::tidy::concur {

class ConcurModule : public ClangTidyModule {
public:
  void addCheckFactories(ClangTidyCheckFactories &Factories) override {
    Factories.registerCheck<BlockingCallInCoroutineCheck>(
        "concur-blocking-call-in-coroutine");
    Factories.registerCheck<BlockingCallInEventLoopCheck>(
        "concur-blocking-call-in-event-loop");
    Factories.registerCheck<BlockingUnderLockCheck>(
        "concur-blocking-under-lock");
    Factories.registerCheck<CpuHeavyInCoroutineCheck>(
        "concur-cpu-heavy-in-coroutine");
    Factories.registerCheck<FunctionProfileCheck>("concur-function-profile");
    Factories.registerCheck<ModelMismatchCheck>("concur-model-mismatch");
    Factories.registerCheck<MtUnsafeInParallelCheck>(
        "concur-mt-unsafe-in-parallel");
    Factories.registerCheck<ParallelizableCpuLoopCheck>(
        "concur-parallelizable-cpu-loop");
    Factories.registerCheck<SequentialBlockingLoopCheck>(
        "concur-sequential-blocking-loop");
    Factories.registerCheck<ThreadPerTaskCheck>("concur-thread-per-task");
    Factories.registerCheck<FutureGetInLoopCheck>("concur-future-get-in-loop");
    Factories.registerCheck<SleepPollingLoopCheck>("concur-sleep-polling-loop");
    Factories.registerCheck<OversubscribedCpuPoolCheck>(
        "concur-oversubscribed-cpu-pool");
  }
};

// Registers the module with clang-tidy when the plugin is loaded, and makes it
// reachable for concur-clangd, which links these objects in.
static ClangTidyModuleRegistry::Add<ConcurModule>
    X("concur-module", "Concurrency advice: which model fits this code.");

// Referenced by concur-clangd to force this object file to be linked.
volatile int ConcurModuleAnchorSource = 0;

} // namespace clang::tidy::concur
