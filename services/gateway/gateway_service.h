// korpus.v1.CorpusService, the public API: ingest runs through
// IngestPipeline, reads are forwarded to storage.
//
// This is the synchronous gRPC API on purpose: every handler spends its time
// blocked on downstream calls, and the sync server's thread pool (one thread
// per in-flight call, grown on demand) is the simplest correct model for
// that; there is no CPU work here that a callback/async design would save.
#ifndef KORPUS_SERVICES_GATEWAY_GATEWAY_SERVICE_H_
#define KORPUS_SERVICES_GATEWAY_GATEWAY_SERVICE_H_

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "korpus/v1/corpus.grpc.pb.h"
#include "libs/clients/annotator_client.h"
#include "libs/clients/ingest_client.h"
#include "libs/clients/storage_client.h"
#include "services/gateway/ingest_pipeline.h"

namespace korpus::gateway {

struct GatewayConfig {
  // Backend deadline (default 10 s) and addresses (for messages).
  IngestPipelineConfig pipeline;
  // Most articles one IngestDocuments call may carry (default 100).
  int max_batch_articles = 100;

  // INVALID_ARGUMENT naming the field if a value is out of range.
  absl::Status Validate() const;
};

// Status codes: INVALID_ARGUMENT for a malformed request (empty batch, empty
// id, entity id or query), RESOURCE_EXHAUSTED for a batch over max_batch_articles,
// UNAVAILABLE / DEADLINE_EXCEEDED when a backend is down or too slow (the
// message names it); a storage status on a read passes through unchanged.
class CorpusServiceImpl final : public v1::CorpusService::Service {
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
  grpc::Status GetDocument(grpc::ServerContext* context, const v1::GetDocumentRequest* request,
                           v1::Document* response) override;
  grpc::Status ListDocuments(grpc::ServerContext* context,
                             const v1::ListDocumentsRequest* request,
                             v1::ListDocumentsResponse* response) override;
  grpc::Status Search(grpc::ServerContext* context, const v1::SearchRequest* request,
                      v1::SearchResponse* response) override;
  grpc::Status GetStats(grpc::ServerContext* context, const v1::GetStatsRequest* request,
                        v1::CorpusStats* response) override;
  // Entities are storage's: forwarded like the other reads.
  grpc::Status ListEntities(grpc::ServerContext* context, const v1::ListEntitiesRequest* request,
                            v1::ListEntitiesResponse* response) override;
  grpc::Status GetEntity(grpc::ServerContext* context, const v1::GetEntityRequest* request,
                         v1::Entity* response) override;
  // Export and import are forwarded to storage as streams, bounded by the
  // caller's deadline only (a corpus takes as long as it takes).
  grpc::Status ExportDocuments(grpc::ServerContext* context,
                               const v1::ExportDocumentsRequest* request,
                               grpc::ServerWriter<v1::Document>* writer) override;
  grpc::Status ImportDocuments(grpc::ServerContext* context,
                               grpc::ServerReader<v1::ImportDocumentsRequest>* reader,
                               v1::ImportDocumentsResponse* response) override;

 private:
  CallOptions StorageOptions(const grpc::ServerContext* context) const;
  // A storage read's status, with outages described (code unchanged).
  absl::Status FromStorage(const absl::Status& status) const;

  const StorageClient& storage_;
  GatewayConfig config_;
  IngestPipeline pipeline_;
};

}  // namespace korpus::gateway

#endif  // KORPUS_SERVICES_GATEWAY_GATEWAY_SERVICE_H_
