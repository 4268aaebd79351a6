//===--- ConcurClangdMain.cpp - clangd with the concur checks built in ----===//
//
// concur-clangd is Debian's clangd 19, unchanged, linked together with the
// concur clang-tidy module. clangd cannot load clang-tidy plugins, but it
// builds its check list from ClangTidyModuleRegistry, and the concur module
// adds itself to that registry from a static initialiser in the objects linked
// here. Every clangd feature and flag stays as it is; a project turns the
// checks on in its `.clangd` (see docs/clangd.md):
//
//   Diagnostics:
//     ClangTidy:
//       Add: [concur-*]
//       FastCheckFilter: Loose
//
// This file adds only two things: `--version` names concur, its version and
// the checks that were linked in, so a user can tell this binary from the
// stock clangd; and clangd is told where Debian's Clang resource directory
// is, which stock clangd finds next to its own binary.
//
//===----------------------------------------------------------------------===//

#include "ClangTidyModule.h"
#include "ClangTidyModuleRegistry.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"
#include <memory>
#include <string>
#include <vector>

// Debian ships clangd's libraries without their headers; these are the entry
// point (clangd/tool/ClangdMain.h) and the version strings clangd prints
// (clangd/Feature.h), from libclangdMain.a and libclangDaemon.a.
namespace clang::clangd {
int clangdMain(int Argc, char *Argv[]);
std::string versionString();
std::string featureString();
std::string platformString();
} // namespace clang::clangd

namespace clang::tidy::concur {
// Defined next to the module's registration; referencing it keeps the
// registration's object file in the link even if the objects move into an
// archive one day.
extern volatile int ConcurModuleAnchorSource;
} // namespace clang::tidy::concur

namespace {

/// The names of the checks the linked-in concur module registers, sorted.
std::vector<std::string> concurCheckNames() {
  std::vector<std::string> Names;
  for (const auto &Entry : clang::tidy::ClangTidyModuleRegistry::entries()) {
    if (Entry.getName() != "concur-module")
      continue;
    clang::tidy::ClangTidyCheckFactories Factories;
    Entry.instantiate()->addCheckFactories(Factories);
    for (const auto &Factory : Factories)
      Names.push_back(Factory.getKey().str());
  }
  llvm::sort(Names);
  return Names;
}

/// clangdMain installs its own version printer, which would hide concur, so
/// `--version` is answered here in the same shape, with concur's line added.
void printVersion(llvm::raw_ostream &OS) {
  OS << clang::clangd::versionString() << "\n"
     << "with concur " << CONCUR_VERSION << " checks:";
  std::vector<std::string> Checks = concurCheckNames();
  if (Checks.empty())
    OS << " (none: the concur module is not registered)";
  for (const std::string &Check : Checks)
    OS << " " << Check;
  OS << "\n"
     << "Features: " << clang::clangd::featureString() << "\n"
     << "Platform: " << clang::clangd::platformString() << "\n";
}

bool isVersionFlag(llvm::StringRef Arg) {
  return Arg == "--version" || Arg == "-version";
}

} // namespace

int main(int Argc, char *Argv[]) {
  // Anchor: see the declaration above.
  (void)clang::tidy::concur::ConcurModuleAnchorSource;
  for (int I = 1; I < Argc; ++I) {
    llvm::StringRef Arg = Argv[I];
    if (Arg == "--")
      break;
    if (isVersionFlag(Arg)) {
      printVersion(llvm::outs());
      return concurCheckNames().empty() ? 1 : 0;
    }
  }
  // clangd looks for Clang's resource directory (builtin headers such as
  // <stddef.h>, <immintrin.h>) next to its own binary, which is right for
  // /usr/lib/llvm-19/bin/clangd and wrong for concur-clangd anywhere else. It
  // is passed first, so a --resource-dir given by the user still wins.
  std::vector<char *> Args(Argv, Argv + Argc);
  std::string ResourceDirFlag = "--resource-dir=" CONCUR_CLANG_RESOURCE_DIR;
  if (llvm::sys::fs::is_directory(CONCUR_CLANG_RESOURCE_DIR))
    Args.insert(Args.begin() + 1, ResourceDirFlag.data());
  Args.push_back(nullptr);
  return clang::clangd::clangdMain(static_cast<int>(Args.size()) - 1,
                                   Args.data());
}
