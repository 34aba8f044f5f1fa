#include "libs/clients/corpus_client.h"

#include <thread>

#include "libs/clients/transfer_calls.h"
#include "libs/clients/unary_call.h"

namespace korpus {

using Stub = v1::CorpusService::Stub;

CorpusClient::CorpusClient(std::shared_ptr<grpc::Channel> channel)
    : stub_(v1::CorpusService::NewStub(std::move(channel))) {}

absl::StatusOr<v1::IngestDocumentsResponse> CorpusClient::IngestDocuments(
    const v1::IngestDocumentsRequest& request, const CallOptions& options) const {
  return internal::UnaryCall(*stub_, &Stub::IngestDocuments, request, options, "gateway");
}

absl::Status CorpusClient::StreamIngestDocuments(
    const std::function<bool(v1::RawArticle&)>& next_article,
    const std::function<void(const v1::IngestResult&)>& on_result,
    const CallOptions& options) const {
  std::unique_ptr<grpc::ClientContext> context = MakeClientContext(options);
  std::unique_ptr<grpc::ClientReaderWriter<v1::StreamIngestDocumentsRequest, v1::IngestResult>>
      stream = stub_->StreamIngestDocuments(context.get());
  // Results are read while articles are still being written, so that
  // neither side's flow-control window fills up and stalls the other.
  std::thread reader([&] {
    v1::IngestResult result;
    while (stream->Read(&result)) on_result(result);
  });
  v1::StreamIngestDocumentsRequest request;
  while (next_article(*request.mutable_article())) {
    if (!stream->Write(request)) break;  // The stream failed; Finish() tells why.
    request.Clear();
  }
  stream->WritesDone();
  reader.join();
  return FromGrpcStatus(stream->Finish(), "gateway");
}

absl::StatusOr<v1::Document> CorpusClient::GetDocument(const v1::GetDocumentRequest& request,
                                                       const CallOptions& options) const {
  return internal::UnaryCall(*stub_, &Stub::GetDocument, request, options, "gateway");
}

absl::StatusOr<v1::ListDocumentsResponse> CorpusClient::ListDocuments(
    const v1::ListDocumentsRequest& request, const CallOptions& options) const {
  return internal::UnaryCall(*stub_, &Stub::ListDocuments, request, options, "gateway");
}

absl::StatusOr<v1::SearchResponse> CorpusClient::Search(const v1::SearchRequest& request,
                                                        const CallOptions& options) const {
  return internal::UnaryCall(*stub_, &Stub::Search, request, options, "gateway");
}

absl::StatusOr<v1::DeleteDocumentResponse> CorpusClient::DeleteDocument(
    const v1::DeleteDocumentRequest& request, const CallOptions& options) const {
  return internal::UnaryCall(*stub_, &Stub::DeleteDocument, request, options, "gateway");
}

absl::StatusOr<v1::ReannotateDocumentsResponse> CorpusClient::ReannotateDocuments(
    const v1::ReannotateDocumentsRequest& request, const CallOptions& options) const {
  return internal::UnaryCall(*stub_, &Stub::ReannotateDocuments, request, options, "gateway");
}

absl::StatusOr<v1::CorpusStats> CorpusClient::GetStats(const CallOptions& options) const {
  return internal::UnaryCall(*stub_, &Stub::GetStats, v1::GetStatsRequest(), options, "gateway");
}

absl::StatusOr<v1::ListEntitiesResponse> CorpusClient::ListEntities(
    const v1::ListEntitiesRequest& request, const CallOptions& options) const {
  return internal::UnaryCall(*stub_, &Stub::ListEntities, request, options, "gateway");
}

absl::StatusOr<v1::Entity> CorpusClient::GetEntity(const v1::GetEntityRequest& request,
                                                 const CallOptions& options) const {
  return internal::UnaryCall(*stub_, &Stub::GetEntity, request, options, "gateway");
}

absl::StatusOr<v1::ListCooccurrencesResponse> CorpusClient::ListCooccurrences(
    const v1::ListCooccurrencesRequest& request, const CallOptions& options) const {
  return internal::UnaryCall(*stub_, &Stub::ListCooccurrences, request, options, "gateway");
}

absl::StatusOr<v1::ListQuotesResponse> CorpusClient::ListQuotes(
    const v1::ListQuotesRequest& request, const CallOptions& options) const {
  return internal::UnaryCall(*stub_, &Stub::ListQuotes, request, options, "gateway");
}

absl::StatusOr<v1::GetTimelineResponse> CorpusClient::GetTimeline(
    const v1::GetTimelineRequest& request, const CallOptions& options) const {
  return internal::UnaryCall(*stub_, &Stub::GetTimeline, request, options, "gateway");
}

absl::StatusOr<v1::ListStoriesResponse> CorpusClient::ListStories(
    const v1::ListStoriesRequest& request, const CallOptions& options) const {
  return internal::UnaryCall(*stub_, &Stub::ListStories, request, options, "gateway");
}

absl::StatusOr<v1::Story> CorpusClient::GetStory(const v1::GetStoryRequest& request,
                                                 const CallOptions& options) const {
  return internal::UnaryCall(*stub_, &Stub::GetStory, request, options, "gateway");
}

absl::Status CorpusClient::ExportDocuments(
    const std::function<bool(const v1::Document&)>& on_document, const CallOptions& options) const {
  return internal::ExportCall(*stub_, on_document, options, "gateway");
}

absl::StatusOr<v1::ImportDocumentsResponse> CorpusClient::ImportDocuments(
    const std::function<bool(v1::Document&)>& next_document, const CallOptions& options) const {
  return internal::ImportCall(*stub_, next_document, options, "gateway");
}

absl::Status CorpusClient::Watch(const v1::WatchRequest& request,
                                 const std::function<bool(const v1::WatchEvent&)>& on_event,
                                 const CallOptions& options) const {
  std::unique_ptr<grpc::ClientContext> context = MakeClientContext(options);
  std::unique_ptr<grpc::ClientReader<v1::WatchEvent>> reader = stub_->Watch(context.get(), request);
  v1::WatchEvent event;
  bool stopped = false;
  while (reader->Read(&event)) {
    if (!on_event(event)) {
      stopped = true;
      context->TryCancel();
      break;
    }
  }
  const grpc::Status status = reader->Finish();
  if (stopped) return absl::CancelledError("watch stopped by the receiver");
  return FromGrpcStatus(status, "gateway");
}

}  // namespace korpus
