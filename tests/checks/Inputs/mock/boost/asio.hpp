// boost/asio.hpp - mock of Boost.Asio for concur's check tests: the same
// declarations as the standalone <asio.hpp> mock, in namespace boost::asio
// (error_code is also boost::system::error_code).

#ifndef CONCUR_MOCK_BOOST_ASIO_HPP
#define CONCUR_MOCK_BOOST_ASIO_HPP
#pragma GCC system_header

#include "mock_std.h"

namespace boost {
namespace asio {
#include "concur_mock_asio_body.inc"
} // namespace asio
namespace system {
using asio::error_code;
} // namespace system
} // namespace boost

#endif // CONCUR_MOCK_BOOST_ASIO_HPP
