// The one gRPC server bootstrap of korpus. Every service's main.cc builds
// its service objects and hands them to ServeUntilSignalled(); tests use
// GrpcServer directly, on port 0 or in-process.
//
// Every server gets: gRPC health checking (grpc.health.v1, overall and per
// service), server reflection (grpc.reflection.v1alpha, as grpcurl uses),
// message size limits, and graceful shutdown (NOT_SERVING first, then a
// bounded drain of in-flight calls).
#ifndef KORPUS_LIBS_SERVER_SERVER_H_
#define KORPUS_LIBS_SERVER_SERVER_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace grpc {
class Channel;
class Server;
class Service;
}  // namespace grpc

namespace korpus {

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
};

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
  // address cannot be bound.
  static absl::StatusOr<std::unique_ptr<GrpcServer>> Start(
      const ServerOptions& options, std::vector<ServiceEntry> services);
  ~GrpcServer();

  // The bound port (the chosen one when listening on port 0).
  int port() const { return port_; }
  // A channel to this server that bypasses the network, for tests.
  std::shared_ptr<grpc::Channel> InProcessChannel();
  // Reports NOT_SERVING, then stops: new calls are refused, in-flight ones
  // get until `grace` to finish and are cancelled after it. Idempotent.
  void Shutdown(absl::Duration grace);

 private:
  GrpcServer(std::unique_ptr<grpc::Server> server, std::vector<ServiceEntry> services,
             int port);

  std::unique_ptr<grpc::Server> server_;
  std::vector<ServiceEntry> services_;
  int port_;
  bool shut_down_ = false;
};

// Starts the server, logs where it serves, waits for SIGTERM or SIGINT and
// shuts down gracefully. InitProcess() must have run. Returns the exit code
// for main(): 0 after a clean shutdown, 1 if the server could not start.
int ServeUntilSignalled(const ServerOptions& options, std::vector<ServiceEntry> services);

}  // namespace korpus

#endif  // KORPUS_LIBS_SERVER_SERVER_H_
