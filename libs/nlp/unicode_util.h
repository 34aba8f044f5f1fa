// Small UTF-8 helpers over ICU character properties.
#ifndef KORPUS_LIBS_NLP_UNICODE_UTIL_H_
#define KORPUS_LIBS_NLP_UNICODE_UTIL_H_

#include <string>
#include <string_view>

namespace korpus::nlp {

// Full-string simple lower-casing, code point by code point (u_tolower).
std::string LowercaseUtf8(std::string_view text);
// The first code point upper-cased (u_toupper), the rest unchanged.
std::string CapitalizeUtf8(std::string_view text);
// True when the first code point is an upper- or title-case letter.
bool StartsUpper(std::string_view text);
// Byte offset where the last `count` code points begin (0 if fewer).
size_t SuffixStart(std::string_view text, size_t count);
// Byte length of the first `count` code points (text.size() if fewer).
size_t PrefixLength(std::string_view text, size_t count);

}  // namespace korpus::nlp

#endif  // KORPUS_LIBS_NLP_UNICODE_UTIL_H_
