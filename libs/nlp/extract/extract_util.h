// Internal helpers shared by the extractors in libs/nlp/extract: token
// lookup by byte offset, the first word of a token, small UTF-8 tests. Not a
// public API.
#ifndef KORPUS_LIBS_NLP_EXTRACT_EXTRACT_UTIL_H_
#define KORPUS_LIBS_NLP_EXTRACT_EXTRACT_UTIL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "libs/nlp/pipeline.h"

namespace korpus::nlp::extract_internal {

constexpr uint32_t kNone = UINT32_MAX;

// Index of the first token that ends after `offset` (tokens.size() if none).
uint32_t TokenAtOrAfter(const std::vector<Token>& tokens, uint32_t offset);

// Index of the sentence holding token `t` (sentences partition the tokens).
uint32_t SentenceOfToken(const std::vector<Sentence>& sentences, uint32_t t);

// The first syntactic word of token `t`, or nullptr when the analysis has no
// words (tokens only).
const Word* FirstWord(const AnalyzedText& analysis, uint32_t t);

// The lemma of token t's first word when a lemmatizer ran, else "" .
std::string_view LemmaOf(const AnalyzedText& analysis, uint32_t t);
// UPOS of token t's first word ("_" without a tagger).
std::string_view UposOf(const AnalyzedText& analysis, uint32_t t);

// Lower-cased token text (ASCII and the common German letters; see
// LowercaseUtf8 for the full mapping).
std::string LowerToken(std::string_view text, const Token& token);

// True when `s` starts with an upper-case letter.
bool StartsUpperCase(std::string_view s);
// True when `s` has at least one letter.
bool HasLetter(std::string_view s);

// Entity index (into analysis.entities) of each token, -1 where none; a
// token in two mentions keeps the first entity's index.
std::vector<int32_t> TokenEntities(const AnalyzedText& analysis);

}  // namespace korpus::nlp::extract_internal

#endif  // KORPUS_LIBS_NLP_EXTRACT_EXTRACT_UTIL_H_
