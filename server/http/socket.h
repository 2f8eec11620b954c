// The socket type of every accepted connection. It is bound to the executor of one I/O thread's
// io_context, not to a type-erased any_io_executor: a connection lives on one thread from accept
// to close, so it needs neither a strand nor the cost of executor type erasure on each operation.
#pragma once

#include <boost/asio/basic_stream_socket.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace ferry::http {

using Socket =
    boost::asio::basic_stream_socket<boost::asio::ip::tcp, boost::asio::io_context::executor_type>;

}  // namespace ferry::http
