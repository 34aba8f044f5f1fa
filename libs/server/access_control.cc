#include "libs/server/access_control.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace korpus {
namespace {

constexpr size_t kMinTokenLength = 16;

constexpr char kWhatToSend[] =
    "send the metadata \"authorization: Bearer <token>\" with a token of the gateway's "
    "--auth_tokens_file or KORPUS_AUTH_TOKENS";

bool IsTokenCharacter(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' ||
         c == '~' || c == '+' || c == '/';
}

// RFC 6750 b64token: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
bool IsWellFormedToken(std::string_view token) {
  size_t i = 0;
  while (i < token.size() && IsTokenCharacter(token[i])) ++i;
  if (i == 0) return false;
  while (i < token.size() && token[i] == '=') ++i;
  return i == token.size();
}

}  // namespace

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kReader:
      return "reader";
    case Role::kWriter:
      return "writer";
    case Role::kAdmin:
      return "admin";
  }
  return "unknown";
}

absl::StatusOr<Role> ParseRole(std::string_view name) {
  for (Role role : {Role::kReader, Role::kWriter, Role::kAdmin}) {
    if (name == RoleName(role)) return role;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown role '", std::string(name), "' (reader, writer or admin)"));
}

TokenSet::Digest TokenSet::Sha256(std::string_view data) {
  Digest digest{};
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr);
  return digest;
}

absl::StatusOr<TokenSet> TokenSet::Parse(std::string_view text, std::string_view source) {
  TokenSet set;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(absl::string_view(text.data(), text.size()), '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || absl::StartsWith(line, "#")) continue;
    for (absl::string_view entry : absl::StrSplit(line, ',')) {
      entry = absl::StripAsciiWhitespace(entry);
      if (entry.empty()) continue;
      const std::string where = absl::StrCat(std::string(source), " line ", line_number);
      const std::vector<absl::string_view> fields =
          absl::StrSplit(entry, absl::ByAnyChar(" \t"), absl::SkipEmpty());
      if (fields.size() != 2) {
        return absl::InvalidArgumentError(
            absl::StrCat(where, ": expected an entry \"ROLE TOKEN\" (ROLE reader, writer or "
                                "admin), found ", fields.size(), " fields"));
      }
      absl::StatusOr<Role> role = ParseRole(std::string_view(fields[0].data(), fields[0].size()));
      if (!role.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(where, ": ", role.status().message()));
      }
      const std::string_view token(fields[1].data(), fields[1].size());
      if (!IsWellFormedToken(token)) {
        return absl::InvalidArgumentError(
            absl::StrCat(where, ": the token may contain only A-Z a-z 0-9 - . _ ~ + / and "
                                "trailing '='"));
      }
      if (token.size() < kMinTokenLength) {
        return absl::InvalidArgumentError(
            absl::StrCat(where, ": the token has ", token.size(), " characters; use at least ",
                         kMinTokenLength, " (e.g. openssl rand -hex 24)"));
      }
      TokenSet single;
      single.entries_.push_back({Sha256(token), *role, where});
      if (absl::Status merged = set.Merge(single); !merged.ok()) return merged;
    }
  }
  return set;
}

absl::Status TokenSet::Merge(const TokenSet& other) {
  for (const Entry& entry : other.entries_) {
    for (const Entry& existing : entries_) {
      if (existing.digest == entry.digest) {
        return absl::InvalidArgumentError(
            absl::StrCat(entry.source, ": the same token as ", existing.source,
                         "; give each token once, with one role"));
      }
    }
    entries_.push_back(entry);
  }
  return absl::OkStatus();
}

size_t TokenSet::CountWithRole(Role role) const {
  size_t count = 0;
  for (const Entry& entry : entries_) count += entry.role == role ? 1 : 0;
  return count;
}

std::optional<Role> TokenSet::Find(std::string_view token) const {
  const Digest digest = Sha256(token);
  // Every entry is compared, match or not; the role is selected without a
  // branch on the comparison's result.
  int found = 0;
  for (const Entry& entry : entries_) {
    const int equal = CRYPTO_memcmp(entry.digest.data(), digest.data(), digest.size()) == 0;
    found |= equal * static_cast<int>(entry.role);
  }
  if (found == 0) return std::nullopt;
  return static_cast<Role>(found);
}

absl::StatusOr<TokenSet> LoadTokens(const std::string& file, std::string_view file_flag,
                                    std::string_view text, std::string_view text_flag) {
  TokenSet tokens;
  if (!file.empty()) {
    std::ifstream in(file, std::ios::binary);
    if (!in.is_open()) {
      return absl::NotFoundError(absl::StrCat("cannot read ", std::string(file_flag), "=", file,
                                              ": ", std::strerror(errno)));
    }
    std::stringstream content;
    content << in.rdbuf();
    absl::StatusOr<TokenSet> parsed =
        TokenSet::Parse(content.str(), absl::StrCat(std::string(file_flag), "=", file));
    if (!parsed.ok()) return parsed.status();
    if (parsed->empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          std::string(file_flag), "=", file, " holds no \"ROLE TOKEN\" entry"));
    }
    if (absl::Status merged = tokens.Merge(*parsed); !merged.ok()) return merged;
  }
  if (!text.empty()) {
    absl::StatusOr<TokenSet> parsed = TokenSet::Parse(text, text_flag);
    if (!parsed.ok()) return parsed.status();
    if (parsed->empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(std::string(text_flag), " is set but holds no \"ROLE TOKEN\" entry"));
    }
    if (absl::Status merged = tokens.Merge(*parsed); !merged.ok()) return merged;
  }
  return tokens;
}

AccessPolicy::AccessPolicy(TokenSet tokens, MethodRoles roles, bool protect_open_methods)
    : tokens_(std::move(tokens)),
      roles_(std::move(roles)),
      protect_open_methods_(protect_open_methods) {}

bool AccessPolicy::IsOpenMethod(std::string_view method_name) {
  const absl::string_view method(method_name.data(), method_name.size());
  return absl::StartsWith(method, "/grpc.health.v1.Health/") ||
         absl::StartsWith(method, "/grpc.reflection.v1alpha.ServerReflection/") ||
         absl::StartsWith(method, "/grpc.reflection.v1.ServerReflection/");
}

absl::Status AccessPolicy::Check(std::string_view method,
                                 const std::vector<std::string_view>& authorization) const {
  if (!protect_open_methods_ && IsOpenMethod(method)) return absl::OkStatus();
  if (authorization.empty()) {
    return absl::UnauthenticatedError(
        absl::StrCat("no credentials: ", kWhatToSend));
  }
  if (authorization.size() > 1) {
    return absl::UnauthenticatedError(
        absl::StrCat("several authorization headers: ", kWhatToSend, " once"));
  }
  absl::string_view header(authorization[0].data(), authorization[0].size());
  header = absl::StripAsciiWhitespace(header);
  constexpr absl::string_view kScheme = "bearer ";
  if (header.size() <= kScheme.size() ||
      !absl::EqualsIgnoreCase(header.substr(0, kScheme.size()), kScheme)) {
    return absl::UnauthenticatedError(
        absl::StrCat("the authorization header is not a bearer token: ", kWhatToSend));
  }
  header.remove_prefix(kScheme.size());
  header = absl::StripLeadingAsciiWhitespace(header);
  const std::optional<Role> role = tokens_.Find(std::string_view(header.data(), header.size()));
  if (!role.has_value()) {
    return absl::UnauthenticatedError(absl::StrCat("unknown token: ", kWhatToSend));
  }
  if (IsOpenMethod(method)) return absl::OkStatus();  // Protected: any role.
  const auto required = roles_.find(method);
  if (required == roles_.end()) {
    return absl::PermissionDeniedError(
        absl::StrCat(std::string(method), " is not open to any role"));
  }
  if (static_cast<int>(*role) < static_cast<int>(required->second)) {
    return absl::PermissionDeniedError(absl::StrCat(
        std::string(method), " requires the role ", std::string(RoleName(required->second)),
        " (or higher); this token has the role ", std::string(RoleName(*role))));
  }
  return absl::OkStatus();
}

}  // namespace korpus
