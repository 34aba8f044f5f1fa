#include "libs/clients/storage_client.h"

#include <utility>

#include "libs/clients/transfer_calls.h"
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

absl::StatusOr<v1::AnnotateDocumentResponse> StorageClient::AnnotateDocument(
    const v1::AnnotateDocumentRequest& request, const CallOptions& options) const {
  return internal::UnaryCall(*stub_, &Stub::AnnotateDocument, request, options, "storage");
}

absl::StatusOr<v1::AnnotateDocumentResponse> StorageClient::MarkDocumentFailed(
    const v1::MarkDocumentFailedRequest& request, const CallOptions& options) const {
  return internal::UnaryCall(*stub_, &Stub::MarkDocumentFailed, request, options, "storage");
}

absl::StatusOr<v1::DeleteDocumentResponse> StorageClient::DeleteDocument(
    const v1::DeleteDocumentRequest& request, const CallOptions& options) const {
  return internal::UnaryCall(*stub_, &Stub::DeleteDocument, request, options, "storage");
}

absl::StatusOr<v1::ReannotateDocumentsResponse> StorageClient::ReannotateDocuments(
    const v1::ReannotateDocumentsRequest& request, const CallOptions& options) const {
  return internal::UnaryCall(*stub_, &Stub::ReannotateDocuments, request, options, "storage");
}

absl::StatusOr<v1::ListDocumentsResponse> StorageClient::ListDocuments(
    const v1::ListDocumentsRequest& request, const CallOptions& options) const {
  return internal::UnaryCall(*stub_, &Stub::ListDocuments, request, options, "storage");
}

absl::StatusOr<v1::SearchResponse> StorageClient::Search(const v1::SearchRequest& request,
                                                         const CallOptions& options) const {
  return internal::UnaryCall(*stub_, &Stub::Search, request, options, "storage");
}

absl::StatusOr<v1::PollWatchResponse> StorageClient::PollWatch(const v1::PollWatchRequest& request,
                                                               const CallOptions& options) const {
  return internal::UnaryCall(*stub_, &Stub::PollWatch, request, options, "storage");
}

absl::StatusOr<v1::CorpusStats> StorageClient::GetStats(const CallOptions& options) const {
  return internal::UnaryCall(*stub_, &Stub::GetStats, v1::GetStatsRequest(), options, "storage");
}

absl::StatusOr<v1::ListEntitiesResponse> StorageClient::ListEntities(
    const v1::ListEntitiesRequest& request, const CallOptions& options) const {
  return internal::UnaryCall(*stub_, &Stub::ListEntities, request, options, "storage");
}

absl::StatusOr<v1::Entity> StorageClient::GetEntity(const v1::GetEntityRequest& request,
                                                 const CallOptions& options) const {
  return internal::UnaryCall(*stub_, &Stub::GetEntity, request, options, "storage");
}

absl::StatusOr<v1::ListCooccurrencesResponse> StorageClient::ListCooccurrences(
    const v1::ListCooccurrencesRequest& request, const CallOptions& options) const {
  return internal::UnaryCall(*stub_, &Stub::ListCooccurrences, request, options, "storage");
}

absl::StatusOr<v1::ListQuotesResponse> StorageClient::ListQuotes(
    const v1::ListQuotesRequest& request, const CallOptions& options) const {
  return internal::UnaryCall(*stub_, &Stub::ListQuotes, request, options, "storage");
}

absl::StatusOr<v1::GetTimelineResponse> StorageClient::GetTimeline(
    const v1::GetTimelineRequest& request, const CallOptions& options) const {
  return internal::UnaryCall(*stub_, &Stub::GetTimeline, request, options, "storage");
}

absl::StatusOr<v1::ListStoriesResponse> StorageClient::ListStories(
    const v1::ListStoriesRequest& request, const CallOptions& options) const {
  return internal::UnaryCall(*stub_, &Stub::ListStories, request, options, "storage");
}

absl::StatusOr<v1::Story> StorageClient::GetStory(const v1::GetStoryRequest& request,
                                                  const CallOptions& options) const {
  return internal::UnaryCall(*stub_, &Stub::GetStory, request, options, "storage");
}

absl::Status StorageClient::ExportDocuments(
    const std::function<bool(const v1::Document&)>& on_document, const CallOptions& options) const {
  return internal::ExportCall(*stub_, on_document, options, "storage");
}

absl::StatusOr<v1::ImportDocumentsResponse> StorageClient::ImportDocuments(
    const std::function<bool(v1::Document&)>& next_document, const CallOptions& options) const {
  return internal::ImportCall(*stub_, next_document, options, "storage");
}

// The callback stub's methods are overloaded (std::function or reactor), so
// each async method names its own in a lambda.
#define KORPUS_STORAGE_ASYNC(Method)                                                      \
  [stub = stub_.get()](grpc::ClientContext* context, const auto* request, auto* response, \
                       std::function<void(grpc::Status)> on_done) {                       \
    stub->async()->Method(context, request, response, std::move(on_done));                \
  }

void StorageClient::GetDocumentAsync(v1::GetDocumentRequest request, const CallOptions& options,
                                     AsyncDone<v1::Document> done) const {
  internal::AsyncUnaryCall<v1::GetDocumentRequest, v1::Document>(
      KORPUS_STORAGE_ASYNC(GetDocument), std::move(request), options, "storage", std::move(done));
}

void StorageClient::ListDocumentsAsync(v1::ListDocumentsRequest request, const CallOptions& options,
                                       AsyncDone<v1::ListDocumentsResponse> done) const {
  internal::AsyncUnaryCall<v1::ListDocumentsRequest, v1::ListDocumentsResponse>(
      KORPUS_STORAGE_ASYNC(ListDocuments), std::move(request), options, "storage", std::move(done));
}

void StorageClient::SearchAsync(v1::SearchRequest request, const CallOptions& options,
                                AsyncDone<v1::SearchResponse> done) const {
  internal::AsyncUnaryCall<v1::SearchRequest, v1::SearchResponse>(
      KORPUS_STORAGE_ASYNC(Search), std::move(request), options, "storage", std::move(done));
}

void StorageClient::GetStatsAsync(const CallOptions& options,
                                  AsyncDone<v1::CorpusStats> done) const {
  internal::AsyncUnaryCall<v1::GetStatsRequest, v1::CorpusStats>(
      KORPUS_STORAGE_ASYNC(GetStats), v1::GetStatsRequest(), options, "storage", std::move(done));
}

void StorageClient::ListEntitiesAsync(v1::ListEntitiesRequest request, const CallOptions& options,
                                      AsyncDone<v1::ListEntitiesResponse> done) const {
  internal::AsyncUnaryCall<v1::ListEntitiesRequest, v1::ListEntitiesResponse>(
      KORPUS_STORAGE_ASYNC(ListEntities), std::move(request), options, "storage", std::move(done));
}

void StorageClient::GetEntityAsync(v1::GetEntityRequest request, const CallOptions& options,
                                   AsyncDone<v1::Entity> done) const {
  internal::AsyncUnaryCall<v1::GetEntityRequest, v1::Entity>(
      KORPUS_STORAGE_ASYNC(GetEntity), std::move(request), options, "storage", std::move(done));
}

void StorageClient::ListCooccurrencesAsync(v1::ListCooccurrencesRequest request,
                                           const CallOptions& options,
                                           AsyncDone<v1::ListCooccurrencesResponse> done) const {
  internal::AsyncUnaryCall<v1::ListCooccurrencesRequest, v1::ListCooccurrencesResponse>(
      KORPUS_STORAGE_ASYNC(ListCooccurrences), std::move(request), options, "storage",
      std::move(done));
}

void StorageClient::ListQuotesAsync(v1::ListQuotesRequest request, const CallOptions& options,
                                    AsyncDone<v1::ListQuotesResponse> done) const {
  internal::AsyncUnaryCall<v1::ListQuotesRequest, v1::ListQuotesResponse>(
      KORPUS_STORAGE_ASYNC(ListQuotes), std::move(request), options, "storage", std::move(done));
}

void StorageClient::GetTimelineAsync(v1::GetTimelineRequest request, const CallOptions& options,
                                     AsyncDone<v1::GetTimelineResponse> done) const {
  internal::AsyncUnaryCall<v1::GetTimelineRequest, v1::GetTimelineResponse>(
      KORPUS_STORAGE_ASYNC(GetTimeline), std::move(request), options, "storage",
      std::move(done));
}

void StorageClient::ListStoriesAsync(v1::ListStoriesRequest request, const CallOptions& options,
                                     AsyncDone<v1::ListStoriesResponse> done) const {
  internal::AsyncUnaryCall<v1::ListStoriesRequest, v1::ListStoriesResponse>(
      KORPUS_STORAGE_ASYNC(ListStories), std::move(request), options, "storage",
      std::move(done));
}

void StorageClient::GetStoryAsync(v1::GetStoryRequest request, const CallOptions& options,
                                  AsyncDone<v1::Story> done) const {
  internal::AsyncUnaryCall<v1::GetStoryRequest, v1::Story>(
      KORPUS_STORAGE_ASYNC(GetStory), std::move(request), options, "storage", std::move(done));
}

#undef KORPUS_STORAGE_ASYNC

}  // namespace korpus
