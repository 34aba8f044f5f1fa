// The one gRPC server bootstrap of korpus. Every service's main.cc builds
// its service objects and hands them to ServeUntilSignalled(); tests use
// GrpcServer directly, on port 0 or in-process.
//
// Every server gets: gRPC health checking (grpc.health.v1, overall and per
// service), server reflection (grpc.reflection.v1alpha, as grpcurl uses),
// message size limits, graceful shutdown (NOT_SERVING first, then a
// bounded drain of in-flight calls), RPC metrics, request ids and an access
// log line per call (metrics_interceptors.h), and optionally a Prometheus
// /metrics endpoint (ServerOptions::metrics_listen_address).
#ifndef KORPUS_LIBS_SERVER_SERVER_H_
#define KORPUS_LIBS_SERVER_SERVER_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/server/tls.h"

namespace grpc {
class Channel;
class Server;
class Service;
}  // namespace grpc

namespace korpus {

class AccessPolicy;
class MetricsServer;

struct ServerOptions {
  // For logs.
  std::string service_name;
  // host:port to listen on; port 0 picks a free port.
  std::string listen_address = "127.0.0.1:0";
  // If non-empty, the bound port is written here (atomically) once the
  // server is serving, so that scripts and tests can start on port 0.
  std::string port_file;
  // How long in-flight calls may run on after shutdown begins before they
  // are cancelled.
  absl::Duration shutdown_grace = absl::Seconds(10);
  // Largest message the server accepts or sends.
  int max_message_bytes = 64 << 20;
  // Most calls of the served services (health checking and reflection not
  // counted) in flight at once; a call beyond it is refused at once with
  // RESOURCE_EXHAUSTED (admission.h). A stream counts as one call while it
  // is open. <= 0: no limit.
  int max_concurrent_rpcs = 1000;
  // If non-empty, host:port of the HTTP endpoint serving GET /metrics
  // (Prometheus text format, see metrics.h); port 0 picks a free port.
  // Empty (the default) serves no metrics endpoint; metrics are still
  // recorded.
  std::string metrics_listen_address;
  // If non-empty, the bound metrics port is written here (atomically),
  // before the gRPC port file, so that a reader of the gRPC port file finds
  // it too.
  std::string metrics_port_file;
  // If positive, each client connection is closed (GOAWAY, after its calls
  // finish) once it is this old, so that clients balancing over a DNS name
  // re-resolve it and spread load onto replicas added since. Zero (the
  // default) keeps connections open.
  absl::Duration max_connection_age = absl::ZeroDuration();
  // TLS (flags --tls_cert_file, --tls_key_file, --tls_client_ca_file; see
  // tls.h). All empty (the default): plaintext.
  ServerTlsFiles tls;
  // If set, every call is checked against it before any handler runs
  // (access_control.h, credentials.h). Null (the default): every call is
  // admitted. Not applied to InProcessChannel().
  std::shared_ptr<const AccessPolicy> access_policy;
  // Log a warning at start-up when access_policy is null and the server
  // listens on an address other than loopback (for the public gateway).
  bool warn_if_open = false;
  // If non-empty, host:port of a second, plaintext port that serves only
  // gRPC health checking (the same statuses as the main port), for probes
  // that cannot speak TLS (Kubernetes' gRPC probes) when the main port
  // does; port 0 picks a free port. Empty (the default): none.
  std::string health_listen_address;
  // If set, ServeUntilSignalled calls it once when a signal begins the
  // shutdown, before the drain, so that calls that would run until
  // cancelled (CorpusService.Watch streams) end by themselves within
  // shutdown_grace.
  std::function<void()> on_shutdown;
};

// Whether `listen_address` (host:port) binds only loopback addresses:
// 127.0.0.0/8, [::1] or localhost.
bool IsLoopbackAddress(std::string_view listen_address);

// Reads the shared server flags (server_flags.cc). `default_listen`
// applies when --listen is empty.
ServerOptions ServerOptionsFromFlags(std::string_view service_name,
                                     std::string_view default_listen);

// A service to serve, with its full proto name (for per-service health),
// e.g. {&impl, korpus::v1::CorpusService::service_full_name()}.
struct ServiceEntry {
  grpc::Service* service;
  std::string full_name;
};

class GrpcServer {
 public:
  // Builds and starts the server and reports SERVING for every service.
  // The services must outlive the server. Fails with UNAVAILABLE if the
  // address cannot be bound; INVALID_ARGUMENT or NOT_FOUND naming the flag
  // for unusable TLS files.
  static absl::StatusOr<std::unique_ptr<GrpcServer>> Start(
      const ServerOptions& options, std::vector<ServiceEntry> services);
  ~GrpcServer();

  // The bound port (the chosen one when listening on port 0).
  int port() const { return port_; }
  // The bound metrics port; 0 if no metrics endpoint is served.
  int metrics_port() const;
  // The bound health-only port; 0 without ServerOptions::health_listen_address.
  int health_port() const { return health_port_; }
  // A channel to this server that bypasses the network, for tests. Its
  // calls bypass the access policy and max_concurrent_rpcs as well.
  std::shared_ptr<grpc::Channel> InProcessChannel();
  // Reports NOT_SERVING, then stops: new calls are refused, in-flight ones
  // get until `grace` to finish and are cancelled after it; the metrics
  // endpoint stops last, so a final scrape sees the drained state.
  // Idempotent.
  void Shutdown(absl::Duration grace);

 private:
  GrpcServer(std::unique_ptr<grpc::Server> server, std::vector<ServiceEntry> services,
             int port);

  std::unique_ptr<MetricsServer> metrics_;
  std::unique_ptr<grpc::Server> server_;
  std::vector<ServiceEntry> services_;
  int port_;
  int health_port_ = 0;
  bool shut_down_ = false;
};

// Starts the server, logs where it serves, waits for SIGTERM or SIGINT and
// shuts down gracefully. InitProcess() must have run. Returns the exit code
// for main(): 0 after a clean shutdown, 1 if the server could not start.
int ServeUntilSignalled(const ServerOptions& options, std::vector<ServiceEntry> services);

}  // namespace korpus

#endif  // KORPUS_LIBS_SERVER_SERVER_H_
