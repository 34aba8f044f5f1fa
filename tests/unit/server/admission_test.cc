// Admission control (admission.h): the limiter alone, and a GrpcServer with
// max_concurrent_rpcs over a real port, holding a call in its handler until
// the test lets it go.
#include "libs/server/admission.h"

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "korpus/v1/ingest.grpc.pb.h"
#include "libs/server/server.h"

namespace korpus {
namespace {

constexpr char kNormalize[] = "/korpus.v1.IngestService/NormalizeArticle";

TEST(AdmissionLimiterTest, AdmitsUpToTheLimitAndRefusesNamingTheFlag) {
  AdmissionLimiter limiter("ingest", 2, {kNormalize});
  EXPECT_TRUE(limiter.Limits(kNormalize));
  EXPECT_FALSE(limiter.Limits("/grpc.health.v1.Health/Check"));
  ASSERT_TRUE(limiter.TryAdmit().ok());
  ASSERT_TRUE(limiter.TryAdmit().ok());
  const absl::Status refused = limiter.TryAdmit();
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(absl::StrContains(refused.message(), "--max_concurrent_rpcs")) << refused;
  EXPECT_TRUE(absl::StrContains(refused.message(), "2")) << refused;
  EXPECT_EQ(limiter.refused(), 1);
  EXPECT_EQ(limiter.in_flight(), 2);
  limiter.Release();
  EXPECT_TRUE(limiter.TryAdmit().ok());
}

TEST(AdmissionLimiterTest, ZeroMeansNoLimit) {
  AdmissionLimiter limiter("ingest", 0, {kNormalize});
  EXPECT_FALSE(limiter.Limits(kNormalize));
}

// NormalizeArticle that waits for `release` when the article's content is
// "halt" (after notifying `entered`); any other article is answered at once.
class HaltingIngest final : public v1::IngestService::Service {
 public:
  grpc::Status NormalizeArticle(grpc::ServerContext*, const v1::NormalizeArticleRequest* request,
                                v1::NormalizeArticleResponse*) override {
    if (request->article().content() == "halt") {
      entered.Notify();
      release.WaitForNotification();
    }
    return grpc::Status::OK;
  }
  absl::Notification entered;
  absl::Notification release;
};

grpc::Status Normalize(v1::IngestService::Stub& stub, const std::string& content) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  v1::NormalizeArticleRequest request;
  request.mutable_article()->set_content(content);
  v1::NormalizeArticleResponse response;
  return stub.NormalizeArticle(&context, request, &response);
}

TEST(AdmissionServerTest, ACallBeyondTheLimitIsRefusedUntilASlotIsFree) {
  HaltingIngest service;
  ServerOptions options;
  options.service_name = "ingest";
  options.max_concurrent_rpcs = 1;
  absl::StatusOr<std::unique_ptr<GrpcServer>> server =
      GrpcServer::Start(options, {{&service, v1::IngestService::service_full_name()}});
  ASSERT_TRUE(server.ok()) << server.status();
  auto stub = v1::IngestService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", (*server)->port()), grpc::InsecureChannelCredentials()));

  // Within the limit, calls succeed one after the other: each gives its
  // slot back.
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(Normalize(*stub, "Text").ok());

  // One call held in its handler takes the only slot.
  grpc::Status held_status;
  std::thread held([&] { held_status = Normalize(*stub, "halt"); });
  service.entered.WaitForNotification();
  const absl::Time start = absl::Now();
  const grpc::Status refused = Normalize(*stub, "Text");
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_TRUE(absl::StrContains(refused.error_message(), "--max_concurrent_rpcs"))
      << refused.error_message();
  EXPECT_LT(absl::Now() - start, absl::Seconds(1));

  // Health checks are not limited; in-process calls bypass the limit.
  auto health = grpc::health::v1::Health::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", (*server)->port()), grpc::InsecureChannelCredentials()));
  {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    grpc::health::v1::HealthCheckResponse response;
    ASSERT_TRUE(health->Check(&context, grpc::health::v1::HealthCheckRequest(), &response).ok());
    EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  }
  auto in_process = v1::IngestService::NewStub((*server)->InProcessChannel());
  EXPECT_TRUE(Normalize(*in_process, "Text").ok());

  service.release.Notify();
  held.join();
  EXPECT_TRUE(held_status.ok()) << held_status.error_message();
  // The held call's status was sent, so its slot is free again; the
  // in-process call took none.
  EXPECT_TRUE(Normalize(*stub, "Text").ok());
  (*server)->Shutdown(absl::ZeroDuration());
}

}  // namespace
}  // namespace korpus
