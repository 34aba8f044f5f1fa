// PostgresStore's own concerns: schema bookkeeping, the database's locale,
// the connection pool and reconnecting. The behaviour every backend shares
// is tested in store_contract_test.cc.
#include "libs/store/postgres_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/store/store.h"
#include "tests/unit/store/store_backends.h"

namespace korpus::store {
namespace {

using ::testing::HasSubstr;

v1::Document MakeDocument(const std::string& id, const std::string& text) {
  v1::Document document;
  document.set_id(id);
  document.set_title("Titel");
  document.set_text(text);
  return document;
}

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(SharedPostgresServer().ok()) << SharedPostgresServer().status();
    absl::StatusOr<std::string> uri = FreshPostgresDatabase();
    ASSERT_TRUE(uri.ok()) << uri.status();
    uri_ = *uri;
    database_ = uri_.substr(uri_.rfind('/') + 1);
  }

  const testing::PostgresServer& server() const { return **SharedPostgresServer(); }

  int64_t QueryInt(const std::string& sql) {
    absl::StatusOr<std::string> value = server().QueryValue(sql, database_);
    EXPECT_TRUE(value.ok()) << value.status();
    int64_t number = -1;
    if (value.ok()) {
      EXPECT_TRUE(absl::SimpleAtoi(*value, &number)) << *value;
    }
    return number;
  }

  std::string uri_;
  std::string database_;
};

TEST_F(PostgresStoreTest, OpeningWritesTheSchemaVersionOnce) {
  for (int i = 0; i < 2; ++i) {
    absl::StatusOr<std::unique_ptr<Store>> store = OpenStore(uri_);
    ASSERT_TRUE(store.ok()) << store.status();
  }
  EXPECT_EQ(QueryInt("SELECT version FROM schema_version"), PostgresStore::SchemaVersion());
  EXPECT_EQ(QueryInt("SELECT count(*) FROM schema_version"), 1);
}

TEST_F(PostgresStoreTest, ConcurrentOpenersMigrateOnce) {
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([this] {
      absl::StatusOr<std::unique_ptr<Store>> store = OpenStore(uri_);
      EXPECT_TRUE(store.ok()) << store.status();
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(QueryInt("SELECT version FROM schema_version"), PostgresStore::SchemaVersion());
}

TEST_F(PostgresStoreTest, RefusesADatabaseWithoutAUtf8Locale) {
  const std::string name = absl::StrCat(database_, "_c");
  ASSERT_TRUE(server()
                  .Execute(absl::StrCat("CREATE DATABASE ", name,
                                        " ENCODING 'UTF8' LC_CTYPE 'C' LC_COLLATE 'C' "
                                        "TEMPLATE template0"))
                  .ok());
  absl::StatusOr<std::unique_ptr<Store>> store = OpenStore(server().Uri(name));
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(store.status().message()), HasSubstr("LC_CTYPE"));
}

TEST_F(PostgresStoreTest, MissingDatabaseIsUnavailable) {
  absl::StatusOr<std::unique_ptr<Store>> store = OpenStore(server().Uri("gibt_es_nicht"));
  EXPECT_EQ(store.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(store.status().message()), HasSubstr("gibt_es_nicht"));
}

TEST_F(PostgresStoreTest, ABrokenConnectionFailsOneCallThenReconnects) {
  absl::StatusOr<std::unique_ptr<Store>> store = OpenStore(uri_);
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE((*store)->Put(MakeDocument("bleibt", "Vor dem Abbruch gespeichert.")).ok());

  // An administrator (or a server restart) ends every session of the store.
  EXPECT_GE(QueryInt(absl::StrCat("SELECT count(pg_terminate_backend(pid, 5000)) FROM "
                                  "pg_stat_activity WHERE datname = '",
                                  database_, "' AND pid <> pg_backend_pid()")),
            1);
  absl::StatusOr<v1::Document> during = (*store)->Get("bleibt");
  EXPECT_EQ(during.status().code(), absl::StatusCode::kUnavailable) << during.status();

  absl::StatusOr<v1::Document> after = (*store)->Get("bleibt");
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->text(), "Vor dem Abbruch gespeichert.");
  EXPECT_TRUE((*store)->Put(MakeDocument("danach", "Nach dem Abbruch.")).ok());
}

TEST_F(PostgresStoreTest, ThePoolBoundsConnections) {
  absl::StatusOr<std::unique_ptr<PostgresStore>> store =
      PostgresStore::Open({.conninfo = uri_, .max_connections = 2});
  ASSERT_TRUE(store.ok()) << store.status();
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&store, t] {
      for (int i = 0; i < 10; ++i) {
        EXPECT_TRUE(
            (*store)->Put(MakeDocument(absl::StrCat("t", t, "-", i), "Gleichzeitig.")).ok());
        v1::SearchRequest request;
        request.set_query("gleichzeitig");
        EXPECT_TRUE((*store)->Search(request).ok());
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ((*store)->Stats()->document_count(), 60);
  EXPECT_LE(QueryInt(absl::StrCat("SELECT count(*) FROM pg_stat_activity WHERE datname = '",
                                  database_, "' AND application_name = 'korpus-storage'")),
            2);
  EXPECT_EQ(PostgresStore::Open({.conninfo = uri_, .max_connections = 0}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace korpus::store
