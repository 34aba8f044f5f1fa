// The story part of the Store contract (stories assigned by Put,
// ListStories, GetStory, Annotations.story_id), run against every backend
// like store_contract_test.cc. The annotations are made up here from the
// text (every capitalised word a lemma term, named entities given), as an
// annotator with extraction would send them; which documents form a story
// follows from the clusterer (libs/nlp/extract/stories.h), so the articles
// are clear cases: two reports of one event sharing their lead, actors and
// a quotation, and reports of other events.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

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

using ::testing::ElementsAre;
using ::testing::IsEmpty;

struct Name {
  std::string entity_id;
  std::string text;  // one word, as it stands in the text
  v1::EntityType type = v1::ENTITY_TYPE_PERSON;
};

const std::vector<Name> kNames = {
    {"e-lindqvist", "Lindqvist"},
    {"e-amsel", "Amsel"},
    {"e-rostock", "Rostock", v1::ENTITY_TYPE_LOCATION},
    {"e-ostseewerft", "Ostseewerft", v1::ENTITY_TYPE_ORGANIZATION},
    {"e-passau", "Passau", v1::ENTITY_TYPE_LOCATION},
    {"e-donau", "Donau", v1::ENTITY_TYPE_LOCATION},
};

// Sentences end with ". "; words are separated by single spaces; ASCII
// only, so byte offsets are code point offsets.
const char kVisitA[] =
    "Ministerin Lindqvist besucht Ostseewerft in Rostock. Lindqvist sprach in Rostock mit "
    "Werftchef Amsel ueber neue Auftraege der Ostseewerft. \"Der Schiffbau an der Kueste hat "
    "eine Zukunft\" sagte Lindqvist. Die Werft beschaeftigt zweitausend Menschen.";
const char kVisitB[] =
    "Lindqvist macht Ostseewerft in Rostock Mut. Bei ihrem Besuch in Rostock traf Lindqvist den "
    "Werftchef Amsel. \"Der Schiffbau an der Kueste hat eine Zukunft\" sagte die Ministerin. "
    "Amsel hofft auf Auftraege der Marine.";
const char kFlood[] =
    "Hochwasser in Passau erreicht Rekord. Die Donau ist in Passau auf zwoelf Meter gestiegen. "
    "Die Altstadt steht unter Wasser und Helfer fuellen Sandsaecke.";

// An annotated document as an annotator with extraction would send it.
v1::Document MakeDocument(const std::string& id, const std::string& text, int64_t published) {
  v1::Document document;
  document.set_id(id);
  const std::string title = text.substr(0, text.find(". "));
  document.set_title(title);
  document.set_text(text);
  document.set_language("de");
  document.mutable_published_at()->set_seconds(published);
  v1::Annotations* a = document.mutable_annotations();
  a->set_model_name("korpus-de");
  a->set_model_version("test");
  // Tokens (words; a trailing "." or quote mark is cut off) and sentences.
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
  // Entities and terms: names are entities, other capitalised words lemmas.
  std::vector<v1::Term> terms;
  auto term_of = [&](const std::string& key) -> v1::Term* {
    for (v1::Term& t : terms) {
      if (t.key() == key) return &t;
    }
    return nullptr;
  };
  const int title_end = a->sentences(0).end();
  for (int t = 0; t < a->tokens_size(); ++t) {
    const v1::Token& token = a->tokens(t);
    if (!absl::ascii_isupper(static_cast<unsigned char>(token.text()[0]))) continue;
    const Name* name = nullptr;
    for (const Name& n : kNames) {
      if (n.text == token.text()) name = &n;
    }
    std::string key = name != nullptr ? absl::StrCat("e:", name->entity_id)
                                      : absl::AsciiStrToLower(token.text());
    v1::Term* term = term_of(key);
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
      entity->set_canonical_name(name->text);
      entity->set_type(name->type);
      entity->set_salience(0.5);
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
  // The quotation, if any.
  const size_t open = text.find('"');
  if (open != std::string::npos) {
    v1::Quote* quote = a->add_quotes();
    quote->set_outer_begin(static_cast<int>(open));
    quote->set_begin(static_cast<int>(open) + 1);
    quote->set_end(static_cast<int>(text.find('"', open + 1)));
    quote->set_outer_end(quote->end() + 1);
    quote->set_kind(v1::QUOTE_KIND_DIRECT);
  }
  return document;
}

constexpr int64_t kMay3 = 1714723200;  // 2024-05-03 08:00 UTC
constexpr int64_t kDay = 86400;

class StoryContractTest : public ::testing::TestWithParam<BackendFactory> {
 protected:
  void SetUp() override {
    backend_ = GetParam().make();
    const absl::Status prepared = backend_->Prepare();
    ASSERT_TRUE(prepared.ok()) << prepared;
    absl::StatusOr<std::unique_ptr<Store>> store = OpenStore(backend_->Spec());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }
  void TearDown() override {
    store_.reset();
    if (backend_ != nullptr) backend_->CleanUp();
  }

  void Put(const v1::Document& document) {
    absl::StatusOr<PutResult> result = store_->Put(document);
    ASSERT_TRUE(result.ok()) << result.status();
    ASSERT_TRUE(result->created);
  }

  // The story ids of `request`'s page, in order.
  std::vector<std::string> StoryIds(const v1::ListStoriesRequest& request) {
    absl::StatusOr<v1::ListStoriesResponse> response = store_->ListStories(request);
    EXPECT_TRUE(response.ok()) << response.status();
    std::vector<std::string> ids;
    if (!response.ok()) return ids;
    for (const v1::Story& story : response->stories()) ids.push_back(story.story_id());
    return ids;
  }

  std::string StoryOf(const std::string& document_id) {
    absl::StatusOr<v1::Document> document = store_->Get(document_id, v1::DOCUMENT_VIEW_FULL);
    EXPECT_TRUE(document.ok()) << document.status();
    return document.ok() ? document->annotations().story_id() : "";
  }

  std::unique_ptr<StoreBackend> backend_;
  std::unique_ptr<Store> store_;
};

constexpr char kA[] = "d00000000000000000000000a";
constexpr char kB[] = "d00000000000000000000000b";
constexpr char kC[] = "d00000000000000000000000c";

TEST_P(StoryContractTest, ReportsOfOneEventFormOneStoryOthersTheirOwn) {
  Put(MakeDocument(kA, kVisitA, kMay3));
  Put(MakeDocument(kB, kVisitB, kMay3 + kDay));
  Put(MakeDocument(kC, kFlood, kMay3 + 2 * kDay));

  EXPECT_EQ(StoryOf(kA), "s00000000000000000000000a");
  EXPECT_EQ(StoryOf(kB), "s00000000000000000000000a");
  EXPECT_EQ(StoryOf(kC), "s00000000000000000000000c");

  absl::StatusOr<v1::ListStoriesResponse> list = store_->ListStories({});
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(list->total_size(), 2);
  ASSERT_EQ(list->stories_size(), 2);
  // Most recently active first.
  EXPECT_EQ(list->stories(0).story_id(), "s00000000000000000000000c");
  const v1::Story& visit = list->stories(1);
  EXPECT_EQ(visit.document_count(), 2);
  ASSERT_EQ(visit.documents_size(), 2);
  EXPECT_EQ(visit.documents(0).document_id(), kA);
  EXPECT_EQ(visit.documents(1).document_id(), kB);
  EXPECT_EQ(visit.documents(0).similarity(), 1.0);
  EXPECT_GE(visit.documents(1).similarity(), 0.5);
  EXPECT_LE(visit.documents(1).similarity(), 1.0);
  EXPECT_EQ(visit.documents(0).title(), "Ministerin Lindqvist besucht Ostseewerft in Rostock");
  EXPECT_EQ(visit.documents(0).published_at().seconds(), kMay3);
  EXPECT_TRUE(visit.documents(0).has_ingested_at());
  EXPECT_EQ(visit.first_seen().seconds(), kMay3);
  EXPECT_EQ(visit.last_seen().seconds(), kMay3 + kDay);
  EXPECT_FALSE(visit.label().empty());
  ASSERT_FALSE(visit.main_entities().empty());
  bool has_lindqvist = false;
  for (const v1::StoryEntity& entity : visit.main_entities()) {
    if (entity.entity_id() != "e-lindqvist") continue;
    has_lindqvist = true;
    EXPECT_EQ(entity.canonical_name(), "Lindqvist");
    EXPECT_EQ(entity.type(), v1::ENTITY_TYPE_PERSON);
    EXPECT_GT(entity.weight(), 0);
  }
  EXPECT_TRUE(has_lindqvist);
}

TEST_P(StoryContractTest, OutsideTheTimeWindowTheSameEventStartsAStory) {
  Put(MakeDocument(kA, kVisitA, kMay3));
  Put(MakeDocument(kB, kVisitB, kMay3 + 30 * kDay));
  EXPECT_EQ(StoryOf(kB), "s00000000000000000000000b");
}

TEST_P(StoryContractTest, ListStoriesFiltersAndPages) {
  Put(MakeDocument(kA, kVisitA, kMay3));
  Put(MakeDocument(kB, kVisitB, kMay3 + kDay));
  Put(MakeDocument(kC, kFlood, kMay3 + 2 * kDay));

  v1::ListStoriesRequest request;
  request.set_min_documents(2);
  EXPECT_THAT(StoryIds(request), ElementsAre("s00000000000000000000000a"));
  request.Clear();
  request.set_entity_id("e-donau");
  EXPECT_THAT(StoryIds(request), ElementsAre("s00000000000000000000000c"));
  request.set_entity_id("e-unknown");
  EXPECT_THAT(StoryIds(request), IsEmpty());

  request.Clear();
  request.set_page_size(1);
  absl::StatusOr<v1::ListStoriesResponse> first = store_->ListStories(request);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->stories_size(), 1);
  EXPECT_EQ(first->total_size(), 2);
  ASSERT_FALSE(first->next_page_token().empty());
  request.set_page_token(first->next_page_token());
  absl::StatusOr<v1::ListStoriesResponse> second = store_->ListStories(request);
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(second->stories_size(), 1);
  EXPECT_NE(second->stories(0).story_id(), first->stories(0).story_id());
  EXPECT_TRUE(second->next_page_token().empty());

  // A token is bound to its filters.
  request.set_min_documents(2);
  EXPECT_EQ(store_->ListStories(request).status().code(), absl::StatusCode::kInvalidArgument);
  request.Clear();
  request.set_page_token("garbage");
  EXPECT_EQ(store_->ListStories(request).status().code(), absl::StatusCode::kInvalidArgument);
  request.Clear();
  request.set_min_documents(-1);
  EXPECT_EQ(store_->ListStories(request).status().code(), absl::StatusCode::kInvalidArgument);
  request.Clear();
  request.set_page_size(1001);
  EXPECT_EQ(store_->ListStories(request).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(StoryContractTest, GetStory) {
  Put(MakeDocument(kA, kVisitA, kMay3));
  Put(MakeDocument(kB, kVisitB, kMay3 + kDay));
  v1::GetStoryRequest request;
  request.set_story_id("s00000000000000000000000a");
  absl::StatusOr<v1::Story> story = store_->GetStory(request);
  ASSERT_TRUE(story.ok()) << story.status();
  EXPECT_EQ(story->document_count(), 2);
  ASSERT_EQ(story->documents_size(), 2);
  EXPECT_EQ(story->documents(1).document_id(), kB);

  request.set_story_id("s-unknown");
  EXPECT_EQ(store_->GetStory(request).status().code(), absl::StatusCode::kNotFound);
  request.clear_story_id();
  EXPECT_EQ(store_->GetStory(request).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(StoryContractTest, DocumentsWithoutTermsHaveNoStory) {
  v1::Document pending = MakeDocument(kA, kVisitA, kMay3);
  pending.clear_annotations();
  Put(pending);
  v1::Document without_terms = MakeDocument(kB, kVisitB, kMay3);
  without_terms.mutable_annotations()->clear_terms();
  Put(without_terms);
  EXPECT_EQ(StoryOf(kB), "");
  absl::StatusOr<v1::ListStoriesResponse> list = store_->ListStories({});
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(list->total_size(), 0);
  EXPECT_TRUE(list->stories().empty());
}

TEST_P(StoryContractTest, ARepeatedPutChangesNoStory) {
  Put(MakeDocument(kA, kVisitA, kMay3));
  absl::StatusOr<PutResult> again = store_->Put(MakeDocument(kA, kVisitA, kMay3));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_FALSE(again->created);
  v1::GetStoryRequest request;
  request.set_story_id("s00000000000000000000000a");
  absl::StatusOr<v1::Story> story = store_->GetStory(request);
  ASSERT_TRUE(story.ok()) << story.status();
  EXPECT_EQ(story->document_count(), 1);
}

TEST_P(StoryContractTest, StoryIdFiltersListAndSearch) {
  Put(MakeDocument(kA, kVisitA, kMay3));
  Put(MakeDocument(kB, kVisitB, kMay3 + kDay));
  Put(MakeDocument(kC, kFlood, kMay3 + 2 * kDay));
  const std::string visit = StoryOf(kA);
  ASSERT_EQ(StoryOf(kB), visit);

  v1::ListDocumentsRequest list;
  list.set_story_id(visit);
  absl::StatusOr<v1::ListDocumentsResponse> listed = store_->List(list);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->documents_size(), 2);
  EXPECT_EQ(listed->documents(0).id(), kA);
  EXPECT_EQ(listed->documents(1).id(), kB);
  // Pages along the story, bound to it.
  list.set_page_size(1);
  listed = store_->List(list);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->documents_size(), 1);
  EXPECT_EQ(listed->documents(0).id(), kA);
  ASSERT_FALSE(listed->next_page_token().empty());
  list.set_page_token(listed->next_page_token());
  listed = store_->List(list);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->documents_size(), 1);
  EXPECT_EQ(listed->documents(0).id(), kB);
  EXPECT_TRUE(listed->next_page_token().empty());
  list.set_story_id(StoryOf(kC));
  EXPECT_EQ(store_->List(list).status().code(), absl::StatusCode::kInvalidArgument);
  list.clear_page_token();
  list.set_page_size(0);
  // With the type filter as well (the flood names places only).
  list.add_entity_types(v1::ENTITY_TYPE_PERSON);
  listed = store_->List(list);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_THAT(listed->documents(), IsEmpty());
  list.set_entity_types(0, v1::ENTITY_TYPE_LOCATION);
  listed = store_->List(list);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->documents_size(), 1);
  EXPECT_EQ(listed->documents(0).id(), kC);
  list.set_story_id("s0000000000000000000000ff");
  listed = store_->List(list);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_THAT(listed->documents(), IsEmpty());

  // "die" is in all three; the story keeps two, and the page token is
  // bound to it.
  v1::SearchRequest search;
  search.set_query("die");
  search.set_story_id(visit);
  search.set_page_size(1);
  absl::StatusOr<v1::SearchResponse> found = store_->Search(search);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->total_size(), 2);
  ASSERT_FALSE(found->next_page_token().empty());
  search.set_page_token(found->next_page_token());
  search.set_story_id(StoryOf(kC));
  EXPECT_EQ(store_->Search(search).status().code(), absl::StatusCode::kInvalidArgument);
  search.clear_page_token();
  found = store_->Search(search);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->total_size(), 1);
  ASSERT_EQ(found->hits_size(), 1);
  EXPECT_EQ(found->hits(0).document().id(), kC);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoryContractTest, ::testing::ValuesIn(AllBackends()),
                         [](const ::testing::TestParamInfo<BackendFactory>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace korpus::store
