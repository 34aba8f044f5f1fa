// The German NLP pipeline (tokenizer, sentence splitter, contractions,
// tagger, lemmatizer, and NER when its model is present) on arbitrary valid
// UTF-8: no crash, and the tokens and sentences keep their contract.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "libs/nlp/pipeline.h"

namespace {

const korpus::nlp::Pipeline* pipeline = nullptr;

}  // namespace

// Models come from $KORPUS_MODEL_DIR (make fuzz sets it to models/).
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* model_dir = std::getenv("KORPUS_MODEL_DIR");
  korpus::nlp::PipelineOptions options;
  options.model_dir = model_dir != nullptr ? model_dir : "models";
  absl::StatusOr<std::unique_ptr<korpus::nlp::Pipeline>> loaded =
      korpus::nlp::Pipeline::Load(options);
  if (!loaded.ok()) {
    std::fprintf(stderr, "cannot load models from %s\n", options.model_dir.c_str());
    std::abort();
  }
  pipeline = loaded->release();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // The pipeline's contract is valid UTF-8 (ingest guarantees it).
  if (!korpus::fuzz::IsValidUtf8(text)) return 0;
  const korpus::nlp::AnalyzedText analysis = pipeline->Analyze(text);

  uint32_t previous_end = 0;
  for (const korpus::nlp::Token& token : analysis.tokens) {
    FUZZ_CHECK(token.begin >= previous_end);
    FUZZ_CHECK(token.begin < token.end);
    FUZZ_CHECK(token.end <= size);
    previous_end = token.end;
  }
  uint32_t next_token = 0;
  for (const korpus::nlp::Sentence& sentence : analysis.sentences) {
    FUZZ_CHECK(sentence.first_token == next_token);
    FUZZ_CHECK(sentence.token_count >= 1);
    next_token += sentence.token_count;
  }
  FUZZ_CHECK(next_token == analysis.tokens.size());
  FUZZ_CHECK(analysis.words.size() >= analysis.tokens.size());
  for (const korpus::nlp::Word& word : analysis.words) {
    FUZZ_CHECK(word.token < analysis.tokens.size());
  }
  return 0;
}
