// In Debian 12's Abseil (20220623) absl::string_view is its own type, not
// std::string_view; these helpers convert at the boundary without copying.
#ifndef KORPUS_LIBS_NLP_STRING_COMPAT_H_
#define KORPUS_LIBS_NLP_STRING_COMPAT_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace korpus::nlp {

inline absl::string_view ToAbsl(std::string_view s) { return absl::string_view(s.data(), s.size()); }
inline std::string_view ToStd(absl::string_view s) { return std::string_view(s.data(), s.size()); }

}  // namespace korpus::nlp

#endif  // KORPUS_LIBS_NLP_STRING_COMPAT_H_
