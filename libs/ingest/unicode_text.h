// Unicode building blocks of ingest: validation of untrusted bytes and the
// character-level clean-up applied to every paragraph (invisible characters,
// NFC, whitespace folding). Pure functions, thread-safe; ICU does the
// Unicode work.
#ifndef KORPUS_LIBS_INGEST_UNICODE_TEXT_H_
#define KORPUS_LIBS_INGEST_UNICODE_TEXT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace korpus::ingest {

// Checks that `bytes` is well-formed UTF-8 (no overlong forms, no encoded
// surrogates, nothing above U+10FFFF) and carries no control characters
// typical of binary data: NUL, the C0 controls other than tab, line feed,
// vertical tab, form feed and carriage return, DEL, and the C1 controls
// U+0080..U+009F (in practice the trace of a mis-decoded Windows-1252 file).
// On failure returns INVALID_ARGUMENT naming `field` and the byte offset of
// the first offending sequence, e.g.
// "RawArticle.content is not valid UTF-8 at byte 17".
absl::Status ValidateUtf8Text(std::string_view bytes, std::string_view field);

// Number of code points in `utf8`, which must be valid UTF-8.
int64_t CodePointCount(std::string_view utf8);

// Appends the UTF-8 encoding of `code_point` (a Unicode scalar value).
void AppendUtf8(char32_t code_point, std::string& out);

// Characters that are deleted from all text: ZERO WIDTH SPACE U+200B, ZERO
// WIDTH NON-JOINER U+200C, WORD JOINER U+2060, BOM / ZERO WIDTH NO-BREAK
// SPACE U+FEFF, SOFT HYPHEN U+00AD and MONGOLIAN VOWEL SEPARATOR U+180E.
// None of them changes what German text means; left in, they split words
// for the tokenizer and search. ZERO WIDTH JOINER U+200D is kept because it
// joins emoji sequences.
bool IsRemovedInvisible(char32_t code_point);

// Cleans one paragraph (or title) of valid UTF-8: deletes the invisible
// characters above, replaces the Latin ligatures U+FB00..U+FB06 (ﬀ ﬁ ﬂ ﬃ
// ﬄ ﬅ ﬆ, artefacts of PDF extraction) by their letters, normalises to NFC,
// folds every run of Unicode white space (White_Space property: spaces,
// tabs, NBSP, narrow NBSP, ideographic space, line breaks, ...) into one
// U+0020 and trims both ends. Quotes, dashes and other punctuation are kept
// as they are („“ stays „“). The result contains no line breaks.
std::string CleanParagraph(std::string_view utf8);

}  // namespace korpus::ingest

#endif  // KORPUS_LIBS_INGEST_UNICODE_TEXT_H_
