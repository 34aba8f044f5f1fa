// The Kubernetes overlays: each renders and validates against the API
// schemas offline; mutated copies show the validation catches misspelt
// fields, wrong types and missing required fields; and the rendered
// objects keep the deployment's rules (probes on the serving port, security
// contexts, resources, scaling, budgets, network policies).
#include <map>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/deploy/manifest.h"
#include "tests/testing/service_process.h"

namespace korpus::testing {
namespace {

std::string KubernetesDir() { return DefaultDeployPaths().source_dir + "/deploy/kubernetes"; }

class OverlayTest : public ::testing::TestWithParam<std::string> {
 protected:
  std::string overlay_dir() const { return absl::StrCat(KubernetesDir(), "/overlays/", GetParam()); }
};

TEST_P(OverlayTest, RendersAndValidatesAgainstTheKubernetesSchemas) {
  absl::Status status = ValidateOverlay(overlay_dir());
  EXPECT_TRUE(status.ok()) << status;
}

// The port of an address flag ("--listen=0.0.0.0:50051" -> 50051) among a
// container's args; 0 if absent.
int FlagPort(const Json* container, const std::string& flag) {
  for (const Json* arg : GetList(container, {"args"})) {
    const std::string& text = arg->string_value();
    if (!absl::StartsWith(text, flag + "=")) continue;
    int port = 0;
    if (absl::SimpleAtoi(text.substr(text.rfind(':') + 1), &port)) return port;
  }
  return 0;
}

int NamedContainerPort(const Json* container, const std::string& name) {
  for (const Json* port : GetList(container, {"ports"})) {
    if (GetString(port, {"name"}) == name) return static_cast<int>(GetInt(port, {"containerPort"}).value_or(0));
  }
  return 0;
}

TEST_P(OverlayTest, EveryWorkloadIsProbedSecuredAndBounded) {
  absl::StatusOr<std::vector<Json>> objects = RenderOverlay(overlay_dir());
  ASSERT_TRUE(objects.ok()) << objects.status();
  std::set<std::string> workloads;
  for (const Json* deployment : OfKind(*objects, "Deployment")) {
    const std::string name = Describe(*deployment);
    workloads.insert(GetString(deployment, {"metadata", "name"}));
    const Json* pod = Get(deployment, {"spec", "template", "spec"});
    EXPECT_TRUE(Get(pod, {"securityContext", "runAsNonRoot"}) != nullptr &&
                Get(pod, {"securityContext", "runAsNonRoot"})->bool_value())
        << name;
    EXPECT_EQ(GetInt(pod, {"securityContext", "runAsUser"}), 10001) << name << " (the image's USER)";
    const auto annotations =
        GetStringMap(deployment, {"spec", "template", "metadata", "annotations"});
    const std::map<std::string, std::string> scrape(annotations.begin(), annotations.end());
    EXPECT_EQ(scrape.count("prometheus.io/scrape") ? scrape.at("prometheus.io/scrape") : "", "true")
        << name;
    for (const Json* container : GetList(pod, {"containers"})) {
      const Json* security = Get(container, {"securityContext"});
      ASSERT_NE(Get(security, {"allowPrivilegeEscalation"}), nullptr) << name;
      EXPECT_FALSE(Get(security, {"allowPrivilegeEscalation"})->bool_value()) << name;
      ASSERT_NE(Get(security, {"readOnlyRootFilesystem"}), nullptr) << name;
      EXPECT_TRUE(Get(security, {"readOnlyRootFilesystem"})->bool_value()) << name;
      ASSERT_EQ(GetList(security, {"capabilities", "drop"}).size(), 1u) << name;
      EXPECT_EQ(GetList(security, {"capabilities", "drop"})[0]->string_value(), "ALL") << name;
      for (const char* bound : {"requests", "limits"}) {
        for (const char* resource : {"cpu", "memory"}) {
          EXPECT_FALSE(GetString(container, {"resources", bound, resource}).empty())
              << name << " resources." << bound << "." << resource;
        }
      }
      // The gRPC port: what the server listens on, what is declared, what
      // is probed; the metrics port: listened on, declared, annotated.
      const int grpc_port = NamedContainerPort(container, "grpc");
      EXPECT_GT(grpc_port, 0) << name;
      EXPECT_EQ(FlagPort(container, "--listen"), grpc_port) << name;
      for (const char* probe : {"readinessProbe", "livenessProbe"}) {
        EXPECT_EQ(GetInt(container, {probe, "grpc", "port"}), grpc_port) << name << " " << probe;
      }
      EXPECT_FALSE(GetString(container, {"readinessProbe", "grpc", "service"}).empty())
          << name << ": readiness should ask for the service itself";
      const int metrics_port = NamedContainerPort(container, "metrics");
      EXPECT_EQ(FlagPort(container, "--metrics_listen"), metrics_port) << name;
      EXPECT_EQ(scrape.count("prometheus.io/port") ? scrape.at("prometheus.io/port") : "",
                absl::StrCat(metrics_port))
          << name;
    }
  }
  EXPECT_EQ(workloads, (std::set<std::string>{"gateway", "ingest", "annotator", "storage"}));

  // A disruption budget for each workload.
  for (const std::string& workload : workloads) {
    bool covered = false;
    for (const Json* budget : OfKind(*objects, "PodDisruptionBudget")) {
      covered |= GetString(budget, {"spec", "selector", "matchLabels", "app.kubernetes.io/name"}) ==
                 workload;
    }
    EXPECT_TRUE(covered) << "no PodDisruptionBudget for " << workload;
  }
  // The annotator scales, and the gateway balances over its headless Service.
  const Json* autoscaler = Find(*objects, "HorizontalPodAutoscaler", "annotator");
  ASSERT_NE(autoscaler, nullptr);
  EXPECT_EQ(GetString(autoscaler, {"spec", "scaleTargetRef", "name"}), "annotator");
  EXPECT_EQ(GetInt(Find(*objects, "Deployment", "annotator"), {"spec", "replicas"}), std::nullopt)
      << "the autoscaler owns the annotator's replica count";
  for (const char* backend : {"ingest", "annotator", "storage"}) {
    EXPECT_EQ(GetString(Find(*objects, "Service", backend), {"spec", "clusterIP"}), "None")
        << backend << " should be headless, for the gateway's round robin";
  }
}

// Which pods may open `port_name` on pods labelled `target`: "*" for
// anyone, otherwise the app.kubernetes.io/name of each allowed peer.
std::set<std::string> AllowedPeers(const std::vector<Json>& objects, const std::string& target,
                                   const std::string& port_name) {
  std::set<std::string> peers;
  for (const Json* policy : OfKind(objects, "NetworkPolicy")) {
    const Json* selector = Get(policy, {"spec", "podSelector"});
    bool selects = GetStringMap(selector, {"matchLabels"}).empty() &&
                   GetList(selector, {"matchExpressions"}).empty();  // {} selects all
    for (const auto& [key, value] : GetStringMap(selector, {"matchLabels"})) {
      selects = key == "app.kubernetes.io/part-of" ||
                (key == "app.kubernetes.io/name" && value == target);
    }
    for (const Json* expression : GetList(selector, {"matchExpressions"})) {
      for (const Json* value : GetList(expression, {"values"})) selects |= value->string_value() == target;
    }
    if (!selects) continue;
    for (const Json* rule : GetList(policy, {"spec", "ingress"})) {
      bool port_matches = GetList(rule, {"ports"}).empty();
      for (const Json* port : GetList(rule, {"ports"})) {
        port_matches |= GetString(port, {"port"}) == port_name;
      }
      if (!port_matches) continue;
      if (GetList(rule, {"from"}).empty()) peers.insert("*");
      for (const Json* peer : GetList(rule, {"from"})) {
        if (Get(peer, {"namespaceSelector"}) != nullptr || Get(peer, {"ipBlock"}) != nullptr) {
          peers.insert("other namespaces or addresses");
        } else {
          peers.insert(GetString(peer, {"podSelector", "matchLabels", "app.kubernetes.io/name"}));
        }
      }
    }
  }
  return peers;
}

TEST_P(OverlayTest, OnlyTheGatewayIsReachableAndOnlyFromItTheBackends) {
  absl::StatusOr<std::vector<Json>> objects = RenderOverlay(overlay_dir());
  ASSERT_TRUE(objects.ok()) << objects.status();
  bool default_deny = false;
  for (const Json* policy : OfKind(*objects, "NetworkPolicy")) {
    default_deny |= GetStringMap(policy, {"spec", "podSelector", "matchLabels"}).empty() &&
                    GetList(policy, {"spec", "podSelector", "matchExpressions"}).empty() &&
                    GetList(policy, {"spec", "ingress"}).empty();
  }
  EXPECT_TRUE(default_deny) << "no default-deny ingress policy";
  EXPECT_EQ(AllowedPeers(*objects, "gateway", "grpc"), std::set<std::string>{"*"});
  for (const char* backend : {"ingest", "annotator", "storage"}) {
    EXPECT_EQ(AllowedPeers(*objects, backend, "grpc"), std::set<std::string>{"gateway"}) << backend;
  }
}

INSTANTIATE_TEST_SUITE_P(Overlays, OverlayTest, ::testing::Values("dev", "production"));

TEST(DevOverlayTest, OneReplicaEachAndSqliteOnAClaim) {
  absl::StatusOr<std::vector<Json>> objects = RenderOverlay(KubernetesDir() + "/overlays/dev");
  ASSERT_TRUE(objects.ok()) << objects.status();
  for (const char* name : {"gateway", "ingest", "storage"}) {
    EXPECT_EQ(GetInt(Find(*objects, "Deployment", name), {"spec", "replicas"}), 1) << name;
  }
  EXPECT_EQ(GetInt(Find(*objects, "HorizontalPodAutoscaler", "annotator"), {"spec", "maxReplicas"}), 1);
  const Json* storage = Find(*objects, "Deployment", "storage");
  EXPECT_EQ(GetString(storage, {"spec", "strategy", "type"}), "Recreate");
  bool on_claim = false;
  for (const Json* volume : GetList(storage, {"spec", "template", "spec", "volumes"})) {
    on_claim |= GetString(volume, {"persistentVolumeClaim", "claimName"}) == "storage-data";
  }
  EXPECT_TRUE(on_claim);
  EXPECT_NE(Find(*objects, "PersistentVolumeClaim", "storage-data"), nullptr);
}

TEST(ProductionOverlayTest, PostgresFromASecretSeveralReplicasTlsAtTheEdge) {
  absl::StatusOr<std::vector<Json>> objects =
      RenderOverlay(KubernetesDir() + "/overlays/production");
  ASSERT_TRUE(objects.ok()) << objects.status();
  EXPECT_GE(GetInt(Find(*objects, "Deployment", "gateway"), {"spec", "replicas"}).value_or(0), 2);
  EXPECT_GE(GetInt(Find(*objects, "HorizontalPodAutoscaler", "annotator"), {"spec", "minReplicas"})
                .value_or(0),
            2);
  const Json* storage = Find(*objects, "Deployment", "storage");
  const std::vector<const Json*> containers = GetList(storage, {"spec", "template", "spec", "containers"});
  ASSERT_EQ(containers.size(), 1u);
  std::string store_secret;
  for (const Json* env : GetList(containers[0], {"env"})) {
    if (GetString(env, {"name"}) == "KORPUS_STORE") {
      store_secret = GetString(env, {"valueFrom", "secretKeyRef", "name"});
    }
  }
  EXPECT_EQ(store_secret, "korpus-postgres");
  EXPECT_TRUE(OfKind(*objects, "PersistentVolumeClaim").empty());
  const Json* ingress = Find(*objects, "Ingress", "gateway");
  ASSERT_NE(ingress, nullptr);
  ASSERT_EQ(GetList(ingress, {"spec", "tls"}).size(), 1u);
  EXPECT_EQ(GetString(GetList(ingress, {"spec", "tls"})[0], {"secretName"}), "korpus-gateway-tls");
  // No secret material in the rendered manifests themselves.
  EXPECT_TRUE(OfKind(*objects, "Secret").empty());
}

// Mutations of a copy of deploy/kubernetes that the validation must refuse.
class BrokenManifestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    copy_ = dir_.path() + "/kubernetes";
    ASSERT_TRUE(CopyTree(KubernetesDir(), copy_).ok());
  }
  absl::Status ValidateDev() { return ValidateOverlay(copy_ + "/overlays/dev"); }

  TempDir dir_;
  std::string copy_;
};

TEST_F(BrokenManifestTest, TheUnmutatedCopyValidates) { EXPECT_TRUE(ValidateDev().ok()); }

TEST_F(BrokenManifestTest, MisspeltOptionalFieldFails) {
  ASSERT_TRUE(ReplaceOnce(copy_ + "/base/gateway.yaml", "readinessProbe:", "readinesProbe:").ok());
  absl::Status status = ValidateDev();
  EXPECT_FALSE(status.ok());
  EXPECT_TRUE(absl::StrContains(status.message(), "readinesProbe")) << status;
}

TEST_F(BrokenManifestTest, MisspeltNestedFieldFails) {
  ASSERT_TRUE(ReplaceOnce(copy_ + "/overlays/dev/storage-sqlite.yaml", "claimName:", "claimNmae:").ok());
  absl::Status status = ValidateDev();
  EXPECT_FALSE(status.ok());
  EXPECT_TRUE(absl::StrContains(status.message(), "claimNmae")) << status;
}

TEST_F(BrokenManifestTest, WrongTypeFails) {
  ASSERT_TRUE(ReplaceOnce(copy_ + "/base/ingest.yaml", "containerPort: 50052",
                          "containerPort: \"50052\"").ok());
  absl::Status status = ValidateDev();
  EXPECT_FALSE(status.ok());
  EXPECT_TRUE(absl::StrContains(status.message(), "containerPort")) << status;
}

TEST_F(BrokenManifestTest, MissingRequiredFieldFails) {
  ASSERT_TRUE(ReplaceOnce(copy_ + "/base/annotator.yaml",
                          "    kind: Deployment\n    name: annotator\n",
                          "    kind: Deployment\n").ok());
  absl::Status status = ValidateDev();
  EXPECT_FALSE(status.ok());
  EXPECT_TRUE(absl::StrContains(status.message(), "HorizontalPodAutoscaler/annotator")) << status;
}

}  // namespace
}  // namespace korpus::testing
