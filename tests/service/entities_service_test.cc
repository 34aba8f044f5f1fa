// Entities through both services: the gateway (CorpusService) in front of
// a real storage service (StorageService over an in-memory SQLite store),
// each a gRPC server, so that requests, responses and status codes cross
// two hops as in production. Ingest and annotator are not needed: the
// documents are stored through the storage client with made-up entities.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

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

v1::Document MakeDocument(const std::string& id, const std::string& text,
                          const std::vector<std::pair<std::string, std::string>>& entities) {
  v1::Document document;
  document.set_id(id);
  document.set_title(text.substr(0, text.find('.')));
  document.set_text(text);
  document.set_language("de");
  v1::Annotations* annotations = document.mutable_annotations();
  annotations->set_model_name("korpus-de");
  double salience = 1.0;
  for (const auto& [entity_id, name] : entities) {
    v1::DocumentEntity* entity = annotations->add_entities();
    entity->set_entity_id(entity_id);
    entity->set_canonical_name(name);
    entity->set_type(v1::ENTITY_TYPE_ORGANIZATION);
    entity->set_salience(salience);
    entity->add_mentions()->set_text(name);
    salience /= 2;
  }
  return document;
}

class EntitiesServiceTest : public ::testing::Test {
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

    for (const v1::Document& document :
         {MakeDocument("d1", "Siemens liefert an die Deutsche Bahn.",
                       {{"e-siemens", "Siemens"}, {"e-bahn", "Deutsche Bahn"}}),
          MakeDocument("d2", "Die Deutsche Bahn bestellt Züge.", {{"e-bahn", "Deutsche Bahn"}}),
          MakeDocument("d3", "SIEMENS und Alstom bieten mit.",
                       {{"e-siemens", "SIEMENS"}, {"e-alstom", "Alstom"}})}) {
      absl::StatusOr<v1::PutDocumentResponse> put = storage_client_->PutDocument(document, call_);
      ASSERT_TRUE(put.ok()) << put.status();
    }
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

TEST_F(EntitiesServiceTest, ListEntitiesThroughTheGateway) {
  absl::StatusOr<v1::ListEntitiesResponse> all = client_->ListEntities({}, call_);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->entities_size(), 3);
  EXPECT_EQ(all->total_size(), 3);
  EXPECT_EQ(all->entities(0).entity_id(), "e-bahn");
  EXPECT_EQ(all->entities(1).entity_id(), "e-siemens");
  EXPECT_EQ(all->entities(1).document_count(), 2);
  ASSERT_EQ(all->entities(1).aliases_size(), 1);
  EXPECT_EQ(all->entities(1).aliases(0).name(), "SIEMENS");

  v1::ListEntitiesRequest request;
  request.set_order_by(v1::ENTITY_ORDER_SALIENCE);
  request.set_name_prefix("S");
  request.set_page_size(1);
  absl::StatusOr<v1::ListEntitiesResponse> siemens = client_->ListEntities(request, call_);
  ASSERT_TRUE(siemens.ok()) << siemens.status();
  ASSERT_EQ(siemens->entities_size(), 1);
  EXPECT_EQ(siemens->entities(0).canonical_name(), "Siemens");
  EXPECT_TRUE(siemens->next_page_token().empty());

  // Storage's validation reaches the client with its code.
  request.set_type(static_cast<v1::EntityType>(42));
  EXPECT_EQ(client_->ListEntities(request, call_).status().code(),
            absl::StatusCode::kInvalidArgument);
  request.set_type(v1::ENTITY_TYPE_UNSPECIFIED);
  request.set_page_token("kaputt");
  EXPECT_EQ(client_->ListEntities(request, call_).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(EntitiesServiceTest, GetEntityThroughTheGateway) {
  v1::GetEntityRequest request;
  request.set_entity_id("e-bahn");
  absl::StatusOr<v1::Entity> bahn = client_->GetEntity(request, call_);
  ASSERT_TRUE(bahn.ok()) << bahn.status();
  EXPECT_EQ(bahn->document_count(), 2);
  ASSERT_EQ(bahn->documents_size(), 2);
  EXPECT_EQ(bahn->documents(0).document_id(), "d2");  // salience 1 there, 0.5 in d1
  EXPECT_EQ(bahn->documents(0).title(), "Die Deutsche Bahn bestellt Züge");

  request.set_entity_id("e-unbekannt");
  EXPECT_EQ(client_->GetEntity(request, call_).status().code(), absl::StatusCode::kNotFound);
  request.set_entity_id("");
  EXPECT_EQ(client_->GetEntity(request, call_).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(EntitiesServiceTest, ListAndSearchFilterByEntityThroughTheGateway) {
  v1::ListDocumentsRequest list;
  list.add_entity_ids("e-siemens");
  absl::StatusOr<v1::ListDocumentsResponse> listed = client_->ListDocuments(list, call_);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->documents_size(), 2);
  EXPECT_EQ(listed->documents(0).id(), "d1");
  EXPECT_EQ(listed->documents(1).id(), "d3");
  list.add_entity_ids("e-bahn");
  listed = client_->ListDocuments(list, call_);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->documents_size(), 1);
  EXPECT_EQ(listed->documents(0).id(), "d1");

  v1::SearchRequest search;
  search.set_query("Bahn");
  search.add_entity_ids("e-siemens");
  absl::StatusOr<v1::SearchResponse> hits = client_->Search(search, call_);
  ASSERT_TRUE(hits.ok()) << hits.status();
  EXPECT_EQ(hits->total_size(), 1);
  ASSERT_EQ(hits->hits_size(), 1);
  EXPECT_EQ(hits->hits(0).document().id(), "d1");

  search.clear_query();
  EXPECT_EQ(client_->Search(search, call_).status().code(), absl::StatusCode::kInvalidArgument);
  search.set_query("Bahn");
  search.add_entity_ids("");
  EXPECT_EQ(client_->Search(search, call_).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(EntitiesServiceTest, StorageDownIsUnavailable) {
  storage_server_->Shutdown(absl::ZeroDuration());
  storage_server_.reset();
  EXPECT_EQ(client_->ListEntities({}, call_).status().code(), absl::StatusCode::kUnavailable);
  v1::GetEntityRequest request;
  request.set_entity_id("e-bahn");
  EXPECT_EQ(client_->GetEntity(request, call_).status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(EntitiesServiceTest, ListCooccurrencesThroughTheGateway) {
  v1::ListCooccurrencesRequest request;
  request.set_entity_id("e-siemens");
  absl::StatusOr<v1::ListCooccurrencesResponse> siemens =
      client_->ListCooccurrences(request, call_);
  ASSERT_TRUE(siemens.ok()) << siemens.status();
  EXPECT_EQ(siemens->entity().document_count(), 2);
  EXPECT_EQ(siemens->total_size(), 2);
  ASSERT_EQ(siemens->cooccurrences_size(), 2);
  EXPECT_EQ(siemens->cooccurrences(0).entity().entity_id(), "e-alstom");
  EXPECT_EQ(siemens->cooccurrences(0).entity().document_count(), 1);
  ASSERT_EQ(siemens->cooccurrences(0).example_document_ids_size(), 1);
  EXPECT_EQ(siemens->cooccurrences(0).example_document_ids(0), "d3");
  EXPECT_EQ(siemens->cooccurrences(1).entity().entity_id(), "e-bahn");

  request.set_entity_id("e-unbekannt");
  EXPECT_EQ(client_->ListCooccurrences(request, call_).status().code(),
            absl::StatusCode::kNotFound);
  request.set_entity_id("");
  EXPECT_EQ(client_->ListCooccurrences(request, call_).status().code(),
            absl::StatusCode::kInvalidArgument);
  request.set_entity_id("e-bahn");
  request.set_page_token("kaputt");
  EXPECT_EQ(client_->ListCooccurrences(request, call_).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace korpus
