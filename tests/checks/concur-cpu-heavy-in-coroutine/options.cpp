// Check options change what counts: ExtraCpuFunctions teaches the analysis a
// CPU-heavy API of the project, and a higher SubstantialWork raises the bar
// for what is worth offloading.
// CONCUR-CONFIG: {CheckOptions: {concur-cpu-heavy-in-coroutine.ExtraCpuFunctions: 'render_page=format;mylib::Matrix::invert=linalg', concur-cpu-heavy-in-coroutine.SubstantialWork: '30000'}}
#include <mock_std.h>
#include <mock_task.h>

std::string render_page(const std::string &templ, int id);
namespace mylib {
struct Matrix {
  double cells[16];
  void invert();
};
} // namespace mylib

// Evidence: render_page is declared CPU-heavy (format) by the option; format
// costs 200 units by default, but the knowledge base's kind cost is what
// counts: below the raised SubstantialWork it stays silent.
// negative: one format call (200) is below SubstantialWork (30000)
concur::task<std::string> page(std::string templ, int id) {
  co_return render_page(templ, id);
}

// Evidence: a linalg call (100000 units) is above the raised bar.
concur::task<void> solve(mylib::Matrix &m) {
  m.invert();
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'invert' does substantial CPU work (linalg work in 'mylib::Matrix::invert') inside coroutine 'solve'; offload it to a core-sized pool with run_in_executor (row: mixed)
  co_return;
}

// negative: a std::sort (20000) is below the raised bar of 30000
concur::task<void> sort_small(std::vector<long> v) {
  std::sort(v.begin(), v.end());
  co_return;
}

// Evidence: a loop of format calls over a runtime-sized input: 100 x 200.
// negative: 20000 is still below 30000
concur::task<void> render_all(std::vector<std::string> templates) {
  for (const std::string &t : templates)
    render_page(t, 1);
  co_return;
}

// Evidence: members of a class template and coroutines that are methods.
struct Service {
  std::vector<mylib::Matrix> pending;
  concur::task<void> drain() {
    for (mylib::Matrix &m : pending)
      m.invert();
    // CHECK-MESSAGES: :[[@LINE-2]]:5: warning: this loop does substantial CPU work (linalg work in 'mylib::Matrix::invert') inside coroutine 'drain'
    co_return;
  }
};
