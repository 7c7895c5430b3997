// Throwaway TLS certificates for tests, made at test time with OpenSSL's C
// API: a self-signed EC P-256 certificate for 127.0.0.1 (its CN and its
// subjectAltName IP), valid from an hour before now for a day. Header-only,
// so that the server and CLI tests share it; nothing here is a secret.
#pragma once

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

namespace hipcoach::server::testing {

struct TestCertificate {
  std::string cert_pem;
  std::string key_pem;  // Unencrypted PKCS#8 ("BEGIN PRIVATE KEY").
};

namespace detail {

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

// What a memory BIO holds (BIO_get_mem_data, without its C cast).
inline std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_ctrl(bio, BIO_CTRL_INFO, 0, static_cast<void*>(&data));
  return std::string(data, static_cast<std::size_t>(size));
}

inline Pkey make_ec_key() {
  EVP_PKEY_CTX* context = EVP_PKEY_CTX_new_id(EVP_PKEY_EC, nullptr);
  EVP_PKEY* key = nullptr;
  if (context == nullptr || EVP_PKEY_keygen_init(context) != 1 ||
      EVP_PKEY_CTX_set_ec_paramgen_curve_nid(context, NID_X9_62_prime256v1) != 1 ||
      EVP_PKEY_keygen(context, &key) != 1) {
    std::abort();
  }
  EVP_PKEY_CTX_free(context);
  return Pkey(key);
}

// The PEM text of `key`; encrypted with AES-256 under `passphrase` when it
// is not empty.
inline std::string key_pem(EVP_PKEY* key, const std::string& passphrase = "") {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  const bool written =
      passphrase.empty()
          ? PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1
          : PEM_write_bio_PKCS8PrivateKey(bio.get(), key, EVP_aes_256_cbc(), passphrase.data(),
                                          static_cast<int>(passphrase.size()), nullptr,
                                          nullptr) == 1;
  if (!written) std::abort();
  return bio_text(bio.get());
}

}  // namespace detail

// A fresh key and a self-signed certificate for it.
inline TestCertificate make_test_certificate() {
  detail::Pkey key = detail::make_ec_key();
  std::unique_ptr<X509, detail::X509Free> cert(X509_new());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  const std::string host = "127.0.0.1";
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(host.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509V3_CTX v3{};
  X509V3_set_ctx(&v3, cert.get(), cert.get(), nullptr, nullptr, 0);
  std::string alt_name = "IP:127.0.0.1";
  X509_EXTENSION* extension =
      X509V3_EXT_conf_nid(nullptr, &v3, NID_subject_alt_name, alt_name.data());
  if (extension == nullptr || X509_add_ext(cert.get(), extension, -1) != 1) std::abort();
  X509_EXTENSION_free(extension);
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) std::abort();

  std::unique_ptr<BIO, detail::BioFree> bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_X509(bio.get(), cert.get()) != 1) std::abort();
  return {detail::bio_text(bio.get()), detail::key_pem(key.get())};
}

// A key of another certificate: it does not match make_test_certificate()'s.
inline std::string make_other_key_pem() { return detail::key_pem(detail::make_ec_key().get()); }

// A fresh EC key, encrypted under a passphrase.
inline std::string make_encrypted_key_pem() {
  return detail::key_pem(detail::make_ec_key().get(), "a passphrase");
}

inline void write_text_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) std::abort();
}

}  // namespace hipcoach::server::testing
