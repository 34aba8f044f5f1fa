// Plain data types shared by every stage of the German NLP pipeline.
//
// All offsets are UTF-8 byte offsets into the text that was analysed, as
// half-open ranges [begin, end). `text.substr(begin, end - begin)` is the
// surface form, so annotations can always be mapped back to the original.
#ifndef KORPUS_LIBS_NLP_TEXT_H_
#define KORPUS_LIBS_NLP_TEXT_H_

#include <cstdint>
#include <string_view>
#include <vector>

namespace korpus::nlp {

// What the tokenizer recognised a token as. This is a surface category, not a
// part of speech: "2." in "am 2. Februar" is kOrdinal, "Dr." is kAbbreviation.
enum class TokenKind : uint8_t {
  kWord,          // letters and digits, hyphenated compounds ("US-Dollar")
  kNumber,        // "17", "1.000.000", "3,5", "14:30", "2.2.2025"
  kOrdinal,       // digits with their full stop: "2." in "am 2. Februar"
  kAbbreviation,  // with its full stop(s): "Dr.", "z.", "B.", "z.B.", "e.V."
  kPunctuation,   // one mark, or a run of the same mark ("...", "!!", "--")
  kSymbol,        // "%", "€", "$", "&", "+", ... (non-punctuation, non-word)
  kUrl,           // "https://example.org/a?b=c", "www.example.de", "spiegel.de"
  kEmail,         // "name@example.de"
};

// Human-readable name of a kind ("word", "number", ...), for tables and JSON.
std::string_view TokenKindName(TokenKind kind);

struct Token {
  uint32_t begin = 0;  // byte offset of the first byte
  uint32_t end = 0;    // byte offset one past the last byte
  TokenKind kind = TokenKind::kWord;

  uint32_t size() const { return end - begin; }
  std::string_view Text(std::string_view text) const {
    return text.substr(begin, end - begin);
  }
};

struct Sentence {
  uint32_t begin = 0;        // == tokens[first_token].begin
  uint32_t end = 0;          // == tokens[first_token + token_count - 1].end
  uint32_t first_token = 0;  // index into TokenizedText::tokens
  uint32_t token_count = 0;  // always >= 1
};

// Tokens in text order, and sentences that partition them: every token
// belongs to exactly one sentence and sentences are in order, contiguous.
struct TokenizedText {
  std::vector<Token> tokens;
  std::vector<Sentence> sentences;
};

}  // namespace korpus::nlp

#endif  // KORPUS_LIBS_NLP_TEXT_H_
