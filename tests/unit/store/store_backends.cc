#include "tests/unit/store/store_backends.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "libs/store/postgres_store.h"
#include "libs/store/sqlite_store.h"

namespace korpus::store {
namespace {

// Starts the server before the first test and stops it after the last, so
// that all PostgreSQL tests of the binary share one server (~1 s to start).
class PostgresEnvironment : public ::testing::Environment {
 public:
  void SetUp() override { server_ = testing::PostgresServer::Start(); }
  void TearDown() override { server_ = absl::UnknownError("stopped"); }

  static PostgresEnvironment* instance;
  absl::StatusOr<std::unique_ptr<testing::PostgresServer>> server_ =
      absl::FailedPreconditionError("the PostgreSQL test environment is not set up");
};

PostgresEnvironment* PostgresEnvironment::instance = static_cast<PostgresEnvironment*>(
    ::testing::AddGlobalTestEnvironment(new PostgresEnvironment));

class SqliteBackend final : public StoreBackend {
 public:
  absl::Status Prepare() override {
    static std::atomic<int> counter{0};
    path_ = absl::StrCat(::testing::TempDir(), "store_contract_", getpid(), "_", counter++, ".db");
    RemoveFiles();
    return absl::OkStatus();
  }
  std::string Spec() const override { return absl::StrCat("sqlite:", path_); }

  absl::Status Execute(const std::string& sql) override {
    sqlite3* db = nullptr;
    if (sqlite3_open(path_.c_str(), &db) != SQLITE_OK) {
      sqlite3_close(db);
      return absl::InternalError(absl::StrCat("cannot open ", path_));
    }
    char* error = nullptr;
    absl::Status status;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
      status = absl::InternalError(absl::StrCat(sql, ": ", error != nullptr ? error : ""));
    }
    sqlite3_free(error);
    sqlite3_close(db);
    return status;
  }
  std::string InjectInsertFailureSql(const std::string& table) const override {
    return absl::StrCat("CREATE TRIGGER inject_failure BEFORE INSERT ON ", table,
                        " BEGIN SELECT RAISE(ABORT, 'injected failure'); END;");
  }
  std::string RemoveInsertFailureSql(const std::string& table) const override {
    return "DROP TRIGGER inject_failure";
  }
  int SchemaVersion() const override { return SqliteStore::SchemaVersion(); }
  std::string SetSchemaVersionSql(int version) const override {
    return absl::StrCat("PRAGMA user_version = ", version);
  }
  void CleanUp() override { RemoveFiles(); }

 private:
  void RemoveFiles() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path_ + suffix).c_str());
  }
  std::string path_;
};

class PostgresBackend final : public StoreBackend {
 public:
  absl::Status Prepare() override {
    absl::StatusOr<std::string> uri = FreshPostgresDatabase();
    if (!uri.ok()) return uri.status();
    uri_ = *uri;
    database_ = uri_.substr(uri_.rfind('/') + 1);
    return absl::OkStatus();
  }
  std::string Spec() const override { return uri_; }
  absl::Status Execute(const std::string& sql) override {
    return (*SharedPostgresServer())->Execute(sql, database_);
  }
  std::string InjectInsertFailureSql(const std::string& table) const override {
    return absl::StrCat(
        "CREATE OR REPLACE FUNCTION inject_failure() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'injected failure'; END $$; "
        "CREATE TRIGGER inject_failure BEFORE INSERT ON ", table,
        " FOR EACH ROW EXECUTE FUNCTION inject_failure();");
  }
  std::string RemoveInsertFailureSql(const std::string& table) const override {
    return absl::StrCat("DROP TRIGGER inject_failure ON ", table);
  }
  int SchemaVersion() const override { return PostgresStore::SchemaVersion(); }
  std::string SetSchemaVersionSql(int version) const override {
    return absl::StrCat("UPDATE schema_version SET version = ", version);
  }
  void CleanUp() override {
    if (!database_.empty()) {
      (*SharedPostgresServer())
          ->Execute(absl::StrCat("DROP DATABASE \"", database_, "\" WITH (FORCE)"))
          .IgnoreError();
    }
  }

 private:
  std::string uri_;
  std::string database_;
};

}  // namespace

const absl::StatusOr<std::unique_ptr<testing::PostgresServer>>& SharedPostgresServer() {
  return PostgresEnvironment::instance->server_;
}

absl::StatusOr<std::string> FreshPostgresDatabase() {
  const auto& server = SharedPostgresServer();
  if (!server.ok()) return server.status();
  static std::atomic<int> counter{0};
  const std::string name = absl::StrCat("korpus_test_", counter++);
  if (absl::Status status = (*server)->CreateDatabase(name); !status.ok()) return status;
  return (*server)->Uri(name);
}

std::vector<BackendFactory> AllBackends() {
  return {
      {"Sqlite", [] { return std::make_unique<SqliteBackend>(); }},
      {"Postgres", [] { return std::make_unique<PostgresBackend>(); }},
  };
}

}  // namespace korpus::store
