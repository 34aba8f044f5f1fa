// korpus-eval-nlp: CoNLL 2018 shared-task metrics of the korpus pipeline on
// a gold CoNLL-U file, from raw text. Run from the repository root:
//   korpus-eval-nlp --gold=../shared/data/ud-german-gsd/de_gsd-ud-test.conllu
//                   --models=models --json_out=build/eval/nlp.json
// The gold file's sentences are joined into one text (as the shared task
// did), analysed, and scored; prints the table, writes the JSON.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/nlp/analysis_format.h"
#include "libs/nlp/conllu.h"
#include "libs/nlp/pipeline.h"
#include "libs/nlp/string_compat.h"
#include "libs/nlp/ud_eval.h"

ABSL_FLAG(std::string, gold, "../shared/data/ud-german-gsd/de_gsd-ud-test.conllu",
          "Gold CoNLL-U file (relative to the working directory).");
ABSL_FLAG(std::string, models, "models", "Model directory; empty for rules only.");
ABSL_FLAG(std::string, json_out, "build/eval/nlp.json", "Where to write the JSON; empty: none.");
ABSL_FLAG(std::string, system_out, "", "If set, also write the system CoNLL-U here.");
ABSL_FLAG(std::string, sentences, "model",
          "Sentence splitting: \"model\" (the trained classifier, the default) or "
          "\"rules\" (Tokenizer::SplitSentences), to compare the two.");

namespace {

absl::Status WriteFile(const std::string& path, const std::string& content) {
  std::filesystem::path p(path);
  if (p.has_parent_path()) {
    std::error_code error;
    std::filesystem::create_directories(p.parent_path(), error);
  }
  std::ofstream out(path, std::ios::binary);
  out << content;
  if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

absl::Status Run() {
  absl::StatusOr<std::vector<korpus::nlp::ConlluSentence>> gold =
      korpus::nlp::ReadConlluFile(absl::GetFlag(FLAGS_gold));
  if (!gold.ok()) return gold.status();
  const std::string sentences = absl::GetFlag(FLAGS_sentences);
  if (sentences != "model" && sentences != "rules") {
    return absl::InvalidArgumentError(
        absl::StrCat("--sentences must be \"model\" or \"rules\", not \"", sentences, "\""));
  }
  absl::StatusOr<std::unique_ptr<korpus::nlp::Pipeline>> pipeline =
      korpus::nlp::Pipeline::Load(korpus::nlp::PipelineOptions{
          .model_dir = absl::GetFlag(FLAGS_models),
          .rule_based_sentences = sentences == "rules",
          // Score with GSD's own tokenization conventions (docs/NLP.md).
          .tokenizer = {.split_hyphenated_compounds = true, .split_repeated_marks = true}});
  if (!pipeline.ok()) return pipeline.status();

  const std::string text = korpus::nlp::DocumentText(*gold);
  const auto start = std::chrono::steady_clock::now();
  const korpus::nlp::AnalyzedText analysis = (*pipeline)->Analyze(text);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::vector<korpus::nlp::ConlluSentence> system = korpus::nlp::ToConllu(text, analysis);
  if (const std::string path = absl::GetFlag(FLAGS_system_out); !path.empty()) {
    std::string conllu;
    for (const auto& sentence : system) korpus::nlp::AppendConllu(sentence, conllu);
    if (absl::Status status = WriteFile(path, conllu); !status.ok()) return status;
  }
  absl::StatusOr<korpus::nlp::UdEvaluation> evaluation = korpus::nlp::EvaluateUd(*gold, system);
  if (!evaluation.ok()) return evaluation.status();

  std::cout << "korpus NLP pipeline " << (*pipeline)->model_name() << " "
            << (*pipeline)->model_version() << " on "
            << std::filesystem::path(absl::GetFlag(FLAGS_gold)).filename().string() << "\n"
            << korpus::nlp::FormatUdTable(*evaluation)
            << absl::StrFormat("%zu tokens in %.3f s (one pass, one core)\n",
                               analysis.tokens.size(), seconds);
  if (const std::string path = absl::GetFlag(FLAGS_json_out); !path.empty()) {
    const std::string json = absl::StrCat(
        "{\"gold\": \"", std::filesystem::path(absl::GetFlag(FLAGS_gold)).filename().string(),
        "\", \"model\": {\"name\": \"", korpus::nlp::ToAbsl((*pipeline)->model_name()),
        "\", \"version\": \"", korpus::nlp::ToAbsl((*pipeline)->model_version()), "\"}, \"metrics\": ",
        korpus::nlp::FormatUdJson(*evaluation), "}\n");
    if (absl::Status status = WriteFile(path, json); !status.ok()) return status;
  }
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  if (absl::Status status = Run(); !status.ok()) {
    std::cerr << "korpus-eval-nlp: " << status << "\n";
    return 1;
  }
  return 0;
}
