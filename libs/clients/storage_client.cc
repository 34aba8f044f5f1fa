#include "libs/clients/storage_client.h"

#include "libs/clients/unary_call.h"

namespace korpus {

using Stub = v1::StorageService::Stub;

StorageClient::StorageClient(std::shared_ptr<grpc::Channel> channel)
    : stub_(v1::StorageService::NewStub(std::move(channel))) {}

absl::StatusOr<v1::PutDocumentResponse> StorageClient::PutDocument(
    const v1::Document& document, const CallOptions& options) const {
  v1::PutDocumentRequest request;
  *request.mutable_document() = document;
  return internal::UnaryCall(*stub_, &Stub::PutDocument, request, options, "storage");
}

absl::StatusOr<v1::Document> StorageClient::GetDocument(const v1::GetDocumentRequest& request,
                                                        const CallOptions& options) const {
  return internal::UnaryCall(*stub_, &Stub::GetDocument, request, options, "storage");
}

absl::StatusOr<v1::ListDocumentsResponse> StorageClient::ListDocuments(
    const v1::ListDocumentsRequest& request, const CallOptions& options) const {
  return internal::UnaryCall(*stub_, &Stub::ListDocuments, request, options, "storage");
}

absl::StatusOr<v1::SearchResponse> StorageClient::Search(const v1::SearchRequest& request,
                                                         const CallOptions& options) const {
  return internal::UnaryCall(*stub_, &Stub::Search, request, options, "storage");
}

absl::StatusOr<v1::CorpusStats> StorageClient::GetStats(const CallOptions& options) const {
  return internal::UnaryCall(*stub_, &Stub::GetStats, v1::GetStatsRequest(), options, "storage");
}

}  // namespace korpus
