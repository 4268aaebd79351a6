// Work the compiler does is not run-time work: consteval functions, constexpr
// functions evaluated in constant contexts, static_assert, the branch of an
// `if constexpr` that is not taken, and compile-time format-string checks. A
// loop that does the same work at run time is still reported.
#include <mock_std.h>

consteval long check_format(const char *fmt) {
  long n = 0;
  for (int round = 0; round < 64; ++round)
    for (const char *p = fmt; *p; ++p)
      n += (*p == '{') * round + (*p == '}') * 3;
  return n;
}

// Its own loop is reported: a constexpr function also runs when it is called
// at run time.
constexpr long table_checksum(int size) {
  long sum = 0;
  for (int i = 0; i < size; ++i)
    for (int j = 0; j < size; ++j)
      sum += i * j + (i ^ j) * 7;
  // CHECK-MESSAGES: :[[@LINE-3]]:3: warning: independent iterations each do substantial CPU work
  return sum;
}

// A formatting call whose format string is checked by the compiler.
struct FormatString {
  consteval FormatString(const char *s) : text(s), args(check_format(s)) {}
  const char *text;
  long args;
};
long emit(FormatString f, long value) { return f.args + value; }

template <bool Heavy> long step(long x) {
  if constexpr (Heavy)
    return table_checksum(int(x));
  else
    return x + 1;
}

// negative: everything heavy here is evaluated by the compiler.
void label_all(const std::vector<long> &in, std::vector<long> &out) {
  for (size_t i = 0; i < in.size(); ++i) {
    static_assert(table_checksum(8) > 0);
    constexpr long Checksum = table_checksum(40);
    out[i] = emit("value {} of {}", in[i]) + Checksum + step<false>(in[i]);
  }
}

// The same computation at run time is work.
void checksum_all(const std::vector<int> &sizes, std::vector<long> &out) {
  for (size_t i = 0; i < sizes.size(); ++i)
    out[i] = table_checksum(sizes[i]);
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: independent iterations each do substantial CPU work
}
