#include "libs/server/tls.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace korpus {
namespace {

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using Bio = std::unique_ptr<BIO, BioFree>;
using Certificate = std::unique_ptr<X509, X509Free>;
using PrivateKey = std::unique_ptr<EVP_PKEY, KeyFree>;

// Refuses to prompt for a passphrase: an encrypted key fails to load.
int NoPassphrase(char* /*buffer*/, int /*size*/, int /*rwflag*/, void* /*userdata*/) { return -1; }

Bio MemoryBio(const std::string& pem) {
  return Bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

absl::StatusOr<std::string> ReadFile(const std::string& path, const char* flag) {
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) {
    return absl::NotFoundError(
        absl::StrCat("cannot read ", flag, "=", path, ": ", std::strerror(errno)));
  }
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

// The first certificate of a PEM file (the leaf of a chain), after
// checking that the file holds at least one.
absl::StatusOr<Certificate> FirstCertificate(const std::string& pem, const std::string& path,
                                             const char* flag) {
  Bio bio = MemoryBio(pem);
  Certificate cert(PEM_read_bio_X509(bio.get(), nullptr, NoPassphrase, nullptr));
  ERR_clear_error();
  if (cert == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, "=", path, " holds no PEM certificate (\"-----BEGIN CERTIFICATE-----\")"));
  }
  return cert;
}

absl::StatusOr<PrivateKey> ReadKey(const std::string& pem, const std::string& path,
                                   const char* flag) {
  Bio bio = MemoryBio(pem);
  PrivateKey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
  ERR_clear_error();
  if (key == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, "=", path,
                     " holds no unencrypted PEM private key (\"-----BEGIN PRIVATE KEY-----\")"));
  }
  return key;
}

// Reads a certificate chain and its key, checking that they belong together.
absl::Status LoadPair(const std::string& cert_file, const char* cert_flag,
                      const std::string& key_file, const char* key_flag, std::string* cert_pem,
                      std::string* key_pem) {
  absl::StatusOr<std::string> cert_text = ReadFile(cert_file, cert_flag);
  if (!cert_text.ok()) return cert_text.status();
  absl::StatusOr<std::string> key_text = ReadFile(key_file, key_flag);
  if (!key_text.ok()) return key_text.status();
  absl::StatusOr<Certificate> cert = FirstCertificate(*cert_text, cert_file, cert_flag);
  if (!cert.ok()) return cert.status();
  absl::StatusOr<PrivateKey> key = ReadKey(*key_text, key_file, key_flag);
  if (!key.ok()) return key.status();
  const int matches = X509_check_private_key(cert->get(), key->get());
  ERR_clear_error();
  if (matches != 1) {
    return absl::InvalidArgumentError(absl::StrCat("the key in ", key_flag, "=", key_file,
                                                   " does not belong to the certificate in ",
                                                   cert_flag, "=", cert_file));
  }
  *cert_pem = *std::move(cert_text);
  *key_pem = *std::move(key_text);
  return absl::OkStatus();
}

absl::StatusOr<std::string> LoadCaFile(const std::string& path, const char* flag) {
  absl::StatusOr<std::string> text = ReadFile(path, flag);
  if (!text.ok()) return text.status();
  absl::StatusOr<Certificate> cert = FirstCertificate(*text, path, flag);
  if (!cert.ok()) return cert.status();
  return text;
}

}  // namespace

absl::StatusOr<std::optional<ServerTls>> LoadServerTls(const ServerTlsFiles& files) {
  if (files.cert_file.empty() && files.key_file.empty() && files.client_ca_file.empty()) {
    return std::nullopt;
  }
  if (files.cert_file.empty() || files.key_file.empty()) {
    return absl::InvalidArgumentError(
        files.client_ca_file.empty() || !files.cert_file.empty() || !files.key_file.empty()
            ? "--tls_cert_file and --tls_key_file go together: set both (TLS) or neither "
              "(plaintext)"
            : "--tls_client_ca_file requires --tls_cert_file and --tls_key_file (the server's "
              "own certificate and key)");
  }
  ServerTls tls;
  if (absl::Status status = LoadPair(files.cert_file, "--tls_cert_file", files.key_file,
                                     "--tls_key_file", &tls.cert_chain_pem, &tls.private_key_pem);
      !status.ok()) {
    return status;
  }
  if (!files.client_ca_file.empty()) {
    absl::StatusOr<std::string> ca = LoadCaFile(files.client_ca_file, "--tls_client_ca_file");
    if (!ca.ok()) return ca.status();
    tls.client_ca_pem = *std::move(ca);
  }
  return tls;
}

absl::StatusOr<std::optional<ClientTls>> LoadClientTls(const ClientTlsFiles& files) {
  if (files.ca_file.empty()) {
    if (!files.cert_file.empty() || !files.key_file.empty() || !files.server_name.empty()) {
      return absl::InvalidArgumentError(
          "--tls_client_cert_file, --tls_client_key_file and --tls_server_name need "
          "--tls_ca_file (the CAs that sign the server's certificate), which turns TLS on");
    }
    return std::nullopt;
  }
  ClientTls tls;
  absl::StatusOr<std::string> ca = LoadCaFile(files.ca_file, "--tls_ca_file");
  if (!ca.ok()) return ca.status();
  tls.root_certs_pem = *std::move(ca);
  if (files.cert_file.empty() != files.key_file.empty()) {
    return absl::InvalidArgumentError(
        "--tls_client_cert_file and --tls_client_key_file go together: set both (mutual TLS) "
        "or neither");
  }
  if (!files.cert_file.empty()) {
    if (absl::Status status =
            LoadPair(files.cert_file, "--tls_client_cert_file", files.key_file,
                     "--tls_client_key_file", &tls.cert_chain_pem, &tls.private_key_pem);
        !status.ok()) {
      return status;
    }
  }
  tls.server_name = files.server_name;
  return tls;
}

}  // namespace korpus
