// The four korpus services as real processes on loopback, wired together
// as `make run` wires them: storage (SQLite in a temporary directory, or
// ClusterOptions.store_spec), ingest, annotator(s) and the gateway in front.
#ifndef KORPUS_TESTS_TESTING_KORPUS_CLUSTER_H_
#define KORPUS_TESTS_TESTING_KORPUS_CLUSTER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tests/testing/service_process.h"

namespace korpus::testing {

// Paths of the built binaries and data, compiled in by CMake.
struct BuildPaths {
  std::string gateway;
  std::string ingest;
  std::string annotator;
  std::string storage;
  std::string korpusctl;
  std::string model_dir;
  std::string seeds_dir;
};
const BuildPaths& DefaultBuildPaths();

struct ClusterOptions {
  BuildPaths paths = DefaultBuildPaths();
  // Directory for the database and the logs; must outlive the cluster.
  std::string work_dir;
  // Storage's --store; empty means sqlite:<work_dir>/korpus.db.
  std::string store_spec;
  // Extra arguments per service, e.g. {"--backend_timeout=2s"}.
  std::vector<std::string> gateway_args;
  std::vector<std::string> storage_args;
  // Number of annotator processes (at least 1); with more than one the
  // gateway balances over all of them (round robin, libs/clients/channel.h)
  // through the target "ipv4:127.0.0.1:P1,127.0.0.1:P2,...".
  int annotators = 1;
};

class KorpusCluster {
 public:
  static absl::StatusOr<std::unique_ptr<KorpusCluster>> Start(const ClusterOptions& options);

  std::string gateway_address() const { return gateway_->address(); }
  ServiceProcess& gateway() { return *gateway_; }
  ServiceProcess& storage() { return *storage_; }
  ServiceProcess& ingest() { return *ingest_; }
  int annotator_count() const { return static_cast<int>(annotators_.size()); }
  ServiceProcess& annotator(int i = 0) { return *annotators_[i]; }

  // Stops storage with SIGTERM (it must exit cleanly).
  absl::Status StopStorage();
  // Starts storage again on the port it had, with the same database.
  absl::Status RestartStorage();
  // Kills annotator `i` with SIGKILL if it still runs, then starts it again
  // on the port it had (the gateway's target stays valid).
  absl::Status RestartAnnotator(int i = 0);

 private:
  explicit KorpusCluster(ClusterOptions options) : options_(std::move(options)) {}
  absl::StatusOr<std::unique_ptr<ServiceProcess>> StartStorage(int port);

  ClusterOptions options_;
  int storage_port_ = 0;
  std::unique_ptr<ServiceProcess> storage_;
  std::unique_ptr<ServiceProcess> ingest_;
  std::vector<std::unique_ptr<ServiceProcess>> annotators_;
  // How each annotator was started, with the port it got.
  std::vector<ProcessSpec> annotator_specs_;
  std::unique_ptr<ServiceProcess> gateway_;
};

}  // namespace korpus::testing

#endif  // KORPUS_TESTS_TESTING_KORPUS_CLUSTER_H_
