// korpus.v1.CorpusService, the public API: ingest runs through
// IngestPipeline, reads are forwarded to storage.
//
// The unary reads forwarded to storage as they are (documents, search,
// stats, entities, quotes, timeline, stories) are served on
// gRPC's callback API and call storage asynchronously: a handler starts the
// storage call and returns, and the storage call's completion finishes the
// incoming call, so no thread waits on storage. That cut the gateway's CPU
// per GetDocument 2.4-fold (docs/BENCHMARKS.md). The other methods are
// synchronous (a thread per call), the simplest correct model for ingest,
// whose handlers make several backend calls in sequence, and for the
// streams.
#ifndef KORPUS_SERVICES_GATEWAY_GATEWAY_SERVICE_H_
#define KORPUS_SERVICES_GATEWAY_GATEWAY_SERVICE_H_

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "korpus/v1/corpus.grpc.pb.h"
#include "libs/clients/annotator_client.h"
#include "libs/clients/ingest_client.h"
#include "libs/clients/storage_client.h"
#include "services/gateway/ingest_pipeline.h"
#include "services/gateway/watch_hub.h"

namespace korpus::gateway {

struct GatewayConfig {
  // Backend deadline (default 10 s) and addresses (for messages).
  IngestPipelineConfig pipeline;
  // Most articles one IngestDocuments call may carry (default 100).
  int max_batch_articles = 100;
  // Watch: how often an open watch polls storage for new matches (a
  // document this gateway annotates wakes its watches at once), and how
  // many watches may be open at once (beyond: RESOURCE_EXHAUSTED).
  absl::Duration watch_poll_interval = absl::Milliseconds(500);
  int max_watchers = 100;

  // INVALID_ARGUMENT naming the field if a value is out of range.
  absl::Status Validate() const;
};

// Status codes: INVALID_ARGUMENT for a malformed request (empty batch, empty
// id, entity id or query), RESOURCE_EXHAUSTED for a batch over max_batch_articles,
// UNAVAILABLE / DEADLINE_EXCEEDED when a backend is down or too slow (the
// message names it); a storage status on a read passes through unchanged.
//
// Both kinds of handlers bound every storage call by backend_timeout and the
// caller's deadline, propagate cancellation and forward the request id.
using CorpusServiceBase = v1::CorpusService::WithCallbackMethod_GetDocument<
    v1::CorpusService::WithCallbackMethod_ListDocuments<
        v1::CorpusService::WithCallbackMethod_Search<
            v1::CorpusService::WithCallbackMethod_GetStats<
                v1::CorpusService::WithCallbackMethod_ListEntities<
                    v1::CorpusService::WithCallbackMethod_GetEntity<
                    v1::CorpusService::WithCallbackMethod_ListCooccurrences<
                        v1::CorpusService::WithCallbackMethod_ListQuotes<
                            v1::CorpusService::WithCallbackMethod_GetTimeline<
                                v1::CorpusService::WithCallbackMethod_ListStories<
                                    v1::CorpusService::WithCallbackMethod_GetStory<
                                        v1::CorpusService::Service>>>>>>>>>>>;

class CorpusServiceImpl final : public CorpusServiceBase {
 public:
  // The clients must outlive the service.
  CorpusServiceImpl(const IngestClient& ingest, const AnnotatorClient& annotator,
                    const StorageClient& storage, GatewayConfig config);

  grpc::Status IngestDocuments(grpc::ServerContext* context,
                               const v1::IngestDocumentsRequest* request,
                               v1::IngestDocumentsResponse* response) override;
  grpc::Status StreamIngestDocuments(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<v1::IngestResult, v1::StreamIngestDocumentsRequest>* stream)
      override;
  grpc::ServerUnaryReactor* GetDocument(grpc::CallbackServerContext* context,
                                        const v1::GetDocumentRequest* request,
                                        v1::Document* response) override;
  grpc::ServerUnaryReactor* ListDocuments(grpc::CallbackServerContext* context,
                                          const v1::ListDocumentsRequest* request,
                                          v1::ListDocumentsResponse* response) override;
  grpc::ServerUnaryReactor* Search(grpc::CallbackServerContext* context,
                                   const v1::SearchRequest* request,
                                   v1::SearchResponse* response) override;
  grpc::ServerUnaryReactor* GetStats(grpc::CallbackServerContext* context,
                                     const v1::GetStatsRequest* request,
                                     v1::CorpusStats* response) override;
  // Entities are storage's: forwarded like the other reads.
  grpc::ServerUnaryReactor* ListEntities(grpc::CallbackServerContext* context,
                                         const v1::ListEntitiesRequest* request,
                                         v1::ListEntitiesResponse* response) override;
  grpc::ServerUnaryReactor* GetEntity(grpc::CallbackServerContext* context,
                                      const v1::GetEntityRequest* request,
                                      v1::Entity* response) override;
  grpc::ServerUnaryReactor* ListCooccurrences(grpc::CallbackServerContext* context,
                                              const v1::ListCooccurrencesRequest* request,
                                              v1::ListCooccurrencesResponse* response) override;
  // Quotes and the timeline are storage's too; the gateway checks the page
  // size (INVALID_ARGUMENT naming the field), storage the rest.
  grpc::ServerUnaryReactor* ListQuotes(grpc::CallbackServerContext* context,
                                       const v1::ListQuotesRequest* request,
                                       v1::ListQuotesResponse* response) override;
  grpc::ServerUnaryReactor* GetTimeline(grpc::CallbackServerContext* context,
                                        const v1::GetTimelineRequest* request,
                                        v1::GetTimelineResponse* response) override;
  // Stories are storage's too: the gateway checks the page size and the
  // story id (INVALID_ARGUMENT naming the field), storage the rest.
  grpc::ServerUnaryReactor* ListStories(grpc::CallbackServerContext* context,
                                        const v1::ListStoriesRequest* request,
                                        v1::ListStoriesResponse* response) override;
  grpc::ServerUnaryReactor* GetStory(grpc::CallbackServerContext* context,
                                     const v1::GetStoryRequest* request,
                                     v1::Story* response) override;
  // Export and import are forwarded to storage as streams, bounded by the
  // caller's deadline only (a corpus takes as long as it takes).
  grpc::Status ExportDocuments(grpc::ServerContext* context,
                               const v1::ExportDocumentsRequest* request,
                               grpc::ServerWriter<v1::Document>* writer) override;
  grpc::Status ImportDocuments(grpc::ServerContext* context,
                               grpc::ServerReader<v1::ImportDocumentsRequest>* reader,
                               v1::ImportDocumentsResponse* response) override;
  // Admin calls, forwarded to storage (synchronous: rare, and they write).
  // DeleteDocument checks the id (INVALID_ARGUMENT when empty);
  // ReannotateDocuments returns with the count storage queued (bounded by
  // the caller's deadline only, not backend_timeout), and the reconciler
  // annotates them.
  grpc::Status DeleteDocument(grpc::ServerContext* context,
                              const v1::DeleteDocumentRequest* request,
                              v1::DeleteDocumentResponse* response) override;
  grpc::Status ReannotateDocuments(grpc::ServerContext* context,
                                   const v1::ReannotateDocumentsRequest* request,
                                   v1::ReannotateDocumentsResponse* response) override;
  // Watch polls storage (PollWatch) from the request's cursor, writes the
  // events, then waits for a wake-up (NotifyWatches) or the poll interval;
  // it ends OK on StopWatches, CANCELLED when the client goes away, with
  // storage's status when a poll fails. RESOURCE_EXHAUSTED beyond
  // max_watchers open watches.
  grpc::Status Watch(grpc::ServerContext* context, const v1::WatchRequest* request,
                     grpc::ServerWriter<v1::WatchEvent>* writer) override;

  // Wakes the open watches: a document became searchable (the reconciler
  // calls it; this service's own ingest does so by itself).
  void NotifyWatches() { watch_hub_.Notify(); }
  // Ends every open watch (OK, so that clients resume with their last
  // cursor) and every later one at once: shutdown has begun.
  void StopWatches() { watch_hub_.Stop(); }

 private:
  CallOptions StorageOptions(const grpc::ServerContextBase* context) const;
  // A storage read's status, with outages described (code unchanged).
  absl::Status FromStorage(const absl::Status& status) const;
  // A completion for an asynchronous storage read that finishes the
  // incoming call with its response, or with its status through FromStorage.
  template <typename Response>
  AsyncDone<Response> ReplyFromStorage(grpc::ServerUnaryReactor* reactor, Response* response) const;

  const StorageClient& storage_;
  GatewayConfig config_;
  WatchHub watch_hub_;
  IngestPipeline pipeline_;
};

}  // namespace korpus::gateway

#endif  // KORPUS_SERVICES_GATEWAY_GATEWAY_SERVICE_H_
