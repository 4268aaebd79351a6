// What the runtime's tests of refused sizes and counts compare: the message
// of the std::invalid_argument a constructor or call throws.
#pragma once

#include <exception>
#include <stdexcept>
#include <string>

// The message of the std::invalid_argument that `make` throws ("" if none).
template <class F> std::string invalid_argument_message(F make) {
  try {
    make();
  } catch (const std::invalid_argument &e) {
    return e.what();
  } catch (const std::exception &e) {
    return std::string("not std::invalid_argument: ") + e.what();
  }
  return "";
}
