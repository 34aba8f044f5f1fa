#include "libs/nlp/ner.h"

#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "libs/nlp/model_io.h"
#include "libs/nlp/ner_cli.h"
#include "libs/nlp/ner_eval.h"
#include "libs/nlp/ner_gazetteer.h"

namespace korpus::nlp {
namespace {

std::vector<std::string> Split(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream stream(s);
  for (std::string w; stream >> w;) out.push_back(w);
  return out;
}

std::vector<int> Tags(const std::string& s) {
  std::vector<int> out;
  for (const std::string& name : Split(s)) out.push_back(ParseNerTag(name));
  return out;
}

TEST(NerTagTest, NamesRoundTrip) {
  for (int tag = 0; tag < kNerTagCount; ++tag) EXPECT_EQ(ParseNerTag(NerTagName(tag)), tag);
  EXPECT_EQ(NerTagName(NerTag(EntityType::kOrg, EntitySubtype::kPart, false)), "B-ORGpart");
  EXPECT_EQ(NerTagName(NerTag(EntityType::kLoc, EntitySubtype::kDeriv, true)), "I-LOCderiv");
  EXPECT_EQ(ParseNerTag("B-FOO"), -1);
  EXPECT_EQ(ParseNerTag("X-PER"), -1);
}

TEST(NerMentionTest, ChunksFollowGermEvalRule) {
  // Tokens: Die Kanzlerin Greta Lindqvist traf VW-Manager in Oslo .
  std::vector<Token> tokens;
  for (uint32_t k = 0; k < 9; ++k) tokens.push_back(Token{k * 10, k * 10 + 5, TokenKind::kWord});
  std::vector<Mention> mentions;
  AppendMentions(Tags("O O B-PER I-PER O B-ORGpart O I-LOC O"), 0, tokens, mentions);
  ASSERT_EQ(mentions.size(), 3u);
  EXPECT_EQ(mentions[0].first_token, 2u);
  EXPECT_EQ(mentions[0].token_count, 2u);
  EXPECT_EQ(mentions[0].begin, 20u);
  EXPECT_EQ(mentions[0].end, 35u);
  EXPECT_EQ(mentions[0].type, EntityType::kPer);
  EXPECT_EQ(mentions[1].type, EntityType::kOrg);
  EXPECT_EQ(mentions[1].subtype, EntitySubtype::kPart);
  // An I- after O starts a mention.
  EXPECT_EQ(mentions[2].first_token, 7u);
  EXPECT_EQ(mentions[2].type, EntityType::kLoc);

  // I-X after I-Y goes on (one mention of the first token's type); an offset
  // sentence start shifts token indices.
  mentions.clear();
  AppendMentions(Tags("B-ORG I-ORG I-LOC B-PER"), 4, tokens, mentions);
  ASSERT_EQ(mentions.size(), 2u);
  EXPECT_EQ(mentions[0].first_token, 4u);
  EXPECT_EQ(mentions[0].token_count, 3u);
  EXPECT_EQ(mentions[1].first_token, 7u);
}

TEST(NerEvalTest, StrictNeedsSpanAndEveryLabel) {
  NerEvaluator eval;
  // Gold: [Greta Lindqvist]PER, [Oslo]LOC, [norwegische]LOCderiv.
  eval.Add(Split("B-PER I-PER O B-LOC O B-LOCderiv"),
           Split("B-PER I-PER O B-LOC O B-LOC"));
  EXPECT_EQ(eval.strict().gold, 3u);
  EXPECT_EQ(eval.strict().predicted, 3u);
  EXPECT_EQ(eval.strict().correct, 2u);  // the subtype differs
  EXPECT_EQ(eval.loose().correct, 3u);   // loose ignores it
  EXPECT_NEAR(eval.strict().F1(), 200.0 / 3, 1e-9);
  EXPECT_EQ(eval.per_label().at("LOCderiv").gold, 1u);
  EXPECT_EQ(eval.per_label().at("LOC").predicted, 2u);
}

TEST(NerEvalTest, BoundaryErrorsAndMixedChunks) {
  NerEvaluator eval;
  // Too short a span is wrong; a B- inside splits; I-LOC after I-ORG does
  // not start a chunk, so the predicted chunk has the right span but a
  // wrong label on one token: wrong in strict and loose.
  eval.Add(Split("B-ORG I-ORG I-ORG O B-PER I-PER O B-ORG I-ORG"),
           Split("B-ORG I-ORG O O B-PER B-PER O B-ORG I-LOC"));
  EXPECT_EQ(eval.strict().gold, 3u);
  EXPECT_EQ(eval.strict().predicted, 4u);
  EXPECT_EQ(eval.strict().correct, 0u);
  EXPECT_EQ(eval.loose().correct, 0u);
  const std::vector<NerChunk> chunks = NerChunks(Split("I-PER I-PER O I-ORG B-ORG"));
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[0].first, 0u);
  EXPECT_EQ(chunks[0].last, 1u);
  EXPECT_EQ(chunks[1].first, 3u);
  EXPECT_EQ(chunks[2].first, 4u);
}

TEST(NerEvalTest, ParsesGermEvalFiles) {
  const std::string content =
      "#\tquelle-1\t[2020-01-01]\t\n1\tGreta\tB-PER\tO\n2\tlacht\tO\tO\n\n"
      "#\tquelle-2\n1\tOslo\tB-LOC\tO\n";
  absl::StatusOr<std::vector<NerFileSentence>> sentences = ParseNerFile(content, 3);
  ASSERT_TRUE(sentences.ok()) << sentences.status();
  ASSERT_EQ(sentences->size(), 2u);
  EXPECT_EQ((*sentences)[0].comment, "quelle-1\t[2020-01-01]");
  EXPECT_EQ((*sentences)[0].rows[1][1], "lacht");
  EXPECT_EQ((*sentences)[1].rows[0][2], "B-LOC");
  EXPECT_EQ(ParseNerFile("1\tOslo\n", 3).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(NerGazetteerTest, WordsAndLongestPhrase) {
  NerGazetteer gazetteer;
  gazetteer.AddWord("Tromsø", kGazCity);
  gazetteer.AddPhrase({"Neue", "Hebriden"}, kGazRegion);
  gazetteer.AddPhrase({"Neue", "Hebriden", "Inseln"}, kGazCountry);
  EXPECT_EQ(gazetteer.WordBits("Tromsø"), uint32_t{kGazCity});
  EXPECT_EQ(gazetteer.WordBits("tromsø"), 0u);
  const std::vector<std::string_view> words = {"die", "Neue", "Hebriden", "Inseln", "und", "Neue",
                                               "Hebriden"};
  std::vector<uint32_t> begin, inside;
  gazetteer.PhraseBits(words, begin, inside);
  EXPECT_EQ(begin[1], uint32_t{kGazCountry});
  EXPECT_EQ(inside[2], uint32_t{kGazCountry});
  EXPECT_EQ(inside[3], uint32_t{kGazCountry});
  EXPECT_EQ(begin[5], uint32_t{kGazRegion});
  EXPECT_EQ(inside[6], uint32_t{kGazRegion});
  EXPECT_EQ(begin[0] | inside[0] | begin[4], 0u);
}

TEST(NerGazetteerTest, AliasesRoundTripAndFirstCanonicalWins) {
  NerGazetteer gazetteer;
  gazetteer.AddAlias("Vereinigte Inseln", "Vereinigte Inseln");
  gazetteer.AddAlias("TVL", "Vereinigte Inseln");
  gazetteer.AddAlias("TVL", "Tuvalien");  // ignored: TVL is taken
  gazetteer.AddWord("KI", kGazCommonAbbrev);
  EXPECT_EQ(gazetteer.Canonical("TVL"), "Vereinigte Inseln");
  EXPECT_EQ(gazetteer.Canonical("tvl"), "");
  ModelWriter writer("TEST\n", 1);
  gazetteer.Write(writer);
  const std::string path =
      (std::filesystem::temp_directory_path() / "korpus-gazetteer-test.bin").string();
  ASSERT_TRUE(writer.WriteTo(path).ok());
  absl::StatusOr<ModelReader> reader = ModelReader::Open(path, "TEST\n", 1);
  ASSERT_TRUE(reader.ok()) << reader.status();
  NerGazetteer loaded;
  ASSERT_TRUE(loaded.Read(*reader));
  EXPECT_EQ(loaded.Canonical("TVL"), "Vereinigte Inseln");
  EXPECT_EQ(loaded.Canonical("Vereinigte Inseln"), "Vereinigte Inseln");
  EXPECT_EQ(loaded.WordBits("KI"), uint32_t{kGazCommonAbbrev});
  EXPECT_EQ(loaded.alias_count(), 2u);
  std::remove(path.c_str());
}

TEST(NerCuesTest, TitlesAndOrganisationNouns) {
  EXPECT_TRUE(IsPersonTitle("präsident"));
  EXPECT_TRUE(IsPersonTitle("wirtschaftsministerin"));
  EXPECT_TRUE(IsPersonTitle("quorvex-ceo"));
  EXPECT_FALSE(IsPersonTitle("ceos"));
  EXPECT_FALSE(IsPersonTitle("haus"));
  EXPECT_TRUE(IsOrganisationCue("unternehmen"));
  EXPECT_TRUE(IsOrganisationCue("ki-startups"));
  EXPECT_TRUE(IsOrganisationCue("chiphersteller"));
  EXPECT_TRUE(IsOrganisationCue("konzerns"));
  EXPECT_TRUE(IsOrganisationCue("start-up"));
  EXPECT_FALSE(IsOrganisationCue("kunden"));
  EXPECT_FALSE(IsOrganisationCue("präsident"));
  EXPECT_TRUE(IsOrganisationPartHead("chef"));
  EXPECT_TRUE(IsOrganisationPartHead("aktie"));
  EXPECT_FALSE(IsOrganisationPartHead("regierung"));
}

// A tiny model trained on invented sentences learns them, and survives a
// save/load round trip unchanged.
TEST(NerTaggerTest, TrainsSavesAndLoads) {
  std::vector<NerSentence> sentences;
  auto add = [&](const std::string& words, const std::string& tags) {
    NerSentence s;
    s.words = Split(words);
    s.tags = Tags(tags);
    sentences.push_back(s);
  };
  for (int k = 0; k < 3; ++k) {
    add("Greta Lindqvist reist nach Tromsø .", "B-PER I-PER O O B-LOC O");
    add("Die Firma Quorvex baut in Tromsø .", "O O B-ORG O O B-LOC O");
    add("Quorvex-Chips sind gefragt .", "B-ORGpart O O O");
    add("Lindqvist lobt die norwegische Küste .", "B-PER O O B-LOCderiv O O");
  }
  NerGazetteer gazetteer;
  gazetteer.AddWord("Tromsø", kGazCity);
  NerTrainingOptions options;
  options.features.lexicon = false;
  options.features.pos = false;
  options.iterations = 5;
  const NerTagger tagger = NerTagger::Train(sentences, nullptr, gazetteer, {{"Tromsø", 7}}, options);
  const std::vector<std::string_view> words = {"Greta", "Lindqvist", "reist", "nach", "Tromsø", "."};
  const std::vector<int> tags = tagger.Tag(words, {});
  EXPECT_EQ(tags, Tags("B-PER I-PER O O B-LOC O"));

  const std::string dir =
      (std::filesystem::temp_directory_path() / "korpus_ner_test_model").string();
  std::filesystem::create_directories(dir);
  ASSERT_TRUE(tagger.Save(dir + "/de_ner.bin").ok());
  absl::StatusOr<NerTagger> loaded = NerTagger::Load(dir);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->Tag(words, {}), tags);
  EXPECT_EQ(loaded->gazetteer().WordBits("Tromsø"), uint32_t{kGazCity});
  const std::vector<std::string_view> part = {"Quorvex-Chips", "sind", "gefragt", "."};
  EXPECT_EQ(NerTagName(loaded->Tag(part, {})[0]), "B-ORGpart");

  ModelWriter wrong(NerTagger::kMagic, NerTagger::kVersion + 1);
  ASSERT_TRUE(wrong.WriteTo(dir + "/de_ner.bin").ok());
  EXPECT_EQ(NerTagger::Load(dir).status().code(), absl::StatusCode::kFailedPrecondition);
  std::filesystem::remove_all(dir);
  EXPECT_EQ(NerTagger::Load(dir).status().code(), absl::StatusCode::kNotFound);
}

TEST(NerTaggerTest, OutputIsValidBio) {
  std::vector<NerSentence> sentences(1);
  sentences[0].words = Split("Greta Lindqvist lacht");
  sentences[0].tags = Tags("B-PER I-PER O");
  NerTrainingOptions options;
  options.features = NerFeatureOptions{false, false, false, false, false};
  const NerTagger tagger = NerTagger::Train(sentences, nullptr, NerGazetteer(), {}, options);
  const std::vector<std::string_view> words = {"Lindqvist", "Lindqvist", "Greta", "x", "Lindqvist"};
  const std::vector<int> tags = tagger.Tag(words, {});
  for (size_t i = 0; i < tags.size(); ++i) {
    if (!NerTagIsInside(tags[i])) continue;
    ASSERT_GT(i, 0u);
    EXPECT_EQ(NerTagLabel(tags[i - 1]), NerTagLabel(tags[i]));
  }
  EXPECT_TRUE(tagger.Tag({}, {}).empty());
}

// The committed model: obvious names in an invented sentence, and the
// `korpusctl ner` output format.
TEST(NerModelTest, CommittedModelFindsObviousNames) {
  const std::string dir = KORPUS_MODEL_DIR;
  if (!std::filesystem::exists(dir + "/de_ner.bin")) GTEST_SKIP() << "no models/de_ner.bin";
  std::istringstream in(
      "#\terfunden\n1\tBundeskanzler\tO\tO\n2\tHelmut\tB-PER\tO\n3\tKohl\tI-PER\tO\n"
      "4\treiste\tO\tO\n5\tnach\tO\tO\n6\tFrankreich\tB-LOC\tO\n7\t.\tO\tO\n");
  std::ostringstream out;
  NerOptions options;
  options.model_dir = dir;
  ASSERT_TRUE(RunNer(options, in, out).ok());
  absl::StatusOr<std::vector<NerFileSentence>> rows = ParseNerFile(out.str(), 5);
  ASSERT_TRUE(rows.ok()) << rows.status() << "\n" << out.str();
  ASSERT_EQ(rows->size(), 1u);
  const NerFileSentence& s = rows->front();
  EXPECT_EQ(s.comment, "erfunden");
  ASSERT_EQ(s.rows.size(), 7u);
  EXPECT_EQ(s.rows[1][4], "B-PER");
  EXPECT_EQ(s.rows[2][4], "I-PER");
  EXPECT_EQ(s.rows[5][4], "B-LOC");
  EXPECT_EQ(s.rows[3][4], "O");
}

// The committed model's gazetteer: common-noun abbreviations from Ding
// (not those that also abbreviate a name), country aliases from iso-codes
// and ICU.
TEST(NerModelTest, CommittedGazetteerKnowsAbbreviationsAndCountryAliases) {
  const std::string dir = KORPUS_MODEL_DIR;
  if (!std::filesystem::exists(dir + "/de_ner.bin")) GTEST_SKIP() << "no models/de_ner.bin";
  absl::StatusOr<NerTagger> tagger = NerTagger::Load(dir);
  ASSERT_TRUE(tagger.ok()) << tagger.status();
  const NerGazetteer& gazetteer = tagger->gazetteer();
  for (const char* common : {"KI", "IT", "CEO", "BIP"}) {
    EXPECT_NE(gazetteer.WordBits(common) & kGazCommonAbbrev, 0u) << common;
  }
  for (const char* name : {"EU", "USA", "UNO", "WHO", "NATO", "SPD", "CDU"}) {
    EXPECT_EQ(gazetteer.WordBits(name) & kGazCommonAbbrev, 0u) << name;
  }
  for (const char* us : {"USA", "US", "Vereinigte Staaten von Amerika", "Amerika"}) {
    EXPECT_EQ(gazetteer.Canonical(us), "Vereinigte Staaten") << us;
  }
  EXPECT_EQ(gazetteer.Canonical("Volksrepublik China"), "China");
  EXPECT_EQ(gazetteer.Canonical("Republik Korea"), "Südkorea");
  EXPECT_EQ(gazetteer.Canonical("Deutschland"), "Deutschland");
  EXPECT_EQ(gazetteer.Canonical("Berlin"), "");
}

TEST(NerCliTest, MissingModelIsNotFound) {
  std::istringstream in("1\tOslo\tB-LOC\tO\n");
  std::ostringstream out;
  NerOptions options;
  options.model_dir = (std::filesystem::temp_directory_path() / "korpus-no-models").string();
  EXPECT_EQ(RunNer(options, in, out).code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace korpus::nlp
