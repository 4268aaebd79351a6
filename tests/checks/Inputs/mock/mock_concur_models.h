// mock_concur_models.h - the parts of concur's runtime that say which model
// runs a callable: the shared pools (concur::cpu_pool() sized to the cores,
// concur::io_pool() sized for waiting), run_in_executor and the event loop,
// as named in checks/data/knowledge-base.yaml (`runs-on`). For the
// concur-mt-unsafe-in-parallel and concur-model-mismatch tests.

#ifndef CONCUR_MOCK_CONCUR_MODELS_H
#define CONCUR_MOCK_CONCUR_MODELS_H
#pragma GCC system_header

#include "mock_pools.h"

namespace concur {

thread_pool &cpu_pool();
thread_pool &io_pool();

template <class F>
std::future<std::invoke_result_t<std::decay_t<F>>>
run_in_executor(thread_pool &pool, F &&f) {
  return {};
}

class event_loop {
  void *impl_ = nullptr;

public:
  event_loop();
  event_loop(const event_loop &) = delete;
  ~event_loop();
  template <class F> void post(F &&f) {}
  void run();
  void stop();
};

} // namespace concur

#endif // CONCUR_MOCK_CONCUR_MODELS_H
