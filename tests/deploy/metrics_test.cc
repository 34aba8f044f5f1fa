// libs/server's metrics and request ids: the exposition parser used by the
// deployment tests, the registry and its HTTP endpoint, the interceptors on
// a real server and channel, and the request id in the JSON logs.
#include <grpcpp/grpcpp.h>

#include <cstdio>
#include <fstream>

#include "gtest/gtest.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "libs/clients/channel.h"
#include "libs/server/logging.h"
#include "libs/server/metrics.h"
#include "libs/server/request_id.h"
#include "libs/server/server.h"
#include "prometheus/counter.h"
#include "prometheus/registry.h"
#include "spdlog/spdlog.h"
#include "tests/deploy/prometheus_text.h"
#include "tests/testing/service_process.h"

namespace korpus {
namespace {

using testing::Exposition;
using testing::ParsePrometheusText;
using testing::ScrapeMetrics;

TEST(PrometheusTextTest, ParsesCountersHistogramsAndEscapes) {
  const std::string text =
      "# HELP a_total Things.\n"
      "# TYPE a_total counter\n"
      "a_total{code=\"OK\",method=\"Suche\"} 3\n"
      "a_total{code=\"NOT_FOUND\",method=\"Suche\"} 1\n"
      "# TYPE lat histogram\n"
      "lat_count 2\n"
      "lat_sum 0.5\n"
      "lat_bucket{le=\"0.1\"} 1\n"
      "lat_bucket{le=\"+Inf\"} 2\n"
      "# TYPE q summary\n"
      "q{quantile=\"0.5\"} Nan\n"
      "info{text=\"Zitat: \\\"Ja\\\" \\\\ Größe\\n\"} 1 1700000000000\n";
  absl::StatusOr<Exposition> parsed = ParsePrometheusText(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->Sum("a_total"), 4);
  EXPECT_EQ(parsed->Sum("a_total", {{"code", "OK"}}), 3);
  EXPECT_EQ(parsed->Sum("lat_bucket", {{"le", "+Inf"}}), 2);
  EXPECT_TRUE(parsed->Has("info", {{"text", "Zitat: \"Ja\" \\ Größe\n"}}));
  EXPECT_EQ(parsed->types.at("lat"), "histogram");
  EXPECT_FALSE(parsed->Has("a_total", {{"code", "UNAVAILABLE"}}));
}

TEST(PrometheusTextTest, RefusesWhatTheFormatDoesNotAllow) {
  for (const char* bad : {
           "a b\n",                                   // value is not a number
           "1a 1\n",                                  // name starts with a digit
           "a{b=\"c} 1\n",                            // unterminated label value
           "a{b=c} 1\n",                              // unquoted label value
           "a{b=\"\\x\"} 1\n",                        // unknown escape
           "# TYPE a gauge\n# TYPE a gauge\na 1\n",   // TYPE twice
           "a 1\n# TYPE a gauge\n",                   // TYPE after samples
           "# TYPE a teller\na 1\n",                  // unknown type
           "a 1\nb 1\na 2\n",                         // family split
           "# TYPE h histogram\nh_bucket 1\n",        // bucket without le
           "a 1",                                     // no final line feed
       }) {
    EXPECT_FALSE(ParsePrometheusText(bad).ok()) << bad;
  }
}

TEST(RequestIdTest, NewIdsAreHexAndDistinct) {
  const std::string first = NewRequestId();
  EXPECT_EQ(first.size(), 32u);
  EXPECT_TRUE(IsValidRequestId(first));
  EXPECT_NE(first, NewRequestId());
}

TEST(RequestIdTest, ForeignIdsAreKeptOnlyWhenHarmless) {
  EXPECT_NE(RequestIdOrNew("import:öffentlich"), "import:öffentlich");
  EXPECT_EQ(RequestIdOrNew("abc-DEF_1.2:3"), "abc-DEF_1.2:3");
  EXPECT_NE(RequestIdOrNew("mit Leerzeichen"), "mit Leerzeichen");
  EXPECT_NE(RequestIdOrNew("\"}{\"severity\":\"error"), "\"}{\"severity\":\"error");
  EXPECT_TRUE(IsValidRequestId(RequestIdOrNew("")));
  EXPECT_FALSE(IsValidRequestId(std::string(129, 'a')));
}

TEST(RequestIdTest, ScopedIdIsRestored) {
  EXPECT_EQ(CurrentRequestId(), "");
  {
    ScopedRequestId outer("aussen");
    {
      ScopedRequestId inner("innen");
      EXPECT_EQ(CurrentRequestId(), "innen");
    }
    EXPECT_EQ(CurrentRequestId(), "aussen");
  }
  EXPECT_EQ(CurrentRequestId(), "");
}

TEST(LoggingTest, LinesCarryTheCurrentRequestId) {
  ASSERT_TRUE(InitLogging("metrics-test", "info").ok());
  ::testing::internal::CaptureStdout();
  {
    ScopedRequestId id("anfrage-42");
    spdlog::info("Dokument gespeichert");
  }
  spdlog::info("ohne Anfrage");
  const std::string output = ::testing::internal::GetCapturedStdout();
  const size_t newline = output.find('\n');
  ASSERT_NE(newline, std::string::npos);
  const std::string first = output.substr(0, newline);
  const std::string second = output.substr(newline + 1);
  EXPECT_NE(first.find(R"("message":"Dokument gespeichert","request_id":"anfrage-42"})"),
            std::string::npos)
      << first;
  EXPECT_EQ(second.find("request_id"), std::string::npos) << second;
  EXPECT_EQ(second.back(), '\n');
}

TEST(MetricsTest, InfoMetricsAndScrapeHooksAppearInTheText) {
  SetInfoMetric("korpus_test_info", "A fact for the test.", {{"modell", "perzeptron"}});
  // Hooks live as long as the process (see OnScrape), and so does what
  // this one touches.
  static int scrapes = 0;
  static auto& counter = prometheus::BuildCounter()
                             .Name("korpus_test_scrapes_total")
                             .Help("Scrapes seen by the test hook.")
                             .Register(MetricsRegistry())
                             .Add({});
  OnScrape([] {
    ++scrapes;
    counter.Increment();
  });
  absl::StatusOr<Exposition> first = ParsePrometheusText(MetricsText());
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(first->Has("korpus_test_info", {{"modell", "perzeptron"}}));
  const int scrapes_before = scrapes;
  absl::StatusOr<Exposition> second = ParsePrometheusText(MetricsText());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(scrapes, scrapes_before + 1);
  EXPECT_EQ(second->Sum("korpus_test_scrapes_total"), first->Sum("korpus_test_scrapes_total") + 1);
}

TEST(MetricsTest, ServerAnswersMetricsAndRefusesOtherPaths) {
  absl::StatusOr<std::unique_ptr<MetricsServer>> server = MetricsServer::Start("127.0.0.1:0");
  ASSERT_TRUE(server.ok()) << server.status();
  absl::StatusOr<Exposition> scraped = ScrapeMetrics((*server)->port());
  ASSERT_TRUE(scraped.ok()) << scraped.status();
  absl::StatusOr<testing::HttpResponse> other = testing::HttpGet((*server)->port(), "/admin");
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_EQ(other->status, 404);

  const std::string taken = absl::StrCat("127.0.0.1:", (*server)->port());
  EXPECT_EQ(MetricsServer::Start(taken).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(MetricsServer::Start("127.0.0.1").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(MetricsServer::Start("127.0.0.1:neunzig").status().code(),
            absl::StatusCode::kInvalidArgument);
}

// A health check through a korpus channel to a korpus server: the request
// id crosses the wire both ways and both sides count the call.
class InterceptedServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.service_name = "metrics-test";
    options.metrics_listen_address = "127.0.0.1:0";
    options.metrics_port_file = dir_.path() + "/metrics.port";
    absl::StatusOr<std::unique_ptr<GrpcServer>> server = GrpcServer::Start(options, {});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    stub_ = grpc::health::v1::Health::NewStub(
        MakeChannel(absl::StrCat("127.0.0.1:", server_->port())));
  }

  // Calls Health/Check; returns the x-request-id the server sent back.
  std::string Check() {
    grpc::ClientContext context;
    grpc::health::v1::HealthCheckRequest request;
    grpc::health::v1::HealthCheckResponse response;
    EXPECT_TRUE(stub_->Check(&context, request, &response).ok());
    auto it = context.GetServerInitialMetadata().find(kRequestIdMetadataKey);
    if (it == context.GetServerInitialMetadata().end()) return "";
    return std::string(it->second.data(), it->second.size());
  }

  testing::TempDir dir_;
  std::unique_ptr<GrpcServer> server_;
  std::unique_ptr<grpc::health::v1::Health::Stub> stub_;
};

TEST_F(InterceptedServerTest, RequestIdIsForwardedOrMade) {
  {
    ScopedRequestId id("weitergereicht-7");
    EXPECT_EQ(Check(), "weitergereicht-7");
  }
  const std::string made = Check();
  EXPECT_EQ(made.size(), 32u);
  EXPECT_NE(made, Check());
}

TEST_F(InterceptedServerTest, CallsAreCountedOnBothSidesAndServed) {
  std::ifstream port_file(dir_.path() + "/metrics.port");
  int port = 0;
  ASSERT_TRUE(port_file >> port);
  EXPECT_EQ(port, server_->metrics_port());

  const std::map<std::string, std::string> labels = {{"grpc_service", "grpc.health.v1.Health"},
                                                     {"grpc_method", "Check"},
                                                     {"grpc_code", "OK"}};
  absl::StatusOr<Exposition> before = ScrapeMetrics(port);
  ASSERT_TRUE(before.ok()) << before.status();
  Check();
  Check();
  absl::StatusOr<Exposition> after = ScrapeMetrics(port);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->Sum("korpus_rpc_server_handled_total", labels),
            before->Sum("korpus_rpc_server_handled_total", labels) + 2);
  EXPECT_EQ(after->Sum("korpus_rpc_client_handled_total", labels),
            before->Sum("korpus_rpc_client_handled_total", labels) + 2);
  EXPECT_EQ(after->Sum("korpus_rpc_server_handling_seconds_count", labels),
            before->Sum("korpus_rpc_server_handling_seconds_count", labels) + 2);
  EXPECT_EQ(after->Sum("korpus_rpc_server_in_flight"), 0);
  EXPECT_TRUE(after->Has("korpus_build_info", {{"service", "metrics-test"}}));
  EXPECT_EQ(after->types.at("korpus_rpc_server_handling_seconds"), "histogram");
}

}  // namespace
}  // namespace korpus
