// TLS settings of korpus servers and clients: the PEM files named by the
// --tls_* flags, read and checked at start-up so that a wrong path, a file
// without a certificate or a key that does not belong to its certificate
// stops the process with a message naming the flag, rather than failing
// every handshake later. No gRPC here; server.cc and libs/clients/channel.cc
// turn the loaded PEM text into gRPC credentials.
#ifndef KORPUS_LIBS_SERVER_TLS_H_
#define KORPUS_LIBS_SERVER_TLS_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"

namespace korpus {

// A server's files (flags --tls_cert_file, --tls_key_file,
// --tls_client_ca_file). All empty: plaintext.
struct ServerTlsFiles {
  // The server's certificate chain (its own certificate first) and its
  // private key (unencrypted), both PEM; both or neither.
  std::string cert_file;
  std::string key_file;
  // If set, clients must present a certificate signed by one of these CAs
  // (PEM): mutual TLS. Requires cert_file and key_file.
  std::string client_ca_file;
};

struct ServerTls {
  std::string cert_chain_pem;
  std::string private_key_pem;
  // Empty: client certificates are neither requested nor required.
  std::string client_ca_pem;
};

// nullopt for plaintext (all files empty). INVALID_ARGUMENT naming the flag
// for a file set without its partner, a file that holds no PEM certificate
// or key, or a key that does not match the certificate; NOT_FOUND naming
// the flag for a file that cannot be read.
absl::StatusOr<std::optional<ServerTls>> LoadServerTls(const ServerTlsFiles& files);

// A client's files (flags --tls_ca_file, --tls_client_cert_file,
// --tls_client_key_file, --tls_server_name). ca_file empty: plaintext.
struct ClientTlsFiles {
  // The CAs (PEM) that sign the servers' certificates; setting it turns TLS
  // on. For a server with a public certificate, the system's bundle
  // (/etc/ssl/certs/ca-certificates.crt on Debian).
  std::string ca_file;
  // The client's certificate chain and key (PEM), for servers that require
  // mutual TLS; both or neither.
  std::string cert_file;
  std::string key_file;
  // If set, the name the server's certificate must carry, instead of the
  // host of the target address (e.g. when connecting by IP address).
  std::string server_name;
};

struct ClientTls {
  std::string root_certs_pem;
  // Both empty without a client certificate.
  std::string cert_chain_pem;
  std::string private_key_pem;
  std::string server_name;
};

// nullopt for plaintext (all empty). Errors as LoadServerTls; a client
// certificate or server name without ca_file is INVALID_ARGUMENT.
absl::StatusOr<std::optional<ClientTls>> LoadClientTls(const ClientTlsFiles& files);

}  // namespace korpus

#endif  // KORPUS_LIBS_SERVER_TLS_H_
