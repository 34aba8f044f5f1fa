// The store backends the contract tests run against, behind one interface:
// each test gets fresh, empty storage, can reopen it, and can run SQL behind
// the store's back (fault injection). PostgreSQL runs in a throw-away server
// started once per test binary (a gtest Environment) with a fresh database
// per test.
#ifndef KORPUS_TESTS_UNIT_STORE_STORE_BACKENDS_H_
#define KORPUS_TESTS_UNIT_STORE_STORE_BACKENDS_H_

#include <functional>
#include <ostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "libs/store/store.h"
#include "tests/testing/postgres_server.h"

namespace korpus::store {

class StoreBackend {
 public:
  virtual ~StoreBackend() = default;
  // Prepares fresh, empty storage for one test. A failure fails the test
  // (e.g. PostgreSQL binaries missing).
  virtual absl::Status Prepare() = 0;
  // The spec of that storage, for OpenStore; the same on every call.
  virtual std::string Spec() const = 0;
  // Runs SQL on the storage through a connection of its own.
  virtual absl::Status Execute(const std::string& sql) = 0;
  // SQL making every insert into `table` fail with "injected failure", and
  // SQL undoing that.
  virtual std::string InjectInsertFailureSql(const std::string& table) const = 0;
  virtual std::string RemoveInsertFailureSql(const std::string& table) const = 0;
  // The schema version the backend writes, and SQL pretending the storage
  // has `version` instead.
  virtual int SchemaVersion() const = 0;
  virtual std::string SetSchemaVersionSql(int version) const = 0;
  // Cleans up after the test (the store is closed by then).
  virtual void CleanUp() {}
};

struct BackendFactory {
  std::string name;
  std::function<std::unique_ptr<StoreBackend>()> make;
};

// Test names and failure messages show the backend's name.
inline void PrintTo(const BackendFactory& factory, std::ostream* out) { *out << factory.name; }

// SQLite in a file under the test's temporary directory, and PostgreSQL.
std::vector<BackendFactory> AllBackends();

// The throw-away server of this test binary, or why it could not start.
const absl::StatusOr<std::unique_ptr<testing::PostgresServer>>& SharedPostgresServer();

// A new database on the shared server, named uniquely; its URI.
absl::StatusOr<std::string> FreshPostgresDatabase();

}  // namespace korpus::store

#endif  // KORPUS_TESTS_UNIT_STORE_STORE_BACKENDS_H_
