// Typed client of korpus.v1.StorageService. Thread-safe.
#ifndef KORPUS_LIBS_CLIENTS_STORAGE_CLIENT_H_
#define KORPUS_LIBS_CLIENTS_STORAGE_CLIENT_H_

#include <functional>
#include <memory>

#include "absl/status/statusor.h"
#include "korpus/v1/storage.grpc.pb.h"
#include "libs/clients/async_unary_call.h"
#include "libs/clients/channel.h"

namespace korpus {

class StorageClient {
 public:
  explicit StorageClient(std::shared_ptr<grpc::Channel> channel);

  // Every method returns what the storage service returned; UNAVAILABLE if
  // it is down. See proto/korpus/v1/storage.proto for the contracts.
  absl::StatusOr<v1::PutDocumentResponse> PutDocument(const v1::Document& document,
                                                      const CallOptions& options) const;
  absl::StatusOr<v1::Document> GetDocument(const v1::GetDocumentRequest& request,
                                           const CallOptions& options) const;
  absl::StatusOr<v1::AnnotateDocumentResponse> AnnotateDocument(
      const v1::AnnotateDocumentRequest& request, const CallOptions& options) const;
  absl::StatusOr<v1::AnnotateDocumentResponse> MarkDocumentFailed(
      const v1::MarkDocumentFailedRequest& request, const CallOptions& options) const;
  absl::StatusOr<v1::DeleteDocumentResponse> DeleteDocument(
      const v1::DeleteDocumentRequest& request, const CallOptions& options) const;
  absl::StatusOr<v1::ReannotateDocumentsResponse> ReannotateDocuments(
      const v1::ReannotateDocumentsRequest& request, const CallOptions& options) const;
  absl::StatusOr<v1::ListDocumentsResponse> ListDocuments(
      const v1::ListDocumentsRequest& request, const CallOptions& options) const;
  absl::StatusOr<v1::SearchResponse> Search(const v1::SearchRequest& request,
                                            const CallOptions& options) const;
  absl::StatusOr<v1::PollWatchResponse> PollWatch(const v1::PollWatchRequest& request,
                                                  const CallOptions& options) const;
  absl::StatusOr<v1::CorpusStats> GetStats(const CallOptions& options) const;
  absl::StatusOr<v1::ListEntitiesResponse> ListEntities(const v1::ListEntitiesRequest& request,
                                                        const CallOptions& options) const;
  absl::StatusOr<v1::Entity> GetEntity(const v1::GetEntityRequest& request,
                                       const CallOptions& options) const;
  absl::StatusOr<v1::ListCooccurrencesResponse> ListCooccurrences(
      const v1::ListCooccurrencesRequest& request, const CallOptions& options) const;
  absl::StatusOr<v1::ListQuotesResponse> ListQuotes(const v1::ListQuotesRequest& request,
                                                    const CallOptions& options) const;
  absl::StatusOr<v1::GetTimelineResponse> GetTimeline(const v1::GetTimelineRequest& request,
                                                      const CallOptions& options) const;
  absl::StatusOr<v1::ListStoriesResponse> ListStories(const v1::ListStoriesRequest& request,
                                                      const CallOptions& options) const;
  absl::StatusOr<v1::Story> GetStory(const v1::GetStoryRequest& request,
                                     const CallOptions& options) const;
  // Streams every document, in DOCUMENT_VIEW_FULL and ingestion order, to
  // `on_document`; returning false from it stops the stream (CANCELLED).
  // `options.timeout` bounds the whole stream.
  absl::Status ExportDocuments(const std::function<bool(const v1::Document&)>& on_document,
                               const CallOptions& options) const;
  // Sends the documents `next_document` yields (until it returns false) to
  // ImportDocuments and returns the tallies. `options.timeout` bounds the
  // whole stream.
  absl::StatusOr<v1::ImportDocumentsResponse> ImportDocuments(
      const std::function<bool(v1::Document&)>& next_document, const CallOptions& options) const;

  // The reads again, asynchronously (async_unary_call.h): each starts the
  // call and returns at once, and `done` gets what the blocking method
  // returns. For servers on gRPC's callback API, which must not block.
  void GetDocumentAsync(v1::GetDocumentRequest request, const CallOptions& options,
                        AsyncDone<v1::Document> done) const;
  void ListDocumentsAsync(v1::ListDocumentsRequest request, const CallOptions& options,
                          AsyncDone<v1::ListDocumentsResponse> done) const;
  void SearchAsync(v1::SearchRequest request, const CallOptions& options,
                   AsyncDone<v1::SearchResponse> done) const;
  void GetStatsAsync(const CallOptions& options, AsyncDone<v1::CorpusStats> done) const;
  void ListEntitiesAsync(v1::ListEntitiesRequest request, const CallOptions& options,
                         AsyncDone<v1::ListEntitiesResponse> done) const;
  void GetEntityAsync(v1::GetEntityRequest request, const CallOptions& options,
                      AsyncDone<v1::Entity> done) const;
  void ListCooccurrencesAsync(v1::ListCooccurrencesRequest request, const CallOptions& options,
                              AsyncDone<v1::ListCooccurrencesResponse> done) const;
  void ListQuotesAsync(v1::ListQuotesRequest request, const CallOptions& options,
                       AsyncDone<v1::ListQuotesResponse> done) const;
  void GetTimelineAsync(v1::GetTimelineRequest request, const CallOptions& options,
                        AsyncDone<v1::GetTimelineResponse> done) const;
  void ListStoriesAsync(v1::ListStoriesRequest request, const CallOptions& options,
                        AsyncDone<v1::ListStoriesResponse> done) const;
  void GetStoryAsync(v1::GetStoryRequest request, const CallOptions& options,
                     AsyncDone<v1::Story> done) const;

 private:
  std::unique_ptr<v1::StorageService::Stub> stub_;
};

}  // namespace korpus

#endif  // KORPUS_LIBS_CLIENTS_STORAGE_CLIENT_H_
