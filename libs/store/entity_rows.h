// Internal to libs/store: what every backend does with the entities of a
// document on their way in, and with entity requests on their way to SQL,
// so that the backends differ only in SQL.
//
// Both backends keep the same three tables (schema version 2):
//   entities           one row per entity_id: the corpus-wide figures,
//                      updated by every Put that mentions the entity:
//                      canonical_name (the name most documents give it)
//                      with canonical_key (its case-folded form, for
//                      name_prefix) and canonical_count (how many documents
//                      give that name); person_count .. other_count
//                      (documents per type) and `type`, a generated column
//                      picking the most frequent (ties: the lower value; 0
//                      if no document gave a known type); document_count,
//                      mention_count, salience_sum, salience_max.
//   document_entities  one row per (document, entity): document_seq,
//                      entity_id, salience, mention_count; primary key
//                      (document_seq, entity_id), indexed by (entity_id,
//                      document_seq) with salience and mention_count
//                      (covering) for entity filters and GetEntity.
//   entity_names       one row per (entity, name): document_count (documents
//                      naming the entity so, as canonical name or alias)
//                      and canonical_count (documents whose canonical name
//                      it is).
// Documents are never updated or deleted, so counts only grow. That keeps
// the canonical name cheap to maintain: when a name's canonical_count
// exceeds the entity's canonical_count, it becomes the canonical name.
#ifndef KORPUS_LIBS_STORE_ENTITY_ROWS_H_
#define KORPUS_LIBS_STORE_ENTITY_ROWS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <google/protobuf/repeated_ptr_field.h>

#include "absl/status/statusor.h"
#include "korpus/v1/document.pb.h"
#include "korpus/v1/query.pb.h"

namespace korpus::store::internal {

// One entity of one document, ready to be written.
struct EntityRow {
  std::string entity_id;
  std::string canonical_name;
  // FoldName(canonical_name).
  std::string canonical_key;
  v1::EntityType type = v1::ENTITY_TYPE_UNSPECIFIED;
  double salience = 0;
  int64_t mention_count = 0;
  // Distinct names of the entity in the document: canonical_name first,
  // then the aliases in their order.
  std::vector<std::string> names;
};

// The entities of `annotations`, one row per distinct entity_id: entries
// sharing an id are merged (mentions added, highest salience, names
// joined; name and type of the first). An empty canonical name falls back
// to the first alias, else the entity id. INVALID_ARGUMENT naming the entry
// ("Annotations.entities[2].entity_id is empty") for an empty id, an
// unknown type, or a salience that is not finite.
absl::StatusOr<std::vector<EntityRow>> PrepareEntities(const v1::Annotations& annotations);

// `name` in NFKC with Unicode case folding ("NVIDIA" and "Nvidia" ->
// "nvidia", "Österreich" -> "österreich"): what name_prefix is compared on.
std::string FoldName(std::string_view name);

// The entity_ids filter of a ListDocumentsRequest or SearchRequest:
// distinct and sorted. INVALID_ARGUMENT naming `field` (e.g.
// "ListDocumentsRequest.entity_ids") for an empty id or more than
// kMaxEntityFilters distinct ids.
absl::StatusOr<std::vector<std::string>> EntityFilter(
    const google::protobuf::RepeatedPtrField<std::string>& ids, std::string_view field);

// What a page token of a filtered List or Search is bound to besides its
// other parameters; empty without a filter, so that tokens issued before
// entity filters existed stay valid.
std::string EntityFilterBinding(const std::vector<std::string>& ids);

// A validated ListEntitiesRequest.
struct EntityListing {
  // ENTITY_TYPE_UNSPECIFIED: every type.
  v1::EntityType type = v1::ENTITY_TYPE_UNSPECIFIED;
  // The ORDER BY clause over `entities e` (fixed SQL, no request text).
  std::string order_by;
  // FoldName(name_prefix); empty: every name.
  std::string prefix;
  int page_size = 0;
  // Entities to skip: the position in the page token.
  int64_t offset = 0;
  std::string binding;
};
absl::StatusOr<EntityListing> PrepareEntityListing(const v1::ListEntitiesRequest& request);

// A validated GetEntityRequest: its page of documents.
struct EntityLookup {
  int page_size = 0;
  int64_t offset = 0;
  std::string binding;
};
absl::StatusOr<EntityLookup> PrepareEntityLookup(const v1::GetEntityRequest& request);

// The columns ReadEntity reads, from `entities` aliased `e`.
inline constexpr char kEntityColumns[] =
    "e.entity_id, e.canonical_name, e.type, e.document_count, e.mention_count, "
    "e.salience_sum, e.salience_max";

// Reads kEntityColumns from `row` (a backend's row cursor with Int64(col),
// Double(col) and Text(col)) into `entity`.
template <typename Row>
void ReadEntity(const Row& row, v1::Entity& entity) {
  entity.set_entity_id(std::string(row.Text(0)));
  entity.set_canonical_name(std::string(row.Text(1)));
  entity.set_type(static_cast<v1::EntityType>(row.Int64(2)));
  entity.set_document_count(row.Int64(3));
  entity.set_mention_count(row.Int64(4));
  entity.set_total_salience(row.Double(5));
  entity.set_mean_salience(entity.document_count() > 0
                               ? entity.total_salience() / entity.document_count()
                               : 0);
  entity.set_max_salience(row.Double(6));
}

}  // namespace korpus::store::internal

#endif  // KORPUS_LIBS_STORE_ENTITY_ROWS_H_
