// Round trips through concur's archives, in one process: every supported
// type, user types through serialize(), shared-memory blocks above the
// threshold, and the errors a corrupt message must raise.
#include "concur/serialize.hpp"
#include "concur/shared_buffer.hpp"

#include "invalid_argument_message.hpp"
#include <gtest/gtest.h>
#include <stdexcept>
#include <string>

#include <cstring>
#include <limits>

namespace {

template <class T>
T round_trip(const T &value,
             std::size_t threshold = concur::default_shared_memory_threshold) {
  concur::output_archive out(threshold);
  out(value);
  concur::input_archive in(out.bytes(), out.descriptors());
  T copy{};
  in(copy);
  in.finish();
  return copy;
}

struct plain {
  int a;
  double b;
  char c[3];
  friend bool operator==(const plain &, const plain &) = default;
};

struct record {
  std::string name;
  std::vector<int> values;
  std::optional<std::map<std::string, double>> extra;
  template <class Archive> void serialize(Archive &archive) {
    archive(name, values, extra);
  }
  friend bool operator==(const record &, const record &) = default;
};

// A type we cannot edit: the free-function form.
struct legacy {
  long id = 0;
  std::string text;
  friend bool operator==(const legacy &, const legacy &) = default;
};
template <class Archive> void serialize(Archive &archive, legacy &value) {
  archive(value.id, value.text);
}

enum class colour : std::uint8_t { red, green };

TEST(Serialize, TriviallyCopyable) {
  EXPECT_EQ(round_trip(42), 42);
  EXPECT_EQ(round_trip(-1.5), -1.5);
  EXPECT_EQ(round_trip(std::numeric_limits<std::uint64_t>::max()),
            std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(round_trip(colour::green), colour::green);
  EXPECT_EQ(round_trip(plain{1, 2.5, {'x', 'y', 'z'}}),
            (plain{1, 2.5, {'x', 'y', 'z'}}));
  EXPECT_EQ(round_trip(std::array<int, 3>{1, 2, 3}),
            (std::array<int, 3>{1, 2, 3}));
}

TEST(Serialize, StandardContainers) {
  EXPECT_EQ(round_trip(std::string("hello")), "hello");
  EXPECT_EQ(round_trip(std::string()), "");
  EXPECT_EQ(round_trip(std::vector<double>{1, 2, 3}),
            (std::vector<double>{1, 2, 3}));
  EXPECT_EQ(round_trip(std::vector<bool>{true, false, true}),
            (std::vector<bool>{true, false, true}));
  EXPECT_EQ(round_trip(std::vector<std::string>{"a", "", "ccc"}),
            (std::vector<std::string>{"a", "", "ccc"}));
  std::map<std::string, std::vector<int>> map{{"x", {1}}, {"y", {}}};
  EXPECT_EQ(round_trip(map), map);
  std::unordered_map<int, std::string> hashed{{1, "one"}, {2, "two"}};
  EXPECT_EQ(round_trip(hashed), hashed);
  std::multimap<int, int> multi{{1, 1}, {1, 2}};
  EXPECT_EQ(round_trip(multi), multi);
  std::set<std::string> set{"b", "a"};
  EXPECT_EQ(round_trip(set), set);
  std::unordered_set<long> uset{5, 7};
  EXPECT_EQ(round_trip(uset), uset);
  std::list<int> list{3, 1};
  EXPECT_EQ(round_trip(list), list);
  std::deque<std::string> deque{"q"};
  EXPECT_EQ(round_trip(deque), deque);
}

TEST(Serialize, TuplesOptionalsVariants) {
  auto tuple =
      std::make_tuple(1, std::string("two"), 3.0, std::vector<char>{'4'});
  EXPECT_EQ(round_trip(tuple), tuple);
  EXPECT_EQ(round_trip(std::pair<int, std::string>(7, "seven")),
            (std::pair<int, std::string>(7, "seven")));
  EXPECT_EQ(round_trip(std::optional<std::string>()), std::nullopt);
  EXPECT_EQ(round_trip(std::optional<std::string>("x")),
            std::optional<std::string>("x"));
  std::variant<int, std::string, std::vector<int>> variant = std::string("v");
  EXPECT_EQ(round_trip(variant), variant);
  variant = std::vector<int>{1, 2};
  EXPECT_EQ(round_trip(variant), variant);
  EXPECT_EQ(round_trip(std::tuple<>()), std::tuple<>());
}

TEST(Serialize, UserTypes) {
  record r{"r", {1, 2, 3}, std::map<std::string, double>{{"pi", 3.14}}};
  EXPECT_EQ(round_trip(r), r);
  EXPECT_EQ(round_trip(std::vector<record>{r, record{}}),
            (std::vector<record>{r, record{}}));
  legacy l{9, "nine"};
  EXPECT_EQ(round_trip(l), l);
}

TEST(Serialize, MeasuresThenWritesIntoAFixedBuffer) {
  record r{"r", {1, 2, 3}, std::map<std::string, double>{{"pi", 3.14}}};
  std::string text(5000, 'q');
  concur::output_archive counter(concur::output_archive::measure);
  counter(r, text);
  concur::output_archive reference(std::size_t(-1));
  reference(r, text);
  ASSERT_EQ(counter.written(), reference.bytes().size());
  EXPECT_TRUE(counter.bytes().empty()); // counted, not stored

  std::vector<std::byte> fixed(counter.written());
  concur::output_archive direct{std::span<std::byte>(fixed)};
  direct(r, text);
  EXPECT_EQ(direct.written(), fixed.size());
  EXPECT_EQ(fixed, reference.bytes());

  // One byte short: a clear error, not a write past the end.
  std::vector<std::byte> short_buffer(fixed.size() - 1);
  concur::output_archive overflow{std::span<std::byte>(short_buffer)};
  EXPECT_THROW(overflow(r, text), concur::serialization_error);
}

TEST(Serialize, InlineBlocksDecodeAtAnyAlignment) {
  // The doubles follow a one-byte value, so they are not aligned in the
  // message: decoded by a copy rather than read in place.
  std::vector<double> numbers{0.5, 1.5, 2.5};
  std::string text(1000, 't');
  concur::output_archive out(std::size_t(-1));
  out(std::uint8_t(7), numbers, text);
  std::span<concur::detail::ipc::unique_fd> none;
  concur::input_archive in(out.bytes(), none);
  std::uint8_t seven = 0;
  std::vector<double> numbers_back{9.0}; // replaced, not appended to
  std::string text_back = "old";
  in(seven, numbers_back, text_back);
  in.finish();
  EXPECT_EQ(seven, 7);
  EXPECT_EQ(numbers_back, numbers);
  EXPECT_EQ(text_back, text);
}

TEST(Serialize, Concepts) {
  static_assert(concur::serializable<int>);
  static_assert(
      concur::serializable<std::map<std::string, std::vector<record>>>);
  static_assert(concur::serializable<int (*)(int)>);
  static_assert(!concur::serializable<int *>);
  static_assert(!concur::serializable<std::string_view>);
  static_assert(!concur::serializable<std::span<int>>);
  static_assert(!concur::serializable<std::vector<const char *>>);
  static_assert(!concur::serializable<std::unique_ptr<int>>);
}

TEST(Serialize, LargeBlocksTravelInSharedMemory) {
  std::vector<double> big(200'000);
  for (std::size_t i = 0; i < big.size(); ++i)
    big[i] = double(i) * 0.5;
  std::string text(300'000, 'z');
  concur::output_archive out(1 << 16);
  out(big, text, std::vector<int>{1, 2}); // the small vector stays inline
  EXPECT_EQ(out.descriptors().size(), 2u);
  EXPECT_LT(out.bytes().size(), 200u); // headers only
  concur::input_archive in(out.bytes(), out.descriptors());
  std::vector<double> big_copy;
  std::string text_copy;
  std::vector<int> small;
  in(big_copy, text_copy, small);
  in.finish();
  EXPECT_EQ(big_copy, big);
  EXPECT_EQ(text_copy, text);
  EXPECT_EQ(small, (std::vector<int>{1, 2}));

  concur::output_archive inline_out(std::size_t(1) << 30);
  inline_out(big);
  EXPECT_TRUE(inline_out.descriptors().empty());
  EXPECT_GT(inline_out.bytes().size(), big.size() * sizeof(double));
}

TEST(Serialize, NegativeOrAbsurdSharedBufferSizeIsAClearError) {
  // -1 elements of 8 bytes would wrap to a small mapping behind a huge size.
  EXPECT_EQ(
      invalid_argument_message([] { concur::shared_buffer<double> b(-1); }),
      "concur::shared_buffer: count must be between 0 and 137438953472 (1 TiB "
      "of elements), got -1");
  EXPECT_NE(invalid_argument_message([] {
              concur::shared_buffer<char> b(std::size_t{1} << 41);
            }).find("got 2199023255552"),
            std::string::npos);
}

TEST(Serialize, SharedBufferPassesItsDescriptor) {
  concur::shared_buffer<int> buffer(1000);
  buffer[10] = 42;
  concur::output_archive out;
  out(buffer);
  ASSERT_EQ(out.descriptors().size(), 1u);
  concur::input_archive in(out.bytes(), out.descriptors());
  concur::shared_buffer<int> view;
  in(view);
  ASSERT_EQ(view.size(), 1000u);
  EXPECT_NE(view.data(), buffer.data()); // a second mapping ...
  EXPECT_EQ(view[10], 42);
  view[11] = 7; // ... of the same memory
  EXPECT_EQ(buffer[11], 7);
  EXPECT_EQ(round_trip(concur::shared_buffer<int>()).size(), 0u);
}

TEST(Serialize, CorruptMessagesThrow) {
  concur::output_archive out;
  out(std::string("hello"), 5);
  std::vector<std::byte> bytes = out.bytes();
  {
    std::vector<std::byte> truncated(bytes.begin(), bytes.end() - 2);
    concur::input_archive in(truncated, {});
    std::string s;
    int i;
    EXPECT_THROW(in(s, i), concur::serialization_error);
  }
  {
    concur::input_archive in(bytes, {});
    std::string s;
    in(s);
    EXPECT_THROW(in.finish(), concur::serialization_error); // the int is unread
  }
  {
    std::vector<std::byte> bad = bytes;
    bad[8] = std::byte{7}; // block kind after the 8-byte count
    concur::input_archive in(bad, {});
    std::string s;
    EXPECT_THROW(in(s), concur::serialization_error);
  }
  {
    concur::output_archive shared(1);
    shared(std::string("needs a descriptor"));
    concur::input_archive in(shared.bytes(), {}); // descriptor lost
    std::string s;
    EXPECT_THROW(in(s), concur::serialization_error);
  }
  {
    concur::output_archive variant_out;
    variant_out(std::uint32_t(9));
    concur::input_archive in(variant_out.bytes(), {});
    std::variant<int, long> v;
    EXPECT_THROW(in(v), concur::serialization_error);
  }
}

} // namespace
