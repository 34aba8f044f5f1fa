// The contract of Store (libs/store/store.h), run against every backend:
// SQLite and PostgreSQL must behave the same for everything here. Tests of
// one backend's own storage (file format, schema bookkeeping, connection
// handling) are in sqlite_store_test.cc and postgres_store_test.cc.
#include <google/protobuf/util/message_differencer.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/store/store.h"
#include "libs/store/transfer.h"
#include "tests/unit/store/store_backends.h"

namespace korpus::store {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

// A document as ingest would produce it; text starts with the title.
v1::Document MakeDocument(const std::string& id, const std::string& title,
                          const std::string& body) {
  v1::Document document;
  document.set_id(id);
  document.set_title(title);
  document.set_text(absl::StrCat(title, "\n\n", body));
  document.set_language("de");
  document.set_content_hash(absl::StrCat("hash-", id));
  document.set_source_uri(absl::StrCat("https://example.org/", id));
  document.mutable_published_at()->set_seconds(1700000000);
  document.mutable_published_at()->set_nanos(5);
  (*document.mutable_metadata())["outlet"] = "Beispielblatt";
  v1::Paragraph* heading = document.add_paragraphs();
  heading->set_kind(v1::PARAGRAPH_KIND_TITLE);
  heading->set_begin(0);
  heading->set_end(static_cast<int>(title.size()));  // ASCII titles in these tests
  v1::Paragraph* paragraph = document.add_paragraphs();
  paragraph->set_kind(v1::PARAGRAPH_KIND_BODY);
  paragraph->set_begin(static_cast<int>(title.size()) + 2);
  paragraph->set_end(paragraph->begin() + 10);
  return document;
}

v1::Document Annotated(v1::Document document) {
  v1::Annotations* annotations = document.mutable_annotations();
  annotations->set_model_name("korpus-de");
  annotations->set_model_version("0.1.0");
  annotations->mutable_annotated_at()->set_seconds(1700000100);
  v1::Token* token = annotations->add_tokens();
  token->set_begin(0);
  token->set_end(3);
  token->set_kind(v1::TOKEN_KIND_WORD);
  token->set_text(document.text().substr(0, 3));
  v1::Sentence* sentence = annotations->add_sentences();
  sentence->set_begin(0);
  sentence->set_end(3);
  sentence->set_first_token(0);
  sentence->set_token_count(1);
  return document;
}

class StoreContractTest : public ::testing::TestWithParam<BackendFactory> {
 protected:
  void SetUp() override {
    backend_ = GetParam().make();
    const absl::Status prepared = backend_->Prepare();
    ASSERT_TRUE(prepared.ok()) << prepared;
    store_ = Open();
    ASSERT_NE(store_, nullptr);
  }
  void TearDown() override {
    store_.reset();
    if (backend_ != nullptr) backend_->CleanUp();
  }

  std::unique_ptr<Store> Open() {
    absl::StatusOr<std::unique_ptr<Store>> store = OpenStore(backend_->Spec());
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? *std::move(store) : nullptr;
  }

  // Runs SQL on the database through a connection of its own.
  void RawExec(const std::string& sql) {
    const absl::Status status = backend_->Execute(sql);
    EXPECT_TRUE(status.ok()) << status;
  }

  void PutOrDie(const v1::Document& document) {
    absl::StatusOr<PutResult> result = store_->Put(document);
    ASSERT_TRUE(result.ok()) << result.status();
    ASSERT_TRUE(result->created);
  }

  std::vector<std::string> SearchIds(const std::string& query) {
    v1::SearchRequest request;
    request.set_query(query);
    absl::StatusOr<v1::SearchResponse> response = store_->Search(request);
    EXPECT_TRUE(response.ok()) << query << ": " << response.status();
    std::vector<std::string> ids;
    if (!response.ok()) return ids;
    for (const v1::SearchHit& hit : response->hits()) ids.push_back(hit.document().id());
    EXPECT_EQ(response->total_size(), static_cast<int64_t>(ids.size()));
    return ids;
  }

  void PutGermanCorpus() {
    PutOrDie(MakeDocument("chips", "Neue Regeln fuer Chipexporte",
                          "Die Bundesregierung verschärft die US-Exportkontrollen für Halbleiter "
                          "nach China. Händler rechnen mit Engpässen."));
    PutOrDie(MakeDocument("zoll", "Haendler kritisieren Zoll",
                          "Eine einzelne Exportkontrolle reicht nach Ansicht der Händler nicht "
                          "aus, sagte der Verband am Montag."));
    PutOrDie(MakeDocument("senat", "Haushalt beschlossen",
                          "Der Berliner Senat beschließt den Haushalt für das kommende Jahr."));
    PutOrDie(MakeDocument("fahrrad", "Streit um Radwege",
                          "Im Senat von Berlin wurde lange über Fahrräder gestritten."));
    PutOrDie(MakeDocument("aepfel", "Obstpreise steigen",
                          "Äpfel aus dem Alten Land sind deutlich teurer geworden."));
    PutOrDie(MakeDocument("apfel", "Gesund leben",
                          "Ein Apfel am Tag hält den Arzt fern, sagt ein altes Sprichwort."));
  }

  std::unique_ptr<StoreBackend> backend_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreContractTest, PutThenGetInEveryView) {
  const v1::Document input = Annotated(
      MakeDocument("d1", "Wahl in Hessen", "Die Wahlbeteiligung lag bei 66 Prozent."));
  absl::StatusOr<PutResult> put = store_->Put(input);
  ASSERT_TRUE(put.ok()) << put.status();
  EXPECT_TRUE(put->created);
  EXPECT_EQ(put->stored_basic.state(), v1::DOCUMENT_STATE_ANNOTATED);
  EXPECT_TRUE(put->stored_basic.has_ingested_at());
  EXPECT_EQ(put->stored_basic.char_count(), 55);  // computed: the input had none
  EXPECT_EQ(put->stored_basic.sentence_count(), 1);
  EXPECT_EQ(put->stored_basic.token_count(), 1);
  EXPECT_TRUE(put->stored_basic.text().empty());

  absl::StatusOr<v1::Document> basic = store_->Get("d1", v1::DOCUMENT_VIEW_BASIC);
  ASSERT_TRUE(basic.ok()) << basic.status();
  EXPECT_TRUE(MessageDifferencer::Equals(*basic, put->stored_basic))
      << basic->DebugString() << "\nvs\n" << put->stored_basic.DebugString();
  EXPECT_EQ(basic->title(), "Wahl in Hessen");
  EXPECT_EQ(basic->metadata().at("outlet"), "Beispielblatt");
  EXPECT_EQ(basic->published_at().nanos(), 5);
  EXPECT_TRUE(basic->text().empty());
  EXPECT_EQ(basic->paragraphs_size(), 0);
  EXPECT_FALSE(basic->has_annotations());

  absl::StatusOr<v1::Document> text = store_->Get("d1", v1::DOCUMENT_VIEW_TEXT);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(text->text(), input.text());
  EXPECT_TRUE(MessageDifferencer::Equals(text->paragraphs(0), input.paragraphs(0)));
  EXPECT_EQ(text->paragraphs_size(), 2);
  EXPECT_FALSE(text->has_annotations());

  absl::StatusOr<v1::Document> full = store_->Get("d1", v1::DOCUMENT_VIEW_FULL);
  ASSERT_TRUE(full.ok()) << full.status();
  EXPECT_TRUE(MessageDifferencer::Equals(full->annotations(), input.annotations()));
  EXPECT_EQ(full->text(), input.text());

  // Get defaults to FULL.
  absl::StatusOr<v1::Document> by_default = store_->Get("d1");
  ASSERT_TRUE(by_default.ok()) << by_default.status();
  EXPECT_TRUE(MessageDifferencer::Equals(*by_default, *full));
}

TEST_P(StoreContractTest, PendingWithoutAnnotationsAndGivenStateIsKept) {
  absl::StatusOr<PutResult> pending = store_->Put(MakeDocument("p", "Ohne Analyse", "Text."));
  ASSERT_TRUE(pending.ok()) << pending.status();
  EXPECT_EQ(pending->stored_basic.state(), v1::DOCUMENT_STATE_PENDING);

  v1::Document failed = MakeDocument("f", "Kaputt", "Text.");
  failed.set_state(v1::DOCUMENT_STATE_FAILED);
  failed.set_state_reason("Annotator lehnte den Text ab");
  absl::StatusOr<PutResult> put = store_->Put(failed);
  ASSERT_TRUE(put.ok()) << put.status();
  absl::StatusOr<v1::Document> got = store_->Get("f");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->state(), v1::DOCUMENT_STATE_FAILED);
  EXPECT_EQ(got->state_reason(), "Annotator lehnte den Text ab");
  EXPECT_FALSE(got->has_annotations());
}

TEST_P(StoreContractTest, DuplicatePutWritesNothing) {
  PutOrDie(MakeDocument("d1", "Erste Fassung", "Der Landtag tagt."));
  v1::Document again = Annotated(MakeDocument("d1", "Zweite Fassung", "Der Landtag vertagt sich."));
  absl::StatusOr<PutResult> second = store_->Put(again);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_FALSE(second->created);
  EXPECT_EQ(second->stored_basic.title(), "Erste Fassung");
  EXPECT_EQ(second->stored_basic.state(), v1::DOCUMENT_STATE_PENDING);

  absl::StatusOr<v1::Document> got = store_->Get("d1");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->title(), "Erste Fassung");
  EXPECT_FALSE(got->has_annotations());
  EXPECT_EQ(store_->Stats()->document_count(), 1);
  EXPECT_THAT(SearchIds("vertagt"), ElementsAre());
}

// Annotations as the annotator would attach them later: a lemma that is not
// a surface word of the text, an entity and a term.
v1::Annotations LaterAnnotations() {
  v1::Annotations annotations;
  annotations.set_model_name("korpus-de");
  annotations.set_model_version("0.3.0");
  v1::Token* token = annotations.add_tokens();
  token->set_begin(0);
  token->set_end(3);
  token->set_kind(v1::TOKEN_KIND_WORD);
  token->set_text("Die");
  v1::Sentence* sentence = annotations.add_sentences();
  sentence->set_begin(0);
  sentence->set_end(3);
  sentence->set_first_token(0);
  sentence->set_token_count(1);
  v1::Word* word = annotations.add_words();
  word->set_token_index(0);
  word->set_form("verhandelten");
  word->set_lemma("verhandeln");
  word->set_upos(v1::UNIVERSAL_POS_VERB);
  v1::DocumentEntity* entity = annotations.add_entities();
  entity->set_entity_id("Q-landtag");
  entity->set_canonical_name("Landtag");
  entity->set_type(v1::ENTITY_TYPE_ORGANIZATION);
  entity->set_salience(0.5);
  v1::EntityMention* mention = entity->add_mentions();
  mention->set_begin(0);
  mention->set_end(1);
  mention->set_text("Landtag");
  mention->set_form(v1::MENTION_FORM_NAME);
  v1::Term* term = annotations.add_terms();
  term->set_key("landtag");
  term->set_text("Landtag");
  term->set_kind(v1::TERM_KIND_LEMMA);
  term->set_count(2);
  term->set_begin(0);
  term->set_end(1);
  return annotations;
}

TEST_P(StoreContractTest, AnnotateAttachesAnnotationsToAPendingDocumentOnce) {
  absl::StatusOr<PutResult> put =
      store_->Put(MakeDocument("later", "Landtag tagt", "Die Fraktionen verhandelten lange."));
  ASSERT_TRUE(put.ok()) << put.status();
  ASSERT_EQ(put->stored_basic.state(), v1::DOCUMENT_STATE_PENDING);
  EXPECT_THAT(SearchIds("verhandeln"), ElementsAre());

  absl::StatusOr<AnnotateResult> annotated = store_->Annotate("later", LaterAnnotations());
  ASSERT_TRUE(annotated.ok()) << annotated.status();
  EXPECT_TRUE(annotated->changed);
  EXPECT_EQ(annotated->stored_basic.state(), v1::DOCUMENT_STATE_ANNOTATED);
  EXPECT_EQ(annotated->stored_basic.sentence_count(), 1);
  EXPECT_EQ(annotated->stored_basic.token_count(), 1);
  // It keeps its place in ingestion order.
  EXPECT_TRUE(MessageDifferencer::Equals(annotated->stored_basic.ingested_at(),
                                         put->stored_basic.ingested_at()));

  absl::StatusOr<v1::Document> got = store_->Get("later");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->state(), v1::DOCUMENT_STATE_ANNOTATED);
  ASSERT_TRUE(got->has_annotations());
  EXPECT_EQ(got->annotations().model_version(), "0.3.0");
  // The index work of Put: keywords, story, lemma search, entities.
  EXPECT_GT(got->annotations().keywords_size(), 0);
  EXPECT_FALSE(got->annotations().story_id().empty());
  EXPECT_THAT(SearchIds("verhandeln"), ElementsAre("later"));
  EXPECT_THAT(SearchIds("Fraktionen"), ElementsAre("later"));
  v1::GetEntityRequest entity_request;
  entity_request.set_entity_id("Q-landtag");
  absl::StatusOr<v1::Entity> entity = store_->GetEntity(entity_request);
  ASSERT_TRUE(entity.ok()) << entity.status();
  EXPECT_EQ(entity->document_count(), 1);
  absl::StatusOr<v1::CorpusStats> stats = store_->Stats();
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->document_count(), 1);

  // Again (another gateway's reconciler): nothing changes, and it says so.
  v1::Annotations other = LaterAnnotations();
  other.set_model_version("9.9.9");
  absl::StatusOr<AnnotateResult> again = store_->Annotate("later", other);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_FALSE(again->changed);
  EXPECT_EQ(again->stored_basic.state(), v1::DOCUMENT_STATE_ANNOTATED);
  got = store_->Get("later");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->annotations().model_version(), "0.3.0");
  entity = store_->GetEntity(entity_request);
  ASSERT_TRUE(entity.ok()) << entity.status();
  EXPECT_EQ(entity->document_count(), 1);
  EXPECT_THAT(SearchIds("verhandeln"), ElementsAre("later"));
}

TEST_P(StoreContractTest, AnnotateMatchesPutOfTheAnnotatedDocument) {
  v1::Document direct = MakeDocument("direkt", "Landtag tagt", "Die Fraktionen verhandelten.");
  *direct.mutable_annotations() = LaterAnnotations();
  PutOrDie(direct);
  PutOrDie(MakeDocument("spaeter", "Landtag tagt", "Die Fraktionen verhandelten."));
  absl::StatusOr<AnnotateResult> annotated = store_->Annotate("spaeter", LaterAnnotations());
  ASSERT_TRUE(annotated.ok()) << annotated.status();
  ASSERT_TRUE(annotated->changed);

  absl::StatusOr<v1::Document> first = store_->Get("direkt");
  absl::StatusOr<v1::Document> second = store_->Get("spaeter");
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(second.ok()) << second.status();
  // The same text and terms: the same story, the same keywords.
  EXPECT_EQ(second->annotations().story_id(), first->annotations().story_id());
  ASSERT_EQ(second->annotations().keywords_size(), first->annotations().keywords_size());
  EXPECT_EQ(second->annotations().keywords(0).key(), first->annotations().keywords(0).key());
  EXPECT_EQ(second->sentence_count(), first->sentence_count());
  EXPECT_THAT(SearchIds("verhandeln"), UnorderedElementsAre("direkt", "spaeter"));
  v1::GetEntityRequest entity_request;
  entity_request.set_entity_id("Q-landtag");
  absl::StatusOr<v1::Entity> entity = store_->GetEntity(entity_request);
  ASSERT_TRUE(entity.ok()) << entity.status();
  EXPECT_EQ(entity->document_count(), 2);
  absl::StatusOr<v1::CorpusStats> stats = store_->Stats();
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->document_count(), 2);
}

TEST_P(StoreContractTest, AnnotateRejectsUnknownIdsAndBadAnnotations) {
  absl::StatusOr<AnnotateResult> unknown = store_->Annotate("fehlt", LaterAnnotations());
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound) << unknown.status();
  EXPECT_EQ(store_->Annotate("", LaterAnnotations()).status().code(),
            absl::StatusCode::kInvalidArgument);

  PutOrDie(MakeDocument("p", "Landtag tagt", "Die Fraktionen verhandelten."));
  v1::Annotations bad = LaterAnnotations();
  bad.mutable_entities(0)->set_entity_id("");
  absl::StatusOr<AnnotateResult> refused = store_->Annotate("p", bad);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << refused.status();
  // Nothing of it was written.
  absl::StatusOr<v1::Document> got = store_->Get("p");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->state(), v1::DOCUMENT_STATE_PENDING);
  EXPECT_FALSE(got->has_annotations());
}

TEST_P(StoreContractTest, MarkFailedOnlyChangesPendingDocuments) {
  PutOrDie(MakeDocument("p", "Landtag tagt", "Die Fraktionen verhandelten."));
  absl::StatusOr<AnnotateResult> failed = store_->MarkFailed("p", "Text zu lang");
  ASSERT_TRUE(failed.ok()) << failed.status();
  EXPECT_TRUE(failed->changed);
  EXPECT_EQ(failed->stored_basic.state(), v1::DOCUMENT_STATE_FAILED);
  EXPECT_EQ(failed->stored_basic.state_reason(), "Text zu lang");
  absl::StatusOr<v1::Document> got = store_->Get("p");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->state(), v1::DOCUMENT_STATE_FAILED);
  EXPECT_EQ(got->state_reason(), "Text zu lang");

  absl::StatusOr<AnnotateResult> again = store_->MarkFailed("p", "anderer Grund");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_FALSE(again->changed);
  EXPECT_EQ(again->stored_basic.state_reason(), "Text zu lang");

  // A failed document may still be annotated (a retry that succeeded);
  // an annotated one is never marked failed.
  absl::StatusOr<AnnotateResult> annotated = store_->Annotate("p", LaterAnnotations());
  ASSERT_TRUE(annotated.ok()) << annotated.status();
  EXPECT_TRUE(annotated->changed);
  EXPECT_EQ(annotated->stored_basic.state_reason(), "");
  absl::StatusOr<AnnotateResult> late = store_->MarkFailed("p", "zu spaet");
  ASSERT_TRUE(late.ok()) << late.status();
  EXPECT_FALSE(late->changed);
  EXPECT_EQ(late->stored_basic.state(), v1::DOCUMENT_STATE_ANNOTATED);

  EXPECT_EQ(store_->MarkFailed("fehlt", "Grund").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->MarkFailed("p", "").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(StoreContractTest, ListFiltersByStateOldestFirst) {
  for (int i = 0; i < 5; ++i) {
    PutOrDie(MakeDocument(absl::StrCat("s", i), "Landtag tagt", "Die Fraktionen verhandelten."));
  }
  ASSERT_TRUE(store_->Annotate("s1", LaterAnnotations()).ok());
  ASSERT_TRUE(store_->MarkFailed("s3", "zu lang").ok());

  v1::ListDocumentsRequest request;
  request.set_state(v1::DOCUMENT_STATE_PENDING);
  request.set_page_size(2);
  std::vector<std::string> pending;
  while (true) {
    absl::StatusOr<v1::ListDocumentsResponse> page = store_->List(request);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const v1::Document& document : page->documents()) {
      EXPECT_EQ(document.state(), v1::DOCUMENT_STATE_PENDING);
      pending.push_back(document.id());
    }
    if (page->next_page_token().empty()) break;
    request.set_page_token(page->next_page_token());
  }
  EXPECT_THAT(pending, ElementsAre("s0", "s2", "s4"));

  // A token is bound to its state filter.
  v1::ListDocumentsRequest other;
  other.set_page_size(2);
  absl::StatusOr<v1::ListDocumentsResponse> first = store_->List(other);
  ASSERT_TRUE(first.ok()) << first.status();
  other.set_page_token(first->next_page_token());
  other.set_state(v1::DOCUMENT_STATE_PENDING);
  EXPECT_EQ(store_->List(other).status().code(), absl::StatusCode::kInvalidArgument);

  v1::ListDocumentsRequest with_entity;
  with_entity.set_state(v1::DOCUMENT_STATE_ANNOTATED);
  with_entity.add_entity_ids("Q-landtag");
  absl::StatusOr<v1::ListDocumentsResponse> annotated = store_->List(with_entity);
  ASSERT_TRUE(annotated.ok()) << annotated.status();
  ASSERT_EQ(annotated->documents_size(), 1);
  EXPECT_EQ(annotated->documents(0).id(), "s1");
  with_entity.set_state(v1::DOCUMENT_STATE_PENDING);
  annotated = store_->List(with_entity);
  ASSERT_TRUE(annotated.ok()) << annotated.status();
  EXPECT_EQ(annotated->documents_size(), 0);

  v1::ListDocumentsRequest bad;
  bad.set_state(static_cast<v1::DocumentState>(42));
  EXPECT_EQ(store_->List(bad).status().code(), absl::StatusCode::kInvalidArgument);
}

// Lists every page of `request` and returns the ids, oldest first.
std::vector<std::string> ListAllIds(Store& store, v1::ListDocumentsRequest request) {
  std::vector<std::string> ids;
  while (true) {
    absl::StatusOr<v1::ListDocumentsResponse> page = store.List(request);
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok()) break;
    for (const v1::Document& document : page->documents()) ids.push_back(document.id());
    if (page->next_page_token().empty()) break;
    request.set_page_token(page->next_page_token());
  }
  return ids;
}

TEST_P(StoreContractTest, ListFiltersByPublishedRangeAndSourcePrefix) {
  // t0 .. t3 a day apart; "ohne" has no published_at.
  for (int i = 0; i < 4; ++i) {
    v1::Document document = MakeDocument(absl::StrCat("t", i), "Stadtrat tagt",
                                         "Die Sitzung dauerte bis in den Abend.");
    document.mutable_published_at()->set_seconds(1700000000 + 86400 * i);
    document.mutable_published_at()->set_nanos(0);
    if (i % 2 == 1) document.set_source_uri(absl::StrCat("https://lokal.example/", i));
    PutOrDie(document);
  }
  v1::Document undated = MakeDocument("ohne", "Stadtrat tagt", "Ohne Datum veröffentlicht.");
  undated.clear_published_at();
  PutOrDie(undated);

  v1::ListDocumentsRequest all;
  all.set_page_size(1);
  EXPECT_THAT(ListAllIds(*store_, all), ElementsAre("t0", "t1", "t2", "t3", "ohne"));

  // After is inclusive, before exclusive; undated documents drop out.
  v1::ListDocumentsRequest range = all;
  range.mutable_published_after()->set_seconds(1700000000 + 86400);
  range.mutable_published_before()->set_seconds(1700000000 + 3 * 86400);
  EXPECT_THAT(ListAllIds(*store_, range), ElementsAre("t1", "t2"));
  v1::ListDocumentsRequest after_only = all;
  after_only.mutable_published_after()->set_seconds(1700000000 + 2 * 86400);
  EXPECT_THAT(ListAllIds(*store_, after_only), ElementsAre("t2", "t3"));
  v1::ListDocumentsRequest before_only = all;
  before_only.mutable_published_before()->set_seconds(1700000000);
  before_only.mutable_published_before()->set_nanos(1);
  EXPECT_THAT(ListAllIds(*store_, before_only), ElementsAre("t0"));

  v1::ListDocumentsRequest prefix = all;
  prefix.set_source_prefix("https://lokal.example/");
  EXPECT_THAT(ListAllIds(*store_, prefix), ElementsAre("t1", "t3"));
  // No wildcards: '%' and '_' are plain characters.
  prefix.set_source_prefix("https://lokal%");
  EXPECT_THAT(ListAllIds(*store_, prefix), ElementsAre());
  prefix.set_source_prefix("https://lokal.example/");
  prefix.mutable_published_after()->set_seconds(1700000000 + 2 * 86400);
  EXPECT_THAT(ListAllIds(*store_, prefix), ElementsAre("t3"));

  // Combined with an entity filter.
  ASSERT_TRUE(store_->Annotate("t1", LaterAnnotations()).ok());
  ASSERT_TRUE(store_->Annotate("t3", LaterAnnotations()).ok());
  v1::ListDocumentsRequest with_entity = range;
  with_entity.add_entity_ids("Q-landtag");
  EXPECT_THAT(ListAllIds(*store_, with_entity), ElementsAre("t1"));

  // A token is bound to the filters.
  v1::ListDocumentsRequest first = range;
  absl::StatusOr<v1::ListDocumentsResponse> page = store_->List(first);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_FALSE(page->next_page_token().empty());
  first.set_page_token(page->next_page_token());
  first.mutable_published_before()->set_seconds(1700000000 + 4 * 86400);
  EXPECT_EQ(store_->List(first).status().code(), absl::StatusCode::kInvalidArgument);
  first = prefix;
  page = store_->List(all);
  ASSERT_TRUE(page.ok()) << page.status();
  first.set_page_token(page->next_page_token());
  EXPECT_EQ(store_->List(first).status().code(), absl::StatusCode::kInvalidArgument);

  v1::ListDocumentsRequest reversed;
  reversed.mutable_published_after()->set_seconds(1700000000 + 86400);
  reversed.mutable_published_before()->set_seconds(1700000000);
  absl::Status status = store_->List(reversed).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("published_after"));
  v1::ListDocumentsRequest bad_nanos;
  bad_nanos.mutable_published_before()->set_nanos(-1);
  status = store_->List(bad_nanos).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("published_before"));
}

TEST_P(StoreContractTest, SearchFiltersByPublishedRangeAndSourcePrefix) {
  for (int i = 0; i < 4; ++i) {
    v1::Document document = MakeDocument(absl::StrCat("r", i), "Gemeinderat tagt",
                                         "Der Gemeinderat beriet über den Haushalt.");
    document.mutable_published_at()->set_seconds(1700000000 + 86400 * i);
    if (i >= 2) document.set_source_uri(absl::StrCat("https://land.example/", i));
    PutOrDie(document);
  }
  v1::Document undated = MakeDocument("r-ohne", "Gemeinderat tagt", "Ohne Datum.");
  undated.clear_published_at();
  PutOrDie(undated);
  PutOrDie(MakeDocument("anders", "Wetter", "Es regnet am Wochenende."));

  auto ids = [this](v1::SearchRequest request) {
    std::vector<std::string> found;
    int64_t total = -1;
    while (true) {
      absl::StatusOr<v1::SearchResponse> page = store_->Search(request);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      if (total < 0) total = page->total_size();
      for (const v1::SearchHit& hit : page->hits()) found.push_back(hit.document().id());
      if (page->next_page_token().empty()) break;
      request.set_page_token(page->next_page_token());
    }
    EXPECT_EQ(total, static_cast<int64_t>(found.size()));
    std::sort(found.begin(), found.end());
    return found;
  };
  v1::SearchRequest all;
  all.set_query("Gemeinderat");
  all.set_page_size(1);
  EXPECT_THAT(ids(all), ElementsAre("r-ohne", "r0", "r1", "r2", "r3"));

  v1::SearchRequest range = all;
  range.mutable_published_after()->set_seconds(1700000000 + 86400);
  range.mutable_published_before()->set_seconds(1700000000 + 3 * 86400);
  EXPECT_THAT(ids(range), ElementsAre("r1", "r2"));
  v1::SearchRequest prefix = all;
  prefix.set_source_prefix("https://land.example/");
  EXPECT_THAT(ids(prefix), ElementsAre("r2", "r3"));
  prefix.mutable_published_before()->set_seconds(1700000000 + 3 * 86400);
  EXPECT_THAT(ids(prefix), ElementsAre("r2"));

  // A token is bound to the filters.
  absl::StatusOr<v1::SearchResponse> page = store_->Search(all);
  ASSERT_TRUE(page.ok()) << page.status();
  range.set_page_token(page->next_page_token());
  EXPECT_EQ(store_->Search(range).status().code(), absl::StatusCode::kInvalidArgument);

  // Documents per month of all matches, not just the page.
  v1::SearchRequest months = all;
  months.set_documents_per_month(true);
  months.mutable_published_before()->set_seconds(1700000000 + 2 * 86400);
  page = store_->Search(months);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->hits_size(), 1);
  ASSERT_EQ(page->documents_per_month_size(), 1);
  EXPECT_EQ(page->documents_per_month(0).year(), 2023);
  EXPECT_EQ(page->documents_per_month(0).month(), 11);
  EXPECT_EQ(page->documents_per_month(0).document_count(), 2);
  months.clear_published_before();
  page = store_->Search(months);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->documents_per_month_size(), 1);
  EXPECT_EQ(page->documents_per_month(0).document_count(), 4);  // r-ohne has no date
  EXPECT_EQ(store_->Search(all)->documents_per_month_size(), 0);

  v1::SearchRequest reversed = all;
  reversed.mutable_published_after()->set_seconds(1700000000 + 86400);
  reversed.mutable_published_before()->set_seconds(1700000000);
  const absl::Status status = store_->Search(reversed).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("SearchRequest.published_after"));
}

TEST_P(StoreContractTest, GetUnknownIdIsNotFound) {
  absl::StatusOr<v1::Document> got = store_->Get("d-gibt-es-nicht");
  EXPECT_EQ(got.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(got.status().message()), HasSubstr("'d-gibt-es-nicht'"));
  EXPECT_EQ(store_->Get("").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(StoreContractTest, PutValidatesItsInput) {
  v1::Document no_id = MakeDocument("", "Titel", "Text.");
  EXPECT_EQ(store_->Put(no_id).status().code(), absl::StatusCode::kInvalidArgument);
  v1::Document no_text = MakeDocument("x", "Titel", "Text.");
  no_text.clear_text();
  EXPECT_EQ(store_->Put(no_text).status().code(), absl::StatusCode::kInvalidArgument);
  v1::Document annotated_without_annotations = MakeDocument("y", "Titel", "Text.");
  annotated_without_annotations.set_state(v1::DOCUMENT_STATE_ANNOTATED);
  EXPECT_EQ(store_->Put(annotated_without_annotations).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Stats()->document_count(), 0);
}

TEST_P(StoreContractTest, ListPagesAreStableCompleteAndWithoutDuplicates) {
  std::vector<std::string> expected;
  for (int i = 0; i < 7; ++i) {
    // Ids deliberately not in insertion order alphabetically.
    const std::string id = absl::StrCat("doc-", 9 - i);
    PutOrDie(MakeDocument(id, absl::StrCat("Meldung ", i), "Kurzer Text zur Lage."));
    expected.push_back(id);
  }
  v1::ListDocumentsRequest request;
  request.set_page_size(3);
  std::vector<std::string> seen;
  std::vector<int> page_sizes;
  for (int page = 0; page < 10; ++page) {
    absl::StatusOr<v1::ListDocumentsResponse> response = store_->List(request);
    ASSERT_TRUE(response.ok()) << response.status();
    page_sizes.push_back(response->documents_size());
    for (const v1::Document& document : response->documents()) {
      seen.push_back(document.id());
      EXPECT_TRUE(document.text().empty()) << "List defaults to BASIC";
    }
    if (page == 0) {
      // A document added while paging shows up at the end, once.
      PutOrDie(MakeDocument("spaet", "Nachzuegler", "Kam während des Blätterns."));
      expected.push_back("spaet");
    }
    if (response->next_page_token().empty()) break;
    request.set_page_token(response->next_page_token());
  }
  EXPECT_EQ(seen, expected);
  EXPECT_THAT(page_sizes, ElementsAre(3, 3, 2));
}

TEST_P(StoreContractTest, ListRejectsBadPageSizesAndTokens) {
  for (int i = 0; i < 4; ++i) PutOrDie(MakeDocument(absl::StrCat("d", i), "Titel", "Text."));
  v1::ListDocumentsRequest request;
  request.set_page_size(1001);
  EXPECT_EQ(store_->List(request).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(store_->List(request).status().message()),
              HasSubstr("page_size must be between 0 and 1000"));
  request.set_page_size(-1);
  EXPECT_EQ(store_->List(request).status().code(), absl::StatusCode::kInvalidArgument);

  request.set_page_size(0);  // the default of 50
  absl::StatusOr<v1::ListDocumentsResponse> all = store_->List(request);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->documents_size(), 4);
  EXPECT_TRUE(all->next_page_token().empty());

  request.set_page_size(2);
  absl::StatusOr<v1::ListDocumentsResponse> first = store_->List(request);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_FALSE(first->next_page_token().empty());

  request.set_page_token("kaputt");
  EXPECT_EQ(store_->List(request).status().code(), absl::StatusCode::kInvalidArgument);
  std::string garbled = first->next_page_token();
  garbled[garbled.size() / 2] = garbled[garbled.size() / 2] == 'A' ? 'B' : 'A';
  request.set_page_token(garbled);
  EXPECT_EQ(store_->List(request).status().code(), absl::StatusCode::kInvalidArgument);
  // A token is bound to the parameters it was issued for.
  request.set_page_token(first->next_page_token());
  request.set_view(v1::DOCUMENT_VIEW_TEXT);
  EXPECT_EQ(store_->List(request).status().code(), absl::StatusCode::kInvalidArgument);
  v1::SearchRequest search;
  search.set_query("Titel");
  search.set_page_token(first->next_page_token());
  EXPECT_EQ(store_->Search(search).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(StoreContractTest, ListInFullViewCarriesAnnotations) {
  PutOrDie(Annotated(MakeDocument("a", "Mit Analyse", "Text.")));
  PutOrDie(MakeDocument("b", "Ohne Analyse", "Text."));
  v1::ListDocumentsRequest request;
  request.set_view(v1::DOCUMENT_VIEW_FULL);
  absl::StatusOr<v1::ListDocumentsResponse> response = store_->List(request);
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->documents_size(), 2);
  EXPECT_EQ(response->documents(0).annotations().model_name(), "korpus-de");
  EXPECT_FALSE(response->documents(1).has_annotations());
  EXPECT_FALSE(response->documents(1).text().empty());
}

TEST_P(StoreContractTest, SearchNeedsEveryWord) {
  PutGermanCorpus();
  EXPECT_THAT(SearchIds("Händler"), UnorderedElementsAre("chips", "zoll"));
  EXPECT_THAT(SearchIds("Händler China"), ElementsAre("chips"));
  EXPECT_THAT(SearchIds("Händler Tokio"), ElementsAre());
}

TEST_P(StoreContractTest, SearchMatchesWholeWordsOnly) {
  PutGermanCorpus();
  // unicode61 splits "US-Exportkontrollen" at the hyphen.
  EXPECT_THAT(SearchIds("Exportkontrollen"), ElementsAre("chips"));
  EXPECT_THAT(SearchIds("Exportkontrolle"), ElementsAre("zoll"));
  EXPECT_THAT(SearchIds("Export"), ElementsAre());
  EXPECT_THAT(SearchIds("US-Exportkontrollen"), ElementsAre("chips"));
  // "Berliner" is not "Berlin".
  EXPECT_THAT(SearchIds("Berlin"), ElementsAre("fahrrad"));
}

TEST_P(StoreContractTest, SearchIsCaseInsensitiveIncludingUmlauts) {
  PutGermanCorpus();
  EXPECT_THAT(SearchIds("exportkontrollen"), ElementsAre("chips"));
  EXPECT_THAT(SearchIds("HALBLEITER"), ElementsAre("chips"));
  EXPECT_THAT(SearchIds("äpfel"), ElementsAre("aepfel"));
  EXPECT_THAT(SearchIds("ÄPFEL"), ElementsAre("aepfel"));
}

TEST_P(StoreContractTest, SearchKeepsUmlautsDistinct) {
  PutGermanCorpus();
  EXPECT_THAT(SearchIds("Äpfel"), ElementsAre("aepfel"));
  EXPECT_THAT(SearchIds("Apfel"), ElementsAre("apfel"));
  EXPECT_THAT(SearchIds("Apfeln"), ElementsAre());
}

TEST_P(StoreContractTest, SearchPhrasesNeedAdjacentWordsInOrder) {
  PutGermanCorpus();
  EXPECT_THAT(SearchIds("\"Berliner Senat\""), ElementsAre("senat"));
  EXPECT_THAT(SearchIds("\"Senat Berliner\""), ElementsAre());
  EXPECT_THAT(SearchIds("Senat"), UnorderedElementsAre("senat", "fahrrad"));
  EXPECT_THAT(SearchIds("\"Senat von Berlin\" Fahrräder"), ElementsAre("fahrrad"));
}

TEST_P(StoreContractTest, SearchCombinesTermsWithAndOrNot) {
  PutGermanCorpus();
  EXPECT_THAT(SearchIds("Händler AND China"), ElementsAre("chips"));
  EXPECT_THAT(SearchIds("Halbleiter OR Haushalt"), UnorderedElementsAre("chips", "senat"));
  EXPECT_THAT(SearchIds("Händler NOT China"), ElementsAre("zoll"));
  EXPECT_THAT(SearchIds("Senat NOT \"Berliner Senat\""), ElementsAre("fahrrad"));
  EXPECT_THAT(SearchIds("(Äpfel OR Apfel) NOT Arzt"), ElementsAre("aepfel"));
  EXPECT_THAT(SearchIds("Händler OR Tokio"), UnorderedElementsAre("chips", "zoll"));
  // OR binds weaker than AND.
  EXPECT_THAT(SearchIds("Händler China OR Fahrräder"), UnorderedElementsAre("chips", "fahrrad"));
}

TEST_P(StoreContractTest, SearchMatchesPrefixes) {
  PutGermanCorpus();
  EXPECT_THAT(SearchIds("Händ*"), UnorderedElementsAre("chips", "zoll"));
  EXPECT_THAT(SearchIds("Exportkontroll*"), UnorderedElementsAre("chips", "zoll"));
  EXPECT_THAT(SearchIds("Haushal* Senat"), ElementsAre("senat"));
  EXPECT_THAT(SearchIds("Tokio*"), ElementsAre());
}

TEST_P(StoreContractTest, SearchTreatsEngineSyntaxAndSqlAsPlainWords) {
  PutGermanCorpus();
  // Engine operators other than the query language's and SQL fragments are
  // quoted, never interpreted.
  EXPECT_THAT(SearchIds("title:Haushalt"), ElementsAre());
  EXPECT_THAT(SearchIds("Haushalt'; DROP TABLE documents"), ElementsAre());
  EXPECT_THAT(SearchIds("\"Haushalt'); DROP TABLE documents;\""), ElementsAre());
  EXPECT_THAT(SearchIds("Händler NEAR China"), ElementsAre());
  EXPECT_THAT(SearchIds("Händler|China"), ElementsAre());
  EXPECT_EQ(store_->Stats()->document_count(), 6);
}

TEST_P(StoreContractTest, SearchRejectsMalformedQueries) {
  PutGermanCorpus();
  v1::SearchRequest request;
  EXPECT_EQ(store_->Search(request).status().code(), absl::StatusCode::kInvalidArgument);
  request.set_query("Senat \"Berliner");
  absl::Status status = store_->Search(request).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("position 6"));
  request.set_query("Senat");
  request.set_page_size(1001);
  EXPECT_EQ(store_->Search(request).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(StoreContractTest, SearchSnippetBracketsTheMatchAndScoresRankBetterFirst) {
  PutGermanCorpus();
  PutOrDie(MakeDocument("oft", "Halbleiter, Halbleiter",
                        "Halbleiter sind knapp, und Halbleiter bleiben teuer."));
  v1::SearchRequest request;
  request.set_query("Halbleiter");
  absl::StatusOr<v1::SearchResponse> response = store_->Search(request);
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->hits_size(), 2);
  EXPECT_EQ(response->total_size(), 2);
  EXPECT_EQ(response->hits(0).document().id(), "oft");
  EXPECT_GT(response->hits(0).score(), response->hits(1).score());
  EXPECT_GT(response->hits(1).score(), 0);
  EXPECT_THAT(response->hits(1).snippet(), HasSubstr("[Halbleiter]"));
  EXPECT_TRUE(response->hits(1).document().text().empty()) << "Search defaults to BASIC";

  request.set_query("exportkontrollen");
  request.set_view(v1::DOCUMENT_VIEW_TEXT);
  response = store_->Search(request);
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->hits_size(), 1);
  // The original spelling, bracketed.
  EXPECT_THAT(response->hits(0).snippet(), HasSubstr("US-[Exportkontrollen]"));
  EXPECT_FALSE(response->hits(0).document().text().empty());
}

TEST_P(StoreContractTest, SearchPagesAreCompleteAndBoundToTheQuery) {
  for (int i = 0; i < 7; ++i) {
    PutOrDie(MakeDocument(absl::StrCat("d", i), absl::StrCat("Bericht ", i),
                          "Der Bundestag debattiert über die Rente."));
  }
  v1::SearchRequest request;
  request.set_query("Rente");
  request.set_page_size(3);
  std::set<std::string> seen;
  int pages = 0;
  std::string second_token;
  while (true) {
    absl::StatusOr<v1::SearchResponse> response = store_->Search(request);
    ASSERT_TRUE(response.ok()) << response.status();
    EXPECT_EQ(response->total_size(), 7);
    for (const v1::SearchHit& hit : response->hits()) {
      EXPECT_TRUE(seen.insert(hit.document().id()).second) << "duplicate " << hit.document().id();
    }
    ++pages;
    if (response->next_page_token().empty()) break;
    if (pages == 1) second_token = response->next_page_token();
    request.set_page_token(response->next_page_token());
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen.size(), 7u);

  request.set_page_token(second_token);
  request.set_query("Bundestag");
  EXPECT_EQ(store_->Search(request).status().code(), absl::StatusCode::kInvalidArgument);
  // Whitespace differences do not change the query.
  request.set_query("  Rente ");
  EXPECT_TRUE(store_->Search(request).ok());
}

TEST_P(StoreContractTest, StatsCountDocumentsAndStates) {
  absl::StatusOr<v1::CorpusStats> empty = store_->Stats();
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ(empty->document_count(), 0);
  EXPECT_FALSE(empty->has_last_ingested_at());

  PutOrDie(Annotated(MakeDocument("a", "Eins", "Text eins.")));
  v1::Document counted = MakeDocument("b", "Zwei", "Text zwei.");
  counted.set_char_count(100);
  counted.set_sentence_count(4);
  counted.set_token_count(20);
  PutOrDie(counted);
  v1::Document failed = MakeDocument("c", "Drei", "Text drei.");
  failed.set_state(v1::DOCUMENT_STATE_FAILED);
  PutOrDie(failed);

  absl::StatusOr<v1::CorpusStats> stats = store_->Stats();
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->document_count(), 3);
  EXPECT_EQ(stats->annotated_count(), 1);
  EXPECT_EQ(stats->pending_count(), 1);
  EXPECT_EQ(stats->failed_count(), 1);
  EXPECT_EQ(stats->sentence_count(), 1 + 4);
  EXPECT_EQ(stats->token_count(), 1 + 20);
  EXPECT_EQ(stats->char_count(), 16 + 100 + 16);
  absl::StatusOr<v1::Document> newest = store_->Get("c", v1::DOCUMENT_VIEW_BASIC);
  ASSERT_TRUE(newest.ok());
  EXPECT_TRUE(MessageDifferencer::Equals(stats->last_ingested_at(), newest->ingested_at()));
}

TEST_P(StoreContractTest, ReopeningKeepsTheData) {
  PutOrDie(Annotated(MakeDocument("bleibt", "Dauerhaft", "Der Text überlebt den Neustart.")));
  store_.reset();
  store_ = Open();
  ASSERT_NE(store_, nullptr);
  absl::StatusOr<v1::Document> got = store_->Get("bleibt");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->annotations().model_name(), "korpus-de");
  EXPECT_THAT(SearchIds("Neustart"), ElementsAre("bleibt"));
  // Still idempotent, and the sequence continues.
  EXPECT_FALSE(store_->Put(MakeDocument("bleibt", "Dauerhaft", "x"))->created);
  PutOrDie(MakeDocument("neu", "Neu", "Danach gespeichert."));
  absl::StatusOr<v1::ListDocumentsResponse> list = store_->List({});
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->documents_size(), 2);
  EXPECT_EQ(list->documents(1).id(), "neu");
}

TEST_P(StoreContractTest, RefusesANewerSchema) {
  PutOrDie(MakeDocument("d", "Titel", "Text."));
  store_.reset();
  RawExec(backend_->SetSchemaVersionSql(backend_->SchemaVersion() + 1));
  absl::StatusOr<std::unique_ptr<Store>> store = OpenStore(backend_->Spec());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(store.status().message()), HasSubstr("newer"));
}

TEST_P(StoreContractTest, AFailedPutLeavesNothingBehind) {
  // Fault injection: the annotations insert, the last write of a Put, fails
  // after the document row and its index entries have been written.
  RawExec(backend_->InjectInsertFailureSql("annotations"));
  const v1::Document document =
      Annotated(MakeDocument("halb", "Halb geschrieben", "Dieser Eintrag darf nicht bleiben."));
  absl::StatusOr<PutResult> put = store_->Put(document);
  ASSERT_FALSE(put.ok());
  EXPECT_THAT(std::string(put.status().message()), HasSubstr("injected failure"));

  EXPECT_EQ(store_->Get("halb").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->Stats()->document_count(), 0);
  EXPECT_THAT(SearchIds("Eintrag"), ElementsAre());

  // Once the fault is gone, the same document is stored as new.
  RawExec(backend_->RemoveInsertFailureSql("annotations"));
  absl::StatusOr<PutResult> retry = store_->Put(document);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_TRUE(retry->created);
  EXPECT_THAT(SearchIds("Eintrag"), ElementsAre("halb"));
}

TEST_P(StoreContractTest, ConcurrentWritersAndReaders) {
  constexpr int kWriters = 4;
  constexpr int kPerWriter = 25;
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([this, w] {
      for (int i = 0; i < kPerWriter; ++i) {
        absl::StatusOr<PutResult> put = store_->Put(Annotated(MakeDocument(
            absl::StrCat("w", w, "-", i), "Parallel", "Viele Schreiber, ein Archiv.")));
        EXPECT_TRUE(put.ok()) << put.status();
      }
    });
  }
  for (int r = 0; r < 2; ++r) {
    threads.emplace_back([this] {
      v1::SearchRequest request;
      request.set_query("Archiv");
      for (int i = 0; i < 50; ++i) {
        absl::StatusOr<v1::SearchResponse> response = store_->Search(request);
        EXPECT_TRUE(response.ok()) << response.status();
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(store_->Stats()->document_count(), kWriters * kPerWriter);
  v1::SearchRequest request;
  request.set_query("Archiv");
  EXPECT_EQ(store_->Search(request)->total_size(), kWriters * kPerWriter);
}


TEST_P(StoreContractTest, SearchRejectsTermsWithoutLetters) {
  PutGermanCorpus();
  // A term of punctuation only could never match; it is refused rather than
  // silently dropped (which would widen an AND to everything).
  v1::SearchRequest request;
  request.set_query("Händler –");
  EXPECT_EQ(store_->Search(request).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(StoreContractTest, ImportKeepsIngestionTimeStateAndAnnotations) {
  v1::Document exported = Annotated(
      MakeDocument("alt", "Archivmeldung", "Der Artikel stammt aus einem älteren Archiv."));
  exported.mutable_ingested_at()->set_seconds(1600000000);
  exported.mutable_ingested_at()->set_nanos(123456789);
  exported.set_char_count(60);
  exported.set_sentence_count(3);
  exported.set_token_count(12);

  absl::StatusOr<PutResult> imported = store_->Import(exported);
  ASSERT_TRUE(imported.ok()) << imported.status();
  EXPECT_TRUE(imported->created);
  absl::StatusOr<v1::Document> got = store_->Get("alt", v1::DOCUMENT_VIEW_FULL);
  ASSERT_TRUE(got.ok()) << got.status();
  v1::Document expected = exported;
  expected.mutable_ingested_at()->set_nanos(123456000);  // stored in microseconds
  expected.set_state(v1::DOCUMENT_STATE_ANNOTATED);
  EXPECT_TRUE(MessageDifferencer::Equals(*got, expected))
      << got->DebugString() << "\nvs\n" << expected.DebugString();
  EXPECT_THAT(SearchIds("Archiv"), ElementsAre("alt"));

  // Idempotent like Put; Put itself sets the time.
  EXPECT_FALSE(store_->Import(exported)->created);
  v1::Document fresh = MakeDocument("neu", "Neu", "Frisch gespeichert.");
  *fresh.mutable_ingested_at() = exported.ingested_at();
  absl::StatusOr<PutResult> put = store_->Put(fresh);
  ASSERT_TRUE(put.ok()) << put.status();
  EXPECT_GT(put->stored_basic.ingested_at().seconds(), 1600000000);
}

TEST_P(StoreContractTest, ImportStopsAtAnInvalidDocumentNamingIt) {
  std::vector<v1::Document> input = {MakeDocument("gut", "Gut", "Ein gültiger Text."),
                                     MakeDocument("leer", "Leer", "x")};
  input[1].clear_text();
  size_t next = 0;
  ImportCounts counts;
  const absl::Status status = ImportDocuments(
      *store_,
      [&](v1::Document& document) {
        if (next == input.size()) return false;
        document = input[next++];
        return true;
      },
      counts);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("document 1 (id 'leer')"));
  EXPECT_EQ(counts.created, 1);
  EXPECT_TRUE(store_->Get("gut").ok());
}

// export | import, from this test's backend into each backend: the same
// documents (FULL view, ingestion times included), in the same order, the
// same counts and the same search hits.
TEST_P(StoreContractTest, ExportThenImportGivesTheSameCorpusInEveryBackend) {
  PutGermanCorpus();
  PutOrDie(Annotated(MakeDocument("analysiert", "Mit Analyse", "Der Händler analysiert.")));
  v1::Document failed = MakeDocument("gescheitert", "Ohne Erfolg", "Händler ohne Analyse.");
  failed.set_state(v1::DOCUMENT_STATE_FAILED);
  failed.set_state_reason("Modell nicht geladen");
  PutOrDie(failed);

  std::vector<v1::Document> exported;
  const absl::Status export_status = ExportDocuments(
      *store_,
      [&](const v1::Document& document) {
        exported.push_back(document);
        return true;
      },
      /*page_size=*/3);
  ASSERT_TRUE(export_status.ok()) << export_status;
  ASSERT_EQ(exported.size(), 8u);
  EXPECT_EQ(exported.front().id(), "chips");
  EXPECT_EQ(exported.back().id(), "gescheitert");
  EXPECT_TRUE(exported[6].has_annotations());
  EXPECT_FALSE(exported[0].text().empty());

  for (const BackendFactory& target_backend : AllBackends()) {
    SCOPED_TRACE(absl::StrCat(GetParam().name, " -> ", target_backend.name));
    std::unique_ptr<StoreBackend> backend = target_backend.make();
    ASSERT_TRUE(backend->Prepare().ok());
    absl::StatusOr<std::unique_ptr<Store>> target = OpenStore(backend->Spec());
    ASSERT_TRUE(target.ok()) << target.status();
    size_t next = 0;
    ImportCounts counts;
    auto next_document = [&](v1::Document& document) {
      if (next == exported.size()) return false;
      document = exported[next++];
      return true;
    };
    ASSERT_TRUE(ImportDocuments(**target, next_document, counts).ok());
    EXPECT_EQ(counts.created, 8);
    EXPECT_EQ(counts.duplicates, 0);
    next = 0;
    counts = {};
    ASSERT_TRUE(ImportDocuments(**target, next_document, counts).ok());
    EXPECT_EQ(counts.created, 0);
    EXPECT_EQ(counts.duplicates, 8);

    v1::ListDocumentsRequest request;
    request.set_view(v1::DOCUMENT_VIEW_FULL);
    absl::StatusOr<v1::ListDocumentsResponse> copied = (*target)->List(request);
    ASSERT_TRUE(copied.ok()) << copied.status();
    ASSERT_EQ(copied->documents_size(), 8);
    for (int i = 0; i < 8; ++i) {
      EXPECT_TRUE(MessageDifferencer::Equals(copied->documents(i), exported[i]))
          << copied->documents(i).DebugString() << "\nvs\n" << exported[i].DebugString();
    }
    absl::StatusOr<v1::CorpusStats> original_stats = store_->Stats();
    absl::StatusOr<v1::CorpusStats> copied_stats = (*target)->Stats();
    ASSERT_TRUE(original_stats.ok() && copied_stats.ok());
    EXPECT_TRUE(MessageDifferencer::Equals(*original_stats, *copied_stats))
        << original_stats->DebugString() << "\nvs\n" << copied_stats->DebugString();
    for (const char* query : {"Händler", "\"Berliner Senat\"", "Exportkontrollen China"}) {
      v1::SearchRequest search;
      search.set_query(query);
      absl::StatusOr<v1::SearchResponse> original_hits = store_->Search(search);
      absl::StatusOr<v1::SearchResponse> copied_hits = (*target)->Search(search);
      ASSERT_TRUE(original_hits.ok() && copied_hits.ok()) << query;
      std::set<std::string> original_ids, copied_ids;
      for (const v1::SearchHit& hit : original_hits->hits()) original_ids.insert(hit.document().id());
      for (const v1::SearchHit& hit : copied_hits->hits()) copied_ids.insert(hit.document().id());
      EXPECT_EQ(original_ids, copied_ids) << query;
      EXPECT_EQ(original_hits->total_size(), copied_hits->total_size()) << query;
    }
    target->reset();
    backend->CleanUp();
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreContractTest, ::testing::ValuesIn(AllBackends()),
                         [](const ::testing::TestParamInfo<BackendFactory>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace korpus::store
