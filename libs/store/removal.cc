#include "libs/store/removal.h"

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "libs/server/status_macros.h"
#include "libs/store/document_row.h"
#include "libs/store/entity_rows.h"
#include "libs/store/extraction_rows.h"

namespace korpus::store::internal {

int64_t SqlInt(const SqlValue& value) {
  if (const auto* i = std::get_if<int64_t>(&value)) return *i;
  if (const auto* d = std::get_if<double>(&value)) return static_cast<int64_t>(*d);
  return 0;
}

double SqlDouble(const SqlValue& value) {
  if (const auto* d = std::get_if<double>(&value)) return *d;
  if (const auto* i = std::get_if<int64_t>(&value)) return static_cast<double>(*i);
  return 0;
}

std::string_view SqlText(const SqlValue& value) {
  if (const auto* s = std::get_if<std::string>(&value)) return *s;
  if (const auto* b = std::get_if<SqlBlob>(&value)) return b->bytes;
  return {};
}

namespace {

int64_t TimeMicros(const SqlRow& row, size_t seconds, size_t nanos, size_t ingested) {
  if (std::holds_alternative<std::monostate>(row[seconds])) return SqlInt(row[ingested]);
  return SqlInt(row[seconds]) * 1000000 + SqlInt(row[nanos]) / 1000;
}

absl::Status RemoveEntities(RemovalTables& tables, int64_t seq,
                            const v1::Annotations& annotations) {
  absl::StatusOr<std::vector<EntityRow>> rows = PrepareEntities(annotations);
  // Annotations whose entities Put refuses wrote none (migration 2's
  // backfill skips them too).
  if (!rows.ok()) return absl::OkStatus();
  for (const EntityRow& row : *rows) {
    const std::string& id = row.entity_id;
    // Only what this document wrote: its document_entities row says so.
    KORPUS_ASSIGN_OR_RETURN(
        std::vector<SqlRow> linked,
        tables.Query("DELETE FROM document_entities WHERE document_seq = ?1 AND entity_id = ?2 "
                     "RETURNING mention_count, salience",
                     {seq, id}));
    if (linked.empty()) continue;
    const int64_t mentions = SqlInt(linked[0][0]);
    const double salience = SqlDouble(linked[0][1]);
    for (const std::string& name : row.names) {
      const bool canonical = &name == &row.names.front();
      KORPUS_RETURN_IF_ERROR(
          tables
              .Query("UPDATE entity_names SET document_count = document_count - 1, "
                     "canonical_count = canonical_count - ?3 WHERE entity_id = ?1 AND name = ?2",
                     {id, name, int64_t{canonical ? 1 : 0}})
              .status());
    }
    KORPUS_RETURN_IF_ERROR(
        tables
            .Query("DELETE FROM entity_names WHERE entity_id = ?1 AND document_count <= 0", {id})
            .status());
    KORPUS_RETURN_IF_ERROR(
        tables
            .Query("UPDATE entities SET person_count = person_count - ?2, "
                   "organization_count = organization_count - ?3, "
                   "location_count = location_count - ?4, other_count = other_count - ?5, "
                   "document_count = document_count - 1, mention_count = mention_count - ?6, "
                   "salience_sum = salience_sum - ?7, salience_max = COALESCE("
                   "(SELECT max(salience) FROM document_entities WHERE entity_id = ?1), 0) "
                   "WHERE entity_id = ?1",
                   {id, int64_t{row.type == v1::ENTITY_TYPE_PERSON ? 1 : 0},
                    int64_t{row.type == v1::ENTITY_TYPE_ORGANIZATION ? 1 : 0},
                    int64_t{row.type == v1::ENTITY_TYPE_LOCATION ? 1 : 0},
                    int64_t{row.type == v1::ENTITY_TYPE_OTHER ? 1 : 0}, mentions, salience})
            .status());
    KORPUS_ASSIGN_OR_RETURN(
        std::vector<SqlRow> gone,
        tables.Query("DELETE FROM entities WHERE entity_id = ?1 AND document_count <= 0 "
                     "RETURNING entity_id",
                     {id}));
    if (!gone.empty()) continue;
    // The canonical name: kept unless another name is now the canonical
    // name of more documents (or it is no longer given at all).
    KORPUS_ASSIGN_OR_RETURN(
        std::vector<SqlRow> current,
        tables.Query("SELECT e.canonical_name, n.canonical_count FROM entities e "
                     "LEFT JOIN entity_names n ON n.entity_id = e.entity_id "
                     "AND n.name = e.canonical_name WHERE e.entity_id = ?1",
                     {id}));
    KORPUS_ASSIGN_OR_RETURN(
        std::vector<SqlRow> best,
        tables.Query("SELECT name, canonical_count FROM entity_names WHERE entity_id = ?1 "
                     "ORDER BY canonical_count DESC, name LIMIT 1",
                     {id}));
    if (current.empty()) continue;
    const bool current_named = !std::holds_alternative<std::monostate>(current[0][1]);
    const int64_t current_count = SqlInt(current[0][1]);
    if (!best.empty() && (!current_named || SqlInt(best[0][1]) > current_count)) {
      const std::string name(SqlText(best[0][0]));
      KORPUS_RETURN_IF_ERROR(
          tables
              .Query("UPDATE entities SET canonical_name = ?2, canonical_key = ?3, "
                     "canonical_count = ?4 WHERE entity_id = ?1",
                     {id, name, FoldName(name), SqlInt(best[0][1])})
              .status());
    } else {
      KORPUS_RETURN_IF_ERROR(
          tables
              .Query("UPDATE entities SET canonical_count = ?2 WHERE entity_id = ?1",
                     {id, current_count})
              .status());
    }
  }
  return absl::OkStatus();
}

absl::Status RemoveTerms(RemovalTables& tables, const v1::Annotations& annotations) {
  std::vector<std::string> keys;
  for (const v1::Term& term : annotations.terms()) {
    if (term.key().empty() || term.count() <= 0) continue;
    keys.push_back(term.key());
  }
  // Put counts nothing, not even the document, without terms.
  if (keys.empty()) return absl::OkStatus();
  keys.push_back(std::string(kDocumentCountKey));
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  // Chunks of keys (sizes 128, 64, ..., 1, so that a backend caching
  // prepared statements keeps at most eight of each), one UPDATE and one
  // DELETE (of the rows reaching 0) each; the DELETE looks at the chunk's
  // rows only, never the whole table.
  for (size_t first = 0, chunk = 128; first < keys.size(); first += chunk) {
    while (chunk > keys.size() - first) chunk /= 2;
    std::vector<SqlValue> params;
    std::string in;
    for (size_t k = first; k < first + chunk; ++k) {
      params.push_back(keys[k]);
      absl::StrAppend(&in, in.empty() ? "?" : ", ?", params.size());
    }
    KORPUS_RETURN_IF_ERROR(
        tables
            .Query(absl::StrCat("UPDATE term_frequencies SET document_count = document_count - 1 "
                                "WHERE term IN (", in, ")"),
                   params)
            .status());
    KORPUS_RETURN_IF_ERROR(
        tables
            .Query(absl::StrCat("DELETE FROM term_frequencies WHERE term IN (", in,
                                ") AND document_count <= 0"),
                   params)
            .status());
  }
  return absl::OkStatus();
}

// Closes the gaps the removed members left in the positions of story
// `story_seq` (the next member joins at position document_count) and
// recomputes the story from its remaining members, or removes it when none
// is left.
absl::Status RepairStory(RemovalTables& tables, int64_t story_seq) {
  KORPUS_ASSIGN_OR_RETURN(std::vector<SqlRow> story,
                          tables.Query("SELECT story_id FROM stories WHERE seq = ?1",
                                       {story_seq}));
  if (story.empty()) return absl::OkStatus();
  KORPUS_ASSIGN_OR_RETURN(
      std::vector<SqlRow> positions,
      tables.Query("SELECT position FROM story_documents WHERE story_seq = ?1 ORDER BY position",
                   {story_seq}));
  if (positions.empty()) {
    return tables.Query("DELETE FROM stories WHERE seq = ?1", {story_seq}).status();
  }
  // In ascending order each row moves down to a position no other row
  // holds any more.
  for (size_t i = 0; i < positions.size(); ++i) {
    const int64_t position = SqlInt(positions[i][0]);
    if (position == static_cast<int64_t>(i)) continue;
    KORPUS_RETURN_IF_ERROR(
        tables
            .Query("UPDATE story_documents SET position = ?3 WHERE story_seq = ?1 "
                   "AND position = ?2",
                   {story_seq, position, static_cast<int64_t>(i)})
            .status());
  }
  KORPUS_ASSIGN_OR_RETURN(
      std::vector<SqlRow> members,
      tables.Query("SELECT d.id, a.data, d.published_at_seconds, d.published_at_nanos, "
                   "d.ingested_at_micros FROM story_documents sd "
                   "JOIN documents d ON d.seq = sd.document_seq "
                   "JOIN annotations a ON a.document_seq = sd.document_seq "
                   "WHERE sd.story_seq = ?1 ORDER BY sd.position",
                   {story_seq}));
  if (members.empty()) return absl::OkStatus();
  std::vector<StoryMember> rebuilt;
  rebuilt.reserve(members.size());
  for (const SqlRow& member : members) {
    StoryMember& m = rebuilt.emplace_back();
    m.document_id = std::string(SqlText(member[0]));
    if (!MergeBlob(SqlText(member[1]), m.annotations)) {
      return absl::DataLossError(
          absl::StrCat("stored annotations of document '", m.document_id, "' do not parse"));
    }
    m.time_micros = TimeMicros(member, 2, 3, 4);
  }
  return RebuildStory(tables.Stories(), story_seq, std::string(SqlText(story[0][0])), rebuilt);
}

// Everything but the story of RemoveAnnotationRows for one document; adds
// the story it left to `stories`.
absl::Status RemoveOne(RemovalTables& tables, int64_t seq, std::set<int64_t>& stories) {
  KORPUS_ASSIGN_OR_RETURN(
      std::vector<SqlRow> stored,
      tables.Query("SELECT data FROM annotations WHERE document_seq = ?1", {seq}));
  if (stored.empty()) return absl::OkStatus();
  v1::Annotations annotations;
  if (!MergeBlob(SqlText(stored[0][0]), annotations)) {
    return absl::DataLossError(
        absl::StrCat("stored annotations of document seq ", seq, " do not parse"));
  }
  KORPUS_RETURN_IF_ERROR(RemoveEntities(tables, seq, annotations));
  // Whatever is left (an entity the annotations no longer parse into).
  KORPUS_RETURN_IF_ERROR(
      tables.Query("DELETE FROM document_entities WHERE document_seq = ?1", {seq}).status());
  KORPUS_RETURN_IF_ERROR(tables.RemoveQuoteIndex(seq));
  KORPUS_RETURN_IF_ERROR(
      tables.Query("DELETE FROM quotes WHERE document_seq = ?1", {seq}).status());
  KORPUS_RETURN_IF_ERROR(
      tables.Query("DELETE FROM timeline_entities WHERE document_seq = ?1", {seq}).status());
  KORPUS_RETURN_IF_ERROR(
      tables.Query("DELETE FROM timeline WHERE document_seq = ?1", {seq}).status());
  KORPUS_RETURN_IF_ERROR(
      tables.Query("DELETE FROM annotations WHERE document_seq = ?1", {seq}).status());
  KORPUS_RETURN_IF_ERROR(RemoveTerms(tables, annotations));
  KORPUS_ASSIGN_OR_RETURN(
      std::vector<SqlRow> membership,
      tables.Query("DELETE FROM story_documents WHERE document_seq = ?1 RETURNING story_seq",
                   {seq}));
  for (const SqlRow& row : membership) stories.insert(SqlInt(row[0]));
  return absl::OkStatus();
}

}  // namespace

absl::Status RemoveAnnotationRows(RemovalTables& tables, const std::vector<int64_t>& seqs) {
  // Stories are repaired once each, after every document has left them and
  // uncounted its terms: re-annotating a whole story (or corpus) then costs
  // one rebuild per story, not one per member.
  std::set<int64_t> stories;
  for (const int64_t seq : seqs) KORPUS_RETURN_IF_ERROR(RemoveOne(tables, seq, stories));
  for (const int64_t story_seq : stories) KORPUS_RETURN_IF_ERROR(RepairStory(tables, story_seq));
  return absl::OkStatus();
}

absl::StatusOr<ReannotateSelection> PrepareReannotate(
    const v1::ReannotateDocumentsRequest& request) {
  ReannotateSelection selection;
  const bool selective = !request.ids().empty() ||
                         request.state() != v1::DOCUMENT_STATE_UNSPECIFIED ||
                         !request.entity_id().empty();
  if (request.all() && selective) {
    return absl::InvalidArgumentError(
        "ReannotateDocumentsRequest.all cannot be combined with ids, state or entity_id");
  }
  if (!request.all() && !selective) {
    return absl::InvalidArgumentError(
        "ReannotateDocumentsRequest selects nothing: set all, ids, state, entity_id or query");
  }
  if (request.ids_size() > kMaxReannotateIds) {
    return absl::InvalidArgumentError(
        absl::StrCat("ReannotateDocumentsRequest.ids has ", request.ids_size(),
                     " ids, more than the limit of ", kMaxReannotateIds));
  }
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < request.ids_size(); ++i) {
    if (request.ids(i).empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("ReannotateDocumentsRequest.ids[", i, "] is empty"));
    }
    if (seen.insert(request.ids(i)).second) selection.ids.push_back(request.ids(i));
  }
  if (!v1::DocumentState_IsValid(request.state())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ReannotateDocumentsRequest.state has the unknown value ", request.state()));
  }
  std::vector<std::string> conditions;
  if (request.state() != v1::DOCUMENT_STATE_UNSPECIFIED) {
    selection.params.push_back(int64_t{request.state()});
    conditions.push_back(absl::StrCat("d.state = ?", selection.params.size()));
  }
  if (!request.entity_id().empty()) {
    selection.params.push_back(request.entity_id());
    conditions.push_back(
        absl::StrCat("d.seq IN (SELECT document_seq FROM document_entities WHERE entity_id = ?",
                     selection.params.size(), ")"));
  }
  if (!selection.ids.empty()) {
    std::string list;
    for (const std::string& id : selection.ids) {
      selection.params.push_back(id);
      absl::StrAppend(&list, list.empty() ? "?" : ", ?", selection.params.size());
    }
    conditions.push_back(absl::StrCat("d.id IN (", list, ")"));
  }
  selection.where = conditions.empty() ? "TRUE" : "";
  for (const std::string& condition : conditions) {
    absl::StrAppend(&selection.where, selection.where.empty() ? "" : " AND ", condition);
  }
  return selection;
}

}  // namespace korpus::store::internal
