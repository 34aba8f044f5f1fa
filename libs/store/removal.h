// Internal to libs/store: taking a document's annotations back out of the
// derived tables, for Store::Delete and Store::Reannotate, written once for
// both backends. A backend supplies a RemovalTables (its SQL runner on the
// write connection, inside its write transaction); the statements here use
// ?N placeholders, which the PostgreSQL runner turns into $N.
//
// What RemoveAnnotationRows undoes, table by table (entity_rows.h,
// extraction_rows.h and story_rows.h describe the tables):
//   entity_names      document_count and canonical_count of each name the
//                     document gave an entity, rows reaching 0 removed;
//   entities          type, document and mention counts and total salience
//                     decremented, maximum salience recomputed from the
//                     remaining documents, canonical name re-chosen (the
//                     current one kept unless another name is now the
//                     canonical name of more documents); rows reaching 0
//                     documents removed;
//   document_entities, quotes (and their full-text entries), timeline,
//   timeline_entities, annotations: the document's rows removed;
//   term_frequencies  each of its term keys and the document count
//                     decremented, rows reaching 0 removed;
//   stories           the document leaves its story: the remaining members
//                     close up their positions and the story's row (label,
//                     main entities, time span, state) is recomputed from
//                     them in joining order (story_rows.h RebuildStory); a
//                     story left empty is removed.
// The story-state cache (story_rows.cc) matches stored state byte for
// byte, so a rewritten or removed story never serves its old state.
#ifndef KORPUS_LIBS_STORE_REMOVAL_H_
#define KORPUS_LIBS_STORE_REMOVAL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "korpus/v1/query.pb.h"
#include "libs/store/story_rows.h"

namespace korpus::store::internal {

// A bytea/BLOB parameter or value (text is std::string).
struct SqlBlob {
  std::string bytes;
};
using SqlValue = std::variant<std::monostate, int64_t, double, std::string, SqlBlob>;
using SqlRow = std::vector<SqlValue>;

// The integer, real or text/blob in `value` (0 or "" for NULL).
int64_t SqlInt(const SqlValue& value);
double SqlDouble(const SqlValue& value);
std::string_view SqlText(const SqlValue& value);

// A backend's write connection, inside its write transaction.
class RemovalTables {
 public:
  virtual ~RemovalTables() = default;
  // Runs one statement with ?N placeholders bound to `params` in order;
  // returns its rows.
  virtual absl::StatusOr<std::vector<SqlRow>> Query(std::string_view sql,
                                                    const std::vector<SqlValue>& params) = 0;
  // Removes the full-text entries of the quotes of document `seq` (before
  // the quotes rows go); nothing for a backend that keeps them in the row.
  virtual absl::Status RemoveQuoteIndex(int64_t seq) = 0;
  virtual StoryTables& Stories() = 0;
};

// Removes what the annotations of the documents `seqs` added to the
// derived tables (the file comment lists them) and their annotations rows;
// each story they leave is recomputed once, at the end. Nothing for a
// document without annotations. DATA_LOSS if stored annotations (theirs or
// a remaining story member's) do not parse.
absl::Status RemoveAnnotationRows(RemovalTables& tables, const std::vector<int64_t>& seqs);

// The documents a ReannotateDocumentsRequest selects, as a WHERE clause
// over `documents d` with ?N placeholders and its parameters. Validates the
// request as Store::Reannotate documents (the ids' existence is checked by
// the caller: `ids` lists them, distinct).
struct ReannotateSelection {
  std::string where;
  std::vector<SqlValue> params;
  std::vector<std::string> ids;
};
absl::StatusOr<ReannotateSelection> PrepareReannotate(
    const v1::ReannotateDocumentsRequest& request);

// Most ids one ReannotateDocumentsRequest may name.
inline constexpr int kMaxReannotateIds = 1000;

}  // namespace korpus::store::internal

#endif  // KORPUS_LIBS_STORE_REMOVAL_H_
