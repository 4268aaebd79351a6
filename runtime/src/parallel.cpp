#include "concur/parallel.hpp"

#include <string>
#include <thread>

namespace concur {

std::size_t effective_jobs(int jobs) {
  constexpr int limit = parallel_options::max_jobs;
  if (jobs == 0 || jobs > limit || jobs < -limit) {
    throw std::invalid_argument("concur::parallel: jobs must be between -" + std::to_string(limit) + " and " +
                                std::to_string(limit) + " and not 0 (-1: all cores), got " + std::to_string(jobs));
  }
  if (jobs > 0) return static_cast<std::size_t>(jobs);
  const auto cores = static_cast<long>(cpu_pool_default_size());
  // joblib's rule: -1 is all cores, -2 all but one, ...; never fewer than one.
  return static_cast<std::size_t>(std::max(1L, cores + 1 + jobs));
}

}  // namespace concur
