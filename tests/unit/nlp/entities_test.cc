#include "libs/nlp/entities.h"

#include <sstream>
#include <string>

#include "gtest/gtest.h"

namespace korpus::nlp {
namespace {

// A document built from invented sentences, each given as space-separated
// tokens and their BIO tags.
struct Doc {
  std::string text;
  std::vector<Token> tokens;
  std::vector<Sentence> sentences;
  std::vector<Mention> mentions;
};

std::vector<std::string> Split(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream stream(s);
  for (std::string w; stream >> w;) out.push_back(w);
  return out;
}

Doc Build(const std::vector<std::pair<std::string, std::string>>& sentences) {
  Doc doc;
  for (const auto& [words, tag_names] : sentences) {
    const std::vector<std::string> w = Split(words), t = Split(tag_names);
    EXPECT_EQ(w.size(), t.size()) << words;
    Sentence sentence;
    sentence.first_token = static_cast<uint32_t>(doc.tokens.size());
    std::vector<int> tags;
    for (size_t k = 0; k < w.size(); ++k) {
      if (!doc.text.empty()) doc.text += ' ';
      const uint32_t begin = static_cast<uint32_t>(doc.text.size());
      doc.text += w[k];
      doc.tokens.push_back(Token{begin, static_cast<uint32_t>(doc.text.size()), TokenKind::kWord});
      tags.push_back(ParseNerTag(t[k]));
    }
    sentence.token_count = static_cast<uint32_t>(w.size());
    sentence.begin = doc.tokens[sentence.first_token].begin;
    sentence.end = doc.tokens.back().end;
    doc.sentences.push_back(sentence);
    AppendMentions(tags, sentence.first_token, doc.tokens, doc.mentions);
  }
  return doc;
}

std::vector<Entity> Merge(const Doc& doc) {
  return MergeMentions(doc.text, doc.tokens, doc.sentences, doc.mentions);
}

const Entity* Find(const std::vector<Entity>& entities, const std::string& name) {
  for (const Entity& e : entities) {
    if (e.canonical_name == name) return &e;
  }
  return nullptr;
}

TEST(EntitiesTest, CaseAndGenitiveVariantsAreOneEntity) {
  const Doc doc = Build({
      {"Quorvex meldet einen Rekordgewinn .", "B-ORG O O O O"},
      {"QUORVEX bestätigt die Zahlen .", "B-ORG O O O O"},
      {"Quorvexs Aktie steigt .", "B-ORG O O O"},
  });
  const std::vector<Entity> entities = Merge(doc);
  ASSERT_EQ(entities.size(), 1u);
  const Entity& e = entities[0];
  EXPECT_EQ(e.canonical_name, "Quorvex");
  EXPECT_EQ(e.type, EntityType::kOrg);
  ASSERT_EQ(e.mentions.size(), 3u);
  EXPECT_EQ(e.mentions[1].text, "QUORVEX");
  EXPECT_EQ(doc.text.substr(e.mentions[2].begin, e.mentions[2].end - e.mentions[2].begin),
            "Quorvexs");
  EXPECT_EQ(e.aliases, (std::vector<std::string>{"QUORVEX", "Quorvexs"}));
}

TEST(EntitiesTest, AllCapsNameStaysWhenNoOtherSpelling) {
  const Doc doc = Build({{"Die NORDAG wächst .", "O B-ORG O O"}});
  const std::vector<Entity> entities = Merge(doc);
  ASSERT_EQ(entities.size(), 1u);
  EXPECT_EQ(entities[0].canonical_name, "NORDAG");
}

TEST(EntitiesTest, SurnameAndTitledShortFormJoinTheFullName) {
  const Doc doc = Build({
      {"Die Physikerin Amara Nwosu-Lindgren erhielt den Preis .",
       "O O B-PER I-PER O O O O"},
      {"Nwosu-Lindgren dankte ihrem Team .", "B-PER O O O O"},
      {"Frau Nwosu-Lindgren will weiter forschen .", "B-PER I-PER O O O O"},
  });
  const std::vector<Entity> entities = Merge(doc);
  ASSERT_EQ(entities.size(), 1u);
  EXPECT_EQ(entities[0].canonical_name, "Amara Nwosu-Lindgren");
  EXPECT_EQ(entities[0].mentions.size(), 3u);
  EXPECT_EQ(entities[0].mentions[2].text, "Frau Nwosu-Lindgren");
}

TEST(EntitiesTest, SurnameJoinsTheNearestFullNameBefore) {
  const Doc doc = Build({
      {"Tilda Brenneke und Jonas Brenneke gründeten die Firma .",
       "B-PER I-PER O B-PER I-PER O O O O"},
      {"Jonas Brenneke leitet sie heute .", "B-PER I-PER O O O O"},
      {"Brenneke sagte , das Jahr sei gut gewesen .", "B-PER O O O O O O O O"},
  });
  const std::vector<Entity> entities = Merge(doc);
  ASSERT_EQ(entities.size(), 2u);
  const Entity* jonas = Find(entities, "Jonas Brenneke");
  ASSERT_NE(jonas, nullptr);
  EXPECT_EQ(jonas->mentions.size(), 3u);
  EXPECT_EQ(jonas->mentions.back().text, "Brenneke");
  ASSERT_NE(Find(entities, "Tilda Brenneke"), nullptr);
  EXPECT_EQ(Find(entities, "Tilda Brenneke")->mentions.size(), 1u);
}

TEST(EntitiesTest, TitlesAndRolesAreStripped) {
  const Doc doc = Build({
      {"Präsident Mateo Quispe Huanca landete in Lima .", "B-PER I-PER I-PER I-PER O O B-LOC O"},
      {"Wirtschaftsministerin Ilse Vorderbrügge widersprach .", "B-PER I-PER I-PER O O"},
      {"Quispe Huanca lächelte .", "B-PER I-PER O O"},
  });
  const std::vector<Entity> entities = Merge(doc);
  ASSERT_NE(Find(entities, "Mateo Quispe Huanca"), nullptr);
  EXPECT_EQ(Find(entities, "Mateo Quispe Huanca")->mentions.size(), 1u);
  ASSERT_NE(Find(entities, "Ilse Vorderbrügge"), nullptr);
  ASSERT_NE(Find(entities, "Lima"), nullptr);
  EXPECT_EQ(Find(entities, "Lima")->type, EntityType::kLoc);
}

TEST(EntitiesTest, HyphenatedCompoundsAreMentionsOfTheOrganisation) {
  const Doc doc = Build({
      {"Der Quorvex-CEO stellte neue Quorvex-Chips vor .", "O B-ORGpart O O B-ORGpart O O"},
      {"Quorvex will damit wachsen .", "B-ORG O O O O"},
  });
  const std::vector<Entity> entities = Merge(doc);
  ASSERT_EQ(entities.size(), 1u);
  EXPECT_EQ(entities[0].canonical_name, "Quorvex");
  EXPECT_EQ(entities[0].type, EntityType::kOrg);
  ASSERT_EQ(entities[0].mentions.size(), 3u);
  EXPECT_EQ(entities[0].mentions[0].text, "Quorvex-CEO");
  EXPECT_EQ(entities[0].mentions[0].subtype, EntitySubtype::kPart);
}

TEST(EntitiesTest, PartWithoutPlainMentionNamesItsFirstPart) {
  const Doc doc = Build({{"Die Halvorsen-Werft baut Fähren .", "O B-ORGpart O O O"}});
  const std::vector<Entity> entities = Merge(doc);
  ASSERT_EQ(entities.size(), 1u);
  EXPECT_EQ(entities[0].canonical_name, "Halvorsen");
}

TEST(EntitiesTest, LegalFormsAndAdjectiveEndingsAreIgnored) {
  const Doc doc = Build({
      {"Die Brandtner Logistik AG übernimmt die Nordische Fährbank .",
       "O B-ORG I-ORG I-ORG O O B-ORG I-ORG O"},
      {"Brandtner Logistik zahlt der Nordischen Fährbank viel .", "B-ORG I-ORG O O B-ORG I-ORG O O"},
  });
  const std::vector<Entity> entities = Merge(doc);
  ASSERT_EQ(entities.size(), 2u);
  ASSERT_NE(Find(entities, "Brandtner Logistik"), nullptr);
  EXPECT_EQ(Find(entities, "Brandtner Logistik")->mentions.size(), 2u);
  const Entity* bank = Find(entities, "Nordische Fährbank");
  ASSERT_NE(bank, nullptr);
  EXPECT_EQ(bank->mentions.size(), 2u);
}

TEST(EntitiesTest, DerivedAdjectivesJoinTheirPlaceOrAreDropped) {
  const Doc doc = Build({
      {"Norwegen investiert , die norwegische Regierung und europäische Partner jubeln .",
       "B-LOC O O O B-LOCderiv O O B-LOCderiv O O O"},
  });
  const std::vector<Entity> entities = Merge(doc);
  ASSERT_EQ(entities.size(), 1u);
  EXPECT_EQ(entities[0].canonical_name, "Norwegen");
  ASSERT_EQ(entities[0].mentions.size(), 2u);
  EXPECT_EQ(entities[0].mentions[1].text, "norwegische");
  EXPECT_EQ(entities[0].mentions[1].subtype, EntitySubtype::kDeriv);
}

TEST(EntitiesTest, IdsAreStableAcrossDocumentsAndDependOnType) {
  const Doc first = Build({{"Quorvex wächst in Tromsø .", "B-ORG O O B-LOC O"}});
  const Doc second = Build({{"In Tromsø sitzt auch QUORVEX , sagt Quorvex .",
                             "O B-LOC O O B-ORG O O B-ORG O"}});
  const std::vector<Entity> a = Merge(first), b = Merge(second);
  ASSERT_NE(Find(a, "Quorvex"), nullptr);
  ASSERT_NE(Find(b, "Quorvex"), nullptr);
  EXPECT_EQ(Find(a, "Quorvex")->entity_id, Find(b, "Quorvex")->entity_id);
  EXPECT_EQ(Find(a, "Tromsø")->entity_id, Find(b, "Tromsø")->entity_id);
  EXPECT_NE(Find(a, "Quorvex")->entity_id, Find(a, "Tromsø")->entity_id);
  EXPECT_EQ(EntityId(EntityType::kOrg, "Quorvex"), EntityId(EntityType::kOrg, "QUORVEX"));
  EXPECT_NE(EntityId(EntityType::kOrg, "Quorvex"), EntityId(EntityType::kLoc, "Quorvex"));
  const std::string id = Find(a, "Quorvex")->entity_id;
  EXPECT_EQ(id.size(), 17u);
  EXPECT_EQ(id[0], 'e');
}

TEST(EntitiesTest, SalienceFavoursTheHeadlineAndFrequentEntities) {
  const Doc doc = Build({
      {"Quorvex kauft Halvorsen", "B-ORG O B-ORG"},
      {"Der Kauf wurde in Bergen verkündet .", "O O O O B-LOC O O"},
      {"Quorvex zahlt viel .", "B-ORG O O O"},
  });
  const std::vector<Entity> entities = Merge(doc);
  ASSERT_EQ(entities.size(), 3u);
  EXPECT_EQ(entities[0].canonical_name, "Quorvex");
  EXPECT_DOUBLE_EQ(entities[0].salience, 1.0);
  EXPECT_EQ(entities[1].canonical_name, "Halvorsen");
  EXPECT_GT(entities[1].salience, entities[2].salience);
  EXPECT_GT(entities[2].salience, 0.0);
}

TEST(EntitiesTest, NoMentionsNoEntities) {
  EXPECT_TRUE(MergeMentions("", {}, {}, {}).empty());
}

}  // namespace
}  // namespace korpus::nlp
