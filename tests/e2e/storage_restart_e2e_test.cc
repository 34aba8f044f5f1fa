// Storage restarting during ingestion (docs/RELIABILITY.md): articles
// streamed through the gateway on four streams at once while storage is killed (SIGKILL, then
// SIGTERM) and restarted on the same port and database. The client sees
// only retryable errors (UNAVAILABLE, DEADLINE_EXCEEDED), resends from the
// first article without a result (ingest is idempotent by document id),
// and the corpus ends with every article exactly once.
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <thread>
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
// Storage is killed once this many articles are answered: first with
// SIGKILL, then, after it is back, with SIGTERM.
constexpr int kKillAfter[] = {50, 130};
// Client streams at once, each with its share of the articles.
constexpr int kStreams = 4;
// Failed attempts seen while storage is down before it is started again.
constexpr int kFailuresBeforeRestart = kStreams;

// A German notice, different for every i.
v1::RawArticle Article(int i) {
  const char* const districts[] = {"Nordviertel", "Hafenkante", "Lindenau", "Am Weiher"};
  v1::RawArticle article;
  article.set_format(v1::CONTENT_FORMAT_TEXT);
  article.set_source_uri(absl::StrCat("https://example.org/bauamt/", i));
  article.set_content(absl::StrCat(
      "Bauamt sperrt Straße im ", districts[i % 4], " zum ", i, ". Mal\n\n",
      "Das Bauamt sperrt ab Montag eine Straße im ", districts[i % 4],
      ", weil dort Leitungen erneuert werden. Nach Angaben der Stadt dauern die Arbeiten "
      "etwa ", i % 9 + 2, " Wochen. Anwohner können ihre Grundstücke weiterhin erreichen. "
      "Der Busverkehr wird über die Parallelstraße umgeleitet, teilte ein Sprecher mit."));
  return article;
}

bool IsRetryable(const absl::Status& status) {
  return absl::IsUnavailable(status) || absl::IsDeadlineExceeded(status);
}

class StorageRestartEndToEndTest : public ::testing::Test {
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

TEST_F(StorageRestartEndToEndTest, RestartsDuringIngestionLeaveEveryArticleStoredOnce) {
  const absl::Time start = absl::Now();
  // Shared by the streams, their callbacks and the kills.
  absl::Mutex mu;
  // The result of each article, by index.
  std::map<int, v1::IngestResult> results;
  std::map<absl::StatusCode, int> errors;
  bool storage_down = false;
  int failures_while_down = 0;
  int kills = 0;
  absl::Time down_since;
  std::vector<double> outage_seconds;  // kill -> first article answered again
  bool awaiting_recovery = false;
  int attempts = 0;
  const absl::Time deadline = absl::Now() + absl::Seconds(90);

  // One client stream of articles [first, first + count): resent from the
  // first article without a result after each retryable failure.
  const auto stream_articles = [&](int first, int count) {
    int answered = 0;  // guarded by mu
    while (true) {
      int resend_from = 0;
      {
        absl::MutexLock lock(&mu);
        if (answered == count) return;
        if (absl::Now() > deadline) {
          ADD_FAILURE() << "articles from " << first << ": " << answered << " answered";
          return;
        }
        ++attempts;
        resend_from = answered;
      }
      int next = resend_from;
      const absl::Status status = client_->StreamIngestDocuments(
          [&](v1::RawArticle& article) {
            if (next == count) return false;
            article = Article(first + next++);
            return true;
          },
          [&](const v1::IngestResult& result) {
            absl::MutexLock lock(&mu);
            results[first + resend_from + result.index()] = result;
            ++answered;
            // Storage dies while the gateway works on the articles sent
            // after this one, on this stream and the others.
            const int total = static_cast<int>(results.size());
            if (!storage_down && ((kills == 0 && total >= kKillAfter[0]) ||
                                  (kills == 1 && total >= kKillAfter[1]))) {
              if (kills == 0) {
                cluster_->storage().Kill();  // SIGKILL
              } else {
                EXPECT_TRUE(cluster_->StopStorage().ok());  // SIGTERM, graceful
              }
              ++kills;
              storage_down = true;
              awaiting_recovery = true;
              down_since = absl::Now();
              failures_while_down = 0;
              return;
            }
            if (awaiting_recovery && !storage_down) {
              awaiting_recovery = false;
              outage_seconds.push_back(absl::ToDoubleSeconds(absl::Now() - down_since));
            }
          },
          {.timeout = absl::Seconds(30)});
      absl::MutexLock lock(&mu);
      if (status.ok()) continue;
      ++errors[status.code()];
      if (!IsRetryable(status)) {
        ADD_FAILURE() << "not retryable: " << status;
        return;
      }
      if (storage_down && ++failures_while_down >= kFailuresBeforeRestart) {
        EXPECT_TRUE(cluster_->RestartStorage().ok());  // same port, same database
        storage_down = false;
      }
      // Client backoff before resending.
      absl::SleepFor(absl::Milliseconds(50));
    }
  };
  std::vector<std::thread> streams;
  for (int i = 0; i < kStreams; ++i) {
    streams.emplace_back(stream_articles, i * (kArticles / kStreams), kArticles / kStreams);
  }
  for (std::thread& stream : streams) stream.join();
  absl::MutexLock lock(&mu);
  ASSERT_EQ(results.size(), static_cast<size_t>(kArticles));
  ASSERT_EQ(kills, 2);
  const double ingest_seconds = absl::ToDoubleSeconds(absl::Now() - start);

  // Every article acknowledged: CREATED, or DUPLICATE when the attempt
  // that stored it lost its answer to the outage.
  std::set<std::string> acknowledged;
  int duplicates = 0;
  int pending = 0;
  for (const auto& [index, result] : results) {
    EXPECT_TRUE(result.outcome() == v1::INGEST_OUTCOME_CREATED ||
                result.outcome() == v1::INGEST_OUTCOME_DUPLICATE)
        << index << ": " << result.DebugString();
    if (result.outcome() == v1::INGEST_OUTCOME_DUPLICATE) ++duplicates;
    if (result.state() == v1::DOCUMENT_STATE_PENDING) ++pending;
    acknowledged.insert(result.document_id());
  }
  EXPECT_EQ(acknowledged.size(), static_cast<size_t>(kArticles));

  // What storage's outage left PENDING the reconciler annotates (polled,
  // with a deadline).
  const absl::Time annotated_deadline = absl::Now() + absl::Seconds(20);
  std::vector<v1::Document> still_pending = ListAll(v1::DOCUMENT_STATE_PENDING);
  while (!still_pending.empty() && absl::Now() < annotated_deadline) {
    absl::SleepFor(absl::Milliseconds(100));  // polling interval, bounded by the deadline
    still_pending = ListAll(v1::DOCUMENT_STATE_PENDING);
  }
  EXPECT_TRUE(still_pending.empty()) << still_pending.size() << " documents still pending";

  // Exactly once each, all annotated.
  const std::vector<v1::Document> stored = ListAll(v1::DOCUMENT_STATE_UNSPECIFIED);
  std::set<std::string> stored_ids;
  for (const v1::Document& document : stored) {
    EXPECT_TRUE(stored_ids.insert(document.id()).second) << document.id() << " stored twice";
    EXPECT_EQ(document.state(), v1::DOCUMENT_STATE_ANNOTATED) << document.id();
  }
  EXPECT_EQ(stored.size(), static_cast<size_t>(kArticles));
  EXPECT_EQ(stored_ids, acknowledged);
  absl::StatusOr<v1::CorpusStats> stats = client_->GetStats({.timeout = absl::Seconds(10)});
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->document_count(), kArticles);

  std::string error_counts;
  for (const auto& [code, count] : errors) {
    absl::StrAppend(&error_counts, " ", absl::StatusCodeToString(code), "=", count);
  }
  std::printf("storage restart: %d articles in %.1f s over %d stream attempts; errors:%s; "
              "%d DUPLICATE on resend, %d PENDING after the stream; outages (kill to the next "
              "answer) %.1f s and %.1f s\n",
              kArticles, ingest_seconds, attempts, error_counts.c_str(), duplicates, pending,
              outage_seconds.size() > 0 ? outage_seconds[0] : 0.0,
              outage_seconds.size() > 1 ? outage_seconds[1] : 0.0);
}

}  // namespace
}  // namespace korpus
