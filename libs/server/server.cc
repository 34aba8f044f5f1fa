#include "libs/server/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>

#include <cstdio>
#include <fstream>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.pb.h"
#include "libs/server/logging.h"
#include "libs/server/process.h"
#include "libs/server/server_flags.h"
#include "spdlog/spdlog.h"

namespace korpus {
namespace {

absl::Status WritePortFile(const std::string& path, int port) {
  const std::string temporary = absl::StrCat(path, ".tmp");
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << port << "\n";
    if (!out.flush()) {
      return absl::UnavailableError(absl::StrCat("cannot write port file ", temporary));
    }
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    return absl::UnavailableError(absl::StrCat("cannot rename port file to ", path));
  }
  return absl::OkStatus();
}

}  // namespace

ServerOptions ServerOptionsFromFlags(std::string_view service_name,
                                     std::string_view default_listen) {
  ServerOptions options;
  options.service_name = std::string(service_name);
  options.listen_address = absl::GetFlag(FLAGS_listen);
  if (options.listen_address.empty()) options.listen_address = std::string(default_listen);
  options.port_file = absl::GetFlag(FLAGS_port_file);
  options.shutdown_grace = absl::GetFlag(FLAGS_shutdown_grace);
  options.max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  return options;
}

absl::StatusOr<std::unique_ptr<GrpcServer>> GrpcServer::Start(
    const ServerOptions& options, std::vector<ServiceEntry> services) {
  // Referencing the health descriptor keeps health.pb.cc linked in, so that
  // reflection can describe grpc.health.v1.Health.
  (void)grpc::health::v1::HealthCheckRequest::descriptor();
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(options.listen_address, grpc::InsecureServerCredentials(), &port);
  // Without this gRPC sets SO_REUSEPORT, and a second server (a stale one,
  // say) could bind the same port and silently take half the traffic.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.SetMaxSendMessageSize(options.max_message_bytes);
  for (const ServiceEntry& entry : services) builder.RegisterService(entry.service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.listen_address,
                     " (address in use or invalid? set --listen)"));
  }
  grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService();
  for (const ServiceEntry& entry : services) health->SetServingStatus(entry.full_name, true);
  health->SetServingStatus(true);

  auto result = std::unique_ptr<GrpcServer>(new GrpcServer(std::move(server), std::move(services), port));
  if (!options.port_file.empty()) {
    if (absl::Status status = WritePortFile(options.port_file, port); !status.ok()) {
      result->Shutdown(absl::ZeroDuration());
      return status;
    }
  }
  return result;
}

GrpcServer::GrpcServer(std::unique_ptr<grpc::Server> server, std::vector<ServiceEntry> services,
                       int port)
    : server_(std::move(server)), services_(std::move(services)), port_(port) {}

GrpcServer::~GrpcServer() { Shutdown(absl::ZeroDuration()); }

std::shared_ptr<grpc::Channel> GrpcServer::InProcessChannel() {
  return server_->InProcessChannel(grpc::ChannelArguments());
}

void GrpcServer::Shutdown(absl::Duration grace) {
  if (shut_down_) return;
  shut_down_ = true;
  // NOT_SERVING first, so that load balancers and probes stop sending work
  // while in-flight calls drain.
  server_->GetHealthCheckService()->Shutdown();
  server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
  server_->Wait();
}

int ServeUntilSignalled(const ServerOptions& options, std::vector<ServiceEntry> services) {
  absl::StatusOr<std::unique_ptr<GrpcServer>> server = GrpcServer::Start(options, std::move(services));
  if (!server.ok()) {
    spdlog::critical("{} failed to start: {}", options.service_name, server.status());
    return 1;
  }
  spdlog::info("{} serving on {} (port {})", options.service_name, options.listen_address,
               (*server)->port());
  const std::string signal = WaitForShutdownSignal();
  spdlog::info("{} received {}: draining for up to {}", options.service_name, signal,
               absl::FormatDuration(options.shutdown_grace));
  (*server)->Shutdown(options.shutdown_grace);
  spdlog::info("{} stopped", options.service_name);
  return 0;
}

}  // namespace korpus
