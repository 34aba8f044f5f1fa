// ListQuotes and GetTimeline through both services: the gateway
// (CorpusService) in front of a real storage service over an in-memory
// SQLite store, as in production; the document is stored through the
// storage client with made-up annotations (code point offsets).
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

// "Übung: „Wir üben.“ sagte Jana Kurz am 4. Mai 2025." with one quote by
// Jana Kurz and one resolved date; offsets in code points.
v1::Document Document() {
  v1::Document document;
  document.set_id("d1");
  document.set_title("Übung");
  document.set_text("Übung\n\n„Wir üben.“ sagte Jana Kurz am 4. Mai 2025.");
  document.set_language("de");
  v1::Annotations* annotations = document.mutable_annotations();
  annotations->set_model_name("korpus-de");
  v1::Sentence* title = annotations->add_sentences();
  title->set_begin(0);
  title->set_end(5);
  v1::Sentence* body = annotations->add_sentences();
  body->set_begin(7);
  body->set_end(50);
  v1::DocumentEntity* kurz = annotations->add_entities();
  kurz->set_entity_id("e-kurz");
  kurz->set_canonical_name("Jana Kurz");
  kurz->set_type(v1::ENTITY_TYPE_PERSON);
  kurz->set_salience(1);
  v1::EntityMention* mention = kurz->add_mentions();
  mention->set_begin(25);
  mention->set_end(34);
  mention->set_text("Jana Kurz");
  v1::Quote* quote = annotations->add_quotes();
  quote->set_outer_begin(7);
  quote->set_begin(8);
  quote->set_end(17);
  quote->set_outer_end(18);
  quote->set_kind(v1::QUOTE_KIND_DIRECT);
  quote->set_speaker_entity_id("e-kurz");
  quote->set_speaker_begin(25);
  quote->set_speaker_end(34);
  v1::DateMention* date = annotations->add_dates();
  date->set_begin(38);
  date->set_end(49);
  date->set_granularity(v1::DATE_GRANULARITY_DAY);
  date->set_resolved(true);
  for (v1::CalendarDate* day : {date->mutable_start(), date->mutable_end_date()}) {
    day->set_year(2025);
    day->set_month(5);
    day->set_day(4);
  }
  return document;
}

class ExtractionServiceTest : public ::testing::Test {
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

TEST_F(ExtractionServiceTest, ListQuotesThroughTheGateway) {
  v1::ListQuotesRequest request;
  request.set_speaker_entity_id("e-kurz");
  absl::StatusOr<v1::ListQuotesResponse> quotes = client_->ListQuotes(request, call_);
  ASSERT_TRUE(quotes.ok()) << quotes.status();
  ASSERT_EQ(quotes->quotes_size(), 1);
  EXPECT_EQ(quotes->total_size(), 1);
  EXPECT_EQ(quotes->quotes(0).text(), "Wir üben.");
  EXPECT_EQ(quotes->quotes(0).speaker_name(), "Jana Kurz");
  EXPECT_EQ(quotes->quotes(0).document_title(), "Übung");
  EXPECT_EQ(quotes->quotes(0).context(), "„Wir üben.“ sagte Jana Kurz am 4. Mai 2025.");

  request.set_text("ÜBEN");
  quotes = client_->ListQuotes(request, call_);
  ASSERT_TRUE(quotes.ok()) << quotes.status();
  EXPECT_EQ(quotes->quotes_size(), 1);

  // The gateway checks the page size; storage the rest, and its code
  // reaches the client unchanged.
  request.set_page_size(-1);
  EXPECT_EQ(client_->ListQuotes(request, call_).status().code(),
            absl::StatusCode::kInvalidArgument);
  request.set_page_size(0);
  request.set_page_token("nicht-unseres");
  EXPECT_EQ(client_->ListQuotes(request, call_).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ExtractionServiceTest, GetTimelineThroughTheGateway) {
  v1::GetTimelineRequest request;
  request.set_entity_id("e-kurz");
  request.mutable_from()->set_year(2025);
  request.mutable_from()->set_month(5);
  absl::StatusOr<v1::GetTimelineResponse> timeline = client_->GetTimeline(request, call_);
  ASSERT_TRUE(timeline.ok()) << timeline.status();
  ASSERT_EQ(timeline->events_size(), 1);
  EXPECT_EQ(timeline->events(0).text(), "4. Mai 2025");
  EXPECT_EQ(timeline->events(0).sentence(), "„Wir üben.“ sagte Jana Kurz am 4. Mai 2025.");
  ASSERT_EQ(timeline->events(0).entities_size(), 1);
  EXPECT_EQ(timeline->events(0).entities(0).canonical_name(), "Jana Kurz");

  request.mutable_from()->set_month(6);
  timeline = client_->GetTimeline(request, call_);
  ASSERT_TRUE(timeline.ok()) << timeline.status();
  EXPECT_EQ(timeline->events_size(), 0);

  request.mutable_from()->set_month(13);
  EXPECT_EQ(client_->GetTimeline(request, call_).status().code(),
            absl::StatusCode::kInvalidArgument);
  request.clear_from();
  request.set_page_size(1001);
  EXPECT_EQ(client_->GetTimeline(request, call_).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace korpus
