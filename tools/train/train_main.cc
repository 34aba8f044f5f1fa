// korpus-train: rebuilds every model file of libs/nlp from the data.
// Run from the repository root (paths are relative to it):
//   korpus-train --gsd_train=../shared/data/ud-german-gsd/de_gsd-ud-dev.conllu
//                --npm_dir=third_party/npm --out_dir=models
// Deterministic: fixed seed and iteration count, sorted outputs, so the same
// inputs and build give byte-identical files.
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "libs/nlp/conllu.h"
#include "libs/nlp/lemmatizer.h"
#include "libs/nlp/lexicon.h"
#include "libs/nlp/morphologizer.h"
#include "libs/nlp/sentence_classifier.h"
#include "libs/nlp/tagger.h"
#include "tools/train/npm_lexicon.h"

ABSL_FLAG(std::string, gsd_train, "../shared/data/ud-german-gsd/de_gsd-ud-dev.conllu",
          "CoNLL-U training data (GSD dev: the train split is not available).");
ABSL_FLAG(std::string, npm_dir, "third_party/npm",
          "Directory with the unpacked german-{words,verbs,adjectives}-dict packages.");
ABSL_FLAG(std::string, out_dir, "models", "Where to write de_*.bin.");
ABSL_FLAG(int, iterations, 12, "Perceptron training iterations.");
ABSL_FLAG(int, sentence_iterations, 10, "Sentence-boundary perceptron training iterations.");
ABSL_FLAG(double, sentence_drop_stops, 0.03,
          "Fraction of training sentences also seen without their final full stop.");
ABSL_FLAG(bool, sentence_rule_feature, true,
          "Give the sentence-boundary model the rule-based splitter's decision as a "
          "feature (false only to measure the model on its own).");

namespace {

using namespace korpus;

absl::Status Run() {
  const std::string out_dir = absl::GetFlag(FLAGS_out_dir);
  absl::StatusOr<nlp::Lexicon> lexicon = train::BuildLexiconFromNpm(absl::GetFlag(FLAGS_npm_dir));
  if (!lexicon.ok()) return lexicon.status();
  std::cerr << "lexicon: " << lexicon->size() << " forms\n";
  if (absl::Status s = lexicon->Save(out_dir + "/de_lexicon.bin"); !s.ok()) return s;

  absl::StatusOr<std::vector<nlp::ConlluSentence>> gold =
      nlp::ReadConlluFile(absl::GetFlag(FLAGS_gsd_train));
  if (!gold.ok()) return gold.status();
  std::vector<nlp::TaggedSentence> tagged;
  std::vector<nlp::LemmaExample> lemmas;
  std::vector<nlp::MorphSentence> morph;
  for (const nlp::ConlluSentence& sentence : *gold) {
    nlp::TaggedSentence t;
    nlp::MorphSentence m;
    for (size_t r : sentence.WordRows()) {
      const nlp::ConlluRow& row = sentence.rows[r];
      t.words.push_back(row.form);
      t.tags.push_back(absl::StrCat(row.upos, "|", row.xpos));
      lemmas.push_back({row.form, row.upos, row.lemma});
      m.words.push_back(row.form);
      m.xpos.push_back(row.xpos);
      m.feats.push_back(row.feats);
    }
    tagged.push_back(std::move(t));
    morph.push_back(std::move(m));
  }
  nlp::TaggerTrainingOptions options;
  options.iterations = absl::GetFlag(FLAGS_iterations);
  const nlp::Tagger tagger = nlp::Tagger::Train(tagged, &*lexicon, options);
  std::cerr << "tagger: " << tagger.tag_names().size() << " tags from " << tagged.size()
            << " sentences\n";
  if (absl::Status s = tagger.Save(out_dir + "/de_tagger.bin"); !s.ok()) return s;
  const nlp::Lemmatizer lemmatizer = nlp::Lemmatizer::Train(lemmas, &*lexicon);
  if (absl::Status s = lemmatizer.Save(out_dir + "/de_lemmatizer.bin"); !s.ok()) return s;
  const nlp::Morphologizer morphologizer = nlp::Morphologizer::Train(morph, &*lexicon, {});
  if (absl::Status s = morphologizer.Save(out_dir + "/de_morph.bin"); !s.ok()) return s;

  // Sentence boundaries: the training sentences joined into one text the
  // way korpus-eval-nlp joins the test set, tokenized with GSD conventions.
  nlp::SentenceTrainingText document{nlp::DocumentText(*gold), nlp::DocumentSentenceEnds(*gold)};
  const nlp::Tokenizer tokenizer(
      {.split_hyphenated_compounds = true, .split_repeated_marks = true});
  const nlp::SentenceClassifier sentences = nlp::SentenceClassifier::Train(
      {document}, tokenizer, &*lexicon,
      {.iterations = absl::GetFlag(FLAGS_sentence_iterations),
       .use_rule_feature = absl::GetFlag(FLAGS_sentence_rule_feature),
       .drop_final_stop_fraction = absl::GetFlag(FLAGS_sentence_drop_stops)});
  std::cerr << "sentences: " << sentences.feature_count() << " features\n";
  return sentences.Save(out_dir + "/de_sentences.bin");
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  if (absl::Status status = Run(); !status.ok()) {
    std::cerr << "korpus-train: " << status << "\n";
    return 1;
  }
  return 0;
}
