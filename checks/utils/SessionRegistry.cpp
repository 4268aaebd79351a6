//===--- SessionRegistry.cpp - How the checks find their session ----------===//

#include "SessionRegistry.h"
#include <map>
#include <mutex>
#include <tuple>

namespace clang::tidy::concur {

using ::concur::AnalysisSession;
using ::concur::SummaryProvider;

namespace {

struct Registry {
  std::mutex Mutex;
  std::map<const ClangTidyContext *, const SummaryProvider *> Facts;
  using SessionKey =
      std::tuple<const ClangTidyContext *, const ASTContext *, std::string>;
  std::map<SessionKey, std::weak_ptr<AnalysisSession>> Sessions;

  static Registry &get() {
    static Registry R;
    return R;
  }
};

} // namespace

ScopedUnitFacts::ScopedUnitFacts(const ClangTidyContext &Context,
                                 const SummaryProvider &Facts)
    : Context(Context) {
  Registry &R = Registry::get();
  std::lock_guard<std::mutex> Lock(R.Mutex);
  R.Facts[&Context] = &Facts;
}

ScopedUnitFacts::~ScopedUnitFacts() {
  Registry &R = Registry::get();
  std::lock_guard<std::mutex> Lock(R.Mutex);
  R.Facts.erase(&Context);
}

std::shared_ptr<AnalysisSession>
sharedSession(const ClangTidyContext &Context, ASTContext &Ctx,
              const ::concur::CheckOptionValues &Checks) {
  Registry &R = Registry::get();
  Registry::SessionKey Key{&Context, &Ctx, Checks.key()};
  const SummaryProvider *Facts = nullptr;
  {
    std::lock_guard<std::mutex> Lock(R.Mutex);
    for (auto It = R.Sessions.begin(); It != R.Sessions.end();)
      It = It->second.expired() ? R.Sessions.erase(It) : std::next(It);
    if (auto It = R.Sessions.find(Key); It != R.Sessions.end())
      return It->second.lock();
    if (auto It = R.Facts.find(&Context); It != R.Facts.end())
      Facts = It->second;
  }
  // Built unlocked (it reads files): only this unit's thread uses this key.
  auto Session = std::make_shared<AnalysisSession>(
      Ctx, Checks,
      Facts ? AnalysisSession::FactsSource::Given
            : AnalysisSession::FactsSource::Configured,
      Facts);
  std::lock_guard<std::mutex> Lock(R.Mutex);
  R.Sessions[Key] = Session;
  return Session;
}

} // namespace clang::tidy::concur
