#include "libs/nlp/sentence_classifier.h"

#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/nlp/model_io.h"
#include "libs/nlp/pipeline.h"

namespace korpus::nlp {
namespace {

using ::testing::ElementsAre;

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("korpus_sentences_test_" + name)).string();
}

std::vector<std::string> SentenceTexts(std::string_view text, const std::vector<Sentence>& sentences) {
  std::vector<std::string> out;
  for (const Sentence& s : sentences) out.emplace_back(text.substr(s.begin, s.end - s.begin));
  return out;
}

// A training text of `sentences` joined by spaces, with their ends.
SentenceTrainingText Join(const std::vector<std::string_view>& sentences) {
  SentenceTrainingText training;
  for (std::string_view sentence : sentences) {
    if (!training.text.empty()) training.text += ' ';
    training.text.append(sentence);
    training.sentence_ends.push_back(static_cast<uint32_t>(training.text.size()));
  }
  return training;
}

TEST(SentenceClassifierTest, LearnsColonBoundariesAndRoundTrips) {
  // In this data a colon before a capitalised word ends the sentence.
  std::vector<std::string_view> sentences;
  for (int k = 0; k < 20; ++k) {
    sentences.insert(sentences.end(), {"Der Rat beschloss:", "Die Steuer sinkt.",
                                       "Es regnet heute.", "Morgen scheint die Sonne."});
  }
  const Tokenizer tokenizer;
  const SentenceClassifier classifier =
      SentenceClassifier::Train({Join(sentences)}, tokenizer, nullptr, {.iterations = 5});
  const std::string path = TempPath("model.bin");
  ASSERT_TRUE(classifier.Save(path).ok());
  absl::StatusOr<SentenceClassifier> loaded = SentenceClassifier::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  std::remove(path.c_str());

  const std::string_view text = "Der Vorstand beschloss: Die Gebühr sinkt. Es regnet.";
  const TokenizedText tokenized = tokenizer.Tokenize(text);
  std::vector<Sentence> sentences_out;
  loaded->Split(text, tokenized.tokens, tokenizer, nullptr, sentences_out);
  EXPECT_THAT(SentenceTexts(text, sentences_out),
              ElementsAre("Der Vorstand beschloss:", "Die Gebühr sinkt.", "Es regnet."));
}

TEST(SentenceClassifierTest, SentencesPartitionTokens) {
  const Tokenizer tokenizer;
  const SentenceClassifier classifier = SentenceClassifier::Train(
      {Join({"Eins.", "Zwei!", "Drei?", "Vier."})}, tokenizer, nullptr, {.iterations = 3});
  const std::string_view text = "Eins. Zwei! Drei?\n\nVier „fünf“. Sechs";
  const TokenizedText tokenized = tokenizer.Tokenize(text);
  std::vector<Sentence> sentences;
  classifier.Split(text, tokenized.tokens, tokenizer, nullptr, sentences);
  uint32_t next_token = 0;
  for (const Sentence& s : sentences) {
    EXPECT_EQ(s.first_token, next_token);
    ASSERT_GT(s.token_count, 0u);
    EXPECT_EQ(s.begin, tokenized.tokens[s.first_token].begin);
    EXPECT_EQ(s.end, tokenized.tokens[s.first_token + s.token_count - 1].end);
    next_token += s.token_count;
  }
  EXPECT_EQ(next_token, tokenized.tokens.size());
  std::vector<Sentence> none;
  classifier.Split("", {}, tokenizer, nullptr, none);
  EXPECT_TRUE(none.empty());
}

TEST(SentenceClassifierTest, OtherModelKindIsDataLoss) {
  const std::string path = TempPath("kind.bin");
  ModelWriter writer("KORPUS-TAGGER\n", SentenceClassifier::kVersion);
  writer.U32(0);
  ASSERT_TRUE(writer.WriteTo(path).ok());
  EXPECT_EQ(SentenceClassifier::Load(path).status().code(), absl::StatusCode::kDataLoss);
  std::remove(path.c_str());
}

// The committed model, through the pipeline with the corpus' defaults: the
// cases the rules handle must stay right.
class CommittedSentenceModelTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto loaded = Pipeline::Load(PipelineOptions{.model_dir = KORPUS_MODEL_DIR});
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    pipeline_ = loaded->release();
  }
  static void TearDownTestSuite() {
    delete pipeline_;
    pipeline_ = nullptr;
  }
  std::vector<std::string> Sentences(std::string_view text) {
    return SentenceTexts(text, pipeline_->Analyze(text).sentences);
  }
  static Pipeline* pipeline_;
};
Pipeline* CommittedSentenceModelTest::pipeline_ = nullptr;

TEST_F(CommittedSentenceModelTest, AbbreviationsOrdinalsAndNumbersDoNotEndSentences) {
  EXPECT_THAT(Sentences("Dr. Weber kaufte z. B. Äpfel bzw. Birnen, u. a. für Nr. 5 und zahlte "
                        "3 Mio. bzw. 2 Mrd. Euro. Dann ging er."),
              ElementsAre("Dr. Weber kaufte z. B. Äpfel bzw. Birnen, u. a. für Nr. 5 und zahlte "
                          "3 Mio. bzw. 2 Mrd. Euro.",
                          "Dann ging er."));
  EXPECT_THAT(Sentences("Wir treffen uns am 2. Februar 2025 in Bonn. Die Preise stiegen um 17 %."),
              ElementsAre("Wir treffen uns am 2. Februar 2025 in Bonn.",
                          "Die Preise stiegen um 17 %."));
  EXPECT_THAT(Sentences("Sie belegte den 3. Platz. Das war im Jahr 2019. Seitdem ist es ruhig."),
              ElementsAre("Sie belegte den 3. Platz.", "Das war im Jahr 2019.",
                          "Seitdem ist es ruhig."));
}

TEST_F(CommittedSentenceModelTest, QuotesStayWithTheirSentence) {
  EXPECT_THAT(Sentences("Er sagte: „Sie fragte ‚warum‘ und ging.“ Danach war es still."),
              ElementsAre("Er sagte: „Sie fragte ‚warum‘ und ging.“", "Danach war es still."));
  EXPECT_THAT(Sentences("„Wer war das?“, fragte sie."), ElementsAre("„Wer war das?“, fragte sie."));
  EXPECT_THAT(Sentences("Das sei gut gewesen.„Ich gehe jetzt“, sagte er."),
              ElementsAre("Das sei gut gewesen.", "„Ich gehe jetzt“, sagte er."));
  EXPECT_THAT(Sentences("Im Gespräch mit der Zeitung „Die Welt“ erklärte er seine Pläne."),
              ElementsAre("Im Gespräch mit der Zeitung „Die Welt“ erklärte er seine Pläne."));
}

TEST_F(CommittedSentenceModelTest, MissingSpaceAfterFullStop) {
  EXPECT_THAT(Sentences("Das spiegelt sich wider.Überparteiliche Gruppen folgen."),
              ElementsAre("Das spiegelt sich wider.", "Überparteiliche Gruppen folgen."));
}

TEST_F(CommittedSentenceModelTest, HeadlinesEndAtLineBreaksAndParagraphs) {
  EXPECT_THAT(Sentences("Regierung plant Reform\nDie Regierung will handeln."),
              ElementsAre("Regierung plant Reform", "Die Regierung will handeln."));
  EXPECT_THAT(Sentences("Überschrift ohne Punkt\n\nDer erste Satz. Ende mit z. B.\n\nneuer Absatz"),
              ElementsAre("Überschrift ohne Punkt", "Der erste Satz.", "Ende mit z. B.",
                          "neuer Absatz"));
  EXPECT_EQ(Sentences("Ein Satz über\nzwei Zeilen.").size(), 1u);
}

TEST_F(CommittedSentenceModelTest, UnpunctuatedHeadlineInRunningText) {
  // What the rules cannot do: a headline without a full stop on the same
  // line as the text, recognised by the capitalised article after it.
  EXPECT_THAT(Sentences("Streik bei der Bahn beendet Die Züge fahren seit Montag wieder."),
              ElementsAre("Streik bei der Bahn beendet", "Die Züge fahren seit Montag wieder."));
  EXPECT_THAT(Sentences("Die Band Die Ärzte spielt in Berlin."),
              ElementsAre("Die Band Die Ärzte spielt in Berlin."));
}

}  // namespace
}  // namespace korpus::nlp
