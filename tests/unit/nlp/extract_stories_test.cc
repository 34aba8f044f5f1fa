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

}  // namespace
}  // namespace korpus::nlp
