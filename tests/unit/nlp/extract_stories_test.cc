#include "libs/nlp/extract/stories.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/unit/nlp/extract_test_util.h"

namespace korpus::nlp {
namespace {

using testing::AnalyzeWithNames;
using testing::Name;

// Short invented articles: two about one event, one about another event with
// the same town, one unrelated.
const std::vector<Name> kNames = {{"Lübeck", EntityType::kLoc},
                                  {"Holstentor", EntityType::kLoc},
                                  {"Anke Brandt"},
                                  {"Hansa-Werft", EntityType::kOrg}};
const char* const kBridgeA =
    "Brücke am Holstentor eingestürzt. In Lübeck ist in der Nacht eine Fußgängerbrücke am "
    "Holstentor eingestürzt. Verletzt wurde niemand. Bürgermeisterin Anke Brandt ließ die "
    "Brücke weiträumig absperren und kündigte eine Untersuchung an.";
const char* const kBridgeB =
    "Nach dem Einsturz der Brücke in Lübeck: Gutachter prüfen Ursache. Die eingestürzte "
    "Fußgängerbrücke am Holstentor war erst vor zehn Jahren saniert worden. Anke Brandt "
    "erwartet den Bericht der Gutachter zur Untersuchung in zwei Wochen.";
const char* const kShipyard =
    "Hansa-Werft in Lübeck bekommt Großauftrag. Die Werft soll vier Fähren für eine "
    "Reederei bauen. Der Auftrag sichert rund 600 Arbeitsplätze für drei Jahre.";
const char* const kChess =
    "Schachturnier in Wien endet mit Überraschung. Ein sechzehnjähriger Spieler gewann das "
    "Turnier vor zwei Großmeistern. Die Partie im Finale dauerte sechs Stunden.";

struct Corpus {
  std::vector<std::vector<TermCount>> terms;
  InMemoryDocumentFrequencies frequencies;
};

Corpus Build(const std::vector<const char*>& texts) {
  Corpus c;
  for (const char* text : texts) {
    c.terms.push_back(CountTerms(text, AnalyzeWithNames(text, kNames)));
    c.frequencies.Add(c.terms.back());
  }
  return c;
}

TEST(StoryVectorTest, NormalisedAndSortedByKey) {
  Corpus c = Build({kBridgeA, kShipyard});
  const StoryVector v = MakeStoryVector(c.terms[0], c.frequencies);
  ASSERT_FALSE(v.terms.empty());
  double norm = 0;
  for (size_t k = 0; k < v.terms.size(); ++k) {
    norm += v.terms[k].weight * v.terms[k].weight;
    if (k > 0) {
      EXPECT_LT(v.terms[k - 1].key, v.terms[k].key);
    }
  }
  EXPECT_NEAR(norm, 1.0, 1e-9);
  EXPECT_NEAR(Cosine(v, v), 1.0, 1e-9);
  EXPECT_EQ(Cosine(v, StoryVector{}), 0);
}

TEST(StoryClustererTest, SameEventJoinsOtherEventsStartStories) {
  Corpus c = Build({kBridgeA, kBridgeB, kShipyard, kChess});
  StoryClusterer clusterer;
  std::vector<Story> stories;
  std::vector<int32_t> assigned;
  for (size_t k = 0; k < c.terms.size(); ++k) {
    const StoryVector v = MakeStoryVector(c.terms[k], c.frequencies);
    StoryClusterer::Decision d = clusterer.Assign(v, stories);
    if (d.story < 0) {
      d.story = static_cast<int32_t>(stories.size());
      stories.emplace_back();
    }
    AddToStory(stories[d.story], "d" + std::to_string(k), v);
    assigned.push_back(d.story);
  }
  EXPECT_EQ(assigned[1], assigned[0]);  // the second bridge article joins
  EXPECT_NE(assigned[2], assigned[0]);  // the shipyard shares only the town
  EXPECT_NE(assigned[3], assigned[0]);
  EXPECT_NE(assigned[3], assigned[2]);
  ASSERT_EQ(stories.size(), 3u);
  const Story& bridge = stories[assigned[0]];
  EXPECT_EQ(bridge.document_ids, (std::vector<std::string>{"d0", "d1"}));
  ASSERT_FALSE(bridge.main_entities.empty());
  bool has_holstentor = false;
  for (const StoryEntity& e : bridge.main_entities) has_holstentor |= e.name == "Holstentor";
  EXPECT_TRUE(has_holstentor);
  EXPECT_FALSE(bridge.label.empty());
}

TEST(StoryClustererTest, ThresholdDecides) {
  Corpus c = Build({kBridgeA, kBridgeB});
  const StoryVector a = MakeStoryVector(c.terms[0], c.frequencies);
  const StoryVector b = MakeStoryVector(c.terms[1], c.frequencies);
  std::vector<Story> stories(1);
  AddToStory(stories[0], "d0", a);
  const double similarity = Cosine(a, b);
  EXPECT_EQ(StoryClusterer({.threshold = similarity - 0.01}).Assign(b, stories).story, 0);
  EXPECT_EQ(StoryClusterer({.threshold = similarity + 0.01}).Assign(b, stories).story, -1);
  EXPECT_EQ(StoryClusterer().Assign(b, {}).story, -1);
}

// Event evidence (StoryFeatures): invented reports of one event from two
// outlets, and a later event with the same people.
const std::vector<Name> kEventNames = {{"Greta Lindqvist"},
                                       {"Paul Amsel"},
                                       {"Rostock", EntityType::kLoc},
                                       {"Ostseewerft", EntityType::kOrg}};
const char* const kVisitA =
    "Ministerin Lindqvist besucht die Ostseewerft. Greta Lindqvist hat am 3. Mai 2024 die "
    "Ostseewerft in Rostock besucht und mit Werftchef Paul Amsel über neue Aufträge gesprochen. "
    "„Der Schiffbau an der Küste hat eine Zukunft“, sagte Greta Lindqvist. Die Werft beschäftigt "
    "zweitausend Menschen.";
const char* const kVisitB =
    "Besuch in Rostock: Lindqvist macht der Ostseewerft Mut. Bei ihrem Besuch in Rostock am "
    "3. Mai 2024 traf Greta Lindqvist den Werftchef Paul Amsel. „Der Schiffbau an der Küste hat "
    "eine Zukunft“, sagte die Ministerin. Amsel hofft auf Aufträge der Marine.";
const char* const kStrike =
    "Streik auf der Ostseewerft in Rostock. Die Beschäftigten der Ostseewerft haben am Montag "
    "die Arbeit niedergelegt. Paul Amsel nannte den Streik unverhältnismäßig. Greta Lindqvist "
    "rief beide Seiten zu Gesprächen auf. Die Gewerkschaft fordert mehr Lohn.";

absl::Time Day(int month, int day) {
  return absl::FromCivil(absl::CivilDay(2024, month, day), absl::UTCTimeZone());
}

struct EventCorpus {
  std::vector<std::vector<TermCount>> terms;
  std::vector<StoryEvidence> evidence;
  InMemoryDocumentFrequencies frequencies;

  StoryFeatures Features(size_t k) const {
    return MakeStoryFeatures(terms[k], evidence[k], frequencies);
  }
};

// `quotes` and `days` stand in for the quote and date extractors.
EventCorpus BuildEvents(const std::vector<const char*>& texts,
                        const std::vector<absl::Time>& times) {
  EventCorpus c;
  for (size_t k = 0; k < texts.size(); ++k) {
    const std::string_view text = texts[k];
    const AnalyzedText analysis = AnalyzeWithNames(text, kEventNames);
    std::vector<Quote> quotes;
    const size_t open = text.find("„");
    if (open != std::string_view::npos) {
      Quote q;
      q.begin = static_cast<uint32_t>(open + std::string_view("„").size());
      q.end = static_cast<uint32_t>(text.find("“"));
      q.kind = QuoteKind::kDirect;
      quotes.push_back(q);
    }
    std::vector<DateMention> dates;
    if (text.find("3. Mai 2024") != std::string_view::npos) {
      DateMention d;
      d.resolved = true;
      d.granularity = DateGranularity::kDay;
      d.start = d.end_date = CalendarDate{2024, 5, 3};
      dates.push_back(d);
    }
    c.terms.push_back(CountTerms(text, analysis));
    c.frequencies.Add(c.terms.back());
    c.evidence.push_back(MakeStoryEvidence(text, analysis, quotes, dates, times[k]));
  }
  return c;
}

TEST(StoryEvidenceTest, WordsSentenceEntitiesQuotesDaysAndLead) {
  const AnalyzedText analysis = AnalyzeWithNames(kVisitA, kEventNames);
  Quote term;
  term.kind = QuoteKind::kTerm;
  const StoryEvidence e = MakeStoryEvidence(kVisitA, analysis, {term}, {}, std::nullopt);
  ASSERT_GE(e.words.size(), 4u);
  EXPECT_EQ(e.words[0], "ministerin");  // lower-cased
  EXPECT_TRUE(e.quotes.empty());        // quoted terms are no quotations
  ASSERT_EQ(e.sentence_entities.size(), analysis.sentences.size());
  // The second sentence names Lindqvist, the yard, Rostock and Amsel.
  EXPECT_EQ(e.sentence_entities[1].size(), 4u);
  ASSERT_GE(analysis.sentences.size(), kLeadSentences);
  EXPECT_EQ(e.lead_end, analysis.sentences[kLeadSentences - 1].end);
}

TEST(StoryFeaturesTest, SameEventSharesQuoteDayPairsAndLead) {
  const EventCorpus c = BuildEvents({kVisitA, kVisitB, kStrike}, {Day(5, 3), Day(5, 4), Day(5, 6)});
  Story visit;
  AddToStory(visit, "a", c.Features(0));
  const StorySignals same = CompareToStory(c.Features(1), visit);
  const StorySignals other = CompareToStory(c.Features(2), visit);
  EXPECT_DOUBLE_EQ(same.quotes, 1.0);
  EXPECT_DOUBLE_EQ(same.days, 1.0);
  EXPECT_DOUBLE_EQ(other.quotes, 0.0);
  EXPECT_DOUBLE_EQ(other.days, 0.0);
  EXPECT_GT(same.pairs, 0.0);
  EXPECT_GT(same.lead, other.lead);
  EXPECT_GT(StoryModel().Probability(same), StoryModel().Probability(other));
}

TEST(StoryFeaturesTest, NearDuplicateByMinHash) {
  const EventCorpus c = BuildEvents({kVisitA, kVisitA, kStrike}, {Day(5, 3), Day(5, 3), Day(5, 3)});
  Story story;
  AddToStory(story, "a", c.Features(0));
  EXPECT_EQ(c.Features(0).minhash.size(), kMinHashSize);
  EXPECT_DOUBLE_EQ(CompareToStory(c.Features(1), story).near_duplicate, 1.0);
  EXPECT_LT(CompareToStory(c.Features(2), story).near_duplicate, 0.2);
}

TEST(StoryClustererTest, EventModelJoinsTheSameEventOnly) {
  const EventCorpus c = BuildEvents({kVisitA, kVisitB, kStrike}, {Day(5, 3), Day(5, 4), Day(5, 6)});
  StoryClusterer clusterer;
  std::vector<Story> stories;
  std::vector<int32_t> assigned;
  for (size_t k = 0; k < c.terms.size(); ++k) {
    StoryClusterer::Decision d = clusterer.Assign(c.Features(k), stories);
    if (d.story < 0) {
      d.story = static_cast<int32_t>(stories.size());
      stories.emplace_back();
    }
    AddToStory(stories[d.story], "d" + std::to_string(k), c.Features(k));
    assigned.push_back(d.story);
  }
  EXPECT_EQ(assigned[1], assigned[0]);
  EXPECT_NE(assigned[2], assigned[0]);
  const Story& visit = stories[assigned[0]];
  EXPECT_EQ(visit.event.first_time, Day(5, 3));
  EXPECT_EQ(visit.event.last_time, Day(5, 4));
  EXPECT_EQ(visit.event.signatures.size(), 2u);
}

TEST(StoryClustererTest, TimeWindowKeepsOldStoriesOut) {
  // The second report arrives a month later: outside the 7-day window.
  const EventCorpus c = BuildEvents({kVisitA, kVisitB}, {Day(5, 3), Day(6, 3)});
  std::vector<Story> stories(1);
  AddToStory(stories[0], "a", c.Features(0));
  StoryClusterer clusterer;
  EXPECT_FALSE(clusterer.InWindow(c.Features(1), stories[0]));
  EXPECT_EQ(clusterer.Assign(c.Features(1), stories).story, -1);
  StoryClusterer wide({.window = absl::Hours(24 * 40)});
  EXPECT_TRUE(wide.InWindow(c.Features(1), stories[0]));
  EXPECT_EQ(wide.Assign(c.Features(1), stories).story, 0);
}

TEST(StoryClustererTest, TiesGoToTheEarlierStory) {
  const EventCorpus c = BuildEvents({kVisitA, kVisitB}, {Day(5, 3), Day(5, 4)});
  std::vector<Story> stories(2);
  AddToStory(stories[0], "a", c.Features(0));
  AddToStory(stories[1], "b", c.Features(0));
  EXPECT_EQ(StoryClusterer().Assign(c.Features(1), stories).story, 0);
}

}  // namespace
}  // namespace korpus::nlp
