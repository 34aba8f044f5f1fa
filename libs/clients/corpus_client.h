// Typed client of the public korpus.v1.CorpusService, used by korpusctl and
// the end-to-end tests. Thread-safe.
#ifndef KORPUS_LIBS_CLIENTS_CORPUS_CLIENT_H_
#define KORPUS_LIBS_CLIENTS_CORPUS_CLIENT_H_

#include <functional>
#include <memory>

#include "absl/status/statusor.h"
#include "korpus/v1/corpus.grpc.pb.h"
#include "libs/clients/channel.h"

namespace korpus {

class CorpusClient {
 public:
  explicit CorpusClient(std::shared_ptr<grpc::Channel> channel);

  absl::StatusOr<v1::IngestDocumentsResponse> IngestDocuments(
      const v1::IngestDocumentsRequest& request, const CallOptions& options) const;

  // Streams articles to StreamIngestDocuments: `next_article` is called
  // until it returns false, each result is handed to `on_result` (on
  // another thread) as it arrives. `options.timeout` bounds the whole
  // stream. Returns the stream's final status.
  absl::Status StreamIngestDocuments(
      const std::function<bool(v1::RawArticle&)>& next_article,
      const std::function<void(const v1::IngestResult&)>& on_result,
      const CallOptions& options) const;

  absl::StatusOr<v1::Document> GetDocument(const v1::GetDocumentRequest& request,
                                           const CallOptions& options) const;
  absl::StatusOr<v1::ListDocumentsResponse> ListDocuments(
      const v1::ListDocumentsRequest& request, const CallOptions& options) const;
  absl::StatusOr<v1::SearchResponse> Search(const v1::SearchRequest& request,
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
  absl::StatusOr<v1::DeleteDocumentResponse> DeleteDocument(
      const v1::DeleteDocumentRequest& request, const CallOptions& options) const;
  absl::StatusOr<v1::ReannotateDocumentsResponse> ReannotateDocuments(
      const v1::ReannotateDocumentsRequest& request, const CallOptions& options) const;
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
  // Follows a saved search (CorpusService.Watch): passes each event to
  // `on_event` as it arrives; returning false from it ends the watch
  // (CANCELLED). Returns when the stream ends: OK when the gateway ended it
  // (shutdown: resume with the last event's cursor), else the error.
  // `options.timeout` bounds the whole stream.
  absl::Status Watch(const v1::WatchRequest& request,
                     const std::function<bool(const v1::WatchEvent&)>& on_event,
                     const CallOptions& options) const;

 private:
  std::unique_ptr<v1::CorpusService::Stub> stub_;
};

}  // namespace korpus

#endif  // KORPUS_LIBS_CLIENTS_CORPUS_CLIENT_H_
