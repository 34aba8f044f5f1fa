#include "libs/nlp/extract/sentiment.h"

#include <filesystem>
#include <string>

#include "gtest/gtest.h"
#include "tests/unit/nlp/extract_test_util.h"

namespace korpus::nlp {
namespace {

using testing::TestPipeline;

// A small lexicon in germanlex's format.
constexpr std::string_view kCsv =
    "word,qualifier,polarity_strength,pos\n"
    "%%,Kommentar,NA,NA\n"
    "gut,POS,1,adj\n"
    "Erfolg,POS,1,nomen\n"
    "loben,POS,0.7,verben\n"
    "mögen,POS,0.7,verben\n"
    "schlecht,NEG,1,adj\n"
    "Krise,NEG,1,nomen\n"
    "Problem,NEG,0.7,nomen\n"
    "schwach,NEG,0.5,adj\n"
    "stark,POS,0.5,adj\n"
    "stark,NEU,0,adj\n"
    "zweischneidig,POS,0.7,adj\n"
    "zweischneidig,NEG,0.7,adj\n"
    "sehr,INT,3,adj\n"
    "etwas,INT,0.5,adj\n"
    "nicht,SHI,0,neg\n"
    "kein,SHI,0,neg\n"
    "ohne,SHI,0,neg\n"
    "beenden,SHI,0,verben\n";

const SentimentLexicon& Lexicon() {
  static const SentimentLexicon* const lexicon = [] {
    absl::StatusOr<SentimentLexicon> l = SentimentLexicon::FromGermanlexCsv(kCsv);
    EXPECT_TRUE(l.ok()) << l.status();
    return new SentimentLexicon(*std::move(l));
  }();
  return *lexicon;
}

DocumentSentiment Score(const std::string& text, const SentimentOptions& options = {}) {
  return AnalyzeSentiment(text, TestPipeline().Analyze(text), Lexicon(), options);
}

TEST(SentimentLexiconTest, ParsesAndResolvesDuplicates) {
  const SentimentLexicon& lexicon = Lexicon();
  ASSERT_NE(lexicon.Find("erfolg"), nullptr);  // lower-cased
  EXPECT_FLOAT_EQ(lexicon.Find("erfolg")->value, 1.0f);
  EXPECT_FLOAT_EQ(lexicon.Find("stark")->value, 0.5f);  // POS beats NEU
  EXPECT_EQ(lexicon.Find("zweischneidig"), nullptr);   // POS and NEG cancel
  EXPECT_EQ(lexicon.Find("sehr")->kind, SentimentLexicon::Kind::kIntensifier);
  EXPECT_TRUE(lexicon.Find("beenden")->verb);
  EXPECT_FALSE(SentimentLexicon::FromGermanlexCsv("word,q,s,p\nkaputt,NEG\n").ok());
}

TEST(SentimentLexiconTest, SaveAndLoadRoundTrip) {
  const std::string path =
      (std::filesystem::temp_directory_path() / "korpus_sentiment_test.bin").string();
  ASSERT_TRUE(Lexicon().Save(path).ok());
  absl::StatusOr<SentimentLexicon> loaded = SentimentLexicon::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->size(), Lexicon().size());
  EXPECT_FLOAT_EQ(loaded->Find("krise")->value, -1.0f);
  std::filesystem::remove(path);
  EXPECT_EQ(SentimentLexicon::Load(path).status().code(), absl::StatusCode::kNotFound);
}

TEST(SentimentLexiconTest, CommittedModelLoads) {
  absl::StatusOr<SentimentLexicon> model =
      SentimentLexicon::Load(std::string(KORPUS_MODEL_DIR) + "/de_sentiment.bin");
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_GT(model->size(), 8000u);
  ASSERT_NE(model->Find("gut"), nullptr);
  EXPECT_GT(model->Find("gut")->value, 0);
}

TEST(SentimentTest, PolarWordsGiveTheLabel) {
  EXPECT_EQ(Score("Das Konzept ist gut.").document.label, SentimentLabel::kPositive);
  EXPECT_EQ(Score("Die Krise trifft den Handel.").document.label, SentimentLabel::kNegative);
  EXPECT_EQ(Score("Der Zug fährt um acht.").document.label, SentimentLabel::kNeutral);
}

TEST(SentimentTest, NegationFlipsTheFollowingWords) {
  EXPECT_EQ(Score("Das Konzept ist nicht gut.").document.label, SentimentLabel::kNegative);
  EXPECT_EQ(Score("Das war kein Erfolg.").document.label, SentimentLabel::kNegative);
  EXPECT_EQ(Score("Der Umbau lief ohne Probleme.").document.label, SentimentLabel::kPositive);
  // Negation ends with its clause.
  EXPECT_EQ(Score("Es ist nicht billig, aber gut.").document.label, SentimentLabel::kPositive);
  EXPECT_EQ(Score("Das Konzept ist nicht gut.", {.negation = false}).document.label,
            SentimentLabel::kPositive);
}

TEST(SentimentTest, NegatorAfterAPolarVerb) {
  EXPECT_EQ(Score("Die Kunden mögen das neue Design nicht.").document.label,
            SentimentLabel::kNegative);
}

TEST(SentimentTest, NichtNurIsNoNegation) {
  EXPECT_EQ(Score("Das ist nicht nur gut für die Umwelt.").document.label,
            SentimentLabel::kPositive);
}

TEST(SentimentTest, ShiftingVerbFlipsItsClause) {
  EXPECT_EQ(Score("Die Regierung will die Krise beenden.").document.label,
            SentimentLabel::kPositive);
}

TEST(SentimentTest, Intensifiers) {
  const double plain = Score("Das Ergebnis ist schwach.").document.score;
  const double strong = Score("Das Ergebnis ist sehr schwach.").document.score;
  const double weak = Score("Das Ergebnis ist etwas schwach.").document.score;
  EXPECT_LT(strong, plain);
  EXPECT_GT(weak, plain);
  EXPECT_LT(weak, 0);
  EXPECT_DOUBLE_EQ(Score("Das Ergebnis ist sehr schwach.", {.intensifiers = false}).document.score,
                   plain);
}

TEST(SentimentTest, SentencesAndDocument) {
  const DocumentSentiment s =
      Score("Die Krise ist schlecht. Der Zug fährt um acht. Die Firma lobte das gute Team.");
  ASSERT_EQ(s.sentences.size(), 3u);
  EXPECT_EQ(s.sentences[0].label, SentimentLabel::kNegative);
  EXPECT_EQ(s.sentences[1].label, SentimentLabel::kNeutral);
  EXPECT_EQ(s.sentences[2].label, SentimentLabel::kPositive);
  EXPECT_GE(s.document.score, -1);
  EXPECT_LE(s.document.score, 1);
  EXPECT_EQ(s.document.polar_words, 4);
}

TEST(SentimentTest, MagnitudeSumsAbsolutePolaritiesWhateverTheirDirection) {
  // One positive and one negative word of equal strength: score 0, yet
  // plenty of polar wording.
  const DocumentSentiment mixed = Score("Der Erfolg ist gut. Die Krise ist schlecht.");
  ASSERT_EQ(mixed.sentences.size(), 2u);
  EXPECT_NEAR(mixed.sentences[0].magnitude, 2.0, 1e-6);
  EXPECT_NEAR(mixed.sentences[1].magnitude, 2.0, 1e-6);
  EXPECT_NEAR(mixed.document.magnitude, 4.0, 1e-6);
  EXPECT_NEAR(mixed.document.score, 0.0, 1e-6);
  // Negation flips the sign, not the magnitude.
  EXPECT_NEAR(Score("Das ist nicht gut.").document.magnitude, 1.0, 1e-6);
  EXPECT_EQ(Score("Der Zug fährt.").document.magnitude, 0.0);
}

}  // namespace
}  // namespace korpus::nlp
