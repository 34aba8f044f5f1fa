#include "libs/server/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>

#include <cstdio>
#include <fstream>
#include <optional>

#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "grpc/health/v1/health.pb.h"
#include "google/protobuf/descriptor.h"
#include "libs/server/access_control.h"
#include "libs/server/admission.h"
#include "libs/server/credentials.h"
#include "libs/server/logging.h"
#include "libs/server/metrics.h"
#include "libs/server/metrics_interceptors.h"
#include "libs/server/process.h"
#include "libs/server/server_flags.h"
#include "libs/server/status_macros.h"
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

bool IsLoopbackAddress(std::string_view listen_address) {
  absl::string_view host(listen_address.data(), listen_address.size());
  if (absl::ConsumePrefix(&host, "[")) {
    const size_t end = host.find(']');
    return end != absl::string_view::npos && host.substr(0, end) == "::1";
  }
  host = host.substr(0, host.rfind(':'));
  return host == "localhost" || absl::StartsWith(host, "127.");
}

ServerOptions ServerOptionsFromFlags(std::string_view service_name,
                                     std::string_view default_listen) {
  ServerOptions options;
  options.service_name = std::string(service_name);
  options.listen_address = absl::GetFlag(FLAGS_listen);
  if (options.listen_address.empty()) options.listen_address = std::string(default_listen);
  options.port_file = absl::GetFlag(FLAGS_port_file);
  options.shutdown_grace = absl::GetFlag(FLAGS_shutdown_grace);
  options.max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  options.max_concurrent_rpcs = absl::GetFlag(FLAGS_max_concurrent_rpcs);
  options.metrics_listen_address = absl::GetFlag(FLAGS_metrics_listen);
  options.metrics_port_file = absl::GetFlag(FLAGS_metrics_port_file);
  options.max_connection_age = absl::GetFlag(FLAGS_max_connection_age);
  options.health_listen_address = absl::GetFlag(FLAGS_health_listen);
  options.tls = {.cert_file = absl::GetFlag(FLAGS_tls_cert_file),
                 .key_file = absl::GetFlag(FLAGS_tls_key_file),
                 .client_ca_file = absl::GetFlag(FLAGS_tls_client_ca_file)};
  return options;
}

absl::StatusOr<std::unique_ptr<GrpcServer>> GrpcServer::Start(
    const ServerOptions& options, std::vector<ServiceEntry> services) {
  // Referencing the health descriptor keeps health.pb.cc linked in, so that
  // reflection can describe grpc.health.v1.Health.
  (void)grpc::health::v1::HealthCheckRequest::descriptor();
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  // TLS files are checked before anything listens.
  absl::StatusOr<std::optional<ServerTls>> tls = LoadServerTls(options.tls);
  if (!tls.ok()) return tls.status();

  // The metrics endpoint first: when the gRPC port file appears, the
  // metrics port file is there already.
  std::unique_ptr<MetricsServer> metrics;
  if (!options.metrics_listen_address.empty()) {
    absl::StatusOr<std::unique_ptr<MetricsServer>> started =
        MetricsServer::Start(options.metrics_listen_address);
    if (!started.ok()) return started.status();
    metrics = *std::move(started);
    if (!options.metrics_port_file.empty()) {
      KORPUS_RETURN_IF_ERROR(WritePortFile(options.metrics_port_file, metrics->port()));
    }
  }
  SetInfoMetric("korpus_build_info", "The korpus release this process runs.",
                {{"service", options.service_name}, {"version", "0.1.0"}});

  // The concurrency limit covers every method of the served services, taken
  // from their proto descriptors (health and reflection are not among them).
  std::shared_ptr<AdmissionLimiter> admission;
  if (options.max_concurrent_rpcs > 0) {
    std::vector<std::string> methods;
    for (const ServiceEntry& entry : services) {
      const google::protobuf::ServiceDescriptor* descriptor =
          google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(entry.full_name);
      // A service named other than by its proto (a test's fake) is not
      // limited.
      if (descriptor == nullptr) continue;
      for (int i = 0; i < descriptor->method_count(); ++i) {
        methods.push_back(absl::StrCat("/", entry.full_name, "/", descriptor->method(i)->name()));
      }
    }
    admission = std::make_shared<AdmissionLimiter>(options.service_name,
                                                   options.max_concurrent_rpcs, std::move(methods));
  }

  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(options.listen_address,
                           MakeServerCredentials(*tls, options.access_policy, admission), &port);
  int health_port = 0;
  if (!options.health_listen_address.empty()) {
    builder.AddListeningPort(options.health_listen_address, MakeHealthOnlyCredentials(),
                             &health_port);
  }
  // Without this gRPC sets SO_REUSEPORT, and a second server (a stale one,
  // say) could bind the same port and silently take half the traffic.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.SetMaxSendMessageSize(options.max_message_bytes);
  if (options.max_connection_age > absl::ZeroDuration()) {
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS,
                               static_cast<int>(absl::ToInt64Milliseconds(options.max_connection_age)));
    // In-flight calls on an aged connection get the shutdown grace to finish.
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS,
                               static_cast<int>(absl::ToInt64Milliseconds(options.shutdown_grace)));
  }
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(MakeServerMetricsInterceptorFactory());
  if (admission != nullptr) interceptors.push_back(MakeAdmissionInterceptorFactory(admission));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  for (const ServiceEntry& entry : services) builder.RegisterService(entry.service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.listen_address,
                     " (address in use or invalid? set --listen)"));
  }
  if (!options.health_listen_address.empty() && health_port == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.health_listen_address,
                     " (address in use or invalid? set --health_listen)"));
  }
  grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService();
  for (const ServiceEntry& entry : services) health->SetServingStatus(entry.full_name, true);
  health->SetServingStatus(true);

  auto result = std::unique_ptr<GrpcServer>(new GrpcServer(std::move(server), std::move(services), port));
  result->metrics_ = std::move(metrics);
  result->health_port_ = health_port;
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

int GrpcServer::metrics_port() const { return metrics_ != nullptr ? metrics_->port() : 0; }

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
  metrics_.reset();
}

int ServeUntilSignalled(const ServerOptions& options, std::vector<ServiceEntry> services) {
  absl::StatusOr<std::unique_ptr<GrpcServer>> server = GrpcServer::Start(options, std::move(services));
  if (!server.ok()) {
    spdlog::critical("{} failed to start: {}", options.service_name, server.status());
    return 1;
  }
  spdlog::info("{} serving on {} (port {}, {}{})", options.service_name, options.listen_address,
               (*server)->port(),
               options.tls.cert_file.empty()
                   ? "plaintext"
                   : (options.tls.client_ca_file.empty() ? "TLS" : "mutual TLS"),
               options.access_policy == nullptr
                   ? ""
                   : absl::StrCat(", bearer tokens required: ",
                                  options.access_policy->tokens().size(), " known"));
  if ((*server)->health_port() != 0) {
    spdlog::info("{} serving health checks only, in plaintext, on {} (port {})",
                 options.service_name, options.health_listen_address, (*server)->health_port());
  }
  if (options.access_policy == nullptr && options.warn_if_open &&
      !IsLoopbackAddress(options.listen_address)) {
    spdlog::warn("{} listens on {} without access control: anyone who can reach it may call "
                 "every RPC; configure tokens (--auth_tokens_file or KORPUS_AUTH_TOKENS)",
                 options.service_name, options.listen_address);
  }
  if ((*server)->metrics_port() != 0) {
    spdlog::info("{} serving metrics on {} (port {})", options.service_name,
                 options.metrics_listen_address, (*server)->metrics_port());
  }
  const std::string signal = WaitForShutdownSignal();
  spdlog::info("{} received {}: draining for up to {}", options.service_name, signal,
               absl::FormatDuration(options.shutdown_grace));
  if (options.on_shutdown) options.on_shutdown();
  (*server)->Shutdown(options.shutdown_grace);
  spdlog::info("{} stopped", options.service_name);
  return 0;
}

}  // namespace korpus
