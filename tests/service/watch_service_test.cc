// CorpusService.Watch over an in-process channel, with storage (SQLite in
// memory) behind it: the wake-up, the bound on open watches, cancellation
// and shutdown, checked on status codes and delivered documents. The poll
// interval is an hour, so an event that arrives came from the wake-up.
#include <gtest/gtest.h>
#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "libs/clients/annotator_client.h"
#include "libs/clients/ingest_client.h"
#include "libs/clients/storage_client.h"
#include "libs/server/server.h"
#include "libs/store/store.h"
#include "services/gateway/gateway_service.h"
#include "services/storage/storage_service.h"

namespace korpus {
namespace {

v1::Document Annotated(const std::string& id, const std::string& text) {
  v1::Document document;
  document.set_id(id);
  document.set_title(text.substr(0, text.find('.')));
  document.set_text(text);
  document.set_language("de");
  v1::Annotations* annotations = document.mutable_annotations();
  annotations->set_model_name("korpus-de");
  v1::Sentence* sentence = annotations->add_sentences();
  sentence->set_begin(0);
  sentence->set_end(static_cast<int>(text.size()));
  return document;
}

class WatchServiceTest : public ::testing::Test {
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
    // Nothing listens there: these tests store straight into the store.
    ingest_client_ = std::make_unique<IngestClient>(MakeChannel("127.0.0.1:1"));
    annotator_client_ = std::make_unique<AnnotatorClient>(MakeChannel("127.0.0.1:1"));
    gateway::GatewayConfig config;
    config.pipeline.addresses = {
        .ingest = "127.0.0.1:1", .annotator = "127.0.0.1:1", .storage = storage_address};
    config.watch_poll_interval = absl::Hours(1);
    config.max_watchers = 2;
    gateway_service_ = std::make_unique<gateway::CorpusServiceImpl>(
        *ingest_client_, *annotator_client_, *storage_client_, config);
    ServerOptions gateway_options;
    gateway_options.service_name = "gateway";
    gateway_options.shutdown_grace = absl::Seconds(30);
    absl::StatusOr<std::unique_ptr<GrpcServer>> gateway_server = GrpcServer::Start(
        gateway_options, {{gateway_service_.get(), v1::CorpusService::service_full_name()}});
    ASSERT_TRUE(gateway_server.ok()) << gateway_server.status();
    gateway_server_ = *std::move(gateway_server);
    stub_ = v1::CorpusService::NewStub(gateway_server_->InProcessChannel());
  }
  void TearDown() override {
    if (gateway_service_ != nullptr) gateway_service_->StopWatches();
    if (gateway_server_ != nullptr) gateway_server_->Shutdown(absl::Seconds(5));
    if (storage_server_ != nullptr) storage_server_->Shutdown(absl::Seconds(5));
  }

  struct Watch {
    grpc::ClientContext context;
    std::unique_ptr<grpc::ClientReader<v1::WatchEvent>> reader;
  };

  std::unique_ptr<Watch> Open(const std::string& query) {
    auto watch = std::make_unique<Watch>();
    watch->context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
    v1::WatchRequest request;
    request.set_query(query);
    watch->reader = stub_->Watch(&watch->context, request);
    return watch;
  }

  void Put(const v1::Document& document) {
    absl::StatusOr<store::PutResult> put = store_->Put(document);
    ASSERT_TRUE(put.ok()) << put.status();
  }

  std::unique_ptr<store::Store> store_;
  std::unique_ptr<StorageServiceImpl> storage_service_;
  std::unique_ptr<GrpcServer> storage_server_;
  std::unique_ptr<StorageClient> storage_client_;
  std::unique_ptr<IngestClient> ingest_client_;
  std::unique_ptr<AnnotatorClient> annotator_client_;
  std::unique_ptr<gateway::CorpusServiceImpl> gateway_service_;
  std::unique_ptr<GrpcServer> gateway_server_;
  std::unique_ptr<v1::CorpusService::Stub> stub_;
};

TEST_F(WatchServiceTest, NotifyWakesWatchesBeforeThePollInterval) {
  Put(Annotated("a", "Deich bei Husum verstärkt. Der Deich hält jetzt höheren Fluten stand."));
  std::unique_ptr<Watch> watch = Open("Deich");
  v1::WatchEvent event;
  ASSERT_TRUE(watch->reader->Read(&event));
  EXPECT_EQ(event.document().id(), "a");
  // The watch now waits (an hour, unless woken).
  Put(Annotated("b", "Neuer Deich in Büsum. Der Deich schützt den Hafen."));
  gateway_service_->NotifyWatches();
  ASSERT_TRUE(watch->reader->Read(&event));
  EXPECT_EQ(event.document().id(), "b");
  watch->context.TryCancel();
  EXPECT_EQ(watch->reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
}

TEST_F(WatchServiceTest, BoundsOpenWatchesAndEndsThemOnStop) {
  Put(Annotated("a", "Deich bei Husum verstärkt. Der Deich hält jetzt höheren Fluten stand."));
  std::unique_ptr<Watch> one = Open("Deich");
  std::unique_ptr<Watch> two = Open("Husum");
  v1::WatchEvent event;
  ASSERT_TRUE(one->reader->Read(&event));
  ASSERT_TRUE(two->reader->Read(&event));
  std::unique_ptr<Watch> three = Open("Deich");
  EXPECT_FALSE(three->reader->Read(&event));
  EXPECT_EQ(three->reader->Finish().error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  // Shutdown: both end at once, OK, though the poll interval is an hour.
  gateway_service_->StopWatches();
  for (Watch* watch : {one.get(), two.get()}) {
    EXPECT_FALSE(watch->reader->Read(&event));
    EXPECT_TRUE(watch->reader->Finish().ok());
  }
}

TEST_F(WatchServiceTest, MalformedQueryIsInvalidArgument) {
  std::unique_ptr<Watch> watch = Open("Deich AND");
  v1::WatchEvent event;
  EXPECT_FALSE(watch->reader->Read(&event));
  const grpc::Status status = watch->reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace korpus
