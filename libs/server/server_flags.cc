#include "libs/server/server_flags.h"

#include "absl/flags/flag.h"

ABSL_FLAG(std::string, listen, "",
          "Address to serve on, host:port (env KORPUS_LISTEN). Port 0 picks a free port. "
          "Empty means the service's default address (see the top of --help).");
ABSL_FLAG(std::string, port_file, "",
          "If set, write the bound port to this file once serving (env KORPUS_PORT_FILE).");
ABSL_FLAG(absl::Duration, shutdown_grace, absl::Seconds(10),
          "On SIGTERM/SIGINT, how long in-flight calls may finish before they are "
          "cancelled (env KORPUS_SHUTDOWN_GRACE).");
ABSL_FLAG(int, max_message_bytes, 64 << 20,
          "Largest gRPC message accepted or sent, in bytes, by this server and by its clients "
          "of other korpus services (env KORPUS_MAX_MESSAGE_BYTES).");
ABSL_FLAG(int, max_concurrent_rpcs, 1000,
          "Most calls (a stream counts as one while open; health checks and reflection do not "
          "count) this server works on at once; a call beyond it is refused at once with "
          "RESOURCE_EXHAUSTED, so that overload does not grow memory. 0 means no limit "
          "(env KORPUS_MAX_CONCURRENT_RPCS).");
ABSL_FLAG(std::string, metrics_listen, "",
          "If set, serve Prometheus metrics as GET /metrics over HTTP on this host:port, e.g. "
          "0.0.0.0:9090 in a container (env KORPUS_METRICS_LISTEN). Port 0 picks a free port. "
          "Empty serves no metrics endpoint.");
ABSL_FLAG(std::string, metrics_port_file, "",
          "If set, write the bound metrics port to this file, before the --port_file "
          "(env KORPUS_METRICS_PORT_FILE).");
ABSL_FLAG(absl::Duration, max_connection_age, absl::ZeroDuration(),
          "If positive, close each client connection once it is this old (after its calls "
          "finish), so that clients balancing over a DNS name re-resolve it and reach new "
          "replicas; 0 keeps connections open (env KORPUS_MAX_CONNECTION_AGE).");
ABSL_FLAG(std::string, tls_cert_file, "",
          "PEM certificate chain of this server (its own certificate first); with "
          "--tls_key_file, serve TLS instead of plaintext (env KORPUS_TLS_CERT_FILE).");
ABSL_FLAG(std::string, tls_key_file, "",
          "PEM private key (unencrypted) of --tls_cert_file (env KORPUS_TLS_KEY_FILE).");
ABSL_FLAG(std::string, tls_client_ca_file, "",
          "If set, require mutual TLS: clients must present a certificate signed by one of "
          "these PEM CA certificates (env KORPUS_TLS_CLIENT_CA_FILE). Needs --tls_cert_file.");
ABSL_FLAG(std::string, health_listen, "",
          "If set, also serve gRPC health checks, and nothing else, in plaintext on this "
          "host:port (env KORPUS_HEALTH_LISTEN), for probes that cannot speak TLS "
          "(Kubernetes' gRPC probes) when --tls_cert_file is set. Port 0 picks a free port.");
