// The shared bootstrap: status mapping, JSON log escaping, environment
// fallbacks for flags, and a GrpcServer's health, reflection and shutdown.
#include <cstdlib>

#include <grpcpp/grpcpp.h>

#include "absl/flags/flag.h"
#include "gtest/gtest.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "korpus/v1/ingest.grpc.pb.h"
#include "libs/server/grpc_status.h"
#include "libs/server/logging.h"
#include "libs/server/process.h"
#include "libs/server/server.h"

ABSL_FLAG(int, server_test_knob, 1, "A flag for the environment fallback test.");

namespace korpus {
namespace {

TEST(GrpcStatusTest, CodesAndMessagesSurviveTheRoundTrip) {
  const absl::Status original = absl::ResourceExhaustedError("too big");
  const grpc::Status wire = ToGrpcStatus(original);
  EXPECT_EQ(wire.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(wire.error_message(), "too big");
  const absl::Status back = FromGrpcStatus(wire, "storage");
  EXPECT_EQ(back.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(back.message(), "storage: too big");
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
  EXPECT_TRUE(FromGrpcStatus(grpc::Status::OK).ok());
}

TEST(LoggingTest, JsonEscapingKeepsEveryLineOneObject) {
  std::string out;
  AppendJsonEscaped("Zitat: \"Ja\"\n\tEnde\\ \x01 Größe", out);
  EXPECT_EQ(out, "Zitat: \\\"Ja\\\"\\n\\tEnde\\\\ \\u0001 Größe");
}

TEST(LoggingTest, UnknownLevelIsRefused) {
  EXPECT_EQ(InitLogging("test", "loud").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(InitLogging("test", "warn").ok());
}

TEST(ProcessTest, EnvironmentVariablesSetFlags) {
  setenv("KORPUS_SERVER_TEST_KNOB", "7", 1);
  ASSERT_TRUE(ApplyEnvironmentFallbacks().ok());
  EXPECT_EQ(absl::GetFlag(FLAGS_server_test_knob), 7);

  setenv("KORPUS_SERVER_TEST_KNOB", "seven", 1);
  EXPECT_EQ(ApplyEnvironmentFallbacks().code(), absl::StatusCode::kInvalidArgument);
  unsetenv("KORPUS_SERVER_TEST_KNOB");
}

grpc::health::v1::HealthCheckResponse::ServingStatus Health(grpc::Channel& channel,
                                                            const std::string& service) {
  auto stub = grpc::health::v1::Health::NewStub(
      std::shared_ptr<grpc::Channel>(&channel, [](grpc::Channel*) {}));
  grpc::ClientContext context;
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status = stub->Check(&context, request, &response);
  return status.ok() ? response.status() : grpc::health::v1::HealthCheckResponse::UNKNOWN;
}

TEST(GrpcServerTest, ReportsServingPerServiceAndStopsServingOnShutdown) {
  v1::IngestService::Service unimplemented;  // Any service will do.
  absl::StatusOr<std::unique_ptr<GrpcServer>> server = GrpcServer::Start(
      {.service_name = "test"}, {{&unimplemented, v1::IngestService::service_full_name()}});
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_GT((*server)->port(), 0);
  std::shared_ptr<grpc::Channel> channel = grpc::CreateChannel(
      "127.0.0.1:" + std::to_string((*server)->port()), grpc::InsecureChannelCredentials());
  EXPECT_EQ(Health(*channel, ""), grpc::health::v1::HealthCheckResponse::SERVING);
  EXPECT_EQ(Health(*channel, "korpus.v1.IngestService"), grpc::health::v1::HealthCheckResponse::SERVING);
  (*server)->Shutdown(absl::Seconds(1));
  EXPECT_NE(Health(*channel, ""), grpc::health::v1::HealthCheckResponse::SERVING);
}

TEST(GrpcServerTest, AnAddressInUseIsUnavailable) {
  absl::StatusOr<std::unique_ptr<GrpcServer>> first = GrpcServer::Start({.service_name = "a"}, {});
  ASSERT_TRUE(first.ok());
  absl::StatusOr<std::unique_ptr<GrpcServer>> second = GrpcServer::Start(
      {.service_name = "b",
       .listen_address = "127.0.0.1:" + std::to_string((*first)->port())},
      {});
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace korpus
