// The entity part of the Store contract (ListEntities, GetEntity, entity
// filters on List and Search, entity rows written with the document and
// back-filled by the schema migration), run against every backend like
// store_contract_test.cc. The documents and entities are made up here;
// nothing depends on how the annotator makes entity ids.
#include <google/protobuf/util/message_differencer.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/store/store.h"
#include "libs/store/transfer.h"
#include "tests/unit/store/store_backends.h"

namespace korpus::store {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

// Entity ids as an annotator might make them; the store treats them as
// opaque strings.
constexpr char kSiemens[] = "e-siemens";
constexpr char kBerg[] = "e-berg";
constexpr char kKoeln[] = "e-koeln";
constexpr char kOesterreich[] = "e-oesterreich";

struct EntitySpec {
  std::string id;
  std::string name;
  v1::EntityType type;
  double salience;
  int mentions;
  std::vector<std::string> aliases = {};
};

// An annotated document whose annotations name `entities`; each mention
// is the canonical name (offsets are not checked by the store).
v1::Document MakeDocument(const std::string& id, const std::string& title,
                          const std::string& body, const std::vector<EntitySpec>& entities) {
  v1::Document document;
  document.set_id(id);
  document.set_title(title);
  document.set_text(absl::StrCat(title, "\n\n", body));
  document.set_language("de");
  v1::Annotations* annotations = document.mutable_annotations();
  annotations->set_model_name("korpus-de");
  annotations->set_model_version("0.2.0");
  for (const EntitySpec& spec : entities) {
    v1::DocumentEntity* entity = annotations->add_entities();
    entity->set_entity_id(spec.id);
    entity->set_canonical_name(spec.name);
    entity->set_type(spec.type);
    entity->set_salience(spec.salience);
    for (int i = 0; i < spec.mentions; ++i) {
      v1::EntityMention* mention = entity->add_mentions();
      mention->set_begin(i);
      mention->set_end(i + 1);
      mention->set_text(spec.name);
      mention->set_form(v1::MENTION_FORM_NAME);
    }
    for (const std::string& alias : spec.aliases) entity->add_aliases(alias);
  }
  return document;
}

class EntityContractTest : public ::testing::TestWithParam<BackendFactory> {
 protected:
  void SetUp() override {
    backend_ = GetParam().make();
    const absl::Status prepared = backend_->Prepare();
    ASSERT_TRUE(prepared.ok()) << prepared;
    store_ = Open();
    ASSERT_NE(store_, nullptr);
  }
  void TearDown() override {
    store_.reset();
    if (backend_ != nullptr) backend_->CleanUp();
  }

  std::unique_ptr<Store> Open() {
    absl::StatusOr<std::unique_ptr<Store>> store = OpenStore(backend_->Spec());
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? *std::move(store) : nullptr;
  }

  void RawExec(const std::string& sql) {
    const absl::Status status = backend_->Execute(sql);
    EXPECT_TRUE(status.ok()) << status;
  }

  void PutOrDie(const v1::Document& document) {
    absl::StatusOr<PutResult> result = store_->Put(document);
    ASSERT_TRUE(result.ok()) << result.status();
    ASSERT_TRUE(result->created);
  }

  // Three articles about a company, a person and two places, in varied
  // spellings, and one document that is not annotated.
  void PutEntityCorpus() {
    PutOrDie(MakeDocument(
        "werk", "Siemens baut in Köln",
        "Siemens' neues Werk in Köln soll 2026 öffnen, sagte Ursula Berg. Berg leitet das Werk.",
        {{kSiemens, "Siemens", v1::ENTITY_TYPE_ORGANIZATION, 1.0, 3, {"Siemens'"}},
         {kBerg, "Ursula Berg", v1::ENTITY_TYPE_PERSON, 0.8, 2, {"Berg"}},
         {kKoeln, "Köln", v1::ENTITY_TYPE_LOCATION, 0.5, 1}}));
    PutOrDie(MakeDocument(
        "wien", "SIEMENS expandiert nach Österreich",
        "SIEMENS übernimmt einen Zulieferer in Österreich. Siemens zahlt bar.",
        {{kOesterreich, "Österreich", v1::ENTITY_TYPE_LOCATION, 1.0, 2},
         {kSiemens, "SIEMENS", v1::ENTITY_TYPE_ORGANIZATION, 0.4, 2, {"Siemens"}}}));
    PutOrDie(MakeDocument(
        "bilanz", "Berg legt Bilanz vor",
        "Ursula Berg stellte die Zahlen von Siemens vor.",
        {{kBerg, "Ursula Berg", v1::ENTITY_TYPE_PERSON, 1.0, 1},
         {kSiemens, "Siemens", v1::ENTITY_TYPE_ORGANIZATION, 0.6, 1}}));
    v1::Document pending;
    pending.set_id("roh");
    pending.set_title("Noch nicht analysiert");
    pending.set_text("Noch nicht analysiert\n\nSiemens und Köln kommen hier vor.");
    PutOrDie(pending);
  }

  v1::ListEntitiesResponse ListEntities(const v1::ListEntitiesRequest& request) {
    absl::StatusOr<v1::ListEntitiesResponse> response = store_->ListEntities(request);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? *response : v1::ListEntitiesResponse();
  }

  std::vector<std::string> EntityIds(const v1::ListEntitiesRequest& request) {
    std::vector<std::string> ids;
    const v1::ListEntitiesResponse response = ListEntities(request);
    for (const v1::Entity& entity : response.entities()) {
      ids.push_back(entity.entity_id());
    }
    return ids;
  }

  std::vector<std::string> ListIds(const std::vector<std::string>& entity_ids) {
    v1::ListDocumentsRequest request;
    for (const std::string& id : entity_ids) request.add_entity_ids(id);
    absl::StatusOr<v1::ListDocumentsResponse> response = store_->List(request);
    EXPECT_TRUE(response.ok()) << response.status();
    std::vector<std::string> ids;
    if (!response.ok()) return ids;
    for (const v1::Document& document : response->documents()) ids.push_back(document.id());
    return ids;
  }

  std::vector<std::string> SearchIds(const std::string& query,
                                     const std::vector<std::string>& entity_ids) {
    v1::SearchRequest request;
    request.set_query(query);
    for (const std::string& id : entity_ids) request.add_entity_ids(id);
    absl::StatusOr<v1::SearchResponse> response = store_->Search(request);
    EXPECT_TRUE(response.ok()) << query << ": " << response.status();
    std::vector<std::string> ids;
    if (!response.ok()) return ids;
    for (const v1::SearchHit& hit : response->hits()) ids.push_back(hit.document().id());
    EXPECT_EQ(response->total_size(), static_cast<int64_t>(ids.size()));
    return ids;
  }

  absl::StatusOr<v1::Entity> GetEntity(const std::string& id, int page_size = 0,
                                       const std::string& page_token = "") {
    v1::GetEntityRequest request;
    request.set_entity_id(id);
    request.set_page_size(page_size);
    request.set_page_token(page_token);
    return store_->GetEntity(request);
  }

  std::unique_ptr<StoreBackend> backend_;
  std::unique_ptr<Store> store_;
};

std::vector<std::pair<std::string, int64_t>> Aliases(const v1::Entity& entity) {
  std::vector<std::pair<std::string, int64_t>> aliases;
  for (const v1::EntityAlias& alias : entity.aliases()) {
    aliases.emplace_back(alias.name(), alias.document_count());
  }
  return aliases;
}

TEST_P(EntityContractTest, EntitiesAreTakenTogetherAcrossDocuments) {
  PutEntityCorpus();
  v1::ListEntitiesResponse all = ListEntities({});
  EXPECT_EQ(all.total_size(), 4);
  EXPECT_TRUE(all.next_page_token().empty());
  ASSERT_EQ(all.entities_size(), 4);
  // Most documents first; ties by id.
  EXPECT_EQ(all.entities(0).entity_id(), kSiemens);
  EXPECT_EQ(all.entities(1).entity_id(), kBerg);
  EXPECT_EQ(all.entities(2).entity_id(), kKoeln);
  EXPECT_EQ(all.entities(3).entity_id(), kOesterreich);

  const v1::Entity& siemens = all.entities(0);
  // Two documents call it "Siemens", one "SIEMENS".
  EXPECT_EQ(siemens.canonical_name(), "Siemens");
  EXPECT_EQ(siemens.type(), v1::ENTITY_TYPE_ORGANIZATION);
  EXPECT_EQ(siemens.document_count(), 3);
  EXPECT_EQ(siemens.mention_count(), 3 + 2 + 1);
  EXPECT_DOUBLE_EQ(siemens.total_salience(), 1.0 + 0.4 + 0.6);
  EXPECT_DOUBLE_EQ(siemens.mean_salience(), 2.0 / 3);
  EXPECT_DOUBLE_EQ(siemens.max_salience(), 1.0);
  EXPECT_THAT(Aliases(siemens),
              ElementsAre(std::pair<std::string, int64_t>{"SIEMENS", 1},
                          std::pair<std::string, int64_t>{"Siemens'", 1}));
  EXPECT_EQ(siemens.documents_size(), 0) << "ListEntities carries no documents";

  const v1::Entity& berg = all.entities(1);
  EXPECT_EQ(berg.canonical_name(), "Ursula Berg");
  EXPECT_EQ(berg.type(), v1::ENTITY_TYPE_PERSON);
  EXPECT_EQ(berg.document_count(), 2);
  EXPECT_EQ(berg.mention_count(), 3);
  EXPECT_THAT(Aliases(berg), ElementsAre(std::pair<std::string, int64_t>{"Berg", 1}));
}

TEST_P(EntityContractTest, ListEntitiesFiltersByTypeAndNamePrefix) {
  PutEntityCorpus();
  v1::ListEntitiesRequest request;
  request.set_type(v1::ENTITY_TYPE_LOCATION);
  EXPECT_THAT(EntityIds(request), ElementsAre(kKoeln, kOesterreich));
  EXPECT_EQ(ListEntities(request).total_size(), 2);
  request.set_type(v1::ENTITY_TYPE_PERSON);
  EXPECT_THAT(EntityIds(request), ElementsAre(kBerg));
  request.set_type(v1::ENTITY_TYPE_OTHER);
  EXPECT_THAT(EntityIds(request), IsEmpty());
  EXPECT_EQ(ListEntities(request).total_size(), 0);

  request.set_type(v1::ENTITY_TYPE_UNSPECIFIED);
  // Case-insensitive, umlauts included; only the start of the canonical name.
  request.set_name_prefix("sie");
  EXPECT_THAT(EntityIds(request), ElementsAre(kSiemens));
  request.set_name_prefix("ÖSTER");
  EXPECT_THAT(EntityIds(request), ElementsAre(kOesterreich));
  request.set_name_prefix("öst");
  EXPECT_THAT(EntityIds(request), ElementsAre(kOesterreich));
  request.set_name_prefix("Oster");
  EXPECT_THAT(EntityIds(request), IsEmpty());
  request.set_name_prefix("Berg");
  EXPECT_THAT(EntityIds(request), IsEmpty());
  request.set_name_prefix("ursula b");
  EXPECT_THAT(EntityIds(request), ElementsAre(kBerg));
  // Prefix and type together.
  request.set_name_prefix("k");
  request.set_type(v1::ENTITY_TYPE_ORGANIZATION);
  EXPECT_THAT(EntityIds(request), IsEmpty());
  request.set_type(v1::ENTITY_TYPE_LOCATION);
  EXPECT_THAT(EntityIds(request), ElementsAre(kKoeln));
  // Text that would mean something to SQL is just a name.
  request.set_type(v1::ENTITY_TYPE_UNSPECIFIED);
  request.set_name_prefix("' OR 1=1 --");
  EXPECT_THAT(EntityIds(request), IsEmpty());
  request.set_name_prefix("%");
  EXPECT_THAT(EntityIds(request), IsEmpty());
}

TEST_P(EntityContractTest, ListEntitiesOrders) {
  PutEntityCorpus();
  v1::ListEntitiesRequest request;
  request.set_order_by(v1::ENTITY_ORDER_DOCUMENT_COUNT);
  EXPECT_THAT(EntityIds(request), ElementsAre(kSiemens, kBerg, kKoeln, kOesterreich));
  // Total salience: Siemens 2.0, Berg 1.8, Österreich 1.0, Köln 0.5.
  request.set_order_by(v1::ENTITY_ORDER_SALIENCE);
  EXPECT_THAT(EntityIds(request), ElementsAre(kSiemens, kBerg, kOesterreich, kKoeln));
  // Mentions: Siemens 6, Berg 3, Österreich 2, Köln 1.
  request.set_order_by(v1::ENTITY_ORDER_MENTION_COUNT);
  EXPECT_THAT(EntityIds(request), ElementsAre(kSiemens, kBerg, kOesterreich, kKoeln));
}

TEST_P(EntityContractTest, ListEntitiesPagesAreCompleteAndBoundToTheirParameters) {
  PutEntityCorpus();
  v1::ListEntitiesRequest request;
  request.set_page_size(3);
  v1::ListEntitiesResponse first = ListEntities(request);
  ASSERT_EQ(first.entities_size(), 3);
  ASSERT_FALSE(first.next_page_token().empty());
  EXPECT_EQ(first.total_size(), 4);
  request.set_page_token(first.next_page_token());
  v1::ListEntitiesResponse second = ListEntities(request);
  ASSERT_EQ(second.entities_size(), 1);
  EXPECT_EQ(second.entities(0).entity_id(), kOesterreich);
  EXPECT_TRUE(second.next_page_token().empty());

  // A token belongs to its type, order and prefix.
  for (int change = 0; change < 3; ++change) {
    v1::ListEntitiesRequest other = request;
    if (change == 0) other.set_type(v1::ENTITY_TYPE_LOCATION);
    if (change == 1) other.set_order_by(v1::ENTITY_ORDER_SALIENCE);
    if (change == 2) other.set_name_prefix("s");
    EXPECT_EQ(store_->ListEntities(other).status().code(), absl::StatusCode::kInvalidArgument)
        << change;
  }
  request.set_page_token("kaputt");
  EXPECT_EQ(store_->ListEntities(request).status().code(), absl::StatusCode::kInvalidArgument);

  v1::ListEntitiesRequest bad;
  bad.set_page_size(1001);
  EXPECT_EQ(store_->ListEntities(bad).status().code(), absl::StatusCode::kInvalidArgument);
  bad.set_page_size(0);
  bad.set_type(static_cast<v1::EntityType>(17));
  EXPECT_EQ(store_->ListEntities(bad).status().code(), absl::StatusCode::kInvalidArgument);
  bad.set_type(v1::ENTITY_TYPE_UNSPECIFIED);
  bad.set_order_by(static_cast<v1::EntityOrder>(9));
  EXPECT_EQ(store_->ListEntities(bad).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(EntityContractTest, GetEntityGivesAliasesAndPagesOfDocumentsMostSalientFirst) {
  PutEntityCorpus();
  absl::StatusOr<v1::Entity> first = GetEntity(kSiemens, 2);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->canonical_name(), "Siemens");
  EXPECT_EQ(first->document_count(), 3);
  EXPECT_EQ(first->mention_count(), 6);
  EXPECT_EQ(first->aliases_size(), 2);
  ASSERT_EQ(first->documents_size(), 2);
  EXPECT_EQ(first->documents(0).document_id(), "werk");
  EXPECT_EQ(first->documents(0).title(), "Siemens baut in Köln");
  EXPECT_DOUBLE_EQ(first->documents(0).salience(), 1.0);
  EXPECT_EQ(first->documents(0).mention_count(), 3);
  EXPECT_EQ(first->documents(1).document_id(), "bilanz");
  ASSERT_FALSE(first->documents_next_page_token().empty());

  absl::StatusOr<v1::Entity> second = GetEntity(kSiemens, 2, first->documents_next_page_token());
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(second->documents_size(), 1);
  EXPECT_EQ(second->documents(0).document_id(), "wien");
  EXPECT_DOUBLE_EQ(second->documents(0).salience(), 0.4);
  EXPECT_EQ(second->documents(0).mention_count(), 2);
  EXPECT_TRUE(second->documents_next_page_token().empty());

  // The default page holds them all.
  absl::StatusOr<v1::Entity> all = GetEntity(kSiemens);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->documents_size(), 3);
  EXPECT_TRUE(all->documents_next_page_token().empty());

  // A token belongs to its entity.
  EXPECT_EQ(GetEntity(kBerg, 2, first->documents_next_page_token()).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_P(EntityContractTest, GetEntityErrors) {
  PutEntityCorpus();
  absl::StatusOr<v1::Entity> unknown = GetEntity("e-gibt-es-nicht");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(unknown.status().message()), HasSubstr("'e-gibt-es-nicht'"));
  EXPECT_EQ(GetEntity("").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(GetEntity(kSiemens, 1001).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(GetEntity(kSiemens, 0, "kaputt").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(EntityContractTest, TypeIsTheMostFrequentAndTiesGoToTheLowerValue) {
  // "Paris" as a person in two documents, a place in one.
  PutOrDie(MakeDocument("p1", "Paris singt", "Paris singt.",
                        {{"e-paris", "Paris", v1::ENTITY_TYPE_LOCATION, 1.0, 1}}));
  PutOrDie(MakeDocument("p2", "Paris tanzt", "Paris tanzt.",
                        {{"e-paris", "Paris", v1::ENTITY_TYPE_PERSON, 1.0, 1}}));
  absl::StatusOr<v1::Entity> tie = GetEntity("e-paris");
  ASSERT_TRUE(tie.ok()) << tie.status();
  EXPECT_EQ(tie->type(), v1::ENTITY_TYPE_PERSON);
  PutOrDie(MakeDocument("p3", "Paris reist", "Paris reist.",
                        {{"e-paris", "Paris", v1::ENTITY_TYPE_LOCATION, 1.0, 1}}));
  absl::StatusOr<v1::Entity> majority = GetEntity("e-paris");
  ASSERT_TRUE(majority.ok()) << majority.status();
  EXPECT_EQ(majority->type(), v1::ENTITY_TYPE_LOCATION);
  v1::ListEntitiesRequest request;
  request.set_type(v1::ENTITY_TYPE_LOCATION);
  EXPECT_THAT(EntityIds(request), ElementsAre("e-paris"));
  request.set_type(v1::ENTITY_TYPE_PERSON);
  EXPECT_THAT(EntityIds(request), IsEmpty());
}

TEST_P(EntityContractTest, CanonicalNameIsTheMostFrequentOne) {
  // The first name to reach the highest count keeps a tie.
  const EntitySpec upper{"e-x", "DEUTSCHE BAHN", v1::ENTITY_TYPE_ORGANIZATION, 1, 1};
  const EntitySpec mixed{"e-x", "Deutsche Bahn", v1::ENTITY_TYPE_ORGANIZATION, 1, 1};
  PutOrDie(MakeDocument("n1", "A", "Text.", {upper}));
  PutOrDie(MakeDocument("n2", "B", "Text.", {mixed}));
  EXPECT_EQ(GetEntity("e-x")->canonical_name(), "DEUTSCHE BAHN");
  PutOrDie(MakeDocument("n3", "C", "Text.", {mixed}));
  absl::StatusOr<v1::Entity> entity = GetEntity("e-x");
  ASSERT_TRUE(entity.ok()) << entity.status();
  EXPECT_EQ(entity->canonical_name(), "Deutsche Bahn");
  EXPECT_THAT(Aliases(*entity), ElementsAre(std::pair<std::string, int64_t>{"DEUTSCHE BAHN", 1}));
  // The prefix follows the canonical name.
  v1::ListEntitiesRequest request;
  request.set_name_prefix("deutsche b");
  EXPECT_THAT(EntityIds(request), ElementsAre("e-x"));
}

TEST_P(EntityContractTest, EntriesWithOneIdInADocumentCountOnce) {
  PutOrDie(MakeDocument("d", "Doppelt", "Text.",
                        {{"e-x", "Nordbank", v1::ENTITY_TYPE_ORGANIZATION, 0.3, 2, {"NORDBANK"}},
                         {"e-x", "Nordbank AG", v1::ENTITY_TYPE_ORGANIZATION, 0.7, 1}}));
  absl::StatusOr<v1::Entity> entity = GetEntity("e-x");
  ASSERT_TRUE(entity.ok()) << entity.status();
  EXPECT_EQ(entity->document_count(), 1);
  EXPECT_EQ(entity->mention_count(), 3);
  EXPECT_DOUBLE_EQ(entity->max_salience(), 0.7);
  EXPECT_EQ(entity->canonical_name(), "Nordbank");
  ASSERT_EQ(entity->documents_size(), 1);
  EXPECT_EQ(entity->documents(0).mention_count(), 3);
  EXPECT_EQ(entity->aliases_size(), 2);
}

TEST_P(EntityContractTest, InvalidEntitiesAreRefusedAndNothingIsStored) {
  v1::Document no_id = MakeDocument("a", "Titel", "Text.",
                                    {{"e-ok", "Gut", v1::ENTITY_TYPE_PERSON, 1, 1},
                                     {"", "Ohne Id", v1::ENTITY_TYPE_PERSON, 1, 1}});
  absl::Status status = store_->Put(no_id).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("entities[1].entity_id"));
  v1::Document bad_type =
      MakeDocument("b", "Titel", "Text.", {{"e-ok", "Gut", static_cast<v1::EntityType>(9), 1, 1}});
  EXPECT_EQ(store_->Put(bad_type).status().code(), absl::StatusCode::kInvalidArgument);
  v1::Document nan = MakeDocument(
      "c", "Titel", "Text.",
      {{"e-ok", "Gut", v1::ENTITY_TYPE_PERSON, std::numeric_limits<double>::quiet_NaN(), 1}});
  EXPECT_EQ(store_->Put(nan).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Stats()->document_count(), 0);
  EXPECT_EQ(ListEntities({}).total_size(), 0);
}

TEST_P(EntityContractTest, DuplicatePutCountsNothingTwice) {
  PutEntityCorpus();
  const v1::ListEntitiesResponse before = ListEntities({});
  absl::StatusOr<PutResult> again = store_->Put(MakeDocument(
      "werk", "Siemens baut in Köln", "Anders.",
      {{kSiemens, "Siemens", v1::ENTITY_TYPE_ORGANIZATION, 1.0, 9}}));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_FALSE(again->created);
  EXPECT_TRUE(MessageDifferencer::Equals(ListEntities({}), before));
}

TEST_P(EntityContractTest, AFailedPutLeavesNoEntityBehind) {
  PutEntityCorpus();
  const v1::ListEntitiesResponse before = ListEntities({});
  const v1::Document document =
      MakeDocument("neu", "Siemens in Linz", "Siemens eröffnet in Linz.",
                   {{kSiemens, "Siemens", v1::ENTITY_TYPE_ORGANIZATION, 1.0, 2},
                    {"e-linz", "Linz", v1::ENTITY_TYPE_LOCATION, 0.5, 1}});
  // Each of the entity tables fails in turn, after the rows written before
  // it in the same Put.
  for (const char* table : {"entity_names", "entities", "document_entities"}) {
    SCOPED_TRACE(table);
    RawExec(backend_->InjectInsertFailureSql(table));
    absl::StatusOr<PutResult> put = store_->Put(document);
    ASSERT_FALSE(put.ok());
    EXPECT_THAT(std::string(put.status().message()), HasSubstr("injected failure"));
    RawExec(backend_->RemoveInsertFailureSql(table));
    EXPECT_EQ(store_->Get("neu").status().code(), absl::StatusCode::kNotFound);
    EXPECT_TRUE(MessageDifferencer::Equals(ListEntities({}), before));
    EXPECT_EQ(GetEntity("e-linz").status().code(), absl::StatusCode::kNotFound);
    EXPECT_THAT(ListIds({kSiemens}), UnorderedElementsAre("werk", "wien", "bilanz"));
  }
  PutOrDie(document);
  EXPECT_EQ(GetEntity(kSiemens)->document_count(), 4);
  EXPECT_EQ(GetEntity("e-linz")->document_count(), 1);
}

TEST_P(EntityContractTest, ListDocumentsFiltersByEveryEntity) {
  PutEntityCorpus();
  EXPECT_THAT(ListIds({kSiemens}), ElementsAre("werk", "wien", "bilanz"));
  EXPECT_THAT(ListIds({kBerg}), ElementsAre("werk", "bilanz"));
  EXPECT_THAT(ListIds({kSiemens, kBerg}), ElementsAre("werk", "bilanz"));
  EXPECT_THAT(ListIds({kBerg, kSiemens, kBerg}), ElementsAre("werk", "bilanz"));
  EXPECT_THAT(ListIds({kKoeln, kOesterreich}), IsEmpty());
  EXPECT_THAT(ListIds({kSiemens, "e-unbekannt"}), IsEmpty());
  EXPECT_THAT(ListIds({"' OR 1=1 --"}), IsEmpty());
  EXPECT_THAT(ListIds({}), ElementsAre("werk", "wien", "bilanz", "roh"));

  // Pages of a filtered list.
  v1::ListDocumentsRequest request;
  request.add_entity_ids(kSiemens);
  request.set_page_size(2);
  request.set_view(v1::DOCUMENT_VIEW_FULL);
  absl::StatusOr<v1::ListDocumentsResponse> first = store_->List(request);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->documents_size(), 2);
  EXPECT_EQ(first->documents(0).annotations().entities_size(), 3);
  ASSERT_FALSE(first->next_page_token().empty());
  request.set_page_token(first->next_page_token());
  absl::StatusOr<v1::ListDocumentsResponse> second = store_->List(request);
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(second->documents_size(), 1);
  EXPECT_EQ(second->documents(0).id(), "bilanz");
  EXPECT_TRUE(second->next_page_token().empty());

  // The token belongs to its entities.
  request.clear_entity_ids();
  EXPECT_EQ(store_->List(request).status().code(), absl::StatusCode::kInvalidArgument);
  request.add_entity_ids(kBerg);
  EXPECT_EQ(store_->List(request).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(EntityContractTest, EntityFiltersAreValidated) {
  PutEntityCorpus();
  v1::ListDocumentsRequest list;
  list.add_entity_ids(kSiemens);
  list.add_entity_ids("");
  absl::Status status = store_->List(list).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("entity_ids[1] is empty"));
  list.clear_entity_ids();
  for (int i = 0; i <= kMaxEntityFilters; ++i) list.add_entity_ids(absl::StrCat("e", i));
  EXPECT_EQ(store_->List(list).status().code(), absl::StatusCode::kInvalidArgument);
  // Repeated ids count once.
  list.clear_entity_ids();
  for (int i = 0; i <= kMaxEntityFilters; ++i) list.add_entity_ids(kSiemens);
  EXPECT_TRUE(store_->List(list).ok());

  v1::SearchRequest search;
  search.set_query("Siemens");
  search.add_entity_ids("");
  EXPECT_EQ(store_->Search(search).status().code(), absl::StatusCode::kInvalidArgument);
  // The query stays required.
  search.clear_query();
  search.clear_entity_ids();
  search.add_entity_ids(kSiemens);
  EXPECT_EQ(store_->Search(search).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(EntityContractTest, SearchFiltersByEveryEntity) {
  PutEntityCorpus();
  EXPECT_THAT(SearchIds("Siemens", {}), UnorderedElementsAre("werk", "wien", "bilanz", "roh"));
  EXPECT_THAT(SearchIds("Siemens", {kBerg}), UnorderedElementsAre("werk", "bilanz"));
  EXPECT_THAT(SearchIds("Siemens", {kBerg, kKoeln}), ElementsAre("werk"));
  EXPECT_THAT(SearchIds("Köln", {kSiemens}), ElementsAre("werk"));
  EXPECT_THAT(SearchIds("Zahlen", {kOesterreich}), IsEmpty());
  EXPECT_THAT(SearchIds("Siemens", {"e-unbekannt"}), IsEmpty());

  // Pages of a filtered search, bound to the filter.
  v1::SearchRequest request;
  request.set_query("Siemens");
  request.add_entity_ids(kSiemens);
  request.set_page_size(2);
  absl::StatusOr<v1::SearchResponse> first = store_->Search(request);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->total_size(), 3);
  ASSERT_EQ(first->hits_size(), 2);
  request.set_page_token(first->next_page_token());
  absl::StatusOr<v1::SearchResponse> second = store_->Search(request);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->hits_size(), 1);
  EXPECT_TRUE(second->next_page_token().empty());
  request.clear_entity_ids();
  EXPECT_EQ(store_->Search(request).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(EntityContractTest, MigrationFillsTheEntitiesOfDocumentsStoredBefore) {
  PutEntityCorpus();
  // Annotated by an annotator without NER: no entities.
  v1::Document without_ner = MakeDocument("alt", "Ohne NER", "Siemens und Köln.", {});
  PutOrDie(without_ner);
  const v1::ListEntitiesResponse before = ListEntities({});
  const absl::StatusOr<v1::Entity> siemens_before = GetEntity(kSiemens);
  ASSERT_TRUE(siemens_before.ok());

  // Back to schema version 1: no entity tables.
  store_.reset();
  RawExec("DROP TABLE document_entities; DROP TABLE entity_names; DROP TABLE entities;");
  // And the tables of the later versions.
  RawExec("DROP TABLE IF EXISTS quotes_fts; DROP TABLE quotes; DROP TABLE timeline_entities; "
          "DROP TABLE timeline; DROP TABLE term_frequencies;");
  RawExec("DROP TABLE story_documents; DROP TABLE stories;");
  RawExec(backend_->SetSchemaVersionSql(1));
  store_ = Open();
  ASSERT_NE(store_, nullptr);

  EXPECT_TRUE(MessageDifferencer::Equals(ListEntities({}), before))
      << ListEntities({}).DebugString() << "\nvs\n" << before.DebugString();
  const absl::StatusOr<v1::Entity> siemens_after = GetEntity(kSiemens);
  ASSERT_TRUE(siemens_after.ok()) << siemens_after.status();
  EXPECT_TRUE(MessageDifferencer::Equals(*siemens_after, *siemens_before));
  EXPECT_THAT(ListIds({kBerg}), ElementsAre("werk", "bilanz"));
  // Writing continues on the back-filled figures.
  PutOrDie(MakeDocument("danach", "Siemens wächst", "Siemens wächst.",
                        {{kSiemens, "Siemens", v1::ENTITY_TYPE_ORGANIZATION, 1.0, 1}}));
  EXPECT_EQ(GetEntity(kSiemens)->document_count(), 4);
}

TEST_P(EntityContractTest, ImportCountsEntitiesLikePutInEveryBackend) {
  PutEntityCorpus();
  std::vector<v1::Document> exported;
  ASSERT_TRUE(ExportDocuments(*store_, [&](const v1::Document& document) {
                exported.push_back(document);
                return true;
              }).ok());
  const v1::ListEntitiesResponse original = ListEntities({});
  for (const BackendFactory& target_backend : AllBackends()) {
    SCOPED_TRACE(absl::StrCat(GetParam().name, " -> ", target_backend.name));
    std::unique_ptr<StoreBackend> backend = target_backend.make();
    ASSERT_TRUE(backend->Prepare().ok());
    absl::StatusOr<std::unique_ptr<Store>> target = OpenStore(backend->Spec());
    ASSERT_TRUE(target.ok()) << target.status();
    for (const v1::Document& document : exported) ASSERT_TRUE((*target)->Import(document).ok());
    absl::StatusOr<v1::ListEntitiesResponse> copied = (*target)->ListEntities({});
    ASSERT_TRUE(copied.ok()) << copied.status();
    EXPECT_TRUE(MessageDifferencer::Equals(*copied, original))
        << copied->DebugString() << "\nvs\n" << original.DebugString();
    target->reset();
    backend->CleanUp();
  }
}

TEST_P(EntityContractTest, ConcurrentWritersCountEveryDocument) {
  constexpr int kWriters = 4;
  constexpr int kPerWriter = 20;
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([this, w] {
      for (int i = 0; i < kPerWriter; ++i) {
        absl::StatusOr<PutResult> put = store_->Put(MakeDocument(
            absl::StrCat("w", w, "-", i), "Parallel", "Siemens in Köln.",
            {{kSiemens, "Siemens", v1::ENTITY_TYPE_ORGANIZATION, 0.5, 1},
             {absl::StrCat("e-writer-", w), absl::StrCat("Schreiber ", w),
              v1::ENTITY_TYPE_PERSON, 1.0, 1}}));
        EXPECT_TRUE(put.ok()) << put.status();
      }
    });
  }
  threads.emplace_back([this] {
    for (int i = 0; i < 30; ++i) EXPECT_TRUE(store_->ListEntities({}).ok());
  });
  for (std::thread& thread : threads) thread.join();
  absl::StatusOr<v1::Entity> siemens = GetEntity(kSiemens);
  ASSERT_TRUE(siemens.ok()) << siemens.status();
  EXPECT_EQ(siemens->document_count(), kWriters * kPerWriter);
  EXPECT_DOUBLE_EQ(siemens->total_salience(), 0.5 * kWriters * kPerWriter);
  EXPECT_EQ(ListEntities({}).total_size(), 1 + kWriters);
}

INSTANTIATE_TEST_SUITE_P(Backends, EntityContractTest, ::testing::ValuesIn(AllBackends()),
                         [](const ::testing::TestParamInfo<BackendFactory>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace korpus::store
