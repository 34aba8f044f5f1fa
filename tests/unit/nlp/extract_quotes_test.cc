#include "libs/nlp/extract/quotes.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/unit/nlp/extract_test_util.h"

namespace korpus::nlp {
namespace {

using testing::Slice;
using testing::TestPipeline;

struct Result {
  std::string text;
  AnalyzedText analysis;
  std::vector<Quote> quotes;

  std::string_view Quoted(size_t k) const { return Slice(text, quotes[k].begin, quotes[k].end); }
  std::string_view SpeakerSpan(size_t k) const {
    return Slice(text, quotes[k].speaker_begin, quotes[k].speaker_end);
  }
  std::string SpeakerName(size_t k) const {
    const int32_t e = quotes[k].speaker_entity;
    return e < 0 ? "" : analysis.entities[e].canonical_name;
  }
};

Result Quotes(std::string text, const std::vector<testing::Name>& names = {}) {
  Result r;
  r.text = std::move(text);
  r.analysis = testing::AnalyzeWithNames(r.text, names);
  r.quotes = ExtractQuotes(r.text, r.analysis);
  return r;
}

TEST(ExtractQuotesTest, DirectQuoteWithVerbAfterIt) {
  Result r = Quotes("„Wir werden das Werk in Bremen nicht schließen“, sagte Petra Lehmann am Montag.",
                     {{"Petra Lehmann"}});
  ASSERT_EQ(r.quotes.size(), 1u);
  EXPECT_EQ(r.quotes[0].kind, QuoteKind::kDirect);
  EXPECT_EQ(r.Quoted(0), "Wir werden das Werk in Bremen nicht schließen");
  EXPECT_EQ(r.quotes[0].cue_kind, CueKind::kVerb);
  EXPECT_EQ(r.quotes[0].cue, "sagen");
  EXPECT_EQ(r.SpeakerName(0), "Petra Lehmann");
  EXPECT_EQ(r.quotes[0].resolution, SpeakerResolution::kName);
  EXPECT_FALSE(r.quotes[0].speaker_entity_id.empty());
}

TEST(ExtractQuotesTest, DirectQuoteAfterColon) {
  Result r = Quotes("Der Bürgermeister Jonas Winter erklärte am Abend: "
                 "\"Die Brücke bleibt bis zum Herbst gesperrt.\"",
                 {{"Jonas Winter"}});
  ASSERT_EQ(r.quotes.size(), 1u);
  EXPECT_EQ(r.quotes[0].kind, QuoteKind::kDirect);
  EXPECT_EQ(r.Quoted(0), "Die Brücke bleibt bis zum Herbst gesperrt.");
  EXPECT_EQ(r.quotes[0].cue, "erklären");
  EXPECT_EQ(r.SpeakerName(0), "Jonas Winter");
}

TEST(ExtractQuotesTest, GuillemetsAndPronounResolvedToNearestPerson) {
  Result r = Quotes("Die Ärztin Sabine Krause leitet die Klinik seit zehn Jahren. "
                 "»Uns fehlen vor allem Pflegekräfte«, warnte sie.",
                 {{"Sabine Krause"}});
  ASSERT_EQ(r.quotes.size(), 1u);
  EXPECT_EQ(r.Quoted(0), "Uns fehlen vor allem Pflegekräfte");
  EXPECT_EQ(r.quotes[0].cue, "warnen");
  EXPECT_EQ(r.quotes[0].resolution, SpeakerResolution::kPronoun);
  EXPECT_EQ(r.SpeakerSpan(0), "sie");
  EXPECT_EQ(r.SpeakerName(0), "Sabine Krause");
}

TEST(ExtractQuotesTest, PronounAtSentenceStartBeforeColon) {
  Result r = Quotes("Maria Keller forscht in Leipzig zu Batterien. "
                 "Sie bemerkte dazu: „Die Zellen werden jedes Jahr billiger.“",
                 {{"Maria Keller"}, {"Leipzig", EntityType::kLoc}});
  ASSERT_EQ(r.quotes.size(), 1u);
  EXPECT_EQ(r.quotes[0].cue, "bemerken");
  EXPECT_EQ(r.quotes[0].resolution, SpeakerResolution::kPronoun);
  EXPECT_EQ(r.SpeakerName(0), "Maria Keller");
}

TEST(ExtractQuotesTest, SoWithTitleResolvedToFullName) {
  Result r = Quotes("Die Investorin Clara Hofmann hält den Markt für überhitzt. "
                 "„Viele Firmen sind zu teuer bewertet“, so Frau Hofmann.",
                 {{"Clara Hofmann"}});
  ASSERT_EQ(r.quotes.size(), 1u);
  EXPECT_EQ(r.quotes[0].cue_kind, CueKind::kSo);
  EXPECT_EQ(r.SpeakerSpan(0), "Frau Hofmann");
  EXPECT_EQ(r.SpeakerName(0), "Clara Hofmann");
}

TEST(ExtractQuotesTest, BareTitleResolvedToThePersonSeenWithIt) {
  Result r = Quotes("Finanzminister Jörg Adler legte am Mittwoch den Haushalt vor. "
                    "„Wir sparen, wo es nur geht“, betonte der Minister.",
                    {{"Jörg Adler"}});
  ASSERT_EQ(r.quotes.size(), 1u);
  EXPECT_EQ(r.quotes[0].cue, "betonen");
  EXPECT_EQ(r.quotes[0].resolution, SpeakerResolution::kTitle);
  EXPECT_EQ(r.SpeakerSpan(0), "der Minister");
  EXPECT_EQ(r.SpeakerName(0), "Jörg Adler");
}

TEST(ExtractQuotesTest, SpokespersonOfAnOrganisation) {
  Result r = Quotes("„Wir prüfen die Vorwürfe sorgfältig“, erklärte ein Sprecher von Siemens.",
                     {{"Siemens", EntityType::kOrg}});
  ASSERT_EQ(r.quotes.size(), 1u);
  EXPECT_EQ(r.quotes[0].resolution, SpeakerResolution::kSpokesperson);
  EXPECT_EQ(r.SpeakerName(0), "Siemens");
  EXPECT_EQ(r.SpeakerSpan(0), "ein Sprecher von Siemens");
}

TEST(ExtractQuotesTest, LautAndZufolge) {
  Result r = Quotes("Laut Thomas Brandt ist der Plan „ein teurer Irrweg“. "
                 "Dem Verband Bitkom zufolge sind „mehr als die Hälfte der Stellen“ unbesetzt.",
                 {{"Thomas Brandt"}, {"Bitkom", EntityType::kOrg}});
  ASSERT_EQ(r.quotes.size(), 2u);
  EXPECT_EQ(r.quotes[0].kind, QuoteKind::kPartial);
  EXPECT_EQ(r.quotes[0].cue_kind, CueKind::kLaut);
  EXPECT_EQ(r.SpeakerName(0), "Thomas Brandt");
  EXPECT_EQ(r.quotes[1].cue_kind, CueKind::kZufolge);
  EXPECT_EQ(r.SpeakerName(1), "Bitkom");
}

TEST(ExtractQuotesTest, PartialQuoteInsideASentence) {
  Result r = Quotes("Karl Berger versprach eine „schnelle und gründliche“ Prüfung der Unterlagen.",
                     {{"Karl Berger"}});
  ASSERT_EQ(r.quotes.size(), 1u);
  EXPECT_EQ(r.quotes[0].kind, QuoteKind::kPartial);
  EXPECT_EQ(r.quotes[0].cue, "versprechen");
  EXPECT_EQ(r.SpeakerName(0), "Karl Berger");
}

TEST(ExtractQuotesTest, SingleQuotedTermHasNoSpeaker) {
  Result r = Quotes("Lena Wolf stellte die sogenannte „Wärmewende-Strategie“ im Landtag vor.",
                     {{"Lena Wolf"}, {"Landtag", EntityType::kOrg}});
  ASSERT_EQ(r.quotes.size(), 1u);
  EXPECT_EQ(r.quotes[0].kind, QuoteKind::kTerm);
  EXPECT_EQ(r.quotes[0].speaker_entity, -1);
  EXPECT_EQ(r.quotes[0].cue_kind, CueKind::kNone);
}

TEST(ExtractQuotesTest, QuotedWordWithItsOwnCueIsDirectSpeech) {
  Result r = Quotes("„Niemals“, antwortete Paul Schneider auf die Frage.",
                     {{"Paul Schneider"}});
  ASSERT_EQ(r.quotes.size(), 1u);
  EXPECT_EQ(r.quotes[0].kind, QuoteKind::kDirect);
  EXPECT_EQ(r.SpeakerName(0), "Paul Schneider");
}

TEST(ExtractQuotesTest, NestedSingleQuotesInsideDoubleQuotes) {
  Result r = Quotes("„Das Motto ‚Gemeinsam stark‘ passt nicht mehr zu uns“, sagte Eva Richter.",
                     {{"Eva Richter"}});
  ASSERT_EQ(r.quotes.size(), 2u);
  EXPECT_EQ(r.quotes[0].parent, -1);
  EXPECT_EQ(r.SpeakerName(0), "Eva Richter");
  EXPECT_EQ(r.Quoted(1), "Gemeinsam stark");
  EXPECT_EQ(r.quotes[1].parent, 0);
  EXPECT_EQ(r.quotes[1].speaker_entity, -1);
}

TEST(ExtractQuotesTest, BlockQuoteWithAttributionLine) {
  Result r = Quotes("Die Stadt plant neue Radwege.\n\n"
                 "Wir wollen, dass Kinder sicher zur Schule fahren können. Dafür brauchen wir "
                 "getrennte Spuren auf allen Hauptstraßen.\n\n"
                 "– Martin Vogel, Verkehrsdezernent der Stadt\n\n"
                 "Der Rat entscheidet im Mai.",
                 {{"Martin Vogel"}});
  ASSERT_EQ(r.quotes.size(), 1u);
  EXPECT_EQ(r.quotes[0].kind, QuoteKind::kBlock);
  EXPECT_EQ(r.Quoted(0).substr(0, 14), "Wir wollen, da");
  EXPECT_EQ(r.quotes[0].cue_kind, CueKind::kAttribution);
  EXPECT_EQ(r.SpeakerName(0), "Martin Vogel");
}

TEST(ExtractQuotesTest, ApostrophesAndUnclosedMarksAreNotQuotes) {
  Result r = Quotes("Jonas’ Fahrrad stand vor Andreas’ Haus. Er rief „Halt und lief weiter.");
  EXPECT_TRUE(r.quotes.empty());
}

TEST(ExtractQuotesTest, WorksWithoutModels) {
  const std::string text = "„Das Angebot gilt nur heute“, sagte Uwe Brandt.";
  const AnalyzedText analysis = TestPipeline(/*rules_only=*/true).Analyze(text);
  const std::vector<Quote> quotes = ExtractQuotes(text, analysis);
  ASSERT_EQ(quotes.size(), 1u);
  EXPECT_EQ(quotes[0].kind, QuoteKind::kDirect);
  EXPECT_EQ(quotes[0].cue, "sagen");
  EXPECT_EQ(quotes[0].speaker_entity, -1);
}

}  // namespace
}  // namespace korpus::nlp
