// Sentence and document polarity from a German polarity lexicon, with
// negation and intensifiers.
//
//   absl::StatusOr<SentimentLexicon> lexicon =
//       SentimentLexicon::Load("models/de_sentiment.bin");
//   DocumentSentiment s = AnalyzeSentiment(text, analysis, *lexicon);
//   // s.document.score in [-1, 1], s.document.label; s.sentences[i] per sentence
//
// The lexicon (models/de_sentiment.bin) is built by korpus-train-sentiment
// from the Zurich polarity lexicon germanlex.csv (Klenner, Clematide,
// Wiegand, Peters; Apache-2.0; see models/LICENSE-sentiment.txt): lemmas
// with a polarity (POS/NEG) and a strength (0.5, 0.7, 1), intensifiers (INT:
// a factor, < 1 weakens, > 1 strengthens) and shifters (SHI: "nicht",
// "kein", "ohne", "kaum", "beenden", ...).
//
// Scoring, per sentence, over the words' lemmas (lower-cased; the form when
// the lemma is unknown):
// - a polar word contributes +/- its strength;
// - an intensifier multiplies the next polar word within two words (the
//   factor is capped to [0.5, 2]);
// - a negator (a SHI adverb/particle/determiner such as "nicht", "kein",
//   "nie", "ohne", "kaum") flips the polar words after it in its clause
//   (up to four words on), and a polar verb right before it in the clause
//   ("Wir mögen das nicht"); a shifting verb ("beenden", "aufhören")
//   flips the polar words of its clause before it ("Die Krise ist
//   beendet"). Clauses end at , ; : and at aber/doch/sondern/jedoch.
// - sentence score = tanh(sum); document score = the mean score of the
//   sentences with a polar word (a sum would saturate on long articles).
//   A score within +/- options.neutral_band is kNeutral.
// Linear in the number of words. Thread-safety: SentimentLexicon is
// immutable after Load(); AnalyzeSentiment is a pure function.
#ifndef KORPUS_LIBS_NLP_EXTRACT_SENTIMENT_H_
#define KORPUS_LIBS_NLP_EXTRACT_SENTIMENT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "libs/nlp/pipeline.h"

namespace korpus::nlp {

enum class SentimentLabel : uint8_t { kNegative = 1, kNeutral = 2, kPositive = 3 };
std::string_view SentimentLabelName(SentimentLabel label);  // "negative", ...

class SentimentLexicon {
 public:
  static constexpr std::string_view kMagic = "KORPUS-SENTIMENT\n";
  static constexpr uint32_t kVersion = 1;
  static constexpr std::string_view kFileName = "de_sentiment.bin";

  enum class Kind : uint8_t { kPolar = 0, kIntensifier = 1, kShifter = 2 };
  struct Entry {
    Kind kind = Kind::kPolar;
    // kPolar: signed strength (-1..1); kIntensifier: the factor; kShifter: 0.
    float value = 0;
    bool verb = false;  // listed as a verb (a shifting verb acts backwards)
  };

  // Reads a model file written by Save(). NOT_FOUND, DATA_LOSS (corrupt or
  // another kind of file), FAILED_PRECONDITION (another format version).
  static absl::StatusOr<SentimentLexicon> Load(const std::string& path);

  // Parses germanlex.csv ("word,qualifier,polarity_strength,pos"; "%%"
  // comment rows skipped). Words are lower-cased; when a word is listed
  // twice, a polar entry beats NEU, INT beats SHI, and two polar entries of
  // opposite sign cancel (the word is dropped). A polar strength of 0 or NA
  // counts as 0.5. INVALID_ARGUMENT (naming the line) for a malformed row.
  static absl::StatusOr<SentimentLexicon> FromGermanlexCsv(std::string_view csv);

  absl::Status Save(const std::string& path) const;

  // The entry for a lower-cased lemma or form, or nullptr.
  const Entry* Find(std::string_view lower) const;
  size_t size() const { return entries_.size(); }

 private:
  absl::flat_hash_map<std::string, Entry> entries_;
};

struct SentimentOptions {
  bool negation = true;      // default true; false only to measure its effect
  bool intensifiers = true;  // default true; likewise
  // Scores with |score| <= neutral_band are kNeutral. Default 0.2 (chosen
  // before the evaluation; docs/EXTRACTION.md has the sweep).
  double neutral_band = 0.2;
};

struct Sentiment {
  double score = 0;  // in [-1, 1]
  SentimentLabel label = SentimentLabel::kNeutral;
  int32_t polar_words = 0;  // lexicon words that contributed
  // How much polar wording there is, whatever its direction: the sum of the
  // absolute values of the contributions (after negation and intensifiers),
  // >= 0; a document's is the sum over its sentences.
  double magnitude = 0;
};

struct DocumentSentiment {
  Sentiment document;
  std::vector<Sentiment> sentences;  // one per AnalyzedText::sentences entry
};

// Needs lemmas (a pipeline with models) for good results; without them the
// lower-cased forms are looked up.
DocumentSentiment AnalyzeSentiment(std::string_view text, const AnalyzedText& analysis,
                                   const SentimentLexicon& lexicon,
                                   const SentimentOptions& options = {});

}  // namespace korpus::nlp

#endif  // KORPUS_LIBS_NLP_EXTRACT_SENTIMENT_H_
