// A throw-away PostgreSQL server for tests: initdb into a fresh temporary
// directory, started by pg_ctl on a free loopback port (and a Unix socket in
// that directory), stopped and deleted by the destructor. It never touches
// the machine's own clusters.
//
// Running as root, initdb and the server run as the `postgres` user (initdb
// refuses root) and the directory is created under /tmp, which that user
// can reach; otherwise as the current user under $TMPDIR (or /tmp).
//
// The server binaries (initdb, pg_ctl) are looked for in
// $KORPUS_POSTGRES_BIN_DIR, else in the directory CMake compiled in
// (Debian's /usr/lib/postgresql/15/bin, not on PATH). If they are missing,
// Start fails with FAILED_PRECONDITION saying so: tests should fail, not
// skip, since scripts/setup.sh installs them.
//
// Example:
//   absl::StatusOr<std::unique_ptr<PostgresServer>> server = PostgresServer::Start();
//   ASSERT_TRUE(server.ok()) << server.status();
//   ASSERT_TRUE((*server)->CreateDatabase("t1").ok());
//   OpenStore((*server)->Uri("t1"));
#ifndef KORPUS_TESTS_TESTING_POSTGRES_SERVER_H_
#define KORPUS_TESTS_TESTING_POSTGRES_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace korpus::testing {

struct PostgresServerOptions {
  // False (tests): fsync, synchronous commit and full-page writes are off,
  // which is fast and fine for data thrown away. True (benchmarks): the
  // server's defaults, so that a commit is on disk when it returns.
  bool durable = false;
};

class PostgresServer {
 public:
  // initdb + pg_ctl start -w (which returns once the server accepts
  // connections; no sleeping). Retries on another port if the chosen one
  // was taken in the meantime.
  static absl::StatusOr<std::unique_ptr<PostgresServer>> Start(
      const PostgresServerOptions& options = {});
  // pg_ctl stop -m immediate, then removes the directory.
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  int port() const { return port_; }
  // The superuser every database belongs to ("test", trusted, no password).
  static constexpr char kUser[] = "test";
  // postgresql://test@127.0.0.1:PORT/DATABASE, for OpenStore and libpq.
  std::string Uri(const std::string& database) const;

  // Runs `sql` (one or more statements, no results) in `database`.
  absl::Status Execute(const std::string& sql, const std::string& database = "postgres") const;
  // The first column of the first row of `sql`'s result, as text ("" for
  // no rows or NULL).
  absl::StatusOr<std::string> QueryValue(const std::string& sql,
                                         const std::string& database = "postgres") const;
  // CREATE DATABASE with UTF-8 encoding and the C.UTF-8 locale.
  absl::Status CreateDatabase(const std::string& name) const;

 private:
  PostgresServer(std::string dir, std::string bin_dir, bool as_postgres, int port)
      : dir_(std::move(dir)), bin_dir_(std::move(bin_dir)), as_postgres_(as_postgres),
        port_(port) {}

  std::string dir_;
  std::string bin_dir_;
  bool as_postgres_;
  int port_;
};

}  // namespace korpus::testing

#endif  // KORPUS_TESTS_TESTING_POSTGRES_SERVER_H_
