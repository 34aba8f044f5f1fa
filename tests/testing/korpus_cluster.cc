#include "tests/testing/korpus_cluster.h"

#include <csignal>

#include "absl/strings/str_cat.h"

namespace korpus::testing {

const BuildPaths& DefaultBuildPaths() {
  static const BuildPaths* paths = new BuildPaths{
      .gateway = KORPUS_GATEWAY_BINARY,
      .ingest = KORPUS_INGEST_BINARY,
      .annotator = KORPUS_ANNOTATOR_BINARY,
      .storage = KORPUS_STORAGE_BINARY,
      .korpusctl = KORPUSCTL_BINARY,
      .model_dir = KORPUS_MODEL_DIR,
      .seeds_dir = KORPUS_SEEDS_DIR,
  };
  return *paths;
}

absl::StatusOr<std::unique_ptr<ServiceProcess>> KorpusCluster::StartStorage(int port) {
  ProcessSpec spec{.binary = options_.paths.storage,
                   .args = {absl::StrCat("--store=", options_.store_spec.empty()
                                                         ? absl::StrCat("sqlite:", options_.work_dir,
                                                                        "/korpus.db")
                                                         : options_.store_spec),
                            // The search lexicon (German morphology in Search).
                            absl::StrCat("--model_dir=", options_.paths.model_dir)},
                   .log_path = absl::StrCat(options_.work_dir, "/storage.log"),
                   .port = port};
  spec.args.insert(spec.args.end(), options_.storage_args.begin(), options_.storage_args.end());
  return ServiceProcess::Start(spec);
}

absl::StatusOr<std::unique_ptr<KorpusCluster>> KorpusCluster::Start(
    const ClusterOptions& options) {
  auto cluster = std::unique_ptr<KorpusCluster>(new KorpusCluster(options));
  const std::string& dir = options.work_dir;

  absl::StatusOr<std::unique_ptr<ServiceProcess>> storage = cluster->StartStorage(0);
  if (!storage.ok()) return storage.status();
  cluster->storage_ = *std::move(storage);
  cluster->storage_port_ = cluster->storage_->port();

  absl::StatusOr<std::unique_ptr<ServiceProcess>> ingest = ServiceProcess::Start(
      {.binary = options.paths.ingest, .log_path = absl::StrCat(dir, "/ingest.log")});
  if (!ingest.ok()) return ingest.status();
  cluster->ingest_ = *std::move(ingest);

  if (options.annotators < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("ClusterOptions.annotators must be at least 1, got ", options.annotators));
  }
  std::string annotator_target;
  for (int i = 0; i < options.annotators; ++i) {
    // The first annotator's log keeps the name it always had.
    ProcessSpec spec{.binary = options.paths.annotator,
                     .args = {absl::StrCat("--model_dir=", options.paths.model_dir)},
                     .log_path = i == 0 ? absl::StrCat(dir, "/annotator.log")
                                        : absl::StrCat(dir, "/annotator-", i + 1, ".log")};
    absl::StatusOr<std::unique_ptr<ServiceProcess>> annotator = ServiceProcess::Start(spec);
    if (!annotator.ok()) return annotator.status();
    absl::StrAppend(&annotator_target, i == 0 ? "" : ",", (*annotator)->address());
    spec.port = (*annotator)->port();
    cluster->annotator_specs_.push_back(std::move(spec));
    cluster->annotators_.push_back(*std::move(annotator));
  }
  if (options.annotators > 1) annotator_target = absl::StrCat("ipv4:", annotator_target);

  ProcessSpec gateway{.binary = options.paths.gateway,
                      .args = {absl::StrCat("--ingest_address=", cluster->ingest_->address()),
                               absl::StrCat("--annotator_address=", annotator_target),
                               absl::StrCat("--storage_address=", cluster->storage_->address())},
                      .log_path = absl::StrCat(dir, "/gateway.log")};
  gateway.args.insert(gateway.args.end(), options.gateway_args.begin(), options.gateway_args.end());
  absl::StatusOr<std::unique_ptr<ServiceProcess>> started = ServiceProcess::Start(gateway);
  if (!started.ok()) return started.status();
  cluster->gateway_ = *std::move(started);
  return cluster;
}

absl::Status KorpusCluster::StopStorage() {
  absl::Status status = storage_->Stop(SIGTERM);
  storage_.reset();
  return status;
}

absl::Status KorpusCluster::RestartStorage() {
  absl::StatusOr<std::unique_ptr<ServiceProcess>> storage = StartStorage(storage_port_);
  if (!storage.ok()) return storage.status();
  storage_ = *std::move(storage);
  return absl::OkStatus();
}

absl::Status KorpusCluster::RestartAnnotator(int i) {
  annotators_[i]->Kill();
  absl::StatusOr<std::unique_ptr<ServiceProcess>> annotator =
      ServiceProcess::Start(annotator_specs_[i]);
  if (!annotator.ok()) return annotator.status();
  annotators_[i] = *std::move(annotator);
  return absl::OkStatus();
}

}  // namespace korpus::testing
