#include "libs/clients/ingest_client.h"

#include "libs/clients/unary_call.h"

namespace korpus {

IngestClient::IngestClient(std::shared_ptr<grpc::Channel> channel)
    : stub_(v1::IngestService::NewStub(std::move(channel))) {}

absl::StatusOr<v1::Document> IngestClient::NormalizeArticle(const v1::RawArticle& article,
                                                            const CallOptions& options) const {
  v1::NormalizeArticleRequest request;
  *request.mutable_article() = article;
  absl::StatusOr<v1::NormalizeArticleResponse> response = internal::UnaryCall(
      *stub_, &v1::IngestService::Stub::NormalizeArticle, request, options, "ingest");
  if (!response.ok()) return response.status();
  return std::move(*response->mutable_document());
}

}  // namespace korpus
