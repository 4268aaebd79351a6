//===--- LinkTestUtil.h - Two units to link, for database tests -*- C++ -*-===//
//
// Shared by the summaries database tests here and concur-advise's unit
// cache tests (tests/tool), which write the same file.
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_TESTS_LINKTESTUTIL_H
#define CONCUR_TESTS_LINKTESTUTIL_H

#include "AnalysisTestUtil.h"
#include "SummaryLinker.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

namespace concur::test {

/// A scratch directory removed at the end of the test.
struct ScratchDir {
  llvm::SmallString<128> Path;
  ScratchDir() {
    EXPECT_FALSE(llvm::sys::fs::createUniqueDirectory("concur-db", Path));
  }
  ~ScratchDir() { llvm::sys::fs::remove_directories(Path); }
  std::string file(llvm::StringRef Name) const {
    llvm::SmallString<128> F(Path);
    llvm::sys::path::append(F, Name);
    return std::string(F);
  }
};

inline void writeFile(const std::string &Path, llvm::StringRef Text) {
  std::error_code EC;
  llvm::raw_fd_ostream Out(Path, EC);
  ASSERT_FALSE(EC);
  Out << Text;
}

// a.cpp: a loop calls a helper that calls into b.cpp; b.cpp: the function
// that blocks on recv.
constexpr llvm::StringLiteral UnitA = R"(
  long net_read(int fd);
  long helper(int fd) { return net_read(fd); }
  long loop_all(int *fds, int n) {
    long total = 0;
    for (int i = 0; i < n; ++i) total += helper(fds[i]);
    return total;
  }
)";
constexpr llvm::StringLiteral UnitB = R"(
  extern "C" long recv(int, void *, unsigned long, int);
  long net_read(int fd) { char b[64]; return recv(fd, b, 64, 0); }
)";

inline std::vector<FunctionSummary> linkAB() {
  Parsed A(UnitA), B(UnitB);
  std::vector<StoredFunction> Local = localsOf(A, "a.cpp", {"helper", "loop_all"});
  for (StoredFunction &F : localsOf(B, "b.cpp", {"net_read"}))
    Local.push_back(std::move(F));
  return linkSummaries(Local, [](const FunctionSummary &) {
    return AnalysisOptions();
  });
}

} // namespace concur::test

#endif // CONCUR_TESTS_LINKTESTUTIL_H
