// korpus-train-ner: trains the NER model (models/de_ner.bin) on GermEval
// 2014 and, with --cv_folds, measures it by cross-validation first.
// Run from the repository root (paths are relative to it):
//   korpus-train-ner --train=../shared/data/germeval2014/NER-de-dev.tsv
//       --models=models --out=models/de_ner.bin
// Deterministic: fixed seed and iteration count, sorted output, so the same
// inputs and build give a byte-identical file.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "libs/nlp/lexicon.h"
#include "libs/nlp/ner.h"
#include "libs/nlp/ner_eval.h"
#include "libs/nlp/tagger.h"
#include "tools/train/ner_clusters.h"
#include "tools/train/ner_data.h"
#include "tools/train/ner_gazetteer_sources.h"

ABSL_FLAG(std::string, train, "../shared/data/germeval2014/NER-de-dev.tsv",
          "GermEval 2014 training file (the dev split: the train split is not available).");
ABSL_FLAG(std::string, models, "models",
          "Directory with the core models de_lexicon.bin and de_tagger.bin (POS features).");
ABSL_FLAG(std::string, out, "models/de_ner.bin", "Where to write the model; empty: do not write.");
ABSL_FLAG(int, cv_folds, 0, "If > 1, report k-fold cross-validation on --train first.");
ABSL_FLAG(int, iterations, 15, "Training passes (perceptron iterations, CRF epochs).");
ABSL_FLAG(std::string, trainer, "perceptron+crf",
          "perceptron (averaged structured perceptron), crf (linear-chain CRF, SGD) or "
          "perceptron+crf (the sum of both, each at unit RMS weight).");
ABSL_FLAG(int, crf_iterations, 50, "perceptron+crf: the CRF's epochs.");
ABSL_FLAG(double, crf_mix, 0.5, "perceptron+crf: the CRF's weight in the sum.");
ABSL_FLAG(double, crf_l2, 1.0, "CRF: L2 regularisation strength.");
ABSL_FLAG(double, crf_step, 0.1, "CRF: initial SGD step size.");
ABSL_FLAG(double, crf_prune, 1e-3, "CRF: drop weights smaller than this in magnitude.");
ABSL_FLAG(int, min_feature_count, 1, "Leave out features seen in fewer training tokens.");
ABSL_FLAG(std::string, features, "lexicon,gazetteer,pos,clusters,cues",
          "Feature groups to use (comma-separated subset of lexicon,gazetteer,pos,context2,"
          "clusters,cues).");
ABSL_FLAG(std::string, iso_codes_dir, "/usr/share/locale/de/LC_MESSAGES",
          "iso-codes' German gettext catalogues; empty to leave them out.");
ABSL_FLAG(std::string, iso_3166_json, "/usr/share/iso-codes/json/iso_3166-1.json",
          "iso-codes' country list, for the country aliases (with --iso_codes_dir's "
          "iso_3166-1.mo and ICU); empty to leave them out.");
ABSL_FLAG(std::string, wordlist, "/usr/share/dict/ngerman",
          "wngerman word list; empty to leave it out.");
ABSL_FLAG(std::string, name_lists, "",
          "Faker name lists from tools/train/ner_export_faker.py; empty to leave them out.");
ABSL_FLAG(std::string, ding, "/usr/share/trans/de-en",
          "Ding German-English dictionary (Debian trans-de-en); empty to leave it out.");
ABSL_FLAG(std::string, fortunes_dir, "/usr/share/games/fortunes/de",
          "fortunes-de texts, unlabelled text for the word clusters; empty to leave out.");
ABSL_FLAG(std::string, html_dirs, "",
          "Folders of German HTML manuals (e.g. gimp-help-de's /usr/share/gimp/2.0/help/de), "
          "more unlabelled text for the clusters; comma-separated. Default none: it did not "
          "help (docs/NLP.md).");
ABSL_FLAG(int, self_train, 0,
          "Self-training: add up to this many unlabelled sentences (fortunes-de, 5 to 40 tokens) "
          "on which a perceptron and a CRF trained on the labelled data agree and find a name, "
          "then retrain; 0 (default): off. docs/NER.md has what it gave.");
ABSL_FLAG(bool, icu, true, "Add ICU's German country, region, language and city names.");

namespace {

using namespace korpus;

absl::StatusOr<nlp::NerFeatureOptions> ParseFeatures(const std::string& spec) {
  nlp::NerFeatureOptions options{false, false, false, false, false, false};
  for (absl::string_view name : absl::StrSplit(spec, ',', absl::SkipEmpty())) {
    if (name == "lexicon") options.lexicon = true;
    else if (name == "gazetteer") options.gazetteer = true;
    else if (name == "pos") options.pos = true;
    else if (name == "context2") options.context2 = true;
    else if (name == "clusters") options.clusters = true;
    else if (name == "cues") options.cues = true;
    else return absl::InvalidArgumentError(absl::StrCat("--features: unknown group '", name, "'"));
  }
  return options;
}

void Score(const nlp::NerTagger& tagger, const std::vector<nlp::NerSentence>& sentences,
           nlp::NerEvaluator& evaluator) {
  std::vector<std::string_view> words, upos;
  std::vector<std::string> gold, predicted;
  for (const nlp::NerSentence& sentence : sentences) {
    words.assign(sentence.words.begin(), sentence.words.end());
    upos.assign(sentence.upos.begin(), sentence.upos.end());
    const std::vector<int> tags = tagger.Tag(words, upos);
    gold.clear();
    predicted.clear();
    for (size_t i = 0; i < tags.size(); ++i) {
      gold.push_back(nlp::NerTagName(sentence.tags[i]));
      predicted.push_back(nlp::NerTagName(tags[i]));
    }
    evaluator.Add(gold, predicted);
  }
}

absl::Status Run() {
  absl::StatusOr<nlp::NerFeatureOptions> features = ParseFeatures(absl::GetFlag(FLAGS_features));
  if (!features.ok()) return features.status();
  const std::string models = absl::GetFlag(FLAGS_models);
  absl::StatusOr<nlp::Lexicon> lexicon = nlp::Lexicon::Load(models + "/de_lexicon.bin");
  if (!lexicon.ok()) return lexicon.status();
  absl::StatusOr<nlp::Tagger> pos_tagger = nlp::Tagger::Load(models + "/de_tagger.bin");
  if (!pos_tagger.ok()) return pos_tagger.status();

  train::GazetteerSources sources;
  sources.iso_codes_dir = absl::GetFlag(FLAGS_iso_codes_dir);
  sources.wordlist = absl::GetFlag(FLAGS_wordlist);
  sources.icu = absl::GetFlag(FLAGS_icu);
  sources.name_lists = absl::GetFlag(FLAGS_name_lists);
  sources.ding = absl::GetFlag(FLAGS_ding);
  sources.iso_3166_json = absl::GetFlag(FLAGS_iso_3166_json);
  train::GazetteerStats stats;
  absl::StatusOr<nlp::NerGazetteer> gazetteer = train::BuildNerGazetteer(sources, *lexicon, stats);
  if (!gazetteer.ok()) return gazetteer.status();
  std::cerr << "gazetteer: " << gazetteer->word_count() << " words, " << gazetteer->phrase_count()
            << " phrases\n";
  for (const auto& [source, count] : stats) std::cerr << "  " << source << ": " << count << "\n";

  absl::StatusOr<train::GermEvalData> data =
      train::ReadGermEval(absl::GetFlag(FLAGS_train), features->pos ? &*pos_tagger : nullptr, &*lexicon);
  if (!data.ok()) return data.status();
  std::cerr << "training sentences: " << data->sentences.size() << "\n";

  nlp::NerWordClusters clusters;
  if (features->clusters) {
    const std::string ding = absl::GetFlag(FLAGS_ding);
    absl::StatusOr<std::vector<std::vector<std::string>>> text =
        train::ReadUnlabelledText(absl::GetFlag(FLAGS_fortunes_dir), ding,
                                  absl::StrSplit(absl::GetFlag(FLAGS_html_dirs), ',', absl::SkipEmpty()));
    if (!text.ok()) return text.status();
    // The training sentences are unlabelled text too (never the test set).
    for (const nlp::NerSentence& sentence : data->sentences) text->push_back(sentence.words);
    size_t tokens = 0;
    for (const auto& s : *text) tokens += s.size();
    const auto start = std::chrono::steady_clock::now();
    clusters = train::LearnWordClusters(*text, train::ClusterOptions());
    std::cerr << absl::StrFormat("clusters: %d words from %d sentences, %d tokens, in %.1f s\n",
                                 clusters.size(), text->size(), tokens,
                                 std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }

  nlp::NerTrainingOptions options;
  options.iterations = absl::GetFlag(FLAGS_iterations);
  const std::string trainer = absl::GetFlag(FLAGS_trainer);
  if (trainer == "crf") {
    options.trainer = nlp::NerTrainer::kCrf;
  } else if (trainer == "perceptron+crf") {
    options.trainer = nlp::NerTrainer::kPerceptronPlusCrf;
  } else if (trainer != "perceptron") {
    return absl::InvalidArgumentError(absl::StrCat("--trainer: unknown trainer '", trainer, "'"));
  }
  options.crf_l2 = absl::GetFlag(FLAGS_crf_l2);
  options.crf_step = absl::GetFlag(FLAGS_crf_step);
  options.crf_prune = absl::GetFlag(FLAGS_crf_prune);
  options.crf_iterations = absl::GetFlag(FLAGS_crf_iterations);
  options.crf_mix = absl::GetFlag(FLAGS_crf_mix);
  options.min_feature_count = absl::GetFlag(FLAGS_min_feature_count);
  options.features = *features;

  // Unlabelled sentences for self-training, with UPOS.
  const int self_train = absl::GetFlag(FLAGS_self_train);
  std::vector<nlp::NerSentence> pool;
  if (self_train > 0) {
    absl::StatusOr<std::vector<std::vector<std::string>>> text =
        train::ReadUnlabelledText(absl::GetFlag(FLAGS_fortunes_dir), "", {});
    if (!text.ok()) return text.status();
    std::vector<std::string_view> words;
    std::vector<int> pos;
    for (std::vector<std::string>& sentence_words : *text) {
      if (sentence_words.size() < 5 || sentence_words.size() > 40) continue;
      nlp::NerSentence sentence;
      sentence.words = std::move(sentence_words);
      if (features->pos) {
        words.assign(sentence.words.begin(), sentence.words.end());
        pos_tagger->Tag(words, {}, &*lexicon, pos);
        for (int tag : pos) sentence.upos.emplace_back(pos_tagger->upos(tag));
      }
      pool.push_back(std::move(sentence));
    }
    std::cerr << "self-training pool: " << pool.size() << " sentences\n";
  }
  // Trains on `labelled`; with --self_train, adds the pool sentences two
  // different learners agree on and retrains.
  auto train_model = [&](const std::vector<nlp::NerSentence>& labelled) {
    if (self_train <= 0) {
      return nlp::NerTagger::Train(labelled, &*lexicon, *gazetteer, clusters, options);
    }
    nlp::NerTrainingOptions perceptron = options, crf = options;
    perceptron.trainer = nlp::NerTrainer::kPerceptron;
    crf.trainer = nlp::NerTrainer::kCrf;
    crf.iterations = 30;
    const nlp::NerTagger a = nlp::NerTagger::Train(labelled, &*lexicon, *gazetteer, clusters, perceptron);
    const nlp::NerTagger b = nlp::NerTagger::Train(labelled, &*lexicon, *gazetteer, clusters, crf);
    std::vector<nlp::NerSentence> extended = labelled;
    std::vector<std::string_view> words, upos;
    int added = 0;
    for (const nlp::NerSentence& sentence : pool) {
      if (added >= self_train) break;
      words.assign(sentence.words.begin(), sentence.words.end());
      upos.assign(sentence.upos.begin(), sentence.upos.end());
      std::vector<int> tags = a.Tag(words, upos);
      if (std::all_of(tags.begin(), tags.end(), [](int t) { return t == 0; })) continue;
      if (b.Tag(words, upos) != tags) continue;
      extended.push_back(sentence);
      extended.back().tags = std::move(tags);
      ++added;
    }
    std::cerr << "self-training: " << added << " sentences added\n";
    return nlp::NerTagger::Train(extended, &*lexicon, *gazetteer, clusters, options);
  };

  const int folds = absl::GetFlag(FLAGS_cv_folds);
  if (folds > 1) {
    nlp::NerEvaluator total;
    for (int fold = 0; fold < folds; ++fold) {
      std::vector<nlp::NerSentence> train_part, test_part;
      for (size_t s = 0; s < data->sentences.size(); ++s) {
        (static_cast<int>(s % folds) == fold ? test_part : train_part).push_back(data->sentences[s]);
      }
      const nlp::NerTagger tagger = train_model(train_part);
      nlp::NerEvaluator evaluator;
      Score(tagger, test_part, evaluator);
      Score(tagger, test_part, total);
      std::cerr << absl::StrFormat("fold %d: strict P %.2f R %.2f F1 %.2f, loose F1 %.2f\n", fold,
                                   evaluator.strict().Precision(), evaluator.strict().Recall(),
                                   evaluator.strict().F1(), evaluator.loose().F1());
    }
    std::cout << absl::StrFormat(
        "cv %d folds, trainer=%s, features=%s, iterations=%d: outer strict P %.2f R %.2f F1 %.2f; "
        "loose F1 %.2f\n",
        folds, trainer, absl::GetFlag(FLAGS_features), options.iterations, total.strict().Precision(),
        total.strict().Recall(), total.strict().F1(), total.loose().F1());
    for (const auto& [label, counts] : total.per_class_loose()) {
      std::cout << absl::StrFormat("  %s loose F1 %.2f (gold %d)\n", label, counts.F1(), counts.gold);
    }
  }

  const std::string out = absl::GetFlag(FLAGS_out);
  if (out.empty()) return absl::OkStatus();
  const auto start = std::chrono::steady_clock::now();
  const nlp::NerTagger tagger = train_model(data->sentences);
  std::cerr << absl::StrFormat("trained in %.1f s, %d weights\n",
                               std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
                               tagger.weight_count());
  return tagger.Save(out);
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  if (absl::Status status = Run(); !status.ok()) {
    std::cerr << "korpus-train-ner: " << status << "\n";
    return 1;
  }
  return 0;
}
