// Runs rendered Kubernetes manifests as local processes, the way a cluster
// would run them as far as a test on one machine can tell: every pod of
// every Deployment/StatefulSet becomes one process per container, started
// with exactly the command, args and environment the manifests give it
// (environment resolved from the rendered ConfigMaps and Secrets, and
// nothing inherited from the test), and its declared probes are run against
// it. The manifests' consistency is checked on the way, and every problem
// is an error naming the object and field.
//
// What stands in for the cluster, and how a wrong value is still caught:
//   - Network: each pod has its own IP in a cluster, so all pods may use
//     the same port; here every containerPort of every pod is mapped onto
//     its own free loopback port. A listen address in args/env
//     ("0.0.0.0:P", "[::]:P", ":P") must name a declared containerPort of
//     its container, else error; it is rewritten to 127.0.0.1:<mapped>. A
//     probe's port must be a declared containerPort and is probed at the
//     mapped port, so a probe aimed at the wrong (declared) port reaches
//     another listener, or none, and fails.
//   - Cluster DNS: an address "[dns:///]NAME[.NS[.svc[.cluster.local]]]:P"
//     with NAME a rendered Service must name a port of that Service; it is
//     rewritten to "ipv4:127.0.0.1:a,127.0.0.1:b,..." over the mapped
//     target ports of every pod the Service selects (what the headless
//     Service's DNS name resolves to).
//   - Image: command[0] and other paths inside the image resolve through
//     the Dockerfile's COPY lines (ImageLayout) to the build tree; volumes
//     (emptyDir, PersistentVolumeClaim) become directories. Any other
//     absolute path in args or env is an error: the root filesystem is
//     read-only. Each pod runs in an empty directory of its own; a file
//     appearing there (a relative path written) is an error at Stop().
#ifndef KORPUS_TESTS_DEPLOY_LOCAL_DEPLOYMENT_H_
#define KORPUS_TESTS_DEPLOY_LOCAL_DEPLOYMENT_H_

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tests/deploy/dockerfile.h"
#include "tests/deploy/manifest.h"

namespace korpus::testing {

struct LocalDeploymentOptions {
  ImageLayout image;
  // Holds volumes, pod directories and logs; must outlive the deployment.
  std::string work_dir;
  // How long all pods together may take to pass their startup and
  // readiness probes.
  absl::Duration ready_timeout = absl::Seconds(30);
};

struct GrpcProbe {
  std::string kind;     // "startup", "readiness" or "liveness"
  int container_port;   // as declared
  int local_port;       // where it is probed here
  std::string service;  // the health service name ("" = the whole server)
};

struct LocalContainer {
  std::string name;
  std::vector<std::string> argv;  // local binary first
  std::vector<std::pair<std::string, std::string>> env;
  std::map<int, int> ports;                 // containerPort -> local port
  std::map<std::string, int> named_ports;   // port name -> containerPort
  std::vector<GrpcProbe> probes;
  std::string log_path;
  pid_t pid = -1;
};

struct LocalPod {
  std::string name;      // "<workload>-<index>"
  std::string workload;  // the Deployment's or StatefulSet's name
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  std::string root_dir;  // the working directory, standing in for the read-only root
  int termination_grace_seconds = 30;
  std::vector<LocalContainer> containers;

  // The local port of a declared containerPort (by number or by name) of
  // any container; NOT_FOUND if undeclared.
  absl::StatusOr<int> LocalPort(int container_port) const;
  absl::StatusOr<int> LocalPort(const std::string& port_name) const;
};

class LocalDeployment {
 public:
  // Plans every pod, starts them all, and waits until each has passed its
  // startup and readiness probes and one liveness probe. On any error the
  // processes started so far are killed.
  static absl::StatusOr<std::unique_ptr<LocalDeployment>> Start(
      const std::vector<Json>& objects, LocalDeploymentOptions options);
  // Kills whatever still runs.
  ~LocalDeployment();

  const std::vector<LocalPod>& pods() const { return pods_; }
  const LocalPod* Pod(const std::string& name) const;
  std::vector<const LocalPod*> PodsOf(const std::string& workload) const;

  // "127.0.0.1:P" of the first pod behind port `port` of Service `service`.
  absl::StatusOr<std::string> ServiceAddress(const std::string& service, int port) const;

  // The local metrics port of a pod, from its prometheus.io/port
  // annotation, which must name a declared containerPort.
  absl::StatusOr<int> MetricsPort(const LocalPod& pod) const;

  // Sends SIGTERM to every container; each must exit with status 0 within
  // its pod's terminationGracePeriodSeconds and must not have written into
  // its root directory.
  absl::Status Stop();

  // Everything each container logged, for messages.
  std::string Log(const LocalPod& pod) const;

 private:
  LocalDeployment() = default;
  absl::Status Plan(const std::vector<Json>& objects);
  absl::Status StartProcesses();
  absl::Status WaitUntilReady();

  LocalDeploymentOptions options_;
  std::vector<Json> objects_;
  std::vector<LocalPod> pods_;
};

// Checks one gRPC health probe once: OK if the server at 127.0.0.1:port
// reports SERVING for `service` within `timeout`.
absl::Status ProbeOnce(int port, const std::string& service, absl::Duration timeout);

}  // namespace korpus::testing

#endif  // KORPUS_TESTS_DEPLOY_LOCAL_DEPLOYMENT_H_
