// Helpers shared by the fuzzers. FUZZ_CHECK: an invariant of the code
// under test; a violation prints the condition and aborts, which libFuzzer
// records as a crash with its input.
#ifndef KORPUS_FUZZ_FUZZ_CHECK_H_
#define KORPUS_FUZZ_FUZZ_CHECK_H_

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "unicode/utf8.h"

#define FUZZ_CHECK(condition)                                                       \
  do {                                                                              \
    if (!(condition)) {                                                             \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__,     \
                   #condition);                                                     \
      std::abort();                                                                 \
    }                                                                               \
  } while (false)

namespace korpus::fuzz {

// Whether `text` is well-formed UTF-8 (ICU's decoder decides).
inline bool IsValidUtf8(std::string_view text) {
  int32_t i = 0;
  const int32_t length = static_cast<int32_t>(text.size());
  while (i < length) {
    UChar32 c;
    U8_NEXT(text.data(), i, length, c);
    if (c < 0) return false;
  }
  return true;
}

}  // namespace korpus::fuzz

#endif  // KORPUS_FUZZ_FUZZ_CHECK_H_
