// korpus-gateway: serves korpus.v1.CorpusService, the public API, in front
// of the ingest, annotator and storage services.
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/time/time.h"
#include "libs/clients/channel.h"
#include "libs/server/process.h"
#include "libs/server/server.h"
#include "services/gateway/gateway_service.h"

ABSL_FLAG(std::string, ingest_address, "127.0.0.1:50052",
          "gRPC target of korpus-ingest (env KORPUS_INGEST_ADDRESS).");
ABSL_FLAG(std::string, annotator_address, "127.0.0.1:50053",
          "gRPC target of korpus-annotator (env KORPUS_ANNOTATOR_ADDRESS).");
ABSL_FLAG(std::string, storage_address, "127.0.0.1:50054",
          "gRPC target of korpus-storage (env KORPUS_STORAGE_ADDRESS).");
ABSL_FLAG(absl::Duration, backend_timeout, absl::Seconds(10),
          "Deadline of each call to a backend, bounded by the incoming call's deadline "
          "(env KORPUS_BACKEND_TIMEOUT).");
ABSL_FLAG(int, max_batch_articles, 100,
          "Most articles one IngestDocuments call may carry (env KORPUS_MAX_BATCH_ARTICLES).");

int main(int argc, char** argv) {
  korpus::InitProcess(argc, argv,
                      {.name = "gateway",
                       .description = "korpus-gateway serves korpus.v1.CorpusService (default "
                                      "address 127.0.0.1:50051): articles are normalised by "
                                      "korpus-ingest, annotated by korpus-annotator and stored "
                                      "by korpus-storage; reads are forwarded to storage."});

  korpus::gateway::GatewayConfig config;
  config.pipeline.backend_timeout = absl::GetFlag(FLAGS_backend_timeout);
  config.pipeline.addresses = {.ingest = absl::GetFlag(FLAGS_ingest_address),
                               .annotator = absl::GetFlag(FLAGS_annotator_address),
                               .storage = absl::GetFlag(FLAGS_storage_address)};
  config.max_batch_articles = absl::GetFlag(FLAGS_max_batch_articles);
  if (absl::Status status = config.Validate(); !status.ok()) {
    std::fprintf(stderr, "korpus-gateway: %s\n", std::string(status.message()).c_str());
    return 2;
  }

  // Channels connect lazily and reconnect on their own (see MakeChannel), so
  // the backends may start after the gateway or restart under it.
  const korpus::IngestClient ingest(korpus::MakeChannel(config.pipeline.addresses.ingest));
  const korpus::AnnotatorClient annotator(korpus::MakeChannel(config.pipeline.addresses.annotator));
  const korpus::StorageClient storage(korpus::MakeChannel(config.pipeline.addresses.storage));
  korpus::gateway::CorpusServiceImpl service(ingest, annotator, storage, config);

  return korpus::ServeUntilSignalled(
      korpus::ServerOptionsFromFlags("gateway", "127.0.0.1:50051"),
      {{&service, korpus::v1::CorpusService::service_full_name()}});
}
