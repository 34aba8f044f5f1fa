#include <cstdio>
#include <filesystem>
#include <string>

#include "gtest/gtest.h"
#include "libs/nlp/lemmatizer.h"
#include "libs/nlp/lexicon.h"
#include "libs/nlp/model_io.h"
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
  lexicon.Add("Häusern", kLexNoun, "Haus");
  lexicon.Add("ging", kLexVerbFinite, "gehen");
  lexicon.Add("gingen", kLexVerbFinite, "gehen");
  const std::string path = TempPath("lexicon.bin");
  ASSERT_TRUE(lexicon.Save(path).ok());
  absl::StatusOr<Lexicon> loaded = Lexicon::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ASSERT_NE(loaded->Find("gingen"), nullptr);
  EXPECT_EQ(loaded->Find("gingen")->verb_lemma, "gehen");
  EXPECT_EQ(loaded->Find("Häusern")->noun_lemma, "Haus");
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
}

TEST(PipelineModelsTest, MissingModelDirectoryIsNotFound) {
  auto pipeline = Pipeline::Load(PipelineOptions{.model_dir = TempPath("no-models")});
  EXPECT_EQ(pipeline.status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace korpus::nlp
