// Who may call what: bearer tokens with roles, and a table of the role each
// RPC requires. Pure C++ (no gRPC); libs/server/credentials.cc applies an
// AccessPolicy to every call a server receives, before any handler runs.
//
// Roles are ordered: reader < writer < admin, and a token of one role may
// call everything a lower role may. A method missing from the table is
// denied to every token, so that a new RPC is closed until someone decides
// who may call it (one line in its table, e.g. CorpusServiceRoles()).
//
// Example:
//   absl::StatusOr<TokenSet> tokens = TokenSet::Parse(text, "--auth_tokens_file");
//   AccessPolicy policy(*std::move(tokens), CorpusServiceRoles());
//   absl::Status allowed = policy.Check("/korpus.v1.CorpusService/Search",
//                                       {"Bearer 3f9a..."});
#ifndef KORPUS_LIBS_SERVER_ACCESS_CONTROL_H_
#define KORPUS_LIBS_SERVER_ACCESS_CONTROL_H_

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace korpus {

enum class Role { kReader = 1, kWriter = 2, kAdmin = 3 };

// "reader", "writer", "admin".
std::string_view RoleName(Role role);
// The inverse of RoleName; INVALID_ARGUMENT naming the known roles.
absl::StatusOr<Role> ParseRole(std::string_view name);

// The role each method requires, by full method name
// ("/korpus.v1.CorpusService/Search").
using MethodRoles = std::map<std::string, Role, std::less<>>;

// The known tokens, kept as SHA-256 digests only.
//
// Text format (a file, or the value of an environment variable): one entry
// "ROLE TOKEN" per line, ROLE one of reader, writer, admin; entries may also
// be separated by commas ("reader AAA..., writer BBB..."); blank lines and
// lines starting with '#' are ignored. A token is at least 16 characters of
// [A-Za-z0-9-._~+/] optionally followed by '=' padding (RFC 6750's
// b64token), e.g. `openssl rand -hex 24`. Each token appears once.
class TokenSet {
 public:
  TokenSet() = default;

  // INVALID_ARGUMENT naming `source` and the line for a malformed entry,
  // an unknown role, a short or ill-formed token or a repeated one. The
  // messages never contain a token.
  static absl::StatusOr<TokenSet> Parse(std::string_view text, std::string_view source);

  // Adds the entries of `other`; INVALID_ARGUMENT if a token is in both.
  absl::Status Merge(const TokenSet& other);

  bool empty() const { return entries_.empty(); }
  size_t size() const { return entries_.size(); }
  // How many tokens have `role`.
  size_t CountWithRole(Role role) const;

  // The role of `token`, or nullopt if it is not known. Compares the
  // token's SHA-256 digest with every known digest in constant time (no
  // early exit, so neither the position of a match nor the length of the
  // token leaks through timing).
  std::optional<Role> Find(std::string_view token) const;

 private:
  using Digest = std::array<uint8_t, 32>;
  struct Entry {
    Digest digest;
    Role role;
    std::string source;  // "FILE line N", for duplicate errors.
  };
  static Digest Sha256(std::string_view data);

  std::vector<Entry> entries_;
};

// Reads tokens from `file` (if non-empty) and from `text` (if non-empty,
// e.g. the environment variable's value), merged. NOT_FOUND naming the file
// if it cannot be read; the errors of TokenSet::Parse; INVALID_ARGUMENT if
// a source was given but holds no entry (an empty Secret must not silently
// leave a server open).
absl::StatusOr<TokenSet> LoadTokens(const std::string& file, std::string_view file_flag,
                                    std::string_view text, std::string_view text_flag);

class AccessPolicy {
 public:
  // `protect_open_methods`: whether health checking and server reflection
  // also need a token (of any role); by default they are open, so that
  // probes and grpcurl's `list` work without one.
  AccessPolicy(TokenSet tokens, MethodRoles roles, bool protect_open_methods = false);

  // Decides a call of `method` (full name) that carried these values of
  // the "authorization" header:
  //   OK                 open method, or a known token whose role suffices;
  //   UNAUTHENTICATED    no header, several, not "Bearer <token>", or an
  //                      unknown token (the message says what to send);
  //   PERMISSION_DENIED  a known token whose role is below the method's
  //                      (the message names the role required), or a
  //                      method missing from the table.
  // Messages never contain the token.
  absl::Status Check(std::string_view method,
                     const std::vector<std::string_view>& authorization) const;

  // Health checking and reflection, open unless protect_open_methods.
  static bool IsOpenMethod(std::string_view method);

  const TokenSet& tokens() const { return tokens_; }
  const MethodRoles& roles() const { return roles_; }

 private:
  TokenSet tokens_;
  MethodRoles roles_;
  bool protect_open_methods_;
};

}  // namespace korpus

#endif  // KORPUS_LIBS_SERVER_ACCESS_CONTROL_H_
