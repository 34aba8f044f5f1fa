#include "libs/server/client_tls_flags.h"

#include <string>

#include "absl/flags/flag.h"

ABSL_FLAG(std::string, tls_ca_file, "",
          "PEM CA certificates that sign the certificates of the korpus servers this program "
          "calls; setting it turns TLS on for those calls (env KORPUS_TLS_CA_FILE). For a "
          "server with a public certificate: /etc/ssl/certs/ca-certificates.crt.");
ABSL_FLAG(std::string, tls_client_cert_file, "",
          "PEM certificate chain this program presents to servers that require mutual TLS, "
          "with --tls_client_key_file (env KORPUS_TLS_CLIENT_CERT_FILE). Needs --tls_ca_file.");
ABSL_FLAG(std::string, tls_client_key_file, "",
          "PEM private key (unencrypted) of --tls_client_cert_file "
          "(env KORPUS_TLS_CLIENT_KEY_FILE).");
ABSL_FLAG(std::string, tls_server_name, "",
          "If set, the name the servers' certificates must carry, instead of the host of "
          "their address (env KORPUS_TLS_SERVER_NAME). Needs --tls_ca_file.");

namespace korpus {

ClientTlsFiles ClientTlsFilesFromFlags() {
  return {.ca_file = absl::GetFlag(FLAGS_tls_ca_file),
          .cert_file = absl::GetFlag(FLAGS_tls_client_cert_file),
          .key_file = absl::GetFlag(FLAGS_tls_client_key_file),
          .server_name = absl::GetFlag(FLAGS_tls_server_name)};
}

}  // namespace korpus
