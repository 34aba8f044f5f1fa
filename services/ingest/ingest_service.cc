#include "services/ingest/ingest_service.h"

#include <utility>

#include "libs/server/grpc_status.h"
#include "libs/server/logging.h"
#include "spdlog/spdlog.h"

namespace korpus {

IngestServiceImpl::IngestServiceImpl(ingest::Normalizer normalizer)
    : normalizer_(std::move(normalizer)) {}

grpc::Status IngestServiceImpl::NormalizeArticle(grpc::ServerContext* context,
                                                 const v1::NormalizeArticleRequest* request,
                                                 v1::NormalizeArticleResponse* response) {
  const v1::RawArticle& article = request->article();
  absl::StatusOr<v1::Document> document = normalizer_.Normalize(article);
  if (!document.ok()) {
    // The caller handles (and logs) the error; this records the rejection
    // with sizes only, never the content.
    spdlog::debug("rejected article source_uri={} bytes={}: {}", article.source_uri(),
                  article.content().size(), document.status());
    return ToGrpcStatus(document.status());
  }
  spdlog::debug("normalised article id={} bytes={} chars={} paragraphs={}", document->id(),
                article.content().size(), document->char_count(), document->paragraphs_size());
  *response->mutable_document() = *std::move(document);
  return grpc::Status::OK;
}

}  // namespace korpus
