#include "libs/store/paging.h"

#include <openssl/evp.h>

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace korpus::store {

absl::StatusOr<int> EffectivePageSize(int page_size, int default_size, std::string_view field) {
  if (page_size < 0 || page_size > kMaxPageSize) {
    return absl::InvalidArgumentError(absl::StrCat(std::string(field), " must be between 0 and ",
                                                   kMaxPageSize, ", got ", page_size));
  }
  return page_size == 0 ? default_size : page_size;
}

std::string BindingOf(std::string_view parameters) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  EVP_Digest(parameters.data(), parameters.size(), digest, &digest_size, EVP_sha256(), nullptr);
  // 64 bits tell apart the requests one client pages through.
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), digest_size < 8 ? digest_size : 8));
}

std::string EncodePageToken(int64_t position, std::string_view binding) {
  return absl::WebSafeBase64Escape(absl::StrCat("v1:", position, ":", std::string(binding)));
}

absl::StatusOr<int64_t> DecodePageToken(std::string_view token, std::string_view binding,
                                        std::string_view field) {
  std::string plain;
  if (!absl::WebSafeBase64Unescape(absl::string_view(token.data(), token.size()), &plain)) {
    return absl::InvalidArgumentError(absl::StrCat(std::string(field), " is not a valid page token"));
  }
  std::vector<absl::string_view> parts = absl::StrSplit(plain, ':');
  int64_t position = 0;
  if (parts.size() != 3 || parts[0] != "v1" || !absl::SimpleAtoi(parts[1], &position) ||
      position < 0) {
    return absl::InvalidArgumentError(absl::StrCat(std::string(field), " is not a valid page token"));
  }
  if (parts[2] != absl::string_view(binding.data(), binding.size())) {
    return absl::InvalidArgumentError(absl::StrCat(
        std::string(field), " was issued for a request with other parameters"));
  }
  return position;
}

}  // namespace korpus::store
