// Structured logging for every korpus process: one JSON object per line on
// stdout, {"time","severity","service","message"} plus "request_id" while
// the thread serves a call that has one (request_id.h). Log through spdlog
// (spdlog::info("stored document id={} bytes={}", id, n)); never log article
// text, only ids and sizes.
#ifndef KORPUS_LIBS_SERVER_LOGGING_H_
#define KORPUS_LIBS_SERVER_LOGGING_H_

#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "fmt/format.h"

namespace korpus {

// Installs the JSON logger (on stdout, or stderr if `to_stderr`) as spdlog's default. `level` is one of trace,
// debug, info, warn, error, critical, off; anything else is INVALID_ARGUMENT.
absl::Status InitLogging(std::string_view service_name, std::string_view level,
                         bool to_stderr = false);

// Escapes `text` for use inside a JSON string literal (no surrounding quotes).
void AppendJsonEscaped(std::string_view text, std::string& out);

}  // namespace korpus

// Lets spdlog/fmt format this Abseil's string_view (not std::string_view
// in Debian's Abseil) and absl::Status ("INVALID_ARGUMENT: ...").
template <>
struct fmt::formatter<absl::string_view> : fmt::formatter<fmt::string_view> {
  template <typename FormatContext>
  auto format(absl::string_view text, FormatContext& context) const {
    return fmt::formatter<fmt::string_view>::format(fmt::string_view(text.data(), text.size()),
                                                    context);
  }
};
template <>
struct fmt::formatter<absl::Status> : fmt::formatter<fmt::string_view> {
  template <typename FormatContext>
  auto format(const absl::Status& status, FormatContext& context) const {
    const std::string text = status.ToString();
    return fmt::formatter<fmt::string_view>::format(fmt::string_view(text), context);
  }
};

#endif  // KORPUS_LIBS_SERVER_LOGGING_H_
