#include "libs/nlp/entities.h"

#include <filesystem>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "libs/nlp/lexicon.h"
#include "libs/nlp/ner_gazetteer.h"
#include "libs/nlp/pipeline.h"

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

std::vector<Entity> Merge(const Doc& doc, const EntityKnowledge& knowledge = {}) {
  return MergeMentions(doc.text, doc.tokens, doc.sentences, doc.mentions, knowledge);
}

// A small lexicon and gazetteer standing in for the trained ones.
struct TestKnowledge {
  Lexicon lexicon;
  NerGazetteer gazetteer;
  TestKnowledge() {
    for (const char* noun : {"Chips", "Chip", "Wahl", "Regierung", "Brillen", "Schub", "Macht",
                             "Modelle", "Forschung", "Aktie", "Team"}) {
      lexicon.Add(noun, kLexNoun, noun);
    }
    lexicon.Add("fähige", kLexAdjectiveInflected, "fähig");
    for (const char* abbreviation : {"KI", "IT", "CEO"}) {
      gazetteer.AddWord(abbreviation, kGazCommonAbbrev);
    }
    gazetteer.AddWord("Norwegen", kGazCountry);
    gazetteer.AddWord("Tuvalien", kGazCountry);
    for (const char* alias : {"Tuvalien", "TV", "TVL", "Republik Tuvalien", "Vereinigte Inseln",
                              "Inseln"}) {
      gazetteer.AddAlias(alias, "Vereinigte Inseln");
    }
  }
  EntityKnowledge get() const { return EntityKnowledge{&lexicon, &gazetteer}; }
};

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

TEST(EntitiesTest, IdsAreStableAcrossDocumentsAndIgnoreType) {
  const Doc first = Build({{"Quorvex wächst in Tromsø .", "B-ORG O O B-LOC O"}});
  const Doc second = Build({{"In Tromsø sitzt auch QUORVEX , sagt Quorvex .",
                             "O B-LOC O O B-ORG O O B-ORG O"}});
  const std::vector<Entity> a = Merge(first), b = Merge(second);
  ASSERT_NE(Find(a, "Quorvex"), nullptr);
  ASSERT_NE(Find(b, "Quorvex"), nullptr);
  EXPECT_EQ(Find(a, "Quorvex")->entity_id, Find(b, "Quorvex")->entity_id);
  EXPECT_EQ(Find(a, "Tromsø")->entity_id, Find(b, "Tromsø")->entity_id);
  EXPECT_NE(Find(a, "Quorvex")->entity_id, Find(a, "Tromsø")->entity_id);
  EXPECT_EQ(EntityId("Quorvex"), EntityId("QUORVEX"));
  EXPECT_NE(EntityId("Quorvex"), EntityId("Tromsø"));
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

TEST(EntitiesTest, ShortFormInTheHeadlineJoinsTheTitledFullNameWhateverItsTag) {
  // The headline's "Quanz" got a wrong type; the body names him in full.
  const Doc doc = Build({
      {"Quorvex-Chefin trifft Quanz in Oslo", "B-ORGpart O B-OTH O B-LOC"},
      {"Präsident Eliah Quanz empfing sie am Montag .", "O B-PER I-PER O O O O O"},
      {"Quanz lobte das Treffen , Quanz will mehr .", "B-PER O O O O B-PER O O O"},
  });
  const std::vector<Entity> entities = Merge(doc);
  const Entity* quanz = Find(entities, "Eliah Quanz");
  ASSERT_NE(quanz, nullptr);
  EXPECT_EQ(quanz->type, EntityType::kPer);
  EXPECT_EQ(quanz->mentions.size(), 4u);
  EXPECT_EQ(quanz->mentions[0].text, "Quanz");
  EXPECT_EQ(Find(entities, "Quanz"), nullptr);
}

TEST(EntitiesTest, GivenNameAloneJoinsTheOnlyFullNameStartingWithIt) {
  const Doc doc = Build({
      {"Wu Tingfang sprach in Peking .", "B-PER I-PER O O B-LOC O"},
      {"Die Gäste dankten Wu und Torben .", "O O O B-PER O B-PER O"},
      {"Torben Ahlgrimm lachte .", "B-PER I-PER O O"},
  });
  const std::vector<Entity> entities = Merge(doc);
  ASSERT_NE(Find(entities, "Wu Tingfang"), nullptr);
  EXPECT_EQ(Find(entities, "Wu Tingfang")->mentions.size(), 2u);
  // "Torben" (a word ending like an adjective) joins "Torben Ahlgrimm".
  ASSERT_NE(Find(entities, "Torben Ahlgrimm"), nullptr);
  EXPECT_EQ(Find(entities, "Torben Ahlgrimm")->mentions.size(), 2u);
}

TEST(EntitiesTest, PartMentionJoinsTheOrganisationWhateverTypeItGot) {
  TestKnowledge knowledge;
  const Doc doc = Build({
      {"Der Quorvex-CEO lobte die Quorvex-Chips .", "O B-LOC O O B-LOCpart O"},
      {"Quorvex ist ein Konzern aus Tuvalien .", "B-ORG O O O O B-LOC O"},
  });
  const std::vector<Entity> entities = Merge(doc, knowledge.get());
  const Entity* quorvex = Find(entities, "Quorvex");
  ASSERT_NE(quorvex, nullptr);
  EXPECT_EQ(quorvex->type, EntityType::kOrg);
  ASSERT_EQ(quorvex->mentions.size(), 3u);
  EXPECT_EQ(quorvex->mentions[0].text, "Quorvex-CEO");
  EXPECT_EQ(quorvex->mentions[0].subtype, EntitySubtype::kPart);
  EXPECT_EQ(Find(entities, "Quorvex-CEO"), nullptr);
}

TEST(EntitiesTest, PartWithAPlaceInsideIsThatPlace) {
  TestKnowledge knowledge;
  // "TV-Regierung": the code of the invented country, tagged PER by mistake.
  const Doc doc = Build({{"Die TV-Regierung widerspricht der Republik Tuvalien nicht .",
                          "O B-PERpart O O B-LOC I-LOC O O"}});
  const std::vector<Entity> entities = Merge(doc, knowledge.get());
  ASSERT_EQ(entities.size(), 1u);
  EXPECT_EQ(entities[0].canonical_name, "Vereinigte Inseln");
  EXPECT_EQ(entities[0].type, EntityType::kLoc);
  EXPECT_EQ(entities[0].mentions.size(), 2u);
}

TEST(EntitiesTest, LeadingGenitiveNameIsSplitOff) {
  TestKnowledge knowledge;
  const Doc doc = Build({
      {"QUORVEX meldet Gewinne .", "B-ORG O O O"},
      {"QUORVEXs Marten Eklund und Tuvaliens Wahl überraschten .",
       "B-PER I-PER I-PER O B-LOC I-LOC O O"},
      {"Eklund lächelte .", "B-PER O O"},
      {"Quorvex-CEO Marten Eklund schwieg .", "B-PER I-PER I-PER O O"},
  });
  const std::vector<Entity> entities = Merge(doc, knowledge.get());
  const Entity* quorvex = Find(entities, "QUORVEX");
  ASSERT_NE(quorvex, nullptr);
  EXPECT_EQ(quorvex->type, EntityType::kOrg);
  ASSERT_EQ(quorvex->mentions.size(), 3u);
  EXPECT_EQ(quorvex->mentions[1].text, "QUORVEXs");
  EXPECT_EQ(quorvex->mentions[2].text, "Quorvex-CEO");
  EXPECT_EQ(quorvex->mentions[2].subtype, EntitySubtype::kPart);
  const Entity* eklund = Find(entities, "Marten Eklund");
  ASSERT_NE(eklund, nullptr);
  EXPECT_EQ(eklund->mentions.size(), 3u);
  EXPECT_EQ(eklund->mentions[0].text, "Marten Eklund");
  // "Tuvaliens" is the country; "Wahl" (a common noun) names nothing.
  const Entity* country = Find(entities, "Vereinigte Inseln");
  ASSERT_NE(country, nullptr);
  EXPECT_EQ(country->mentions[0].text, "Tuvaliens");
  EXPECT_EQ(entities.size(), 3u);
}

TEST(EntitiesTest, CommonNounAbbreviationsAreNotEntities) {
  TestKnowledge knowledge;
  const Doc doc = Build({
      {"Die KI von Quorvex und neue KI-Chips treiben den KI-Schub .",
       "O B-ORG O B-ORG O O B-ORGpart O O B-ORGpart O"},
      {"KI-fähige Brillen und die IT-Forschung bleiben teuer .",
       "B-PER I-PER O O B-ORGpart O O O"},
      {"Der CEO schweigt .", "O B-ORG O O"},
      {"Neue KI-Chips Quorvex kommen .", "O B-ORG I-ORG O O"},
  });
  const std::vector<Entity> entities = Merge(doc, knowledge.get());
  ASSERT_EQ(entities.size(), 1u);
  EXPECT_EQ(entities[0].canonical_name, "Quorvex");
  ASSERT_EQ(entities[0].mentions.size(), 2u);
  EXPECT_EQ(entities[0].mentions[1].text, "Quorvex");
  // Without the gazetteer nothing is known to be common.
  EXPECT_GT(Merge(doc).size(), 1u);
}

TEST(EntitiesTest, OrganisationContextOutvotesOtherTags) {
  // Tagged OTH twice, but named as a company: "das Startup X", "Firmen wie
  // X", "X, ein Chiphersteller", "X-Aktie".
  const Doc doc = Build({
      {"Das Startup Velmora wächst .", "O O B-OTH O O"},
      {"Firmen wie Velmora und Quorvex investieren .", "O O B-ORG O B-ORG O O"},
      {"Velmora , ein Chiphersteller aus Oslo , lobt die Velmora-Aktie .",
       "B-OTH O O O O B-LOC O O O B-OTHpart O"},
      {"Velmora plant mehr .", "B-OTH O O O"},
  });
  const std::vector<Entity> entities = Merge(doc);
  const Entity* velmora = Find(entities, "Velmora");
  ASSERT_NE(velmora, nullptr);
  EXPECT_EQ(velmora->type, EntityType::kOrg);
  EXPECT_EQ(velmora->mentions.size(), 5u);
}

TEST(EntitiesTest, CountryAliasesBecomeOneEntityWithTheCanonicalName) {
  TestKnowledge knowledge;
  const Doc doc = Build({
      {"TVL und Tuvalien streiten , die TV-Regierung schweigt .",
       "B-LOC O B-LOC O O O B-LOCpart O O"},
      {"In den Vereinigten Inseln und bei tuvalischen Firmen herrscht Ruhe .",
       "O O B-LOC I-LOC O O B-LOCderiv O O O O"},
      {"Inseln bleiben Inseln .", "O O O O"},
  });
  const std::vector<Entity> entities = Merge(doc, knowledge.get());
  ASSERT_EQ(entities.size(), 1u);
  EXPECT_EQ(entities[0].canonical_name, "Vereinigte Inseln");
  EXPECT_EQ(entities[0].entity_id, EntityId("Vereinigte Inseln"));
  EXPECT_EQ(entities[0].mentions.size(), 5u);
  EXPECT_EQ(entities[0].mentions.back().text, "tuvalischen");
}

TEST(EntitiesTest, NamesSpreadToUntaggedTokensAndCoordinations) {
  TestKnowledge knowledge;
  knowledge.lexicon.Add("Firmen", kLexNoun, "Firma");
  knowledge.lexicon.Add("Partner", kLexNoun, "Partner");
  const Doc doc = Build({
      {"Velmora-Chips sind gefragt .", "O O O O"},
      {"Firmen wie Quorvex und Velmora wachsen , Quorvex und Partner auch .",
       "O O B-ORG O O O O B-ORG O O O O"},
      {"Velmora liefert , Velmoras Kunden zahlen .", "O O O O O O O"},
  });
  const std::vector<Entity> entities = Merge(doc, knowledge.get());
  const Entity* velmora = Find(entities, "Velmora");
  ASSERT_NE(velmora, nullptr);
  EXPECT_EQ(velmora->type, EntityType::kOrg);
  ASSERT_EQ(velmora->mentions.size(), 4u);
  EXPECT_EQ(velmora->mentions[0].text, "Velmora-Chips");
  EXPECT_EQ(velmora->mentions[0].subtype, EntitySubtype::kPart);
  EXPECT_EQ(velmora->mentions[3].text, "Velmoras");
  // "Partner" is a word the lexicon knows: no name.
  EXPECT_EQ(Find(entities, "Partner"), nullptr);
  EXPECT_EQ(entities.size(), 2u);
  // Without a lexicon nothing is added.
  EXPECT_EQ(Merge(doc).size(), 1u);
}

TEST(EntitiesTest, TitledGenitiveSpreadsToCompounds) {
  TestKnowledge knowledge;
  const Doc doc = Build({
      {"Die Quanz-Regierung zögert .", "O O O O"},
      {"Das widerspricht Präsident Quanz' früherem Plan und Kanzlerin Ahlbecks Linie .",
       "O O O B-PER O O O O B-PER O O"},
  });
  const std::vector<Entity> entities = Merge(doc, knowledge.get());
  ASSERT_NE(Find(entities, "Quanz"), nullptr);
  EXPECT_EQ(Find(entities, "Quanz")->mentions.size(), 2u);
  EXPECT_EQ(Find(entities, "Quanz")->mentions[0].text, "Quanz-Regierung");
  EXPECT_NE(Find(entities, "Ahlbeck"), nullptr);
}

TEST(EntitiesTest, MistypedSurnameJoinsTheOnlyPersonOfThatName) {
  TestKnowledge knowledge;
  knowledge.gazetteer.AddWord("Kollund", kGazCity);
  const Doc doc = Build({
      {"Das KI-Startup Velmora stellte Henrik Aalberg ein .", "O B-PER I-PER O B-PER I-PER O O"},
      {"Aalberg sagte , Kollund sei ein guter Ort .", "B-LOC O O B-LOC O O O O O"},
      {"Jens Kollund widersprach .", "B-PER I-PER O O"},
  });
  const std::vector<Entity> entities = Merge(doc, knowledge.get());
  const Entity* aalberg = Find(entities, "Henrik Aalberg");
  ASSERT_NE(aalberg, nullptr);
  EXPECT_EQ(aalberg->mentions.size(), 2u);
  // A listed place keeps its own entity.
  ASSERT_NE(Find(entities, "Kollund"), nullptr);
  EXPECT_EQ(Find(entities, "Kollund")->type, EntityType::kLoc);
  // The organisation noun is stripped and makes the company an ORG.
  const Entity* velmora = Find(entities, "Velmora");
  ASSERT_NE(velmora, nullptr);
  EXPECT_EQ(velmora->type, EntityType::kOrg);
  EXPECT_EQ(velmora->mentions[0].text, "Velmora");
  // An organisation is no surname, nor is the name after "von".
  const Doc ceo = Build({{"Quorvex lobt Lena Brandt von Velmora , sagt Velmora .",
                          "B-ORG O B-PER I-PER I-PER I-PER O O B-LOC O"}});
  const std::vector<Entity> ceo_entities = Merge(ceo, knowledge.get());
  ASSERT_NE(Find(ceo_entities, "Velmora"), nullptr);
  EXPECT_EQ(Find(ceo_entities, "Velmora")->mentions.size(), 1u);
  const Doc bank = Build({{"Die Bank of Quorvex wächst .", "O B-ORG I-ORG I-ORG O O"}});
  ASSERT_EQ(Merge(bank, knowledge.get()).size(), 1u);
  EXPECT_EQ(Merge(bank, knowledge.get())[0].canonical_name, "Bank of Quorvex");
}

// The trained pipeline on an invented article: the committed model, the
// lexicon and the gazetteer together.
TEST(EntitiesModelTest, CommittedPipelineMergesAnInventedArticle) {
  const std::string dir = KORPUS_MODEL_DIR;
  if (!std::filesystem::exists(dir + "/de_ner.bin")) GTEST_SKIP() << "no models/de_ner.bin";
  PipelineOptions options;
  options.model_dir = dir;
  absl::StatusOr<std::unique_ptr<Pipeline>> pipeline = Pipeline::Load(options);
  ASSERT_TRUE(pipeline.ok()) << pipeline.status();
  const AnalyzedText analysis = (*pipeline)->Analyze(
      "Velotrax-Chef trifft Merz in Berlin\n\n"
      "Bundeskanzler Friedrich Merz empfängt am Montag den Velotrax-Chef Henrik Aalberg im "
      "Kanzleramt. Das Münchner KI-Startup Velotrax entwickelt KI-Chips für Rechenzentren. Merz "
      "lobte die Velotrax-Chips. Unternehmen wie Velotrax und Quantifi profitieren vom KI-Boom in "
      "den USA. Aalberg sagte, die Vereinigten Staaten seien ein wichtiger Markt für Velotraxs "
      "Chips.\n");
  const std::vector<Entity>& entities = analysis.entities;
  const Entity* company = Find(entities, "Velotrax");
  ASSERT_NE(company, nullptr);
  EXPECT_EQ(company->type, EntityType::kOrg);
  EXPECT_GE(company->mentions.size(), 5u);
  const Entity* merz = Find(entities, "Friedrich Merz");
  ASSERT_NE(merz, nullptr);
  EXPECT_EQ(merz->mentions.size(), 3u);  // the headline's "Merz" too
  const Entity* aalberg = Find(entities, "Henrik Aalberg");
  ASSERT_NE(aalberg, nullptr);
  EXPECT_EQ(aalberg->mentions.size(), 2u);
  const Entity* us = Find(entities, "Vereinigte Staaten");
  ASSERT_NE(us, nullptr);
  EXPECT_EQ(us->mentions.size(), 2u);
  EXPECT_EQ(us->entity_id, EntityId("Vereinigte Staaten"));
  for (const Entity& e : entities) {
    EXPECT_EQ(e.canonical_name.find("KI"), std::string::npos) << e.canonical_name;
  }
}

TEST(EntitiesTest, NoMentionsNoEntities) {
  EXPECT_TRUE(MergeMentions("", {}, {}, {}).empty());
}

}  // namespace
}  // namespace korpus::nlp
