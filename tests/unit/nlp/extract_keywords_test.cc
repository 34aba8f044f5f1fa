#include "libs/nlp/extract/keywords.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/unit/nlp/extract_test_util.h"

namespace korpus::nlp {
namespace {

using testing::AnalyzeWithNames;
using testing::Name;

std::vector<TermCount> Terms(const std::string& text, const std::vector<Name>& names = {}) {
  return CountTerms(text, AnalyzeWithNames(text, names));
}

const TermCount* FindTerm(const std::vector<TermCount>& terms, std::string_view key) {
  for (const TermCount& t : terms) {
    if (t.key == key) return &t;
  }
  return nullptr;
}

TEST(CountTermsTest, NounLemmasCompoundsPhrasesAndEntities) {
  const std::string text =
      "Die Stadtwerke Bremen bauen Solaranlagen. Die Solaranlagen liefern erneuerbare Energie, "
      "und erneuerbare Energie ist billig.";
  const std::vector<TermCount> terms = Terms(text, {{"Stadtwerke Bremen", EntityType::kOrg}});
  const TermCount* wind = FindTerm(terms, "solaranlage");
  ASSERT_NE(wind, nullptr);
  EXPECT_EQ(wind->kind, TermKind::kLemma);
  EXPECT_EQ(wind->count, 2);
  EXPECT_TRUE(wind->in_title);
  const TermCount* phrase = FindTerm(terms, "erneuerbar energie");
  ASSERT_NE(phrase, nullptr);
  EXPECT_EQ(phrase->kind, TermKind::kPhrase);
  EXPECT_EQ(phrase->count, 2);
  EXPECT_EQ(phrase->text, "erneuerbare Energie");
  // The entity is one term; its words are not lemma terms.
  int entities = 0;
  for (const TermCount& t : terms) {
    if (t.kind == TermKind::kEntity) {
      ++entities;
      EXPECT_EQ(t.text, "Stadtwerke Bremen");
      EXPECT_EQ(t.key, "e:" + t.entity_id);
    }
  }
  EXPECT_EQ(entities, 1);
  EXPECT_EQ(FindTerm(terms, "stadtwerk"), nullptr);
  // Verbs and adjectives alone are not terms.
  EXPECT_EQ(FindTerm(terms, "bauen"), nullptr);
  EXPECT_EQ(FindTerm(terms, "billig"), nullptr);
}

TEST(ExtractKeywordsTest, CorpusFrequencyOutweighsRawCount) {
  // "Jahr" is frequent here but in nearly every stored document;
  // "Wärmepumpe" occurs once here and is rare in the corpus.
  const std::string text =
      "Heizungen im Test. Im Jahr 2024 und im Jahr davor und im Jahr davor lief die "
      "Wärmepumpe gut.";
  const std::vector<TermCount> terms = Terms(text);
  InMemoryDocumentFrequencies corpus;
  for (int k = 0; k < 50; ++k) corpus.Add({TermCount{.key = "jahr", .count = 1}});
  corpus.Add({TermCount{.key = "wärmepumpe", .count = 1}});
  const std::vector<Keyword> keywords = ExtractKeywords(terms, corpus);
  auto rank = [&](std::string_view key) {
    for (size_t k = 0; k < keywords.size(); ++k) {
      if (keywords[k].key == key) return k;
    }
    return keywords.size();
  };
  EXPECT_LT(rank("wärmepumpe"), rank("jahr"));
  EXPECT_EQ(keywords.back().key, "jahr");
  // Without corpus statistics the raw count decides.
  InMemoryDocumentFrequencies empty;
  const std::vector<Keyword> plain = ExtractKeywords(terms, empty);
  EXPECT_EQ(plain[0].key, "jahr");
}

TEST(ExtractKeywordsTest, PhrasesNeedTwoOccurrencesAndLimit) {
  const std::string text = "Der kleine Hund bellt. Der Hund schläft im Garten am Haus.";
  InMemoryDocumentFrequencies empty;
  const std::vector<Keyword> keywords = ExtractKeywords(Terms(text), empty, {.max_keywords = 2});
  ASSERT_EQ(keywords.size(), 2u);
  for (const Keyword& k : keywords) EXPECT_NE(k.kind, TermKind::kPhrase);
  EXPECT_EQ(keywords[0].key, "hund");
}

TEST(InverseDocumentFrequencyTest, Smoothed) {
  EXPECT_DOUBLE_EQ(InverseDocumentFrequency(0, 0), 1.0);
  EXPECT_GT(InverseDocumentFrequency(100, 1), InverseDocumentFrequency(100, 50));
  EXPECT_DOUBLE_EQ(InverseDocumentFrequency(100, 100), 1.0);
}

}  // namespace
}  // namespace korpus::nlp
