// korpus.v1.IngestService: validation and normalisation of raw articles
// behind gRPC. A thin adapter: request -> ingest::Normalizer -> response,
// absl::Status -> grpc::Status.
#ifndef KORPUS_SERVICES_INGEST_INGEST_SERVICE_H_
#define KORPUS_SERVICES_INGEST_INGEST_SERVICE_H_

#include "korpus/v1/ingest.grpc.pb.h"
#include "libs/ingest/normalizer.h"

namespace korpus {

// Uses the synchronous API: normalisation is CPU-bound and short (a
// millisecond or so per article), so a handler thread per call is the
// simplest model. Stateless and thread-safe.
class IngestServiceImpl final : public v1::IngestService::Service {
 public:
  explicit IngestServiceImpl(ingest::Normalizer normalizer);

  // The normalised document; INVALID_ARGUMENT or RESOURCE_EXHAUSTED as
  // Normalizer::Normalize returns them (a missing article is empty content:
  // INVALID_ARGUMENT).
  grpc::Status NormalizeArticle(grpc::ServerContext* context,
                                const v1::NormalizeArticleRequest* request,
                                v1::NormalizeArticleResponse* response) override;

 private:
  const ingest::Normalizer normalizer_;
};

}  // namespace korpus

#endif  // KORPUS_SERVICES_INGEST_INGEST_SERVICE_H_
