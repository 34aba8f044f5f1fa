// The corpus-query part of the Store contract, run against every backend
// like store_contract_test.cc: the entity type filter of List and Search,
// Search's top entities facet, entity co-occurrence (ListCooccurrences) and
// the entity and ingest-rate figures of Stats. (The story filter is tested
// with the stories, in story_contract_test.cc.) The articles and entities
// are made up here.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "libs/store/store.h"
#include "tests/unit/store/store_backends.h"

namespace korpus::store {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kBahn[] = "e-bahn";
constexpr char kHafen[] = "e-hafen";
constexpr char kHamburg[] = "e-hamburg";
constexpr char kVogt[] = "e-vogt";

struct EntitySpec {
  std::string id;
  std::string name;
  v1::EntityType type;
};

const EntitySpec kBahnOrg = {kBahn, "Deutsche Bahn", v1::ENTITY_TYPE_ORGANIZATION};
const EntitySpec kHafenOrg = {kHafen, "Hafen Hamburg", v1::ENTITY_TYPE_ORGANIZATION};
const EntitySpec kHamburgLoc = {kHamburg, "Hamburg", v1::ENTITY_TYPE_LOCATION};
const EntitySpec kVogtPer = {kVogt, "Anna Vogt", v1::ENTITY_TYPE_PERSON};

// An annotated document naming `entities` once each.
v1::Document MakeDocument(const std::string& id, const std::string& title,
                          const std::string& body, const std::vector<EntitySpec>& entities) {
  v1::Document document;
  document.set_id(id);
  document.set_title(title);
  document.set_text(absl::StrCat(title, "\n\n", body));
  document.set_language("de");
  v1::Annotations* annotations = document.mutable_annotations();
  annotations->set_model_name("korpus-de");
  annotations->set_model_version("test");
  for (const EntitySpec& spec : entities) {
    v1::DocumentEntity* entity = annotations->add_entities();
    entity->set_entity_id(spec.id);
    entity->set_canonical_name(spec.name);
    entity->set_type(spec.type);
    entity->set_salience(0.5);
    v1::EntityMention* mention = entity->add_mentions();
    mention->set_begin(0);
    mention->set_end(1);
    mention->set_text(spec.name);
    mention->set_form(v1::MENTION_FORM_NAME);
  }
  return document;
}

class CorpusQueryContractTest : public ::testing::TestWithParam<BackendFactory> {
 protected:
  void SetUp() override {
    backend_ = GetParam().make();
    const absl::Status prepared = backend_->Prepare();
    ASSERT_TRUE(prepared.ok()) << prepared;
    absl::StatusOr<std::unique_ptr<Store>> store = OpenStore(backend_->Spec());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }
  void TearDown() override {
    store_.reset();
    if (backend_ != nullptr) backend_->CleanUp();
  }

  void Put(const v1::Document& document) {
    absl::StatusOr<PutResult> result = store_->Put(document);
    ASSERT_TRUE(result.ok()) << result.status();
    ASSERT_TRUE(result->created);
  }

  // A strike at the railway in Hamburg (three articles), the port of
  // Hamburg, and the weather without entities.
  void PutStrikeCorpus() {
    Put(MakeDocument("d1", "Bahn streicht Züge in Hamburg",
                     "Die Bahn streicht Züge. Anna Vogt von der Gewerkschaft rechtfertigt den "
                     "Streik.",
                     {kBahnOrg, kHamburgLoc, kVogtPer}));
    Put(MakeDocument("d2", "Streik legt Hamburg lahm",
                     "Der Streik trifft Pendler in Hamburg hart. Die Bahn rechnet mit Ausfällen.",
                     {kHamburgLoc, kBahnOrg}));
    Put(MakeDocument("d3", "Vogt kündigt Streik an",
                     "Anna Vogt kündigt einen weiteren Streik bei der Bahn an.",
                     {kVogtPer, kBahnOrg}));
    Put(MakeDocument("d4", "Hafen meldet Rekord",
                     "Der Hafen in Hamburg meldet einen Rekord beim Umschlag.",
                     {kHamburgLoc, kHafenOrg}));
    Put(MakeDocument("d5", "Wetter bleibt mild", "Das Wetter bleibt bis zum Wochenende mild.",
                     {}));
  }

  std::vector<std::string> ListIds(const v1::ListDocumentsRequest& request) {
    absl::StatusOr<v1::ListDocumentsResponse> response = store_->List(request);
    EXPECT_TRUE(response.ok()) << response.status();
    std::vector<std::string> ids;
    if (!response.ok()) return ids;
    for (const v1::Document& document : response->documents()) ids.push_back(document.id());
    return ids;
  }

  std::vector<std::string> SearchIds(const v1::SearchRequest& request) {
    absl::StatusOr<v1::SearchResponse> response = store_->Search(request);
    EXPECT_TRUE(response.ok()) << response.status();
    std::vector<std::string> ids;
    if (!response.ok()) return ids;
    for (const v1::SearchHit& hit : response->hits()) ids.push_back(hit.document().id());
    return ids;
  }

  std::unique_ptr<StoreBackend> backend_;
  std::unique_ptr<Store> store_;
};

// "id:count" for each entry, for compact comparisons.
template <typename Entries>
std::vector<std::string> Counts(const Entries& entries) {
  std::vector<std::string> counts;
  for (const v1::EntityCount& entry : entries) {
    counts.push_back(absl::StrCat(entry.entity_id(), ":", entry.document_count()));
  }
  return counts;
}

TEST_P(CorpusQueryContractTest, ListFiltersByEntityType) {
  PutStrikeCorpus();
  v1::ListDocumentsRequest request;
  request.add_entity_types(v1::ENTITY_TYPE_PERSON);
  EXPECT_THAT(ListIds(request), ElementsAre("d1", "d3"));
  request.clear_entity_types();
  request.add_entity_types(v1::ENTITY_TYPE_LOCATION);
  EXPECT_THAT(ListIds(request), ElementsAre("d1", "d2", "d4"));
  // Any of the types (OR); repeated types count once.
  request.add_entity_types(v1::ENTITY_TYPE_ORGANIZATION);
  request.add_entity_types(v1::ENTITY_TYPE_LOCATION);
  EXPECT_THAT(ListIds(request), ElementsAre("d1", "d2", "d3", "d4"));
  request.clear_entity_types();
  request.add_entity_types(v1::ENTITY_TYPE_OTHER);
  EXPECT_THAT(ListIds(request), IsEmpty());

  // With the other filters (AND).
  v1::ListDocumentsRequest combined;
  combined.add_entity_types(v1::ENTITY_TYPE_LOCATION);
  combined.add_entity_ids(kBahn);
  EXPECT_THAT(ListIds(combined), ElementsAre("d1", "d2"));

  // Pages, bound to the filter.
  v1::ListDocumentsRequest paged;
  paged.add_entity_types(v1::ENTITY_TYPE_LOCATION);
  paged.set_page_size(2);
  absl::StatusOr<v1::ListDocumentsResponse> page = store_->List(paged);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->documents_size(), 2);
  ASSERT_FALSE(page->next_page_token().empty());
  paged.set_page_token(page->next_page_token());
  EXPECT_THAT(ListIds(paged), ElementsAre("d4"));
  paged.clear_entity_types();
  paged.add_entity_types(v1::ENTITY_TYPE_PERSON);
  EXPECT_EQ(store_->List(paged).status().code(), absl::StatusCode::kInvalidArgument);

  v1::ListDocumentsRequest bad;
  bad.add_entity_types(v1::ENTITY_TYPE_UNSPECIFIED);
  EXPECT_EQ(store_->List(bad).status().code(), absl::StatusCode::kInvalidArgument);
  bad.set_entity_types(0, static_cast<v1::EntityType>(9));
  EXPECT_EQ(store_->List(bad).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(CorpusQueryContractTest, SearchFiltersByEntityType) {
  PutStrikeCorpus();
  v1::SearchRequest request;
  request.set_query("Streik");
  absl::StatusOr<v1::SearchResponse> all = store_->Search(request);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->total_size(), 3);

  request.add_entity_types(v1::ENTITY_TYPE_PERSON);
  absl::StatusOr<v1::SearchResponse> people = store_->Search(request);
  ASSERT_TRUE(people.ok()) << people.status();
  EXPECT_EQ(people->total_size(), 2);
  std::vector<std::string> ids = SearchIds(request);
  std::sort(ids.begin(), ids.end());
  EXPECT_THAT(ids, ElementsAre("d1", "d3"));

  // With the date filter as well (which undated documents fail).
  v1::SearchRequest dated = request;
  dated.mutable_published_after()->set_seconds(0);
  absl::StatusOr<v1::SearchResponse> none = store_->Search(dated);
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ(none->total_size(), 0);

  // The page token is bound to the types.
  request.set_page_size(1);
  absl::StatusOr<v1::SearchResponse> page = store_->Search(request);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_FALSE(page->next_page_token().empty());
  request.set_page_token(page->next_page_token());
  absl::StatusOr<v1::SearchResponse> second = store_->Search(request);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->hits_size(), 1);
  EXPECT_TRUE(second->next_page_token().empty());
  request.add_entity_types(v1::ENTITY_TYPE_LOCATION);
  EXPECT_EQ(store_->Search(request).status().code(), absl::StatusCode::kInvalidArgument);

  v1::SearchRequest bad;
  bad.set_query("Streik");
  bad.add_entity_types(v1::ENTITY_TYPE_UNSPECIFIED);
  EXPECT_EQ(store_->Search(bad).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(CorpusQueryContractTest, SearchCountsTopEntitiesOfAllMatches) {
  PutStrikeCorpus();
  v1::SearchRequest request;
  request.set_query("Streik");
  request.set_page_size(1);
  request.set_top_entities(10);
  absl::StatusOr<v1::SearchResponse> response = store_->Search(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->hits_size(), 1);
  // All three matches counted; ties by entity id; the port is not matched.
  EXPECT_THAT(Counts(response->top_entities()),
              ElementsAre("e-bahn:3", "e-hamburg:2", "e-vogt:2"));
  ASSERT_EQ(response->top_entities_size(), 3);
  EXPECT_EQ(response->top_entities(0).canonical_name(), "Deutsche Bahn");
  EXPECT_EQ(response->top_entities(0).type(), v1::ENTITY_TYPE_ORGANIZATION);
  EXPECT_EQ(response->top_entities(2).canonical_name(), "Anna Vogt");
  EXPECT_EQ(response->top_entities(2).type(), v1::ENTITY_TYPE_PERSON);

  // At most top_entities, over the filtered matches.
  request.set_top_entities(2);
  response = store_->Search(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_THAT(Counts(response->top_entities()), ElementsAre("e-bahn:3", "e-hamburg:2"));
  request.add_entity_ids(kVogt);
  response = store_->Search(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_THAT(Counts(response->top_entities()), ElementsAre("e-bahn:2", "e-vogt:2"));
  request.clear_entity_ids();
  request.add_entity_types(v1::ENTITY_TYPE_LOCATION);
  response = store_->Search(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_THAT(Counts(response->top_entities()), ElementsAre("e-bahn:2", "e-hamburg:2"));

  // Not asked for, or nothing matches: none.
  v1::SearchRequest plain;
  plain.set_query("Streik");
  EXPECT_THAT(store_->Search(plain)->top_entities(), IsEmpty());
  plain.set_query("Wetter");
  plain.set_top_entities(5);
  response = store_->Search(plain);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->total_size(), 1);
  EXPECT_THAT(response->top_entities(), IsEmpty());

  plain.set_top_entities(kMaxTopEntities + 1);
  EXPECT_EQ(store_->Search(plain).status().code(), absl::StatusCode::kInvalidArgument);
  plain.set_top_entities(-1);
  EXPECT_EQ(store_->Search(plain).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(CorpusQueryContractTest, ListCooccurrencesCountsSharedDocuments) {
  PutStrikeCorpus();
  v1::ListCooccurrencesRequest request;
  request.set_entity_id(kHamburg);
  absl::StatusOr<v1::ListCooccurrencesResponse> response = store_->ListCooccurrences(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->entity().entity_id(), kHamburg);
  EXPECT_EQ(response->entity().canonical_name(), "Hamburg");
  EXPECT_EQ(response->entity().type(), v1::ENTITY_TYPE_LOCATION);
  EXPECT_EQ(response->entity().document_count(), 3);
  EXPECT_EQ(response->total_size(), 3);
  ASSERT_EQ(response->cooccurrences_size(), 3);
  std::vector<std::string> counts;
  for (const v1::Cooccurrence& c : response->cooccurrences()) {
    counts.push_back(absl::StrCat(c.entity().entity_id(), ":", c.entity().document_count()));
  }
  // Most shared documents first, ties by entity id.
  EXPECT_THAT(counts, ElementsAre("e-bahn:2", "e-hafen:1", "e-vogt:1"));
  EXPECT_EQ(response->cooccurrences(0).entity().canonical_name(), "Deutsche Bahn");
  EXPECT_EQ(response->cooccurrences(0).entity().type(), v1::ENTITY_TYPE_ORGANIZATION);
  // Examples newest first.
  EXPECT_THAT(response->cooccurrences(0).example_document_ids(), ElementsAre("d2", "d1"));
  EXPECT_THAT(response->cooccurrences(1).example_document_ids(), ElementsAre("d4"));
  EXPECT_THAT(response->cooccurrences(2).example_document_ids(), ElementsAre("d1"));
  EXPECT_TRUE(response->next_page_token().empty());

  // Only companions of one type.
  request.set_type(v1::ENTITY_TYPE_ORGANIZATION);
  response = store_->ListCooccurrences(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->total_size(), 2);
  ASSERT_EQ(response->cooccurrences_size(), 2);
  EXPECT_EQ(response->cooccurrences(0).entity().entity_id(), kBahn);
  EXPECT_EQ(response->cooccurrences(1).entity().entity_id(), kHafen);

  // Pages, bound to entity and type.
  request.set_type(v1::ENTITY_TYPE_UNSPECIFIED);
  request.set_page_size(2);
  response = store_->ListCooccurrences(request);
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->cooccurrences_size(), 2);
  ASSERT_FALSE(response->next_page_token().empty());
  request.set_page_token(response->next_page_token());
  response = store_->ListCooccurrences(request);
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->cooccurrences_size(), 1);
  EXPECT_EQ(response->cooccurrences(0).entity().entity_id(), kVogt);
  EXPECT_TRUE(response->next_page_token().empty());
  request.set_type(v1::ENTITY_TYPE_PERSON);
  EXPECT_EQ(store_->ListCooccurrences(request).status().code(),
            absl::StatusCode::kInvalidArgument);

  // An entity without companions.
  Put(MakeDocument("d6", "Alleingang", "Nur eine Firma.",
                   {{"e-allein", "Allein GmbH", v1::ENTITY_TYPE_ORGANIZATION}}));
  v1::ListCooccurrencesRequest alone;
  alone.set_entity_id("e-allein");
  response = store_->ListCooccurrences(alone);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->entity().document_count(), 1);
  EXPECT_EQ(response->total_size(), 0);
  EXPECT_THAT(response->cooccurrences(), IsEmpty());

  v1::ListCooccurrencesRequest unknown;
  unknown.set_entity_id("e-unbekannt");
  EXPECT_EQ(store_->ListCooccurrences(unknown).status().code(), absl::StatusCode::kNotFound);
  unknown.clear_entity_id();
  EXPECT_EQ(store_->ListCooccurrences(unknown).status().code(),
            absl::StatusCode::kInvalidArgument);
  unknown.set_entity_id(kBahn);
  unknown.set_type(static_cast<v1::EntityType>(9));
  EXPECT_EQ(store_->ListCooccurrences(unknown).status().code(),
            absl::StatusCode::kInvalidArgument);
  unknown.set_type(v1::ENTITY_TYPE_UNSPECIFIED);
  unknown.set_page_size(1001);
  EXPECT_EQ(store_->ListCooccurrences(unknown).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_P(CorpusQueryContractTest, CooccurrenceExamplesAreTheNewestFew) {
  for (int i = 1; i <= kCooccurrenceExamples + 2; ++i) {
    Put(MakeDocument(absl::StrCat("t", i), absl::StrCat("Tarifrunde ", i),
                     "Anna Vogt verhandelt mit der Bahn.", {kVogtPer, kBahnOrg}));
  }
  v1::ListCooccurrencesRequest request;
  request.set_entity_id(kVogt);
  absl::StatusOr<v1::ListCooccurrencesResponse> response = store_->ListCooccurrences(request);
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->cooccurrences_size(), 1);
  EXPECT_EQ(response->cooccurrences(0).entity().document_count(), kCooccurrenceExamples + 2);
  EXPECT_THAT(response->cooccurrences(0).example_document_ids(), ElementsAre("t5", "t4", "t3"));
}

TEST_P(CorpusQueryContractTest, StatsCountEntitiesByTypeAndTheIngestRate) {
  absl::StatusOr<v1::CorpusStats> empty = store_->Stats();
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ(empty->entity_count(), 0);
  ASSERT_EQ(empty->entities_by_type_size(), 4);
  EXPECT_EQ(empty->entities_by_type(0).type(), v1::ENTITY_TYPE_PERSON);
  EXPECT_EQ(empty->entities_by_type(3).type(), v1::ENTITY_TYPE_OTHER);
  EXPECT_EQ(empty->ingested_last_hour(), 0);

  PutStrikeCorpus();
  // Imported documents count by the ingestion time they keep: three hours
  // and three days ago.
  const int64_t now = absl::ToUnixSeconds(absl::Now());
  v1::Document recent = MakeDocument("i1", "Messe eröffnet", "Die Messe öffnet ihre Tore.",
                                     {{"e-messe", "Messe", v1::ENTITY_TYPE_OTHER}});
  recent.mutable_ingested_at()->set_seconds(now - 3 * 3600);
  ASSERT_TRUE(store_->Import(recent).ok());
  v1::Document old = MakeDocument("i2", "Messe schließt", "Die Messe schließt ihre Tore.", {});
  old.mutable_ingested_at()->set_seconds(now - 3 * 86400);
  ASSERT_TRUE(store_->Import(old).ok());

  absl::StatusOr<v1::CorpusStats> stats = store_->Stats();
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->document_count(), 7);
  EXPECT_EQ(stats->entity_count(), 5);
  std::vector<std::string> by_type;
  for (const v1::EntityTypeCount& entry : stats->entities_by_type()) {
    by_type.push_back(absl::StrCat(v1::EntityType_Name(entry.type()), "=", entry.entity_count()));
  }
  EXPECT_THAT(by_type, ElementsAre("ENTITY_TYPE_PERSON=1", "ENTITY_TYPE_ORGANIZATION=2",
                                   "ENTITY_TYPE_LOCATION=1", "ENTITY_TYPE_OTHER=1"));
  EXPECT_EQ(stats->ingested_last_hour(), 5);
  EXPECT_EQ(stats->ingested_last_day(), 6);
}

INSTANTIATE_TEST_SUITE_P(Backends, CorpusQueryContractTest, ::testing::ValuesIn(AllBackends()),
                         [](const ::testing::TestParamInfo<BackendFactory>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace korpus::store
