// Deleting and re-annotating through the real binaries (docs/RELIABILITY.md):
// a deleted article disappears from search, entities, stories, quotes and
// the timeline; re-annotated articles (all, by id, by query) go PENDING, the gateway's reconciler
// annotates them again, and the corpus-wide figures come back as they were
// (nothing counted twice). korpusctl drives both commands once.
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "libs/clients/channel.h"
#include "libs/clients/corpus_client.h"
#include "tests/testing/korpus_cluster.h"

namespace korpus {
namespace {

// Invented reports: two of one event (a bridge opening in Magdeburg), one
// of another (a strike in Dresden), and the one to delete (a museum in
// Görlitz) whose names no other article mentions.
const char* const kArticles[] = {
    "Neue Elbbrücke in Magdeburg eröffnet\n\n"
    "Verkehrsminister Torsten Hallmann hat am Freitag in Magdeburg die neue Elbbrücke "
    "eröffnet. \"Diese Brücke verbindet die Stadt mit ihrer Zukunft\", sagte Hallmann bei "
    "der Feier. Der Bau hat vier Jahre gedauert und 120 Millionen Euro gekostet.",
    "Magdeburg feiert die neue Elbbrücke\n\n"
    "Tausende Menschen kamen am Freitag zur Eröffnung der Elbbrücke in Magdeburg. "
    "Verkehrsminister Torsten Hallmann sprach von einem großen Tag für die Region. \"Diese "
    "Brücke verbindet die Stadt mit ihrer Zukunft\", sagte Hallmann.",
    "Streik bei den Verkehrsbetrieben in Dresden\n\n"
    "In Dresden fahren seit Montag keine Straßenbahnen. Die Gewerkschaft fordert mehr Lohn "
    "für die Fahrer. \"Wir streiken, bis ein Angebot auf dem Tisch liegt\", sagte "
    "Gewerkschaftssprecherin Ilka Brenner am Montag.",
    "Museum in Görlitz zeigt Schätze der Oberlausitz\n\n"
    "Das Kulturhistorische Museum in Görlitz zeigt ab Sonntag eine neue Ausstellung. "
    "Museumsdirektorin Wiebke Sandrock sagte: \"Wir zeigen Stücke, die noch nie zu sehen "
    "waren.\" Die Schau läuft bis zum 30. November 2025.",
};
constexpr int kDeleted = 3;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class AdminEndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<testing::KorpusCluster>> cluster =
        testing::KorpusCluster::Start(
            {.work_dir = work_dir_.path(),
             .gateway_args = {"--reconcile_interval=100ms", "--reconcile_min_age=0s"}});
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    cluster_ = *std::move(cluster);
    client_ = std::make_unique<CorpusClient>(MakeChannel(cluster_->gateway_address()));
  }

  CallOptions Call() const { return {.timeout = absl::Seconds(30)}; }

  // Runs korpusctl with `args` against the cluster; its exit code, and its
  // output in *out.
  int Korpusctl(const std::string& args, std::string* out) {
    const std::string path = absl::StrCat(work_dir_.path(), "/korpusctl.out");
    const std::string command =
        absl::StrCat("'", testing::DefaultBuildPaths().korpusctl,
                     "' --gateway=", cluster_->gateway_address(), " ", args, " >'", path,
                     "' 2>&1");
    const int status = std::system(command.c_str());
    *out = ReadFile(path);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::vector<v1::Document> List(v1::DocumentState state) {
    v1::ListDocumentsRequest request;
    request.set_page_size(1000);
    request.set_state(state);
    absl::StatusOr<v1::ListDocumentsResponse> page = client_->ListDocuments(request, Call());
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok()) return {};
    return {page->documents().begin(), page->documents().end()};
  }

  // What the corpus-wide queries report, without ingestion times or ids
  // that depend on order: entity figures, quotes, stories, timeline.
  std::string Figures() {
    std::string out;
    v1::ListEntitiesRequest entities;
    entities.set_page_size(1000);
    absl::StatusOr<v1::ListEntitiesResponse> listed = client_->ListEntities(entities, Call());
    EXPECT_TRUE(listed.ok()) << listed.status();
    if (listed.ok()) {
      for (const v1::Entity& e : listed->entities()) {
        absl::StrAppend(&out, e.entity_id(), " '", e.canonical_name(), "' ", e.document_count(),
                        " docs ", e.mention_count(), " mentions\n");
      }
    }
    absl::StatusOr<v1::ListQuotesResponse> quotes = client_->ListQuotes({}, Call());
    EXPECT_TRUE(quotes.ok()) << quotes.status();
    if (quotes.ok()) absl::StrAppend(&out, "quotes ", quotes->total_size(), "\n");
    absl::StatusOr<v1::ListStoriesResponse> stories = client_->ListStories({}, Call());
    EXPECT_TRUE(stories.ok()) << stories.status();
    if (stories.ok()) {
      for (const v1::Story& story : stories->stories()) {
        absl::StrAppend(&out, "story of ", story.document_count(), "\n");
      }
    }
    v1::GetTimelineRequest timeline;
    timeline.set_include_unresolved(true);
    absl::StatusOr<v1::GetTimelineResponse> events = client_->GetTimeline(timeline, Call());
    EXPECT_TRUE(events.ok()) << events.status();
    if (events.ok()) absl::StrAppend(&out, "events ", events->events_size(), "\n");
    absl::StatusOr<v1::CorpusStats> stats = client_->GetStats(Call());
    EXPECT_TRUE(stats.ok()) << stats.status();
    if (stats.ok()) {
      absl::StrAppend(&out, "documents ", stats->document_count(), " annotated ",
                      stats->annotated_count(), " sentences ", stats->sentence_count(),
                      " tokens ", stats->token_count(), " entities ", stats->entity_count(),
                      "\n");
    }
    return out;
  }

  testing::TempDir work_dir_;
  std::unique_ptr<testing::KorpusCluster> cluster_;
  std::unique_ptr<CorpusClient> client_;
};

TEST_F(AdminEndToEndTest, DeleteRemovesEverythingAndReannotateCountsNothingTwice) {
  v1::IngestDocumentsRequest ingest;
  for (const char* text : kArticles) {
    v1::RawArticle* article = ingest.add_articles();
    article->set_content(text);
    article->mutable_published_at()->set_seconds(1748592000);  // 2025-05-30
  }
  absl::StatusOr<v1::IngestDocumentsResponse> ingested = client_->IngestDocuments(ingest, Call());
  ASSERT_TRUE(ingested.ok()) << ingested.status();
  ASSERT_EQ(ingested->created_count(), 4);
  std::vector<std::string> ids;
  for (const v1::IngestResult& result : ingested->results()) {
    ASSERT_EQ(result.state(), v1::DOCUMENT_STATE_ANNOTATED) << result.DebugString();
    ids.push_back(result.document_id());
  }
  const std::string deleted_id = ids[kDeleted];

  // What the article to delete left in the corpus.
  v1::GetDocumentRequest get;
  get.set_id(deleted_id);
  absl::StatusOr<v1::Document> document = client_->GetDocument(get, Call());
  ASSERT_TRUE(document.ok()) << document.status();
  const v1::Annotations& annotations = document->annotations();
  ASSERT_FALSE(annotations.entities().empty());
  ASSERT_FALSE(annotations.quotes().empty());
  const std::string story_id = annotations.story_id();
  ASSERT_FALSE(story_id.empty());
  std::vector<std::string> own_entities;  // mentioned by no other article
  for (const v1::DocumentEntity& entity : annotations.entities()) {
    v1::GetEntityRequest request;
    request.set_entity_id(entity.entity_id());
    absl::StatusOr<v1::Entity> found = client_->GetEntity(request, Call());
    ASSERT_TRUE(found.ok()) << found.status();
    if (found->document_count() == 1) own_entities.push_back(entity.entity_id());
  }
  ASSERT_FALSE(own_entities.empty());
  v1::SearchRequest search;
  search.set_query("Oberlausitz");
  absl::StatusOr<v1::SearchResponse> hits = client_->Search(search, Call());
  ASSERT_TRUE(hits.ok()) << hits.status();
  ASSERT_EQ(hits->total_size(), 1);

  // Deleted with korpusctl; a second time NOT_FOUND (exit code 1).
  std::string out;
  ASSERT_EQ(Korpusctl(absl::StrCat("delete ", deleted_id), &out), 0) << out;
  EXPECT_NE(out.find("deleted"), std::string::npos) << out;
  EXPECT_EQ(Korpusctl(absl::StrCat("delete ", deleted_id), &out), 1) << out;
  EXPECT_NE(out.find("NOT_FOUND"), std::string::npos) << out;
  v1::DeleteDocumentRequest again;
  again.set_id(deleted_id);
  EXPECT_EQ(client_->DeleteDocument(again, Call()).status().code(),
            absl::StatusCode::kNotFound);

  EXPECT_EQ(client_->GetDocument(get, Call()).status().code(), absl::StatusCode::kNotFound);
  hits = client_->Search(search, Call());
  ASSERT_TRUE(hits.ok()) << hits.status();
  EXPECT_EQ(hits->total_size(), 0);
  for (const std::string& entity_id : own_entities) {
    v1::GetEntityRequest request;
    request.set_entity_id(entity_id);
    EXPECT_EQ(client_->GetEntity(request, Call()).status().code(), absl::StatusCode::kNotFound)
        << entity_id;
  }
  v1::ListQuotesRequest quotes;
  quotes.set_document_id(deleted_id);
  absl::StatusOr<v1::ListQuotesResponse> quoted = client_->ListQuotes(quotes, Call());
  ASSERT_TRUE(quoted.ok()) << quoted.status();
  EXPECT_EQ(quoted->total_size(), 0);
  v1::GetTimelineRequest timeline;
  timeline.set_document_id(deleted_id);
  timeline.set_include_unresolved(true);
  absl::StatusOr<v1::GetTimelineResponse> events = client_->GetTimeline(timeline, Call());
  ASSERT_TRUE(events.ok()) << events.status();
  EXPECT_EQ(events->events_size(), 0);
  v1::GetStoryRequest story;
  story.set_story_id(story_id);
  absl::StatusOr<v1::Story> left = client_->GetStory(story, Call());
  if (left.ok()) {
    for (const v1::StoryDocument& member : left->documents()) {
      EXPECT_NE(member.document_id(), deleted_id);
    }
  } else {
    EXPECT_EQ(left.status().code(), absl::StatusCode::kNotFound) << left.status();
  }

  // Re-annotated with korpusctl: all three queued, annotated again by the
  // reconciler (polled with a deadline), with the same figures as before.
  const std::string before = Figures();
  ASSERT_EQ(Korpusctl("reannotate --all --json", &out), 0) << out;
  EXPECT_NE(out.find("\"queued_count\":\"3\""), std::string::npos) << out;
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  std::vector<v1::Document> pending = List(v1::DOCUMENT_STATE_PENDING);
  while (!pending.empty() && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(100));  // polling interval, bounded by the deadline
    pending = List(v1::DOCUMENT_STATE_PENDING);
  }
  ASSERT_TRUE(pending.empty()) << pending.size() << " documents still pending";
  const std::vector<v1::Document> annotated = List(v1::DOCUMENT_STATE_ANNOTATED);
  EXPECT_EQ(annotated.size(), 3u);
  EXPECT_EQ(Figures(), before);

  // A selection: one id, by the typed client.
  v1::ReannotateDocumentsRequest one;
  one.add_ids(ids[0]);
  absl::StatusOr<v1::ReannotateDocumentsResponse> queued =
      client_->ReannotateDocuments(one, Call());
  ASSERT_TRUE(queued.ok()) << queued.status();
  EXPECT_EQ(queued->queued_count(), 1);
  EXPECT_EQ(Korpusctl("reannotate", &out), 2) << out;  // no selection: usage
  ASSERT_EQ(Korpusctl("reannotate --json --query=Straßenbahnen", &out), 0) << out;
  EXPECT_NE(out.find("\"queued_count\":\"1\""), std::string::npos) << out;
  one.add_ids(deleted_id);
  EXPECT_EQ(client_->ReannotateDocuments(one, Call()).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace korpus
