#include "libs/nlp/unicode_util.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

namespace korpus::nlp {
namespace {

template <typename Map>
std::string MapCodePoints(std::string_view text, size_t limit, Map map) {
  std::string out;
  out.reserve(text.size());
  int32_t i = 0;
  const int32_t n = static_cast<int32_t>(text.size());
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  size_t mapped = 0;
  while (i < n) {
    const int32_t start = i;
    UChar32 cp;
    U8_NEXT(bytes, i, n, cp);
    if (cp < 0 || mapped >= limit) {
      out.append(text.substr(start, i - start));
      continue;
    }
    ++mapped;
    cp = map(cp);
    char buffer[4];
    int32_t length = 0;
    U8_APPEND_UNSAFE(buffer, length, cp);
    out.append(buffer, length);
  }
  return out;
}

}  // namespace

std::string LowercaseUtf8(std::string_view text) {
  // Fast path: ASCII without capitals is common.
  bool plain = true;
  for (char c : text) {
    if ((c >= 'A' && c <= 'Z') || static_cast<unsigned char>(c) >= 0x80) {
      plain = false;
      break;
    }
  }
  if (plain) return std::string(text);
  return MapCodePoints(text, SIZE_MAX, [](UChar32 cp) { return u_tolower(cp); });
}

std::string CapitalizeUtf8(std::string_view text) {
  return MapCodePoints(text, 1, [](UChar32 cp) { return u_toupper(cp); });
}

bool StartsUpper(std::string_view text) {
  if (text.empty()) return false;
  const auto c = static_cast<unsigned char>(text[0]);
  if (c < 0x80) return c >= 'A' && c <= 'Z';
  int32_t i = 0;
  UChar32 cp;
  U8_NEXT(reinterpret_cast<const uint8_t*>(text.data()), i, static_cast<int32_t>(text.size()), cp);
  return cp > 0 && (u_isupper(cp) || u_istitle(cp));
}

size_t SuffixStart(std::string_view text, size_t count) {
  size_t k = text.size();
  while (count > 0 && k > 0) {
    --k;
    while (k > 0 && (static_cast<unsigned char>(text[k]) & 0xC0) == 0x80) --k;
    --count;
  }
  return count > 0 ? 0 : k;
}

size_t PrefixLength(std::string_view text, size_t count) {
  size_t k = 0;
  while (count > 0 && k < text.size()) {
    ++k;
    while (k < text.size() && (static_cast<unsigned char>(text[k]) & 0xC0) == 0x80) ++k;
    --count;
  }
  return k;
}

}  // namespace korpus::nlp
