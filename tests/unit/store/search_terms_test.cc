// SearchMorphology (libs/store/search_terms.h) on a hand-made lexicon: the
// index terms of a document, the terms of a query word, and snippets.
#include "libs/store/search_terms.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "libs/nlp/decompound.h"
#include "libs/store/query.h"

namespace korpus::store {
namespace {

using ::testing::ElementsAre;

std::shared_ptr<const nlp::SearchLexicon> SmallLexicon() {
  return std::make_shared<const nlp::SearchLexicon>(nlp::SearchLexicon::ForTest({
      {"Export", "Export", {}},
      {"Beschränkung", "Beschränkung", {}},
      {"Beschränkungen", "Beschränkung", {}},
      {"Chip", "Chip", {}},
      {"Chips", "Chip", {}},
      {"Regierung", "Regierung", {}},
      {"Bund", "Bund", {}},
      {"neue", "", {"neu"}},
  }));
}

void AddWord(v1::Document& document, const std::string& form, const std::string& lemma,
             v1::UniversalPos upos) {
  v1::Word* word = document.mutable_annotations()->add_words();
  word->set_form(form);
  word->set_lemma(lemma);
  word->set_upos(upos);
}

TEST(SearchMorphologyTest, IndexesLemmasAndCompoundPartsOfContentWords) {
  const SearchMorphology morphology(SmallLexicon());
  v1::Document document;
  document.set_title("Neue Regeln");
  document.set_text("Neue Regeln: die Exportbeschränkungen für KI-Chips.");
  AddWord(document, "die", "der", v1::UNIVERSAL_POS_DET);
  AddWord(document, "Exportbeschränkungen", "Exportbeschränkung", v1::UNIVERSAL_POS_NOUN);
  AddWord(document, "für", "für", v1::UNIVERSAL_POS_ADP);
  AddWord(document, "KI-Chips", "KI-Chip", v1::UNIVERSAL_POS_NOUN);
  EXPECT_THAT(morphology.IndexTerms(document),
              ElementsAre("exportbeschränkung", "export", "beschränkung", "ki-chip", "ki", "chip"));
}

TEST(SearchMorphologyTest, AnalysesUnannotatedTextWithTheLexicon) {
  const SearchMorphology morphology(SmallLexicon());
  v1::Document document;
  document.set_text("Neue Chips der Bundesregierung");
  EXPECT_THAT(morphology.IndexTerms(document),
              ElementsAre("neu", "chip", "der", "bundesregierung", "bund", "regierung"));
  // Without a lexicon: lower-cased words only.
  EXPECT_THAT(SearchMorphology(nullptr).IndexTerms(document),
              ElementsAre("neue", "chips", "der", "bundesregierung"));
}

TEST(SearchMorphologyTest, QueryTermsAreTheWordAndItsLemmas) {
  const SearchMorphology morphology(SmallLexicon());
  EXPECT_THAT(morphology.QueryTerms("Beschränkungen"),
              ElementsAre("beschränkungen", "beschränkung"));
  EXPECT_THAT(morphology.QueryTerms("Exportbeschränkungen"),
              ElementsAre("exportbeschränkungen", "exportbeschränkung"));
  EXPECT_THAT(morphology.QueryTerms("KI-Chips"), ElementsAre("ki-chips", "ki-chip"));
  EXPECT_THAT(SearchMorphology(nullptr).QueryTerms("Chips"), ElementsAre("chips"));
}

TEST(SearchMorphologyTest, SnippetsBracketFormsPartsPhrasesAndPrefixes) {
  const SearchMorphology morphology(SmallLexicon());
  const std::string text = "Neue Exportbeschränkungen treffen Chips und KI-Chips.";
  EXPECT_EQ(morphology.Snippet(text, *ParseQuery("Beschränkung")),
            "Neue [Exportbeschränkungen] treffen Chips und KI-Chips");
  EXPECT_EQ(morphology.Snippet(text, *ParseQuery("Chip")),
            "Neue Exportbeschränkungen treffen [Chips] und KI-[Chips]");
  EXPECT_EQ(morphology.Snippet(text, *ParseQuery("\"treffen Chips\"")),
            "Neue Exportbeschränkungen [treffen Chips] und KI-Chips");
  EXPECT_EQ(morphology.Snippet(text, *ParseQuery("Export*")),
            "Neue [Exportbeschränkungen] treffen Chips und KI-Chips");
  // NOT's words are not marked.
  EXPECT_EQ(morphology.Snippet(text, *ParseQuery("treffen NOT Chip")),
            "Neue Exportbeschränkungen [treffen] Chips und KI-Chips");
}

TEST(SearchMorphologyTest, SnippetsAreCutAroundTheBestWindow) {
  const SearchMorphology morphology(SmallLexicon());
  std::string text;
  for (int i = 0; i < 40; ++i) text += "Wort ";
  text += "Chip am Ende";
  const std::string snippet = morphology.Snippet(text, *ParseQuery("Chip"));
  EXPECT_EQ(snippet, "…Wort Wort Wort [Chip] am Ende");
  // No match in the text (the title matched): its beginning.
  EXPECT_EQ(morphology.Snippet("Ein kurzer Text.", *ParseQuery("Titelwort")), "Ein kurzer Text");
  // No words at all: never a broken UTF-8 sequence.
  std::string dashes;
  for (int i = 0; i < 100; ++i) dashes += "–";
  EXPECT_EQ(morphology.Snippet(dashes, *ParseQuery("Chip")).size(), 198u);
}

}  // namespace
}  // namespace korpus::store
