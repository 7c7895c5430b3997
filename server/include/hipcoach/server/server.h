// The HTTP server: the JSON API over the protocol and the static files of web/.
//
// run_server() blocks until SIGINT or SIGTERM, then stops
// accepting, lets in-flight requests finish and returns. Boost.Beast stays
// inside server/src; nothing in this header pulls it in.
#pragma once

#include <cstdint>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "hipcoach/core/result.h"

namespace hipcoach::server {

struct ServerOptions {
  std::string host = "127.0.0.1";  // Address to listen on.
  std::uint16_t port = 8080;       // 0 picks a free port; the chosen one is printed.
  std::filesystem::path data_dir;  // Holds sources.toml and protocol/. Required.
  std::filesystem::path web_dir;   // Static files served at /. Required.
  int threads = 0;                 // I/O threads; 0 means one per core.
  // Where accounts and records live: "sqlite:PATH", "postgresql://..." or
  // "memory:" (storage/open_store.h). Empty: no accounts; those routes answer 503.
  std::string db_url;
  // Workers for requests that wait on the database (writes wait for the
  // disk; several waiting writes share one commit).
  int database_threads = 16;
  // Workers that hash and check passwords (argon2id, 12 MiB each).
  int hashing_threads = 1;
  // Serve HTTPS with the PEM certificate chain in tls_cert and its
  // unencrypted PEM key in tls_key (both or neither; default neither: plain
  // HTTP). With TLS, every response carries Strict-Transport-Security and
  // the session cookie is Secure.
  std::filesystem::path tls_cert;
  std::filesystem::path tls_key;
  // For a server behind a reverse proxy that terminates TLS: mark the
  // session cookie Secure and send Strict-Transport-Security, as with TLS,
  // over plain HTTP to the proxy. Default false. Implied by tls_cert.
  bool secure_cookie = false;
  // The IP addresses of reverse proxies in front of this server. A request
  // from one of them is taken to come from the address the proxy appended
  // to X-Forwarded-For (the rightmost one no trusted proxy vouches for), so
  // that the sign-in limiter counts each client, not the proxy, and the
  // loopback-only /metrics stays closed to clients behind a local proxy.
  // Default none: X-Forwarded-For is ignored.
  std::vector<std::string> trusted_proxies;
};

// Checks that each of `addresses` (ServerOptions::trusted_proxies) is an IP
// address; else kInvalidInput with where "--trusted-proxy" naming it.
core::Result<void> check_trusted_proxies(const std::vector<std::string>& addresses);

// Checks, before serving, that `cert` holds a PEM certificate and `key` the
// unencrypted PEM private key that belongs to it. On failure kInvalidInput
// with where "--tls-cert" or "--tls-key" and a message naming the file and
// what is wrong (unreadable, no PEM certificate or key, encrypted key, key of
// another certificate).
core::Result<void> check_tls_files(const std::filesystem::path& cert,
                                   const std::filesystem::path& key);

// Loads the data and the web files, opens the database (applying its
// migrations), listens, and prints exactly one line
// "HipCoach listening on http://HOST:PORT/" (https:// with TLS) to `out`
// once it accepts connections. Returns 0 after a clean shutdown; 1 when the
// data is invalid (each diagnostic printed to `err`), the web directory, the
// TLS files or the database cannot be used, or the address cannot be bound
// (the reason printed to `err`).
int run_server(const ServerOptions& options, std::ostream& out, std::ostream& err);

}  // namespace hipcoach::server
