#include "libs/nlp/extract/extract_util.h"

#include <algorithm>

#include "libs/nlp/unicode_util.h"

namespace korpus::nlp::extract_internal {

uint32_t TokenAtOrAfter(const std::vector<Token>& tokens, uint32_t offset) {
  auto it = std::partition_point(tokens.begin(), tokens.end(),
                                 [offset](const Token& token) { return token.end <= offset; });
  return static_cast<uint32_t>(it - tokens.begin());
}

uint32_t SentenceOfToken(const std::vector<Sentence>& sentences, uint32_t t) {
  auto it = std::partition_point(sentences.begin(), sentences.end(), [t](const Sentence& s) {
    return s.first_token + s.token_count <= t;
  });
  if (it == sentences.end()) return sentences.empty() ? 0 : static_cast<uint32_t>(sentences.size() - 1);
  return static_cast<uint32_t>(it - sentences.begin());
}

const Word* FirstWord(const AnalyzedText& analysis, uint32_t t) {
  if (t + 1 >= analysis.token_words.size()) return nullptr;
  const uint32_t w = analysis.token_words[t];
  if (w >= analysis.token_words[t + 1] || w >= analysis.words.size()) return nullptr;
  return &analysis.words[w];
}

std::string_view LemmaOf(const AnalyzedText& analysis, uint32_t t) {
  const Word* word = FirstWord(analysis, t);
  if (word == nullptr || word->lemma == "_") return "";
  return word->lemma;
}

std::string_view UposOf(const AnalyzedText& analysis, uint32_t t) {
  const Word* word = FirstWord(analysis, t);
  return word == nullptr ? std::string_view("_") : word->upos;
}

std::string LowerToken(std::string_view text, const Token& token) {
  return LowercaseUtf8(token.Text(text));
}

bool StartsUpperCase(std::string_view s) { return StartsUpper(s); }

bool HasLetter(std::string_view s) {
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c >= 0xC3) return true;
  }
  return false;
}

std::vector<int32_t> TokenEntities(const AnalyzedText& analysis) {
  std::vector<int32_t> out(analysis.tokens.size(), -1);
  for (size_t e = 0; e < analysis.entities.size(); ++e) {
    for (const MentionRef& mention : analysis.entities[e].mentions) {
      for (uint32_t t = mention.first_token;
           t < mention.first_token + mention.token_count && t < out.size(); ++t) {
        if (out[t] < 0) out[t] = static_cast<int32_t>(e);
      }
    }
  }
  return out;
}

}  // namespace korpus::nlp::extract_internal
