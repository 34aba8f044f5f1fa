#include "libs/store/store.h"

#include <string>

#include "absl/status/status.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "libs/store/removal.h"
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

absl::StatusOr<int64_t> Store::Reannotate(const v1::ReannotateDocumentsRequest& request) {
  if (request.query().empty()) return ReannotateSelected(request);
  if (request.all()) {
    return absl::InvalidArgumentError(
        "ReannotateDocumentsRequest.all cannot be combined with ids, state, entity_id or query");
  }
  // The matching ids, as Search finds them now; the other selectors apply
  // to them in the transaction.
  v1::SearchRequest search;
  search.set_query(request.query());
  search.set_view(v1::DOCUMENT_VIEW_BASIC);
  search.set_page_size(internal::kMaxReannotateIds);
  absl::StatusOr<v1::SearchResponse> found = Search(search);
  if (!found.ok()) {
    return absl::Status(found.status().code(),
                        absl::StrCat("ReannotateDocumentsRequest.query: ",
                                     found.status().message()));
  }
  if (found->total_size() > internal::kMaxReannotateIds) {
    return absl::ResourceExhaustedError(
        absl::StrCat("ReannotateDocumentsRequest.query finds ", found->total_size(),
                     " documents, more than the limit of ", internal::kMaxReannotateIds,
                     "; narrow the query, or select by state or with all"));
  }
  absl::flat_hash_set<std::string> wanted(request.ids().begin(), request.ids().end());
  v1::ReannotateDocumentsRequest selected = request;
  selected.clear_query();
  selected.clear_ids();
  for (const v1::SearchHit& hit : found->hits()) {
    if (wanted.empty() || wanted.contains(hit.document().id())) {
      selected.add_ids(hit.document().id());
    }
  }
  if (selected.ids().empty()) return 0;
  return ReannotateSelected(selected);
}

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
