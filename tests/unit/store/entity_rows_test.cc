// The backend-independent part of entity storage: how a document's
// entities become rows, how names are folded for name_prefix, and how
// entity filters and entity requests are validated.
#include "libs/store/entity_rows.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>

#include "libs/store/store.h"

namespace korpus::store::internal {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

v1::DocumentEntity* AddEntity(v1::Annotations& annotations, const std::string& id,
                              const std::string& name, v1::EntityType type, double salience,
                              int mentions) {
  v1::DocumentEntity* entity = annotations.add_entities();
  entity->set_entity_id(id);
  entity->set_canonical_name(name);
  entity->set_type(type);
  entity->set_salience(salience);
  for (int i = 0; i < mentions; ++i) entity->add_mentions()->set_text(name);
  return entity;
}

TEST(PrepareEntitiesTest, OneRowPerEntityWithItsNames) {
  v1::Annotations annotations;
  AddEntity(annotations, "e1", "Siemens", v1::ENTITY_TYPE_ORGANIZATION, 1.0, 3)
      ->add_aliases("Siemens'");
  AddEntity(annotations, "e2", "Köln", v1::ENTITY_TYPE_LOCATION, 0.25, 1);
  absl::StatusOr<std::vector<EntityRow>> rows = PrepareEntities(annotations);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].entity_id, "e1");
  EXPECT_EQ((*rows)[0].canonical_key, "siemens");
  EXPECT_EQ((*rows)[0].mention_count, 3);
  EXPECT_THAT((*rows)[0].names, ElementsAre("Siemens", "Siemens'"));
  EXPECT_EQ((*rows)[1].type, v1::ENTITY_TYPE_LOCATION);
  EXPECT_DOUBLE_EQ((*rows)[1].salience, 0.25);
  EXPECT_THAT((*rows)[1].names, ElementsAre("Köln"));
}

TEST(PrepareEntitiesTest, EntriesWithOneIdAreMerged) {
  v1::Annotations annotations;
  AddEntity(annotations, "e1", "Nordbank", v1::ENTITY_TYPE_ORGANIZATION, 0.2, 2)
      ->add_aliases("NORDBANK");
  AddEntity(annotations, "e1", "Nordbank AG", v1::ENTITY_TYPE_LOCATION, 0.9, 1)
      ->add_aliases("Nordbank");
  absl::StatusOr<std::vector<EntityRow>> rows = PrepareEntities(annotations);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 1u);
  const EntityRow& row = (*rows)[0];
  EXPECT_EQ(row.canonical_name, "Nordbank");
  EXPECT_EQ(row.type, v1::ENTITY_TYPE_ORGANIZATION);
  EXPECT_DOUBLE_EQ(row.salience, 0.9);
  EXPECT_EQ(row.mention_count, 3);
  EXPECT_THAT(row.names, ElementsAre("Nordbank", "NORDBANK", "Nordbank AG"));
}

TEST(PrepareEntitiesTest, EmptyCanonicalNameFallsBack) {
  v1::Annotations annotations;
  AddEntity(annotations, "e1", "", v1::ENTITY_TYPE_PERSON, 1, 1)->add_aliases("Frau Adler");
  AddEntity(annotations, "e2", "", v1::ENTITY_TYPE_PERSON, 1, 1);
  absl::StatusOr<std::vector<EntityRow>> rows = PrepareEntities(annotations);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ((*rows)[0].canonical_name, "Frau Adler");
  EXPECT_EQ((*rows)[1].canonical_name, "e2");
}

TEST(PrepareEntitiesTest, RefusesEntriesItCannotCount) {
  v1::Annotations annotations;
  AddEntity(annotations, "e1", "Gut", v1::ENTITY_TYPE_PERSON, 1, 1);
  AddEntity(annotations, "", "Ohne Id", v1::ENTITY_TYPE_PERSON, 1, 1);
  absl::Status status = PrepareEntities(annotations).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("Annotations.entities[1].entity_id"));

  annotations.mutable_entities(1)->set_entity_id("e2");
  annotations.mutable_entities(1)->set_type(static_cast<v1::EntityType>(5));
  EXPECT_EQ(PrepareEntities(annotations).status().code(), absl::StatusCode::kInvalidArgument);
  annotations.mutable_entities(1)->set_type(v1::ENTITY_TYPE_OTHER);
  annotations.mutable_entities(1)->set_salience(std::numeric_limits<double>::infinity());
  EXPECT_EQ(PrepareEntities(annotations).status().code(), absl::StatusCode::kInvalidArgument);
  annotations.mutable_entities(1)->set_salience(0);
  EXPECT_TRUE(PrepareEntities(annotations).ok());
}

TEST(FoldNameTest, FoldsCaseIncludingUmlautsAndCompatibilityForms) {
  EXPECT_EQ(FoldName("NVIDIA"), "nvidia");
  EXPECT_EQ(FoldName("Nvidia"), "nvidia");
  EXPECT_EQ(FoldName("ÖSTERREICH"), "österreich");
  EXPECT_EQ(FoldName("Österreich"), "österreich");
  EXPECT_EQ(FoldName("Straße"), "strasse");
  // Decomposed input (O + combining diaeresis) folds like the composed form.
  EXPECT_EQ(FoldName("O\xCC\x88sterreich"), "österreich");
  EXPECT_EQ(FoldName(""), "");
}

TEST(EntityFilterTest, DistinctSortedAndLimited) {
  google::protobuf::RepeatedPtrField<std::string> ids;
  *ids.Add() = "e2";
  *ids.Add() = "e1";
  *ids.Add() = "e2";
  absl::StatusOr<std::vector<std::string>> filter = EntityFilter(ids, "X.entity_ids");
  ASSERT_TRUE(filter.ok()) << filter.status();
  EXPECT_THAT(*filter, ElementsAre("e1", "e2"));
  EXPECT_EQ(EntityFilterBinding(*filter), "\nentities=e1,e2");
  EXPECT_EQ(EntityFilterBinding({}), "");

  *ids.Add() = "";
  absl::Status status = EntityFilter(ids, "X.entity_ids").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("X.entity_ids[3] is empty"));

  ids.Clear();
  for (int i = 0; i <= kMaxEntityFilters; ++i) *ids.Add() = absl::StrCat("e", i);
  EXPECT_EQ(EntityFilter(ids, "X.entity_ids").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(PrepareEntityListingTest, DefaultsAndBindings) {
  absl::StatusOr<EntityListing> listing = PrepareEntityListing({});
  ASSERT_TRUE(listing.ok()) << listing.status();
  EXPECT_EQ(listing->page_size, 50);
  EXPECT_EQ(listing->offset, 0);
  EXPECT_THAT(listing->order_by, HasSubstr("document_count"));

  v1::ListEntitiesRequest request;
  request.set_name_prefix("NV");
  absl::StatusOr<EntityListing> upper = PrepareEntityListing(request);
  request.set_name_prefix("nv");
  absl::StatusOr<EntityListing> lower = PrepareEntityListing(request);
  ASSERT_TRUE(upper.ok() && lower.ok());
  EXPECT_EQ(upper->prefix, "nv");
  // Prefixes that fold alike share tokens.
  EXPECT_EQ(upper->binding, lower->binding);
  request.set_order_by(v1::ENTITY_ORDER_MENTION_COUNT);
  EXPECT_NE(PrepareEntityListing(request)->binding, lower->binding);
}

TEST(PrepareEntityLookupTest, NeedsAnId) {
  v1::GetEntityRequest request;
  EXPECT_EQ(PrepareEntityLookup(request).status().code(), absl::StatusCode::kInvalidArgument);
  request.set_entity_id("e1");
  absl::StatusOr<EntityLookup> lookup = PrepareEntityLookup(request);
  ASSERT_TRUE(lookup.ok()) << lookup.status();
  EXPECT_EQ(lookup->page_size, 20);
}

}  // namespace
}  // namespace korpus::store::internal
