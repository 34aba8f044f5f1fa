// The tokenizer and rule-based sentence splitter alone, on arbitrary bytes
// (its contract covers invalid UTF-8 too), with the corpus's conventions and
// with UD German GSD's: offsets in range and strictly increasing, white
// space never inside a token, every other character inside one, tokens on
// character boundaries, and sentences that partition the tokens.
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "libs/nlp/tokenizer.h"

namespace {

// The tokenizer's notion of white space (tokenizer.cc): the ASCII
// separators, and for other code points ICU's White_Space property.
bool IsSpace(UChar32 c) {
  if (c < 0) return false;  // an invalid sequence is a symbol, not space
  if (c < 0x80) return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  return u_isUWhiteSpace(c);
}

void Check(const korpus::nlp::Tokenizer& tokenizer, std::string_view text, bool valid_utf8) {
  const uint32_t size = static_cast<uint32_t>(text.size());
  const korpus::nlp::TokenizedText result = tokenizer.Tokenize(text);

  // Byte b is covered when a token holds it.
  std::vector<bool> covered(size, false);
  uint32_t previous_end = 0;
  for (const korpus::nlp::Token& token : result.tokens) {
    FUZZ_CHECK(token.begin >= previous_end);
    FUZZ_CHECK(token.begin < token.end);
    FUZZ_CHECK(token.end <= size);
    for (uint32_t b = token.begin; b < token.end; ++b) covered[b] = true;
    previous_end = token.end;
  }
  int32_t i = 0;
  const int32_t length = static_cast<int32_t>(size);
  while (i < length) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(text.data(), i, length, c);
    const bool space = IsSpace(c);
    // White space is never part of a token; everything else is.
    for (int32_t b = start; b < i; ++b) FUZZ_CHECK(covered[b] != space);
  }
  // In valid text a token never starts or ends inside a character.
  if (valid_utf8) {
    for (const korpus::nlp::Token& token : result.tokens) {
      FUZZ_CHECK(token.begin == 0 || !U8_IS_TRAIL(static_cast<uint8_t>(text[token.begin])));
      FUZZ_CHECK(token.end == size || !U8_IS_TRAIL(static_cast<uint8_t>(text[token.end])));
    }
  }

  uint32_t next_token = 0;
  for (const korpus::nlp::Sentence& sentence : result.sentences) {
    FUZZ_CHECK(sentence.first_token == next_token);
    FUZZ_CHECK(sentence.token_count >= 1);
    FUZZ_CHECK(sentence.first_token + sentence.token_count <= result.tokens.size());
    FUZZ_CHECK(sentence.begin == result.tokens[sentence.first_token].begin);
    FUZZ_CHECK(sentence.end == result.tokens[sentence.first_token + sentence.token_count - 1].end);
    next_token += sentence.token_count;
  }
  FUZZ_CHECK(next_token == result.tokens.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const korpus::nlp::Tokenizer* corpus = new korpus::nlp::Tokenizer();
  static const korpus::nlp::Tokenizer* gsd = new korpus::nlp::Tokenizer(
      {.split_hyphenated_compounds = true, .split_repeated_marks = true});
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const bool valid_utf8 = korpus::fuzz::IsValidUtf8(text);
  Check(*corpus, text, valid_utf8);
  Check(*gsd, text, valid_utf8);
  return 0;
}
