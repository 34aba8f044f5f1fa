// End to end: the extraction layers over the four real binaries. A cluster
// (SQLite) ingests the five seed articles as `make run` does; then (issue 5,
// "what it must show" 2): the seed quotes are listed with their speakers,
// among them one by Donald Trump and one attributed to Nvidia through "ein
// Sprecher von Nvidia"; the comment widgets under the articles appear in no
// annotated text; the amounts include 5e11 USD and 1e12 USD. Also: keywords
// are stored, GetTimeline lists the seeds' dates, and korpusctl's quotes and
// timeline commands print them.
//
// The seed texts are read from seeds/ (never copied here); the speakers are
// what the NER model finds there, so a retrained model that loses them
// fails this test on purpose.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/clients/corpus_client.h"
#include "tests/testing/korpus_cluster.h"

namespace korpus {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

class ExtractionEndToEndTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    absl::StatusOr<std::unique_ptr<testing::KorpusCluster>> cluster =
        testing::KorpusCluster::Start({.work_dir = dir_->path()});
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    cluster_ = cluster->release();
    client_ = new CorpusClient(MakeChannel(cluster_->gateway_address()));

    std::vector<std::string> seeds;
    for (const auto& entry :
         std::filesystem::directory_iterator(testing::DefaultBuildPaths().seeds_dir)) {
      if (entry.path().extension() == ".txt") seeds.push_back(entry.path().string());
    }
    std::sort(seeds.begin(), seeds.end());
    ASSERT_EQ(seeds.size(), 5u);
    // One at a time, in file order, as `make run` ingests them.
    for (const std::string& path : seeds) {
      v1::IngestDocumentsRequest request;
      v1::RawArticle* article = request.add_articles();
      article->set_content(ReadFile(path));
      article->set_format(v1::CONTENT_FORMAT_TEXT);
      absl::StatusOr<v1::IngestDocumentsResponse> response =
          client_->IngestDocuments(request, Call());
      ASSERT_TRUE(response.ok()) << response.status();
      ASSERT_EQ(response->created_count(), 1) << path;
    }
  }
  static void TearDownTestSuite() {
    delete client_;
    delete cluster_;
    delete dir_;
  }

  void SetUp() override { ASSERT_NE(cluster_, nullptr); }

  static CallOptions Call() { return CallOptions{.timeout = absl::Seconds(60)}; }

  // Every stored document in the full view.
  std::vector<v1::Document> AllDocuments() {
    v1::ListDocumentsRequest request;
    request.set_view(v1::DOCUMENT_VIEW_FULL);
    absl::StatusOr<v1::ListDocumentsResponse> page = client_->ListDocuments(request, Call());
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok()) return {};
    return {page->documents().begin(), page->documents().end()};
  }

  std::vector<v1::QuoteRecord> AllQuotes(v1::ListQuotesRequest request) {
    std::vector<v1::QuoteRecord> quotes;
    request.set_page_size(7);
    do {
      absl::StatusOr<v1::ListQuotesResponse> page = client_->ListQuotes(request, Call());
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      quotes.insert(quotes.end(), page->quotes().begin(), page->quotes().end());
      request.set_page_token(page->next_page_token());
    } while (!request.page_token().empty());
    return quotes;
  }

  // Runs korpusctl against the cluster with `args`; its stdout.
  std::string Korpusctl(const std::string& args) {
    const std::string out = absl::StrCat(dir_->path(), "/korpusctl.out");
    const std::string command =
        absl::StrCat("'", testing::DefaultBuildPaths().korpusctl, "' --gateway=",
                     cluster_->gateway_address(), " ", args, " >'", out, "' 2>&1");
    const int status = std::system(command.c_str());
    EXPECT_EQ(status, 0) << command << "\n" << ReadFile(out);
    return ReadFile(out);
  }

  static testing::TempDir* dir_;
  static testing::KorpusCluster* cluster_;
  static CorpusClient* client_;
};

testing::TempDir* ExtractionEndToEndTest::dir_ = nullptr;
testing::KorpusCluster* ExtractionEndToEndTest::cluster_ = nullptr;
CorpusClient* ExtractionEndToEndTest::client_ = nullptr;

TEST_F(ExtractionEndToEndTest, SeedQuotesAreListedWithTheirSpeakers) {
  const std::vector<v1::QuoteRecord> quotes = AllQuotes({});
  ASSERT_GE(quotes.size(), 8u);
  const v1::QuoteRecord* trump = nullptr;
  const v1::QuoteRecord* nvidia = nullptr;
  int with_speaker = 0;
  for (const v1::QuoteRecord& quote : quotes) {
    EXPECT_NE(quote.quote().kind(), v1::QUOTE_KIND_TERM);  // terms only on request
    EXPECT_FALSE(quote.text().empty());
    EXPECT_THAT(quote.context(), HasSubstr(quote.text()));
    if (!quote.speaker_name().empty()) ++with_speaker;
    if (quote.speaker_name() == "Donald Trump" && trump == nullptr) trump = &quote;
    if (quote.speaker_name() == "Nvidia" &&
        quote.quote().speaker_resolution() == v1::SPEAKER_RESOLUTION_SPOKESPERSON) {
      nvidia = &quote;
    }
  }
  EXPECT_GE(with_speaker, 6);
  ASSERT_NE(trump, nullptr);
  EXPECT_FALSE(trump->quote().speaker_entity_id().empty());
  EXPECT_EQ(trump->speaker_type(), v1::ENTITY_TYPE_PERSON);
  ASSERT_NE(nvidia, nullptr);
  EXPECT_FALSE(nvidia->quote().speaker_entity_id().empty());

  // By speaker: exactly the quotes the full listing attributes to him.
  v1::ListQuotesRequest by_speaker;
  by_speaker.set_speaker_entity_id(trump->quote().speaker_entity_id());
  int trump_quotes = 0;
  for (const v1::QuoteRecord& quote : quotes) {
    trump_quotes += quote.quote().speaker_entity_id() == trump->quote().speaker_entity_id();
  }
  const std::vector<v1::QuoteRecord> his = AllQuotes(by_speaker);
  EXPECT_EQ(static_cast<int>(his.size()), trump_quotes);
  for (const v1::QuoteRecord& quote : his) EXPECT_EQ(quote.speaker_name(), "Donald Trump");

  // Quoted terms come with include_terms.
  v1::ListQuotesRequest with_terms;
  with_terms.set_include_terms(true);
  EXPECT_GT(AllQuotes(with_terms).size(), quotes.size());
}

TEST_F(ExtractionEndToEndTest, CommentWidgetsAppearInNoAnnotatedText) {
  const std::vector<v1::Document> documents = AllDocuments();
  ASSERT_EQ(documents.size(), 5u);
  int removed_widgets = 0;
  for (const v1::Document& document : documents) {
    EXPECT_THAT(document.text(), Not(HasSubstr("Schreibe einen Kommentar"))) << document.id();
    EXPECT_THAT(document.text(), Not(HasSubstr("Deine E-Mail-Adresse wird nicht veröffentlicht")))
        << document.id();
    for (const v1::Token& token : document.annotations().tokens()) {
      EXPECT_NE(token.text(), "Kommentar") << document.id();
    }
    // Kept with the raw record, not thrown away.
    for (const auto& removed : document.removed()) {
      removed_widgets += absl::StrContains(removed.text(), "Schreibe einen Kommentar");
    }
  }
  EXPECT_GE(removed_widgets, 1);
  for (const v1::QuoteRecord& quote : AllQuotes({})) {
    EXPECT_THAT(quote.context(), Not(HasSubstr("Kommentar")));
  }
}

TEST_F(ExtractionEndToEndTest, AmountsIncludeHalfATrillionAndATrillionDollars) {
  std::set<double> dollars;
  int amounts = 0;
  for (const v1::Document& document : AllDocuments()) {
    for (const v1::Amount& amount : document.annotations().amounts()) {
      ++amounts;
      EXPECT_LE(amount.begin(), amount.end());
      if (amount.unit() == v1::AMOUNT_UNIT_CURRENCY && amount.currency() == "USD") {
        dollars.insert(amount.value());
      }
    }
  }
  EXPECT_GE(amounts, 5);
  EXPECT_EQ(dollars.count(5e11), 1u) << ::testing::PrintToString(dollars);
  EXPECT_EQ(dollars.count(1e12), 1u) << ::testing::PrintToString(dollars);
}

TEST_F(ExtractionEndToEndTest, KeywordsSentimentAndTimelineAreStored) {
  int timeline_dates = 0;
  for (const v1::Document& document : AllDocuments()) {
    const v1::Annotations& annotations = document.annotations();
    EXPECT_FALSE(annotations.terms().empty()) << document.id();
    ASSERT_FALSE(annotations.keywords().empty()) << document.id();
    for (int i = 1; i < annotations.keywords_size(); ++i) {
      EXPECT_GE(annotations.keywords(i - 1).score(), annotations.keywords(i).score());
    }
    EXPECT_GT(annotations.sentiment().polar_words(), 0) << document.id();
    EXPECT_GT(annotations.sentiment().magnitude(), 0) << document.id();
    for (const v1::Sentence& sentence : annotations.sentences()) {
      EXPECT_TRUE(sentence.has_sentiment());
    }
    for (const v1::DateMention& date : annotations.dates()) {
      timeline_dates += date.resolved();
    }
  }
  // The seeds carry no publication date: relative dates stay unresolved,
  // the absolute ones ("im Jahr 2022", "2. Februar 2025") are on the
  // timeline.
  v1::GetTimelineRequest request;
  request.set_page_size(1000);
  absl::StatusOr<v1::GetTimelineResponse> timeline = client_->GetTimeline(request, Call());
  ASSERT_TRUE(timeline.ok()) << timeline.status();
  EXPECT_EQ(timeline->total_size(), timeline_dates);
  ASSERT_GT(timeline->events_size(), 0);
  for (const v1::TimelineEvent& event : timeline->events()) {
    EXPECT_TRUE(event.date().resolved());
    EXPECT_THAT(event.sentence(), HasSubstr(event.text()));
  }
  request.set_include_unresolved(true);
  absl::StatusOr<v1::GetTimelineResponse> all = client_->GetTimeline(request, Call());
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_GT(all->total_size(), timeline->total_size());
  EXPECT_FALSE(all->events(all->events_size() - 1).date().resolved());
}

TEST_F(ExtractionEndToEndTest, KorpusctlListsQuotesAndTheTimeline) {
  const std::string quotes = Korpusctl("quotes --text=Treffen");
  EXPECT_THAT(quotes, HasSubstr("Donald Trump"));
  EXPECT_THAT(quotes, HasSubstr("Treffen"));
  const std::string json = Korpusctl("quotes --json --page_size=2");
  EXPECT_THAT(json, HasSubstr("\"speaker_name\""));
  EXPECT_THAT(json, HasSubstr("\"next_page_token\""));
  const std::string timeline = Korpusctl("timeline --from=2022 --to=2022-12-31");
  EXPECT_THAT(timeline, HasSubstr("2022-01-01..2022-12-31"));
  EXPECT_THAT(timeline, Not(HasSubstr("2023-01-01")));
  const std::string bad = absl::StrCat(dir_->path(), "/bad.out");
  const int status = std::system(absl::StrCat("'", testing::DefaultBuildPaths().korpusctl,
                                              "' --gateway=", cluster_->gateway_address(),
                                              " timeline --from=2022-13 >'", bad, "' 2>&1")
                                     .c_str());
  EXPECT_NE(status, 0);
  EXPECT_THAT(ReadFile(bad), HasSubstr("GetTimelineRequest.from"));
}

}  // namespace
}  // namespace korpus
