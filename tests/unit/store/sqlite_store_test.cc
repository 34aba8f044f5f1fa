// SqliteStore's own storage: the file, its schema bookkeeping and the
// specs OpenStore accepts. The behaviour every backend shares is tested in
// store_contract_test.cc.
#include "libs/store/sqlite_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/store/store.h"

namespace korpus::store {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

v1::Document MakeDocument(const std::string& id, const std::string& text) {
  v1::Document document;
  document.set_id(id);
  document.set_title("Titel");
  document.set_text(text);
  return document;
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = absl::StrCat(::testing::TempDir(), "sqlite_store_test_",
                         ::testing::UnitTest::GetInstance()->current_test_info()->name(), ".db");
    RemoveFiles();
  }
  void TearDown() override { RemoveFiles(); }

  void RemoveFiles() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path_ + suffix).c_str());
  }

  std::string path_;
};

TEST_F(SqliteStoreTest, OpeningWritesTheSchemaVersion) {
  {
    absl::StatusOr<std::unique_ptr<Store>> store = OpenStore(absl::StrCat("sqlite:", path_));
    ASSERT_TRUE(store.ok()) << store.status();
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(stmt, 0), SqliteStore::SchemaVersion());
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

TEST_F(SqliteStoreTest, RefusesAFileThatIsNotADatabase) {
  std::FILE* file = std::fopen(path_.c_str(), "wb");
  ASSERT_NE(file, nullptr);
  const std::string junk(4096, 'x');
  std::fwrite(junk.data(), 1, junk.size(), file);
  std::fclose(file);
  absl::StatusOr<std::unique_ptr<Store>> store = OpenStore(absl::StrCat("sqlite:", path_));
  EXPECT_EQ(store.status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(SqliteStoreTest, ReaderConnectionsMustBeAtLeastOne) {
  absl::StatusOr<std::unique_ptr<SqliteStore>> store =
      SqliteStore::Open(SqliteOptions{.path = path_, .reader_connections = 0});
  EXPECT_EQ(store.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(store.status().message(), HasSubstr("reader_connections"));
}

TEST_F(SqliteStoreTest, ReadsFromManyThreadsShareThePoolWhileWritesGoOn) {
  // More reading threads than reader connections, so that reads wait for a
  // connection; every read succeeds and sees only committed documents.
  absl::StatusOr<std::unique_ptr<SqliteStore>> opened =
      SqliteStore::Open(SqliteOptions{.path = path_, .reader_connections = 2});
  ASSERT_TRUE(opened.ok()) << opened.status();
  SqliteStore& store = **opened;
  ASSERT_TRUE(store.Put(MakeDocument("erste", "Der Fluss führt Hochwasser.")).ok());
  constexpr int kWrites = 20;
  std::thread writer([&] {
    for (int i = 0; i < kWrites; ++i) {
      EXPECT_TRUE(store.Put(MakeDocument(absl::StrCat("neu", i), "Das Hochwasser sinkt.")).ok());
    }
  });
  std::vector<std::thread> readers;
  for (int t = 0; t < 5; ++t) {
    readers.emplace_back([&] {
      int64_t last_total = 0;
      for (int i = 0; i < 30; ++i) {
        v1::SearchRequest request;
        request.set_query("Hochwasser");
        absl::StatusOr<v1::SearchResponse> hits = store.Search(request);
        ASSERT_TRUE(hits.ok()) << hits.status();
        // Commits only add documents: a later read never sees fewer.
        EXPECT_GE(hits->total_size(), last_total);
        EXPECT_LE(hits->total_size(), kWrites + 1);
        last_total = hits->total_size();
        EXPECT_TRUE(store.Get("erste", v1::DOCUMENT_VIEW_BASIC).ok());
      }
    });
  }
  writer.join();
  for (std::thread& reader : readers) reader.join();
  v1::SearchRequest request;
  request.set_query("Hochwasser");
  absl::StatusOr<v1::SearchResponse> hits = store.Search(request);
  ASSERT_TRUE(hits.ok()) << hits.status();
  EXPECT_EQ(hits->total_size(), kWrites + 1);
}

TEST(OpenStoreTest, InMemoryWorks) {
  absl::StatusOr<std::unique_ptr<Store>> store = OpenStore("sqlite::memory:");
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE((*store)->Put(MakeDocument("m", "Flüchtiger Text im Speicher.")).ok());
  v1::SearchRequest request;
  request.set_query("flüchtiger");
  absl::StatusOr<v1::SearchResponse> response = (*store)->Search(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->total_size(), 1);
}

TEST(OpenStoreTest, RejectsUnknownSchemesAndEmptyPaths) {
  absl::StatusOr<std::unique_ptr<Store>> store = OpenStore("mysql://localhost/korpus");
  EXPECT_EQ(store.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(store.status().message()), HasSubstr("sqlite:PATH"));
  EXPECT_THAT(std::string(store.status().message()), HasSubstr("postgresql://"));
  EXPECT_EQ(OpenStore("sqlite:").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(OpenStore("").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(OpenStoreTest, MissingDirectoryIsAFailedPrecondition) {
  absl::StatusOr<std::unique_ptr<Store>> store =
      OpenStore("sqlite:/nonexistent-korpus-dir/sub/korpus.db");
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(OpenStoreTest, UnreachablePostgresIsUnavailable) {
  // Port 1 on loopback: nothing listens there, the connection is refused.
  absl::StatusOr<std::unique_ptr<Store>> store =
      OpenStore("postgresql://korpus:geheim@127.0.0.1:1/korpus?connect_timeout=2");
  EXPECT_EQ(store.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(store.status().message()), Not(HasSubstr("geheim")));
}

TEST(RedactStoreSpecTest, HidesPasswords) {
  EXPECT_EQ(RedactStoreSpec("postgresql://korpus:geheim@db:5432/korpus"),
            "postgresql://korpus:***@db:5432/korpus");
  EXPECT_EQ(RedactStoreSpec("postgresql://korpus@db/korpus?password=geheim&sslmode=require"),
            "postgresql://korpus@db/korpus?password=***&sslmode=require");
  EXPECT_EQ(RedactStoreSpec("postgresql://db/korpus"), "postgresql://db/korpus");
  EXPECT_EQ(RedactStoreSpec("sqlite:/var/lib/korpus/korpus.db"), "sqlite:/var/lib/korpus/korpus.db");
}

}  // namespace
}  // namespace korpus::store
