// German-aware search (libs/store/search_terms.h, docs/QUERY.md "German
// morphology") against every backend: query words match inflected forms and
// compound parts through the annotations' lemmas and the lexicon, snippets
// bracket those words, and exact words rank first. The stores here load the
// committed lexicon (models/de_lexicon.bin), as the storage service does.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/nlp/decompound.h"
#include "libs/store/store.h"
#include "tests/unit/store/store_backends.h"

namespace korpus::store {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

std::shared_ptr<const nlp::SearchLexicon> ModelLexicon() {
  static const auto* const lexicon = [] {
    absl::StatusOr<nlp::SearchLexicon> loaded =
        nlp::SearchLexicon::Load(std::string(KORPUS_MODEL_DIR) + "/de_lexicon.bin");
    EXPECT_TRUE(loaded.ok()) << loaded.status();
    return new std::shared_ptr<const nlp::SearchLexicon>(
        loaded.ok() ? std::make_shared<const nlp::SearchLexicon>(*std::move(loaded)) : nullptr);
  }();
  return *lexicon;
}

size_t CodePoints(const std::string& text, size_t bytes) {
  size_t count = 0;
  for (size_t i = 0; i < bytes; ++i) count += (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
  return count;
}

struct W {
  std::string form;
  std::string lemma;
  v1::UniversalPos upos;
};

// An annotated document whose text is `body`, with one token and word per
// entry of `words` (found in the text in order), as the annotator gives
// them: form, lemma, part of speech.
v1::Document AnnotatedDocument(const std::string& id, const std::string& body,
                               const std::vector<W>& words) {
  v1::Document document;
  document.set_id(id);
  document.set_title(absl::StrCat("Meldung ", id));
  document.set_text(body);
  document.set_language("de");
  document.set_content_hash(absl::StrCat("hash-", id));
  v1::Annotations* annotations = document.mutable_annotations();
  annotations->set_model_name("korpus-de");
  annotations->set_model_version("test");
  size_t at = 0;
  for (const W& w : words) {
    const size_t found = body.find(w.form, at);
    EXPECT_NE(found, std::string::npos) << w.form;
    if (found == std::string::npos) continue;
    v1::Token* token = annotations->add_tokens();
    token->set_begin(static_cast<int>(CodePoints(body, found)));
    token->set_end(static_cast<int>(CodePoints(body, found + w.form.size())));
    token->set_kind(v1::TOKEN_KIND_WORD);
    token->set_text(w.form);
    v1::Word* word = annotations->add_words();
    word->set_token_index(annotations->tokens_size() - 1);
    word->set_form(w.form);
    word->set_lemma(w.lemma);
    word->set_upos(w.upos);
    at = found + w.form.size();
  }
  v1::Sentence* sentence = annotations->add_sentences();
  sentence->set_begin(0);
  sentence->set_end(static_cast<int>(CodePoints(body, body.size())));
  sentence->set_first_token(0);
  sentence->set_token_count(annotations->tokens_size());
  return document;
}

constexpr auto NOUN = v1::UNIVERSAL_POS_NOUN;
constexpr auto PROPN = v1::UNIVERSAL_POS_PROPN;
constexpr auto VERB = v1::UNIVERSAL_POS_VERB;
constexpr auto ADJ = v1::UNIVERSAL_POS_ADJ;
constexpr auto DET = v1::UNIVERSAL_POS_DET;
constexpr auto ADP = v1::UNIVERSAL_POS_ADP;
constexpr auto CCONJ = v1::UNIVERSAL_POS_CCONJ;
constexpr auto AUX = v1::UNIVERSAL_POS_AUX;

class GermanSearchTest : public ::testing::TestWithParam<BackendFactory> {
 protected:
  void SetUp() override {
    ASSERT_NE(ModelLexicon(), nullptr);
    backend_ = GetParam().make();
    const absl::Status prepared = backend_->Prepare();
    ASSERT_TRUE(prepared.ok()) << prepared;
    OpenStoreOptions options;
    options.search_lexicon = ModelLexicon();
    absl::StatusOr<std::unique_ptr<Store>> store = OpenStore(backend_->Spec(), options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }
  void TearDown() override {
    store_.reset();
    if (backend_ != nullptr) backend_->CleanUp();
  }

  void PutOrDie(const v1::Document& document) {
    absl::StatusOr<PutResult> result = store_->Put(document);
    ASSERT_TRUE(result.ok()) << result.status();
  }

  v1::SearchResponse SearchOrDie(const std::string& query) {
    v1::SearchRequest request;
    request.set_query(query);
    absl::StatusOr<v1::SearchResponse> response = store_->Search(request);
    EXPECT_TRUE(response.ok()) << query << ": " << response.status();
    return response.ok() ? *response : v1::SearchResponse();
  }

  std::vector<std::string> SearchIds(const std::string& query) {
    std::vector<std::string> ids;
    const v1::SearchResponse response = SearchOrDie(query);
    for (const v1::SearchHit& hit : response.hits()) ids.push_back(hit.document().id());
    return ids;
  }

  std::string SnippetOf(const std::string& query, const std::string& id) {
    const v1::SearchResponse response = SearchOrDie(query);
    for (const v1::SearchHit& hit : response.hits()) {
      if (hit.document().id() == id) return hit.snippet();
    }
    ADD_FAILURE() << query << " did not find " << id;
    return "";
  }

  void PutCorpus() {
    PutOrDie(AnnotatedDocument(
        "ausfuhr", "Die Regierung kündigt neue Exportbeschränkungen für Halbleiter an.",
        {{"Die", "der", DET}, {"Regierung", "Regierung", NOUN}, {"kündigt", "kündigen", VERB},
         {"neue", "neu", ADJ}, {"Exportbeschränkungen", "Exportbeschränkung", NOUN},
         {"für", "für", ADP}, {"Halbleiter", "Halbleiter", NOUN}, {"an", "an", ADP}}));
    PutOrDie(AnnotatedDocument(
        "lieferung", "Der Hersteller liefert Chips und KI-Chips nach Europa.",
        {{"Der", "der", DET}, {"Hersteller", "Hersteller", NOUN}, {"liefert", "liefern", VERB},
         {"Chips", "Chip", NOUN}, {"und", "und", CCONJ}, {"KI-Chips", "KI-Chip", NOUN},
         {"nach", "nach", ADP}, {"Europa", "Europa", PROPN}}));
    PutOrDie(AnnotatedDocument(
        "einzeln", "Eine Exportbeschränkung trifft den Chip des Herstellers.",
        {{"Eine", "ein", DET}, {"Exportbeschränkung", "Exportbeschränkung", NOUN},
         {"trifft", "treffen", VERB}, {"den", "der", DET}, {"Chip", "Chip", NOUN},
         {"des", "der", DET}, {"Herstellers", "Hersteller", NOUN}}));
    PutOrDie(AnnotatedDocument(
        "markt", "Der Markt bleibt ruhig.",
        {{"Der", "der", DET}, {"Markt", "Markt", NOUN}, {"bleibt", "bleiben", VERB},
         {"ruhig", "ruhig", ADJ}}));
  }

  std::unique_ptr<StoreBackend> backend_;
  std::unique_ptr<Store> store_;
};

TEST_P(GermanSearchTest, AWordFindsItsCompounds) {
  PutCorpus();
  EXPECT_THAT(SearchIds("Beschränkung"), UnorderedElementsAre("ausfuhr", "einzeln"));
  EXPECT_THAT(SearchIds("Export"), UnorderedElementsAre("ausfuhr", "einzeln"));
  EXPECT_THAT(SearchIds("Chip"), UnorderedElementsAre("lieferung", "einzeln"));
  EXPECT_THAT(SearchIds("KI"), ElementsAre("lieferung"));
}

TEST_P(GermanSearchTest, InflectedQueryWordsFindOtherForms) {
  PutCorpus();
  // Plural query, singular text and the other way round.
  EXPECT_THAT(SearchIds("Beschränkungen"), UnorderedElementsAre("ausfuhr", "einzeln"));
  EXPECT_THAT(SearchIds("Exportbeschränkungen"), UnorderedElementsAre("ausfuhr", "einzeln"));
  EXPECT_THAT(SearchIds("Exportbeschränkung"), UnorderedElementsAre("ausfuhr", "einzeln"));
  EXPECT_THAT(SearchIds("Chips"), UnorderedElementsAre("lieferung", "einzeln"));
  EXPECT_THAT(SearchIds("Herstellers"), UnorderedElementsAre("lieferung", "einzeln"));
  // Verb forms meet through their lemma.
  EXPECT_THAT(SearchIds("liefern"), ElementsAre("lieferung"));
  EXPECT_THAT(SearchIds("KI-Chip"), ElementsAre("lieferung"));
}

TEST_P(GermanSearchTest, OperatorsCombineLemmaMatches) {
  PutCorpus();
  EXPECT_THAT(SearchIds("Chip AND Beschränkungen"), ElementsAre("einzeln"));
  EXPECT_THAT(SearchIds("Chip NOT Beschränkung"), ElementsAre("lieferung"));
  EXPECT_THAT(SearchIds("Markt OR KI"), UnorderedElementsAre("markt", "lieferung"));
}

TEST_P(GermanSearchTest, PhrasesAndPrefixesStayOnTheSurface) {
  PutCorpus();
  // "Beschränkung" is a part of a compound, never a word of the text.
  EXPECT_THAT(SearchIds("\"neue Beschränkungen\""), ElementsAre());
  EXPECT_THAT(SearchIds("\"neue Exportbeschränkungen\""), ElementsAre("ausfuhr"));
  EXPECT_THAT(SearchIds("Beschränk*"), ElementsAre());
  EXPECT_THAT(SearchIds("Exportbeschränk*"), UnorderedElementsAre("ausfuhr", "einzeln"));
  // Lemma terms never sit next to each other as words: "kündigen neu"
  // is not a phrase of the lemma column.
  EXPECT_THAT(SearchIds("\"kündigen neu\""), ElementsAre());
}

TEST_P(GermanSearchTest, SnippetsBracketInflectedFormsAndCompounds) {
  PutCorpus();
  EXPECT_THAT(SnippetOf("Beschränkung", "ausfuhr"), HasSubstr("neue [Exportbeschränkungen] für"));
  EXPECT_THAT(SnippetOf("Beschränkungen", "einzeln"), HasSubstr("Eine [Exportbeschränkung] trifft"));
  const std::string chips = SnippetOf("Chip", "lieferung");
  EXPECT_THAT(chips, HasSubstr("liefert [Chips] und KI-[Chips] nach"));
  EXPECT_THAT(SnippetOf("Chip Hersteller", "einzeln"),
              HasSubstr("den [Chip] des [Herstellers]"));
}

TEST_P(GermanSearchTest, TheExactWordRanksAboveACompoundPart) {
  // Both match "Chips" through the lemma "chip"; only "genau" has the word.
  PutOrDie(AnnotatedDocument("teil", "Die Computerchips sind knapp.",
                             {{"Die", "der", DET}, {"Computerchips", "Computerchip", NOUN},
                              {"sind", "sein", AUX}, {"knapp", "knapp", ADJ}}));
  PutOrDie(AnnotatedDocument("genau", "Die Chips sind knapp.",
                             {{"Die", "der", DET}, {"Chips", "Chip", NOUN},
                              {"sind", "sein", AUX}, {"knapp", "knapp", ADJ}}));
  const v1::SearchResponse response = SearchOrDie("Chips");
  ASSERT_EQ(response.hits_size(), 2);
  EXPECT_EQ(response.hits(0).document().id(), "genau");
  EXPECT_GT(response.hits(0).score(), response.hits(1).score());
}

TEST_P(GermanSearchTest, UnannotatedTextIsAnalysedWithTheLexicon) {
  v1::Document document;
  document.set_id("roh");
  document.set_title("Ohne Analyse");
  document.set_text("Ohne Analyse\n\nDie Bundesregierung prüft Exportbeschränkungen.");
  document.set_language("de");
  document.set_content_hash("hash-roh");
  PutOrDie(document);
  EXPECT_THAT(SearchIds("Regierung"), ElementsAre("roh"));
  EXPECT_THAT(SearchIds("Beschränkung"), ElementsAre("roh"));
  EXPECT_THAT(SnippetOf("Regierung", "roh"), HasSubstr("Die [Bundesregierung] prüft"));
}

// The whole-word cases of StoreContractTest (which opens its stores
// without a lexicon) with the lexicon: what still holds, and what now
// legitimately matches more.
TEST_P(GermanSearchTest, WholeWordCasesWithTheLexicon) {
  const auto put = [this](const std::string& id, const std::string& text) {
    v1::Document document;
    document.set_id(id);
    document.set_title(id);
    document.set_text(text);
    document.set_language("de");
    document.set_content_hash(absl::StrCat("hash-", id));
    PutOrDie(document);
  };
  put("chips", "Die Bundesregierung verschärft die US-Exportkontrollen für Halbleiter.");
  put("zoll", "Eine einzelne Exportkontrolle reicht nach Ansicht der Händler nicht aus.");
  put("senat", "Der Berliner Senat beschließt den Haushalt.");
  put("fahrrad", "Im Senat von Berlin wurde lange über Fahrräder gestritten.");
  put("aepfel", "Äpfel aus dem Alten Land sind teurer geworden.");
  put("apfel", "Ein Apfel am Tag hält den Arzt fern.");
  // Now more: singular and plural find each other, and "Export" is a part
  // of both compounds.
  EXPECT_THAT(SearchIds("Exportkontrollen"), UnorderedElementsAre("chips", "zoll"));
  EXPECT_THAT(SearchIds("Exportkontrolle"), UnorderedElementsAre("chips", "zoll"));
  EXPECT_THAT(SearchIds("Export"), UnorderedElementsAre("chips", "zoll"));
  EXPECT_THAT(SearchIds("Äpfel"), UnorderedElementsAre("aepfel", "apfel"));
  EXPECT_THAT(SearchIds("Fahrrad"), ElementsAre("fahrrad"));
  // Still: "Berliner" is not "Berlin", unknown forms match nothing, umlauts
  // stay distinct in words that are not forms of each other.
  EXPECT_THAT(SearchIds("Berlin"), ElementsAre("fahrrad"));
  EXPECT_THAT(SearchIds("Apfeln"), ElementsAre());
  EXPECT_THAT(SearchIds("Händler China"), ElementsAre());
  EXPECT_THAT(SearchIds("\"Berliner Senat\""), ElementsAre("senat"));
  EXPECT_THAT(SearchIds("Export*"), UnorderedElementsAre("chips", "zoll"));
}

TEST_P(GermanSearchTest, MigrationIndexesTheLemmasOfDocumentsStoredBefore) {
  PutCorpus();
  // Back to schema version 4: surface words only in the index.
  store_.reset();
  const absl::Status reset = backend_->Execute(
      GetParam().name == "Sqlite"
          ? "UPDATE documents SET lemmas = ''; "
            "INSERT INTO documents_fts (documents_fts) VALUES ('rebuild');"
          : "UPDATE documents SET search = to_tsvector('simple', title) || "
            "to_tsvector('simple', text);");
  ASSERT_TRUE(reset.ok()) << reset;
  ASSERT_TRUE(backend_->Execute(backend_->SetSchemaVersionSql(4)).ok());
  OpenStoreOptions options;
  options.search_lexicon = ModelLexicon();
  absl::StatusOr<std::unique_ptr<Store>> store = OpenStore(backend_->Spec(), options);
  ASSERT_TRUE(store.ok()) << store.status();
  store_ = *std::move(store);
  EXPECT_THAT(SearchIds("Beschränkung"), UnorderedElementsAre("ausfuhr", "einzeln"));
  EXPECT_THAT(SearchIds("Chip"), UnorderedElementsAre("lieferung", "einzeln"));
}

INSTANTIATE_TEST_SUITE_P(Backends, GermanSearchTest, ::testing::ValuesIn(AllBackends()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace korpus::store
