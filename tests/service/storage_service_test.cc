#include "services/storage/storage_service.h"

#include <gtest/gtest.h>

#include <memory>

#include "libs/clients/storage_client.h"
#include "libs/server/server.h"
#include "libs/store/store.h"

namespace korpus {
namespace {

v1::Document MakeDocument(const std::string& id) {
  v1::Document document;
  document.set_id(id);
  document.set_title("Landtag tagt");
  document.set_text("Landtag tagt\n\nDer Landtag in Wiesbaden berät über den Schulbau.");
  document.set_language("de");
  v1::Annotations* annotations = document.mutable_annotations();
  annotations->set_model_name("korpus-de");
  annotations->set_model_version("0.1.0");
  v1::Token* token = annotations->add_tokens();
  token->set_begin(0);
  token->set_end(7);
  token->set_kind(v1::TOKEN_KIND_WORD);
  token->set_text("Landtag");
  return document;
}

class StorageServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<store::Store>> store = store::OpenStore("sqlite::memory:");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    service_ = std::make_unique<StorageServiceImpl>(*store_);
    ServerOptions options;
    options.service_name = "storage";
    absl::StatusOr<std::unique_ptr<GrpcServer>> server = GrpcServer::Start(
        options, {{service_.get(), v1::StorageService::service_full_name()}});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    client_ = std::make_unique<StorageClient>(server_->InProcessChannel());
  }
  void TearDown() override {
    if (server_) server_->Shutdown(absl::ZeroDuration());
  }

  std::unique_ptr<store::Store> store_;
  std::unique_ptr<StorageServiceImpl> service_;
  std::unique_ptr<GrpcServer> server_;
  std::unique_ptr<StorageClient> client_;
  CallOptions call_;
};

TEST_F(StorageServiceTest, PutIsIdempotentAndGetRoundTrips) {
  const v1::Document document = MakeDocument("d1");
  absl::StatusOr<v1::PutDocumentResponse> first = client_->PutDocument(document, call_);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(first->created());
  EXPECT_EQ(first->document().id(), "d1");
  EXPECT_EQ(first->document().state(), v1::DOCUMENT_STATE_ANNOTATED);
  EXPECT_TRUE(first->document().text().empty());

  absl::StatusOr<v1::PutDocumentResponse> second = client_->PutDocument(document, call_);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_FALSE(second->created());

  v1::GetDocumentRequest get;
  get.set_id("d1");
  get.set_view(v1::DOCUMENT_VIEW_FULL);
  absl::StatusOr<v1::Document> got = client_->GetDocument(get, call_);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->text(), document.text());
  EXPECT_EQ(got->annotations().SerializeAsString(), document.annotations().SerializeAsString());
  EXPECT_TRUE(got->has_ingested_at());
}

TEST_F(StorageServiceTest, ErrorsKeepTheirCodes) {
  v1::GetDocumentRequest get;
  get.set_id("unbekannt");
  EXPECT_EQ(client_->GetDocument(get, call_).status().code(), absl::StatusCode::kNotFound);

  v1::Document no_text = MakeDocument("d2");
  no_text.clear_text();
  EXPECT_EQ(client_->PutDocument(no_text, call_).status().code(),
            absl::StatusCode::kInvalidArgument);

  v1::ListDocumentsRequest list;
  list.set_page_size(5000);
  EXPECT_EQ(client_->ListDocuments(list, call_).status().code(),
            absl::StatusCode::kInvalidArgument);

  v1::SearchRequest search;
  search.set_query("\"Landtag");
  EXPECT_EQ(client_->Search(search, call_).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(StorageServiceTest, SearchListAndStatsSeeTheDocument) {
  ASSERT_TRUE(client_->PutDocument(MakeDocument("d1"), call_).ok());

  v1::SearchRequest search;
  search.set_query("schulbau wiesbaden");
  absl::StatusOr<v1::SearchResponse> found = client_->Search(search, call_);
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_EQ(found->hits_size(), 1);
  EXPECT_EQ(found->total_size(), 1);
  EXPECT_EQ(found->hits(0).document().id(), "d1");
  EXPECT_NE(found->hits(0).snippet().find("[Schulbau]"), std::string::npos);

  absl::StatusOr<v1::ListDocumentsResponse> listed = client_->ListDocuments({}, call_);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->documents_size(), 1);

  absl::StatusOr<v1::CorpusStats> stats = client_->GetStats(call_);
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->document_count(), 1);
  EXPECT_EQ(stats->annotated_count(), 1);
}

TEST_F(StorageServiceTest, AnnotateDocumentAttachesOnceAndMarkFailedNeedsPending) {
  v1::Document pending = MakeDocument("d2");
  const v1::Annotations annotations = pending.annotations();
  pending.clear_annotations();
  ASSERT_TRUE(client_->PutDocument(pending, call_).ok());

  v1::AnnotateDocumentRequest request;
  request.set_id("d2");
  *request.mutable_annotations() = annotations;
  absl::StatusOr<v1::AnnotateDocumentResponse> annotated =
      client_->AnnotateDocument(request, call_);
  ASSERT_TRUE(annotated.ok()) << annotated.status();
  EXPECT_TRUE(annotated->changed());
  EXPECT_EQ(annotated->document().state(), v1::DOCUMENT_STATE_ANNOTATED);
  absl::StatusOr<v1::AnnotateDocumentResponse> again = client_->AnnotateDocument(request, call_);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_FALSE(again->changed());

  v1::MarkDocumentFailedRequest fail;
  fail.set_id("d2");
  fail.set_reason("zu spaet");
  absl::StatusOr<v1::AnnotateDocumentResponse> failed = client_->MarkDocumentFailed(fail, call_);
  ASSERT_TRUE(failed.ok()) << failed.status();
  EXPECT_FALSE(failed->changed());
  EXPECT_EQ(failed->document().state(), v1::DOCUMENT_STATE_ANNOTATED);

  request.set_id("fehlt");
  EXPECT_EQ(client_->AnnotateDocument(request, call_).status().code(),
            absl::StatusCode::kNotFound);
  fail.set_id("fehlt");
  EXPECT_EQ(client_->MarkDocumentFailed(fail, call_).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(StorageServiceTest, DeleteDocumentAndReannotateDocuments) {
  ASSERT_TRUE(client_->PutDocument(MakeDocument("d3"), call_).ok());
  ASSERT_TRUE(client_->PutDocument(MakeDocument("d4"), call_).ok());

  v1::ReannotateDocumentsRequest reannotate;
  EXPECT_EQ(client_->ReannotateDocuments(reannotate, call_).status().code(),
            absl::StatusCode::kInvalidArgument);
  reannotate.add_ids("d4");
  absl::StatusOr<v1::ReannotateDocumentsResponse> queued =
      client_->ReannotateDocuments(reannotate, call_);
  ASSERT_TRUE(queued.ok()) << queued.status();
  EXPECT_EQ(queued->queued_count(), 1);
  v1::GetDocumentRequest get;
  get.set_id("d4");
  absl::StatusOr<v1::Document> d4 = client_->GetDocument(get, call_);
  ASSERT_TRUE(d4.ok()) << d4.status();
  EXPECT_EQ(d4->state(), v1::DOCUMENT_STATE_PENDING);
  EXPECT_FALSE(d4->has_annotations());
  reannotate.add_ids("fehlt");
  EXPECT_EQ(client_->ReannotateDocuments(reannotate, call_).status().code(),
            absl::StatusCode::kNotFound);

  v1::DeleteDocumentRequest remove;
  EXPECT_EQ(client_->DeleteDocument(remove, call_).status().code(),
            absl::StatusCode::kInvalidArgument);
  remove.set_id("d3");
  absl::StatusOr<v1::DeleteDocumentResponse> deleted = client_->DeleteDocument(remove, call_);
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_EQ(deleted->document().id(), "d3");
  EXPECT_EQ(client_->DeleteDocument(remove, call_).status().code(), absl::StatusCode::kNotFound);
  get.set_id("d3");
  EXPECT_EQ(client_->GetDocument(get, call_).status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace korpus
