// concur/detail/size_check.hpp - the check every public size or count goes
// through: a value outside its documented range throws std::invalid_argument
// naming the class, the parameter, the range and the value.
//
// Sizes are std::size_t, so a negative int argument arrives as a huge value
// (-1 becomes 2^64 - 1); the upper bound catches it, and the message shows
// the value as the caller wrote it ("got -1", not "got 18446744073709551615").
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>

namespace concur::detail {

/// A size as its caller most likely wrote it: values in the upper half of the
/// range are negative numbers converted to an unsigned type.
inline std::string size_text(std::uint64_t value) {
  if (value > std::uint64_t(std::numeric_limits<std::int64_t>::max()))
    return std::to_string(static_cast<std::int64_t>(value));
  return std::to_string(value);
}

/// Throws std::invalid_argument("<where>: <what> must be between <min> and
/// <max><note>, got <value>") unless min <= value <= max.
inline void check_size(std::string_view where, std::string_view what,
                       std::uint64_t value, std::uint64_t min,
                       std::uint64_t max, std::string_view note = {}) {
  if (value >= min && value <= max)
    return;
  std::string message(where);
  message += ": ";
  message += what;
  message += " must be between ";
  message += std::to_string(min);
  message += " and ";
  message += std::to_string(max);
  message += note;
  message += ", got ";
  message += size_text(value);
  throw std::invalid_argument(message);
}

} // namespace concur::detail
