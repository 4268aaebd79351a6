// asio.hpp - mock of standalone Asio for concur's check tests: the
// synchronous and asynchronous socket, resolver, timer and executor
// operations named in checks/data/knowledge-base.yaml, in namespace asio.
// <boost/asio.hpp> declares the same in namespace boost::asio.

#ifndef CONCUR_MOCK_ASIO_HPP
#define CONCUR_MOCK_ASIO_HPP
#pragma GCC system_header

#include "mock_std.h"

namespace asio {
#include "concur_mock_asio_body.inc"
} // namespace asio

#endif // CONCUR_MOCK_ASIO_HPP
