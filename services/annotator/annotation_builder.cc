#include "services/annotator/annotation_builder.h"

#include <cstdint>

namespace korpus {
namespace {

v1::TokenKind ToProto(nlp::TokenKind kind) {
  switch (kind) {
    case nlp::TokenKind::kWord: return v1::TOKEN_KIND_WORD;
    case nlp::TokenKind::kNumber: return v1::TOKEN_KIND_NUMBER;
    case nlp::TokenKind::kOrdinal: return v1::TOKEN_KIND_ORDINAL;
    case nlp::TokenKind::kAbbreviation: return v1::TOKEN_KIND_ABBREVIATION;
    case nlp::TokenKind::kPunctuation: return v1::TOKEN_KIND_PUNCTUATION;
    case nlp::TokenKind::kSymbol: return v1::TOKEN_KIND_SYMBOL;
    case nlp::TokenKind::kUrl: return v1::TOKEN_KIND_URL;
    case nlp::TokenKind::kEmail: return v1::TOKEN_KIND_EMAIL;
  }
  return v1::TOKEN_KIND_UNSPECIFIED;
}

// Converts increasing byte offsets into code point offsets in one pass over
// the text: each call continues from where the previous one stopped, so
// converting every token and sentence boundary costs O(text size) in all.
// Offsets may repeat or go back to a boundary already passed (sentence
// starts follow token ends); then the walk restarts from a checkpoint.
class CodePointCounter {
 public:
  explicit CodePointCounter(std::string_view text) : text_(text) {}

  int32_t At(uint32_t byte_offset) {
    if (byte_offset < byte_) {
      byte_ = 0;
      code_points_ = 0;
    }
    while (byte_ < byte_offset && byte_ < text_.size()) {
      // Count every byte that does not continue a UTF-8 sequence.
      if ((static_cast<unsigned char>(text_[byte_]) & 0xC0) != 0x80) ++code_points_;
      ++byte_;
    }
    return code_points_;
  }

 private:
  std::string_view text_;
  uint32_t byte_ = 0;
  int32_t code_points_ = 0;
};

}  // namespace

void AppendAnalysis(const nlp::AnalyzedText& analysis, std::string_view text,
                    v1::Annotations& annotations) {
  CodePointCounter counter(text);
  annotations.mutable_tokens()->Reserve(static_cast<int>(analysis.tokens.size()));
  // Sentence boundaries are token boundaries, so they are read off the
  // converted tokens instead of walking the text again.
  for (const nlp::Token& token : analysis.tokens) {
    v1::Token* out = annotations.add_tokens();
    out->set_begin(counter.At(token.begin));
    out->set_end(counter.At(token.end));
    out->set_kind(ToProto(token.kind));
    out->set_text(std::string(token.Text(text)));
  }
  for (const nlp::Sentence& sentence : analysis.sentences) {
    v1::Sentence* out = annotations.add_sentences();
    const v1::Token& first = annotations.tokens(static_cast<int>(sentence.first_token));
    const v1::Token& last =
        annotations.tokens(static_cast<int>(sentence.first_token + sentence.token_count - 1));
    out->set_begin(first.begin());
    out->set_end(last.end());
    out->set_first_token(static_cast<int32_t>(sentence.first_token));
    out->set_token_count(static_cast<int32_t>(sentence.token_count));
  }
}

}  // namespace korpus
