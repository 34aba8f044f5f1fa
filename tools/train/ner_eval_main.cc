// korpus-eval-ner: GermEval 2014 metric (outer chunks, strict and loose,
// per label) for models/de_ner.bin on a held-out file; `make eval` runs it on
// NER-de-test.tsv and writes build/eval/ner.json. Run from the repository root:
//   korpus-eval-ner --gold=../shared/data/germeval2014/NER-de-test.tsv
//       --models=models --json_out=build/eval/ner.json
#include <chrono>
#include <fstream>
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/nlp/ner.h"
#include "libs/nlp/ner_cli.h"
#include "libs/nlp/ner_eval.h"
#include "tools/train/ner_data.h"

ABSL_FLAG(std::string, gold, "../shared/data/germeval2014/NER-de-test.tsv",
          "GermEval 2014 file with gold tags (index, token, outer, inner).");
ABSL_FLAG(std::string, models, "models", "Directory with de_ner.bin, de_tagger.bin, de_lexicon.bin.");
ABSL_FLAG(std::string, json_out, "", "Where to write the figures as JSON; empty: do not write.");

namespace {

using namespace korpus;

std::string CountsJson(const nlp::NerCounts& c) {
  return absl::StrFormat(
      "{\"precision\":%.2f,\"recall\":%.2f,\"f1\":%.2f,\"correct\":%d,\"predicted\":%d,\"gold\":%d}",
      c.Precision(), c.Recall(), c.F1(), c.correct, c.predicted, c.gold);
}

absl::Status Run() {
  absl::StatusOr<std::unique_ptr<nlp::PretokenizedNer>> ner =
      nlp::PretokenizedNer::Load(absl::GetFlag(FLAGS_models));
  if (!ner.ok()) return ner.status();
  const std::string gold_path = absl::GetFlag(FLAGS_gold);
  absl::StatusOr<train::GermEvalData> data = train::ReadGermEval(gold_path, nullptr, nullptr);
  if (!data.ok()) return data.status();

  // POS first, so the NER timing below is the NER step alone (features,
  // lexicon and gazetteer lookups, scoring, Viterbi).
  std::vector<std::vector<std::string_view>> words(data->raw.size()), upos(data->raw.size());
  const auto pos_start = std::chrono::steady_clock::now();
  for (size_t s = 0; s < data->raw.size(); ++s) {
    for (const std::vector<std::string>& row : data->raw[s].rows) words[s].push_back(row[1]);
    upos[s] = (*ner)->Upos(words[s]);
  }
  const double pos_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - pos_start).count();
  std::vector<std::vector<int>> predicted(data->raw.size());
  const auto ner_start = std::chrono::steady_clock::now();
  for (size_t s = 0; s < data->raw.size(); ++s) predicted[s] = (*ner)->ner().Tag(words[s], upos[s]);
  const double ner_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - ner_start).count();

  nlp::NerEvaluator evaluator;
  std::vector<std::string> gold_tags, predicted_tags;
  for (size_t s = 0; s < data->raw.size(); ++s) {
    gold_tags.clear();
    predicted_tags.clear();
    for (size_t i = 0; i < data->raw[s].rows.size(); ++i) {
      gold_tags.push_back(data->raw[s].rows[i][2]);
      predicted_tags.push_back(nlp::NerTagName(predicted[s][i]));
    }
    evaluator.Add(gold_tags, predicted_tags);
  }

  const double tokens = static_cast<double>(evaluator.tokens());
  std::cout << absl::StrFormat("GermEval 2014 %s: %d sentences, %d tokens, outer chunks\n", gold_path,
                               data->raw.size(), evaluator.tokens());
  std::cout << absl::StrFormat("| %-16s | %9s | %6s | %6s | %6s |\n", "", "gold", "P", "R", "F1");
  std::cout << "| ---------------- | --------- | ------ | ------ | ------ |\n";
  auto row = [](const std::string& name, const nlp::NerCounts& c) {
    std::cout << absl::StrFormat("| %-16s | %9d | %6.2f | %6.2f | %6.2f |\n", name, c.gold,
                                 c.Precision(), c.Recall(), c.F1());
  };
  row("outer strict", evaluator.strict());
  row("outer loose", evaluator.loose());
  for (const char* main_class : {"PER", "ORG", "LOC", "OTH"}) {
    auto it = evaluator.per_label().find(main_class);
    row(absl::StrCat(main_class, " strict"), it == evaluator.per_label().end() ? nlp::NerCounts() : it->second);
  }
  for (const auto& [label, counts] : evaluator.per_label()) {
    if (label.size() > 3) row(absl::StrCat(label, " strict"), counts);
  }
  for (const auto& [main_class, counts] : evaluator.per_class_loose()) {
    row(absl::StrCat(main_class, "* loose"), counts);
  }
  std::cout << absl::StrFormat(
      "throughput (one core): NER %.0f tokens/s (features + scoring + Viterbi); POS for the "
      "features %.0f tokens/s\n",
      tokens / ner_seconds, tokens / pos_seconds);

  const std::string json_out = absl::GetFlag(FLAGS_json_out);
  if (json_out.empty()) return absl::OkStatus();
  std::string json = absl::StrCat("{\"data\":\"", gold_path, "\",\"sentences\":", data->raw.size(),
                                  ",\"tokens\":", evaluator.tokens(),
                                  ",\"outer_strict\":", CountsJson(evaluator.strict()),
                                  ",\"outer_loose\":", CountsJson(evaluator.loose()),
                                  ",\"per_label_strict\":{");
  bool first = true;
  for (const auto& [label, counts] : evaluator.per_label()) {
    absl::StrAppend(&json, first ? "" : ",", "\"", label, "\":", CountsJson(counts));
    first = false;
  }
  json += "},\"per_class_loose\":{";
  first = true;
  for (const auto& [label, counts] : evaluator.per_class_loose()) {
    absl::StrAppend(&json, first ? "" : ",", "\"", label, "\":", CountsJson(counts));
    first = false;
  }
  absl::StrAppend(&json, "},\"ner_tokens_per_second\":", static_cast<int64_t>(tokens / ner_seconds),
                  ",\"pos_tokens_per_second\":", static_cast<int64_t>(tokens / pos_seconds), "}\n");
  std::ofstream out(json_out);
  out << json;
  if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", json_out));
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  if (absl::Status status = Run(); !status.ok()) {
    std::cerr << "korpus-eval-ner: " << status << "\n";
    return 1;
  }
  return 0;
}
