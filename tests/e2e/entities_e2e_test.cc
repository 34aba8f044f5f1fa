// End to end: entities over the four real binaries. A cluster (SQLite)
// ingests a few short articles written for this test, naming people,
// companies and places in varied forms ("Siemens", "Siemens'", "SIEMENS",
// "Volkswagens"); the gateway's ListEntities, GetEntity and entity filters
// on ListDocuments and Search must then agree with what the stored
// documents' annotations (GetDocument) say. The expectations are derived
// from those annotations, never from the NER model's exact output, which
// changes whenever the model is retrained.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/clients/corpus_client.h"
#include "tests/testing/korpus_cluster.h"

namespace korpus {
namespace {

using ::testing::HasSubstr;

// Every article contains "Montag", so that one query matches them all and
// only the entity filter tells them apart.
const char* const kArticles[] = {
    "Siemens baut Werk in München\n\n"
    "Der Technologiekonzern Siemens will in München ein neues Werk bauen. Siemens-Chef Roland "
    "Busch sagte am Montag in München, Siemens' Investition sichere 500 Arbeitsplätze. Busch "
    "rechnet mit dem Baubeginn im Frühjahr.",

    "SIEMENS und Volkswagen vereinbaren Partnerschaft\n\n"
    "SIEMENS liefert künftig Software an Volkswagen, teilten beide Unternehmen am Montag mit. "
    "Volkswagen will damit seine Fabriken in Wolfsburg digitalisieren. Roland Busch und Oliver "
    "Blume unterzeichneten den Vertrag in Berlin.",

    "Volkswagen senkt die Prognose\n\n"
    "Volkswagen hat am Montag seine Prognose für das laufende Jahr gesenkt. Konzernchef Oliver "
    "Blume verwies auf die schwache Nachfrage in China. Volkswagens Aktie fiel in Frankfurt um "
    "drei Prozent.",

    "Schnellere Züge zwischen Berlin und München\n\n"
    "Die Deutsche Bahn verbindet ab Montag Berlin und München schneller. Bahnchef Richard Lutz "
    "sprach in Berlin von einem Meilenstein für die Deutsche Bahn.",
};

// What the stored annotations say about one entity, over all documents.
struct Expected {
  std::set<std::string> documents;
  int64_t mentions = 0;
  double total_salience = 0;
  double max_salience = 0;
  std::map<std::string, int> canonical_names;  // name -> documents
  std::map<v1::EntityType, int> types;         // type -> documents
  std::set<std::string> names;                 // canonical names and aliases
  std::map<std::string, double> salience;      // document -> salience
  std::map<std::string, int> mention_counts;   // document -> mentions
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

class EntitiesEndToEndTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    absl::StatusOr<std::unique_ptr<testing::KorpusCluster>> cluster =
        testing::KorpusCluster::Start({.work_dir = dir_->path()});
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    cluster_ = cluster->release();
    client_ = new CorpusClient(MakeChannel(cluster_->gateway_address()));

    v1::IngestDocumentsRequest request;
    for (const char* text : kArticles) {
      v1::RawArticle* article = request.add_articles();
      article->set_content(text);
      article->set_format(v1::CONTENT_FORMAT_TEXT);
    }
    absl::StatusOr<v1::IngestDocumentsResponse> response =
        client_->IngestDocuments(request, Call());
    ASSERT_TRUE(response.ok()) << response.status();
    ASSERT_EQ(response->created_count(), static_cast<int>(std::size(kArticles)));
    document_ids_ = new std::vector<std::string>();
    for (const v1::IngestResult& result : response->results()) {
      document_ids_->push_back(result.document_id());
    }
  }
  static void TearDownTestSuite() {
    delete client_;
    delete cluster_;
    delete dir_;
    delete document_ids_;
  }

  void SetUp() override {
    ASSERT_NE(cluster_, nullptr);
    ASSERT_NE(document_ids_, nullptr);
    expected_ = ExpectedFromAnnotations();
    // Without entities in the annotations there would be nothing to check.
    ASSERT_FALSE(expected_.empty()) << "the annotator found no entities (is models/de_ner.bin "
                                       "missing?)";
  }

  static CallOptions Call() { return CallOptions{.timeout = absl::Seconds(60)}; }

  // Reads every stored document's annotations and takes their entities
  // together by id, as the store should.
  std::map<std::string, Expected> ExpectedFromAnnotations() {
    std::map<std::string, Expected> expected;
    for (const std::string& id : *document_ids_) {
      v1::GetDocumentRequest request;
      request.set_id(id);
      request.set_view(v1::DOCUMENT_VIEW_FULL);
      absl::StatusOr<v1::Document> document = client_->GetDocument(request, Call());
      EXPECT_TRUE(document.ok()) << document.status();
      if (!document.ok()) continue;
      // Entries sharing an id within a document count as one there.
      std::map<std::string, std::vector<const v1::DocumentEntity*>> by_id;
      for (const v1::DocumentEntity& entity : document->annotations().entities()) {
        by_id[entity.entity_id()].push_back(&entity);
      }
      for (const auto& [entity_id, entries] : by_id) {
        Expected& entity = expected[entity_id];
        entity.documents.insert(id);
        double salience = 0;
        int mentions = 0;
        for (const v1::DocumentEntity* entry : entries) {
          salience = std::max(salience, entry->salience());
          mentions += entry->mentions_size();
          entity.names.insert(entry->canonical_name());
          entity.names.insert(entry->aliases().begin(), entry->aliases().end());
        }
        entity.mentions += mentions;
        entity.total_salience += salience;
        entity.max_salience = std::max(entity.max_salience, salience);
        entity.canonical_names[entries[0]->canonical_name()]++;
        entity.types[entries[0]->type()]++;
        entity.salience[id] = salience;
        entity.mention_counts[id] = mentions;
      }
    }
    return expected;
  }

  // Every entity, walking ListEntities pages of `page_size`.
  std::vector<v1::Entity> AllEntities(v1::ListEntitiesRequest request, int page_size) {
    request.set_page_size(page_size);
    std::vector<v1::Entity> entities;
    for (int page = 0; page < 1000; ++page) {
      absl::StatusOr<v1::ListEntitiesResponse> response = client_->ListEntities(request, Call());
      EXPECT_TRUE(response.ok()) << response.status();
      if (!response.ok()) break;
      entities.insert(entities.end(), response->entities().begin(), response->entities().end());
      if (response->next_page_token().empty()) break;
      request.set_page_token(response->next_page_token());
    }
    return entities;
  }

  std::set<std::string> SearchIds(const std::string& query,
                                  const std::vector<std::string>& entity_ids) {
    v1::SearchRequest request;
    request.set_query(query);
    request.set_page_size(100);
    for (const std::string& id : entity_ids) request.add_entity_ids(id);
    absl::StatusOr<v1::SearchResponse> response = client_->Search(request, Call());
    EXPECT_TRUE(response.ok()) << response.status();
    std::set<std::string> ids;
    if (!response.ok()) return ids;
    for (const v1::SearchHit& hit : response->hits()) ids.insert(hit.document().id());
    EXPECT_EQ(response->total_size(), static_cast<int64_t>(ids.size()));
    return ids;
  }

  std::vector<std::string> ListIds(const std::vector<std::string>& entity_ids) {
    v1::ListDocumentsRequest request;
    request.set_page_size(100);
    for (const std::string& id : entity_ids) request.add_entity_ids(id);
    absl::StatusOr<v1::ListDocumentsResponse> response = client_->ListDocuments(request, Call());
    EXPECT_TRUE(response.ok()) << response.status();
    std::vector<std::string> ids;
    if (!response.ok()) return ids;
    for (const v1::Document& document : response->documents()) ids.push_back(document.id());
    return ids;
  }

  // The documents of `documents` in ingestion order.
  std::vector<std::string> InIngestionOrder(const std::set<std::string>& documents) {
    std::vector<std::string> ordered;
    for (const std::string& id : *document_ids_) {
      if (documents.count(id) > 0) ordered.push_back(id);
    }
    return ordered;
  }

  // Runs korpusctl against the cluster with `args`; its stdout.
  std::string Korpusctl(const std::string& args) {
    const std::string out = absl::StrCat(dir_->path(), "/korpusctl.out");
    const std::string command =
        absl::StrCat("'", testing::DefaultBuildPaths().korpusctl, "' --gateway=",
                     cluster_->gateway_address(), " ", args, " >'", out, "' 2>&1");
    const int status = std::system(command.c_str());
    EXPECT_EQ(status, 0) << command << "\n" << ReadFile(out);
    return ReadFile(out);
  }

  static testing::TempDir* dir_;
  static testing::KorpusCluster* cluster_;
  static CorpusClient* client_;
  static std::vector<std::string>* document_ids_;
  std::map<std::string, Expected> expected_;
};

testing::TempDir* EntitiesEndToEndTest::dir_ = nullptr;
testing::KorpusCluster* EntitiesEndToEndTest::cluster_ = nullptr;
CorpusClient* EntitiesEndToEndTest::client_ = nullptr;
std::vector<std::string>* EntitiesEndToEndTest::document_ids_ = nullptr;

TEST_F(EntitiesEndToEndTest, ListEntitiesAgreesWithTheAnnotations) {
  const std::vector<v1::Entity> entities = AllEntities({}, /*page_size=*/3);
  ASSERT_EQ(entities.size(), expected_.size());
  std::set<std::string> seen;
  for (size_t i = 0; i < entities.size(); ++i) {
    const v1::Entity& entity = entities[i];
    SCOPED_TRACE(entity.ShortDebugString());
    EXPECT_TRUE(seen.insert(entity.entity_id()).second) << "listed twice";
    ASSERT_EQ(expected_.count(entity.entity_id()), 1u);
    const Expected& expected = expected_.at(entity.entity_id());
    EXPECT_EQ(entity.document_count(), static_cast<int64_t>(expected.documents.size()));
    EXPECT_EQ(entity.mention_count(), expected.mentions);
    EXPECT_NEAR(entity.total_salience(), expected.total_salience, 1e-9);
    EXPECT_NEAR(entity.mean_salience(), expected.total_salience / expected.documents.size(), 1e-9);
    EXPECT_NEAR(entity.max_salience(), expected.max_salience, 1e-9);
    // The canonical name is one that most documents give; so is the type.
    int most_names = 0, most_types = 0;
    for (const auto& [name, count] : expected.canonical_names) {
      most_names = std::max(most_names, count);
    }
    for (const auto& [type, count] : expected.types) most_types = std::max(most_types, count);
    EXPECT_EQ(expected.canonical_names.count(entity.canonical_name()), 1u);
    EXPECT_EQ(expected.canonical_names.at(entity.canonical_name()), most_names);
    EXPECT_EQ(expected.types.count(entity.type()), 1u);
    EXPECT_EQ(expected.types.at(entity.type()), most_types);
    for (const v1::EntityAlias& alias : entity.aliases()) {
      EXPECT_EQ(expected.names.count(alias.name()), 1u) << alias.name();
      EXPECT_NE(alias.name(), entity.canonical_name());
    }
    EXPECT_LE(entity.aliases_size(), 5);
    // Most documents first.
    if (i > 0) {
      EXPECT_LE(entity.document_count(), entities[i - 1].document_count());
    }
  }
  // The corpus is built so that some entity spans several articles; if the
  // annotations say so, the listing must too.
  size_t widest = 0;
  for (const auto& [id, expected] : expected_) widest = std::max(widest, expected.documents.size());
  EXPECT_EQ(entities.front().document_count(), static_cast<int64_t>(widest));
}

TEST_F(EntitiesEndToEndTest, TypeFiltersAndOrdersAgreeWithTheListing) {
  const std::vector<v1::Entity> all = AllEntities({}, 100);
  for (v1::EntityType type : {v1::ENTITY_TYPE_PERSON, v1::ENTITY_TYPE_ORGANIZATION,
                              v1::ENTITY_TYPE_LOCATION, v1::ENTITY_TYPE_OTHER}) {
    SCOPED_TRACE(v1::EntityType_Name(type));
    v1::ListEntitiesRequest request;
    request.set_type(type);
    std::vector<std::string> filtered, expected;
    for (const v1::Entity& entity : AllEntities(request, 2)) {
      EXPECT_EQ(entity.type(), type);
      filtered.push_back(entity.entity_id());
    }
    for (const v1::Entity& entity : all) {
      if (entity.type() == type) expected.push_back(entity.entity_id());
    }
    EXPECT_EQ(filtered, expected);
  }
  v1::ListEntitiesRequest by_salience;
  by_salience.set_order_by(v1::ENTITY_ORDER_SALIENCE);
  const std::vector<v1::Entity> salient = AllEntities(by_salience, 100);
  ASSERT_EQ(salient.size(), all.size());
  for (size_t i = 1; i < salient.size(); ++i) {
    EXPECT_LE(salient[i].total_salience(), salient[i - 1].total_salience());
  }
  v1::ListEntitiesRequest by_mentions;
  by_mentions.set_order_by(v1::ENTITY_ORDER_MENTION_COUNT);
  const std::vector<v1::Entity> mentioned = AllEntities(by_mentions, 100);
  ASSERT_EQ(mentioned.size(), all.size());
  for (size_t i = 1; i < mentioned.size(); ++i) {
    EXPECT_LE(mentioned[i].mention_count(), mentioned[i - 1].mention_count());
  }
  // A prefix of a canonical name in other letter case finds that entity.
  const v1::Entity& first = all.front();
  v1::ListEntitiesRequest by_prefix;
  std::string prefix = first.canonical_name().substr(0, 3);
  for (char& c : prefix) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  by_prefix.set_name_prefix(prefix);
  bool found = false;
  for (const v1::Entity& entity : AllEntities(by_prefix, 100)) {
    found = found || entity.entity_id() == first.entity_id();
  }
  EXPECT_TRUE(found) << prefix << " should find " << first.canonical_name();
}

TEST_F(EntitiesEndToEndTest, GetEntityListsTheDocumentsThatMentionIt) {
  for (const auto& [entity_id, expected] : expected_) {
    SCOPED_TRACE(entity_id);
    v1::GetEntityRequest request;
    request.set_entity_id(entity_id);
    request.set_page_size(2);
    std::vector<v1::EntityDocument> documents;
    v1::Entity first_page;
    for (int page = 0; page < 10; ++page) {
      absl::StatusOr<v1::Entity> entity = client_->GetEntity(request, Call());
      ASSERT_TRUE(entity.ok()) << entity.status();
      if (page == 0) first_page = *entity;
      documents.insert(documents.end(), entity->documents().begin(), entity->documents().end());
      if (entity->documents_next_page_token().empty()) break;
      request.set_page_token(entity->documents_next_page_token());
    }
    EXPECT_EQ(first_page.document_count(), static_cast<int64_t>(expected.documents.size()));
    std::set<std::string> ids;
    for (size_t i = 0; i < documents.size(); ++i) {
      const v1::EntityDocument& document = documents[i];
      ids.insert(document.document_id());
      ASSERT_EQ(expected.salience.count(document.document_id()), 1u);
      EXPECT_NEAR(document.salience(), expected.salience.at(document.document_id()), 1e-9);
      EXPECT_EQ(document.mention_count(), expected.mention_counts.at(document.document_id()));
      EXPECT_FALSE(document.title().empty());
      if (i > 0) {
        EXPECT_LE(document.salience(), documents[i - 1].salience());
      }
    }
    EXPECT_EQ(ids, expected.documents);
    EXPECT_EQ(documents.size(), expected.documents.size());
    for (const v1::EntityAlias& alias : first_page.aliases()) {
      EXPECT_EQ(expected.names.count(alias.name()), 1u) << alias.name();
      EXPECT_GE(alias.document_count(), 1);
      EXPECT_LE(alias.document_count(), first_page.document_count());
    }
  }
}

TEST_F(EntitiesEndToEndTest, SearchAndListFilteredByEntityReturnOnlyItsDocuments) {
  ASSERT_EQ(SearchIds("Montag", {}).size(), std::size(kArticles));
  const std::string* widest = nullptr;
  for (const auto& [entity_id, expected] : expected_) {
    SCOPED_TRACE(entity_id);
    EXPECT_EQ(SearchIds("Montag", {entity_id}), expected.documents);
    EXPECT_EQ(ListIds({entity_id}), InIngestionOrder(expected.documents));
    if (widest == nullptr || expected.documents.size() > expected_.at(*widest).documents.size()) {
      widest = &entity_id;
    }
  }
  // Two entities: documents mentioning both.
  for (const auto& [entity_id, expected] : expected_) {
    if (entity_id == *widest) continue;
    std::set<std::string> both;
    for (const std::string& id : expected.documents) {
      if (expected_.at(*widest).documents.count(id) > 0) both.insert(id);
    }
    EXPECT_EQ(SearchIds("Montag", {*widest, entity_id}), both) << entity_id;
    EXPECT_EQ(ListIds({entity_id, *widest}), InIngestionOrder(both)) << entity_id;
  }
  EXPECT_TRUE(SearchIds("Montag", {"e-gibt-es-nicht"}).empty());
}

TEST_F(EntitiesEndToEndTest, BadRequestsAreRefused) {
  v1::GetEntityRequest get;
  get.set_entity_id("e-gibt-es-nicht");
  EXPECT_EQ(client_->GetEntity(get, Call()).status().code(), absl::StatusCode::kNotFound);
  get.set_entity_id("");
  EXPECT_EQ(client_->GetEntity(get, Call()).status().code(), absl::StatusCode::kInvalidArgument);

  v1::ListEntitiesRequest list;
  list.set_page_size(1001);
  EXPECT_EQ(client_->ListEntities(list, Call()).status().code(),
            absl::StatusCode::kInvalidArgument);
  list.set_page_size(0);
  list.set_type(static_cast<v1::EntityType>(99));
  EXPECT_EQ(client_->ListEntities(list, Call()).status().code(),
            absl::StatusCode::kInvalidArgument);
  list.set_type(v1::ENTITY_TYPE_UNSPECIFIED);
  list.set_order_by(static_cast<v1::EntityOrder>(99));
  EXPECT_EQ(client_->ListEntities(list, Call()).status().code(),
            absl::StatusCode::kInvalidArgument);

  // A page token of one listing is refused by another.
  v1::ListEntitiesRequest paged;
  paged.set_page_size(1);
  absl::StatusOr<v1::ListEntitiesResponse> first = client_->ListEntities(paged, Call());
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_FALSE(first->next_page_token().empty());
  paged.set_page_token(first->next_page_token());
  paged.set_order_by(v1::ENTITY_ORDER_MENTION_COUNT);
  EXPECT_EQ(client_->ListEntities(paged, Call()).status().code(),
            absl::StatusCode::kInvalidArgument);

  const std::string& some_entity = expected_.begin()->first;
  v1::SearchRequest search;
  search.add_entity_ids(some_entity);
  EXPECT_EQ(client_->Search(search, Call()).status().code(), absl::StatusCode::kInvalidArgument);
  search.set_query("Montag");
  search.add_entity_ids("");
  EXPECT_EQ(client_->Search(search, Call()).status().code(), absl::StatusCode::kInvalidArgument);
  v1::ListDocumentsRequest documents;
  for (int i = 0; i < 17; ++i) documents.add_entity_ids(absl::StrCat("e", i));
  EXPECT_EQ(client_->ListDocuments(documents, Call()).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(EntitiesEndToEndTest, KorpusctlListsEntitiesAndFiltersWithRepeatedFlags) {
  // The entity spanning most documents, and another one.
  const v1::Entity top = AllEntities({}, 1).front();
  const std::string table = Korpusctl("entities --page_size=100");
  EXPECT_THAT(table, HasSubstr(absl::StrCat(expected_.size(), " entit")));
  EXPECT_THAT(table, HasSubstr(top.entity_id()));
  EXPECT_THAT(table, HasSubstr(top.canonical_name()));
  const std::string entity = Korpusctl(absl::StrCat("entity ", top.entity_id()));
  EXPECT_THAT(entity, HasSubstr(top.canonical_name()));
  for (const std::string& id : expected_.at(top.entity_id()).documents) {
    EXPECT_THAT(entity, HasSubstr(id));
  }
  EXPECT_THAT(Korpusctl(absl::StrCat("--json entity ", top.entity_id())),
              HasSubstr(absl::StrCat("\"entity_id\":\"", top.entity_id(), "\"")));
  // `get` shows a document's entities with the ids the other commands take.
  EXPECT_THAT(Korpusctl(absl::StrCat("get ", *expected_.at(top.entity_id()).documents.begin())),
              HasSubstr(top.entity_id()));

  // --entity repeated and comma-separated: all must be mentioned.
  for (const auto& [other, expected] : expected_) {
    if (other == top.entity_id()) continue;
    std::set<std::string> both;
    for (const std::string& id : expected.documents) {
      if (expected_.at(top.entity_id()).documents.count(id) > 0) both.insert(id);
    }
    for (const std::string& flags :
         {absl::StrCat("--entity=", top.entity_id(), " --entity=", other),
          absl::StrCat("--entity=", top.entity_id(), ",", other)}) {
      SCOPED_TRACE(flags);
      const std::string found = Korpusctl(absl::StrCat("search Montag ", flags));
      EXPECT_THAT(found, HasSubstr(absl::StrCat(both.size(), " matching document")));
      const std::string listed = Korpusctl(absl::StrCat("list ", flags));
      for (const std::string& id : *document_ids_) {
        EXPECT_EQ(found.find(id) != std::string::npos, both.count(id) > 0) << id;
        EXPECT_EQ(listed.find(id) != std::string::npos, both.count(id) > 0) << id;
      }
    }
    break;  // One pair is enough for the command line.
  }
}

TEST_F(EntitiesEndToEndTest, CorpusQueriesThroughTheGatewayAgreeWithTheAnnotations) {
  const std::vector<v1::Entity> all = AllEntities({}, 100);
  ASSERT_FALSE(all.empty());
  std::map<std::string, v1::EntityType> type_of;
  for (const v1::Entity& entity : all) type_of[entity.entity_id()] = entity.type();

  // Co-occurrence of the widest entity: the documents it shares with each
  // other entity, by the annotations.
  const std::string widest = all.front().entity_id();
  const std::set<std::string>& widest_documents = expected_.at(widest).documents;
  std::map<std::string, std::set<std::string>> shared;
  for (const auto& [entity_id, expected] : expected_) {
    if (entity_id == widest) continue;
    for (const std::string& id : expected.documents) {
      if (widest_documents.count(id) > 0) shared[entity_id].insert(id);
    }
  }
  v1::ListCooccurrencesRequest cooccurrences;
  cooccurrences.set_entity_id(widest);
  cooccurrences.set_page_size(100);
  absl::StatusOr<v1::ListCooccurrencesResponse> companions =
      client_->ListCooccurrences(cooccurrences, Call());
  ASSERT_TRUE(companions.ok()) << companions.status();
  EXPECT_EQ(companions->entity().document_count(),
            static_cast<int64_t>(widest_documents.size()));
  EXPECT_EQ(companions->total_size(), static_cast<int64_t>(shared.size()));
  std::map<std::string, std::set<std::string>> got;
  for (const v1::Cooccurrence& cooccurrence : companions->cooccurrences()) {
    const std::string& id = cooccurrence.entity().entity_id();
    ASSERT_EQ(shared.count(id), 1u) << id;
    EXPECT_EQ(cooccurrence.entity().document_count(), static_cast<int64_t>(shared.at(id).size()));
    EXPECT_EQ(cooccurrence.example_document_ids_size(),
              std::min<int>(3, static_cast<int>(shared.at(id).size())));
    got[id].insert(cooccurrence.example_document_ids().begin(),
                   cooccurrence.example_document_ids().end());
    for (const std::string& example : got[id]) EXPECT_EQ(shared.at(id).count(example), 1u);
  }
  EXPECT_EQ(got.size(), shared.size());
  v1::ListCooccurrencesRequest unknown;
  unknown.set_entity_id("e-gibt-es-nicht");
  EXPECT_EQ(client_->ListCooccurrences(unknown, Call()).status().code(),
            absl::StatusCode::kNotFound);
  unknown.clear_entity_id();
  EXPECT_EQ(client_->ListCooccurrences(unknown, Call()).status().code(),
            absl::StatusCode::kInvalidArgument);

  // The entity type filter: the documents mentioning an entity of the type.
  for (v1::EntityType type : {v1::ENTITY_TYPE_PERSON, v1::ENTITY_TYPE_ORGANIZATION,
                              v1::ENTITY_TYPE_LOCATION, v1::ENTITY_TYPE_OTHER}) {
    SCOPED_TRACE(v1::EntityType_Name(type));
    std::set<std::string> documents;
    for (const auto& [entity_id, expected] : expected_) {
      if (type_of[entity_id] == type) {
        documents.insert(expected.documents.begin(), expected.documents.end());
      }
    }
    v1::ListDocumentsRequest list;
    list.set_page_size(100);
    list.add_entity_types(type);
    absl::StatusOr<v1::ListDocumentsResponse> listed = client_->ListDocuments(list, Call());
    ASSERT_TRUE(listed.ok()) << listed.status();
    std::vector<std::string> ids;
    for (const v1::Document& document : listed->documents()) ids.push_back(document.id());
    EXPECT_EQ(ids, InIngestionOrder(documents));
    v1::SearchRequest search;
    search.set_query("Montag");
    search.add_entity_types(type);
    absl::StatusOr<v1::SearchResponse> found = client_->Search(search, Call());
    ASSERT_TRUE(found.ok()) << found.status();
    EXPECT_EQ(found->total_size(), static_cast<int64_t>(documents.size()));
  }

  // Top entities of a query every article matches: every entity with all
  // its documents, though the page has one hit.
  v1::SearchRequest top;
  top.set_query("Montag");
  top.set_page_size(1);
  top.set_top_entities(100);
  absl::StatusOr<v1::SearchResponse> counted = client_->Search(top, Call());
  ASSERT_TRUE(counted.ok()) << counted.status();
  EXPECT_EQ(counted->hits_size(), 1);
  ASSERT_EQ(counted->top_entities_size(), static_cast<int>(expected_.size()));
  for (const v1::EntityCount& entity : counted->top_entities()) {
    ASSERT_EQ(expected_.count(entity.entity_id()), 1u) << entity.entity_id();
    EXPECT_EQ(entity.document_count(),
              static_cast<int64_t>(expected_.at(entity.entity_id()).documents.size()));
  }
  EXPECT_EQ(counted->top_entities(0).document_count(), all.front().document_count());

  // Statistics: the entities by type and the ingest rate.
  absl::StatusOr<v1::CorpusStats> stats = client_->GetStats(Call());
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->entity_count(), static_cast<int64_t>(all.size()));
  ASSERT_EQ(stats->entities_by_type_size(), 4);
  for (const v1::EntityTypeCount& entry : stats->entities_by_type()) {
    int64_t count = 0;
    for (const v1::Entity& entity : all) count += entity.type() == entry.type() ? 1 : 0;
    EXPECT_EQ(entry.entity_count(), count) << v1::EntityType_Name(entry.type());
  }
  const int64_t articles = static_cast<int64_t>(std::size(kArticles));
  EXPECT_EQ(stats->ingested_last_hour(), articles);
  EXPECT_EQ(stats->ingested_last_day(), articles);

  // korpusctl shows all of it.
  const std::string table = Korpusctl(absl::StrCat("cooccurrences ", widest));
  EXPECT_THAT(table, HasSubstr(absl::StrCat(all.front().canonical_name(), " (")));
  EXPECT_THAT(table, HasSubstr(absl::StrCat("appears with ", shared.size(), " entit")));
  if (!companions->cooccurrences().empty()) {
    EXPECT_THAT(table, HasSubstr(companions->cooccurrences(0).entity().entity_id()));
  }
  EXPECT_THAT(Korpusctl("search Montag --top_entities=1"),
              HasSubstr(counted->top_entities(0).entity_id()));
  EXPECT_THAT(Korpusctl("stats"),
              HasSubstr(absl::StrCat(articles, " in the last hour, ", articles,
                                     " in the last 24 hours")));
  // --entity_type repeated and comma-separated: any of the types.
  const char* const kTypeNames[] = {"", "PER", "ORG", "LOC", "OTH"};
  const std::string listed =
      Korpusctl(absl::StrCat("list --entity_type=", kTypeNames[type_of[widest]],
                             " --entity_type=", kTypeNames[type_of[widest]], ",OTH"));
  for (const std::string& id : widest_documents) EXPECT_THAT(listed, HasSubstr(id));
}

TEST_F(EntitiesEndToEndTest, EntitiesSurviveAStorageRestart) {
  const std::vector<v1::Entity> before = AllEntities({}, 100);
  ASSERT_TRUE(cluster_->StopStorage().ok());
  ASSERT_TRUE(cluster_->RestartStorage().ok());
  // The gateway reconnects on its own (reconnect backoff <= 1 s); poll with
  // a deadline rather than sleeping a guessed time.
  v1::ListEntitiesRequest request;
  request.set_page_size(100);
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  absl::StatusOr<v1::ListEntitiesResponse> response;
  do {
    response = client_->ListEntities(request, Call());
  } while (!response.ok() && response.status().code() == absl::StatusCode::kUnavailable &&
           absl::Now() < give_up);
  ASSERT_TRUE(response.ok()) << response.status();
  const std::vector<v1::Entity> after(response->entities().begin(), response->entities().end());
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < before.size(); ++i) {
    EXPECT_EQ(after[i].SerializeAsString(), before[i].SerializeAsString()) << i;
  }
}

}  // namespace
}  // namespace korpus
