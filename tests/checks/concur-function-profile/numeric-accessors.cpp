// Numeric work reached through accessors: reading or writing a
// floating-point element through operator(), operator[], at() or a small
// getter is the element access, as a[i] is, and the index arithmetic that
// addresses it belongs to it. So a matrix-vector product over a matrix class,
// a convolution over a float image class and a stencil through at() are
// numeric (row joblib), like their raw-array forms. A loop whose calls do
// other work (a sort, a hash of a string) stays `futures`, whatever the calls
// return.
// CONCUR-CONFIG: {CheckOptions: {concur-function-profile.Enable: true}}
#include <mock_std.h>

class Matrix {
public:
  Matrix(int r, int c) : rows_(r), cols_(c), data_(r * c) {}
  // CHECK-MESSAGES: :[[@LINE-1]]:3: remark: 'Matrix' is trivial
  double &operator()(int i, int j) { return data_[i * cols_ + j]; }
  // CHECK-MESSAGES: :[[@LINE-1]]:11: remark: 'operator()' is trivial
  double operator()(int i, int j) const { return data_[i * cols_ + j]; }
  // CHECK-MESSAGES: :[[@LINE-1]]:10: remark: 'operator()' is trivial
  int rows() const { return rows_; }
  // CHECK-MESSAGES: :[[@LINE-1]]:7: remark: 'rows' is trivial
  int cols() const { return cols_; }
  // CHECK-MESSAGES: :[[@LINE-1]]:7: remark: 'cols' is trivial

private:
  int rows_, cols_;
  std::vector<double> data_;
};

class Vec {
public:
  explicit Vec(int n) : data_(n) {}
  // CHECK-MESSAGES: :[[@LINE-1]]:12: remark: 'Vec' is trivial
  double &operator[](int i) { return data_[i]; }
  // CHECK-MESSAGES: :[[@LINE-1]]:11: remark: 'operator[]' is trivial
  double operator[](int i) const { return data_[i]; }
  // CHECK-MESSAGES: :[[@LINE-1]]:10: remark: 'operator[]' is trivial
  double at(int i) const { return data_[i]; }
  // CHECK-MESSAGES: :[[@LINE-1]]:10: remark: 'at' is trivial
  int size() const { return int(data_.size()); }
  // CHECK-MESSAGES: :[[@LINE-1]]:7: remark: 'size' is trivial

private:
  std::vector<double> data_;
};

// --- numeric through accessors: joblib ------------------------------------------

void matvec(const Matrix &a, const Vec &x, Vec &y) {
  for (int i = 0; i < a.rows(); ++i) {
    double s = 0;
    for (int j = 0; j < a.cols(); ++j)
      s += a(i, j) * x[j];
    y[i] = s;
  }
}
// CHECK-MESSAGES: :[[@LINE-8]]:6: remark: 'matvec' is cpu (numeric; confidence {{[0-9.]+}}); model: joblib; evidence: floating-point loop over runtime-sized data

struct Image {
  int w, h;
  std::vector<float> px;
  float get(int x, int y) const { return px[y * w + x]; }
  // CHECK-MESSAGES: :[[@LINE-1]]:9: remark: 'get' is trivial
  void set(int x, int y, float v) { px[y * w + x] = v; }
  // CHECK-MESSAGES: :[[@LINE-1]]:8: remark: 'set' is trivial
};

// A 3x3 box blur: one addition per pixel read, through the getter.
void blur(const Image &in, Image &out) {
  for (int y = 1; y < in.h - 1; ++y)
    for (int x = 1; x < in.w - 1; ++x) {
      float s = 0;
      for (int dy = -1; dy <= 1; ++dy)
        for (int dx = -1; dx <= 1; ++dx)
          s += in.get(x + dx, y + dy);
      out.set(x, y, s / 9.0f);
    }
}
// CHECK-MESSAGES: :[[@LINE-10]]:6: remark: 'blur' is cpu (numeric; confidence {{[0-9.]+}}); model: joblib; evidence: floating-point loop over runtime-sized data

// The same blur on a raw array: the index arithmetic addresses the pixels.
void blur_raw(const float *in, float *out, int w, int h) {
  for (int y = 1; y < h - 1; ++y)
    for (int x = 1; x < w - 1; ++x) {
      float s = 0;
      for (int dy = -1; dy <= 1; ++dy)
        for (int dx = -1; dx <= 1; ++dx)
          s += in[(y + dy) * w + x + dx];
      out[y * w + x] = s / 9.0f;
    }
}
// CHECK-MESSAGES: :[[@LINE-10]]:6: remark: 'blur_raw' is cpu (numeric; confidence {{[0-9.]+}}); model: joblib; evidence: floating-point loop over runtime-sized data

static double clamp01(double v) { return v < 0 ? 0 : v > 1 ? 1 : v; }
// CHECK-MESSAGES: :[[@LINE-1]]:15: remark: 'clamp01' is trivial

// A three-point stencil through at() and an inline helper.
void smooth(const Vec &u, Vec &v) {
  for (int i = 1; i < u.size() - 1; ++i)
    v[i] = clamp01(0.25 * u.at(i - 1) + 0.5 * u.at(i) + 0.25 * u.at(i + 1));
}
// CHECK-MESSAGES: :[[@LINE-4]]:6: remark: 'smooth' is cpu (numeric; confidence {{[0-9.]+}}); model: joblib; evidence: floating-point loop over runtime-sized data

// --- other work through calls: futures ----------------------------------------

// A score that sorts the letters of a word: a floating-point result, but the
// work is the sort.
double anagram_score(const std::string &word) {
  std::string letters = word;
  std::sort(letters.begin(), letters.end());
  return double(letters.size()) / 2.0;
}
// CHECK-MESSAGES: :[[@LINE-5]]:8: remark: 'anagram_score' is cpu (confidence {{[0-9.]+}}); model: futures; evidence: std::sort (sort)

void score_words(const std::vector<std::string> &words, std::vector<double> &out) {
  for (size_t i = 0; i < words.size(); ++i)
    out[i] = anagram_score(words[i]);
}
// CHECK-MESSAGES: :[[@LINE-4]]:6: remark: 'score_words' is cpu (confidence {{[0-9.]+}}); model: futures

// An integer matrix through the same kind of accessor is not numeric.
struct Counts {
  int cols;
  std::vector<long> cells;
  long &operator()(int i, int j) { return cells[i * cols + j]; }
  // CHECK-MESSAGES: :[[@LINE-1]]:9: remark: 'operator()' is trivial
};

void accumulate_rows(Counts &c, const long *row, int rows, int cols) {
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j)
      c(i, j) += row[j] * 3;
}
// CHECK-MESSAGES: :[[@LINE-5]]:6: remark: 'accumulate_rows' is cpu (confidence {{[0-9.]+}}); model: futures
