// The spin-wait hint: tells the CPU this is a busy-wait loop, so it saves
// power and yields pipeline resources to a sibling hyper-thread.
#pragma once

namespace concur::detail {

inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

} // namespace concur::detail
