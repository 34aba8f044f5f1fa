// Trained sentence-boundary classifier: a binary averaged perceptron that
// decides, for each candidate gap between two tokens, whether a sentence
// ends there. It replaces Tokenizer::SplitSentences (the rules) when the
// pipeline has models; the rules' decision is one of its features.
//
// Candidates: every gap after a punctuation mark or symbol (". ! ? : ; …",
// quotes, brackets, dashes) and every gap before a word starting with a
// capital letter or before a punctuation mark; unpunctuated headlines
// ("Streik beendet Die Züge fahren wieder") are in the second group.
// Decisions the model never overrides (contract of the pipeline, and cases
// too rare in the training data to learn):
//  - a paragraph break ends a sentence, and so does a line break where the
//    rules end a heading ("Regierung plant Reform\nDie Regierung ...") or
//    a sentence, and a German opening quote where the rules end a sentence
//    ("... sei.„Ich ...": the training data has straight quotes only);
//  - no sentence ends after a known abbreviation or an ordinal ("Dr.",
//    "z. B.", "am 2. Februar") except the final abbreviations ("usw.").
// Features: lower-cased text, shape and tokenizer kind of the two tokens
// on each side of the gap, the full-form Lexicon's word classes of the
// words next to the gap, whitespace in the gap, the rules' decision, the
// number of tokens since the last boundary, and whether the word after the
// gap is capitalised although it is normally written in lower case ("Die",
// "Dabei": a word seen in lower case inside training sentences, or a verb
// or adjective form the lexicon does not know as a noun).
//
// Thread-safety: immutable after Load()/Train(); Split() is const and may
// run concurrently.
#ifndef KORPUS_LIBS_NLP_SENTENCE_CLASSIFIER_H_
#define KORPUS_LIBS_NLP_SENTENCE_CLASSIFIER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "libs/nlp/lexicon.h"
#include "libs/nlp/text.h"
#include "libs/nlp/tokenizer.h"

namespace korpus::nlp {

// A training text and where its gold sentences end (byte offsets one past
// each sentence's last character, ascending).
struct SentenceTrainingText {
  std::string text;
  std::vector<uint32_t> sentence_ends;
};

struct SentenceTrainingOptions {
  int iterations = 10;
  uint32_t shuffle_seed = 20250102;  // fixed, so training is reproducible
  // Give the model the rule-based splitter's decision as a feature. Off
  // only to measure the model on its own (docs/NLP.md).
  bool use_rule_feature = true;
  // Also train on a copy of each text in which this fraction of the
  // sentences ending in "<letter>." lose their full stop (chosen with the
  // seed): news has unpunctuated headlines, the training data few.
  double drop_final_stop_fraction = 0.0;
};

class SentenceClassifier {
 public:
  static constexpr std::string_view kMagic = "KORPUS-SENTENCES\n";
  static constexpr uint32_t kVersion = 1;

  // Tokenizes each text with `tokenizer` and learns from its candidate
  // gaps. `lexicon` may be null (then no lexicon features); the same
  // lexicon must be passed to Split().
  static SentenceClassifier Train(const std::vector<SentenceTrainingText>& texts,
                                  const Tokenizer& tokenizer, const Lexicon* lexicon,
                                  const SentenceTrainingOptions& options);

  // Errors as ModelReader::Open, DATA_LOSS for a corrupt file.
  static absl::StatusOr<SentenceClassifier> Load(const std::string& path);
  absl::Status Save(const std::string& path) const;

  // Sentences of `tokens` (from tokenizer.TokenizeInto(text, ...)); same
  // contract as Tokenizer::SplitSentences: `out` is cleared, then holds
  // sentences that partition the tokens, in order.
  void Split(std::string_view text, const std::vector<Token>& tokens, const Tokenizer& tokenizer,
             const Lexicon* lexicon, std::vector<Sentence>& out) const;

  size_t feature_count() const { return weights_.size(); }

 private:
  bool use_rule_feature_ = true;
  absl::flat_hash_map<uint64_t, float> weights_;
  // StableHash of lower-cased words seen at least twice in lower case
  // inside training sentences.
  absl::flat_hash_set<uint64_t> lowercase_words_;
};

}  // namespace korpus::nlp

#endif  // KORPUS_LIBS_NLP_SENTENCE_CLASSIFIER_H_
