// End to end: stories over the four real binaries. A cluster (SQLite)
// ingests the five seed articles one by one, in file order, as `make run`
// does: the two reports of the Trump-Huang meeting (seeds 000 and 001) must
// form one story that none of the other three joins. Then three articles
// written for this test, published in June 2024 (so the seeds, stored now,
// are outside their time window): two outlets' reports of one plant
// closure, sharing the company's statement, and a report of the same
// company's figures two days later, which must start its own story.
// ListStories, GetStory, Annotations.story_id and korpusctl must agree.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/clients/corpus_client.h"
#include "tests/testing/korpus_cluster.h"

namespace korpus {
namespace {

using ::testing::HasSubstr;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

// Invented: the company, people and figures are fictional.
const char kClosureA[] =
    "Lumatec schließt Werk in Gera\n\n"
    "Der Leuchtenhersteller Lumatec will sein Werk in Gera bis Ende 2025 schließen. Betroffen "
    "sind 640 Beschäftigte. Vorstandschefin Sabine Kroll begründete den Schritt am Montag mit "
    "den hohen Energiekosten. „Wir haben alle Alternativen geprüft“, sagte Kroll. Die IG Metall "
    "kündigte Proteste an.";
const char kClosureB[] =
    "Aus für Lumatec-Werk in Gera: 640 Stellen fallen weg\n\n"
    "Die Lumatec AG gibt ihren Standort in Gera auf. Bis Ende 2025 sollen die 640 Arbeitsplätze "
    "wegfallen, wie Vorstandschefin Sabine Kroll am Montag mitteilte. „Wir haben alle "
    "Alternativen geprüft“, sagte Kroll. Thüringens Wirtschaftsminister will mit dem Vorstand "
    "über den Erhalt der Arbeitsplätze sprechen.";
const char kFigures[] =
    "Lumatec mit Verlust im ersten Halbjahr\n\n"
    "Der Leuchtenhersteller Lumatec hat im ersten Halbjahr einen Verlust von 31 Millionen Euro "
    "gemacht. Der Umsatz sank um zwölf Prozent. Sabine Kroll kündigte bei der Vorlage der Zahlen "
    "in Frankfurt ein Sparprogramm an. Die Aktie verlor am Mittwoch fünf Prozent.";

class StoriesEndToEndTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    absl::StatusOr<std::unique_ptr<testing::KorpusCluster>> cluster =
        testing::KorpusCluster::Start({.work_dir = dir_->path()});
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    cluster_ = cluster->release();
    client_ = new CorpusClient(MakeChannel(cluster_->gateway_address()));
    seed_ids_ = new std::vector<std::string>();
    invented_ids_ = new std::vector<std::string>();

    std::vector<std::filesystem::path> seeds;
    for (const auto& entry :
         std::filesystem::directory_iterator(testing::DefaultBuildPaths().seeds_dir)) {
      if (entry.path().extension() == ".txt") seeds.push_back(entry.path());
    }
    std::sort(seeds.begin(), seeds.end());
    ASSERT_EQ(seeds.size(), 5u);
    for (const std::filesystem::path& seed : seeds) {
      v1::RawArticle article;
      article.set_content(ReadFile(seed.string()));
      article.set_format(v1::CONTENT_FORMAT_TEXT);
      article.set_source_uri("seeds/" + seed.filename().string());
      seed_ids_->push_back(Ingest(article));
    }
    // Monday 3 June 2024, the next day, and Wednesday 5 June.
    const int64_t june3 = absl::ToUnixSeconds(
        absl::FromCivil(absl::CivilSecond(2024, 6, 3, 9, 0, 0), absl::UTCTimeZone()));
    const std::pair<const char*, int64_t> invented[] = {
        {kClosureA, june3}, {kClosureB, june3 + 86400}, {kFigures, june3 + 2 * 86400}};
    for (const auto& [text, published] : invented) {
      v1::RawArticle article;
      article.set_content(text);
      article.set_format(v1::CONTENT_FORMAT_TEXT);
      article.mutable_published_at()->set_seconds(published);
      invented_ids_->push_back(Ingest(article));
    }
  }
  static void TearDownTestSuite() {
    delete client_;
    delete cluster_;
    delete dir_;
    delete seed_ids_;
    delete invented_ids_;
  }

  void SetUp() override {
    ASSERT_NE(cluster_, nullptr);
    ASSERT_EQ(seed_ids_->size(), 5u);
    ASSERT_EQ(invented_ids_->size(), 3u);
  }

  static CallOptions Call() { return CallOptions{.timeout = absl::Seconds(60)}; }

  // One article per call, so that storage sees them in this order.
  static std::string Ingest(const v1::RawArticle& article) {
    v1::IngestDocumentsRequest request;
    *request.add_articles() = article;
    absl::StatusOr<v1::IngestDocumentsResponse> response =
        client_->IngestDocuments(request, Call());
    EXPECT_TRUE(response.ok()) << response.status();
    if (!response.ok() || response->results_size() != 1) return "";
    EXPECT_EQ(response->created_count(), 1) << response->ShortDebugString();
    return response->results(0).document_id();
  }

  static std::string StoryOf(const std::string& document_id) {
    v1::GetDocumentRequest request;
    request.set_id(document_id);
    request.set_view(v1::DOCUMENT_VIEW_FULL);
    absl::StatusOr<v1::Document> document = client_->GetDocument(request, Call());
    EXPECT_TRUE(document.ok()) << document.status();
    return document.ok() ? document->annotations().story_id() : "";
  }

  static v1::Story GetStory(const std::string& story_id) {
    v1::GetStoryRequest request;
    request.set_story_id(story_id);
    absl::StatusOr<v1::Story> story = client_->GetStory(request, Call());
    EXPECT_TRUE(story.ok()) << story.status();
    return story.ok() ? *story : v1::Story();
  }

  static std::vector<std::string> DocumentIds(const v1::Story& story) {
    std::vector<std::string> ids;
    for (const v1::StoryDocument& document : story.documents()) ids.push_back(document.document_id());
    return ids;
  }

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
  static std::vector<std::string>* seed_ids_;
  static std::vector<std::string>* invented_ids_;
};

testing::TempDir* StoriesEndToEndTest::dir_ = nullptr;
testing::KorpusCluster* StoriesEndToEndTest::cluster_ = nullptr;
CorpusClient* StoriesEndToEndTest::client_ = nullptr;
std::vector<std::string>* StoriesEndToEndTest::seed_ids_ = nullptr;
std::vector<std::string>* StoriesEndToEndTest::invented_ids_ = nullptr;

TEST_F(StoriesEndToEndTest, TheTwoSeedReportsOfTheMeetingFormOneStoryTheOthersNot) {
  const std::vector<std::string>& seeds = *seed_ids_;
  const std::string meeting = StoryOf(seeds[0]);
  ASSERT_FALSE(meeting.empty());
  EXPECT_EQ(StoryOf(seeds[1]), meeting);
  for (int k = 2; k < 5; ++k) EXPECT_NE(StoryOf(seeds[k]), meeting) << "seed " << k;

  const v1::Story story = GetStory(meeting);
  EXPECT_EQ(story.document_count(), 2);
  EXPECT_THAT(DocumentIds(story), ::testing::ElementsAre(seeds[0], seeds[1]));
  EXPECT_FALSE(story.label().empty());
  EXPECT_FALSE(story.main_entities().empty());

  // ListStories with min_documents=2 over the seeds: that story only (the
  // invented pair is another story with two documents).
  v1::ListStoriesRequest request;
  request.set_min_documents(2);
  absl::StatusOr<v1::ListStoriesResponse> list = client_->ListStories(request, Call());
  ASSERT_TRUE(list.ok()) << list.status();
  std::vector<std::string> listed;
  for (const v1::Story& s : list->stories()) {
    const std::vector<std::string> ids = DocumentIds(s);
    for (int k = 0; k < 5; ++k) {
      if (std::find(ids.begin(), ids.end(), seeds[k]) != ids.end()) listed.push_back(s.story_id());
    }
  }
  EXPECT_THAT(listed, ::testing::ElementsAre(meeting, meeting));
}

TEST_F(StoriesEndToEndTest, InventedReportsOfOneClosureFormOneStoryTheFiguresTheirOwn) {
  const std::vector<std::string>& ids = *invented_ids_;
  const std::string closure = StoryOf(ids[0]);
  ASSERT_FALSE(closure.empty());
  EXPECT_EQ(StoryOf(ids[1]), closure);
  EXPECT_NE(StoryOf(ids[2]), closure);
  const v1::Story story = GetStory(closure);
  EXPECT_THAT(DocumentIds(story), ::testing::ElementsAre(ids[0], ids[1]));
  ASSERT_EQ(story.documents_size(), 2);
  EXPECT_EQ(story.documents(0).similarity(), 1.0);
  EXPECT_GE(story.documents(1).similarity(), 0.5);
  EXPECT_EQ(story.first_seen().seconds(), story.documents(0).published_at().seconds());
  EXPECT_EQ(story.last_seen().seconds(), story.documents(1).published_at().seconds());
}

TEST_F(StoriesEndToEndTest, EveryDocumentHasAStoryAndListStoriesCountsThem) {
  absl::StatusOr<v1::ListStoriesResponse> list = client_->ListStories({}, Call());
  ASSERT_TRUE(list.ok()) << list.status();
  int documents = 0;
  for (const v1::Story& story : list->stories()) documents += story.document_count();
  EXPECT_EQ(documents, 8);
  EXPECT_EQ(list->total_size(), list->stories_size());
  // Most recently active first: the seeds (stored now), then the figures
  // (5 June), then the closure (last article 4 June).
  ASSERT_GE(list->stories_size(), 2);
  EXPECT_EQ(list->stories(list->stories_size() - 1).story_id(), StoryOf((*invented_ids_)[0]));
  EXPECT_EQ(list->stories(list->stories_size() - 2).story_id(), StoryOf((*invented_ids_)[2]));
}

TEST_F(StoriesEndToEndTest, Errors) {
  v1::GetStoryRequest get;
  get.set_story_id("s000000000000000000000000");
  EXPECT_EQ(client_->GetStory(get, Call()).status().code(), absl::StatusCode::kNotFound);
  get.clear_story_id();
  EXPECT_EQ(client_->GetStory(get, Call()).status().code(), absl::StatusCode::kInvalidArgument);
  v1::ListStoriesRequest list;
  list.set_page_size(5000);
  EXPECT_EQ(client_->ListStories(list, Call()).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(StoriesEndToEndTest, Korpusctl) {
  const std::string meeting = StoryOf((*seed_ids_)[0]);
  const std::string stories = Korpusctl("stories --min_documents=2");
  EXPECT_THAT(stories, HasSubstr("2 stories"));
  EXPECT_THAT(stories, HasSubstr(meeting));
  const std::string story = Korpusctl(absl::StrCat("story ", meeting));
  EXPECT_THAT(story, HasSubstr((*seed_ids_)[0]));
  EXPECT_THAT(story, HasSubstr((*seed_ids_)[1]));
  const std::string json = Korpusctl(absl::StrCat("--json story ", meeting));
  EXPECT_THAT(json, HasSubstr(absl::StrCat("\"story_id\":\"", meeting, "\"")));
}

}  // namespace
}  // namespace korpus
