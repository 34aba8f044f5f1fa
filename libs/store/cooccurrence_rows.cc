#include "libs/store/cooccurrence_rows.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "libs/store/paging.h"
#include "libs/store/store.h"

namespace korpus::store::internal {

absl::StatusOr<CooccurrenceListing> PrepareCooccurrenceListing(
    const v1::ListCooccurrencesRequest& request) {
  if (request.entity_id().empty()) {
    return absl::InvalidArgumentError("ListCooccurrencesRequest.entity_id is empty");
  }
  if (!v1::EntityType_IsValid(request.type())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ListCooccurrencesRequest.type has unknown value ", static_cast<int>(request.type())));
  }
  CooccurrenceListing listing;
  listing.entity_id = request.entity_id();
  listing.type = request.type();
  absl::StatusOr<int> page_size =
      EffectivePageSize(request.page_size(), kDefaultCooccurrencePageSize,
                        "ListCooccurrencesRequest.page_size");
  if (!page_size.ok()) return page_size.status();
  listing.page_size = *page_size;
  listing.binding = BindingOf(absl::StrCat("cooccurrences\ntype=", static_cast<int>(listing.type),
                                           "\nid=", listing.entity_id));
  if (!request.page_token().empty()) {
    absl::StatusOr<int64_t> offset = DecodePageToken(request.page_token(), listing.binding,
                                                     "ListCooccurrencesRequest.page_token");
    if (!offset.ok()) return offset.status();
    listing.offset = *offset;
  }
  return listing;
}

absl::StatusOr<int> TopEntitiesLimit(const v1::SearchRequest& request) {
  if (request.top_entities() < 0 || request.top_entities() > kMaxTopEntities) {
    return absl::InvalidArgumentError(absl::StrCat("SearchRequest.top_entities must be between 0 and ",
                                                   kMaxTopEntities, ", not ",
                                                   request.top_entities()));
  }
  return request.top_entities();
}

void AddEntityTypeCount(int64_t type, int64_t count, EntityTypeCounts& counts) {
  const bool known = type > 0 && type < static_cast<int64_t>(counts.size());
  counts[known ? type : 0] += count;
}

void SetEntityTypeCounts(const EntityTypeCounts& counts, v1::CorpusStats& stats) {
  int64_t total = 0;
  for (int64_t count : counts) total += count;
  stats.set_entity_count(total);
  stats.clear_entities_by_type();
  for (int type = v1::ENTITY_TYPE_PERSON; type <= v1::ENTITY_TYPE_OTHER; ++type) {
    v1::EntityTypeCount* entry = stats.add_entities_by_type();
    entry->set_type(static_cast<v1::EntityType>(type));
    entry->set_entity_count(counts[type]);
  }
}

}  // namespace korpus::store::internal
