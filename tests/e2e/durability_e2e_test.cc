// Accepted means durable (docs/RELIABILITY.md): articles streamed in while
// the annotator is killed (SIGKILL) and restarted are all stored once, and
// all end ANNOTATED once it is back (the gateway's reconciler).
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "libs/clients/channel.h"
#include "libs/clients/corpus_client.h"
#include "tests/testing/korpus_cluster.h"

namespace korpus {
namespace {

constexpr int kArticles = 200;
constexpr int kKillAt = 40;
constexpr int kRestartAt = 110;

// A German report, different for every i.
v1::RawArticle Article(int i) {
  const char* const towns[] = {"Altstadt", "Neuhausen", "Bergheim", "Talwiesen", "Seefeld"};
  v1::RawArticle article;
  article.set_format(v1::CONTENT_FORMAT_TEXT);
  article.set_source_uri(absl::StrCat("https://example.org/meldung/", i));
  article.set_content(absl::StrCat(
      "Gemeinderat in ", towns[i % 5], " berät über Vorhaben Nummer ", i, "\n\n",
      "Der Gemeinderat von ", towns[i % 5], " hat am Dienstag über das Vorhaben Nummer ", i,
      " beraten. Die Bürgermeisterin sagte, die Gemeinde müsse in Schulen, Radwege und den "
      "Nahverkehr investieren. Nach Angaben der Verwaltung kostet das Vorhaben rund ",
      i + 3, " Millionen Euro. Die Opposition kritisierte, dass die Bürger zu spät "
      "beteiligt worden seien. Eine Entscheidung soll im nächsten Monat fallen."));
  return article;
}

class DurabilityEndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<testing::KorpusCluster>> cluster =
        testing::KorpusCluster::Start(
            {.work_dir = work_dir_.path(),
             .gateway_args = {"--backend_timeout=2s", "--reconcile_interval=200ms",
                              "--reconcile_max_backoff=1s", "--reconcile_min_age=1s"}});
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    cluster_ = *std::move(cluster);
    client_ = std::make_unique<CorpusClient>(MakeChannel(cluster_->gateway_address()));
  }

  // Every stored document, oldest first, in one state (UNSPECIFIED: all).
  std::vector<v1::Document> ListAll(v1::DocumentState state) {
    std::vector<v1::Document> documents;
    v1::ListDocumentsRequest request;
    request.set_page_size(1000);
    request.set_state(state);
    while (true) {
      absl::StatusOr<v1::ListDocumentsResponse> page =
          client_->ListDocuments(request, {.timeout = absl::Seconds(10)});
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) return documents;
      for (const v1::Document& document : page->documents()) documents.push_back(document);
      if (page->next_page_token().empty()) return documents;
      request.set_page_token(page->next_page_token());
    }
  }

  testing::TempDir work_dir_;
  std::unique_ptr<testing::KorpusCluster> cluster_;
  std::unique_ptr<CorpusClient> client_;
};

TEST_F(DurabilityEndToEndTest, AnnotatorKilledMidStreamLosesNothingAndAnnotatesAllOnce) {
  int next = 0;
  absl::Status restarted;
  absl::Mutex mu;
  std::vector<v1::IngestResult> results;
  const absl::Status status = client_->StreamIngestDocuments(
      [&](v1::RawArticle& article) {
        if (next == kArticles) return false;
        // The kill and the restart wait until the gateway has answered for
        // every article sent before them, so that the articles in between
        // meet the outage (the stream would otherwise run far ahead).
        const auto answered = [&](int count) {
          absl::MutexLock lock(&mu);
          const auto reached = [&]() { return results.size() >= static_cast<size_t>(count); };
          return mu.AwaitWithTimeout(absl::Condition(&reached), absl::Seconds(30));
        };
        if (next == kKillAt && answered(kKillAt)) cluster_->annotator().Kill();  // SIGKILL
        if (next == kRestartAt && answered(kRestartAt)) restarted = cluster_->RestartAnnotator();
        article = Article(next++);
        return true;
      },
      [&](const v1::IngestResult& result) {
        absl::MutexLock lock(&mu);
        results.push_back(result);
      },
      {.timeout = absl::Seconds(60)});
  ASSERT_TRUE(status.ok()) << status;
  ASSERT_TRUE(restarted.ok()) << restarted;

  // Every article was acknowledged as stored; some only PENDING.
  absl::MutexLock lock(&mu);
  ASSERT_EQ(results.size(), static_cast<size_t>(kArticles));
  std::set<std::string> acknowledged;
  int pending = 0;
  for (const v1::IngestResult& result : results) {
    EXPECT_EQ(result.outcome(), v1::INGEST_OUTCOME_CREATED) << result.index();
    EXPECT_NE(result.state(), v1::DOCUMENT_STATE_FAILED) << result.index();
    if (result.state() == v1::DOCUMENT_STATE_PENDING) ++pending;
    acknowledged.insert(result.document_id());
  }
  EXPECT_EQ(acknowledged.size(), static_cast<size_t>(kArticles));
  EXPECT_GT(pending, 0) << "the annotator outage left nothing pending";
  RecordProperty("pending_after_stream", pending);

  // The reconciler annotates what the outage left pending (polled, with a
  // deadline).
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  std::vector<v1::Document> still_pending = ListAll(v1::DOCUMENT_STATE_PENDING);
  while (!still_pending.empty() && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(100));  // polling interval, bounded by the deadline
    still_pending = ListAll(v1::DOCUMENT_STATE_PENDING);
  }
  EXPECT_TRUE(still_pending.empty()) << still_pending.size() << " documents still pending";

  // Stored exactly once each, all annotated.
  const std::vector<v1::Document> stored = ListAll(v1::DOCUMENT_STATE_UNSPECIFIED);
  std::set<std::string> stored_ids;
  for (const v1::Document& document : stored) {
    EXPECT_TRUE(stored_ids.insert(document.id()).second) << document.id() << " stored twice";
    EXPECT_EQ(document.state(), v1::DOCUMENT_STATE_ANNOTATED) << document.id();
    EXPECT_GT(document.sentence_count(), 0) << document.id();
  }
  EXPECT_EQ(stored_ids, acknowledged);
  absl::StatusOr<v1::CorpusStats> stats = client_->GetStats({.timeout = absl::Seconds(10)});
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->document_count(), kArticles);
}

}  // namespace
}  // namespace korpus
