// End to end: moving a corpus from SQLite to PostgreSQL with korpusctl.
// A cluster of the four real binaries on SQLite ingests the seeds; a second
// cluster stores into a throw-away PostgreSQL server; `korpusctl export |
// korpusctl import` (JSONL through a pipe, binary through a file) moves the
// corpus, and both gateways must then give the same documents (FULL view:
// text, annotations, ingestion times), the same counts and the same search
// hits. The ranking functions differ (BM25 vs ts_rank_cd), so hits are
// compared as sets; snippets must bracket the match in both.
#include <cstdlib>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <google/protobuf/util/message_differencer.h>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/clients/corpus_client.h"
#include "tests/testing/korpus_cluster.h"
#include "tests/testing/postgres_server.h"

namespace korpus {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::testing::HasSubstr;

// Queries with hits in the seeds: a word, a phrase, two words.
const char* const kQueries[] = {"Exportkontrollen", "\"weißen Haus\"", "Nvidia China",
                                "Nvidia"};

std::string Quoted(const std::string& text) { return absl::StrCat("'", text, "'"); }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

// Runs `command` (a pipeline, say) with /bin/sh; the stdout and stderr of
// all of it go to `log`.
absl::Status Shell(const std::string& command, const std::string& log) {
  const int status =
      std::system(absl::StrCat("(", command, ") >", Quoted(log), " 2>&1").c_str());
  if (status != 0) {
    return absl::InternalError(
        absl::StrCat(command, " exited with status ", status, ":\n", ReadFile(log)));
  }
  return absl::OkStatus();
}

std::vector<v1::Document> AllDocuments(const CorpusClient& client) {
  std::vector<v1::Document> documents;
  v1::ListDocumentsRequest request;
  request.set_view(v1::DOCUMENT_VIEW_FULL);
  request.set_page_size(2);  // several pages even for the seeds
  while (true) {
    absl::StatusOr<v1::ListDocumentsResponse> page = client.ListDocuments(request, {});
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok()) break;
    documents.insert(documents.end(), page->documents().begin(), page->documents().end());
    if (page->next_page_token().empty()) break;
    request.set_page_token(page->next_page_token());
  }
  return documents;
}

class ExportImportEndToEndTest : public ::testing::Test {
 protected:
  // One PostgreSQL server and one source cluster with the seeds for all
  // tests (the binary runs as one ctest test).
  static void SetUpTestSuite() {
    absl::StatusOr<std::unique_ptr<testing::PostgresServer>> postgres =
        testing::PostgresServer::Start();
    ASSERT_TRUE(postgres.ok()) << postgres.status();
    postgres_ = postgres->release();
    source_dir_ = new testing::TempDir();
    absl::StatusOr<std::unique_ptr<testing::KorpusCluster>> source =
        testing::KorpusCluster::Start({.work_dir = source_dir_->path()});
    ASSERT_TRUE(source.ok()) << source.status();
    source_ = source->release();
    const absl::Status ingested =
        Shell(absl::StrCat(Quoted(testing::DefaultBuildPaths().korpusctl), " --gateway=",
                           source_->gateway_address(), " ingest ",
                           Quoted(testing::DefaultBuildPaths().seeds_dir)),
              absl::StrCat(source_dir_->path(), "/ingest.out"));
    ASSERT_TRUE(ingested.ok()) << ingested;
  }
  static void TearDownTestSuite() {
    delete source_;
    delete source_dir_;
    delete postgres_;
  }

  void SetUp() override {
    ASSERT_NE(postgres_, nullptr);
    ASSERT_NE(source_, nullptr);
    const std::string database = absl::StrCat(
        "e2e_", ::testing::UnitTest::GetInstance()->current_test_info()->name());
    ASSERT_TRUE(postgres_->CreateDatabase(database).ok());
    absl::StatusOr<std::unique_ptr<testing::KorpusCluster>> target = testing::KorpusCluster::Start(
        {.work_dir = target_dir_.path(), .store_spec = postgres_->Uri(database)});
    ASSERT_TRUE(target.ok()) << target.status();
    target_ = *std::move(target);
    source_client_ = std::make_unique<CorpusClient>(MakeChannel(source_->gateway_address()));
    target_client_ = std::make_unique<CorpusClient>(MakeChannel(target_->gateway_address()));
  }

  std::string Korpusctl(const testing::KorpusCluster& cluster) const {
    return absl::StrCat(Quoted(testing::DefaultBuildPaths().korpusctl),
                        " --gateway=", cluster.gateway_address());
  }

  // The target now holds exactly what the source holds.
  void ExpectSameCorpus() {
    const std::vector<v1::Document> source_documents = AllDocuments(*source_client_);
    const std::vector<v1::Document> target_documents = AllDocuments(*target_client_);
    ASSERT_GE(source_documents.size(), 5u);
    ASSERT_EQ(target_documents.size(), source_documents.size());
    for (size_t i = 0; i < source_documents.size(); ++i) {
      EXPECT_TRUE(source_documents[i].has_annotations()) << source_documents[i].id();
      EXPECT_TRUE(MessageDifferencer::Equals(target_documents[i], source_documents[i]))
          << "document " << i << " differs:\n"
          << target_documents[i].ShortDebugString().substr(0, 2000) << "\nvs\n"
          << source_documents[i].ShortDebugString().substr(0, 2000);
    }

    absl::StatusOr<v1::CorpusStats> source_stats = source_client_->GetStats({});
    absl::StatusOr<v1::CorpusStats> target_stats = target_client_->GetStats({});
    ASSERT_TRUE(source_stats.ok() && target_stats.ok());
    EXPECT_TRUE(MessageDifferencer::Equals(*source_stats, *target_stats))
        << source_stats->ShortDebugString() << "\nvs\n" << target_stats->ShortDebugString();

    for (const char* query : kQueries) {
      SCOPED_TRACE(query);
      v1::SearchRequest request;
      request.set_query(query);
      absl::StatusOr<v1::SearchResponse> source_hits = source_client_->Search(request, {});
      absl::StatusOr<v1::SearchResponse> target_hits = target_client_->Search(request, {});
      ASSERT_TRUE(source_hits.ok()) << source_hits.status();
      ASSERT_TRUE(target_hits.ok()) << target_hits.status();
      EXPECT_GT(source_hits->total_size(), 0);
      EXPECT_EQ(target_hits->total_size(), source_hits->total_size());
      std::set<std::string> source_ids, target_ids;
      for (const v1::SearchHit& hit : source_hits->hits()) source_ids.insert(hit.document().id());
      for (const v1::SearchHit& hit : target_hits->hits()) {
        target_ids.insert(hit.document().id());
        EXPECT_GT(hit.score(), 0);
        EXPECT_THAT(hit.snippet(), HasSubstr("["));
      }
      EXPECT_EQ(target_ids, source_ids);
    }
  }

  static testing::PostgresServer* postgres_;
  static testing::TempDir* source_dir_;
  static testing::KorpusCluster* source_;
  testing::TempDir target_dir_;
  std::unique_ptr<testing::KorpusCluster> target_;
  std::unique_ptr<CorpusClient> source_client_;
  std::unique_ptr<CorpusClient> target_client_;
};

testing::PostgresServer* ExportImportEndToEndTest::postgres_ = nullptr;
testing::TempDir* ExportImportEndToEndTest::source_dir_ = nullptr;
testing::KorpusCluster* ExportImportEndToEndTest::source_ = nullptr;

TEST_F(ExportImportEndToEndTest, JsonlThroughAPipeFromSqliteIntoPostgres) {
  const std::string log = absl::StrCat(target_dir_.path(), "/import.out");
  ASSERT_TRUE(
      Shell(absl::StrCat(Korpusctl(*source_), " export | ", Korpusctl(*target_), " import"), log)
          .ok());
  // A failed export would end the pipe early: the import's count tells.
  EXPECT_THAT(ReadFile(log), HasSubstr("5 documents: 5 created, 0 duplicates"));
  ExpectSameCorpus();
}

TEST_F(ExportImportEndToEndTest, BinaryThroughAFileFromSqliteIntoPostgresTwice) {
  const std::string file = absl::StrCat(target_dir_.path(), "/corpus.bin");
  const std::string log = absl::StrCat(target_dir_.path(), "/export.err");
  ASSERT_TRUE(Shell(absl::StrCat(Korpusctl(*source_), " export --format=binary 2>", Quoted(log),
                                 " >", Quoted(file), "; cat ", Quoted(log)),
                    absl::StrCat(log, ".out"))
                  .ok());
  EXPECT_THAT(ReadFile(log), HasSubstr("exported 5 documents"));
  const std::string import_log = absl::StrCat(target_dir_.path(), "/import.out");
  ASSERT_TRUE(Shell(absl::StrCat(Korpusctl(*target_), " import --format=binary ", Quoted(file)),
                    import_log)
                  .ok());
  EXPECT_THAT(ReadFile(import_log), HasSubstr("5 documents: 5 created, 0 duplicates"));
  // Importing again changes nothing.
  ASSERT_TRUE(Shell(absl::StrCat(Korpusctl(*target_), " import --format=binary - <",
                                 Quoted(file)),
                    import_log)
                  .ok());
  EXPECT_THAT(ReadFile(import_log), HasSubstr("5 documents: 0 created, 5 duplicates"));
  ExpectSameCorpus();
}

TEST_F(ExportImportEndToEndTest, MalformedInputFailsNamingTheLine) {
  const std::string file = absl::StrCat(target_dir_.path(), "/broken.jsonl");
  std::ofstream(file) << "{\"id\": \"dx\", \"text\": \"Ein Text.\"}\nkein JSON\n";
  const std::string log = absl::StrCat(target_dir_.path(), "/import.out");
  EXPECT_FALSE(Shell(absl::StrCat(Korpusctl(*target_), " import ", Quoted(file)), log).ok());
  EXPECT_THAT(ReadFile(log), HasSubstr("line 2"));
}

}  // namespace
}  // namespace korpus
