#include "libs/store/entity_rows.h"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cmath>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/store/paging.h"
#include "libs/store/store.h"

namespace korpus::store::internal {
namespace {

void AddName(std::vector<std::string>& names, const std::string& name) {
  if (name.empty() || std::find(names.begin(), names.end(), name) != names.end()) return;
  names.push_back(name);
}

}  // namespace

absl::StatusOr<std::vector<EntityRow>> PrepareEntities(const v1::Annotations& annotations) {
  std::vector<EntityRow> rows;
  absl::flat_hash_map<std::string, size_t> index_of;
  for (int i = 0; i < annotations.entities_size(); ++i) {
    const v1::DocumentEntity& entity = annotations.entities(i);
    if (entity.entity_id().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("Annotations.entities[", i, "].entity_id is empty"));
    }
    if (!v1::EntityType_IsValid(entity.type())) {
      return absl::InvalidArgumentError(absl::StrCat("Annotations.entities[", i,
                                                     "].type has unknown value ",
                                                     static_cast<int>(entity.type())));
    }
    if (!std::isfinite(entity.salience())) {
      return absl::InvalidArgumentError(
          absl::StrCat("Annotations.entities[", i, "].salience is not a finite number"));
    }
    auto [it, inserted] = index_of.emplace(entity.entity_id(), rows.size());
    if (inserted) {
      EntityRow& row = rows.emplace_back();
      row.entity_id = entity.entity_id();
      row.canonical_name = entity.canonical_name();
      if (row.canonical_name.empty()) {
        row.canonical_name = entity.aliases_size() > 0 && !entity.aliases(0).empty()
                                 ? entity.aliases(0)
                                 : entity.entity_id();
      }
      row.canonical_key = FoldName(row.canonical_name);
      row.type = entity.type();
      row.salience = entity.salience();
      row.names.push_back(row.canonical_name);
    }
    EntityRow& row = rows[it->second];
    row.salience = std::max(row.salience, entity.salience());
    row.mention_count += entity.mentions_size();
    AddName(row.names, entity.canonical_name());
    for (const std::string& alias : entity.aliases()) AddName(row.names, alias);
  }
  return rows;
}

std::string FoldName(std::string_view name) {
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(
      icu::StringPiece(name.data(), static_cast<int32_t>(name.size())));
  UErrorCode error = U_ZERO_ERROR;
  const icu::Normalizer2* fold = icu::Normalizer2::getNFKCCasefoldInstance(error);
  icu::UnicodeString folded;
  if (U_SUCCESS(error)) folded = fold->normalize(text, error);
  // ICU's data is built in, so this cannot fail in practice; a plain case
  // fold would still match names in all their letter cases.
  if (U_FAILURE(error)) folded = text.foldCase();
  std::string result;
  folded.toUTF8String(result);
  return result;
}

absl::StatusOr<std::vector<std::string>> EntityFilter(
    const google::protobuf::RepeatedPtrField<std::string>& ids, std::string_view field) {
  std::vector<std::string> distinct;
  for (int i = 0; i < ids.size(); ++i) {
    if (ids.Get(i).empty()) {
      return absl::InvalidArgumentError(absl::StrCat(std::string(field), "[", i, "] is empty"));
    }
    distinct.push_back(ids.Get(i));
  }
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  if (distinct.size() > static_cast<size_t>(kMaxEntityFilters)) {
    return absl::InvalidArgumentError(absl::StrCat(std::string(field), " has ", distinct.size(),
                                                   " distinct ids, more than the limit of ",
                                                   kMaxEntityFilters));
  }
  return distinct;
}

std::string EntityFilterBinding(const std::vector<std::string>& ids) {
  if (ids.empty()) return "";
  return absl::StrCat("\nentities=", absl::StrJoin(ids, ","));
}

absl::StatusOr<EntityListing> PrepareEntityListing(const v1::ListEntitiesRequest& request) {
  EntityListing listing;
  absl::StatusOr<int> page_size = EffectivePageSize(
      request.page_size(), kDefaultEntityPageSize, "ListEntitiesRequest.page_size");
  if (!page_size.ok()) return page_size.status();
  listing.page_size = *page_size;
  if (!v1::EntityType_IsValid(request.type())) {
    return absl::InvalidArgumentError(absl::StrCat("ListEntitiesRequest.type has unknown value ",
                                                   static_cast<int>(request.type())));
  }
  listing.type = request.type();
  switch (request.order_by()) {
    case v1::ENTITY_ORDER_UNSPECIFIED:
    case v1::ENTITY_ORDER_DOCUMENT_COUNT:
      listing.order_by = "e.document_count DESC, e.entity_id";
      break;
    case v1::ENTITY_ORDER_SALIENCE:
      listing.order_by = "e.salience_sum DESC, e.entity_id";
      break;
    case v1::ENTITY_ORDER_MENTION_COUNT:
      listing.order_by = "e.mention_count DESC, e.entity_id";
      break;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("ListEntitiesRequest.order_by has unknown value ",
                       static_cast<int>(request.order_by())));
  }
  listing.prefix = FoldName(request.name_prefix());
  listing.binding = BindingOf(absl::StrCat("entities\ntype=", static_cast<int>(listing.type),
                                           "\norder=", listing.order_by,
                                           "\nprefix=", listing.prefix));
  if (!request.page_token().empty()) {
    absl::StatusOr<int64_t> offset = DecodePageToken(request.page_token(), listing.binding,
                                                     "ListEntitiesRequest.page_token");
    if (!offset.ok()) return offset.status();
    listing.offset = *offset;
  }
  return listing;
}

absl::StatusOr<EntityLookup> PrepareEntityLookup(const v1::GetEntityRequest& request) {
  if (request.entity_id().empty()) {
    return absl::InvalidArgumentError("GetEntityRequest.entity_id is empty");
  }
  EntityLookup lookup;
  absl::StatusOr<int> page_size = EffectivePageSize(
      request.page_size(), kDefaultEntityDocumentPageSize, "GetEntityRequest.page_size");
  if (!page_size.ok()) return page_size.status();
  lookup.page_size = *page_size;
  lookup.binding = BindingOf(absl::StrCat("entity\nid=", request.entity_id()));
  if (!request.page_token().empty()) {
    absl::StatusOr<int64_t> offset =
        DecodePageToken(request.page_token(), lookup.binding, "GetEntityRequest.page_token");
    if (!offset.ok()) return offset.status();
    lookup.offset = *offset;
  }
  return lookup;
}

}  // namespace korpus::store::internal
