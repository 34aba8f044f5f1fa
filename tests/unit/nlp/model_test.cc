#include <cstdio>
#include <filesystem>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/nlp/lemmatizer.h"
#include "libs/nlp/lexicon.h"
#include "libs/nlp/model_io.h"
#include "libs/nlp/morphologizer.h"
#include "libs/nlp/pipeline.h"
#include "libs/nlp/tagger.h"

namespace korpus::nlp {
namespace {

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("korpus_nlp_test_" + name)).string();
}

TEST(ModelIoTest, WrongVersionIsFailedPrecondition) {
  const std::string path = TempPath("version.bin");
  ModelWriter writer(Tagger::kMagic, Tagger::kVersion + 1);
  writer.U32(0);
  ASSERT_TRUE(writer.WriteTo(path).ok());
  absl::StatusOr<Tagger> tagger = Tagger::Load(path);
  EXPECT_EQ(tagger.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(tagger.status().message().find("version"), std::string_view::npos);
  std::remove(path.c_str());
}

TEST(ModelIoTest, WrongKindIsDataLoss) {
  const std::string path = TempPath("kind.bin");
  ModelWriter writer(Lexicon::kMagic, Lexicon::kVersion);
  writer.U32(0);
  ASSERT_TRUE(writer.WriteTo(path).ok());
  EXPECT_EQ(Tagger::Load(path).status().code(), absl::StatusCode::kDataLoss);
  std::remove(path.c_str());
}

TEST(ModelIoTest, MissingFileIsNotFound) {
  EXPECT_EQ(Lexicon::Load(TempPath("does-not-exist.bin")).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(ModelIoTest, TruncatedFileIsDataLoss) {
  const std::string path = TempPath("truncated.bin");
  ModelWriter writer(Lexicon::kMagic, Lexicon::kVersion);
  writer.U32(5);  // promises five entries, has none
  ASSERT_TRUE(writer.WriteTo(path).ok());
  EXPECT_EQ(Lexicon::Load(path).status().code(), absl::StatusCode::kDataLoss);
  std::remove(path.c_str());
}

TEST(LexiconTest, SaveLoadRoundTrip) {
  Lexicon lexicon;
  lexicon.Add("Häusern", kLexNoun, "Haus", NounCaseNumberBit(2, 1) | kNounNeut);
  lexicon.Add("ging", kLexVerbFinite, "gehen");
  lexicon.Add("gingen", kLexVerbFinite, "gehen");
  const std::string path = TempPath("lexicon.bin");
  ASSERT_TRUE(lexicon.Save(path).ok());
  absl::StatusOr<Lexicon> loaded = Lexicon::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ASSERT_NE(loaded->Find("gingen"), nullptr);
  EXPECT_EQ(loaded->Find("gingen")->verb_lemma, "gehen");
  EXPECT_EQ(loaded->Find("Häusern")->noun_lemma, "Haus");
  EXPECT_EQ(loaded->Find("Häusern")->morph, NounCaseNumberBit(2, 1) | kNounNeut);
  EXPECT_EQ(loaded->Find("Haus"), nullptr);
  std::remove(path.c_str());
}

TEST(TaggerTest, LearnsFromTinyDataAndRoundTrips) {
  std::vector<TaggedSentence> data = {
      {{"Der", "Hund", "bellt", "."}, {"DET|ART", "NOUN|NN", "VERB|VVFIN", "PUNCT|$."}},
      {{"Die", "Katze", "schläft", "."}, {"DET|ART", "NOUN|NN", "VERB|VVFIN", "PUNCT|$."}},
  };
  Tagger tagger = Tagger::Train(data, nullptr, TaggerTrainingOptions{.iterations = 5});
  const std::string path = TempPath("tagger.bin");
  ASSERT_TRUE(tagger.Save(path).ok());
  absl::StatusOr<Tagger> loaded = Tagger::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  std::vector<int> tags;
  loaded->Tag({"Der", "Hund", "schläft", "."}, {}, nullptr, tags);
  ASSERT_EQ(tags.size(), 4u);
  EXPECT_EQ(loaded->upos(tags[0]), "DET");
  EXPECT_EQ(loaded->upos(tags[1]), "NOUN");
  EXPECT_EQ(loaded->xpos(tags[3]), "$.");
  std::remove(path.c_str());
}

TEST(LemmatizerTest, DictionaryLexiconAndSuffixRules) {
  std::vector<LemmaExample> examples = {
      {"Regierungen", "NOUN", "Regierung"}, {"Zeitungen", "NOUN", "Zeitung"},
      {"Wohnungen", "NOUN", "Wohnung"},     {"war", "AUX", "sein"},
  };
  Lemmatizer lemmatizer = Lemmatizer::Train(examples, nullptr);
  Lexicon lexicon;
  lexicon.Add("ging", kLexVerbFinite, "gehen");
  EXPECT_EQ(lemmatizer.Lemmatize("war", "AUX", &lexicon), "sein");
  EXPECT_EQ(lemmatizer.Lemmatize("War", "AUX", &lexicon), "sein");
  EXPECT_EQ(lemmatizer.Lemmatize("ging", "VERB", &lexicon), "gehen");
  // Unseen compound: the learned "-ungen" rule.
  EXPECT_EQ(lemmatizer.Lemmatize("Exportbeschränkungen", "NOUN", &lexicon),
            "Exportbeschränkung");
  EXPECT_EQ(lemmatizer.Lemmatize("Berlin", "PROPN", &lexicon), "Berlin");
  EXPECT_EQ(lemmatizer.Lemmatize("KI-Regierungen", "NOUN", &lexicon), "KI-Regierung");
}

// True when `text` is well-formed UTF-8 (no truncated or stray sequences).
bool IsValidUtf8(std::string_view text) {
  for (size_t k = 0; k < text.size();) {
    const auto c = static_cast<unsigned char>(text[k]);
    const size_t length = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (length == 0 || k + length > text.size()) return false;
    for (size_t j = 1; j < length; ++j) {
      if ((static_cast<unsigned char>(text[k + j]) & 0xC0) != 0x80) return false;
    }
    k += length;
  }
  return true;
}

TEST(LemmatizerTest, EditScriptsNeverSplitACharacter) {
  // "zählt" -> "zöhlen" differs from the first umlaut on; "ä" and "ö" share
  // their first byte, which must not make the script strip half a character.
  Lemmatizer lemmatizer = Lemmatizer::Train({{"zählt", "VERB", "zöhlen"}}, nullptr);
  for (std::string_view form : {"fahlt", "fühlt", "zählt", "ählt"}) {
    const std::string lemma = lemmatizer.Lemmatize(form, "VERB", nullptr);
    EXPECT_TRUE(IsValidUtf8(lemma)) << form << " -> " << lemma;
  }
  EXPECT_EQ(lemmatizer.Lemmatize("zählt", "VERB", nullptr), "zöhlen");
}

TEST(MorphologizerTest, LearnsFeaturesPerTagAndRoundTrips) {
  const std::vector<MorphSentence> data = {
      {{"Der", "Hund", "bellt", "."},
       {"ART", "NN", "VVFIN", "$."},
       {"Case=Nom|Definite=Def|Gender=Masc|Number=Sing|PronType=Art",
        "Case=Nom|Gender=Masc|Number=Sing", "Mood=Ind|Number=Sing|Person=3|Tense=Pres|VerbForm=Fin",
        "_"}},
      {{"Die", "Hunde", "bellen", "."},
       {"ART", "NN", "VVFIN", "$."},
       {"Case=Nom|Definite=Def|Number=Plur|PronType=Art", "Case=Nom|Number=Plur",
        "Mood=Ind|Number=Plur|Person=3|Tense=Pres|VerbForm=Fin", "_"}},
  };
  Morphologizer morphologizer =
      Morphologizer::Train(data, nullptr, MorphologizerTrainingOptions{.iterations = 5});
  const std::string path = TempPath("morph.bin");
  ASSERT_TRUE(morphologizer.Save(path).ok());
  absl::StatusOr<Morphologizer> loaded = Morphologizer::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  std::remove(path.c_str());
  std::vector<std::string_view> feats;
  loaded->Predict({"Die", "Hunde", "bellen", ".", "!"}, {"ART", "NN", "VVFIN", "$.", "XY"},
                  nullptr, feats);
  EXPECT_THAT(feats, ::testing::ElementsAre("Case=Nom|Definite=Def|Number=Plur|PronType=Art",
                                            "Case=Nom|Number=Plur",
                                            "Mood=Ind|Number=Plur|Person=3|Tense=Pres|VerbForm=Fin",
                                            "_", "_"));
}

TEST(MorphologizerTest, UniversalFeatsDropsLayeredFeatures) {
  EXPECT_EQ(Morphologizer::UniversalFeats("Number=Sing|Number[psor]=Plur|Case=Acc|Poss=Yes"),
            "Case=Acc|Number=Sing|Poss=Yes");
  EXPECT_EQ(Morphologizer::UniversalFeats("_"), "_");
}

TEST(PipelineModelsTest, CommittedModelsTagAndLemmatize) {
  auto pipeline = Pipeline::Load(PipelineOptions{.model_dir = KORPUS_MODEL_DIR});
  ASSERT_TRUE(pipeline.ok()) << pipeline.status();
  EXPECT_EQ((*pipeline)->model_name(), "korpus-de-gsd-perceptron");
  AnalyzedText a = (*pipeline)->Analyze("Die Kinder gingen gestern zum Bahnhof.");
  ASSERT_EQ(a.words.size(), 8u);
  EXPECT_EQ(a.words[1].upos, "NOUN");
  EXPECT_EQ(a.words[1].lemma, "Kind");
  EXPECT_EQ(a.words[2].lemma, "gehen");
  EXPECT_EQ(a.words[4].form, "zu");
  EXPECT_EQ(a.words[5].lemma, "der");
  EXPECT_EQ(a.words[7].upos, "PUNCT");
  EXPECT_NE(a.words[1].feats.find("Number=Plur"), std::string_view::npos) << a.words[1].feats;
  EXPECT_NE(a.words[6].feats.find("Case=Dat"), std::string_view::npos) << a.words[6].feats;
  EXPECT_NE(a.words[2].feats.find("Tense=Past"), std::string_view::npos) << a.words[2].feats;
}

TEST(PipelineModelsTest, MissingModelDirectoryIsNotFound) {
  auto pipeline = Pipeline::Load(PipelineOptions{.model_dir = TempPath("no-models")});
  EXPECT_EQ(pipeline.status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace korpus::nlp
