// The search lexicon and the decompounder (libs/nlp/decompound.h), on
// hand-made lexicons and on the committed models/de_lexicon.bin.
#include "libs/nlp/decompound.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "libs/nlp/lexicon.h"

namespace korpus::nlp {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

SearchLexicon SmallLexicon() {
  return SearchLexicon::ForTest({
      {"Export", "Export", {}},
      {"Exporte", "Export", {}},
      {"Beschränkung", "Beschränkung", {}},
      {"Beschränkungen", "Beschränkung", {}},
      {"Bund", "Bund", {}},
      {"Regierung", "Regierung", {}},
      {"Chip", "Chip", {}},
      {"Chips", "Chip", {}},
      {"Verb", "Verb", {}},
      {"Rauch", "Rauch", {}},
      {"Verbrauch", "Verbrauch", {}},
      {"verbrauchen", "", {"verbrauchen"}},
      {"Arbeiten", "Arbeit", {}},
      {"arbeiten", "", {"arbeiten"}},
      {"KSC", "KSC", {}},
      {"Haft", "Haft", {}},
  });
}

TEST(SearchLexiconTest, FindsLowerCasedFormsAndMergesCase) {
  const SearchLexicon lexicon = SmallLexicon();
  EXPECT_THAT(lexicon.Lemmas("beschränkungen"), ElementsAre("beschränkung"));
  EXPECT_THAT(lexicon.Lemmas("arbeiten"), UnorderedElementsAre("arbeit", "arbeiten"));
  EXPECT_THAT(lexicon.Lemmas("Beschränkungen"), IsEmpty()) << "keys are lower case";
  EXPECT_THAT(lexicon.Lemmas("unbekannt"), IsEmpty());
  SearchLexicon::Analysis analysis;
  ASSERT_TRUE(lexicon.Find("exporte", analysis));
  EXPECT_TRUE(analysis.noun_form);
  EXPECT_FALSE(analysis.noun_lemma);
  EXPECT_EQ(analysis.noun, "export");
  ASSERT_TRUE(lexicon.Find("ksc", analysis));
  EXPECT_FALSE(analysis.common_noun);
}

TEST(DecompounderTest, SplitsIntoKnownNounsWithLinkingElements) {
  const SearchLexicon lexicon = SmallLexicon();
  const Decompounder decompounder(lexicon);
  EXPECT_THAT(decompounder.Split("Exportbeschränkung"), ElementsAre("export", "beschränkung"));
  EXPECT_THAT(decompounder.Split("Exportbeschränkungen"), ElementsAre("export", "beschränkung"));
  EXPECT_THAT(decompounder.Split("Bundesregierung"), ElementsAre("bund", "regierung"));
  EXPECT_THAT(decompounder.Split("Exportechips"), ElementsAre("export", "chip"));
}

TEST(DecompounderTest, SplitsAtHyphensKeepingShortParts) {
  const SearchLexicon lexicon = SmallLexicon();
  const Decompounder decompounder(lexicon);
  EXPECT_THAT(decompounder.Split("KI-Chips"), ElementsAre("ki", "chip"));
  EXPECT_THAT(decompounder.Split("KI-Exportchips"), ElementsAre("ki", "export", "chip"));
  // Before a hyphen a part keeps its form.
  EXPECT_THAT(decompounder.Split("Exporte-Chip"), ElementsAre("exporte", "chip"));
  EXPECT_THAT(decompounder.Split("-Chip-"), ElementsAre("chip"));
}

TEST(DecompounderTest, NeverSplitsIntoJunk) {
  const SearchLexicon lexicon = SmallLexicon();
  const Decompounder decompounder(lexicon);
  // A noun derived from a verb: not Verb + Rauch.
  EXPECT_THAT(decompounder.Split("Verbrauch"), ElementsAre("verbrauch"));
  // Unknown parts, too short words, acronyms as parts.
  EXPECT_THAT(decompounder.Split("Chipfabrik"), ElementsAre("chipfabrik"));
  EXPECT_THAT(decompounder.Split("Chips"), ElementsAre("chip"));
  EXPECT_THAT(decompounder.Split("Kscbund"), ElementsAre("kscbund"));
  EXPECT_THAT(decompounder.Split("Bundchipsx"), ElementsAre("bundchipsx"));
  EXPECT_THAT(decompounder.Split(""), ElementsAre(""));
}

// The committed lexicon, as the storage service loads it.
const SearchLexicon& ModelLexicon() {
  static const SearchLexicon* const lexicon = [] {
    absl::StatusOr<SearchLexicon> loaded =
        SearchLexicon::Load(std::string(KORPUS_MODEL_DIR) + "/de_lexicon.bin");
    EXPECT_TRUE(loaded.ok()) << loaded.status();
    return new SearchLexicon(loaded.ok() ? *std::move(loaded) : SearchLexicon::ForTest({}));
  }();
  return *lexicon;
}

TEST(SearchLexiconTest, LoadsTheModelLikeLexicon) {
  const SearchLexicon& lexicon = ModelLexicon();
  ASSERT_GT(lexicon.size(), 200000u);
  absl::StatusOr<Lexicon> full = Lexicon::Load(std::string(KORPUS_MODEL_DIR) + "/de_lexicon.bin");
  ASSERT_TRUE(full.ok()) << full.status();
  for (const char* form : {"Beschränkungen", "Chips", "Regierung", "Minister", "Halbleiter"}) {
    const Lexicon::Entry* entry = full->Find(form);
    ASSERT_NE(entry, nullptr) << form;
    SearchLexicon::Analysis analysis;
    ASSERT_TRUE(lexicon.Find(absl::AsciiStrToLower(form), analysis)) << form;
    EXPECT_TRUE(analysis.noun_form) << form;
  }
  EXPECT_THAT(lexicon.Lemmas("beschränkungen"), ElementsAre("beschränkung"));
  EXPECT_THAT(lexicon.Lemmas("chips"), ElementsAre("chip"));
}

TEST(DecompounderTest, SplitsWithTheModelLexicon) {
  const Decompounder decompounder(ModelLexicon());
  EXPECT_THAT(decompounder.Split("Exportbeschränkungen"), ElementsAre("export", "beschränkung"));
  EXPECT_THAT(decompounder.Split("Halbleiterhersteller"), ElementsAre("halbleiter", "hersteller"));
  EXPECT_THAT(decompounder.Split("Arbeitsmarkt"), ElementsAre("arbeit", "markt"));
  EXPECT_THAT(decompounder.Split("Verkehrsminister"), ElementsAre("verkehr", "minister"));
  EXPECT_THAT(decompounder.Split("Bundesregierung"), ElementsAre("bund", "regierung"));
  EXPECT_THAT(decompounder.Split("KI-Chips"), ElementsAre("ki", "chip"));
  for (const char* word : {"Beamter", "Verbrauch", "Ausland", "Vorteil", "Notwendigkeit",
                           "Talente", "Zusammenarbeit"}) {
    EXPECT_EQ(decompounder.Split(word).size(), 1u) << word;
  }
}

// Precision and recall over tests/data/decompound/words.tsv: a split is
// right when its parts are one of the line's answers.
TEST(DecompounderTest, PrecisionOnTheHandMadeList) {
  const Decompounder decompounder(ModelLexicon());
  std::ifstream in(std::string(KORPUS_TEST_DATA_DIR) + "/decompound/words.tsv");
  ASSERT_TRUE(in) << "cannot read words.tsv";
  int words = 0, right = 0, split = 0, split_right = 0, compounds = 0, compounds_found = 0;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields = absl::StrSplit(line, '\t');
    ASSERT_EQ(fields.size(), 2u) << line;
    std::vector<std::string> answers = absl::StrSplit(fields[1], " | ");
    const std::string got = absl::StrJoin(decompounder.Split(fields[0]), " ");
    const bool is_right = std::find(answers.begin(), answers.end(), got) != answers.end();
    const bool is_compound = answers[0].find(' ') != std::string::npos;
    const bool was_split = got.find(' ') != std::string::npos;
    ++words;
    right += is_right;
    split += was_split;
    split_right += was_split && is_right;
    compounds += is_compound;
    compounds_found += is_compound && is_right;
    if (!is_right) std::cout << "  " << fields[0] << ": " << got << " (want " << fields[1] << ")\n";
  }
  const double precision = split == 0 ? 0 : double(split_right) / split;
  const double recall = compounds == 0 ? 0 : double(compounds_found) / compounds;
  std::cout << words << " words, " << right << " right; precision " << precision << " ("
            << split_right << "/" << split << " splits right), recall " << recall << " ("
            << compounds_found << "/" << compounds << " compounds)\n";
  EXPECT_GE(words, 100);
  EXPECT_GE(precision, 0.9);
  EXPECT_GE(recall, 0.7);
}

}  // namespace
}  // namespace korpus::nlp
