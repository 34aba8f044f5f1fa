// The gateway over an in-process channel, with its three backends replaced
// by small fake gRPC services on loopback ports, so that a backend can be
// stopped and its outage observed through a real channel.
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <map>
#include <set>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "korpus/v1/annotator.grpc.pb.h"
#include "korpus/v1/ingest.grpc.pb.h"
#include "korpus/v1/storage.grpc.pb.h"
#include "libs/clients/channel.h"
#include "libs/clients/corpus_client.h"
#include "libs/server/server.h"
#include "services/gateway/gateway_service.h"
#include "services/gateway/reconciler.h"

namespace korpus {
namespace {

using gateway::CorpusServiceImpl;
using gateway::GatewayConfig;
using gateway::IngestPipeline;
using gateway::ReconcileStats;
using gateway::Reconciler;

// Accepts any non-empty content; refuses empty content (INVALID_ARGUMENT)
// and content over 2000 bytes (RESOURCE_EXHAUSTED). The id is a hash of
// the content, the title its first line.
class FakeIngest final : public v1::IngestService::Service {
 public:
  grpc::Status NormalizeArticle(grpc::ServerContext*, const v1::NormalizeArticleRequest* request,
                                v1::NormalizeArticleResponse* response) override {
    ++calls;
    const std::string& content = request->article().content();
    if (content.empty()) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "RawArticle.content is empty");
    }
    if (content.size() > 2000) {
      return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "RawArticle.content too large");
    }
    v1::Document& document = *response->mutable_document();
    document.set_id(absl::StrFormat("d%016x", std::hash<std::string>()(content)));
    document.set_title(content.substr(0, content.find('\n')));
    document.set_text(content);
    document.set_language("de");
    document.set_char_count(static_cast<int>(content.size()));
    return grpc::Status::OK;
  }
  std::atomic<int> calls{0};
};

// One token per whitespace-separated word; a token ending in '.', '!' or
// '?' ends a sentence. Records the time left before each call's deadline;
// with `block` set, every call waits until `release` is notified.
class FakeAnnotator final : public v1::AnnotatorService::Service {
 public:
  grpc::Status Annotate(grpc::ServerContext* context, const v1::AnnotateRequest* request,
                        v1::AnnotateResponse* response) override {
    ++calls;
    {
      std::lock_guard<std::mutex> lock(mutex);
      last_time_left = absl::FromChrono(context->deadline()) - absl::Now();
    }
    if (block) release.WaitForNotification();
    if (refuse) return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "text too long");
    v1::Annotations& annotations = *response->mutable_annotations();
    annotations.set_model_name("fake");
    int first_token = 0;
    for (absl::string_view word : absl::StrSplit(request->document().text(),
                                                 absl::ByAnyChar(" \n"), absl::SkipEmpty())) {
      annotations.add_tokens()->set_text(std::string(word));
      if (absl::EndsWith(word, ".") || absl::EndsWith(word, "!") || absl::EndsWith(word, "?")) {
        v1::Sentence& sentence = *annotations.add_sentences();
        sentence.set_first_token(first_token);
        sentence.set_token_count(annotations.tokens_size() - first_token);
        first_token = annotations.tokens_size();
      }
    }
    return grpc::Status::OK;
  }
  std::atomic<int> calls{0};
  std::atomic<bool> block{false};
  std::atomic<bool> refuse{false};
  absl::Notification release;
  std::mutex mutex;
  absl::Duration last_time_left;
};

// Documents in a map; honours the view on reads.
class FakeStorage final : public v1::StorageService::Service {
 public:
  grpc::Status PutDocument(grpc::ServerContext*, const v1::PutDocumentRequest* request,
                           v1::PutDocumentResponse* response) override {
    std::lock_guard<std::mutex> lock(mutex);
    ++put_calls;
    const v1::Document& document = request->document();
    response->set_created(documents.emplace(document.id(), document).second);
    *response->mutable_document() = Basic(documents[document.id()]);
    return grpc::Status::OK;
  }
  // Store::Annotate's contract, without the indexes.
  grpc::Status AnnotateDocument(grpc::ServerContext*, const v1::AnnotateDocumentRequest* request,
                                v1::AnnotateDocumentResponse* response) override {
    std::lock_guard<std::mutex> lock(mutex);
    ++annotate_calls;
    auto it = documents.find(request->id());
    if (it == documents.end() || deleted_after_listing.count(request->id()) > 0) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "no document " + request->id());
    }
    v1::Document& document = it->second;
    if (document.state() != v1::DOCUMENT_STATE_ANNOTATED) {
      *document.mutable_annotations() = request->annotations();
      document.set_state(v1::DOCUMENT_STATE_ANNOTATED);
      document.clear_state_reason();
      document.set_sentence_count(request->annotations().sentences_size());
      document.set_token_count(request->annotations().tokens_size());
      response->set_changed(true);
    }
    *response->mutable_document() = Basic(document);
    return grpc::Status::OK;
  }
  grpc::Status MarkDocumentFailed(grpc::ServerContext*,
                                  const v1::MarkDocumentFailedRequest* request,
                                  v1::AnnotateDocumentResponse* response) override {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = documents.find(request->id());
    if (it == documents.end() || deleted_after_listing.count(request->id()) > 0) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "no document " + request->id());
    }
    v1::Document& document = it->second;
    if (document.state() == v1::DOCUMENT_STATE_PENDING) {
      document.set_state(v1::DOCUMENT_STATE_FAILED);
      document.set_state_reason(request->reason());
      response->set_changed(true);
    }
    *response->mutable_document() = Basic(document);
    return grpc::Status::OK;
  }
  grpc::Status GetDocument(grpc::ServerContext* context, const v1::GetDocumentRequest* request,
                           v1::Document* response) override {
    std::lock_guard<std::mutex> lock(mutex);
    ++get_calls;
    if (cancel_gets) return grpc::Status(grpc::StatusCode::CANCELLED, "shutting down");
    last_view = request->view();
    last_get_time_left = absl::FromChrono(context->deadline()) - absl::Now();
    auto id = context->client_metadata().find("x-request-id");
    last_get_request_id =
        id == context->client_metadata().end() ? "" : std::string(id->second.data(), id->second.size());
    auto it = documents.find(request->id());
    if (it == documents.end()) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "no document " + request->id());
    }
    *response = request->view() == v1::DOCUMENT_VIEW_FULL ? it->second : Basic(it->second);
    return grpc::Status::OK;
  }
  grpc::Status ListDocuments(grpc::ServerContext*, const v1::ListDocumentsRequest* request,
                             v1::ListDocumentsResponse* response) override {
    std::lock_guard<std::mutex> lock(mutex);
    if (request->page_size() > 1000) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "page_size over 1000");
    }
    for (const auto& [id, document] : documents) {
      if (request->state() != v1::DOCUMENT_STATE_UNSPECIFIED && document.state() != request->state()) {
        continue;
      }
      v1::Document& listed = *response->add_documents();
      listed = Basic(document);
      if (request->view() == v1::DOCUMENT_VIEW_TEXT) listed.set_text(document.text());
    }
    return grpc::Status::OK;
  }
  grpc::Status Search(grpc::ServerContext*, const v1::SearchRequest* request,
                      v1::SearchResponse* response) override {
    std::lock_guard<std::mutex> lock(mutex);
    for (const auto& [id, document] : documents) {
      if (absl::StrContains(document.text(), request->query())) {
        *response->add_hits()->mutable_document() = Basic(document);
      }
    }
    response->set_total_size(response->hits_size());
    return grpc::Status::OK;
  }
  grpc::Status GetStats(grpc::ServerContext*, const v1::GetStatsRequest*,
                        v1::CorpusStats* response) override {
    std::lock_guard<std::mutex> lock(mutex);
    response->set_document_count(static_cast<int64_t>(documents.size()));
    for (const auto& [id, document] : documents) {
      response->set_sentence_count(response->sentence_count() + document.sentence_count());
      response->set_token_count(response->token_count() + document.token_count());
    }
    return grpc::Status::OK;
  }

  static v1::Document Basic(v1::Document document) {
    document.clear_text();
    document.clear_paragraphs();
    document.clear_annotations();
    return document;
  }

  std::mutex mutex;
  std::map<std::string, v1::Document> documents;
  // Still listed, but gone for AnnotateDocument and MarkDocumentFailed: a
  // document deleted between a reconciler's listing and its attaching.
  std::set<std::string> deleted_after_listing;
  int put_calls = 0;
  int get_calls = 0;
  // GetDocument answers CANCELLED, as a storage shutting down does for
  // the calls it has not finished.
  std::atomic<bool> cancel_gets{false};
  int annotate_calls = 0;
  v1::DocumentView last_view = v1::DOCUMENT_VIEW_UNSPECIFIED;
  absl::Duration last_get_time_left;
  std::string last_get_request_id;
};

// For the fake annotator: 3 sentences (the title runs into the first), 20
// tokens.
constexpr char kRadweg[] =
    "Köln plant neuen Radweg\nDie Stadt Köln plant einen neuen Radweg am Rhein. "
    "Er soll 2026 fertig sein. Wer bezahlt?";
// 9 tokens.
constexpr char kBaustelle[] = "Baustelle in Leipzig\nDie Brücke bleibt bis März gesperrt.";

v1::RawArticle Article(const std::string& content) {
  v1::RawArticle article;
  article.set_content(content);
  article.set_format(v1::CONTENT_FORMAT_TEXT);
  return article;
}

v1::IngestDocumentsRequest Batch(const std::vector<std::string>& contents) {
  v1::IngestDocumentsRequest request;
  for (const std::string& content : contents) *request.add_articles() = Article(content);
  return request;
}

std::unique_ptr<GrpcServer> StartOnLoopback(grpc::Service* service, const std::string& name) {
  ServerOptions options;
  options.service_name = name;
  options.listen_address = "127.0.0.1:0";
  absl::StatusOr<std::unique_ptr<GrpcServer>> server = GrpcServer::Start(options, {{service, name}});
  EXPECT_TRUE(server.ok()) << server.status();
  return server.ok() ? std::move(*server) : nullptr;
}

class GatewayServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ingest_server_ = StartOnLoopback(&ingest_, "fake-ingest");
    annotator_server_ = StartOnLoopback(&annotator_, "fake-annotator");
    storage_server_ = StartOnLoopback(&storage_, "fake-storage");
    ASSERT_TRUE(ingest_server_ && annotator_server_ && storage_server_);
    config_.pipeline.addresses = {
        .ingest = absl::StrCat("127.0.0.1:", ingest_server_->port()),
        .annotator = absl::StrCat("127.0.0.1:", annotator_server_->port()),
        .storage = absl::StrCat("127.0.0.1:", storage_server_->port())};
    // Far longer than any call here should take, so that a prompt failure
    // is distinguishable from waiting out the deadline.
    config_.pipeline.backend_timeout = absl::Seconds(30);
    ingest_client_ = std::make_unique<IngestClient>(MakeChannel(config_.pipeline.addresses.ingest));
    annotator_client_ =
        std::make_unique<AnnotatorClient>(MakeChannel(config_.pipeline.addresses.annotator));
    storage_client_ = std::make_unique<StorageClient>(MakeChannel(config_.pipeline.addresses.storage));
    StartGateway();
  }

  void TearDown() override {
    if (!annotator_.release.HasBeenNotified()) annotator_.release.Notify();
    gateway_server_.reset();
  }

  // (Re)starts the gateway with config_.
  void StartGateway() {
    gateway_server_.reset();
    client_.reset();
    service_ = std::make_unique<CorpusServiceImpl>(*ingest_client_, *annotator_client_,
                                                   *storage_client_, config_);
    gateway_server_ = StartOnLoopback(service_.get(), v1::CorpusService::service_full_name());
    ASSERT_NE(gateway_server_, nullptr);
    client_ = std::make_unique<CorpusClient>(gateway_server_->InProcessChannel());
  }

  CallOptions Options(absl::Duration timeout = absl::Seconds(60)) const {
    return CallOptions{.timeout = timeout};
  }

  FakeIngest ingest_;
  FakeAnnotator annotator_;
  FakeStorage storage_;
  std::unique_ptr<GrpcServer> ingest_server_, annotator_server_, storage_server_;
  GatewayConfig config_;
  std::unique_ptr<IngestClient> ingest_client_;
  std::unique_ptr<AnnotatorClient> annotator_client_;
  std::unique_ptr<StorageClient> storage_client_;
  std::unique_ptr<CorpusServiceImpl> service_;
  std::unique_ptr<GrpcServer> gateway_server_;
  std::unique_ptr<CorpusClient> client_;
};

TEST_F(GatewayServiceTest, AcceptedArticleIsCreatedThenDuplicate) {
  absl::StatusOr<v1::IngestDocumentsResponse> first =
      client_->IngestDocuments(Batch({kRadweg}), Options());
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->results_size(), 1);
  const v1::IngestResult& created = first->results(0);
  EXPECT_EQ(created.outcome(), v1::INGEST_OUTCOME_CREATED);
  EXPECT_EQ(created.state(), v1::DOCUMENT_STATE_ANNOTATED);
  EXPECT_EQ(created.index(), 0);
  EXPECT_FALSE(created.document_id().empty());
  EXPECT_EQ(created.title(), "Köln plant neuen Radweg");
  EXPECT_EQ(created.sentence_count(), 3);
  EXPECT_EQ(created.token_count(), 20);
  EXPECT_FALSE(created.has_error());
  EXPECT_EQ(first->created_count(), 1);

  // Stored annotated, with the counts the gateway took from the annotations.
  {
    std::lock_guard<std::mutex> lock(storage_.mutex);
    ASSERT_EQ(storage_.documents.count(created.document_id()), 1u);
    const v1::Document& stored = storage_.documents[created.document_id()];
    EXPECT_EQ(stored.state(), v1::DOCUMENT_STATE_ANNOTATED);
    EXPECT_EQ(stored.sentence_count(), created.sentence_count());
    EXPECT_EQ(stored.token_count(), created.token_count());
    EXPECT_EQ(stored.annotations().tokens_size(), created.token_count());
  }

  absl::StatusOr<v1::IngestDocumentsResponse> second =
      client_->IngestDocuments(Batch({kRadweg}), Options());
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(second->results_size(), 1);
  EXPECT_EQ(second->results(0).outcome(), v1::INGEST_OUTCOME_DUPLICATE);
  EXPECT_EQ(second->results(0).document_id(), created.document_id());
  EXPECT_EQ(second->results(0).token_count(), created.token_count());
  EXPECT_EQ(second->duplicate_count(), 1);
  EXPECT_EQ(second->created_count(), 0);
  // The duplicate was found before annotating and nothing was written.
  EXPECT_EQ(annotator_.calls, 1);
  std::lock_guard<std::mutex> lock(storage_.mutex);
  EXPECT_EQ(storage_.put_calls, 1);
}

TEST_F(GatewayServiceTest, RejectedArticleNeverReachesStorage) {
  absl::StatusOr<v1::IngestDocumentsResponse> response =
      client_->IngestDocuments(Batch({""}), Options());
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->results_size(), 1);
  const v1::IngestResult& rejected = response->results(0);
  EXPECT_EQ(rejected.outcome(), v1::INGEST_OUTCOME_REJECTED);
  EXPECT_EQ(rejected.error().code(), 3);
  EXPECT_FALSE(rejected.error().message().empty());
  EXPECT_TRUE(rejected.document_id().empty());
  EXPECT_EQ(response->rejected_count(), 1);
  EXPECT_EQ(annotator_.calls, 0);
  std::lock_guard<std::mutex> lock(storage_.mutex);
  EXPECT_EQ(storage_.get_calls, 0);
  EXPECT_EQ(storage_.put_calls, 0);
}

TEST_F(GatewayServiceTest, RejectedArticlesDoNotFailTheBatch) {
  absl::StatusOr<v1::IngestDocumentsResponse> response = client_->IngestDocuments(
      Batch({kRadweg, "", std::string(3000, 'x'), kBaustelle}), Options());
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->results_size(), 4);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(response->results(i).index(), i);
  EXPECT_EQ(response->results(0).outcome(), v1::INGEST_OUTCOME_CREATED);
  EXPECT_EQ(response->results(1).error().code(), 3);
  EXPECT_EQ(response->results(2).outcome(), v1::INGEST_OUTCOME_REJECTED);
  EXPECT_EQ(response->results(2).error().code(), 8);
  EXPECT_EQ(response->results(3).outcome(), v1::INGEST_OUTCOME_CREATED);
  EXPECT_EQ(response->created_count(), 2);
  EXPECT_EQ(response->rejected_count(), 2);
}

TEST_F(GatewayServiceTest, BatchLimits) {
  absl::StatusOr<v1::IngestDocumentsResponse> empty =
      client_->IngestDocuments(v1::IngestDocumentsRequest(), Options());
  EXPECT_EQ(empty.status().code(), absl::StatusCode::kInvalidArgument);

  std::vector<std::string> contents;
  for (int i = 0; i < 101; ++i) contents.push_back(absl::StrCat("Meldung ", i, "\nDer Zug fährt."));
  absl::StatusOr<v1::IngestDocumentsResponse> too_large =
      client_->IngestDocuments(Batch(contents), Options());
  EXPECT_EQ(too_large.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(ingest_.calls, 0);

  contents.pop_back();
  absl::StatusOr<v1::IngestDocumentsResponse> full = client_->IngestDocuments(Batch(contents), Options());
  ASSERT_TRUE(full.ok()) << full.status();
  EXPECT_EQ(full->created_count(), 100);

  config_.max_batch_articles = 2;
  StartGateway();
  EXPECT_EQ(client_->IngestDocuments(Batch({kRadweg, kBaustelle, "Drei\nDrei."}), Options())
                .status()
                .code(),
            absl::StatusCode::kResourceExhausted);
}

TEST_F(GatewayServiceTest, StreamReturnsOneResultPerArticleInOrder) {
  const std::vector<std::string> contents = {kRadweg, "", kRadweg, kBaustelle};
  size_t next = 0;
  std::vector<v1::IngestResult> results;
  absl::Status status = client_->StreamIngestDocuments(
      [&](v1::RawArticle& article) {
        if (next == contents.size()) return false;
        article = Article(contents[next++]);
        return true;
      },
      [&](const v1::IngestResult& result) { results.push_back(result); }, Options());
  ASSERT_TRUE(status.ok()) << status;
  ASSERT_EQ(results.size(), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(results[i].index(), i);
  EXPECT_EQ(results[0].outcome(), v1::INGEST_OUTCOME_CREATED);
  EXPECT_EQ(results[1].outcome(), v1::INGEST_OUTCOME_REJECTED);
  EXPECT_EQ(results[2].outcome(), v1::INGEST_OUTCOME_DUPLICATE);
  EXPECT_EQ(results[3].outcome(), v1::INGEST_OUTCOME_CREATED);
}

TEST_F(GatewayServiceTest, StorageDownFailsPromptlyWithUnavailable) {
  ASSERT_TRUE(client_->IngestDocuments(Batch({kRadweg}), Options()).ok());
  storage_server_->Shutdown(absl::ZeroDuration());

  const absl::Time start = absl::Now();
  absl::StatusOr<v1::IngestDocumentsResponse> ingest =
      client_->IngestDocuments(Batch({kBaustelle}), Options());
  EXPECT_EQ(ingest.status().code(), absl::StatusCode::kUnavailable) << ingest.status();
  absl::StatusOr<v1::CorpusStats> stats = client_->GetStats(Options());
  EXPECT_EQ(stats.status().code(), absl::StatusCode::kUnavailable) << stats.status();
  v1::GetDocumentRequest get;
  get.set_id("d0000000000000000");
  EXPECT_EQ(client_->GetDocument(get, Options()).status().code(), absl::StatusCode::kUnavailable);
  // The backend timeout is 30 s: failing well within it means the outage
  // was detected, not waited out.
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
}

// A backend shutting down cancels the calls it has not finished; the
// gateway's caller sees UNAVAILABLE, which it may retry, not CANCELLED.
TEST_F(GatewayServiceTest, BackendCancellingACallIsUnavailableToTheCaller) {
  storage_.cancel_gets = true;
  absl::StatusOr<v1::IngestDocumentsResponse> ingest =
      client_->IngestDocuments(Batch({kRadweg}), Options());
  EXPECT_EQ(ingest.status().code(), absl::StatusCode::kUnavailable) << ingest.status();
  v1::GetDocumentRequest get;
  get.set_id("d0000000000000000");
  EXPECT_EQ(client_->GetDocument(get, Options()).status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(GatewayServiceTest, StreamEndsWithUnavailableAfterTheResultsSent) {
  storage_server_->Shutdown(absl::ZeroDuration());
  // The empty article is rejected by ingest without touching storage; the
  // next one needs storage and ends the stream.
  const std::vector<std::string> contents = {"", kRadweg, kBaustelle};
  size_t next = 0;
  std::vector<v1::IngestResult> results;
  absl::Status status = client_->StreamIngestDocuments(
      [&](v1::RawArticle& article) {
        if (next == contents.size()) return false;
        article = Article(contents[next++]);
        return true;
      },
      [&](const v1::IngestResult& result) { results.push_back(result); }, Options());
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].outcome(), v1::INGEST_OUTCOME_REJECTED);
}

TEST_F(GatewayServiceTest, SlowAnnotatorLeavesTheStoredArticlePending) {
  config_.pipeline.backend_timeout = absl::Milliseconds(200);
  StartGateway();
  annotator_.block = true;
  absl::StatusOr<v1::IngestDocumentsResponse> response =
      client_->IngestDocuments(Batch({kRadweg}), Options());
  annotator_.release.Notify();
  // Accepted means durable: stored, waiting for the annotator.
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->results_size(), 1);
  EXPECT_EQ(response->results(0).outcome(), v1::INGEST_OUTCOME_CREATED);
  EXPECT_EQ(response->results(0).state(), v1::DOCUMENT_STATE_PENDING);
  std::lock_guard<std::mutex> lock(storage_.mutex);
  EXPECT_EQ(storage_.put_calls, 1);
  EXPECT_EQ(storage_.annotate_calls, 0);
  ASSERT_EQ(storage_.documents.count(response->results(0).document_id()), 1u);
  EXPECT_EQ(storage_.documents[response->results(0).document_id()].state(),
            v1::DOCUMENT_STATE_PENDING);
}

// A backend refusing a call for overload (--max_concurrent_rpcs) is an
// outage, not a verdict on the article: the stored article stays PENDING
// for the reconciler instead of being marked FAILED.
TEST_F(GatewayServiceTest, AnnotatorOverloadLeavesTheArticlePendingNotFailed) {
  ServerOptions options;
  options.service_name = "fake-annotator";
  options.max_concurrent_rpcs = 1;
  absl::StatusOr<std::unique_ptr<GrpcServer>> limited = GrpcServer::Start(
      options, {{&annotator_, v1::AnnotatorService::service_full_name()}});
  ASSERT_TRUE(limited.ok()) << limited.status();
  annotator_client_ = std::make_unique<AnnotatorClient>(
      MakeChannel(absl::StrCat("127.0.0.1:", (*limited)->port())));
  StartGateway();

  // The first article's annotation holds the annotator's only slot.
  annotator_.block = true;
  std::thread first([&] { (void)client_->IngestDocuments(Batch({kRadweg}), Options()); });
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (annotator_.calls == 0 && absl::Now() < deadline) std::this_thread::yield();
  ASSERT_EQ(annotator_.calls, 1);

  absl::StatusOr<v1::IngestDocumentsResponse> response =
      client_->IngestDocuments(Batch({kBaustelle}), Options());
  annotator_.release.Notify();
  first.join();
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->results_size(), 1);
  EXPECT_EQ(response->results(0).outcome(), v1::INGEST_OUTCOME_CREATED);
  EXPECT_EQ(response->results(0).state(), v1::DOCUMENT_STATE_PENDING);
  std::lock_guard<std::mutex> lock(storage_.mutex);
  EXPECT_EQ(storage_.documents[response->results(0).document_id()].state(),
            v1::DOCUMENT_STATE_PENDING);
  gateway_server_.reset();
}

TEST_F(GatewayServiceTest, AnnotatorRefusalStoresTheArticleFailedWithTheReason) {
  annotator_.refuse = true;
  absl::StatusOr<v1::IngestDocumentsResponse> response =
      client_->IngestDocuments(Batch({kRadweg}), Options());
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->results_size(), 1);
  const v1::IngestResult& result = response->results(0);
  EXPECT_EQ(result.outcome(), v1::INGEST_OUTCOME_CREATED);
  EXPECT_EQ(result.state(), v1::DOCUMENT_STATE_FAILED);
  EXPECT_EQ(result.error().code(), 3);
  EXPECT_NE(result.error().message().find("text too long"), std::string::npos);
  std::lock_guard<std::mutex> lock(storage_.mutex);
  const v1::Document& stored = storage_.documents[result.document_id()];
  EXPECT_EQ(stored.state(), v1::DOCUMENT_STATE_FAILED);
  EXPECT_NE(stored.state_reason().find("text too long"), std::string::npos);
}

TEST_F(GatewayServiceTest, ReconcilerAnnotatesWhatAnOutageLeftPendingOnce) {
  config_.pipeline.backend_timeout = absl::Milliseconds(200);
  StartGateway();
  annotator_.block = true;
  absl::StatusOr<v1::IngestDocumentsResponse> response =
      client_->IngestDocuments(Batch({kRadweg}), Options());
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->results(0).state(), v1::DOCUMENT_STATE_PENDING);
  const std::string id = response->results(0).document_id();
  annotator_.block = false;
  annotator_.release.Notify();

  const IngestPipeline pipeline(*ingest_client_, *annotator_client_, *storage_client_,
                                config_.pipeline);
  Reconciler reconciler(*storage_client_, pipeline,
                        {.interval = absl::Milliseconds(10), .min_age = absl::ZeroDuration()});
  absl::StatusOr<ReconcileStats> pass = reconciler.RunOnce();
  ASSERT_TRUE(pass.ok()) << pass.status();
  EXPECT_EQ(pass->annotated, 1);
  {
    std::lock_guard<std::mutex> lock(storage_.mutex);
    EXPECT_EQ(storage_.documents[id].state(), v1::DOCUMENT_STATE_ANNOTATED);
    EXPECT_EQ(storage_.documents[id].token_count(), 20);
  }
  pass = reconciler.RunOnce();
  ASSERT_TRUE(pass.ok()) << pass.status();
  EXPECT_EQ(pass->annotated, 0);

  annotator_server_->Shutdown(absl::ZeroDuration());
  response = client_->IngestDocuments(Batch({kBaustelle}), Options());
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->results(0).state(), v1::DOCUMENT_STATE_PENDING);
  // A pass during the outage stops at the first document and says why.
  pass = reconciler.RunOnce();
  EXPECT_EQ(pass.status().code(), absl::StatusCode::kUnavailable) << pass.status();
  EXPECT_NE(pass.status().message().find("annotator"), std::string::npos) << pass.status();
}

TEST_F(GatewayServiceTest, ReconcilerPassesOverADocumentDeletedMeanwhile) {
  config_.pipeline.backend_timeout = absl::Milliseconds(200);
  StartGateway();
  annotator_.block = true;
  absl::StatusOr<v1::IngestDocumentsResponse> response =
      client_->IngestDocuments(Batch({kRadweg, kBaustelle}), Options());
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->results(0).state(), v1::DOCUMENT_STATE_PENDING);
  ASSERT_EQ(response->results(1).state(), v1::DOCUMENT_STATE_PENDING);
  annotator_.block = false;
  annotator_.release.Notify();
  {
    std::lock_guard<std::mutex> lock(storage_.mutex);
    storage_.deleted_after_listing.insert(response->results(0).document_id());
  }

  const IngestPipeline pipeline(*ingest_client_, *annotator_client_, *storage_client_,
                                config_.pipeline);
  Reconciler reconciler(*storage_client_, pipeline,
                        {.interval = absl::Milliseconds(10), .min_age = absl::ZeroDuration()});
  absl::StatusOr<ReconcileStats> pass = reconciler.RunOnce();
  ASSERT_TRUE(pass.ok()) << pass.status();
  EXPECT_EQ(pass->annotated, 1);
  EXPECT_EQ(pass->failed, 0);
}

TEST_F(GatewayServiceTest, ReconcilerLoopAnnotatesInTheBackgroundAndStops) {
  annotator_.refuse = false;
  {
    std::lock_guard<std::mutex> lock(storage_.mutex);
    v1::Document pending;
    pending.set_id("d-pending");
    pending.set_text(kBaustelle);
    pending.set_state(v1::DOCUMENT_STATE_PENDING);
    storage_.documents[pending.id()] = pending;
  }
  const IngestPipeline pipeline(*ingest_client_, *annotator_client_, *storage_client_,
                                config_.pipeline);
  Reconciler reconciler(*storage_client_, pipeline,
                        {.interval = absl::Milliseconds(10), .min_age = absl::ZeroDuration()});
  reconciler.Start();
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  bool annotated = false;
  while (!annotated && absl::Now() < deadline) {
    {
      std::lock_guard<std::mutex> lock(storage_.mutex);
      annotated = storage_.documents["d-pending"].state() == v1::DOCUMENT_STATE_ANNOTATED;
    }
    if (!annotated) absl::SleepFor(absl::Milliseconds(5));  // polling, with a deadline
  }
  reconciler.Stop();
  EXPECT_TRUE(annotated);
  std::lock_guard<std::mutex> lock(storage_.mutex);
  EXPECT_EQ(storage_.documents["d-pending"].token_count(), 9);
  EXPECT_EQ(storage_.annotate_calls, 1);
}

TEST_F(GatewayServiceTest, AnnotatorDownLeavesTheStoredArticlePending) {
  annotator_server_->Shutdown(absl::ZeroDuration());
  absl::StatusOr<v1::IngestDocumentsResponse> response =
      client_->IngestDocuments(Batch({kRadweg, kBaustelle}), Options());
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->results_size(), 2);
  for (const v1::IngestResult& result : response->results()) {
    EXPECT_EQ(result.outcome(), v1::INGEST_OUTCOME_CREATED);
    EXPECT_EQ(result.state(), v1::DOCUMENT_STATE_PENDING);
  }
  EXPECT_EQ(response->created_count(), 2);
}

TEST_F(GatewayServiceTest, IncomingDeadlineBoundsBackendCalls) {
  // Backend timeout 30 s, but the client allows only 5 s: the annotator
  // must see the client's deadline.
  ASSERT_TRUE(client_->IngestDocuments(Batch({kRadweg}), Options(absl::Seconds(5))).ok());
  std::lock_guard<std::mutex> lock(annotator_.mutex);
  EXPECT_LE(annotator_.last_time_left, absl::Seconds(5));
  EXPECT_GT(annotator_.last_time_left, absl::ZeroDuration());
}

TEST_F(GatewayServiceTest, ReadsAreForwardedWithTheirStatusCodes) {
  absl::StatusOr<v1::IngestDocumentsResponse> ingested =
      client_->IngestDocuments(Batch({kRadweg, kBaustelle}), Options());
  ASSERT_TRUE(ingested.ok()) << ingested.status();
  const std::string id = ingested->results(0).document_id();

  v1::GetDocumentRequest get;
  get.set_id(id);
  absl::StatusOr<v1::Document> document = client_->GetDocument(get, Options());
  ASSERT_TRUE(document.ok()) << document.status();
  EXPECT_EQ(document->text(), kRadweg);  // FULL by default.
  EXPECT_EQ(document->annotations().tokens_size(), 20);
  {
    std::lock_guard<std::mutex> lock(storage_.mutex);
    EXPECT_EQ(storage_.last_view, v1::DOCUMENT_VIEW_FULL);
  }
  get.set_view(v1::DOCUMENT_VIEW_BASIC);
  ASSERT_TRUE(client_->GetDocument(get, Options()).ok());
  {
    std::lock_guard<std::mutex> lock(storage_.mutex);
    EXPECT_EQ(storage_.last_view, v1::DOCUMENT_VIEW_BASIC);
  }

  get.set_id("dffffffffffffffff");
  EXPECT_EQ(client_->GetDocument(get, Options()).status().code(), absl::StatusCode::kNotFound);
  get.set_id("");
  EXPECT_EQ(client_->GetDocument(get, Options()).status().code(),
            absl::StatusCode::kInvalidArgument);

  absl::StatusOr<v1::ListDocumentsResponse> list =
      client_->ListDocuments(v1::ListDocumentsRequest(), Options());
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(list->documents_size(), 2);
  v1::ListDocumentsRequest oversized;
  oversized.set_page_size(5000);
  EXPECT_EQ(client_->ListDocuments(oversized, Options()).status().code(),
            absl::StatusCode::kInvalidArgument);

  v1::SearchRequest search;
  search.set_query("Brücke");
  absl::StatusOr<v1::SearchResponse> hits = client_->Search(search, Options());
  ASSERT_TRUE(hits.ok()) << hits.status();
  ASSERT_EQ(hits->hits_size(), 1);
  EXPECT_EQ(hits->hits(0).document().id(), ingested->results(1).document_id());
  search.set_query("");
  EXPECT_EQ(client_->Search(search, Options()).status().code(),
            absl::StatusCode::kInvalidArgument);

  absl::StatusOr<v1::CorpusStats> stats = client_->GetStats(Options());
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->document_count(), 2);
  EXPECT_EQ(stats->token_count(), 20 + 9);
}

TEST_F(GatewayServiceTest, ReadsCarryTheCallersDeadlineAndRequestId) {
  // Reads are served on the callback API: the storage call must still be
  // bounded by the caller's deadline and carry the caller's request id, and
  // the caller must get that id back.
  absl::StatusOr<v1::IngestDocumentsResponse> ingested =
      client_->IngestDocuments(Batch({kBaustelle}), Options());
  ASSERT_TRUE(ingested.ok()) << ingested.status();
  std::unique_ptr<v1::CorpusService::Stub> stub =
      v1::CorpusService::NewStub(gateway_server_->InProcessChannel());
  v1::GetDocumentRequest get;
  get.set_id(ingested->results(0).document_id());
  for (const std::string& sent : {std::string("lesen-42"), std::string()}) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    if (!sent.empty()) context.AddMetadata("x-request-id", sent);
    v1::Document document;
    ASSERT_TRUE(stub->GetDocument(&context, get, &document).ok());
    auto returned = context.GetServerInitialMetadata().find("x-request-id");
    ASSERT_NE(returned, context.GetServerInitialMetadata().end());
    const std::string returned_id(returned->second.data(), returned->second.size());
    if (!sent.empty()) EXPECT_EQ(returned_id, sent);
    std::lock_guard<std::mutex> lock(storage_.mutex);
    EXPECT_EQ(storage_.last_get_request_id, returned_id);
    // The caller's 5 s, not the backend timeout of 30 s (the wire rounds
    // a deadline up a little).
    EXPECT_LT(storage_.last_get_time_left, absl::Seconds(6));
    EXPECT_GT(storage_.last_get_time_left, absl::ZeroDuration());
  }
}

}  // namespace
}  // namespace korpus
