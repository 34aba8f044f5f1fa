// The German analysis pipeline: the one entry point the annotator service and
// korpusctl use. Phase 1 tokenizes and splits sentences; later phases add
// words (multiword-token expansion), tags, lemmas and features to AnalyzedText.
//
// Example:
//   absl::StatusOr<std::unique_ptr<Pipeline>> pipeline =
//       Pipeline::Load(PipelineOptions{.model_dir = "models"});
//   if (!pipeline.ok()) return pipeline.status();
//   AnalyzedText analysis = (*pipeline)->Analyze(text);
//
// Thread-safety: a loaded Pipeline is immutable. Analyze() is const and safe
// to call concurrently from any number of threads on one instance; load once
// per process and share it.
#ifndef KORPUS_LIBS_NLP_PIPELINE_H_
#define KORPUS_LIBS_NLP_PIPELINE_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/nlp/entities.h"
#include "libs/nlp/lemmatizer.h"
#include "libs/nlp/lexicon.h"
#include "libs/nlp/morphologizer.h"
#include "libs/nlp/ner.h"
#include "libs/nlp/sentence_classifier.h"
#include "libs/nlp/tagger.h"
#include "libs/nlp/text.h"
#include "libs/nlp/tokenizer.h"

namespace korpus::nlp {

struct PipelineOptions {
  // Directory holding the model files de_lexicon.bin, de_tagger.bin,
  // de_lemmatizer.bin, de_morph.bin and de_sentences.bin (built by `make
  // models`, committed under models/). Empty (the default) means the rule-based
  // stages only: tokens, sentences and contractions, no tags or lemmas.
  std::string model_dir;
  // With models, sentences come from the trained boundary classifier
  // (SentenceClassifier); true splits by the rules instead (Tokenizer::
  // SplitSentences), to compare the two. Default false.
  bool rule_based_sentences = false;
  // Load the optional NER model (de_ner.bin) when it is in model_dir.
  // Default true; false gives tokens, sentences, tags and lemmas only.
  bool recognize_entities = true;
  // Tokenization conventions; the defaults suit the corpus. Evaluation
  // against UD German GSD uses its conventions (see TokenizerOptions).
  TokenizerOptions tokenizer;
};

// A syntactic word. Most tokens are one word; a German contraction such as
// "zum" is one token and two words ("zu", "dem"), as in UD German GSD.
struct Word {
  uint32_t token = 0;       // index into AnalyzedText::tokens
  std::string form;         // the token text, or the expanded form ("dem")
  std::string lemma;        // "_" when no lemmatizer is loaded
  std::string_view upos = "_";   // universal POS ("NOUN"); static storage
  std::string_view xpos = "_";   // STTS tag ("NN"); static storage
  std::string_view feats = "_";  // UD features ("Case=Dat|..."); owned by the Pipeline
};

// The result of Analyze(). Offsets refer to the analysed text. The string
// views in Word stay valid as long as the Pipeline that produced them.
struct AnalyzedText {
  std::vector<Token> tokens;
  std::vector<Sentence> sentences;
  std::vector<Word> words;
  // Words of token t are words[token_words[t] .. token_words[t + 1]); size
  // tokens.size() + 1.
  std::vector<uint32_t> token_words;
  // Named entities, when the model directory has de_ner.bin (else empty):
  // the NER mentions in text order, and the entities merged from them
  // (MergeMentions), most salient first.
  std::vector<Mention> mentions;
  std::vector<Entity> entities;
};

class Pipeline {
 public:
  // Loads the models in options.model_dir (all five are required when the
  // directory is given). Errors: NOT_FOUND when a model file is missing,
  // FAILED_PRECONDITION when a model file has another format version,
  // DATA_LOSS when it is corrupt or of another kind. Takes about a second
  // (the lexicon has ~330,000 forms); load once per process.
  static absl::StatusOr<std::unique_ptr<Pipeline>> Load(const PipelineOptions& options);

  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // Analyses valid UTF-8 text (see Tokenizer for the exact contract). Never
  // fails; empty text gives an empty result.
  AnalyzedText Analyze(std::string_view text) const;

  // Tag and lemma of one word of a pre-tokenised sentence.
  struct WordTags {
    std::string_view upos = "_";  // valid while this Pipeline lives
    std::string_view xpos = "_";
    std::string_view feats = "_";  // valid while this Pipeline lives
    std::string lemma = "_";
  };
  // Tags, lemmatises and adds features to one pre-tokenised sentence of
  // syntactic words (for CoNLL-U input). Without models every field is "_".
  std::vector<WordTags> TagWords(const std::vector<std::string_view>& words) const;

  // True when the trained tagger and lemmatizer are loaded.
  bool has_models() const { return tagger_.has_value(); }
  // True when the NER model (de_ner.bin, optional) is loaded too.
  bool has_ner() const { return ner_.has_value(); }

  // Identify the models, so stored annotations can name what produced them.
  std::string_view model_name() const { return model_name_; }
  std::string_view model_version() const { return model_version_; }

  const Tokenizer& tokenizer() const { return tokenizer_; }

 private:
  explicit Pipeline(const PipelineOptions& options)
      : tokenizer_(options.tokenizer), rule_based_sentences_(options.rule_based_sentences) {}

  // Fills result.words / token_words from result.tokens.
  void ExpandWords(std::string_view text, AnalyzedText& result) const;
  // Tags, lemmatises and adds features to result.words sentence by sentence.
  void TagAndLemmatize(AnalyzedText& result) const;
  // Fills result.mentions and result.entities from the tagged tokens.
  void RecognizeEntities(std::string_view text, AnalyzedText& result) const;

  Tokenizer tokenizer_;
  bool rule_based_sentences_ = false;
  std::optional<Lexicon> lexicon_;
  std::optional<SentenceClassifier> sentence_classifier_;
  std::optional<Tagger> tagger_;
  std::optional<Lemmatizer> lemmatizer_;
  std::optional<Morphologizer> morphologizer_;
  std::optional<NerTagger> ner_;  // uses *lexicon_
  int adp_tag_ = -1;  // "ADP|APPR", forced on contractions
  int det_tag_ = -1;  // "DET|ART"
  std::string model_name_;
  std::string model_version_;
};

}  // namespace korpus::nlp

#endif  // KORPUS_LIBS_NLP_PIPELINE_H_
