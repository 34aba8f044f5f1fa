// korpus-gateway: serves korpus.v1.CorpusService, the public API, in front
// of the ingest, annotator and storage services.
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "absl/flags/flag.h"
#include "absl/time/time.h"
#include "libs/clients/channel.h"
#include "libs/server/access_control.h"
#include "libs/server/client_tls_flags.h"
#include "libs/server/corpus_access.h"
#include "libs/server/process.h"
#include "libs/server/server.h"
#include "libs/server/tls.h"
#include "services/gateway/gateway_service.h"
#include "services/gateway/ingest_pipeline.h"
#include "services/gateway/reconciler.h"

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

ABSL_FLAG(absl::Duration, watch_poll_interval, absl::Milliseconds(500),
          "How often an open Watch stream polls storage for newly searchable documents; a "
          "document this gateway annotates wakes its watches at once (env "
          "KORPUS_WATCH_POLL_INTERVAL).");
ABSL_FLAG(int, max_watchers, 100,
          "Most Watch streams open at once; beyond it Watch fails with RESOURCE_EXHAUSTED "
          "(env KORPUS_MAX_WATCHERS).");
ABSL_FLAG(std::string, auth_tokens_file, "",
          "File of bearer tokens with roles, one \"ROLE TOKEN\" per line (ROLE reader, writer "
          "or admin; '#' starts a comment line); if it or --auth_tokens names any token, every "
          "call must carry \"authorization: Bearer <token>\" of a role the RPC allows "
          "(env KORPUS_AUTH_TOKENS_FILE). Empty, with --auth_tokens empty too: no access "
          "control.");
ABSL_FLAG(std::string, auth_tokens, "",
          "Bearer tokens in the format of --auth_tokens_file (newlines or commas between "
          "entries), added to its tokens; meant for the environment, KORPUS_AUTH_TOKENS, e.g. "
          "from a Kubernetes Secret (the command line is visible to other users).");
ABSL_FLAG(bool, auth_protect_health_and_reflection, false,
          "With tokens configured, require a token (of any role) for health checks and server "
          "reflection as well; by default they stay open, for probes and grpcurl "
          "(env KORPUS_AUTH_PROTECT_HEALTH_AND_REFLECTION).");
ABSL_FLAG(absl::Duration, reconcile_interval, absl::Seconds(5),
          "How often the reconciler annotates the stored documents still PENDING (the "
          "annotator was down when they were ingested); 0 turns it off (env "
          "KORPUS_RECONCILE_INTERVAL).");
ABSL_FLAG(absl::Duration, reconcile_max_backoff, absl::Minutes(1),
          "Longest wait between reconciler passes while the annotator or storage is down; "
          "the wait doubles from --reconcile_interval (env KORPUS_RECONCILE_MAX_BACKOFF).");
ABSL_FLAG(absl::Duration, reconcile_min_age, absl::Seconds(30),
          "The reconciler leaves PENDING documents younger than this to the ingest call "
          "still annotating them (env KORPUS_RECONCILE_MIN_AGE).");

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
  config.watch_poll_interval = absl::GetFlag(FLAGS_watch_poll_interval);
  config.max_watchers = absl::GetFlag(FLAGS_max_watchers);
  if (absl::Status status = config.Validate(); !status.ok()) {
    std::fprintf(stderr, "korpus-gateway: %s\n", std::string(status.message()).c_str());
    return 2;
  }

  korpus::ServerOptions server_options =
      korpus::ServerOptionsFromFlags("gateway", "127.0.0.1:50051");
  server_options.warn_if_open = true;
  absl::StatusOr<korpus::TokenSet> tokens =
      korpus::LoadTokens(absl::GetFlag(FLAGS_auth_tokens_file), "--auth_tokens_file",
                         absl::GetFlag(FLAGS_auth_tokens), "--auth_tokens (KORPUS_AUTH_TOKENS)");
  if (!tokens.ok()) {
    std::fprintf(stderr, "korpus-gateway: %s\n", std::string(tokens.status().message()).c_str());
    return 2;
  }
  if (!tokens->empty()) {
    server_options.access_policy = std::make_shared<const korpus::AccessPolicy>(
        *std::move(tokens), korpus::CorpusServiceRoles(),
        absl::GetFlag(FLAGS_auth_protect_health_and_reflection));
  }
  // TLS towards the backends (--tls_ca_file, ...).
  absl::StatusOr<std::optional<korpus::ClientTls>> backend_tls =
      korpus::LoadClientTls(korpus::ClientTlsFilesFromFlags());
  if (!backend_tls.ok()) {
    std::fprintf(stderr, "korpus-gateway: %s\n",
                 std::string(backend_tls.status().message()).c_str());
    return 2;
  }
  // The backends' messages are bounded as the gateway's own (--max_message_bytes).
  const korpus::ChannelOptions channel_options{
      .max_message_bytes = server_options.max_message_bytes, .tls = *backend_tls};

  // Channels connect lazily and reconnect on their own (see MakeChannel), so
  // the backends may start after the gateway or restart under it.
  const korpus::IngestClient ingest(
      korpus::MakeChannel(config.pipeline.addresses.ingest, channel_options));
  const korpus::AnnotatorClient annotator(
      korpus::MakeChannel(config.pipeline.addresses.annotator, channel_options));
  const korpus::StorageClient storage(
      korpus::MakeChannel(config.pipeline.addresses.storage, channel_options));
  korpus::gateway::CorpusServiceImpl service(ingest, annotator, storage, config);

  // The reconciler (reconciler.h) annotates what an annotator outage left
  // PENDING; it stops after the server, on SIGTERM.
  // What it annotates wakes the open watches, as the service's own ingest does.
  korpus::gateway::IngestPipelineConfig reconcile_config = config.pipeline;
  reconcile_config.on_annotated = [&service] { service.NotifyWatches(); };
  const korpus::gateway::IngestPipeline pipeline(ingest, annotator, storage, reconcile_config);
  korpus::gateway::Reconciler reconciler(
      storage, pipeline,
      {.interval = absl::GetFlag(FLAGS_reconcile_interval),
       .max_backoff = absl::GetFlag(FLAGS_reconcile_max_backoff),
       .min_age = absl::GetFlag(FLAGS_reconcile_min_age),
       .backend_timeout = config.pipeline.backend_timeout});
  if (absl::GetFlag(FLAGS_reconcile_interval) > absl::ZeroDuration()) reconciler.Start();

  // Open watches end at once on SIGTERM rather than holding the drain.
  server_options.on_shutdown = [&service] { service.StopWatches(); };
  const int exit_code = korpus::ServeUntilSignalled(
      server_options, {{&service, korpus::v1::CorpusService::service_full_name()}});
  reconciler.Stop();
  return exit_code;
}
