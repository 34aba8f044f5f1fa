// The dev overlay as the cluster would run it (see local_deployment.h):
// the real binaries with exactly the rendered args, environment and ports,
// the declared gRPC probes, an ingest and a search through the gateway, the
// metrics of every pod moving, one request id in every service's log, and
// a clean stop within the grace period. Then mutated copies of the
// manifests (a wrong probe port, a missing or misspelt setting, a wrong
// port in an address, a path off the volumes) must make the same check
// fail.
#include <map>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "libs/clients/channel.h"
#include "libs/clients/corpus_client.h"
#include "libs/server/request_id.h"
#include "tests/deploy/dockerfile.h"
#include "tests/deploy/local_deployment.h"
#include "tests/deploy/manifest.h"
#include "tests/deploy/prometheus_text.h"
#include "tests/testing/service_process.h"

namespace korpus::testing {
namespace {

// Three short German news items written for this test.
const char* const kArticles[] = {
    "Kabinett beschließt Förderprogramm\n\nDas Bundeskabinett hat am Mittwoch ein "
    "Förderprogramm für Wärmepumpen beschlossen. Es soll im Frühjahr beginnen.",
    "Hochwasser an der Oder\n\nIn Frankfurt (Oder) stieg der Pegel über Nacht um 40 "
    "Zentimeter. Die Feuerwehr errichtete Sandsackbarrieren.",
    "Neue Tarifrunde im Nahverkehr\n\nDie Gewerkschaft fordert 8,5 Prozent mehr Lohn. Die "
    "Arbeitgeber nannten die Forderung überzogen.",
};

// The RPC counter of one method served by a pod, with status OK.
double Served(const Exposition& metrics, const std::string& method) {
  return metrics.Sum("korpus_rpc_server_handled_total",
                     {{"grpc_method", method}, {"grpc_code", "OK"}});
}

// Renders `kubernetes_dir`/overlays/dev, runs it, uses it, stops it.
absl::Status CheckDevDeployment(const std::string& kubernetes_dir, const std::string& work_dir,
                                absl::Duration ready_timeout) {
  const DeployPaths& paths = DefaultDeployPaths();
  absl::StatusOr<std::vector<Json>> objects = RenderOverlay(kubernetes_dir + "/overlays/dev");
  if (!objects.ok()) return objects.status();
  absl::StatusOr<std::string> dockerfile_text =
      ReadFile(paths.source_dir + "/deploy/docker/Dockerfile");
  if (!dockerfile_text.ok()) return dockerfile_text.status();
  absl::StatusOr<Dockerfile> dockerfile = ParseDockerfile(*dockerfile_text);
  if (!dockerfile.ok()) return dockerfile.status();
  absl::StatusOr<ImageLayout> image =
      ImageLayout::FromDockerfile(*dockerfile, paths.source_dir, paths.build_dir);
  if (!image.ok()) return image.status();

  absl::StatusOr<std::unique_ptr<LocalDeployment>> deployment = LocalDeployment::Start(
      *objects, {.image = *image, .work_dir = work_dir, .ready_timeout = ready_timeout});
  if (!deployment.ok()) return deployment.status();
  LocalDeployment& cluster = **deployment;

  std::map<std::string, Exposition> before;
  for (const LocalPod& pod : cluster.pods()) {
    absl::StatusOr<int> port = cluster.MetricsPort(pod);
    if (!port.ok()) return port.status();
    absl::StatusOr<Exposition> metrics = ScrapeMetrics(*port);
    if (!metrics.ok()) {
      return absl::Status(metrics.status().code(),
                          absl::StrCat("metrics of pod ", pod.name, ": ", metrics.status().message()));
    }
    before[pod.name] = *metrics;
  }

  // Ingest and search through the gateway's Service, under one request id.
  absl::StatusOr<std::string> gateway = cluster.ServiceAddress("gateway", 50051);
  if (!gateway.ok()) return gateway.status();
  const CorpusClient client(MakeChannel(*gateway));
  const std::string request_id = absl::StrCat("deploy-test-", NewRequestId().substr(0, 8));
  {
    ScopedRequestId scoped(request_id);
    v1::IngestDocumentsRequest request;
    for (const char* text : kArticles) request.add_articles()->set_content(text);
    absl::StatusOr<v1::IngestDocumentsResponse> ingested =
        client.IngestDocuments(request, {.timeout = absl::Seconds(20)});
    if (!ingested.ok()) {
      return absl::Status(ingested.status().code(),
                          absl::StrCat("ingest through the gateway: ", ingested.status().message(),
                                       "\n", cluster.Log(*cluster.PodsOf("gateway")[0])));
    }
    for (const v1::IngestResult& result : ingested->results()) {
      if (result.outcome() != v1::INGEST_OUTCOME_CREATED) {
        return absl::InternalError(absl::StrCat("an article was not created: ",
                                                result.ShortDebugString()));
      }
    }
  }
  v1::SearchRequest search;
  search.set_query("Wärmepumpen");
  absl::StatusOr<v1::SearchResponse> found = client.Search(search, {});
  if (!found.ok()) return found.status();
  if (found->hits_size() != 1) {
    return absl::InternalError(absl::StrCat("search found ", found->hits_size(), " documents"));
  }

  // Every pod's metrics are valid and moved; each backend got the work.
  const std::map<std::string, std::pair<std::string, double>> expected = {
      {"gateway", {"IngestDocuments", 1}},
      {"ingest", {"NormalizeArticle", 3}},
      {"annotator", {"Annotate", 3}},
      {"storage", {"PutDocument", 3}}};
  for (const auto& [workload, call] : expected) {
    std::vector<const LocalPod*> pods = cluster.PodsOf(workload);
    if (pods.empty()) return absl::NotFoundError(absl::StrCat("no pod of ", workload));
    double moved = 0;
    for (const LocalPod* pod : pods) {
      absl::StatusOr<Exposition> after = ScrapeMetrics(*cluster.MetricsPort(*pod));
      if (!after.ok()) return after.status();
      moved += Served(*after, call.first) - Served(before[pod->name], call.first);
      if (workload == "annotator" && !after->Has("korpus_model_info")) {
        return absl::NotFoundError("the annotator exports no korpus_model_info");
      }
      if (workload == "storage" &&
          after->Sum("korpus_documents", {{"state", "annotated"}}) != 3) {
        return absl::InternalError("storage does not count 3 annotated documents");
      }
      // One request id through the pipeline.
      if (!absl::StrContains(cluster.Log(*pod), absl::StrCat("\"request_id\":\"", request_id, "\""))) {
        return absl::NotFoundError(absl::StrCat("pod ", pod->name, " did not log request id ",
                                                request_id, ":\n", cluster.Log(*pod)));
      }
    }
    if (moved != call.second) {
      return absl::InternalError(absl::StrCat(workload, " served ", moved, " ", call.first,
                                              " calls, expected ", call.second));
    }
  }
  return cluster.Stop();
}

std::string KubernetesDir() { return DefaultDeployPaths().source_dir + "/deploy/kubernetes"; }

TEST(DevDeploymentTest, RunsAsTheManifestsSayAndServesThroughTheGateway) {
  TempDir dir;
  absl::Status status = CheckDevDeployment(KubernetesDir(), dir.path(), absl::Seconds(60));
  EXPECT_TRUE(status.ok()) << status;
}

// A copy of deploy/kubernetes with one mistake in it.
class MutatedDeploymentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    copy_ = dir_.path() + "/kubernetes";
    ASSERT_TRUE(CopyTree(KubernetesDir(), copy_).ok());
  }
  void Mutate(const std::string& file, const std::string& from, const std::string& to) {
    absl::Status status = ReplaceOnce(copy_ + "/" + file, from, to);
    ASSERT_TRUE(status.ok()) << status;
  }
  // The check on the mutated copy; a short readiness timeout, since the
  // unmutated deployment is ready within a few seconds.
  absl::Status Check() {
    return CheckDevDeployment(copy_, dir_.path() + "/run", absl::Seconds(8));
  }

  // The check must fail, and say why; the reason is also recorded in the
  // test's XML report.
  void ExpectFailure(const absl::Status& status, const std::string& reason) {
    RecordProperty("failure", std::string(status.message()).substr(0, 500));
    EXPECT_FALSE(status.ok());
    EXPECT_TRUE(absl::StrContains(status.message(), reason)) << status;
  }

  TempDir dir_;
  std::string copy_;
};

TEST_F(MutatedDeploymentTest, ProbeOnAnotherDeclaredPortFails) {
  // The gateway's readiness probe aimed at its metrics port.
  Mutate("base/gateway.yaml",
         "          readinessProbe:\n            grpc:\n              port: 50051",
         "          readinessProbe:\n            grpc:\n              port: 9090");
  ExpectFailure(Check(), "gateway-0 container gateway: readiness probe");
}

TEST_F(MutatedDeploymentTest, ProbeOnAnUndeclaredPortFails) {
  Mutate("base/storage.yaml",
         "          livenessProbe:\n            grpc:\n              port: 50054",
         "          livenessProbe:\n            grpc:\n              port: 50055");
  ExpectFailure(Check(), "livenessProbe.grpc.port 50055");
}

TEST_F(MutatedDeploymentTest, ListenPortThatIsNotDeclaredFails) {
  Mutate("base/ingest.yaml", "--listen=0.0.0.0:50052", "--listen=0.0.0.0:50062");
  ExpectFailure(Check(), "listens on '0.0.0.0:50062'");
}

TEST_F(MutatedDeploymentTest, MissingEnvironmentVariableFails) {
  // Without KORPUS_ANNOTATOR_ADDRESS the gateway uses its built-in default,
  // which reaches no annotator of this deployment.
  Mutate("base/gateway.yaml",
         "            - name: KORPUS_ANNOTATOR_ADDRESS\n"
         "              valueFrom:\n"
         "                configMapKeyRef:\n"
         "                  name: korpus-config\n"
         "                  key: annotator-address\n",
         "");
  ExpectFailure(Check(), "annotator");
}

TEST_F(MutatedDeploymentTest, MissingStoreSettingFails) {
  // Without KORPUS_STORE storage writes its default korpus.db into the
  // working directory, on the read-only root filesystem.
  Mutate("overlays/dev/storage-sqlite.yaml",
         "          env:\n"
         "            - name: KORPUS_STORE\n"
         "              valueFrom:\n"
         "                configMapKeyRef:\n"
         "                  name: korpus-config\n"
         "                  key: store\n",
         "");
  ExpectFailure(Check(), "read-only root filesystem");
}

TEST_F(MutatedDeploymentTest, MisspeltConfigMapKeyFails) {
  Mutate("base/gateway.yaml", "key: storage-address", "key: storage-adress");
  ExpectFailure(Check(), "storage-adress");
}

TEST_F(MutatedDeploymentTest, WrongPortInABackendAddressFails) {
  Mutate("base/kustomization.yaml", "storage-address=dns:///storage:50054",
         "storage-address=dns:///storage:50045");
  ExpectFailure(Check(), "Service storage, which has no such port");
}

TEST_F(MutatedDeploymentTest, StoreOffTheVolumeFails) {
  Mutate("overlays/dev/kustomization.yaml", "store=sqlite:/var/lib/korpus/korpus.db",
         "store=sqlite:/data/korpus.db");
  ExpectFailure(Check(), "neither in the image nor on a volume");
}

TEST_F(MutatedDeploymentTest, CommandMissingFromTheImageFails) {
  Mutate("base/ingest.yaml", "/opt/korpus/bin/korpus-ingest", "/opt/korpus/bin/korpus-injest");
  ExpectFailure(Check(), "korpus-injest");
}

}  // namespace
}  // namespace korpus::testing
