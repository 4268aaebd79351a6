// Loops whose independent iterations each compute enough to be worth a task:
// the row follows thread safety and the kind of computation (decision step 5).
#include <cblas.h>
#include <concur_mock_posix.h>
#include <mock_std.h>
#include <openssl/sha.h>
#include <zlib.h>

// --- general CPU work, thread-safe: futures over a core-sized pool -------------

struct Summary {
  long median = 0;
  size_t fingerprint = 0;
};

Summary summarise(std::vector<long> values) {
  std::sort(values.begin(), values.end());
  Summary s;
  s.median = values.empty() ? 0 : values[values.size() / 2];
  return s;
}

// Evidence: summarise -> std::sort per record, results collected per item.
std::vector<Summary> summarise_all(const std::vector<std::vector<long>> &records) {
  std::vector<Summary> out;
  for (const auto &record : records)
    out.push_back(summarise(record));
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: independent iterations each do substantial CPU work (sort work in 'std::sort' via 'summarise'); run them in parallel (row: futures, core-sized pool)
  // CHECK-NOTES: :[[@LINE-3]]:3: note: row 'futures' (decision step 5): independent CPU tasks on a core-sized pool
  // CHECK-NOTES: :[[@LINE-3]]:19: note: 'summarise' is called here
  // CHECK-NOTES: :[[@LINE-14]]:3: note: 'std::sort' does sort work
  return out;
}

// Evidence: a regex search per line, one slot of the output per index.
void grep_lines(const std::vector<std::string> &lines, const std::regex &re,
                bool *hits) {
  for (size_t i = 0; i < lines.size(); ++i)
    hits[i] = std::regex_search(lines[i], re);
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: independent iterations each do substantial CPU work (regex work in 'std::regex_search'); run them in parallel (row: futures, core-sized pool)
}

// Evidence: compression per buffer.
void compress_blocks(const std::vector<std::string> &blocks, unsigned char **out,
                     unsigned long *sizes) {
  for (size_t i = 0; i < blocks.size(); ++i)
    compress(out[i], &sizes[i], (const unsigned char *)blocks[i].data(),
             blocks[i].size());
  // CHECK-MESSAGES: :[[@LINE-3]]:3: warning: independent iterations each do substantial CPU work (compress work in 'compress'); run them in parallel (row: futures, core-sized pool)
}

// Evidence: a digest per message.
void digest_all(const std::vector<std::string> &messages, unsigned char (*digests)[32]) {
  for (size_t i = 0; i < messages.size(); ++i)
    SHA256((const unsigned char *)messages[i].data(), messages[i].size(),
           digests[i]);
  // CHECK-MESSAGES: :[[@LINE-3]]:3: warning: independent iterations each do substantial CPU work (hash work in 'SHA256'); run them in parallel (row: futures, core-sized pool)
}

// Evidence: integer arithmetic written in the loop itself (four rounds of a
// hash over the bytes of each item); the inner loops are one iteration's work.
void hash_all(const std::vector<std::string> &items, unsigned long *out) {
  for (size_t i = 0; i < items.size(); ++i) {
    unsigned long h = 5381;
    for (int round = 0; round < 4; ++round)
      for (char c : items[i])
        h = h * 33 ^ (unsigned long)c;
    out[i] = h;
  }
  // CHECK-MESSAGES: :[[@LINE-7]]:3: warning: independent iterations each do substantial CPU work (an arithmetic loop); run them in parallel (row: futures, core-sized pool)
}

// negative: one round over each item's bytes is a few hundred operations,
// below MinIterationWork (500): cheaper than handing it to a pool
void hash_once(const std::vector<std::string> &items, unsigned long *out) {
  for (size_t i = 0; i < items.size(); ++i) {
    unsigned long h = 5381;
    for (char c : items[i])
      h = h * 33 ^ (unsigned long)c;
    out[i] = h;
  }
}

// Evidence: recursion does unknown but large work per item.
long fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

void fibs(const std::vector<int> &ns, long *out) {
  for (size_t i = 0; i < ns.size(); ++i)
    out[i] = fib(ns[i]);
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: independent iterations each do substantial CPU work (a recursive computation via 'fib'); run them in parallel (row: futures, core-sized pool)
}

// Evidence: a reduction on a scalar does not make iterations dependent.
long total_median(const std::vector<std::vector<long>> &records) {
  long total = 0;
  for (const auto &record : records)
    total += summarise(record).median;
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: independent iterations each do substantial CPU work (sort work in 'std::sort' via 'summarise'); run them in parallel (row: futures, core-sized pool)
  return total;
}

// Evidence: the work is in a lambda called from the body.
void via_lambda(const std::vector<std::vector<long>> &records, long *out) {
  auto median = [](std::vector<long> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0L : v[v.size() / 2];
  };
  for (size_t i = 0; i < records.size(); ++i)
    out[i] = median(records[i]);
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: independent iterations each do substantial CPU work (sort work in 'std::sort' via 'lambda'); run them in parallel (row: futures, core-sized pool)
}

// Evidence: a virtual call whose heaviest visible override sorts; the chain
// says which override was assumed. (A const member: a non-const one on the
// shared stage could change it, a dependence.)
struct Stage {
  virtual ~Stage() = default;
  virtual long run(std::vector<long> &v) const = 0;
};
struct SortStage : Stage {
  long run(std::vector<long> &v) const override {
    std::sort(v.begin(), v.end());
    return v.front();
  }
};
struct FirstStage : Stage {
  long run(std::vector<long> &v) const override { return v.front(); }
};
void run_stage(const Stage &stage, std::vector<std::vector<long>> &batches, long *out) {
  for (size_t i = 0; i < batches.size(); ++i)
    out[i] = stage.run(batches[i]);
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: independent iterations each do substantial CPU work (sort work in 'std::sort' via 'Stage::run (virtual; assumed SortStage::run)'); run them in parallel (row: futures, core-sized pool)
}

// --- numeric batches: joblib ----------------------------------------------------

using Vector = std::vector<double>;

double predict(const Vector &w, const Vector &x) {
  double dot = 0;
  for (size_t i = 0; i < w.size(); ++i)
    dot += w[i] * x[i];
  return 1.0 / (1.0 + exp(-dot));
}

// Evidence: floating-point loops and exp per sample.
void predict_all(const Vector &w, const std::vector<Vector> &samples, double *out) {
  for (size_t s = 0; s < samples.size(); ++s)
    out[s] = predict(w, samples[s]);
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: independent iterations each do substantial CPU work (a floating-point loop over runtime-sized data via 'predict'); run them in parallel (row: joblib)
  // CHECK-NOTES: :[[@LINE-2]]:14: note: 'predict' is called here
  // CHECK-NOTES: :[[@LINE-11]]:3: note: floating-point loop over runtime-sized data here
  // CHECK-NOTES: :[[@LINE-5]]:3: note: row 'joblib' (decision step 5): a numeric batch
}

// Evidence: a BLAS call per row block.
void dots(const std::vector<Vector> &rows, const Vector &v, double *out) {
  for (size_t r = 0; r < rows.size(); ++r)
    out[r] = cblas_ddot(int(v.size()), rows[r].data(), 1, v.data(), 1);
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: independent iterations each do substantial CPU work (linalg work in 'cblas_ddot'); run them in parallel (row: joblib)
}

// Evidence: nested numeric loops are reported once, at the outer loop; each
// row is its own slice of the flattened matrix (m[r * cols + c]); the pow
// calls are most of the work.
void scale_matrix(double *m, int rows, int cols) {
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c)
      m[r * cols + c] = pow(m[r * cols + c], 1.5) * 0.5 + 1.0;
  // CHECK-MESSAGES: :[[@LINE-3]]:3: warning: independent iterations each do substantial CPU work (math work in 'pow'); run them in parallel (row: joblib)
  // CHECK-NOTES: :[[@LINE-2]]:25: note: 'pow' does math work
}

// negative: each row reads the row before it (a stencil): m[(r - 1) * cols]
void smooth_rows(double *m, int rows, int cols) {
  for (int r = 1; r < rows; ++r)
    for (int c = 0; c < cols; ++c)
      m[r * cols + c] = sqrt(m[(r - 1) * cols + c]) * 0.5 + 1.0;
}

// --- not thread-safe: multiprocessing -------------------------------------------

// Evidence: strtok keeps its position in a static buffer.
int count_tokens(char *line) {
  int n = 0;
  for (char *t = strtok(line, ","); t; t = strtok(nullptr, ","))
    ++n;
  return n;
}

void tokenise_all(std::vector<std::string> &lines, int *counts) {
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string copy = lines[i];
    std::sort(copy.begin(), copy.end());
    counts[i] = count_tokens(copy.data());
  }
  // CHECK-MESSAGES: :[[@LINE-5]]:3: warning: independent iterations each do substantial CPU work (sort work in 'std::sort') that is not thread-safe; run them in parallel worker processes (row: multiprocessing)
  // CHECK-NOTES: :[[@LINE-6]]:3: note: row 'multiprocessing' (decision step 5)
  // CHECK-NOTES: :[[@LINE-13]]:44: note: 'strtok' is not thread-safe
}

// Evidence: the callee writes a function-local static without a lock.
long memo_sort(std::vector<long> v) {
  static long calls = 0;
  ++calls;
  std::sort(v.begin(), v.end());
  return v.front();
}

void memo_all(const std::vector<std::vector<long>> &batches, long *out) {
  for (size_t i = 0; i < batches.size(); ++i)
    out[i] = memo_sort(batches[i]);
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: independent iterations each do substantial CPU work (sort work in 'std::sort' via 'memo_sort') that is not thread-safe; run them in parallel worker processes (row: multiprocessing)
  // CHECK-NOTES: :[[@LINE-9]]:3: note: unsynchronised static update to 'calls'
}

// --- templates ------------------------------------------------------------------

// Evidence: a loop in a function template whose calls do not depend on the
// template parameter is reported once, in the pattern, not once per
// instantiation (two instantiations below).
template <class Tag> void sort_each(std::vector<std::vector<long>> &groups, Tag) {
  for (auto &g : groups)
    std::sort(g.begin(), g.end());
}
// CHECK-MESSAGES: :[[@LINE-3]]:3: warning: independent iterations each do substantial CPU work (sort work in 'std::sort')
void sort_groups(std::vector<std::vector<long>> &a) {
  sort_each(a, 1);
  sort_each(a, 'c');
}
