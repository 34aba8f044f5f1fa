// The search query parser on arbitrary bytes: it returns terms or
// INVALID_ARGUMENT, never crashes, and never yields an empty term.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "libs/store/query.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view query(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<korpus::store::ParsedQuery> parsed = korpus::store::ParseQuery(query);
  if (!parsed.ok()) {
    FUZZ_CHECK(parsed.status().code() == absl::StatusCode::kInvalidArgument);
    return 0;
  }
  FUZZ_CHECK(!parsed->terms.empty());
  for (const korpus::store::QueryTerm& term : parsed->terms) {
    FUZZ_CHECK(!term.text.empty());
    FUZZ_CHECK(term.text.size() <= size);
  }
  return 0;
}
