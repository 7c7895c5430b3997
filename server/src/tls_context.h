// The server's TLS settings, made with OpenSSL's C API in a translation
// unit of its own (no Beast, no Asio): http_server.cc wraps the result in an
// asio::ssl::context. Thread-safe: no shared state.
#pragma once

#include <filesystem>
#include <memory>

#include "hipcoach/core/result.h"

struct ssl_ctx_st;  // OpenSSL's SSL_CTX.

namespace hipcoach::server {

struct SslContextDeleter {
  void operator()(ssl_ctx_st* context) const;
};
using SslContextPtr = std::unique_ptr<ssl_ctx_st, SslContextDeleter>;

// A server context holding the certificate chain in `cert_file` (PEM, the
// server's certificate first) and the unencrypted private key in `key_file`
// (PEM), which must match it. TLS 1.2 and 1.3 only, with forward-secret
// AEAD cipher suites, no compression, no renegotiation.
// Errors are kInvalidInput with where "--tls-cert" or "--tls-key" and a
// message that names the file and what is wrong with it: it cannot be read,
// it holds no PEM certificate or key, the key is encrypted, or the key does
// not belong to the certificate. kInternal when OpenSSL itself fails.
core::Result<SslContextPtr> make_tls_context(const std::filesystem::path& cert_file,
                                             const std::filesystem::path& key_file);

}  // namespace hipcoach::server
