// The gRPC face of korpus.v1.StorageService: a thin adapter from requests to
// a Store (libs/store/store.h) and from absl::Status to grpc::Status. All
// logic (validation, paging, search) lives in the Store.
//
// Synchronous gRPC API: every Store call may block on its database, so each
// RPC runs on a thread of gRPC's sync server pool.
#ifndef KORPUS_SERVICES_STORAGE_STORAGE_SERVICE_H_
#define KORPUS_SERVICES_STORAGE_STORAGE_SERVICE_H_

#include "korpus/v1/storage.grpc.pb.h"
#include "libs/store/store.h"

namespace korpus {

class StorageServiceImpl final : public v1::StorageService::Service {
 public:
  // `store` must outlive the service; it is used from many threads at once.
  explicit StorageServiceImpl(store::Store& store) : store_(store) {}

  grpc::Status PutDocument(grpc::ServerContext* context, const v1::PutDocumentRequest* request,
                           v1::PutDocumentResponse* response) override;
  grpc::Status GetDocument(grpc::ServerContext* context, const v1::GetDocumentRequest* request,
                           v1::Document* response) override;
  grpc::Status ListDocuments(grpc::ServerContext* context,
                             const v1::ListDocumentsRequest* request,
                             v1::ListDocumentsResponse* response) override;
  grpc::Status Search(grpc::ServerContext* context, const v1::SearchRequest* request,
                      v1::SearchResponse* response) override;
  grpc::Status PollWatch(grpc::ServerContext* context, const v1::PollWatchRequest* request,
                         v1::PollWatchResponse* response) override;
  grpc::Status GetStats(grpc::ServerContext* context, const v1::GetStatsRequest* request,
                        v1::CorpusStats* response) override;
  // Pages through the store (store::ExportDocuments); CANCELLED if the
  // client goes away.
  grpc::Status ExportDocuments(grpc::ServerContext* context,
                               const v1::ExportDocumentsRequest* request,
                               grpc::ServerWriter<v1::Document>* writer) override;
  // store::ImportDocuments over the stream, one Store::Import each.
  grpc::Status ImportDocuments(grpc::ServerContext* context,
                               grpc::ServerReader<v1::ImportDocumentsRequest>* reader,
                               v1::ImportDocumentsResponse* response) override;
  grpc::Status ListEntities(grpc::ServerContext* context, const v1::ListEntitiesRequest* request,
                            v1::ListEntitiesResponse* response) override;
  grpc::Status GetEntity(grpc::ServerContext* context, const v1::GetEntityRequest* request,
                         v1::Entity* response) override;
  grpc::Status ListCooccurrences(grpc::ServerContext* context,
                                 const v1::ListCooccurrencesRequest* request,
                                 v1::ListCooccurrencesResponse* response) override;
  grpc::Status ListQuotes(grpc::ServerContext* context, const v1::ListQuotesRequest* request,
                          v1::ListQuotesResponse* response) override;
  grpc::Status GetTimeline(grpc::ServerContext* context, const v1::GetTimelineRequest* request,
                           v1::GetTimelineResponse* response) override;
  grpc::Status ListStories(grpc::ServerContext* context, const v1::ListStoriesRequest* request,
                           v1::ListStoriesResponse* response) override;
  grpc::Status GetStory(grpc::ServerContext* context, const v1::GetStoryRequest* request,
                        v1::Story* response) override;
  grpc::Status AnnotateDocument(grpc::ServerContext* context,
                                const v1::AnnotateDocumentRequest* request,
                                v1::AnnotateDocumentResponse* response) override;
  grpc::Status MarkDocumentFailed(grpc::ServerContext* context,
                                  const v1::MarkDocumentFailedRequest* request,
                                  v1::AnnotateDocumentResponse* response) override;
  grpc::Status DeleteDocument(grpc::ServerContext* context,
                              const v1::DeleteDocumentRequest* request,
                              v1::DeleteDocumentResponse* response) override;
  grpc::Status ReannotateDocuments(grpc::ServerContext* context,
                                   const v1::ReannotateDocumentsRequest* request,
                                   v1::ReannotateDocumentsResponse* response) override;

 private:
  store::Store& store_;
};

}  // namespace korpus

#endif  // KORPUS_SERVICES_STORAGE_STORAGE_SERVICE_H_
