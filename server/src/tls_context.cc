#include "tls_context.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "hipcoach/server/server.h"

namespace hipcoach::server {
namespace {

using core::Error;

// PEM files larger than this are not certificates or keys.
constexpr std::size_t kMaxPemBytes = 1024 * 1024;

// TLS 1.2 suites with forward secrecy and AEAD only (TLS 1.3 keeps
// OpenSSL's defaults, which are all such).
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Deleter {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct PkeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};

// The reason of OpenSSL's oldest queued error, and clears the queue.
std::string openssl_reason() {
  const unsigned long code = ERR_peek_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  const char* reason = ERR_reason_error_string(code);
  return reason != nullptr ? reason : "unknown OpenSSL error";
}

// Never prompts for a passphrase: an encrypted key is refused instead.
int refuse_passphrase(char* /*buffer*/, int /*size*/, int /*rwflag*/, void* asked) {
  *static_cast<bool*>(asked) = true;
  return 0;
}

core::Result<std::string> read_pem_file(std::string_view flag, const std::filesystem::path& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    return Error::invalid_input(std::string(flag),
                                "cannot read " + path.string() + ": " + std::strerror(errno));
  }
  std::string text;
  char chunk[4096];
  std::size_t got = 0;
  while ((got = std::fread(chunk, 1, sizeof chunk, file)) > 0 && text.size() <= kMaxPemBytes) {
    text.append(chunk, got);
  }
  const bool failed = std::ferror(file) != 0;
  const int error_number = errno;
  std::fclose(file);
  if (failed) {
    return Error::invalid_input(
        std::string(flag), "cannot read " + path.string() + ": " + std::strerror(error_number));
  }
  if (text.size() > kMaxPemBytes) {
    return Error::invalid_input(std::string(flag),
                                path.string() + " is larger than 1 MiB: not a PEM file");
  }
  return text;
}

std::unique_ptr<BIO, BioDeleter> memory_bio(const std::string& text) {
  return std::unique_ptr<BIO, BioDeleter>(
      BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

}  // namespace

void SslContextDeleter::operator()(ssl_ctx_st* context) const { SSL_CTX_free(context); }

core::Result<SslContextPtr> make_tls_context(const std::filesystem::path& cert_file,
                                             const std::filesystem::path& key_file) {
  ERR_clear_error();
  auto cert_text = read_pem_file("--tls-cert", cert_file);
  if (!cert_text) return cert_text.error();
  auto key_text = read_pem_file("--tls-key", key_file);
  if (!key_text) return key_text.error();

  SslContextPtr context(SSL_CTX_new(TLS_server_method()));
  if (!context) return Error::internal("tls", "SSL_CTX_new: " + openssl_reason());
  SSL_CTX* ctx = context.get();
  SSL_CTX_set_options(ctx, SSL_OP_NO_SSLv2 | SSL_OP_NO_SSLv3 | SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1 |
                               SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                               SSL_OP_SINGLE_DH_USE | SSL_OP_SINGLE_ECDH_USE);
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_cipher_list(ctx, kTls12Ciphers) != 1) {
    return Error::internal("tls",
                           "cannot set the protocol versions and ciphers: " + openssl_reason());
  }
  // Idle keep-alive connections give their TLS buffers back.
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);

  // The certificate, then any chain certificates after it in the same file.
  bool asked = false;
  const auto cert_bio = memory_bio(*cert_text);
  std::unique_ptr<X509, X509Deleter> leaf(
      PEM_read_bio_X509_AUX(cert_bio.get(), nullptr, refuse_passphrase, &asked));
  if (!leaf) {
    ERR_clear_error();
    return Error::invalid_input("--tls-cert",
                                cert_file.string() +
                                    " holds no PEM certificate (a block that begins with "
                                    "\"-----BEGIN CERTIFICATE-----\")");
  }
  if (SSL_CTX_use_certificate(ctx, leaf.get()) != 1) {
    return Error::invalid_input("--tls-cert", "the certificate in " + cert_file.string() +
                                                  " cannot be used: " + openssl_reason());
  }
  while (X509* chain = PEM_read_bio_X509(cert_bio.get(), nullptr, refuse_passphrase, &asked)) {
    if (SSL_CTX_add0_chain_cert(ctx, chain) != 1) {
      X509_free(chain);
      return Error::invalid_input("--tls-cert", "a chain certificate in " + cert_file.string() +
                                                    " cannot be used: " + openssl_reason());
    }
  }
  ERR_clear_error();  // The end of the file, after the last certificate.

  const auto key_bio = memory_bio(*key_text);
  std::unique_ptr<EVP_PKEY, PkeyDeleter> key(
      PEM_read_bio_PrivateKey(key_bio.get(), nullptr, refuse_passphrase, &asked));
  if (!key) {
    ERR_clear_error();
    return Error::invalid_input(
        "--tls-key", asked ? key_file.string() +
                                 " holds an encrypted private key: give the key without a "
                                 "passphrase (readable by this server's user only)"
                           : key_file.string() +
                                 " holds no PEM private key (a block that begins with "
                                 "\"-----BEGIN PRIVATE KEY-----\")");
  }
  if (X509_check_private_key(leaf.get(), key.get()) != 1) {
    ERR_clear_error();
    return Error::invalid_input("--tls-key", "the key in " + key_file.string() +
                                                 " does not match the certificate in " +
                                                 cert_file.string());
  }
  if (SSL_CTX_use_PrivateKey(ctx, key.get()) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
    return Error::invalid_input(
        "--tls-key", "the key in " + key_file.string() + " cannot be used: " + openssl_reason());
  }
  return context;
}

core::Result<void> check_tls_files(const std::filesystem::path& cert,
                                   const std::filesystem::path& key) {
  auto context = make_tls_context(cert, key);
  if (!context) return context.error();
  return {};
}

}  // namespace hipcoach::server
