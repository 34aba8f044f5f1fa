// The trained pipeline, loaded once for all extractor tests.
#ifndef KORPUS_TESTS_UNIT_NLP_EXTRACT_TEST_UTIL_H_
#define KORPUS_TESTS_UNIT_NLP_EXTRACT_TEST_UTIL_H_

#include <memory>
#include <string>
#include <string_view>

#include <vector>

#include "gtest/gtest.h"
#include "libs/nlp/entities.h"
#include "libs/nlp/pipeline.h"

namespace korpus::nlp::testing {

// The pipeline with the committed models (KORPUS_MODEL_DIR) but without
// NER, or, with `rules_only`, the model-free one (tokens and sentences
// only). Extractor tests name their entities themselves (AnalyzeWithNames),
// so that they test the extractors, not the NER model of the day.
inline const Pipeline& TestPipeline(bool rules_only = false) {
  static const Pipeline* const full = [] {
    absl::StatusOr<std::unique_ptr<Pipeline>> p = Pipeline::Load(
        PipelineOptions{.model_dir = KORPUS_MODEL_DIR, .recognize_entities = false});
    EXPECT_TRUE(p.ok()) << p.status();
    return p.ok() ? p->release() : nullptr;
  }();
  static const Pipeline* const rules = [] {
    absl::StatusOr<std::unique_ptr<Pipeline>> p = Pipeline::Load(PipelineOptions{});
    return p.ok() ? p->release() : nullptr;
  }();
  return rules_only ? *rules : *full;
}

struct Name {
  std::string text;  // surface form, matched at token boundaries
  EntityType type = EntityType::kPer;
};

// Analyze(text) with entities from `names` instead of the NER model: every
// occurrence of a name is a mention; MergeMentions merges them.
inline AnalyzedText AnalyzeWithNames(std::string_view text, const std::vector<Name>& names) {
  AnalyzedText a = TestPipeline().Analyze(text);
  for (uint32_t t = 0; t < a.tokens.size(); ++t) {
    if (!a.mentions.empty() && a.mentions.back().first_token + a.mentions.back().token_count > t) {
      continue;
    }
    for (const Name& name : names) {
      if (text.substr(a.tokens[t].begin, name.text.size()) != name.text) continue;
      const uint32_t end = a.tokens[t].begin + static_cast<uint32_t>(name.text.size());
      uint32_t u = t;
      while (u < a.tokens.size() && a.tokens[u].end < end) ++u;
      if (u == a.tokens.size() || a.tokens[u].end != end) continue;
      a.mentions.push_back(Mention{t, u - t + 1, a.tokens[t].begin, end, name.type});
      break;
    }
  }
  a.entities = MergeMentions(text, a.tokens, a.sentences, a.mentions);
  return a;
}

inline std::string_view Slice(std::string_view text, uint32_t begin, uint32_t end) {
  return text.substr(begin, end - begin);
}

}  // namespace korpus::nlp::testing

#endif  // KORPUS_TESTS_UNIT_NLP_EXTRACT_TEST_UTIL_H_
