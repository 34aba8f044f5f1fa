// The Delete and Reannotate part of the Store contract, run against every
// backend like store_contract_test.cc. The main check is an equivalence:
// a store that received documents and then lost some (deleted, or
// re-queued and annotated again) must answer every query -- entities with
// their counts, salience and names, quotes, timeline, stories, search,
// statistics, and the term frequencies a later document's keywords are
// weighted by -- exactly like a store that only ever received the rest.
// The annotations are made up from the text as in story_contract_test.cc
// (names are entities, other capitalised words lemma terms), with a quote
// and a dated day per document.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/store/store.h"
#include "tests/unit/store/store_backends.h"

namespace korpus::store {
namespace {

using ::testing::HasSubstr;

struct Name {
  std::string entity_id;
  std::string text;
  v1::EntityType type = v1::ENTITY_TYPE_PERSON;
};

const std::vector<Name> kNames = {
    {"e-brandauer", "Brandauer"},
    {"e-solberg", "Solberg"},
    {"e-ottsen", "Ottsen"},
    {"e-wehlitz", "Wehlitz"},
    {"e-kiel", "Kiel", v1::ENTITY_TYPE_LOCATION},
    {"e-bremen", "Bremen", v1::ENTITY_TYPE_LOCATION},
};

// ASCII only (byte offsets are code point offsets); sentences end with
// ". ", words are separated by single spaces.
const char kOpeningA[] =
    "Ministerin Brandauer eroeffnet Faehrhafen in Kiel. Brandauer weihte am Montag in Kiel mit "
    "Hafenchefin Solberg den neuen Faehrhafen ein. \"Kiel wird das Tor nach Skandinavien\" sagte "
    "Brandauer. Der Hafen kostete achtzig Millionen Euro.";
const char kOpeningB[] =
    "Brandauer gibt Faehrhafen in Kiel frei. In Kiel hat Brandauer am Montag mit Hafenkapitaen "
    "Ottsen den Faehrhafen eroeffnet. \"Kiel wird das Tor nach Skandinavien\" sagte die "
    "Ministerin. Ottsen erwartet mehr Faehren.";
const char kStorm[] =
    "Sturm legt Bahnverkehr in Bremen lahm. Umgestuerzte Baeume blockieren am Montag in Bremen "
    "die Gleise. \"Wir arbeiten die ganze Nacht\" sagte Bahnsprecher Wehlitz.";
const char kProbe[] =
    "Neue Faehren fuer Kiel bestellt. Die Reederei bestellt in Kiel zwei Faehren fuer die Route "
    "nach Skandinavien. Der Hafen rechnet mit mehr Verkehr.";

constexpr int64_t kMay6 = 1714982400;  // 2024-05-06 08:00 UTC, a Monday
constexpr int64_t kHour = 3600;

// An annotated document as an annotator with extraction would send it.
// `renamed` gives an entity another canonical name in this document (its
// name in the text becomes an alias).
v1::Document MakeDocument(const std::string& id, const std::string& text, int64_t published,
                          const std::map<std::string, std::string>& renamed = {}) {
  v1::Document document;
  document.set_id(id);
  document.set_title(text.substr(0, text.find(". ")));
  document.set_text(text);
  document.set_language("de");
  document.mutable_published_at()->set_seconds(published);
  v1::Annotations* a = document.mutable_annotations();
  a->set_model_name("korpus-de");
  a->set_model_version("test");
  int sentence_begin = 0;
  int first_token = 0;
  int offset = 0;
  for (absl::string_view word : absl::StrSplit(text, ' ')) {
    std::string w(word);
    const int begin = offset;
    offset += static_cast<int>(word.size()) + 1;
    const bool sentence_end = !w.empty() && w.back() == '.';
    while (!w.empty() && (w.back() == '.' || w.back() == '"')) w.pop_back();
    int skip = 0;
    while (skip < static_cast<int>(w.size()) && w[skip] == '"') ++skip;
    w = w.substr(skip);
    if (!w.empty()) {
      v1::Token* token = a->add_tokens();
      token->set_begin(begin + skip);
      token->set_end(begin + skip + static_cast<int>(w.size()));
      token->set_kind(v1::TOKEN_KIND_WORD);
      token->set_text(w);
    }
    if (sentence_end || offset >= static_cast<int>(text.size())) {
      v1::Sentence* sentence = a->add_sentences();
      sentence->set_begin(sentence_begin);
      sentence->set_end(offset - 1);
      sentence->set_first_token(first_token);
      sentence->set_token_count(a->tokens_size() - first_token);
      sentence_begin = offset;
      first_token = a->tokens_size();
    }
  }
  std::vector<v1::Term> terms;
  const int title_end = a->sentences(0).end();
  for (int t = 0; t < a->tokens_size(); ++t) {
    const v1::Token& token = a->tokens(t);
    if (!absl::ascii_isupper(static_cast<unsigned char>(token.text()[0]))) continue;
    const Name* name = nullptr;
    for (const Name& n : kNames) {
      if (n.text == token.text()) name = &n;
    }
    const std::string key = name != nullptr ? absl::StrCat("e:", name->entity_id)
                                            : absl::AsciiStrToLower(token.text());
    v1::Term* term = nullptr;
    for (v1::Term& existing : terms) {
      if (existing.key() == key) term = &existing;
    }
    if (term == nullptr) {
      term = &terms.emplace_back();
      term->set_key(key);
      term->set_text(token.text());
      term->set_kind(name != nullptr ? v1::TERM_KIND_ENTITY : v1::TERM_KIND_LEMMA);
      term->set_begin(token.begin());
      term->set_end(token.end());
      if (name != nullptr) term->set_entity_id(name->entity_id);
    }
    term->set_count(term->count() + 1);
    if (token.begin() < title_end) term->set_in_title(true);
    if (name == nullptr) continue;
    v1::DocumentEntity* entity = nullptr;
    for (v1::DocumentEntity& e : *a->mutable_entities()) {
      if (e.entity_id() == name->entity_id) entity = &e;
    }
    if (entity == nullptr) {
      entity = a->add_entities();
      entity->set_entity_id(name->entity_id);
      const auto other = renamed.find(name->entity_id);
      if (other != renamed.end()) {
        entity->set_canonical_name(other->second);
        entity->add_aliases(name->text);
      } else {
        entity->set_canonical_name(name->text);
      }
      entity->set_type(name->type);
      // Per document, so that totals and maxima show what is left.
      entity->set_salience(0.25 + 0.01 * static_cast<double>(text.size() % 50));
    }
    v1::EntityMention* mention = entity->add_mentions();
    mention->set_begin(token.begin());
    mention->set_end(token.end());
    mention->set_first_token(t);
    mention->set_token_count(1);
    mention->set_text(token.text());
    mention->set_form(v1::MENTION_FORM_NAME);
  }
  for (v1::Term& term : terms) *a->add_terms() = std::move(term);
  const size_t open = text.find('"');
  if (open != std::string::npos) {
    v1::Quote* quote = a->add_quotes();
    quote->set_outer_begin(static_cast<int>(open));
    quote->set_begin(static_cast<int>(open) + 1);
    quote->set_end(static_cast<int>(text.find('"', open + 1)));
    quote->set_outer_end(quote->end() + 1);
    quote->set_kind(v1::QUOTE_KIND_DIRECT);
  }
  const size_t monday = text.find("am Montag");
  if (monday != std::string::npos) {
    v1::DateMention* date = a->add_dates();
    date->set_begin(static_cast<int>(monday));
    date->set_end(static_cast<int>(monday + 9));
    date->set_granularity(v1::DATE_GRANULARITY_DAY);
    date->set_relative(true);
    date->set_resolved(true);
    for (v1::CalendarDate* day : {date->mutable_start(), date->mutable_end_date()}) {
      day->set_year(2024);
      day->set_month(5);
      day->set_day(6);
    }
    date->set_weekday(1);
  }
  return document;
}

constexpr char kA[] = "d0000000000000000000000aa";
constexpr char kB[] = "d0000000000000000000000bb";
constexpr char kC[] = "d0000000000000000000000cc";
constexpr char kProbeId[] = "d0000000000000000000000dd";

class DeletionContractTest : public ::testing::TestWithParam<BackendFactory> {
 protected:
  void SetUp() override {
    for (auto* backend : {&backend_, &reference_backend_}) {
      *backend = GetParam().make();
      const absl::Status prepared = (*backend)->Prepare();
      ASSERT_TRUE(prepared.ok()) << prepared;
    }
    absl::StatusOr<std::unique_ptr<Store>> store = OpenStore(backend_->Spec());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    store = OpenStore(reference_backend_->Spec());
    ASSERT_TRUE(store.ok()) << store.status();
    reference_ = *std::move(store);
  }
  void TearDown() override {
    store_.reset();
    reference_.reset();
    if (backend_ != nullptr) backend_->CleanUp();
    if (reference_backend_ != nullptr) reference_backend_->CleanUp();
  }

  static void Put(Store& store, const v1::Document& document) {
    absl::StatusOr<PutResult> result = store.Put(document);
    ASSERT_TRUE(result.ok()) << result.status();
    ASSERT_TRUE(result->created);
  }

  static std::string StoryOf(Store& store, const std::string& id) {
    absl::StatusOr<v1::Document> document = store.Get(id, v1::DOCUMENT_VIEW_FULL);
    EXPECT_TRUE(document.ok()) << document.status();
    return document.ok() ? document->annotations().story_id() : "";
  }

  // Everything the queries of `store` show, as text (ingestion times and
  // story ids left out: they differ between stores by construction).
  static std::string Snapshot(Store& store) {
    std::string out;
    absl::StatusOr<v1::CorpusStats> stats = store.Stats();
    EXPECT_TRUE(stats.ok()) << stats.status();
    if (stats.ok()) {
      absl::StrAppend(&out, "stats ", stats->document_count(), " ", stats->sentence_count(), " ",
                      stats->token_count(), " ", stats->char_count(), " ",
                      stats->pending_count(), " ", stats->annotated_count(), " ",
                      stats->failed_count(), " entities ", stats->entity_count(), "\n");
    }
    v1::ListEntitiesRequest entities_request;
    entities_request.set_page_size(1000);
    absl::StatusOr<v1::ListEntitiesResponse> entities = store.ListEntities(entities_request);
    EXPECT_TRUE(entities.ok()) << entities.status();
    if (entities.ok()) {
      for (const v1::Entity& listed : entities->entities()) {
        v1::GetEntityRequest get;
        get.set_entity_id(listed.entity_id());
        absl::StatusOr<v1::Entity> e = store.GetEntity(get);
        EXPECT_TRUE(e.ok()) << e.status();
        if (!e.ok()) continue;
        absl::StrAppend(&out, "entity ", e->entity_id(), " '", e->canonical_name(), "' type ",
                        e->type(), " docs ", e->document_count(), " mentions ",
                        e->mention_count(), " salience ", std::round(e->total_salience() * 1e6),
                        " max ", std::round(e->max_salience() * 1e6), " aliases");
        for (const v1::EntityAlias& alias : e->aliases()) {
          absl::StrAppend(&out, " ", alias.name(), "=", alias.document_count());
        }
        absl::StrAppend(&out, " in");
        for (const v1::EntityDocument& d : e->documents()) {
          absl::StrAppend(&out, " ", d.document_id());
        }
        absl::StrAppend(&out, "\n");
      }
    }
    absl::StatusOr<v1::ListQuotesResponse> quotes = store.ListQuotes({});
    EXPECT_TRUE(quotes.ok()) << quotes.status();
    if (quotes.ok()) {
      absl::StrAppend(&out, "quotes ", quotes->total_size());
      for (const v1::QuoteRecord& q : quotes->quotes()) {
        absl::StrAppend(&out, " ", q.document_id(), "#", q.quote_index());
      }
      absl::StrAppend(&out, "\n");
    }
    v1::ListQuotesRequest quote_text;
    quote_text.set_text("Skandinavien");
    quotes = store.ListQuotes(quote_text);
    EXPECT_TRUE(quotes.ok()) << quotes.status();
    if (quotes.ok()) absl::StrAppend(&out, "quotes about Skandinavien ", quotes->total_size(), "\n");
    v1::GetTimelineRequest timeline_request;
    timeline_request.set_include_unresolved(true);
    absl::StatusOr<v1::GetTimelineResponse> timeline = store.GetTimeline(timeline_request);
    EXPECT_TRUE(timeline.ok()) << timeline.status();
    if (timeline.ok()) {
      absl::StrAppend(&out, "timeline");
      for (const v1::TimelineEvent& event : timeline->events()) {
        absl::StrAppend(&out, " ", event.document_id(), "#", event.date_index(), "(",
                        event.entities_size(), ")");
      }
      absl::StrAppend(&out, "\n");
    }
    v1::GetTimelineRequest by_entity;
    by_entity.set_entity_id("e-brandauer");
    timeline = store.GetTimeline(by_entity);
    EXPECT_TRUE(timeline.ok()) << timeline.status();
    if (timeline.ok()) absl::StrAppend(&out, "timeline brandauer ", timeline->events_size(), "\n");
    absl::StatusOr<v1::ListStoriesResponse> stories = store.ListStories({});
    EXPECT_TRUE(stories.ok()) << stories.status();
    if (stories.ok()) {
      absl::StrAppend(&out, "stories ", stories->total_size(), "\n");
      for (const v1::Story& listed : stories->stories()) {
        v1::GetStoryRequest get;
        get.set_story_id(listed.story_id());
        absl::StatusOr<v1::Story> story = store.GetStory(get);
        EXPECT_TRUE(story.ok()) << story.status();
        if (!story.ok()) continue;
        absl::StrAppend(&out, "story of ", story->document_count(), " from ",
                        story->first_seen().seconds(), " to ", story->last_seen().seconds(), ":");
        for (const v1::StoryDocument& d : story->documents()) {
          absl::StrAppend(&out, " ", d.document_id());
        }
        absl::StrAppend(&out, "\n");
      }
    }
    for (const char* query : {"Faehrhafen", "Ottsen", "Sturm", "Skandinavien"}) {
      v1::SearchRequest search;
      search.set_query(query);
      absl::StatusOr<v1::SearchResponse> hits = store.Search(search);
      EXPECT_TRUE(hits.ok()) << hits.status();
      if (!hits.ok()) continue;
      absl::StrAppend(&out, "search ", query, " ", hits->total_size(), ":");
      for (const v1::SearchHit& hit : hits->hits()) {
        absl::StrAppend(&out, " ", hit.document().id());
      }
      absl::StrAppend(&out, "\n");
    }
    return out;
  }

  // The keywords Put gives a new document: TF-IDF over the term
  // frequencies as stored, so they show any count left behind.
  static std::string ProbeKeywords(Store& store) {
    Put(store, MakeDocument(kProbeId, kProbe, kMay6 + 5 * kHour));
    absl::StatusOr<v1::Document> probe = store.Get(kProbeId, v1::DOCUMENT_VIEW_FULL);
    EXPECT_TRUE(probe.ok()) << probe.status();
    std::string out;
    if (!probe.ok()) return out;
    for (const v1::Keyword& keyword : probe->annotations().keywords()) {
      absl::StrAppend(&out, keyword.key(), "=", std::round(keyword.score() * 1e6), " ");
    }
    return out;
  }

  std::unique_ptr<StoreBackend> backend_;
  std::unique_ptr<StoreBackend> reference_backend_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Store> reference_;
};

TEST_P(DeletionContractTest, DeletedDocumentsLeaveNoTrace) {
  // B first, naming Brandauer otherwise: the entity's canonical name is
  // B's until B goes. A joins B's story; C is a story of its own.
  Put(*store_, MakeDocument(kB, kOpeningB, kMay6, {{"e-brandauer", "Ministerin Brandauer"}}));
  Put(*store_, MakeDocument(kA, kOpeningA, kMay6 + kHour));
  Put(*store_, MakeDocument(kC, kStorm, kMay6 + 2 * kHour));
  const std::string opening = StoryOf(*store_, kB);
  ASSERT_EQ(StoryOf(*store_, kA), opening);
  const std::string storm = StoryOf(*store_, kC);
  ASSERT_NE(storm, opening);

  absl::StatusOr<v1::Document> deleted = store_->Delete(kB);
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_EQ(deleted->id(), kB);
  EXPECT_EQ(deleted->title(), "Brandauer gibt Faehrhafen in Kiel frei");
  deleted = store_->Delete(kC);
  ASSERT_TRUE(deleted.ok()) << deleted.status();

  EXPECT_EQ(store_->Get(kB).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->Delete(kB).status().code(), absl::StatusCode::kNotFound);
  v1::GetStoryRequest get_story;
  get_story.set_story_id(storm);
  EXPECT_EQ(store_->GetStory(get_story).status().code(), absl::StatusCode::kNotFound);
  get_story.set_story_id(opening);
  absl::StatusOr<v1::Story> left = store_->GetStory(get_story);
  ASSERT_TRUE(left.ok()) << left.status();
  EXPECT_EQ(left->document_count(), 1);
  EXPECT_FALSE(left->label().empty());
  for (const v1::StoryEntity& entity : left->main_entities()) {
    EXPECT_NE(entity.entity_id(), "e-ottsen") << "only the deleted document named Ottsen";
  }
  v1::GetEntityRequest ottsen;
  ottsen.set_entity_id("e-ottsen");
  EXPECT_EQ(store_->GetEntity(ottsen).status().code(), absl::StatusCode::kNotFound);

  Put(*reference_, MakeDocument(kA, kOpeningA, kMay6 + kHour));
  EXPECT_EQ(Snapshot(*store_), Snapshot(*reference_));
  EXPECT_THAT(Snapshot(*store_), HasSubstr("entity e-brandauer 'Brandauer'"));
  // What is stored next is weighed and clustered as in the reference.
  EXPECT_EQ(ProbeKeywords(*store_), ProbeKeywords(*reference_));
  EXPECT_EQ(Snapshot(*store_), Snapshot(*reference_));
}

TEST_P(DeletionContractTest, DeletingEveryDocumentEmptiesEveryTable) {
  Put(*store_, MakeDocument(kA, kOpeningA, kMay6));
  Put(*store_, MakeDocument(kB, kOpeningB, kMay6 + kHour));
  v1::Document pending = MakeDocument(kC, kStorm, kMay6 + 2 * kHour);
  pending.clear_annotations();
  Put(*store_, pending);
  for (const char* id : {kB, kA, kC}) {
    absl::StatusOr<v1::Document> deleted = store_->Delete(id);
    ASSERT_TRUE(deleted.ok()) << id << ": " << deleted.status();
  }
  EXPECT_EQ(Snapshot(*store_), Snapshot(*reference_));
  EXPECT_EQ(ProbeKeywords(*store_), ProbeKeywords(*reference_));
  // The probe starts its own story, as in an empty store.
  EXPECT_EQ(StoryOf(*store_, kProbeId), StoryOf(*reference_, kProbeId));
}

TEST_P(DeletionContractTest, DeleteValidates) {
  EXPECT_EQ(store_->Delete("").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Delete("d-unknown").status().code(), absl::StatusCode::kNotFound);
}

TEST_P(DeletionContractTest, ReannotatedDocumentsAreAnnotatedOnceAgain) {
  const v1::Document a = MakeDocument(kA, kOpeningA, kMay6);
  const v1::Document b = MakeDocument(kB, kOpeningB, kMay6 + kHour);
  const v1::Document c = MakeDocument(kC, kStorm, kMay6 + 2 * kHour);
  for (const v1::Document* d : {&a, &b, &c}) Put(*store_, *d);

  v1::ReannotateDocumentsRequest request;
  request.add_ids(kB);
  request.add_ids(kB);  // counted once
  absl::StatusOr<int64_t> queued = store_->Reannotate(request);
  ASSERT_TRUE(queued.ok()) << queued.status();
  EXPECT_EQ(*queued, 1);
  absl::StatusOr<v1::Document> stored = store_->Get(kB, v1::DOCUMENT_VIEW_FULL);
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->state(), v1::DOCUMENT_STATE_PENDING);
  EXPECT_FALSE(stored->has_annotations());
  EXPECT_EQ(stored->text(), b.text());

  // While queued, the store looks as if B had been stored unannotated.
  v1::Document b_pending = b;
  b_pending.clear_annotations();
  Put(*reference_, a);
  Put(*reference_, b_pending);
  Put(*reference_, c);
  EXPECT_EQ(Snapshot(*store_), Snapshot(*reference_));

  // Annotated again (as the reconciler does): as if annotated once.
  for (Store* store : {store_.get(), reference_.get()}) {
    absl::StatusOr<AnnotateResult> annotated = store->Annotate(kB, b.annotations());
    ASSERT_TRUE(annotated.ok()) << annotated.status();
    EXPECT_TRUE(annotated->changed);
    EXPECT_EQ(annotated->stored_basic.state(), v1::DOCUMENT_STATE_ANNOTATED);
  }
  EXPECT_EQ(Snapshot(*store_), Snapshot(*reference_));
  EXPECT_EQ(ProbeKeywords(*store_), ProbeKeywords(*reference_));
}

TEST_P(DeletionContractTest, ReannotateSelectsAllByStateOrEntity) {
  Put(*store_, MakeDocument(kA, kOpeningA, kMay6));
  Put(*store_, MakeDocument(kB, kOpeningB, kMay6 + kHour));
  v1::Document failed = MakeDocument(kC, kStorm, kMay6 + 2 * kHour);
  failed.clear_annotations();
  Put(*store_, failed);
  ASSERT_TRUE(store_->MarkFailed(kC, "annotator refused").ok());

  v1::ReannotateDocumentsRequest request;
  request.set_state(v1::DOCUMENT_STATE_FAILED);
  absl::StatusOr<int64_t> queued = store_->Reannotate(request);
  ASSERT_TRUE(queued.ok()) << queued.status();
  EXPECT_EQ(*queued, 1);
  absl::StatusOr<v1::Document> c = store_->Get(kC, v1::DOCUMENT_VIEW_BASIC);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->state(), v1::DOCUMENT_STATE_PENDING);
  EXPECT_EQ(c->state_reason(), "");

  request.Clear();
  request.set_entity_id("e-ottsen");  // only B
  queued = store_->Reannotate(request);
  ASSERT_TRUE(queued.ok()) << queued.status();
  EXPECT_EQ(*queued, 1);
  EXPECT_EQ(store_->Get(kB, v1::DOCUMENT_VIEW_BASIC)->state(), v1::DOCUMENT_STATE_PENDING);
  EXPECT_EQ(store_->Get(kA, v1::DOCUMENT_VIEW_BASIC)->state(), v1::DOCUMENT_STATE_ANNOTATED);

  request.Clear();
  request.set_all(true);
  queued = store_->Reannotate(request);
  ASSERT_TRUE(queued.ok()) << queued.status();
  EXPECT_EQ(*queued, 3);
  absl::StatusOr<v1::CorpusStats> stats = store_->Stats();
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->pending_count(), 3);
  EXPECT_EQ(stats->entity_count(), 0);
  // As if all three had been stored unannotated.
  for (const char* id : {kA, kB, kC}) {
    absl::StatusOr<v1::Document> text = store_->Get(id, v1::DOCUMENT_VIEW_TEXT);
    ASSERT_TRUE(text.ok()) << text.status();
    v1::Document unannotated = *text;
    unannotated.clear_ingested_at();
    unannotated.set_sentence_count(0);
    unannotated.set_token_count(0);
    unannotated.set_char_count(0);
    Put(*reference_, unannotated);
  }
  EXPECT_EQ(Snapshot(*store_), Snapshot(*reference_));
  v1::ListDocumentsRequest pending;
  pending.set_state(v1::DOCUMENT_STATE_PENDING);
  absl::StatusOr<v1::ListDocumentsResponse> listed = store_->List(pending);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(listed->documents_size(), 3);
}

TEST_P(DeletionContractTest, ReannotateSelectsByQuery) {
  Put(*store_, MakeDocument(kA, kOpeningA, kMay6));
  Put(*store_, MakeDocument(kB, kOpeningB, kMay6 + kHour));
  Put(*store_, MakeDocument(kC, kStorm, kMay6 + 2 * kHour));
  v1::ReannotateDocumentsRequest request;
  request.set_query("Faehrhafen");  // A and B
  request.add_ids(kB);              // and only B of them
  absl::StatusOr<int64_t> queued = store_->Reannotate(request);
  ASSERT_TRUE(queued.ok()) << queued.status();
  EXPECT_EQ(*queued, 1);
  EXPECT_EQ(store_->Get(kA, v1::DOCUMENT_VIEW_BASIC)->state(), v1::DOCUMENT_STATE_ANNOTATED);
  EXPECT_EQ(store_->Get(kB, v1::DOCUMENT_VIEW_BASIC)->state(), v1::DOCUMENT_STATE_PENDING);

  request.Clear();
  request.set_query("Sturm OR Skandinavien");  // A (B is PENDING: found by its words too), C
  queued = store_->Reannotate(request);
  ASSERT_TRUE(queued.ok()) << queued.status();
  EXPECT_EQ(*queued, 3);
  request.set_query("Lokomotive");
  queued = store_->Reannotate(request);
  ASSERT_TRUE(queued.ok()) << queued.status();
  EXPECT_EQ(*queued, 0);

  request.set_query("(Sturm");
  EXPECT_EQ(store_->Reannotate(request).status().code(), absl::StatusCode::kInvalidArgument);
  request.set_query("Sturm");
  request.set_all(true);
  EXPECT_EQ(store_->Reannotate(request).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(DeletionContractTest, ReannotateValidatesAndChangesNothingOnAnUnknownId) {
  Put(*store_, MakeDocument(kA, kOpeningA, kMay6));
  v1::ReannotateDocumentsRequest request;
  EXPECT_EQ(store_->Reannotate(request).status().code(), absl::StatusCode::kInvalidArgument);
  request.set_all(true);
  request.add_ids(kA);
  EXPECT_EQ(store_->Reannotate(request).status().code(), absl::StatusCode::kInvalidArgument);
  request.Clear();
  request.add_ids("");
  EXPECT_EQ(store_->Reannotate(request).status().code(), absl::StatusCode::kInvalidArgument);
  request.Clear();
  request.set_state(static_cast<v1::DocumentState>(42));
  EXPECT_EQ(store_->Reannotate(request).status().code(), absl::StatusCode::kInvalidArgument);
  request.Clear();
  for (int i = 0; i < 1001; ++i) request.add_ids(absl::StrCat("d", i));
  EXPECT_EQ(store_->Reannotate(request).status().code(), absl::StatusCode::kInvalidArgument);

  request.Clear();
  request.add_ids(kA);
  request.add_ids("d-unknown");
  EXPECT_EQ(store_->Reannotate(request).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->Get(kA, v1::DOCUMENT_VIEW_BASIC)->state(), v1::DOCUMENT_STATE_ANNOTATED);
}

INSTANTIATE_TEST_SUITE_P(Backends, DeletionContractTest, ::testing::ValuesIn(AllBackends()),
                         [](const ::testing::TestParamInfo<BackendFactory>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace korpus::store
