// Page sizes and opaque page tokens, shared by every Store backend.
//
// A token is the web-safe base64 of "v1:<position>:<binding>", where
// position is a backend-defined cursor (the last ingestion sequence returned
// by List, the offset of the next hit for Search) and binding is a hash of
// the request parameters the token is valid for. Clients must treat tokens
// as opaque; the format may change with the "v1" prefix.
#ifndef KORPUS_LIBS_STORE_PAGING_H_
#define KORPUS_LIBS_STORE_PAGING_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace korpus::store {

inline constexpr int kMaxPageSize = 1000;
inline constexpr int kDefaultListPageSize = 50;
inline constexpr int kDefaultSearchPageSize = 20;
inline constexpr int kDefaultEntityPageSize = 50;
inline constexpr int kDefaultEntityDocumentPageSize = 20;

// `page_size` if in [1, kMaxPageSize], `default_size` if 0; otherwise
// INVALID_ARGUMENT "<field> must be between 0 and 1000". `field` names the
// request field, e.g. "ListDocumentsRequest.page_size".
absl::StatusOr<int> EffectivePageSize(int page_size, int default_size, std::string_view field);

// A short stable hash (hex) of `parameters`, the request parameters a token
// is bound to (e.g. "search\0view=1\0query=..."). Stable across processes and
// builds, so tokens survive a restart.
std::string BindingOf(std::string_view parameters);

// Encodes a token for `position` bound to `binding`.
std::string EncodePageToken(int64_t position, std::string_view binding);

// The position in `token`. INVALID_ARGUMENT naming `field` if the token is
// not one of ours, is garbled, has a negative position, or was issued for
// other parameters than `binding`.
absl::StatusOr<int64_t> DecodePageToken(std::string_view token, std::string_view binding,
                                        std::string_view field);

}  // namespace korpus::store

#endif  // KORPUS_LIBS_STORE_PAGING_H_
