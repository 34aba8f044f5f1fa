// korpus-eval-sentiment: accuracy of the lexicon sentiment scorer on a
// labelled TSV (label<TAB>sentence; "#" comments), each line scored as a
// document. Prints accuracy, macro F1 and the confusion matrix for the
// default options and for the ablations (no negation, no intensifiers), and
// a sweep of the neutral band. Run from the repository root:
//   korpus-eval-sentiment --eval=tests/data/sentiment/de_sentiment_eval.tsv --models=models
#include <array>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/nlp/extract/sentiment.h"
#include "libs/nlp/pipeline.h"

ABSL_FLAG(std::string, eval, "tests/data/sentiment/de_sentiment_eval.tsv",
          "Labelled sentences: label<TAB>sentence, label negative|neutral|positive.");
ABSL_FLAG(std::string, models, "models", "Model directory (de_sentiment.bin and the pipeline's).");
ABSL_FLAG(bool, errors, false, "Also print the misclassified sentences of the default run.");

namespace {

using korpus::nlp::SentimentLabel;

struct Example {
  SentimentLabel gold;
  std::string text;
  korpus::nlp::AnalyzedText analysis;
};

int Index(SentimentLabel label) { return static_cast<int>(label) - 1; }

void Report(const std::string& name, const std::vector<Example>& examples,
            const korpus::nlp::SentimentLexicon& lexicon,
            const korpus::nlp::SentimentOptions& options, bool print_errors) {
  std::array<std::array<int, 3>, 3> confusion{};  // [gold][predicted]
  int correct = 0;
  for (const Example& e : examples) {
    const korpus::nlp::DocumentSentiment s =
        korpus::nlp::AnalyzeSentiment(e.text, e.analysis, lexicon, options);
    ++confusion[Index(e.gold)][Index(s.document.label)];
    if (s.document.label == e.gold) {
      ++correct;
    } else if (print_errors) {
      std::cout << "  gold " << korpus::nlp::SentimentLabelName(e.gold) << ", got "
                << korpus::nlp::SentimentLabelName(s.document.label)
                << absl::StrFormat(" (%+.2f): ", s.document.score) << e.text << "\n";
    }
  }
  double f1_sum = 0;
  for (int c = 0; c < 3; ++c) {
    int predicted = 0, gold = 0;
    for (int k = 0; k < 3; ++k) {
      predicted += confusion[k][c];
      gold += confusion[c][k];
    }
    const double p = predicted > 0 ? double(confusion[c][c]) / predicted : 0;
    const double r = gold > 0 ? double(confusion[c][c]) / gold : 0;
    f1_sum += p + r > 0 ? 2 * p * r / (p + r) : 0;
  }
  std::cout << absl::StrFormat("| %s | %.1f | %.1f |", name, 100.0 * correct / examples.size(),
                               100.0 * f1_sum / 3);
  for (int g = 0; g < 3; ++g) {
    std::cout << absl::StrFormat(" %d/%d/%d |", confusion[g][0], confusion[g][1], confusion[g][2]);
  }
  std::cout << "\n";
}

absl::Status Run() {
  const std::string models = absl::GetFlag(FLAGS_models);
  absl::StatusOr<korpus::nlp::SentimentLexicon> lexicon = korpus::nlp::SentimentLexicon::Load(
      absl::StrCat(models, "/", std::string(korpus::nlp::SentimentLexicon::kFileName)));
  if (!lexicon.ok()) return lexicon.status();
  absl::StatusOr<std::unique_ptr<korpus::nlp::Pipeline>> pipeline = korpus::nlp::Pipeline::Load(
      korpus::nlp::PipelineOptions{.model_dir = models, .recognize_entities = false});
  if (!pipeline.ok()) return pipeline.status();

  std::ifstream in(absl::GetFlag(FLAGS_eval));
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read --eval=", absl::GetFlag(FLAGS_eval)));
  std::vector<Example> examples;
  int line_number = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    if (line.empty() || line[0] == '#') continue;
    const size_t tab = line.find('\t');
    const std::string label = line.substr(0, tab);
    Example e;
    if (label == "positive") {
      e.gold = SentimentLabel::kPositive;
    } else if (label == "negative") {
      e.gold = SentimentLabel::kNegative;
    } else if (label == "neutral") {
      e.gold = SentimentLabel::kNeutral;
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat(absl::GetFlag(FLAGS_eval), ":", line_number, ": unknown label \"", label, "\""));
    }
    e.text = line.substr(tab + 1);
    e.analysis = (*pipeline)->Analyze(e.text);
    examples.push_back(std::move(e));
  }
  std::cout << examples.size() << " sentences\n\n"
            << "| setting | accuracy % | macro F1 % | gold neg: pred neg/neu/pos | gold neu | gold pos |\n"
            << "| --- | --- | --- | --- | --- | --- |\n";
  Report("lexicon + negation + intensifiers (default)", examples, *lexicon, {},
         absl::GetFlag(FLAGS_errors));
  Report("without negation", examples, *lexicon, {.negation = false}, false);
  Report("without intensifiers", examples, *lexicon, {.intensifiers = false}, false);
  Report("lexicon only", examples, *lexicon, {.negation = false, .intensifiers = false}, false);
  std::cout << "\nneutral band sweep (default options):\n";
  for (double band : {0.0, 0.1, 0.2, 0.3, 0.4, 0.5}) {
    Report(absl::StrFormat("band %.1f", band), examples, *lexicon, {.neutral_band = band}, false);
  }
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  if (absl::Status status = Run(); !status.ok()) {
    std::cerr << "korpus-eval-sentiment: " << status << "\n";
    return 1;
  }
  return 0;
}
