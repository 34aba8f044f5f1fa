#include "libs/ingest/unicode_text.h"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/stringpiece.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <climits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace korpus::ingest {
namespace {

// Control characters that do not occur in text but do in binary data.
bool IsBinaryControl(UChar32 c) {
  if (c < 0x20) return c != '\t' && c != '\n' && c != '\v' && c != '\f' && c != '\r';
  return c == 0x7F || (c >= 0x80 && c <= 0x9F);
}

// The letters of the Latin ligatures U+FB00..U+FB06, or nullptr.
const char* LigatureLetters(UChar32 c) {
  switch (c) {
    case 0xFB00: return "ff";
    case 0xFB01: return "fi";
    case 0xFB02: return "fl";
    case 0xFB03: return "ffi";
    case 0xFB04: return "ffl";
    case 0xFB05: return "st";  // ſt: the long s is a plain s in modern text.
    case 0xFB06: return "st";
    default: return nullptr;
  }
}

}  // namespace

absl::Status ValidateUtf8Text(std::string_view bytes, std::string_view field) {
  if (bytes.size() > static_cast<size_t>(INT32_MAX)) {
    return absl::InvalidArgumentError(absl::StrCat(std::string(field), " is larger than 2 GiB"));
  }
  const auto* s = reinterpret_cast<const uint8_t*>(bytes.data());
  const int32_t length = static_cast<int32_t>(bytes.size());
  int32_t i = 0;
  while (i < length) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(s, i, length, c);
    if (c < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(std::string(field), " is not valid UTF-8 at byte ", start));
    }
    if (c == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          std::string(field), " contains a NUL byte at byte ", start, " (binary data?)"));
    }
    if (IsBinaryControl(c)) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s contains the control character U+%04X at byte %d (binary data?)",
                          std::string(field), c, start));
    }
  }
  return absl::OkStatus();
}

int64_t CodePointCount(std::string_view utf8) {
  int64_t count = 0;
  // Every byte that is not a continuation byte (10xxxxxx) starts a code point.
  for (char byte : utf8) count += (static_cast<uint8_t>(byte) & 0xC0) != 0x80;
  return count;
}

void AppendUtf8(char32_t code_point, std::string& out) {
  uint8_t buffer[U8_MAX_LENGTH];
  int32_t length = 0;
  UBool error = false;
  U8_APPEND(buffer, length, U8_MAX_LENGTH, static_cast<UChar32>(code_point), error);
  if (error) return;  // Not a scalar value; callers never pass one.
  out.append(reinterpret_cast<const char*>(buffer), length);
}

bool IsRemovedInvisible(char32_t c) {
  return c == 0x200B || c == 0x200C || c == 0x2060 || c == 0xFEFF || c == 0x00AD || c == 0x180E;
}

std::string CleanParagraph(std::string_view utf8) {
  const auto* s = reinterpret_cast<const uint8_t*>(utf8.data());
  const int32_t length = static_cast<int32_t>(utf8.size());

  // 1. Delete invisibles, spell out ligatures.
  std::string visible;
  visible.reserve(utf8.size());
  for (int32_t i = 0; i < length;) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(s, i, length, c);
    if (c < 0) continue;  // Input is validated; skip defensively.
    if (IsRemovedInvisible(static_cast<char32_t>(c))) continue;
    if (const char* letters = LigatureLetters(c)) {
      visible += letters;
      continue;
    }
    visible.append(utf8.data() + start, i - start);
  }

  // 2. NFC. The NFC instance is a process-wide singleton, safe to share.
  UErrorCode error = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(error);
  std::string composed;
  if (U_SUCCESS(error)) {
    icu::StringByteSink<std::string> sink(&composed, static_cast<int32_t>(visible.size()));
    nfc->normalizeUTF8(0, icu::StringPiece(visible.data(), static_cast<int32_t>(visible.size())),
                       sink, nullptr, error);
  }
  if (U_FAILURE(error)) composed = std::move(visible);  // Only on out-of-memory.

  // 3. Fold white space runs into one space; trim.
  std::string folded;
  folded.reserve(composed.size());
  const auto* t = reinterpret_cast<const uint8_t*>(composed.data());
  const int32_t t_length = static_cast<int32_t>(composed.size());
  bool pending_space = false;
  for (int32_t i = 0; i < t_length;) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(t, i, t_length, c);
    if (c < 0) continue;
    if (u_isUWhiteSpace(c)) {
      pending_space = !folded.empty();
      continue;
    }
    if (pending_space) folded += ' ';
    pending_space = false;
    folded.append(composed.data() + start, i - start);
  }
  return folded;
}

}  // namespace korpus::ingest
