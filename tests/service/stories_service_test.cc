// ListStories and GetStory through both services: the gateway
// (CorpusService) in front of a real storage service over an in-memory
// SQLite store; the document is stored through the storage client with
// made-up annotations (terms, sentences, an entity), so it starts a story.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "libs/clients/annotator_client.h"
#include "libs/clients/corpus_client.h"
#include "libs/clients/ingest_client.h"
#include "libs/clients/storage_client.h"
#include "libs/server/server.h"
#include "libs/store/store.h"
#include "services/gateway/gateway_service.h"
#include "services/storage/storage_service.h"

namespace korpus {
namespace {

// "Deichbruch bei Husum\n\nBei Husum ist ein Deich gebrochen." with the
// terms an annotator would send; offsets in code points.
v1::Document Document() {
  v1::Document document;
  document.set_id("d000000000000000000000042");
  document.set_title("Deichbruch bei Husum");
  document.set_text("Deichbruch bei Husum\n\nBei Husum ist ein Deich gebrochen.");
  document.set_language("de");
  v1::Annotations* annotations = document.mutable_annotations();
  annotations->set_model_name("korpus-de");
  v1::Sentence* title = annotations->add_sentences();
  title->set_begin(0);
  title->set_end(20);
  v1::Sentence* body = annotations->add_sentences();
  body->set_begin(22);
  body->set_end(56);
  v1::DocumentEntity* husum = annotations->add_entities();
  husum->set_entity_id("e-husum");
  husum->set_canonical_name("Husum");
  husum->set_type(v1::ENTITY_TYPE_LOCATION);
  husum->set_salience(1);
  v1::EntityMention* mention = husum->add_mentions();
  mention->set_begin(15);
  mention->set_end(20);
  mention->set_text("Husum");
  struct TermSpec {
    const char* key;
    const char* text;
    v1::TermKind kind;
    int begin, end;
  };
  for (const TermSpec& spec : {TermSpec{"deichbruch", "Deichbruch", v1::TERM_KIND_LEMMA, 0, 10},
                               TermSpec{"e:e-husum", "Husum", v1::TERM_KIND_ENTITY, 15, 20},
                               TermSpec{"deich", "Deich", v1::TERM_KIND_LEMMA, 41, 46}}) {
    v1::Term* term = annotations->add_terms();
    term->set_key(spec.key);
    term->set_text(spec.text);
    term->set_kind(spec.kind);
    term->set_count(1);
    term->set_in_title(spec.begin < 20);
    term->set_begin(spec.begin);
    term->set_end(spec.end);
    if (spec.kind == v1::TERM_KIND_ENTITY) term->set_entity_id("e-husum");
  }
  return document;
}

class StoriesServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<store::Store>> store = store::OpenStore("sqlite::memory:");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    storage_service_ = std::make_unique<StorageServiceImpl>(*store_);
    ServerOptions storage_options;
    storage_options.service_name = "storage";
    absl::StatusOr<std::unique_ptr<GrpcServer>> storage_server = GrpcServer::Start(
        storage_options, {{storage_service_.get(), v1::StorageService::service_full_name()}});
    ASSERT_TRUE(storage_server.ok()) << storage_server.status();
    storage_server_ = *std::move(storage_server);
    const std::string storage_address = absl::StrCat("127.0.0.1:", storage_server_->port());
    storage_client_ = std::make_unique<StorageClient>(MakeChannel(storage_address));

    // Nothing listens there: these tests never ingest.
    ingest_client_ = std::make_unique<IngestClient>(MakeChannel("127.0.0.1:1"));
    annotator_client_ = std::make_unique<AnnotatorClient>(MakeChannel("127.0.0.1:1"));
    gateway::GatewayConfig config;
    config.pipeline.addresses = {
        .ingest = "127.0.0.1:1", .annotator = "127.0.0.1:1", .storage = storage_address};
    config.pipeline.backend_timeout = absl::Seconds(5);
    gateway_service_ = std::make_unique<gateway::CorpusServiceImpl>(
        *ingest_client_, *annotator_client_, *storage_client_, config);
    ServerOptions gateway_options;
    gateway_options.service_name = "gateway";
    absl::StatusOr<std::unique_ptr<GrpcServer>> gateway_server = GrpcServer::Start(
        gateway_options, {{gateway_service_.get(), v1::CorpusService::service_full_name()}});
    ASSERT_TRUE(gateway_server.ok()) << gateway_server.status();
    gateway_server_ = *std::move(gateway_server);
    client_ = std::make_unique<CorpusClient>(gateway_server_->InProcessChannel());

    absl::StatusOr<v1::PutDocumentResponse> put = storage_client_->PutDocument(Document(), call_);
    ASSERT_TRUE(put.ok()) << put.status();
  }
  void TearDown() override {
    if (gateway_server_) gateway_server_->Shutdown(absl::ZeroDuration());
    if (storage_server_) storage_server_->Shutdown(absl::ZeroDuration());
  }

  std::unique_ptr<store::Store> store_;
  std::unique_ptr<StorageServiceImpl> storage_service_;
  std::unique_ptr<GrpcServer> storage_server_;
  std::unique_ptr<StorageClient> storage_client_;
  std::unique_ptr<IngestClient> ingest_client_;
  std::unique_ptr<AnnotatorClient> annotator_client_;
  std::unique_ptr<gateway::CorpusServiceImpl> gateway_service_;
  std::unique_ptr<GrpcServer> gateway_server_;
  std::unique_ptr<CorpusClient> client_;
  CallOptions call_{.timeout = absl::Seconds(10)};
};

TEST_F(StoriesServiceTest, ListStoriesAndGetStoryThroughTheGateway) {
  absl::StatusOr<v1::ListStoriesResponse> stories = client_->ListStories({}, call_);
  ASSERT_TRUE(stories.ok()) << stories.status();
  ASSERT_EQ(stories->stories_size(), 1);
  EXPECT_EQ(stories->total_size(), 1);
  const v1::Story& story = stories->stories(0);
  EXPECT_EQ(story.story_id(), "s000000000000000000000042");
  EXPECT_EQ(story.document_count(), 1);
  ASSERT_EQ(story.documents_size(), 1);
  EXPECT_EQ(story.documents(0).title(), "Deichbruch bei Husum");
  ASSERT_EQ(story.main_entities_size(), 1);
  EXPECT_EQ(story.main_entities(0).canonical_name(), "Husum");
  EXPECT_EQ(story.main_entities(0).type(), v1::ENTITY_TYPE_LOCATION);

  v1::GetStoryRequest get;
  get.set_story_id(story.story_id());
  absl::StatusOr<v1::Story> got = client_->GetStory(get, call_);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->label(), story.label());

  v1::ListStoriesRequest filtered;
  filtered.set_min_documents(2);
  stories = client_->ListStories(filtered, call_);
  ASSERT_TRUE(stories.ok()) << stories.status();
  EXPECT_EQ(stories->stories_size(), 0);
}

TEST_F(StoriesServiceTest, StatusCodesReachTheClient) {
  v1::GetStoryRequest get;
  get.set_story_id("s-unbekannt");
  EXPECT_EQ(client_->GetStory(get, call_).status().code(), absl::StatusCode::kNotFound);
  get.clear_story_id();
  EXPECT_EQ(client_->GetStory(get, call_).status().code(), absl::StatusCode::kInvalidArgument);
  v1::ListStoriesRequest list;
  list.set_page_size(-1);
  EXPECT_EQ(client_->ListStories(list, call_).status().code(),
            absl::StatusCode::kInvalidArgument);
  list.set_page_size(0);
  list.set_min_documents(-2);
  EXPECT_EQ(client_->ListStories(list, call_).status().code(),
            absl::StatusCode::kInvalidArgument);
  list.set_min_documents(0);
  list.set_page_token("nicht-unseres");
  EXPECT_EQ(client_->ListStories(list, call_).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace korpus
