// The quote extractor on the analysis of arbitrary valid UTF-8, once with
// the full model pipeline (lemmas, POS, entities: what the annotator runs)
// and once with the rule-based stages alone (tokens and sentences): no
// crash, and every quote keeps its contract (quotes.h): spans inside the
// text and ordered, the quoted text inside its marks, a parent that comes
// earlier and encloses it, speaker and cue spans inside the text, a speaker
// entity that exists.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "libs/nlp/extract/quotes.h"
#include "libs/nlp/pipeline.h"

namespace {

const korpus::nlp::Pipeline* with_models = nullptr;
const korpus::nlp::Pipeline* rules_only = nullptr;

const korpus::nlp::Pipeline* LoadOrDie(const korpus::nlp::PipelineOptions& options) {
  absl::StatusOr<std::unique_ptr<korpus::nlp::Pipeline>> loaded =
      korpus::nlp::Pipeline::Load(options);
  if (!loaded.ok()) {
    std::fprintf(stderr, "cannot load models from '%s'\n", options.model_dir.c_str());
    std::abort();
  }
  return loaded->release();
}

void Check(std::string_view text, const korpus::nlp::AnalyzedText& analysis) {
  const uint32_t size = static_cast<uint32_t>(text.size());
  const std::vector<korpus::nlp::Quote> quotes = korpus::nlp::ExtractQuotes(text, analysis);
  uint32_t previous_outer_begin = 0;
  for (size_t i = 0; i < quotes.size(); ++i) {
    const korpus::nlp::Quote& quote = quotes[i];
    // In the text, the quoted text inside the quote with its marks.
    FUZZ_CHECK(quote.outer_begin <= quote.begin);
    FUZZ_CHECK(quote.begin <= quote.end);
    FUZZ_CHECK(quote.end <= quote.outer_end);
    FUZZ_CHECK(quote.outer_end <= size);
    // In order of the opening mark.
    FUZZ_CHECK(quote.outer_begin >= previous_outer_begin);
    previous_outer_begin = quote.outer_begin;
    // The enclosing quote comes earlier and holds this one.
    FUZZ_CHECK(quote.parent >= -1 && quote.parent < static_cast<int32_t>(i));
    if (quote.parent >= 0) {
      const korpus::nlp::Quote& parent = quotes[quote.parent];
      FUZZ_CHECK(parent.outer_begin <= quote.outer_begin);
      FUZZ_CHECK(quote.outer_end <= parent.outer_end);
    }
    FUZZ_CHECK(quote.speaker_begin <= quote.speaker_end);
    FUZZ_CHECK(quote.speaker_end <= size);
    FUZZ_CHECK(quote.cue_begin <= quote.cue_end);
    FUZZ_CHECK(quote.cue_end <= size);
    FUZZ_CHECK(quote.speaker_entity >= -1 &&
               quote.speaker_entity < static_cast<int32_t>(analysis.entities.size()));
    FUZZ_CHECK((quote.speaker_entity == -1) == quote.speaker_entity_id.empty());
    // A speaker entity is always named by words in the text.
    if (quote.speaker_begin == quote.speaker_end) {
      FUZZ_CHECK(quote.speaker_entity == -1);
    }
  }
}

}  // namespace

// Models come from $KORPUS_MODEL_DIR (scripts/fuzz.sh sets it to models/).
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* model_dir = std::getenv("KORPUS_MODEL_DIR");
  korpus::nlp::PipelineOptions options;
  options.model_dir = model_dir != nullptr ? model_dir : "models";
  with_models = LoadOrDie(options);
  rules_only = LoadOrDie(korpus::nlp::PipelineOptions{});
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // The analysis's contract is valid UTF-8 (ingest guarantees it).
  if (!korpus::fuzz::IsValidUtf8(text)) return 0;
  Check(text, with_models->Analyze(text));
  Check(text, rules_only->Analyze(text));
  return 0;
}
