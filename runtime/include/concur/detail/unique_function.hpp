// A move-only type-erased callable (std::move_only_function is C++23): done
// callbacks may own move-only state such as a promise.
#pragma once

#include <memory>
#include <type_traits>
#include <utility>

namespace concur::detail {

template <class Signature> class unique_function;

template <class R, class... A> class unique_function<R(A...)> {
  struct callable_base {
    virtual ~callable_base() = default;
    virtual R call(A... args) = 0;
  };
  template <class F> struct callable final : callable_base {
    explicit callable(F &&f) : fn(std::move(f)) {}
    explicit callable(const F &f) : fn(f) {}
    R call(A... args) override { return fn(std::forward<A>(args)...); }
    F fn;
  };
  std::unique_ptr<callable_base> impl_;

public:
  unique_function() noexcept = default;
  template <class F>
    requires(!std::is_same_v<std::remove_cvref_t<F>, unique_function> &&
             std::is_invocable_r_v<R, std::decay_t<F> &, A...>)
  unique_function(
      F &&f) // NOLINT(google-explicit-constructor): like std::function
      : impl_(std::make_unique<callable<std::decay_t<F>>>(std::forward<F>(f))) {
  }

  explicit operator bool() const noexcept { return impl_ != nullptr; }
  R operator()(A... args) { return impl_->call(std::forward<A>(args)...); }
};

} // namespace concur::detail
