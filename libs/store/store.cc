#include "libs/store/store.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "libs/store/postgres_store.h"
#include "libs/store/sqlite_store.h"

namespace korpus::store {
namespace {

constexpr char kSupported[] =
    "supported: sqlite:PATH (a database file), sqlite::memory: (in memory), "
    "postgresql://USER@HOST:PORT/DATABASE (a libpq URI)";

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> OpenStore(std::string_view spec,
                                                 const OpenStoreOptions& options) {
  constexpr std::string_view kSqlite = "sqlite:";
  if (StartsWith(spec, kSqlite)) {
    const std::string_view path = spec.substr(kSqlite.size());
    if (path.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("store '", std::string(spec), "' has no path; expected sqlite:PATH"));
    }
    absl::StatusOr<std::unique_ptr<SqliteStore>> store =
        SqliteStore::Open(SqliteOptions{.path = std::string(path),
                                        .reader_connections = options.sqlite_reader_connections,
                                        .search_lexicon = options.search_lexicon});
    if (!store.ok()) return store.status();
    return std::unique_ptr<Store>(std::move(*store));
  }
  if (StartsWith(spec, "postgresql://") || StartsWith(spec, "postgres://")) {
    absl::StatusOr<std::unique_ptr<PostgresStore>> store =
        PostgresStore::Open(PostgresOptions{.conninfo = std::string(spec),
                                            .search_lexicon = options.search_lexicon});
    if (!store.ok()) return store.status();
    return std::unique_ptr<Store>(std::move(*store));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unsupported store '", RedactStoreSpec(spec), "'; ", kSupported));
}

std::string RedactStoreSpec(std::string_view spec) {
  std::string redacted(spec);
  // postgresql://user:PASSWORD@host...
  const size_t scheme_end = redacted.find("://");
  if (scheme_end != std::string::npos) {
    const size_t authority = scheme_end + 3;
    const size_t at = redacted.find('@', authority);
    const size_t slash = redacted.find('/', authority);
    if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
      const size_t colon = redacted.find(':', authority);
      if (colon != std::string::npos && colon < at) {
        redacted.replace(colon + 1, at - colon - 1, "***");
      }
    }
  }
  // ...?password=PASSWORD&... or password=PASSWORD in a key=value string.
  for (size_t pos = redacted.find("password="); pos != std::string::npos;
       pos = redacted.find("password=", pos + 1)) {
    const size_t begin = pos + 9;
    size_t end = redacted.find_first_of("& ", begin);
    if (end == std::string::npos) end = redacted.size();
    redacted.replace(begin, end - begin, "***");
  }
  return redacted;
}

}  // namespace korpus::store
