#include "services/storage/storage_service.h"

#include <string>
#include <string_view>
#include <utility>

#include "libs/server/grpc_status.h"
#include "libs/server/logging.h"
#include "libs/store/transfer.h"
#include "spdlog/spdlog.h"

namespace korpus {
namespace {

// Copies a successful result into `response`; returns the status either way.
template <typename T>
grpc::Status Respond(absl::StatusOr<T> result, T* response) {
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = *std::move(result);
  return grpc::Status::OK;
}

}  // namespace

grpc::Status StorageServiceImpl::PutDocument(grpc::ServerContext* context,
                                             const v1::PutDocumentRequest* request,
                                             v1::PutDocumentResponse* response) {
  absl::StatusOr<store::PutResult> result = store_.Put(request->document());
  if (!result.ok()) {
    if (result.status().code() != absl::StatusCode::kInvalidArgument) {
      spdlog::error("storing document id={} failed: {}", request->document().id(),
                    result.status());
    }
    return ToGrpcStatus(result.status());
  }
  spdlog::debug("stored document id={} created={} chars={}", request->document().id(),
                result->created, result->stored_basic.char_count());
  response->set_created(result->created);
  *response->mutable_document() = std::move(result->stored_basic);
  return grpc::Status::OK;
}

namespace {

grpc::Status RespondAnnotate(const absl::StatusOr<store::AnnotateResult>& result,
                             std::string_view what, const std::string& id,
                             v1::AnnotateDocumentResponse* response) {
  if (!result.ok()) {
    const absl::StatusCode code = result.status().code();
    if (code != absl::StatusCode::kInvalidArgument && code != absl::StatusCode::kNotFound) {
      spdlog::error("{} document id={} failed: {}", what, id, result.status());
    }
    return ToGrpcStatus(result.status());
  }
  spdlog::debug("{} document id={} changed={}", what, id, result->changed);
  response->set_changed(result->changed);
  *response->mutable_document() = result->stored_basic;
  return grpc::Status::OK;
}

}  // namespace

grpc::Status StorageServiceImpl::AnnotateDocument(grpc::ServerContext* context,
                                                  const v1::AnnotateDocumentRequest* request,
                                                  v1::AnnotateDocumentResponse* response) {
  return RespondAnnotate(store_.Annotate(request->id(), request->annotations()), "annotating",
                         request->id(), response);
}

grpc::Status StorageServiceImpl::MarkDocumentFailed(grpc::ServerContext* context,
                                                    const v1::MarkDocumentFailedRequest* request,
                                                    v1::AnnotateDocumentResponse* response) {
  return RespondAnnotate(store_.MarkFailed(request->id(), request->reason()),
                         "marking failed", request->id(), response);
}

grpc::Status StorageServiceImpl::DeleteDocument(grpc::ServerContext* context,
                                                const v1::DeleteDocumentRequest* request,
                                                v1::DeleteDocumentResponse* response) {
  absl::StatusOr<v1::Document> deleted = store_.Delete(request->id());
  if (!deleted.ok()) {
    const absl::StatusCode code = deleted.status().code();
    if (code != absl::StatusCode::kInvalidArgument && code != absl::StatusCode::kNotFound) {
      spdlog::error("deleting document id={} failed: {}", request->id(), deleted.status());
    }
    return ToGrpcStatus(deleted.status());
  }
  spdlog::info("deleted document id={}", request->id());
  *response->mutable_document() = *std::move(deleted);
  return grpc::Status::OK;
}

grpc::Status StorageServiceImpl::ReannotateDocuments(grpc::ServerContext* context,
                                                     const v1::ReannotateDocumentsRequest* request,
                                                     v1::ReannotateDocumentsResponse* response) {
  absl::StatusOr<int64_t> queued = store_.Reannotate(*request);
  if (!queued.ok()) {
    const absl::StatusCode code = queued.status().code();
    if (code != absl::StatusCode::kInvalidArgument && code != absl::StatusCode::kNotFound) {
      spdlog::error("queueing documents for re-annotation failed: {}", queued.status());
    }
    return ToGrpcStatus(queued.status());
  }
  spdlog::info("queued {} documents for re-annotation (all={} ids={} state={} entity_id={})",
               *queued, request->all(), request->ids_size(), static_cast<int>(request->state()),
               request->entity_id());
  response->set_queued_count(*queued);
  return grpc::Status::OK;
}

grpc::Status StorageServiceImpl::GetDocument(grpc::ServerContext* context,
                                             const v1::GetDocumentRequest* request,
                                             v1::Document* response) {
  return Respond(store_.Get(request->id(), request->view()), response);
}

grpc::Status StorageServiceImpl::ListDocuments(grpc::ServerContext* context,
                                               const v1::ListDocumentsRequest* request,
                                               v1::ListDocumentsResponse* response) {
  return Respond(store_.List(*request), response);
}

grpc::Status StorageServiceImpl::Search(grpc::ServerContext* context,
                                        const v1::SearchRequest* request,
                                        v1::SearchResponse* response) {
  return Respond(store_.Search(*request), response);
}

grpc::Status StorageServiceImpl::PollWatch(grpc::ServerContext* context,
                                           const v1::PollWatchRequest* request,
                                           v1::PollWatchResponse* response) {
  return Respond(store_.PollWatch(*request), response);
}

grpc::Status StorageServiceImpl::GetStats(grpc::ServerContext* context,
                                          const v1::GetStatsRequest* request,
                                          v1::CorpusStats* response) {
  return Respond(store_.Stats(), response);
}

grpc::Status StorageServiceImpl::ListEntities(grpc::ServerContext* context,
                                              const v1::ListEntitiesRequest* request,
                                              v1::ListEntitiesResponse* response) {
  return Respond(store_.ListEntities(*request), response);
}

grpc::Status StorageServiceImpl::GetEntity(grpc::ServerContext* context,
                                           const v1::GetEntityRequest* request,
                                           v1::Entity* response) {
  return Respond(store_.GetEntity(*request), response);
}

grpc::Status StorageServiceImpl::ListCooccurrences(grpc::ServerContext* context,
                                                   const v1::ListCooccurrencesRequest* request,
                                                   v1::ListCooccurrencesResponse* response) {
  return Respond(store_.ListCooccurrences(*request), response);
}

grpc::Status StorageServiceImpl::ListQuotes(grpc::ServerContext* context,
                                            const v1::ListQuotesRequest* request,
                                            v1::ListQuotesResponse* response) {
  return Respond(store_.ListQuotes(*request), response);
}

grpc::Status StorageServiceImpl::GetTimeline(grpc::ServerContext* context,
                                             const v1::GetTimelineRequest* request,
                                             v1::GetTimelineResponse* response) {
  return Respond(store_.GetTimeline(*request), response);
}

grpc::Status StorageServiceImpl::ListStories(grpc::ServerContext* context,
                                             const v1::ListStoriesRequest* request,
                                             v1::ListStoriesResponse* response) {
  return Respond(store_.ListStories(*request), response);
}

grpc::Status StorageServiceImpl::GetStory(grpc::ServerContext* context,
                                          const v1::GetStoryRequest* request,
                                          v1::Story* response) {
  return Respond(store_.GetStory(*request), response);
}

grpc::Status StorageServiceImpl::ExportDocuments(grpc::ServerContext* context,
                                                 const v1::ExportDocumentsRequest* request,
                                                 grpc::ServerWriter<v1::Document>* writer) {
  int64_t count = 0;
  const absl::Status status = store::ExportDocuments(store_, [&](const v1::Document& document) {
    if (context->IsCancelled() || !writer->Write(document)) return false;
    ++count;
    return true;
  });
  if (!status.ok()) {
    spdlog::warn("export ended after {} documents: {}", count, status);
    return ToGrpcStatus(status);
  }
  spdlog::info("exported {} documents", count);
  return grpc::Status::OK;
}

grpc::Status StorageServiceImpl::ImportDocuments(
    grpc::ServerContext* context, grpc::ServerReader<v1::ImportDocumentsRequest>* reader,
    v1::ImportDocumentsResponse* response) {
  store::ImportCounts counts;
  v1::ImportDocumentsRequest request;
  const absl::Status status = store::ImportDocuments(
      store_,
      [&](v1::Document& document) {
        if (!reader->Read(&request)) return false;
        document.Swap(request.mutable_document());
        return true;
      },
      counts);
  spdlog::info("import: {} created, {} duplicates{}", counts.created, counts.duplicates,
               status.ok() ? "" : " before an error");
  if (!status.ok()) {
    if (status.code() != absl::StatusCode::kInvalidArgument) {
      spdlog::error("import failed: {}", status);
    }
    return ToGrpcStatus(status);
  }
  response->set_created_count(counts.created);
  response->set_duplicate_count(counts.duplicates);
  return grpc::Status::OK;
}

}  // namespace korpus
