#include "libs/nlp/pipeline.h"

namespace korpus::nlp {

absl::StatusOr<std::unique_ptr<Pipeline>> Pipeline::Load(const PipelineOptions& options) {
  std::unique_ptr<Pipeline> pipeline(new Pipeline());
  pipeline->model_name_ = "korpus-de-rules";
  pipeline->model_version_ = "1";
  return pipeline;
}

AnalyzedText Pipeline::Analyze(std::string_view text) const {
  AnalyzedText result;
  tokenizer_.TokenizeInto(text, result.tokens);
  tokenizer_.SplitSentences(text, result.tokens, result.sentences);
  return result;
}

}  // namespace korpus::nlp
