// The router's view of a request Beast has parsed: shared by the server's
// connection (http_server.cc) and the HTTP fuzz target, so that both hand
// the router exactly the same fields. Includes Beast's http headers: include
// it only where Beast is already paid for.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string_view>

#include "message.h"

namespace hipcoach::server {

// The views point into `request` and `client`, which must outlive the result.
inline Request request_view(
    const boost::beast::http::request<boost::beast::http::string_body>& request,
    std::string_view client) {
  namespace http = boost::beast::http;
  return Request{
      .method = request.method_string(),
      .target = request.target(),
      .if_none_match = request[http::field::if_none_match],
      .accept_encoding = request[http::field::accept_encoding],
      .content_type = request[http::field::content_type],
      .origin = request[http::field::origin],
      .host = request[http::field::host],
      .authorization = request[http::field::authorization],
      .cookie = request[http::field::cookie],
      .client = client,
      .body = request.body(),
  };
}

}  // namespace hipcoach::server
