// End to end: CorpusService.Watch against the real binaries. A watch
// receives exactly the matching articles, in the order they were ingested
// (and so annotated); after a disconnect, a watch resumed with the last
// cursor receives exactly the matching articles ingested meanwhile, none
// twice and none lost. Beyond --max_watchers a watch is refused, and
// SIGTERM ends open watches at once (OK) instead of holding the drain.
// Every wait is a read on the stream bounded by the call's deadline.
#include <grpcpp/grpcpp.h>

#include <signal.h>

#include <csignal>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "korpus/v1/corpus.grpc.pb.h"
#include "libs/clients/corpus_client.h"
#include "tests/testing/korpus_cluster.h"

namespace korpus {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

constexpr absl::Duration kCallDeadline = absl::Seconds(30);

// Articles written for this test: the ones about the lighthouse match the
// watched query, the others do not.
struct Article {
  const char* title;
  const char* text;
  bool matches;
};

const Article kFirst[] = {
    {"Leuchtturm auf Hiddensee wird saniert",
     "Der alte Leuchtturm auf Hiddensee bekommt ein neues Dach. Die Arbeiten dauern bis zum "
     "Herbst, teilte die Gemeinde am Dienstag mit.",
     true},
    {"Neue Bäckerei im Dorf",
     "In der Hauptstraße hat eine Bäckerei eröffnet. Die Inhaberin backt jeden Morgen Brot "
     "und Brötchen für die Nachbarschaft.",
     false},
    {"Besucherrekord am Leuchtturm",
     "So viele Gäste wie nie stiegen im Sommer auf den Leuchtturm von Westerhever. Der "
     "Verein zählte mehr als zwanzigtausend Besucher.",
     true},
};

const Article kWhileAway[] = {
    {"Pokalspiel ohne Sieger",
     "Das Pokalspiel endete nach Verlängerung unentschieden. Die Entscheidung fiel erst im "
     "Elfmeterschießen am späten Abend.",
     false},
    {"Leuchtturm leuchtet wieder",
     "Nach zwei Jahren Pause leuchtet der Leuchtturm am Kap wieder jede Nacht. Die Lampe "
     "wurde von Technikern erneuert.",
     true},
    {"Ein Museum im Leuchtturm",
     "Im Sockel des Leuchtturms von Kampen zeigt ein kleines Museum Seekarten und alte "
     "Linsen. Der Eintritt ist frei.",
     true},
};

const Article kLast = {
    "Hochzeit im Leuchtturm",
    "Paare können sich im Leuchtturm von Norderney trauen lassen. Das Standesamt bietet "
    "Termine an jedem Freitag an.",
    true};

class WatchEndToEndTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    testing::ClusterOptions options;
    options.work_dir = dir_->path();
    options.gateway_args = {"--max_watchers=4", "--watch_poll_interval=2s"};
    absl::StatusOr<std::unique_ptr<testing::KorpusCluster>> cluster =
        testing::KorpusCluster::Start(options);
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    cluster_ = cluster->release();
  }
  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(cluster_, nullptr); }

  static std::shared_ptr<grpc::Channel> Channel() {
    return grpc::CreateChannel(cluster_->gateway_address(), grpc::InsecureChannelCredentials());
  }

  // Ingests `articles` in one call; the ids of the matching ones, in order.
  static std::vector<std::string> Ingest(const std::vector<Article>& articles) {
    const CorpusClient client(Channel());
    v1::IngestDocumentsRequest request;
    for (const Article& article : articles) {
      v1::RawArticle* raw = request.add_articles();
      raw->set_title(article.title);
      raw->set_content(article.text);
      raw->set_format(v1::CONTENT_FORMAT_TEXT);
      raw->set_source_uri(absl::StrCat("https://beispiel.example/", article.title));
    }
    absl::StatusOr<v1::IngestDocumentsResponse> response =
        client.IngestDocuments(request, CallOptions{.timeout = kCallDeadline});
    EXPECT_TRUE(response.ok()) << response.status();
    std::vector<std::string> ids;
    if (!response.ok()) return ids;
    EXPECT_EQ(response->results_size(), static_cast<int>(articles.size()));
    for (int i = 0; i < response->results_size(); ++i) {
      const v1::IngestResult& result = response->results(i);
      EXPECT_EQ(result.outcome(), v1::INGEST_OUTCOME_CREATED) << result.DebugString();
      EXPECT_EQ(result.state(), v1::DOCUMENT_STATE_ANNOTATED) << result.DebugString();
      if (articles[i].matches) ids.push_back(result.document_id());
    }
    return ids;
  }

  // An open watch of the lighthouse query.
  struct Watch {
    grpc::ClientContext context;
    std::unique_ptr<v1::CorpusService::Stub> stub;
    std::unique_ptr<grpc::ClientReader<v1::WatchEvent>> reader;

    // The next `n` events (fewer if the stream ends first, or the deadline
    // passes).
    std::vector<v1::WatchEvent> Next(int n) {
      std::vector<v1::WatchEvent> events;
      v1::WatchEvent event;
      while (static_cast<int>(events.size()) < n && reader->Read(&event)) events.push_back(event);
      return events;
    }
  };

  static std::unique_ptr<Watch> Open(const std::string& cursor, bool from_now = false) {
    auto watch = std::make_unique<Watch>();
    watch->context.set_deadline(absl::ToChronoTime(absl::Now() + kCallDeadline));
    watch->stub = v1::CorpusService::NewStub(Channel());
    v1::WatchRequest request;
    request.set_query("Leuchtturm");
    request.set_cursor(cursor);
    request.set_start_from_now(from_now);
    watch->reader = watch->stub->Watch(&watch->context, request);
    return watch;
  }

  // A watch from the beginning that has delivered its first event, so its
  // handler runs. Watches just cancelled may still hold their places for a
  // moment: opening is retried on RESOURCE_EXHAUSTED until a deadline.
  static std::unique_ptr<Watch> OpenRunning() {
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (true) {
      std::unique_ptr<Watch> watch = Open("");
      if (!watch->Next(1).empty()) return watch;
      const grpc::Status status = watch->reader->Finish();
      EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
          << status.error_message();
      if (absl::Now() > deadline) return nullptr;
    }
  }

  // Runs korpusctl against the gateway; its standard output, split into
  // lines.
  static std::vector<std::string> Korpusctl(const std::string& args) {
    const std::string command =
        absl::StrCat(testing::DefaultBuildPaths().korpusctl, " --gateway=",
                     cluster_->gateway_address(), " ", args, " 2>&1");
    FILE* pipe = popen(command.c_str(), "r");
    std::string output;
    char buffer[4096];
    size_t n = 0;
    while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
    EXPECT_EQ(pclose(pipe), 0) << command << ":\n" << output;
    return absl::StrSplit(output, '\n', absl::SkipEmpty());
  }

  static std::vector<std::string> Ids(const std::vector<v1::WatchEvent>& events) {
    std::vector<std::string> ids;
    for (const v1::WatchEvent& event : events) ids.push_back(event.document().id());
    return ids;
  }

  static testing::TempDir* dir_;
  static testing::KorpusCluster* cluster_;
};

testing::TempDir* WatchEndToEndTest::dir_ = nullptr;
testing::KorpusCluster* WatchEndToEndTest::cluster_ = nullptr;

TEST_F(WatchEndToEndTest, ResumingWithTheLastCursorMissesNothingAndRepeatsNothing) {
  std::unique_ptr<Watch> watch = Open("");
  const std::vector<std::string> first =
      Ingest(std::vector<Article>(std::begin(kFirst), std::end(kFirst)));
  ASSERT_EQ(first.size(), 2u);
  const std::vector<v1::WatchEvent> received = watch->Next(2);
  ASSERT_THAT(Ids(received), ElementsAreArray(first));
  for (const v1::WatchEvent& event : received) EXPECT_FALSE(event.cursor().empty());

  // Disconnect; what is ingested meanwhile waits for the resumed watch.
  watch->context.TryCancel();
  EXPECT_EQ(watch->reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  const std::vector<std::string> missed =
      Ingest(std::vector<Article>(std::begin(kWhileAway), std::end(kWhileAway)));
  ASSERT_EQ(missed.size(), 2u);

  std::unique_ptr<Watch> resumed = Open(received.back().cursor());
  const std::vector<v1::WatchEvent> caught_up = resumed->Next(2);
  EXPECT_THAT(Ids(caught_up), ElementsAreArray(missed));
  // Nothing else was pending: the next event is the next new article.
  const std::vector<std::string> last = Ingest({kLast});
  EXPECT_THAT(Ids(resumed->Next(1)), ElementsAreArray(last));
  resumed->context.TryCancel();
  resumed->reader->Finish();

  // korpusctl watch: one line per document, "ID\tTITLE\tcursor=C"; the
  // cursor of a line resumes after it.
  const std::vector<std::string> lines = Korpusctl("watch Leuchtturm --count=3");
  ASSERT_EQ(lines.size(), 3u);
  std::vector<std::string> ids;
  for (const std::string& line : lines) {
    std::vector<std::string> fields = absl::StrSplit(line, '\t');
    ASSERT_EQ(fields.size(), 3u) << line;
    ids.push_back(fields[0]);
  }
  EXPECT_THAT(ids, ElementsAre(first[0], first[1], missed[0]));
  const std::vector<std::string> second = absl::StrSplit(lines[1], '\t');
  const std::string cursor(absl::StripPrefix(second.back(), "cursor="));
  const std::vector<std::string> rest =
      Korpusctl(absl::StrCat("watch Leuchtturm --count=3 --cursor=", cursor));
  ASSERT_EQ(rest.size(), 3u);
  EXPECT_TRUE(absl::StartsWith(rest[0], missed[0] + "\t")) << rest[0];
  EXPECT_TRUE(absl::StartsWith(rest[1], missed[1] + "\t")) << rest[1];
  EXPECT_TRUE(absl::StartsWith(rest[2], last[0] + "\t")) << rest[2];

  // start_from_now: only what comes after.
  std::unique_ptr<Watch> from_now = Open("", /*from_now=*/true);
  const std::vector<std::string> later = Ingest({{"Leuchtturm im Nebel",
                                                  "Bei dichtem Nebel war der Leuchtturm "
                                                  "kaum zu sehen. Die Fähren fuhren langsam.",
                                                  true}});
  EXPECT_THAT(Ids(from_now->Next(1)), ElementsAreArray(later));
  from_now->context.TryCancel();
  from_now->reader->Finish();
}

TEST_F(WatchEndToEndTest, RejectsBadRequestsAndWatchesBeyondTheLimit) {
  {
    std::unique_ptr<Watch> bad = Open("kein-cursor");
    EXPECT_TRUE(bad->Next(1).empty());
    EXPECT_EQ(bad->reader->Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  }
  // Four watches open, the limit; those of the test before may still be
  // leaving.
  std::vector<std::unique_ptr<Watch>> running;
  for (int i = 0; i < 4; ++i) {
    running.push_back(OpenRunning());
    ASSERT_NE(running.back(), nullptr);
  }
  std::unique_ptr<Watch> fifth = Open("");
  EXPECT_TRUE(fifth->Next(1).empty());
  EXPECT_EQ(fifth->reader->Finish().error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  for (const std::unique_ptr<Watch>& watch : running) {
    watch->context.TryCancel();
    watch->reader->Finish();
  }
}

// Last: it stops the gateway.
TEST_F(WatchEndToEndTest, SigtermEndsOpenWatchesAtOnce) {
  // Running, and it has delivered the six matching articles of the tests
  // before.
  std::unique_ptr<Watch> watch = OpenRunning();
  ASSERT_NE(watch, nullptr);
  ASSERT_EQ(watch->Next(5).size(), 5u);
  // SIGTERM: the watch ends at once, cleanly (OK: resume with the last
  // cursor), well within the gateway's 10 s drain; then the gateway exits.
  // The client reads meanwhile, as a watching client does.
  const absl::Time start = absl::Now();
  ASSERT_EQ(kill(cluster_->gateway().pid(), SIGTERM), 0);
  EXPECT_TRUE(watch->Next(1).empty());
  EXPECT_TRUE(watch->reader->Finish().ok());
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
  // Its connection closed, nothing keeps the gateway's drain waiting.
  watch.reset();
  EXPECT_TRUE(cluster_->gateway().Stop(SIGTERM).ok());
}

}  // namespace
}  // namespace korpus
