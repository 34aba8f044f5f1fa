// Overload (docs/RELIABILITY.md, Limits and backpressure): with the
// gateway's --max_concurrent_rpcs set low and every slot held by an open
// stream, a burst of calls beyond the limit is refused with
// RESOURCE_EXHAUSTED within milliseconds, the gateway's memory stays
// bounded, and calls within the limit still succeed.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "korpus/v1/corpus.grpc.pb.h"
#include "libs/clients/channel.h"
#include "tests/testing/korpus_cluster.h"

namespace korpus {
namespace {

constexpr int kLimit = 4;
constexpr int kBurstCalls = 300;
constexpr int kBursts = 4;
// Each IngestDocuments call of a burst (a third of its calls) carries this
// much article text: 50 MB per burst, 200 MB in all, that a server
// admitting the burst would have to hold at once.
constexpr size_t kArticleBytes = 512 << 10;

// Resident memory of a process in KiB (VmRSS in /proc/<pid>/status); -1 if
// unreadable.
int64_t ResidentKib(pid_t pid) {
  std::ifstream status(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(status, line)) {
    if (!absl::StartsWith(line, "VmRSS:")) continue;
    int64_t kib = 0;
    std::string number;
    for (char c : line) {
      if (c >= '0' && c <= '9') number += c;
    }
    if (absl::SimpleAtoi(number, &kib)) return kib;
  }
  return -1;
}

v1::RawArticle Article(int i, size_t bytes) {
  v1::RawArticle article;
  article.set_format(v1::CONTENT_FORMAT_TEXT);
  article.set_source_uri(absl::StrCat("https://example.org/last/", i));
  std::string text = absl::StrCat("Die Stadtwerke melden Rekordlast Nummer ", i, "\n\n");
  while (text.size() < bytes) {
    absl::StrAppend(&text, "Am Abend stieg der Verbrauch im Netz der Stadtwerke deutlich an, ",
                    "weil viele Haushalte gleichzeitig heizten und kochten. ");
  }
  article.set_content(std::move(text));
  return article;
}

// A StreamIngestDocuments stream that the client keeps open: between
// articles the gateway's handler waits in Read(), holding one slot.
struct HeldStream {
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReaderWriter<v1::StreamIngestDocumentsRequest, v1::IngestResult>>
      stream;
};

class OverloadEndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<testing::KorpusCluster>> cluster =
        testing::KorpusCluster::Start(
            {.work_dir = work_dir_.path(),
             .gateway_args = {absl::StrCat("--max_concurrent_rpcs=", kLimit),
                              "--reconcile_interval=0"}});
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    cluster_ = *std::move(cluster);
    channel_ = MakeChannel(cluster_->gateway_address(), {.retry_unavailable = false});
    stub_ = v1::CorpusService::NewStub(channel_);
  }

  grpc::Status GetStats() {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    v1::GetStatsRequest request;
    v1::CorpusStats stats;
    return stub_->GetStats(&context, request, &stats);
  }

  // Opens kLimit held streams, each proven to be in the gateway's handler by
  // one article answered on it; then they hold every slot, and the next call
  // is refused.
  std::vector<std::unique_ptr<HeldStream>> HoldEverySlot() {
    std::vector<std::unique_ptr<HeldStream>> held;
    for (int i = 0; i < kLimit; ++i) {
      auto stream = std::make_unique<HeldStream>();
      stream->context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Minutes(2)));
      stream->stream = stub_->StreamIngestDocuments(&stream->context);
      v1::StreamIngestDocumentsRequest request;
      *request.mutable_article() = Article(200 + i, 600);
      v1::IngestResult result;
      EXPECT_TRUE(stream->stream->Write(request) && stream->stream->Read(&result))
          << "held stream " << i << " was not admitted";
      held.push_back(std::move(stream));
    }
    const grpc::Status status = GetStats();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
    EXPECT_TRUE(absl::StrContains(status.error_message(), "--max_concurrent_rpcs"))
        << status.error_message();
    return held;
  }

  testing::TempDir work_dir_;
  std::unique_ptr<testing::KorpusCluster> cluster_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::CorpusService::Stub> stub_;
};

// One call of a burst, started on the completion queue.
struct BurstCall {
  grpc::ClientContext context;
  grpc::Status status;
  absl::Time started;
  v1::CorpusStats stats;
  v1::SearchResponse search;
  v1::IngestDocumentsResponse ingest;
  std::unique_ptr<grpc::ClientAsyncResponseReader<v1::CorpusStats>> stats_reader;
  std::unique_ptr<grpc::ClientAsyncResponseReader<v1::SearchResponse>> search_reader;
  std::unique_ptr<grpc::ClientAsyncResponseReader<v1::IngestDocumentsResponse>> ingest_reader;
};

TEST_F(OverloadEndToEndTest, BurstBeyondTheLimitIsRefusedQuicklyWithBoundedMemory) {
  std::vector<std::unique_ptr<HeldStream>> held = HoldEverySlot();
  ASSERT_EQ(static_cast<int>(held.size()), kLimit);

  v1::IngestDocumentsRequest ingest_request;
  *ingest_request.add_articles() = Article(0, kArticleBytes);
  v1::SearchRequest search_request;
  search_request.set_query("Stadtwerke");
  const pid_t gateway = cluster_->gateway().pid();
  const int64_t rss_before = ResidentKib(gateway);
  ASSERT_GT(rss_before, 0);

  // Bursts of unary calls, all started at once: the gateway's synchronous
  // (IngestDocuments) and callback (GetStats, Search) handlers alike.
  std::vector<double> latencies_ms;
  int refused = 0;
  for (int burst = 0; burst < kBursts; ++burst) {
    grpc::CompletionQueue queue;
    std::vector<std::unique_ptr<BurstCall>> calls;
    for (int i = 0; i < kBurstCalls; ++i) {
      auto call = std::make_unique<BurstCall>();
      call->context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
      call->started = absl::Now();
      void* tag = call.get();
      switch (i % 3) {
        case 0:
          call->stats_reader = stub_->AsyncGetStats(&call->context, v1::GetStatsRequest(), &queue);
          call->stats_reader->Finish(&call->stats, &call->status, tag);
          break;
        case 1:
          call->search_reader = stub_->AsyncSearch(&call->context, search_request, &queue);
          call->search_reader->Finish(&call->search, &call->status, tag);
          break;
        default:
          call->ingest_reader =
              stub_->AsyncIngestDocuments(&call->context, ingest_request, &queue);
          call->ingest_reader->Finish(&call->ingest, &call->status, tag);
          break;
      }
      calls.push_back(std::move(call));
    }
    for (int i = 0; i < kBurstCalls; ++i) {
      void* tag = nullptr;
      bool ok = false;
      ASSERT_TRUE(queue.Next(&tag, &ok));
      auto* call = static_cast<BurstCall*>(tag);
      latencies_ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - call->started));
      EXPECT_EQ(call->status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
          << call->status.error_message();
      if (call->status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) ++refused;
    }
    queue.Shutdown();
    void* tag = nullptr;
    bool ok = false;
    while (queue.Next(&tag, &ok)) {
    }
  }
  const int64_t rss_after = ResidentKib(gateway);

  std::sort(latencies_ms.begin(), latencies_ms.end());
  const double p50 = latencies_ms[latencies_ms.size() / 2];
  const double p99 = latencies_ms[latencies_ms.size() * 99 / 100];
  const double growth_mb = static_cast<double>(rss_after - rss_before) / 1024;
  std::printf("overload: %d of %d calls refused; refusal latency p50 %.1f ms, p99 %.1f ms, "
              "max %.1f ms; gateway RSS %.1f -> %.1f MB (%+.1f MB)\n",
              refused, kBursts * kBurstCalls, p50, p99, latencies_ms.back(),
              rss_before / 1024.0, rss_after / 1024.0, growth_mb);
  EXPECT_EQ(refused, kBursts * kBurstCalls);
  // Milliseconds on an idle machine; the bound leaves room for a loaded
  // two-core CI machine. The latency is measured from when each call was
  // started, so it includes the client's own queueing within the burst.
  EXPECT_LT(p99, 200);
  // Refused calls are never buffered: the gateway grows by less than the
  // article text of one burst (50 MB), let alone of all four. Measured:
  // 2-13 MB, gRPC's transport buffers and the allocator's caches.
  EXPECT_LT(growth_mb, 32);

  // The held streams are still being served: one of them ingests an
  // article, and within the limit calls succeed once a slot is free.
  v1::StreamIngestDocumentsRequest article;
  *article.mutable_article() = Article(1, 600);
  ASSERT_TRUE(held[0]->stream->Write(article));
  v1::IngestResult result;
  ASSERT_TRUE(held[0]->stream->Read(&result));
  EXPECT_EQ(result.outcome(), v1::INGEST_OUTCOME_CREATED) << result.DebugString();
  for (std::unique_ptr<HeldStream>& stream : held) {
    ASSERT_TRUE(stream->stream->WritesDone());
    const grpc::Status status = stream->stream->Finish();
    EXPECT_TRUE(status.ok()) << status.error_message();
  }
  // Every slot is free again (each stream's status was sent, which is when
  // its slot is given back): a burst of exactly kLimit calls all succeed.
  grpc::CompletionQueue queue;
  std::vector<std::unique_ptr<BurstCall>> calls;
  for (int i = 0; i < kLimit; ++i) {
    auto call = std::make_unique<BurstCall>();
    call->context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    v1::IngestDocumentsRequest request;
    *request.add_articles() = Article(100 + i, 600);
    call->ingest_reader = stub_->AsyncIngestDocuments(&call->context, request, &queue);
    call->ingest_reader->Finish(&call->ingest, &call->status, call.get());
    calls.push_back(std::move(call));
  }
  for (int i = 0; i < kLimit; ++i) {
    void* tag = nullptr;
    bool ok = false;
    ASSERT_TRUE(queue.Next(&tag, &ok));
    auto* call = static_cast<BurstCall*>(tag);
    EXPECT_TRUE(call->status.ok()) << call->status.error_message();
    EXPECT_EQ(call->ingest.created_count(), 1);
  }
  const grpc::Status stats = GetStats();
  EXPECT_TRUE(stats.ok()) << stats.error_message();
}

// Health checks are not counted: probes keep working while the gateway is
// saturated, so an orchestrator does not restart a busy but healthy process.
TEST_F(OverloadEndToEndTest, HealthChecksStayServingWhileEverySlotIsTaken) {
  std::vector<std::unique_ptr<HeldStream>> held = HoldEverySlot();
  ASSERT_EQ(static_cast<int>(held.size()), kLimit);
  EXPECT_TRUE(testing::WaitForServing(cluster_->gateway_address(), absl::Seconds(5)).ok());
  for (std::unique_ptr<HeldStream>& stream : held) {
    stream->context.TryCancel();
    EXPECT_EQ(stream->stream->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }
  // The cancelled streams gave their slots back.
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  grpc::Status status = GetStats();
  while (!status.ok() && absl::Now() < deadline) status = GetStats();
  EXPECT_TRUE(status.ok()) << status.error_message();
}

}  // namespace
}  // namespace korpus
