// Debug and listing code builds one string: every iteration appends to it
// with `+=`, in order. That is not a reduction to split over threads, and
// such loops are not reported, however much each piece costs to make. A
// numeric accumulation (`sum += ...`) of heavy per-item work stays a
// reduction and is reported.
#include <concur_mock_posix.h>
#include <mock_std.h>

// Formats into a heap buffer, doubling it until the text fits.
std::string format_capture(long at, long end) {
  for (size_t length = 32;; length *= 2) {
    char *buf = new char[length];
    int n = snprintf(buf, length, "(%ld,", at);
    n += snprintf(buf + n, length - n, "%ld", end);
    n += snprintf(buf + n, length - n, ")");
    if (n >= 0 && (size_t)n < length) {
      std::string out(buf);
      delete[] buf;
      return out;
    }
    delete[] buf;
  }
}

// negative: every iteration appends a formatted pair to the one string.
std::string format_captures(const long *capture, int n) {
  std::string s;
  for (int i = 0; i < n; i += 2)
    s += format_capture(capture[i], capture[i + 1]);
  return s;
}

std::string checksum_text(const std::string &item) {
  unsigned long h = 5381;
  for (int round = 0; round < 16; ++round)
    for (char c : item)
      h = h * 33 ^ (unsigned long)c;
  char buf[32];
  snprintf(buf, sizeof buf, "%lx ", h);
  return std::string(buf);
}

// negative: each item's checksum is computed, then appended to the one
// listing in order.
std::string listing(const std::vector<std::string> &items) {
  std::string s;
  for (const std::string &item : items)
    s += checksum_text(item);
  return s;
}

double weigh(const std::vector<double> &v) {
  std::vector<double> sorted = v;
  std::sort(sorted.begin(), sorted.end());
  double w = 0;
  for (double x : sorted)
    w += x * x;
  return w;
}

// A sum of heavy per-item work is a reduction: reported.
double total_weight(const std::vector<std::vector<double>> &rows) {
  double total = 0;
  for (const std::vector<double> &row : rows)
    total += weigh(row);
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: independent iterations each do substantial CPU work
  return total;
}
