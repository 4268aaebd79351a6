// mock_std.h - a small stand-in for the C++ standard library (C++20).
//
// Declares just enough of <thread>, <mutex>, <condition_variable>,
// <future>, <semaphore>, <latch>, <barrier>, <atomic>, <chrono>, <string>,
// <vector>, <map>, <unordered_map>, <array>, <memory>, <functional>,
// <iostream>, <fstream>, <sstream>, <algorithm>, <numeric>, <execution>,
// <regex>, <cmath>, <charconv>, <format>, <filesystem> and <coroutine> for
// concur's check tests, compiled with
//   -std=c++20 -nostdinc++ -isystem tests/checks/Inputs/mock
// Where the analysis names a callee after the declaration it resolves to,
// the layout follows libstdc++ so the names are the ones real code produces
// (checks/data/knowledge-base.yaml):
//   - std::__cxx11 is an inline namespace holding basic_string, the string
//     streams, std::regex and std::filesystem::path;
//   - future::wait is declared in the base std::__basic_future;
//   - ifstream::read is std::basic_istream::read (inherited);
//   - std::sqrt(double) is the C function ::sqrt, std::sqrt(float) is
//     std::sqrt;
//   - std::ranges::sort is an object of type std::ranges::__sort_fn.
// Most functions are declared, not defined: the tests are only parsed.
// <coroutine> is real (it uses the compiler's builtins), so coroutines
// written with mock_task.h are well-formed.

#ifndef CONCUR_MOCK_STD_H
#define CONCUR_MOCK_STD_H
#pragma GCC system_header

typedef __SIZE_TYPE__ size_t;
typedef __PTRDIFF_TYPE__ ptrdiff_t;
typedef __UINTMAX_TYPE__ uintmax_t;

// The C library parts the std:: names are using-declarations of.
extern "C" {
double sqrt(double);
float sqrtf(float);
double cbrt(double);
double exp(double);
float expf(float);
double exp2(double);
double log(double);
float logf(float);
double log2(double);
double log10(double);
double pow(double, double);
float powf(float, float);
double sin(double);
float sinf(float);
double cos(double);
float cosf(float);
double tan(double);
double atan(double);
double atan2(double, double);
double tanh(double);
double erf(double);
double lgamma(double);
double tgamma(double);
double hypot(double, double);
double fabs(double);
double floor(double);
double ceil(double);
double fmod(double, double);
int abs(int);
void *memcpy(void *, const void *, size_t);
void *memmove(void *, const void *, size_t);
void *memset(void *, int, size_t);
int memcmp(const void *, const void *, size_t);
size_t strlen(const char *);
char *strtok(char *, const char *);
int rand(void);
void srand(unsigned);
char *getenv(const char *);
int printf(const char *, ...);
int snprintf(char *, size_t, const char *, ...);
long strtol(const char *, char **, int);
double strtod(const char *, char **);
int atoi(const char *);
}

inline void *operator new(size_t, void *p) noexcept { return p; }

namespace std {

using ::size_t;
using ::ptrdiff_t;
using ::uintmax_t;
typedef decltype(nullptr) nullptr_t;
typedef long long streamsize;

// --- <type_traits>, <utility> ------------------------------------------------
template <class T, T V> struct integral_constant {
  static constexpr T value = V;
};
typedef integral_constant<bool, true> true_type;
typedef integral_constant<bool, false> false_type;
template <class T, class U> inline constexpr bool is_same_v = false;
template <class T> inline constexpr bool is_same_v<T, T> = true;
template <class T> struct remove_reference { typedef T type; };
template <class T> struct remove_reference<T &> { typedef T type; };
template <class T> struct remove_reference<T &&> { typedef T type; };
template <class T>
using remove_reference_t = typename remove_reference<T>::type;
template <class T> struct remove_cv { typedef T type; };
template <class T> struct remove_cv<const T> { typedef T type; };
template <class T> struct remove_cv<volatile T> { typedef T type; };
template <class T> struct remove_cv<const volatile T> { typedef T type; };
template <class T>
using remove_cvref_t = typename remove_cv<remove_reference_t<T>>::type;
template <class T> using decay_t = remove_cvref_t<T>;
template <class...> using void_t = void;
template <bool B, class T = void> struct enable_if {};
template <class T> struct enable_if<true, T> { typedef T type; };
template <bool B, class T = void>
using enable_if_t = typename enable_if<B, T>::type;

template <class T> T &&declval() noexcept;
template <class T>
constexpr remove_reference_t<T> &&move(T &&t) noexcept {
  return static_cast<remove_reference_t<T> &&>(t);
}
template <class T> constexpr T &&forward(remove_reference_t<T> &t) noexcept {
  return static_cast<T &&>(t);
}
template <class T> constexpr T &&forward(remove_reference_t<T> &&t) noexcept {
  return static_cast<T &&>(t);
}
template <class T> void swap(T &a, T &b) noexcept {
  T tmp = static_cast<T &&>(a);
  a = static_cast<T &&>(b);
  b = static_cast<T &&>(tmp);
}
template <class F, class... A>
using invoke_result_t = decltype(declval<F>()(declval<A>()...));
template <class F, class... A>
invoke_result_t<F, A...> invoke(F &&f, A &&...args) {
  return static_cast<F &&>(f)(static_cast<A &&>(args)...);
}

template <class T1, class T2> struct pair {
  T1 first;
  T2 second;
};
template <class T1, class T2> pair<T1, T2> make_pair(T1, T2);

template <class T> constexpr const T &min(const T &a, const T &b) {
  return b < a ? b : a;
}
template <class T> constexpr const T &max(const T &a, const T &b) {
  return a < b ? b : a;
}

// --- <initializer_list> ------------------------------------------------------
template <class E> class initializer_list {
  const E *_M_array;
  size_t _M_len;
  constexpr initializer_list(const E *a, size_t l) : _M_array(a), _M_len(l) {}

public:
  constexpr initializer_list() noexcept : _M_array(nullptr), _M_len(0) {}
  constexpr size_t size() const noexcept { return _M_len; }
  constexpr const E *begin() const noexcept { return _M_array; }
  constexpr const E *end() const noexcept { return _M_array + _M_len; }
};

// --- <exception> -------------------------------------------------------------
class exception {
public:
  exception() noexcept;
  virtual ~exception();
  virtual const char *what() const noexcept;
};
class exception_ptr {
  void *_M_exception_object = nullptr;
};
exception_ptr current_exception() noexcept;
[[noreturn]] void rethrow_exception(exception_ptr);
[[noreturn]] void terminate() noexcept;

// --- <ratio>, <chrono> -------------------------------------------------------
template <long long N, long long D = 1> struct ratio {
  static constexpr long long num = N;
  static constexpr long long den = D;
};
typedef ratio<1, 1000000000> nano;
typedef ratio<1, 1000000> micro;
typedef ratio<1, 1000> milli;

namespace chrono {
template <class Rep, class Period = ratio<1>> class duration {
  Rep _M_r{};

public:
  typedef Rep rep;
  typedef Period period;
  constexpr duration() = default;
  template <class Rep2>
  constexpr explicit duration(const Rep2 &r) : _M_r(static_cast<Rep>(r)) {}
  template <class Rep2, class Period2>
  constexpr duration(const duration<Rep2, Period2> &d)
      : _M_r(static_cast<Rep>(d.count() * Period2::num * Period::den /
                              (Period2::den * Period::num))) {}
  constexpr Rep count() const { return _M_r; }
};
template <class R1, class P1, class R2, class P2>
constexpr bool operator<(const duration<R1, P1> &a,
                         const duration<R2, P2> &b) {
  return a.count() * P1::num * P2::den < b.count() * P2::num * P1::den;
}
template <class R, class P>
constexpr duration<R, P> operator+(const duration<R, P> &a,
                                   const duration<R, P> &b) {
  return duration<R, P>(a.count() + b.count());
}
template <class R, class P, class S>
constexpr duration<R, P> operator*(const duration<R, P> &d, const S &s) {
  return duration<R, P>(d.count() * s);
}
typedef duration<long long, nano> nanoseconds;
typedef duration<long long, micro> microseconds;
typedef duration<long long, milli> milliseconds;
typedef duration<long long> seconds;
typedef duration<long long, ratio<60>> minutes;
typedef duration<long long, ratio<3600>> hours;
template <class To, class Rep, class Period>
constexpr To duration_cast(const duration<Rep, Period> &d) {
  return To(d);
}

template <class Clock, class Dur = typename Clock::duration> class time_point {
  Dur _M_d{};

public:
  typedef Clock clock;
  typedef Dur duration;
  constexpr time_point() = default;
  constexpr explicit time_point(const Dur &d) : _M_d(d) {}
  constexpr Dur time_since_epoch() const { return _M_d; }
};
template <class C, class D, class R, class P>
constexpr time_point<C, D> operator+(const time_point<C, D> &t,
                                     const duration<R, P> &d) {
  return time_point<C, D>(t.time_since_epoch() + D(d));
}
template <class C, class D>
constexpr bool operator<(const time_point<C, D> &a, const time_point<C, D> &b) {
  return a.time_since_epoch() < b.time_since_epoch();
}
template <class C, class D>
constexpr D operator-(const time_point<C, D> &a, const time_point<C, D> &b) {
  return D(a.time_since_epoch().count() - b.time_since_epoch().count());
}
struct steady_clock {
  typedef nanoseconds duration;
  typedef long long rep;
  typedef nano period;
  typedef chrono::time_point<steady_clock> time_point;
  static constexpr bool is_steady = true;
  static time_point now() noexcept;
};
struct system_clock {
  typedef nanoseconds duration;
  typedef long long rep;
  typedef nano period;
  typedef chrono::time_point<system_clock> time_point;
  static constexpr bool is_steady = false;
  static time_point now() noexcept;
};
typedef steady_clock high_resolution_clock;
} // namespace chrono

inline namespace literals {
inline namespace chrono_literals {
constexpr chrono::hours operator""h(unsigned long long n) {
  return chrono::hours(n);
}
constexpr chrono::minutes operator""min(unsigned long long n) {
  return chrono::minutes(n);
}
constexpr chrono::seconds operator""s(unsigned long long n) {
  return chrono::seconds(n);
}
constexpr chrono::milliseconds operator""ms(unsigned long long n) {
  return chrono::milliseconds(n);
}
constexpr chrono::microseconds operator""us(unsigned long long n) {
  return chrono::microseconds(n);
}
constexpr chrono::nanoseconds operator""ns(unsigned long long n) {
  return chrono::nanoseconds(n);
}
} // namespace chrono_literals
} // namespace literals
namespace chrono {
using namespace literals::chrono_literals;
}

// --- <memory>, <functional> --------------------------------------------------
template <class T> struct allocator {
  typedef T value_type;
};
template <class T> class unique_ptr {
  T *_M_p = nullptr;

public:
  constexpr unique_ptr() noexcept = default;
  explicit unique_ptr(T *p) noexcept;
  unique_ptr(unique_ptr &&) noexcept;
  template <class U> unique_ptr(unique_ptr<U> &&) noexcept;
  unique_ptr(const unique_ptr &) = delete;
  unique_ptr &operator=(unique_ptr &&) noexcept;
  ~unique_ptr();
  T *get() const noexcept;
  T *operator->() const noexcept;
  T &operator*() const;
  T *release() noexcept;
  void reset(T *p = nullptr) noexcept;
  explicit operator bool() const noexcept;
};
template <class T, class... A> unique_ptr<T> make_unique(A &&...args);
template <class T> class shared_ptr {
  T *_M_p = nullptr;
  void *_M_ctrl = nullptr;

public:
  constexpr shared_ptr() noexcept = default;
  explicit shared_ptr(T *p);
  shared_ptr(const shared_ptr &) noexcept;
  shared_ptr(shared_ptr &&) noexcept;
  template <class U> shared_ptr(const shared_ptr<U> &) noexcept;
  shared_ptr &operator=(const shared_ptr &) noexcept;
  ~shared_ptr();
  T *get() const noexcept;
  T *operator->() const noexcept;
  T &operator*() const noexcept;
  explicit operator bool() const noexcept;
};
template <class T, class... A> shared_ptr<T> make_shared(A &&...args);

template <class Sig> class function;
template <class R, class... A> class function<R(A...)> {
  void *_M_functor[2] = {};

public:
  function() noexcept;
  function(nullptr_t) noexcept;
  function(const function &);
  function(function &&) noexcept;
  template <class F>
    requires(!is_same_v<remove_cvref_t<F>, function>)
  function(F &&f) {}
  function &operator=(const function &);
  function &operator=(function &&) noexcept;
  ~function();
  R operator()(A... args) const;
  explicit operator bool() const noexcept;
};

template <class T> class reference_wrapper {
  T *_M_p;

public:
  reference_wrapper(T &t) noexcept : _M_p(&t) {}
  operator T &() const noexcept { return *_M_p; }
  T &get() const noexcept { return *_M_p; }
};
template <class T> reference_wrapper<T> ref(T &t) noexcept {
  return reference_wrapper<T>(t);
}
template <class T> reference_wrapper<const T> cref(const T &t) noexcept {
  return reference_wrapper<const T>(t);
}

template <class T> struct hash {
  size_t operator()(const T &v) const noexcept;
};
template <class T = void> struct less {
  constexpr bool operator()(const T &a, const T &b) const { return a < b; }
};
template <> struct less<void> {
  template <class T, class U>
  constexpr bool operator()(const T &a, const U &b) const {
    return a < b;
  }
};
template <class T = void> struct equal_to {
  constexpr bool operator()(const T &a, const T &b) const { return a == b; }
};
template <class T = void> struct plus {
  constexpr T operator()(const T &a, const T &b) const { return a + b; }
};

// --- <string>, <string_view> -------------------------------------------------
template <class C> struct char_traits {};
inline namespace __cxx11 {
template <class C, class Tr = char_traits<C>, class A = allocator<C>>
class basic_string {
  C *_M_p = nullptr;
  size_t _M_len = 0;

public:
  typedef size_t size_type;
  typedef C value_type;
  typedef C *iterator;
  typedef const C *const_iterator;
  static constexpr size_type npos = static_cast<size_type>(-1);
  basic_string() noexcept;
  basic_string(const C *s);
  basic_string(const C *s, size_type n);
  basic_string(size_type n, C c);
  template <class It>
    requires requires(It i) { *i; ++i; }
  basic_string(It first, It last);
  basic_string(const basic_string &);
  basic_string(basic_string &&) noexcept;
  ~basic_string();
  basic_string &operator=(const basic_string &);
  basic_string &operator=(basic_string &&) noexcept;
  basic_string &operator=(const C *);
  const C *c_str() const noexcept;
  const C *data() const noexcept;
  C *data() noexcept;
  size_type size() const noexcept;
  size_type length() const noexcept;
  bool empty() const noexcept;
  void clear() noexcept;
  void reserve(size_type n);
  void resize(size_type n);
  C &operator[](size_type i);
  const C &operator[](size_type i) const;
  iterator begin() noexcept;
  iterator end() noexcept;
  const_iterator begin() const noexcept;
  const_iterator end() const noexcept;
  basic_string &operator+=(const basic_string &);
  basic_string &operator+=(const C *);
  basic_string &operator+=(C);
  basic_string &append(const basic_string &);
  basic_string &append(const C *);
  void push_back(C c);
  size_type find(const basic_string &s, size_type pos = 0) const noexcept;
  size_type find(const C *s, size_type pos = 0) const;
  size_type find(C c, size_type pos = 0) const noexcept;
  size_type rfind(C c, size_type pos = npos) const noexcept;
  size_type find_first_of(const C *s, size_type pos = 0) const;
  basic_string substr(size_type pos = 0, size_type n = npos) const;
  int compare(const basic_string &s) const noexcept;
};
typedef basic_string<char> string;
typedef basic_string<wchar_t> wstring;

int stoi(const string &s, size_t *idx = nullptr, int base = 10);
long stol(const string &s, size_t *idx = nullptr, int base = 10);
long long stoll(const string &s, size_t *idx = nullptr, int base = 10);
unsigned long stoul(const string &s, size_t *idx = nullptr, int base = 10);
float stof(const string &s, size_t *idx = nullptr);
double stod(const string &s, size_t *idx = nullptr);
string to_string(int v);
string to_string(long v);
string to_string(long long v);
string to_string(unsigned v);
string to_string(unsigned long v);
string to_string(unsigned long long v);
string to_string(double v);
} // namespace __cxx11

template <class C, class Tr, class A>
basic_string<C, Tr, A> operator+(const basic_string<C, Tr, A> &,
                                 const basic_string<C, Tr, A> &);
template <class C, class Tr, class A>
basic_string<C, Tr, A> operator+(const basic_string<C, Tr, A> &, const C *);
template <class C, class Tr, class A>
basic_string<C, Tr, A> operator+(const C *, const basic_string<C, Tr, A> &);
template <class C, class Tr, class A>
basic_string<C, Tr, A> operator+(const basic_string<C, Tr, A> &, C);
template <class C, class Tr, class A>
bool operator==(const basic_string<C, Tr, A> &,
                const basic_string<C, Tr, A> &) noexcept;
template <class C, class Tr, class A>
bool operator==(const basic_string<C, Tr, A> &, const C *);
template <class C, class Tr, class A>
bool operator<(const basic_string<C, Tr, A> &,
               const basic_string<C, Tr, A> &) noexcept;

template <class C, class Tr = char_traits<C>> class basic_string_view {
  const C *_M_str = nullptr;
  size_t _M_len = 0;

public:
  typedef size_t size_type;
  typedef const C *iterator;
  typedef const C *const_iterator;
  static constexpr size_type npos = static_cast<size_type>(-1);
  constexpr basic_string_view() noexcept = default;
  constexpr basic_string_view(const C *s, size_type n) : _M_str(s), _M_len(n) {}
  basic_string_view(const C *s);
  template <class A>
  basic_string_view(const basic_string<C, Tr, A> &s) noexcept;
  constexpr const C *data() const noexcept { return _M_str; }
  constexpr size_type size() const noexcept { return _M_len; }
  constexpr bool empty() const noexcept { return _M_len == 0; }
  constexpr const_iterator begin() const noexcept { return _M_str; }
  constexpr const_iterator end() const noexcept { return _M_str + _M_len; }
  const C &operator[](size_type i) const;
  size_type find(basic_string_view s, size_type pos = 0) const noexcept;
  size_type find(C c, size_type pos = 0) const noexcept;
  basic_string_view substr(size_type pos = 0, size_type n = npos) const;
};
typedef basic_string_view<char> string_view;

// --- containers --------------------------------------------------------------
template <class T, class A = allocator<T>> class vector {
  T *_M_start = nullptr;
  T *_M_finish = nullptr;
  T *_M_end_of_storage = nullptr;

public:
  typedef T value_type;
  typedef size_t size_type;
  typedef T &reference;
  typedef const T &const_reference;
  typedef T *iterator;
  typedef const T *const_iterator;
  vector() noexcept;
  explicit vector(size_type n);
  vector(size_type n, const T &value);
  vector(initializer_list<T> values);
  template <class It>
    requires requires(It i) { *i; ++i; }
  vector(It first, It last);
  vector(const vector &);
  vector(vector &&) noexcept;
  ~vector();
  vector &operator=(const vector &);
  vector &operator=(vector &&) noexcept;
  void push_back(const T &value);
  void push_back(T &&value);
  // Defined: a lambda argument has internal linkage.
  template <class... Args> reference emplace_back(Args &&...args) {
    return *data();
  }
  void pop_back();
  reference operator[](size_type i);
  const_reference operator[](size_type i) const;
  reference at(size_type i);
  const_reference at(size_type i) const;
  reference front();
  reference back();
  T *data() noexcept;
  const T *data() const noexcept;
  size_type size() const noexcept;
  bool empty() const noexcept;
  void reserve(size_type n);
  void resize(size_type n);
  void clear() noexcept;
  iterator begin() noexcept;
  iterator end() noexcept;
  const_iterator begin() const noexcept;
  const_iterator end() const noexcept;
};

template <class T, size_t N> struct array {
  T _M_elems[N ? N : 1];
  typedef T value_type;
  typedef T *iterator;
  typedef const T *const_iterator;
  constexpr size_t size() const noexcept { return N; }
  constexpr T &operator[](size_t i) { return _M_elems[i]; }
  constexpr const T &operator[](size_t i) const { return _M_elems[i]; }
  constexpr T *data() noexcept { return _M_elems; }
  constexpr T *begin() noexcept { return _M_elems; }
  constexpr T *end() noexcept { return _M_elems + N; }
  constexpr const T *begin() const noexcept { return _M_elems; }
  constexpr const T *end() const noexcept { return _M_elems + N; }
};

template <class K, class V, class Cmp = less<K>,
          class A = allocator<pair<const K, V>>>
class map {
  void *_M_root = nullptr;

public:
  typedef K key_type;
  typedef V mapped_type;
  typedef pair<const K, V> value_type;
  typedef value_type *iterator;
  typedef const value_type *const_iterator;
  map();
  map(initializer_list<value_type> values);
  map(const map &);
  map(map &&) noexcept;
  ~map();
  V &operator[](const K &key);
  V &at(const K &key);
  iterator find(const K &key);
  const_iterator find(const K &key) const;
  size_t count(const K &key) const;
  pair<iterator, bool> insert(const value_type &value);
  template <class... Args> pair<iterator, bool> emplace(Args &&...args);
  size_t erase(const K &key);
  size_t size() const noexcept;
  bool empty() const noexcept;
  iterator begin() noexcept;
  iterator end() noexcept;
  const_iterator begin() const noexcept;
  const_iterator end() const noexcept;
};

template <class K, class V, class H = hash<K>, class Eq = equal_to<K>,
          class A = allocator<pair<const K, V>>>
class unordered_map {
  void *_M_buckets = nullptr;

public:
  typedef K key_type;
  typedef V mapped_type;
  typedef pair<const K, V> value_type;
  typedef value_type *iterator;
  typedef const value_type *const_iterator;
  unordered_map();
  unordered_map(initializer_list<value_type> values);
  unordered_map(const unordered_map &);
  unordered_map(unordered_map &&) noexcept;
  ~unordered_map();
  V &operator[](const K &key);
  V &at(const K &key);
  iterator find(const K &key);
  const_iterator find(const K &key) const;
  size_t count(const K &key) const;
  pair<iterator, bool> insert(const value_type &value);
  template <class... Args> pair<iterator, bool> emplace(Args &&...args);
  size_t erase(const K &key);
  size_t size() const noexcept;
  bool empty() const noexcept;
  iterator begin() noexcept;
  iterator end() noexcept;
  const_iterator begin() const noexcept;
  const_iterator end() const noexcept;
};

template <class C> constexpr auto begin(C &c) -> decltype(c.begin()) {
  return c.begin();
}
template <class C> constexpr auto end(C &c) -> decltype(c.end()) {
  return c.end();
}
template <class T, size_t N> constexpr T *begin(T (&a)[N]) noexcept {
  return a;
}
template <class T, size_t N> constexpr T *end(T (&a)[N]) noexcept {
  return a + N;
}
template <class C> constexpr auto size(const C &c) -> decltype(c.size()) {
  return c.size();
}

// --- <thread> ----------------------------------------------------------------
class thread {
  unsigned long _M_id = 0;

public:
  class id {
    unsigned long _M_thread = 0;

  public:
    id() noexcept = default;
  };
  thread() noexcept = default;
  template <class F, class... A>
    requires(!is_same_v<remove_cvref_t<F>, thread>)
  explicit thread(F &&f, A &&...args) {}
  thread(const thread &) = delete;
  thread(thread &&) noexcept;
  thread &operator=(thread &&) noexcept;
  ~thread();
  bool joinable() const noexcept;
  void join();
  void detach();
  id get_id() const noexcept;
  static unsigned int hardware_concurrency() noexcept;
};

class stop_token {
  void *_M_state = nullptr;

public:
  bool stop_requested() const noexcept;
};
class jthread {
  thread _M_thread;

public:
  jthread() noexcept;
  template <class F, class... A>
    requires(!is_same_v<remove_cvref_t<F>, jthread>)
  explicit jthread(F &&f, A &&...args) {}
  jthread(const jthread &) = delete;
  jthread(jthread &&) noexcept;
  jthread &operator=(jthread &&) noexcept;
  ~jthread();
  bool joinable() const noexcept;
  void join();
  void detach();
  bool request_stop() noexcept;
  stop_token get_stop_token() const noexcept;
};

namespace this_thread {
template <class Rep, class Period>
void sleep_for(const chrono::duration<Rep, Period> &d);
template <class Clock, class Dur>
void sleep_until(const chrono::time_point<Clock, Dur> &t);
void yield() noexcept;
thread::id get_id() noexcept;
} // namespace this_thread

// --- <mutex>, <shared_mutex> -------------------------------------------------
class mutex {
  int _M_lock = 0;

public:
  constexpr mutex() noexcept = default;
  mutex(const mutex &) = delete;
  mutex &operator=(const mutex &) = delete;
  void lock();
  bool try_lock() noexcept;
  void unlock() noexcept;
};
class recursive_mutex {
  int _M_lock = 0;

public:
  recursive_mutex() noexcept = default;
  recursive_mutex(const recursive_mutex &) = delete;
  void lock();
  bool try_lock() noexcept;
  void unlock() noexcept;
};
class timed_mutex {
  int _M_lock = 0;

public:
  timed_mutex() noexcept = default;
  timed_mutex(const timed_mutex &) = delete;
  void lock();
  bool try_lock() noexcept;
  template <class Rep, class Period>
  bool try_lock_for(const chrono::duration<Rep, Period> &d);
  void unlock() noexcept;
};
class shared_mutex {
  int _M_lock = 0;

public:
  shared_mutex() noexcept = default;
  shared_mutex(const shared_mutex &) = delete;
  void lock();
  bool try_lock() noexcept;
  void unlock() noexcept;
  void lock_shared();
  bool try_lock_shared() noexcept;
  void unlock_shared() noexcept;
};

struct defer_lock_t {
  explicit defer_lock_t() = default;
};
struct try_to_lock_t {
  explicit try_to_lock_t() = default;
};
struct adopt_lock_t {
  explicit adopt_lock_t() = default;
};
inline constexpr defer_lock_t defer_lock{};
inline constexpr try_to_lock_t try_to_lock{};
inline constexpr adopt_lock_t adopt_lock{};

template <class M> class lock_guard {
  M &_M_device;

public:
  typedef M mutex_type;
  explicit lock_guard(M &m);
  lock_guard(M &m, adopt_lock_t) noexcept;
  lock_guard(const lock_guard &) = delete;
  ~lock_guard();
};
template <class M> class unique_lock {
  M *_M_device = nullptr;
  bool _M_owns = false;

public:
  typedef M mutex_type;
  unique_lock() noexcept = default;
  explicit unique_lock(M &m);
  unique_lock(M &m, defer_lock_t) noexcept;
  unique_lock(M &m, try_to_lock_t);
  unique_lock(M &m, adopt_lock_t) noexcept;
  unique_lock(const unique_lock &) = delete;
  unique_lock(unique_lock &&) noexcept;
  unique_lock &operator=(unique_lock &&) noexcept;
  ~unique_lock();
  void lock();
  bool try_lock();
  void unlock();
  bool owns_lock() const noexcept;
  explicit operator bool() const noexcept;
  M *mutex() const noexcept;
};
template <class... Ms> class scoped_lock {
  void *_M_devices = nullptr;

public:
  explicit scoped_lock(Ms &...m);
  explicit scoped_lock(adopt_lock_t, Ms &...m) noexcept;
  scoped_lock(const scoped_lock &) = delete;
  ~scoped_lock();
};
template <class M> class shared_lock {
  M *_M_device = nullptr;
  bool _M_owns = false;

public:
  typedef M mutex_type;
  shared_lock() noexcept = default;
  explicit shared_lock(M &m);
  shared_lock(M &m, defer_lock_t) noexcept;
  shared_lock(shared_lock &&) noexcept;
  ~shared_lock();
  void lock();
  void unlock();
  bool owns_lock() const noexcept;
};
template <class L1, class L2, class... L3> void lock(L1 &, L2 &, L3 &...);
template <class L1, class L2, class... L3> int try_lock(L1 &, L2 &, L3 &...);

struct once_flag {
  constexpr once_flag() noexcept = default;
  once_flag(const once_flag &) = delete;
  once_flag &operator=(const once_flag &) = delete;

private:
  int _M_once = 0;
};
template <class F, class... A>
void call_once(once_flag &flag, F &&f, A &&...args) {
  static_cast<F &&>(f)(static_cast<A &&>(args)...);
}

// --- <condition_variable> ----------------------------------------------------
enum class cv_status { no_timeout, timeout };
class condition_variable {
  void *_M_cond = nullptr;

public:
  condition_variable() noexcept;
  condition_variable(const condition_variable &) = delete;
  ~condition_variable();
  void notify_one() noexcept;
  void notify_all() noexcept;
  void wait(unique_lock<mutex> &lock);
  template <class P> void wait(unique_lock<mutex> &lock, P pred) {
    while (!pred())
      wait(lock);
  }
  template <class Rep, class Period>
  cv_status wait_for(unique_lock<mutex> &lock,
                     const chrono::duration<Rep, Period> &d);
  template <class Rep, class Period, class P>
  bool wait_for(unique_lock<mutex> &lock,
                const chrono::duration<Rep, Period> &d, P pred) {
    return pred();
  }
  template <class Clock, class Dur>
  cv_status wait_until(unique_lock<mutex> &lock,
                       const chrono::time_point<Clock, Dur> &t);
  template <class Clock, class Dur, class P>
  bool wait_until(unique_lock<mutex> &lock,
                  const chrono::time_point<Clock, Dur> &t, P pred) {
    return pred();
  }
};
class condition_variable_any {
  void *_M_cond = nullptr;

public:
  condition_variable_any();
  ~condition_variable_any();
  void notify_one() noexcept;
  void notify_all() noexcept;
  template <class L> void wait(L &lock);
  template <class L, class P> void wait(L &lock, P pred) {
    while (!pred())
      wait(lock);
  }
  template <class L, class Rep, class Period>
  cv_status wait_for(L &lock, const chrono::duration<Rep, Period> &d);
};

// --- <semaphore>, <latch>, <barrier> -----------------------------------------
template <ptrdiff_t LeastMaxValue = 2147483647> class counting_semaphore {
  ptrdiff_t _M_count = 0;

public:
  constexpr explicit counting_semaphore(ptrdiff_t desired) noexcept
      : _M_count(desired) {}
  counting_semaphore(const counting_semaphore &) = delete;
  void release(ptrdiff_t update = 1);
  void acquire();
  bool try_acquire() noexcept;
  template <class Rep, class Period>
  bool try_acquire_for(const chrono::duration<Rep, Period> &d);
};
typedef counting_semaphore<1> binary_semaphore;
class latch {
  ptrdiff_t _M_count;

public:
  constexpr explicit latch(ptrdiff_t expected) : _M_count(expected) {}
  latch(const latch &) = delete;
  void count_down(ptrdiff_t n = 1);
  bool try_wait() const noexcept;
  void wait() const;
  void arrive_and_wait(ptrdiff_t n = 1);
};
struct __empty_completion {
  void operator()() noexcept {}
};
template <class Completion = __empty_completion> class barrier {
  ptrdiff_t _M_expected;

public:
  class arrival_token {};
  constexpr explicit barrier(ptrdiff_t expected, Completion f = Completion())
      : _M_expected(expected) {}
  barrier(const barrier &) = delete;
  arrival_token arrive(ptrdiff_t n = 1) { return {}; }
  void wait(arrival_token &&token) const {}
  void arrive_and_wait() {}
  void arrive_and_drop() {}
};

// --- <future> ----------------------------------------------------------------
enum class launch { async = 1, deferred = 2 };
enum class future_status { ready, timeout, deferred };
template <class R> class shared_future;
template <class R> class __basic_future {
protected:
  void *_M_state = nullptr;
  __basic_future() noexcept = default;

public:
  bool valid() const noexcept;
  void wait() const;
  template <class Rep, class Period>
  future_status wait_for(const chrono::duration<Rep, Period> &d) const;
  template <class Clock, class Dur>
  future_status wait_until(const chrono::time_point<Clock, Dur> &t) const;
};
template <class R> class future : public __basic_future<R> {
public:
  future() noexcept;
  future(const future &) = delete;
  future(future &&) noexcept;
  future &operator=(future &&) noexcept;
  ~future();
  R get();
  shared_future<R> share() noexcept;
};
template <class R> struct __shared_future_result {
  typedef const R &type;
};
template <class R> struct __shared_future_result<R &> {
  typedef R &type;
};
template <> struct __shared_future_result<void> {
  typedef void type;
};
template <class R> class shared_future : public __basic_future<R> {
public:
  shared_future() noexcept;
  shared_future(const shared_future &) noexcept;
  shared_future(future<R> &&) noexcept;
  shared_future &operator=(const shared_future &) noexcept;
  ~shared_future();
  typename __shared_future_result<R>::type get() const;
};
template <class R> class promise {
  void *_M_state = nullptr;

public:
  promise();
  promise(promise &&) noexcept;
  promise(const promise &) = delete;
  ~promise();
  future<R> get_future();
  template <class... V> void set_value(V &&...value);
  void set_exception(exception_ptr p);
};
template <class Sig> class packaged_task;
template <class R, class... A> class packaged_task<R(A...)> {
  void *_M_state = nullptr;

public:
  packaged_task() noexcept;
  template <class F>
    requires(!is_same_v<remove_cvref_t<F>, packaged_task>)
  explicit packaged_task(F &&f) {}
  packaged_task(packaged_task &&) noexcept;
  packaged_task(const packaged_task &) = delete;
  ~packaged_task();
  bool valid() const noexcept;
  future<R> get_future();
  void operator()(A... args);
};
template <class F, class... A>
future<invoke_result_t<decay_t<F>, decay_t<A>...>> async(F &&f, A &&...args) {
  return {};
}
template <class F, class... A>
future<invoke_result_t<decay_t<F>, decay_t<A>...>> async(launch policy, F &&f,
                                                          A &&...args) {
  return {};
}

// --- <atomic> ----------------------------------------------------------------
enum class memory_order : int {
  relaxed,
  consume,
  acquire,
  release,
  acq_rel,
  seq_cst
};
inline constexpr memory_order memory_order_relaxed = memory_order::relaxed;
inline constexpr memory_order memory_order_acquire = memory_order::acquire;
inline constexpr memory_order memory_order_release = memory_order::release;
inline constexpr memory_order memory_order_acq_rel = memory_order::acq_rel;
inline constexpr memory_order memory_order_seq_cst = memory_order::seq_cst;
template <class T> struct atomic {
  T _M_i;
  atomic() noexcept = default;
  constexpr atomic(T desired) noexcept : _M_i(desired) {}
  atomic(const atomic &) = delete;
  atomic &operator=(const atomic &) = delete;
  T load(memory_order order = memory_order::seq_cst) const noexcept;
  void store(T desired, memory_order order = memory_order::seq_cst) noexcept;
  T exchange(T desired, memory_order order = memory_order::seq_cst) noexcept;
  bool compare_exchange_weak(
      T &expected, T desired,
      memory_order order = memory_order::seq_cst) noexcept;
  bool compare_exchange_strong(
      T &expected, T desired,
      memory_order order = memory_order::seq_cst) noexcept;
  T fetch_add(T arg, memory_order order = memory_order::seq_cst) noexcept;
  T fetch_sub(T arg, memory_order order = memory_order::seq_cst) noexcept;
  T operator++() noexcept;
  T operator++(int) noexcept;
  T operator--() noexcept;
  T operator--(int) noexcept;
  T operator+=(T arg) noexcept;
  T operator-=(T arg) noexcept;
  T operator=(T desired) noexcept;
  operator T() const noexcept;
  void wait(T old, memory_order order = memory_order::seq_cst) const noexcept;
  void notify_one() noexcept;
  void notify_all() noexcept;
};
struct atomic_flag {
  bool _M_flag = false;
  constexpr atomic_flag() noexcept = default;
  atomic_flag(const atomic_flag &) = delete;
  bool test_and_set(memory_order order = memory_order::seq_cst) noexcept;
  void clear(memory_order order = memory_order::seq_cst) noexcept;
  bool test(memory_order order = memory_order::seq_cst) const noexcept;
  void wait(bool old, memory_order order = memory_order::seq_cst) const noexcept;
  void notify_one() noexcept;
  void notify_all() noexcept;
};

// --- <ios>, <istream>, <ostream>, <iostream> ---------------------------------
class ios_base {
public:
  typedef unsigned openmode;
  static constexpr openmode app = 1, ate = 2, binary = 4, in = 8, out = 16,
                            trunc = 32;
  typedef int seekdir;
  static constexpr seekdir beg = 0, cur = 1, end = 2;
  virtual ~ios_base();

protected:
  ios_base();
};
template <class C, class Tr = char_traits<C>>
class basic_ios : public ios_base {
public:
  bool good() const;
  bool eof() const;
  bool fail() const;
  bool bad() const;
  explicit operator bool() const;
  bool operator!() const;
  void clear();

protected:
  basic_ios();
};
template <class C, class Tr = char_traits<C>>
class basic_istream : virtual public basic_ios<C, Tr> {
public:
  basic_istream &read(C *s, streamsize n);
  streamsize readsome(C *s, streamsize n);
  basic_istream &getline(C *s, streamsize n);
  basic_istream &getline(C *s, streamsize n, C delim);
  int get();
  basic_istream &get(C &c);
  int peek();
  basic_istream &ignore(streamsize n = 1, int delim = -1);
  basic_istream &unget();
  streamsize gcount() const;
  basic_istream &seekg(long long pos);
  basic_istream &seekg(long long off, ios_base::seekdir dir);
  long long tellg();
  basic_istream &operator>>(bool &v);
  basic_istream &operator>>(short &v);
  basic_istream &operator>>(int &v);
  basic_istream &operator>>(unsigned &v);
  basic_istream &operator>>(long &v);
  basic_istream &operator>>(unsigned long &v);
  basic_istream &operator>>(long long &v);
  basic_istream &operator>>(unsigned long long &v);
  basic_istream &operator>>(float &v);
  basic_istream &operator>>(double &v);

protected:
  basic_istream();
  virtual ~basic_istream();
};
template <class C, class Tr = char_traits<C>>
class basic_ostream : virtual public basic_ios<C, Tr> {
public:
  basic_ostream &write(const C *s, streamsize n);
  basic_ostream &put(C c);
  basic_ostream &flush();
  basic_ostream &seekp(long long pos);
  long long tellp();
  basic_ostream &operator<<(bool v);
  basic_ostream &operator<<(short v);
  basic_ostream &operator<<(int v);
  basic_ostream &operator<<(unsigned v);
  basic_ostream &operator<<(long v);
  basic_ostream &operator<<(unsigned long v);
  basic_ostream &operator<<(long long v);
  basic_ostream &operator<<(unsigned long long v);
  basic_ostream &operator<<(float v);
  basic_ostream &operator<<(double v);
  basic_ostream &operator<<(const void *p);
  basic_ostream &operator<<(basic_ostream &(*manip)(basic_ostream &));

protected:
  basic_ostream();
  virtual ~basic_ostream();
};
template <class C, class Tr = char_traits<C>>
class basic_iostream : public basic_istream<C, Tr>,
                       public basic_ostream<C, Tr> {
protected:
  basic_iostream();
  virtual ~basic_iostream();
};
template <class C, class Tr>
basic_ostream<C, Tr> &operator<<(basic_ostream<C, Tr> &os, const C *s);
template <class C, class Tr>
basic_ostream<C, Tr> &operator<<(basic_ostream<C, Tr> &os, C c);
template <class C, class Tr, class A>
basic_ostream<C, Tr> &operator<<(basic_ostream<C, Tr> &os,
                                 const basic_string<C, Tr, A> &s);
template <class C, class Tr>
basic_ostream<C, Tr> &operator<<(basic_ostream<C, Tr> &os,
                                 basic_string_view<C, Tr> s);
template <class C, class Tr, class A>
basic_istream<C, Tr> &operator>>(basic_istream<C, Tr> &is,
                                 basic_string<C, Tr, A> &s);
template <class C, class Tr>
basic_istream<C, Tr> &operator>>(basic_istream<C, Tr> &is, C &c);
template <class C, class Tr, class A>
basic_istream<C, Tr> &getline(basic_istream<C, Tr> &is,
                              basic_string<C, Tr, A> &s);
template <class C, class Tr, class A>
basic_istream<C, Tr> &getline(basic_istream<C, Tr> &is,
                              basic_string<C, Tr, A> &s, C delim);
template <class C, class Tr>
basic_ostream<C, Tr> &endl(basic_ostream<C, Tr> &os);
template <class C, class Tr>
basic_ostream<C, Tr> &flush(basic_ostream<C, Tr> &os);
typedef basic_ios<char> ios;
typedef basic_istream<char> istream;
typedef basic_ostream<char> ostream;
typedef basic_iostream<char> iostream;
extern istream cin;
extern ostream cout;
extern ostream cerr;
extern ostream clog;

// --- <filesystem> ------------------------------------------------------------
namespace filesystem {
inline namespace __cxx11 {
class path {
  std::string _M_pathname;

public:
  path() noexcept;
  path(const char *s);
  path(const std::string &s);
  path(std::string_view s);
  path(const path &);
  path(path &&) noexcept;
  ~path();
  path &operator=(const path &);
  path &operator/=(const path &p);
  std::string string() const;
  const char *c_str() const noexcept;
  bool empty() const noexcept;
  path filename() const;
  path stem() const;
  path extension() const;
  path parent_path() const;
  friend path operator/(const path &a, const path &b);
  friend bool operator==(const path &a, const path &b) noexcept;
};
} // namespace __cxx11

struct __file_clock {
  typedef chrono::nanoseconds duration;
  typedef long long rep;
  typedef nano period;
  typedef chrono::time_point<__file_clock> time_point;
  static time_point now() noexcept;
};
typedef chrono::time_point<__file_clock> file_time_type;
enum class file_type { none, not_found, regular, directory, symlink };
class file_status {
  file_type _M_type = file_type::none;

public:
  file_type type() const noexcept;
};

class directory_entry {
  filesystem::path _M_path;

public:
  directory_entry() noexcept;
  explicit directory_entry(const filesystem::path &p);
  const filesystem::path &path() const noexcept;
  operator const filesystem::path &() const noexcept;
  bool exists() const;
  bool is_regular_file() const;
  bool is_directory() const;
  uintmax_t file_size() const;
  file_time_type last_write_time() const;
  void refresh();
};
class directory_iterator {
  void *_M_dir = nullptr;

public:
  directory_iterator() noexcept;
  explicit directory_iterator(const path &p);
  directory_iterator(const directory_iterator &);
  directory_iterator(directory_iterator &&) noexcept;
  ~directory_iterator();
  directory_iterator &operator=(const directory_iterator &);
  const directory_entry &operator*() const noexcept;
  const directory_entry *operator->() const noexcept;
  directory_iterator &operator++();
  bool operator==(const directory_iterator &) const noexcept;
};
directory_iterator begin(directory_iterator it) noexcept;
directory_iterator end(directory_iterator) noexcept;
class recursive_directory_iterator {
  void *_M_dirs = nullptr;

public:
  recursive_directory_iterator() noexcept;
  explicit recursive_directory_iterator(const path &p);
  recursive_directory_iterator(const recursive_directory_iterator &);
  recursive_directory_iterator(recursive_directory_iterator &&) noexcept;
  ~recursive_directory_iterator();
  const directory_entry &operator*() const noexcept;
  const directory_entry *operator->() const noexcept;
  recursive_directory_iterator &operator++();
  int depth() const noexcept;
  void pop();
  bool operator==(const recursive_directory_iterator &) const noexcept;
};
recursive_directory_iterator begin(recursive_directory_iterator it) noexcept;
recursive_directory_iterator end(recursive_directory_iterator) noexcept;

bool exists(const path &p);
file_status status(const path &p);
bool is_directory(const path &p);
bool is_regular_file(const path &p);
bool is_empty(const path &p);
uintmax_t file_size(const path &p);
file_time_type last_write_time(const path &p);
bool create_directory(const path &p);
bool create_directories(const path &p);
bool remove(const path &p);
uintmax_t remove_all(const path &p);
void rename(const path &from, const path &to);
void copy(const path &from, const path &to);
bool copy_file(const path &from, const path &to);
void resize_file(const path &p, uintmax_t size);
path current_path();
path canonical(const path &p);
path absolute(const path &p);
path temp_directory_path();
} // namespace filesystem

// --- <fstream>, <sstream> ----------------------------------------------------
template <class C, class Tr = char_traits<C>> class basic_filebuf {
  void *_M_file = nullptr;

public:
  basic_filebuf();
  ~basic_filebuf();
  basic_filebuf *open(const char *name, ios_base::openmode mode);
  basic_filebuf *close();
  bool is_open() const;
};
template <class C, class Tr = char_traits<C>>
class basic_ifstream : public basic_istream<C, Tr> {
  basic_filebuf<C, Tr> _M_filebuf;

public:
  basic_ifstream();
  explicit basic_ifstream(const char *name,
                          ios_base::openmode mode = ios_base::in);
  explicit basic_ifstream(const string &name,
                          ios_base::openmode mode = ios_base::in);
  explicit basic_ifstream(const filesystem::path &name,
                          ios_base::openmode mode = ios_base::in);
  basic_ifstream(const basic_ifstream &) = delete;
  basic_ifstream(basic_ifstream &&);
  ~basic_ifstream();
  void open(const char *name, ios_base::openmode mode = ios_base::in);
  void open(const string &name, ios_base::openmode mode = ios_base::in);
  bool is_open() const;
  void close();
  basic_filebuf<C, Tr> *rdbuf() const;
};
template <class C, class Tr = char_traits<C>>
class basic_ofstream : public basic_ostream<C, Tr> {
  basic_filebuf<C, Tr> _M_filebuf;

public:
  basic_ofstream();
  explicit basic_ofstream(const char *name,
                          ios_base::openmode mode = ios_base::out);
  explicit basic_ofstream(const string &name,
                          ios_base::openmode mode = ios_base::out);
  explicit basic_ofstream(const filesystem::path &name,
                          ios_base::openmode mode = ios_base::out);
  basic_ofstream(const basic_ofstream &) = delete;
  basic_ofstream(basic_ofstream &&);
  ~basic_ofstream();
  void open(const char *name, ios_base::openmode mode = ios_base::out);
  void open(const string &name, ios_base::openmode mode = ios_base::out);
  bool is_open() const;
  void close();
};
template <class C, class Tr = char_traits<C>>
class basic_fstream : public basic_iostream<C, Tr> {
  basic_filebuf<C, Tr> _M_filebuf;

public:
  basic_fstream();
  explicit basic_fstream(const char *name,
                         ios_base::openmode mode = ios_base::in |
                                                   ios_base::out);
  explicit basic_fstream(const string &name,
                         ios_base::openmode mode = ios_base::in |
                                                   ios_base::out);
  basic_fstream(const basic_fstream &) = delete;
  ~basic_fstream();
  void open(const char *name,
            ios_base::openmode mode = ios_base::in | ios_base::out);
  bool is_open() const;
  void close();
};
typedef basic_ifstream<char> ifstream;
typedef basic_ofstream<char> ofstream;
typedef basic_fstream<char> fstream;

inline namespace __cxx11 {
template <class C, class Tr = char_traits<C>, class A = allocator<C>>
class basic_istringstream : public basic_istream<C, Tr> {
  basic_string<C, Tr, A> _M_buf;

public:
  basic_istringstream();
  explicit basic_istringstream(const basic_string<C, Tr, A> &s);
  ~basic_istringstream();
  basic_string<C, Tr, A> str() const;
  void str(const basic_string<C, Tr, A> &s);
};
template <class C, class Tr = char_traits<C>, class A = allocator<C>>
class basic_ostringstream : public basic_ostream<C, Tr> {
  basic_string<C, Tr, A> _M_buf;

public:
  basic_ostringstream();
  ~basic_ostringstream();
  basic_string<C, Tr, A> str() const;
  void str(const basic_string<C, Tr, A> &s);
};
template <class C, class Tr = char_traits<C>, class A = allocator<C>>
class basic_stringstream : public basic_iostream<C, Tr> {
  basic_string<C, Tr, A> _M_buf;

public:
  basic_stringstream();
  explicit basic_stringstream(const basic_string<C, Tr, A> &s);
  ~basic_stringstream();
  basic_string<C, Tr, A> str() const;
};
typedef basic_istringstream<char> istringstream;
typedef basic_ostringstream<char> ostringstream;
typedef basic_stringstream<char> stringstream;
} // namespace __cxx11

// --- <algorithm>, <numeric>, <execution> -------------------------------------
namespace execution {
struct sequenced_policy {};
struct parallel_policy {};
struct parallel_unsequenced_policy {};
inline constexpr sequenced_policy seq{};
inline constexpr parallel_policy par{};
inline constexpr parallel_unsequenced_policy par_unseq{};
} // namespace execution
template <class T> inline constexpr bool is_execution_policy_v = false;
template <>
inline constexpr bool is_execution_policy_v<execution::sequenced_policy> =
    true;
template <>
inline constexpr bool is_execution_policy_v<execution::parallel_policy> = true;
template <>
inline constexpr bool
    is_execution_policy_v<execution::parallel_unsequenced_policy> = true;
template <class E>
concept __execution_policy = is_execution_policy_v<remove_cvref_t<E>>;

// Simple, unoptimised definitions: the tests only parse them, but function
// templates called with a lambda must be defined in the translation unit.
template <class It, class Cmp> void sort(It first, It last, Cmp comp) {
  for (It i = first; i != last; ++i)
    for (It j = i; j != last; ++j)
      if (comp(*j, *i))
        swap(*i, *j);
}
template <class It> void sort(It first, It last) {
  sort(first, last, less<>());
}
template <__execution_policy E, class It>
void sort(E &&policy, It first, It last) {
  sort(first, last);
}
template <class It, class Cmp> void stable_sort(It first, It last, Cmp comp) {
  sort(first, last, comp);
}
template <class It> void stable_sort(It first, It last) { sort(first, last); }
template <class It, class Cmp>
void partial_sort(It first, It middle, It last, Cmp comp) {
  sort(first, last, comp);
}
template <class It> void partial_sort(It first, It middle, It last) {
  sort(first, last);
}
template <class It, class Cmp>
void nth_element(It first, It nth, It last, Cmp comp) {
  sort(first, last, comp);
}
template <class It> void nth_element(It first, It nth, It last) {
  sort(first, last);
}
template <class It, class P> It find_if(It first, It last, P pred) {
  for (; first != last; ++first)
    if (pred(*first))
      return first;
  return last;
}
template <class It, class T> It find(It first, It last, const T &value) {
  for (; first != last; ++first)
    if (*first == value)
      return first;
  return last;
}
template <class It, class P> ptrdiff_t count_if(It first, It last, P pred) {
  ptrdiff_t n = 0;
  for (; first != last; ++first)
    if (pred(*first))
      ++n;
  return n;
}
template <class It, class T>
ptrdiff_t count(It first, It last, const T &value) {
  ptrdiff_t n = 0;
  for (; first != last; ++first)
    if (*first == value)
      ++n;
  return n;
}
template <class It, class P> bool any_of(It first, It last, P pred) {
  return find_if(first, last, pred) != last;
}
template <class It, class P> bool all_of(It first, It last, P pred) {
  for (; first != last; ++first)
    if (!pred(*first))
      return false;
  return true;
}
template <class It, class P> bool none_of(It first, It last, P pred) {
  return !any_of(first, last, pred);
}
template <class It> It min_element(It first, It last) {
  It best = first;
  for (; first != last; ++first)
    if (*first < *best)
      best = first;
  return best;
}
template <class It> It max_element(It first, It last) {
  It best = first;
  for (; first != last; ++first)
    if (*best < *first)
      best = first;
  return best;
}
template <class It, class T> It lower_bound(It first, It last, const T &value) {
  for (; first != last; ++first)
    if (!(*first < value))
      return first;
  return last;
}
template <class It, class T> It upper_bound(It first, It last, const T &value) {
  for (; first != last; ++first)
    if (value < *first)
      return first;
  return last;
}
template <class It, class T>
bool binary_search(It first, It last, const T &value) {
  It i = lower_bound(first, last, value);
  return i != last && !(value < *i);
}
template <class It, class T>
pair<It, It> equal_range(It first, It last, const T &value) {
  return {lower_bound(first, last, value), upper_bound(first, last, value)};
}
template <class It, class F> F for_each(It first, It last, F f) {
  for (; first != last; ++first)
    f(*first);
  return f;
}
template <__execution_policy E, class It, class F>
void for_each(E &&policy, It first, It last, F f) {
  for_each(first, last, f);
}
template <class It, class N, class F> It for_each_n(It first, N n, F f) {
  for (N i = 0; i < n; ++i, ++first)
    f(*first);
  return first;
}
template <class It, class O, class F>
O transform(It first, It last, O out, F f) {
  for (; first != last; ++first, ++out)
    *out = f(*first);
  return out;
}
template <class I1, class I2, class O, class F>
O transform(I1 first1, I1 last1, I2 first2, O out, F f) {
  for (; first1 != last1; ++first1, ++first2, ++out)
    *out = f(*first1, *first2);
  return out;
}
template <class It, class G> void generate(It first, It last, G gen) {
  for (; first != last; ++first)
    *first = gen();
}
template <class It, class O> O copy(It first, It last, O out) {
  for (; first != last; ++first, ++out)
    *out = *first;
  return out;
}
template <class It, class T> void fill(It first, It last, const T &value) {
  for (; first != last; ++first)
    *first = value;
}
template <class It, class P> It remove_if(It first, It last, P pred) {
  It out = first;
  for (; first != last; ++first)
    if (!pred(*first))
      *out++ = static_cast<decltype(*first) &&>(*first);
  return out;
}
template <class It, class T> It remove(It first, It last, const T &value) {
  return remove_if(first, last, [&](const auto &x) { return x == value; });
}
template <class It> It unique(It first, It last) { return last; }
template <class It> void reverse(It first, It last) {
  for (; first != last && first != --last; ++first)
    swap(*first, *last);
}

template <class It, class T, class Op>
T accumulate(It first, It last, T init, Op op) {
  for (; first != last; ++first)
    init = op(init, *first);
  return init;
}
template <class It, class T> T accumulate(It first, It last, T init) {
  for (; first != last; ++first)
    init = init + *first;
  return init;
}
template <class It, class T, class Op>
T reduce(It first, It last, T init, Op op) {
  return accumulate(first, last, init, op);
}
template <class It, class T> T reduce(It first, It last, T init) {
  return accumulate(first, last, init);
}
template <class It>
auto reduce(It first, It last) -> remove_cvref_t<decltype(*first)> {
  return accumulate(first, last, remove_cvref_t<decltype(*first)>());
}
template <__execution_policy E, class It, class T>
T reduce(E &&policy, It first, It last, T init) {
  return accumulate(first, last, init);
}
template <class It, class T, class R, class U>
T transform_reduce(It first, It last, T init, R reduce, U transform) {
  for (; first != last; ++first)
    init = reduce(init, transform(*first));
  return init;
}
template <class I1, class I2, class T>
T transform_reduce(I1 first1, I1 last1, I2 first2, T init) {
  for (; first1 != last1; ++first1, ++first2)
    init = init + *first1 * *first2;
  return init;
}
template <class I1, class I2, class T>
T inner_product(I1 first1, I1 last1, I2 first2, T init) {
  return transform_reduce(first1, last1, first2, init);
}
template <class It, class O> O partial_sum(It first, It last, O out) {
  return copy(first, last, out);
}
template <class It, class T> void iota(It first, It last, T value) {
  for (; first != last; ++first, ++value)
    *first = value;
}

namespace ranges {
struct __sort_fn {
  template <class R>
    requires requires(R &r) { r.begin(); }
  void operator()(R &&r) const {}
  template <class R, class Cmp>
    requires requires(R &r) { r.begin(); }
  void operator()(R &&r, Cmp comp) const {}
  template <class It>
    requires requires(It i) { *i; }
  It operator()(It first, It last) const {
    return last;
  }
};
inline constexpr __sort_fn sort{};
struct __stable_sort_fn {
  template <class R>
    requires requires(R &r) { r.begin(); }
  void operator()(R &&r) const {}
  template <class It>
    requires requires(It i) { *i; }
  It operator()(It first, It last) const {
    return last;
  }
};
inline constexpr __stable_sort_fn stable_sort{};
struct __find_fn {
  template <class R, class T>
    requires requires(R &r) { r.begin(); }
  auto operator()(R &&r, const T &value) const -> decltype(r.begin()) {
    return r.begin();
  }
};
inline constexpr __find_fn find{};
struct __for_each_fn {
  template <class R, class F>
    requires requires(R &r) { r.begin(); }
  void operator()(R &&r, F f) const {
    for (auto &x : r)
      f(x);
  }
};
inline constexpr __for_each_fn for_each{};
} // namespace ranges

// --- <regex> -----------------------------------------------------------------
namespace regex_constants {
enum syntax_option_type : unsigned {
  icase = 1,
  nosubs = 2,
  optimize = 4,
  ECMAScript = 16,
  extended = 64
};
enum match_flag_type : unsigned { match_default = 0 };
} // namespace regex_constants
template <class C> struct regex_traits {};
inline namespace __cxx11 {
template <class C, class Tr = regex_traits<C>> class basic_regex {
  void *_M_automaton = nullptr;

public:
  typedef regex_constants::syntax_option_type flag_type;
  basic_regex();
  explicit basic_regex(const C *pattern,
                       flag_type flags = regex_constants::ECMAScript);
  explicit basic_regex(const basic_string<C> &pattern,
                       flag_type flags = regex_constants::ECMAScript);
  basic_regex(const basic_regex &);
  ~basic_regex();
  basic_regex &assign(const C *pattern,
                      flag_type flags = regex_constants::ECMAScript);
};
typedef basic_regex<char> regex;
template <class BiIt> class sub_match {
public:
  BiIt first, second;
  bool matched;
  string str() const;
  operator string() const;
};
template <class BiIt> class match_results {
  vector<sub_match<BiIt>> _M_subs;

public:
  match_results();
  ~match_results();
  size_t size() const noexcept;
  bool empty() const noexcept;
  const sub_match<BiIt> &operator[](size_t n) const;
  string str(size_t n = 0) const;
  ptrdiff_t position(size_t n = 0) const;
  ptrdiff_t length(size_t n = 0) const;
};
typedef match_results<const char *> cmatch;
typedef match_results<string::const_iterator> smatch;
template <class BiIt, class C = char, class Tr = regex_traits<C>>
class regex_iterator {
  match_results<BiIt> _M_match;

public:
  regex_iterator();
  regex_iterator(BiIt first, BiIt last, const basic_regex<C, Tr> &re);
  const match_results<BiIt> &operator*() const;
  const match_results<BiIt> *operator->() const;
  regex_iterator &operator++();
  bool operator==(const regex_iterator &) const;
};
typedef regex_iterator<string::const_iterator> sregex_iterator;
} // namespace __cxx11
bool regex_match(const string &s, const regex &re);
bool regex_match(const string &s, smatch &m, const regex &re);
bool regex_match(const char *s, const regex &re);
bool regex_search(const string &s, const regex &re);
bool regex_search(const string &s, smatch &m, const regex &re);
bool regex_search(const char *s, const regex &re);
string regex_replace(const string &s, const regex &re, const string &fmt);
string regex_replace(const string &s, const regex &re, const char *fmt);

// --- <cmath> (libstdc++ layout: using ::f for double, overloads in std) ------
// Integer arguments go to templates, as in libstdc++ (std::sqrt(2) is the
// template std::sqrt, std::pow(x, 2) the template std::pow).
using ::sqrt;
float sqrt(float x);
long double sqrt(long double x);
template <class T>
  requires(__is_integral(T))
double sqrt(T x);
using ::cbrt;
using ::exp;
float exp(float x);
long double exp(long double x);
template <class T>
  requires(__is_integral(T))
double exp(T x);
using ::exp2;
using ::log;
float log(float x);
long double log(long double x);
template <class T>
  requires(__is_integral(T))
double log(T x);
using ::log2;
using ::log10;
using ::pow;
float pow(float x, float y);
long double pow(long double x, long double y);
template <class T, class U>
  requires(__is_arithmetic(T) && __is_arithmetic(U))
double pow(T x, U y);
using ::sin;
float sin(float x);
using ::cos;
float cos(float x);
using ::tan;
using ::atan;
using ::atan2;
using ::tanh;
using ::erf;
float erf(float x);
using ::lgamma;
float lgamma(float x);
using ::tgamma;
using ::hypot;
using ::fabs;
using ::floor;
using ::ceil;
using ::fmod;
using ::abs;
double abs(double x);
float abs(float x);
using ::memcpy;
using ::memmove;
using ::memset;
using ::memcmp;
using ::strlen;
using ::strtok;
using ::rand;
using ::srand;
using ::getenv;
using ::printf;
using ::snprintf;
using ::strtol;
using ::strtod;
using ::atoi;

// --- <charconv>, <format> ----------------------------------------------------
enum class errc { invalid_argument = 22, result_out_of_range = 34 };
struct from_chars_result {
  const char *ptr;
  errc ec;
};
struct to_chars_result {
  char *ptr;
  errc ec;
};
from_chars_result from_chars(const char *first, const char *last, int &value,
                             int base = 10);
from_chars_result from_chars(const char *first, const char *last, long &value,
                             int base = 10);
from_chars_result from_chars(const char *first, const char *last,
                             long long &value, int base = 10);
from_chars_result from_chars(const char *first, const char *last,
                             unsigned &value, int base = 10);
from_chars_result from_chars(const char *first, const char *last,
                             float &value);
from_chars_result from_chars(const char *first, const char *last,
                             double &value);
to_chars_result to_chars(char *first, char *last, int value);
to_chars_result to_chars(char *first, char *last, long long value);
to_chars_result to_chars(char *first, char *last, double value);
template <class... A> string format(const char *fmt, A &&...args);
template <class O, class... A> O format_to(O out, const char *fmt, A &&...args);

// --- <coroutine> -------------------------------------------------------------
template <class R, class = void> struct __coroutine_traits_impl {};
template <class R>
struct __coroutine_traits_impl<R, void_t<typename R::promise_type>> {
  typedef typename R::promise_type promise_type;
};
template <class R, class... A>
struct coroutine_traits : __coroutine_traits_impl<R> {};

template <class Promise = void> struct coroutine_handle;
template <> struct coroutine_handle<void> {
  constexpr coroutine_handle() noexcept = default;
  constexpr coroutine_handle(nullptr_t) noexcept {}
  coroutine_handle &operator=(nullptr_t) noexcept {
    _M_fr_ptr = nullptr;
    return *this;
  }
  constexpr void *address() const noexcept { return _M_fr_ptr; }
  static constexpr coroutine_handle from_address(void *a) noexcept {
    coroutine_handle h;
    h._M_fr_ptr = a;
    return h;
  }
  constexpr explicit operator bool() const noexcept {
    return _M_fr_ptr != nullptr;
  }
  bool done() const noexcept { return __builtin_coro_done(_M_fr_ptr); }
  void operator()() const { resume(); }
  void resume() const { __builtin_coro_resume(_M_fr_ptr); }
  void destroy() const { __builtin_coro_destroy(_M_fr_ptr); }

protected:
  void *_M_fr_ptr = nullptr;
};
template <class Promise> struct coroutine_handle {
  constexpr coroutine_handle() noexcept = default;
  constexpr coroutine_handle(nullptr_t) noexcept {}
  static coroutine_handle from_promise(Promise &p) noexcept {
    coroutine_handle h;
    h._M_fr_ptr =
        __builtin_coro_promise((char *)&p, __alignof(Promise), true);
    return h;
  }
  static constexpr coroutine_handle from_address(void *a) noexcept {
    coroutine_handle h;
    h._M_fr_ptr = a;
    return h;
  }
  constexpr void *address() const noexcept { return _M_fr_ptr; }
  constexpr operator coroutine_handle<>() const noexcept {
    return coroutine_handle<>::from_address(_M_fr_ptr);
  }
  constexpr explicit operator bool() const noexcept {
    return _M_fr_ptr != nullptr;
  }
  bool done() const noexcept { return __builtin_coro_done(_M_fr_ptr); }
  void operator()() const { resume(); }
  void resume() const { __builtin_coro_resume(_M_fr_ptr); }
  void destroy() const { __builtin_coro_destroy(_M_fr_ptr); }
  Promise &promise() const {
    return *static_cast<Promise *>(
        __builtin_coro_promise(_M_fr_ptr, __alignof(Promise), false));
  }

private:
  void *_M_fr_ptr = nullptr;
};
struct suspend_always {
  constexpr bool await_ready() const noexcept { return false; }
  constexpr void await_suspend(coroutine_handle<>) const noexcept {}
  constexpr void await_resume() const noexcept {}
};
struct suspend_never {
  constexpr bool await_ready() const noexcept { return true; }
  constexpr void await_suspend(coroutine_handle<>) const noexcept {}
  constexpr void await_resume() const noexcept {}
};

} // namespace std

#endif // CONCUR_MOCK_STD_H
