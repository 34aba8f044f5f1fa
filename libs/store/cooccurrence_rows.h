// Request checks shared by both backends for the corpus queries over
// entities: entity co-occurrence (Store::ListCooccurrences) and the top
// entities facet of Search.
#ifndef KORPUS_LIBS_STORE_COOCCURRENCE_ROWS_H_
#define KORPUS_LIBS_STORE_COOCCURRENCE_ROWS_H_

#include <array>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "korpus/v1/document.pb.h"
#include "korpus/v1/query.pb.h"

namespace korpus::store::internal {

// Default page size of ListCooccurrences.
inline constexpr int kDefaultCooccurrencePageSize = 50;

// A validated ListCooccurrencesRequest.
struct CooccurrenceListing {
  std::string entity_id;
  // ENTITY_TYPE_UNSPECIFIED: every type.
  v1::EntityType type = v1::ENTITY_TYPE_UNSPECIFIED;
  int page_size = 0;
  // Companions to skip: the position in the page token.
  int64_t offset = 0;
  std::string binding;
};
// INVALID_ARGUMENT naming the field for an empty entity_id, an unknown
// type, a page_size outside [0, 1000] or a page token that is malformed or
// came from another entity_id or type.
absl::StatusOr<CooccurrenceListing> PrepareCooccurrenceListing(
    const v1::ListCooccurrencesRequest& request);

// SearchRequest.top_entities, checked: 0 (no facet) to kMaxTopEntities,
// else INVALID_ARGUMENT naming the field and the limit.
absl::StatusOr<int> TopEntitiesLimit(const v1::SearchRequest& request);

// Entities per EntityType value (index 0: entities without a type).
using EntityTypeCounts = std::array<int64_t, 5>;
// Adds `count` entities of type `type` (entities.type) to `counts`;
// values outside the enum count as index 0.
void AddEntityTypeCount(int64_t type, int64_t count, EntityTypeCounts& counts);
// CorpusStats.entity_count (every entity) and entities_by_type (PERSON to
// OTHER, in enum order, zeros included) from `counts`.
void SetEntityTypeCounts(const EntityTypeCounts& counts, v1::CorpusStats& stats);

// Reads an EntityCount from `row` (a backend's row cursor with Int64(col)
// and Text(col)): entity_id, canonical_name, type, document_count at
// columns first .. first + 3.
template <typename Row>
void ReadEntityCount(const Row& row, int first, v1::EntityCount& count) {
  count.set_entity_id(std::string(row.Text(first)));
  count.set_canonical_name(std::string(row.Text(first + 1)));
  count.set_type(static_cast<v1::EntityType>(row.Int64(first + 2)));
  count.set_document_count(row.Int64(first + 3));
}

}  // namespace korpus::store::internal

#endif  // KORPUS_LIBS_STORE_COOCCURRENCE_ROWS_H_
