// Flags shared by every korpus server; see process.h.
#ifndef KORPUS_LIBS_SERVER_SERVER_FLAGS_H_
#define KORPUS_LIBS_SERVER_SERVER_FLAGS_H_

#include <string>

#include "absl/flags/declare.h"
#include "absl/time/time.h"

ABSL_DECLARE_FLAG(std::string, listen);
ABSL_DECLARE_FLAG(std::string, port_file);
ABSL_DECLARE_FLAG(absl::Duration, shutdown_grace);
ABSL_DECLARE_FLAG(int, max_message_bytes);
ABSL_DECLARE_FLAG(int, max_concurrent_rpcs);
ABSL_DECLARE_FLAG(std::string, metrics_listen);
ABSL_DECLARE_FLAG(std::string, metrics_port_file);
ABSL_DECLARE_FLAG(absl::Duration, max_connection_age);
ABSL_DECLARE_FLAG(std::string, tls_cert_file);
ABSL_DECLARE_FLAG(std::string, tls_key_file);
ABSL_DECLARE_FLAG(std::string, tls_client_ca_file);
ABSL_DECLARE_FLAG(std::string, health_listen);

#endif  // KORPUS_LIBS_SERVER_SERVER_FLAGS_H_
