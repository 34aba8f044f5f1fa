// Client-side load balancing: the gateway's annotator target resolves to two
// annotator processes (as a headless Service's DNS name resolves to every
// annotator pod) and both receive work, as their own metrics show.
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "libs/clients/channel.h"
#include "libs/clients/corpus_client.h"
#include "tests/deploy/prometheus_text.h"
#include "tests/testing/korpus_cluster.h"
#include "tests/testing/service_process.h"

namespace korpus::testing {
namespace {

int ReadPort(const std::string& path) {
  std::ifstream in(path);
  int port = 0;
  in >> port;
  return port;
}

TEST(RoundRobinTest, TwoAnnotatorsBehindOneTargetBothReceiveWork) {
  const BuildPaths& paths = DefaultBuildPaths();
  TempDir dir;
  auto start = [&](const std::string& name, const std::string& binary,
                   std::vector<std::string> args) {
    args.push_back("--metrics_listen=127.0.0.1:0");
    args.push_back(absl::StrCat("--metrics_port_file=", dir.path(), "/", name, ".metrics"));
    return ServiceProcess::Start(
        {.binary = binary, .args = args, .log_path = absl::StrCat(dir.path(), "/", name, ".log")});
  };
  auto storage = start("storage", paths.storage, {absl::StrCat("--store=sqlite:", dir.path(), "/k.db")});
  ASSERT_TRUE(storage.ok()) << storage.status();
  auto ingest = start("ingest", paths.ingest, {});
  ASSERT_TRUE(ingest.ok()) << ingest.status();
  auto first = start("annotator-1", paths.annotator, {"--model_dir=" + paths.model_dir});
  ASSERT_TRUE(first.ok()) << first.status();
  auto second = start("annotator-2", paths.annotator, {"--model_dir=" + paths.model_dir});
  ASSERT_TRUE(second.ok()) << second.status();
  // One target, two addresses: what gRPC's DNS resolver yields for a
  // headless Service with two ready pods.
  const std::string annotators =
      absl::StrCat("ipv4:127.0.0.1:", (*first)->port(), ",127.0.0.1:", (*second)->port());
  auto gateway = start("gateway", paths.gateway,
                       {absl::StrCat("--ingest_address=", (*ingest)->address()),
                        absl::StrCat("--annotator_address=", annotators),
                        absl::StrCat("--storage_address=", (*storage)->address())});
  ASSERT_TRUE(gateway.ok()) << gateway.status();

  const CorpusClient client(MakeChannel((*gateway)->address()));
  constexpr int kArticles = 8;
  v1::IngestDocumentsRequest request;
  for (int i = 0; i < kArticles; ++i) {
    request.add_articles()->set_content(absl::StrCat(
        "Meldung Nummer ", i, "\n\nDer Stadtrat tagte zum ", i + 1,
        ". Mal in diesem Jahr und vertagte die Entscheidung über den Radweg."));
  }
  absl::StatusOr<v1::IngestDocumentsResponse> ingested =
      client.IngestDocuments(request, {.timeout = absl::Seconds(30)});
  ASSERT_TRUE(ingested.ok()) << ingested.status();
  ASSERT_EQ(ingested->results_size(), kArticles);

  double total = 0;
  for (const char* name : {"annotator-1", "annotator-2"}) {
    absl::StatusOr<Exposition> metrics =
        ScrapeMetrics(ReadPort(absl::StrCat(dir.path(), "/", name, ".metrics")));
    ASSERT_TRUE(metrics.ok()) << metrics.status();
    const double served = metrics->Sum("korpus_rpc_server_handled_total",
                                       {{"grpc_method", "Annotate"}, {"grpc_code", "OK"}});
    EXPECT_GT(served, 0) << name << " received no work";
    total += served;
  }
  EXPECT_EQ(total, kArticles);
}

}  // namespace
}  // namespace korpus::testing
