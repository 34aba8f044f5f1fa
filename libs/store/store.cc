#include "libs/store/store.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "libs/store/sqlite_store.h"

namespace korpus::store {

absl::StatusOr<std::unique_ptr<Store>> OpenStore(std::string_view spec) {
  constexpr std::string_view kSqlite = "sqlite:";
  if (spec.substr(0, kSqlite.size()) == kSqlite) {
    const std::string_view path = spec.substr(kSqlite.size());
    if (path.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("store '", std::string(spec), "' has no path; expected sqlite:PATH"));
    }
    absl::StatusOr<std::unique_ptr<SqliteStore>> store =
        SqliteStore::Open(SqliteOptions{.path = std::string(path)});
    if (!store.ok()) return store.status();
    return std::unique_ptr<Store>(std::move(*store));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unsupported store '", std::string(spec),
                   "'; supported: sqlite:PATH (a database file), sqlite::memory: (in memory)"));
}

}  // namespace korpus::store
