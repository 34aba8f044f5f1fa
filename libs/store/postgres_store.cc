#include "libs/store/postgres_store.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <deque>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/substitute.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "libs/server/status_macros.h"
#include "libs/store/cooccurrence_rows.h"
#include "libs/store/document_row.h"
#include "libs/store/entity_rows.h"
#include "libs/store/extraction_rows.h"
#include "libs/store/paging.h"
#include "libs/store/query.h"
#include "libs/store/search_terms.h"
#include "libs/store/removal.h"
#include "libs/store/story_rows.h"
#include "libs/store/watch.h"

namespace korpus::store {
namespace {

// Schema migrations, applied in order at open. Append only: never edit a
// released migration; a new version gets a new entry.
// `backfill`, if set, runs after the SQL in the same transaction, for what
// SQL alone cannot derive (e.g. rows from the serialized annotations).
struct Migration {
  int version;
  const char* sql;
  absl::Status (*backfill)(PostgresStore::Connection& connection) = nullptr;
  // Like backfill, for what needs the store's German morphology.
  absl::Status (*backfill_search)(PostgresStore::Connection& connection,
                                  const SearchMorphology& morphology) = nullptr;
};

absl::Status BackfillLemmas(PostgresStore::Connection& connection,
                            const SearchMorphology& morphology);

absl::Status BackfillEntities(PostgresStore::Connection& connection);

constexpr Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE documents (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id text NOT NULL UNIQUE,
  title text NOT NULL,
  language text NOT NULL,
  content_hash text NOT NULL,
  source_uri text NOT NULL,
  published_at_seconds bigint,
  published_at_nanos integer NOT NULL,
  ingested_at_micros bigint NOT NULL,
  state smallint NOT NULL,
  state_reason text NOT NULL,
  char_count integer NOT NULL,
  sentence_count integer NOT NULL,
  token_count integer NOT NULL,
  metadata bytea NOT NULL,
  text text NOT NULL,
  paragraphs bytea NOT NULL,
  search tsvector NOT NULL
);
CREATE INDEX documents_search_idx ON documents USING gin (search);
CREATE TABLE annotations (
  document_seq bigint PRIMARY KEY REFERENCES documents (seq) ON DELETE CASCADE,
  model_name text NOT NULL,
  model_version text NOT NULL,
  data bytea NOT NULL
);
)sql"},
    {2, R"sql(
CREATE TABLE entities (
  entity_id text PRIMARY KEY,
  canonical_name text NOT NULL,
  canonical_key text NOT NULL,
  canonical_count bigint NOT NULL,
  person_count bigint NOT NULL,
  organization_count bigint NOT NULL,
  location_count bigint NOT NULL,
  other_count bigint NOT NULL,
  type integer GENERATED ALWAYS AS (
    CASE
      WHEN person_count + organization_count + location_count + other_count = 0 THEN 0
      WHEN person_count >= organization_count AND person_count >= location_count
           AND person_count >= other_count THEN 1
      WHEN organization_count >= location_count AND organization_count >= other_count THEN 2
      WHEN location_count >= other_count THEN 3
      ELSE 4
    END) STORED,
  document_count bigint NOT NULL,
  mention_count bigint NOT NULL,
  salience_sum double precision NOT NULL,
  salience_max double precision NOT NULL
);
CREATE INDEX entities_by_document_count ON entities (document_count DESC, entity_id);
CREATE TABLE document_entities (
  document_seq bigint NOT NULL REFERENCES documents (seq) ON DELETE CASCADE,
  entity_id text NOT NULL,
  salience double precision NOT NULL,
  mention_count bigint NOT NULL,
  PRIMARY KEY (document_seq, entity_id)
);
-- Index-only scans for entity filters (in ingestion order) and GetEntity's
-- pages (sorted by salience).
CREATE INDEX document_entities_by_entity
  ON document_entities (entity_id, document_seq) INCLUDE (salience, mention_count);
CREATE TABLE entity_names (
  entity_id text NOT NULL,
  name text NOT NULL,
  document_count bigint NOT NULL,
  canonical_count bigint NOT NULL,
  PRIMARY KEY (entity_id, name)
);
)sql",
     &BackfillEntities},
    // Quotes, timeline and term frequencies (libs/store/extraction_rows.h).
    // Documents stored before have none: their annotations had no such
    // layers.
    {3, R"sql(
CREATE TABLE term_frequencies (
  term text PRIMARY KEY,
  document_count bigint NOT NULL
);
CREATE TABLE quotes (
  document_seq bigint NOT NULL REFERENCES documents(seq) ON DELETE CASCADE,
  quote_index bigint NOT NULL,
  document_time bigint NOT NULL,
  speaker_entity_id text NOT NULL,
  kind bigint NOT NULL,
  text text NOT NULL,
  search tsvector NOT NULL,
  record bytea NOT NULL,
  PRIMARY KEY (document_seq, quote_index)
);
CREATE INDEX quotes_by_time ON quotes (document_time DESC, document_seq DESC, quote_index);
CREATE INDEX quotes_by_speaker
  ON quotes (speaker_entity_id, document_time DESC, document_seq DESC, quote_index);
CREATE INDEX quotes_search_idx ON quotes USING gin (search);
CREATE TABLE timeline (
  document_seq bigint NOT NULL REFERENCES documents(seq) ON DELETE CASCADE,
  date_index bigint NOT NULL,
  resolved bigint NOT NULL,
  start_day bigint,
  end_day bigint,
  granularity bigint NOT NULL,
  record bytea NOT NULL,
  PRIMARY KEY (document_seq, date_index)
);
CREATE INDEX timeline_by_day
  ON timeline (resolved DESC, start_day, end_day, document_seq, date_index);
CREATE TABLE timeline_entities (
  entity_id text NOT NULL,
  document_seq bigint NOT NULL,
  date_index bigint NOT NULL,
  PRIMARY KEY (entity_id, document_seq, date_index)
);
)sql"},
    // Stories (libs/store/story_rows.h). Documents stored before belong to
    // none: stories need the term frequencies of the corpus as each
    // document was stored.
    {4, R"sql(
CREATE TABLE stories (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  story_id text NOT NULL UNIQUE,
  label text NOT NULL,
  document_count bigint NOT NULL,
  first_seen_micros bigint NOT NULL,
  last_seen_micros bigint NOT NULL,
  summary bytea NOT NULL,
  state bytea NOT NULL
);
CREATE INDEX stories_by_last_seen ON stories (last_seen_micros DESC, story_id);
CREATE TABLE story_documents (
  story_seq bigint NOT NULL REFERENCES stories (seq) ON DELETE CASCADE,
  position bigint NOT NULL,
  document_seq bigint NOT NULL REFERENCES documents (seq) ON DELETE CASCADE,
  similarity double precision NOT NULL,
  PRIMARY KEY (story_seq, position)
);
CREATE INDEX story_documents_by_document ON story_documents (document_seq, story_seq);
)sql"},
    // German-aware search (search_terms.h): the lemma terms join the
    // surface words in `search`, recomputed for the documents stored before.
    {5, R"sql(
COMMENT ON COLUMN documents.search IS
  'to_tsvector(simple) of title and text (weight D), then the lemma terms (weight A) at even positions after them';
)sql",
     nullptr, &BackfillLemmas},
    // The gateway's reconciler lists PENDING documents oldest first
    // (ListDocumentsRequest.state), and Reannotate selects by state. (IF NOT
    // EXISTS: tests re-run migrations on databases that kept the index.)
    {6, R"sql(
CREATE INDEX IF NOT EXISTS documents_by_state ON documents (state, seq);
)sql"},
    // Watch positions (Store::PollWatch): documents.watch_seq, assigned
    // when a document becomes ANNOTATED; the annotated documents stored
    // before get theirs in ingestion order, after any existing position.
    {7, R"sql(
ALTER TABLE documents ADD COLUMN IF NOT EXISTS watch_seq bigint;
CREATE UNIQUE INDEX IF NOT EXISTS documents_by_watch_seq ON documents (watch_seq);
UPDATE documents SET watch_seq = (SELECT coalesce(max(watch_seq), 0) FROM documents) + seq
  WHERE state = 2 AND watch_seq IS NULL;
)sql"},
};

constexpr int kLatestVersion = kMigrations[std::size(kMigrations) - 1].version;

// Advisory lock keys (a pair of int4): korpus's namespace, then what for.
constexpr char kMigrationLock[] = "SELECT pg_advisory_xact_lock(1802466928, 1)";
constexpr char kWriteLock[] = "SELECT pg_advisory_xact_lock(1802466928, 2)";


// Type OIDs of the parameters we send (pg_type.h, stable across versions).
constexpr Oid kInt8Oid = 20;
constexpr Oid kTextOid = 25;
constexpr Oid kByteaOid = 17;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kInt4Oid = 23;
constexpr Oid kInt2Oid = 21;

// Maps a failed command to the house status codes, by SQLSTATE: a lost
// connection, a server shutting down, lock and serialisation conflicts may
// pass (UNAVAILABLE, retry); out of disk or memory is a limit; corruption is
// data loss; privileges, a read-only server or a wrong database are
// deployment problems; anything else (syntax, constraint) is a bug.
absl::Status PgError(PGconn* conn, const PGresult* result, std::string_view what) {
  const char* detail = result != nullptr ? PQresultErrorMessage(result) : "";
  if (detail == nullptr || *detail == '\0') detail = PQerrorMessage(conn);
  std::string message = absl::StrCat("postgresql: ", std::string(what), ": ", detail);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  if (PQstatus(conn) != CONNECTION_OK) {
    return absl::UnavailableError(absl::StrCat(message, " (connection lost)"));
  }
  const char* sqlstate = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string_view code = sqlstate != nullptr ? sqlstate : "";
  const std::string_view klass = code.substr(0, 2);
  if (klass == "08" || code == "57P01" || code == "57P02" || code == "57P03" ||
      code == "53300" || code == "40001" || code == "40P01" || code == "55P03" ||
      code == "57014") {
    return absl::UnavailableError(message);
  }
  if (klass == "53") return absl::ResourceExhaustedError(message);
  if (code == "XX001" || code == "XX002") return absl::DataLossError(message);
  if (klass == "28" || klass == "3D" || code == "42501" || code == "25006") {
    return absl::FailedPreconditionError(message);
  }
  return absl::InternalError(message);
}

// Statement parameters, all sent in binary format with explicit types, so
// that nothing is parsed from text on the server and nothing is spliced into
// SQL.
class Params {
 public:
  Params() = default;
  Params(const Params&) = delete;  // values_ may point into owned_
  Params& operator=(const Params&) = delete;

  Params& Text(std::string_view value) { return Add(value, kTextOid); }
  Params& Bytes(std::string_view value) { return Add(value, kByteaOid); }
  // Text that the parameters keep (for a value computed on the spot).
  Params& OwnedText(std::string value) {
    return Add(owned_.emplace_back(std::move(value)), kTextOid);
  }
  Params& Int(int64_t value) {
    std::string& bytes = owned_.emplace_back(8, '\0');
    const uint64_t u = static_cast<uint64_t>(value);
    for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>(u >> (56 - 8 * i));
    return Add(bytes, kInt8Oid);
  }
  Params& Double(double value) {
    uint64_t bits = 0;
    std::memcpy(&bits, &value, sizeof bits);
    std::string& bytes = owned_.emplace_back(8, '\0');
    for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>(bits >> (56 - 8 * i));
    return Add(bytes, kFloat8Oid);
  }
  Params& NullInt() {
    types_.push_back(kInt8Oid);
    values_.push_back(nullptr);
    lengths_.push_back(0);
    formats_.push_back(1);
    return *this;
  }

  int size() const { return static_cast<int>(values_.size()); }
  const Oid* types() const { return types_.data(); }
  const char* const* values() const { return values_.data(); }
  const int* lengths() const { return lengths_.data(); }
  const int* formats() const { return formats_.data(); }

 private:
  Params& Add(std::string_view value, Oid type) {
    types_.push_back(type);
    values_.push_back(value.empty() ? "" : value.data());
    lengths_.push_back(static_cast<int>(value.size()));
    formats_.push_back(1);
    return *this;
  }

  std::deque<std::string> owned_;  // Stable addresses for converted values.
  std::vector<Oid> types_;
  std::vector<const char*> values_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
};

// One row of a binary-format result: the accessors ReadDocument expects.
class Row {
 public:
  Row(const PGresult* result, int row) : result_(result), row_(row) {}

  bool IsNull(int column) const { return PQgetisnull(result_, row_, column) != 0; }
  // bigint, integer or smallint, by the value's size.
  int64_t Int64(int column) const {
    const auto* bytes = reinterpret_cast<const unsigned char*>(PQgetvalue(result_, row_, column));
    const int length = PQgetlength(result_, row_, column);
    uint64_t value = 0;
    for (int i = 0; i < length; ++i) value = (value << 8) | bytes[i];
    switch (length) {
      case 2:
        return static_cast<int16_t>(value);
      case 4:
        return static_cast<int32_t>(value);
      default:
        return static_cast<int64_t>(value);
    }
  }
  // double precision.
  double Double(int column) const {
    const uint64_t bits = static_cast<uint64_t>(Int64(column));
    double value = 0;
    std::memcpy(&value, &bits, sizeof value);
    return value;
  }
  std::string_view Text(int column) const {
    return std::string_view(PQgetvalue(result_, row_, column),
                            PQgetlength(result_, row_, column));
  }
  std::string_view Blob(int column) const { return Text(column); }

 private:
  const PGresult* result_;
  int row_;
};

// An owned PGresult of a successful command.
class Result {
 public:
  explicit Result(PGresult* result) : result_(result) {}
  Result(Result&& other) noexcept : result_(std::exchange(other.result_, nullptr)) {}
  Result& operator=(Result&&) = delete;
  ~Result() { PQclear(result_); }

  int rows() const { return PQntuples(result_); }
  Row row(int index) const { return Row(result_, index); }
  int columns() const { return PQnfields(result_); }
  Oid type(int column) const { return PQftype(result_, column); }

 private:
  PGresult* result_;
};

}  // namespace

class PostgresStore::Connection {
 public:
  static absl::StatusOr<std::unique_ptr<Connection>> Open(const PostgresOptions& options) {
    const std::string timeout =
        absl::StrCat(std::max<int64_t>(2, absl::ToInt64Seconds(options.connect_timeout)));
    // Defaults first: the connection string (expanded from dbname) overrides
    // them; client_encoding comes last because everything we send is UTF-8.
    const char* keywords[] = {"connect_timeout", "application_name", "dbname", "client_encoding",
                              nullptr};
    const char* values[] = {timeout.c_str(), "korpus-storage", options.conninfo.c_str(), "UTF8",
                            nullptr};
    PGconn* conn = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
    if (conn == nullptr) return absl::ResourceExhaustedError("postgresql: out of memory");
    auto connection = std::unique_ptr<Connection>(new Connection(conn));
    if (PQstatus(conn) != CONNECTION_OK) {
      std::string message = PQerrorMessage(conn);
      while (!message.empty() && message.back() == '\n') message.pop_back();
      return absl::UnavailableError(absl::StrCat("postgresql: cannot connect: ", message));
    }
    // Notices ("relation already exists, skipping", "query contains only
    // stop words") are expected and would otherwise go to stderr.
    PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
    return connection;
  }

  ~Connection() { PQfinish(conn_); }

  // Whether the connection can be used for another call: connected and not
  // left inside a transaction.
  bool reusable() const {
    return PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) == PQTRANS_IDLE;
  }
  bool broken() const { return PQstatus(conn_) != CONNECTION_OK; }

  // Runs one statement with `params`, results in binary format. Unnamed
  // statements (planned for the actual parameters each time), so that
  // search plans see the real query.
  absl::StatusOr<Result> Exec(const std::string& sql, const Params& params = Params()) {
    PGresult* result = PQexecParams(conn_, sql.c_str(), params.size(), params.types(),
                                    params.values(), params.lengths(), params.formats(),
                                    /*resultFormat=*/1);
    const ExecStatusType status = result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      absl::Status error = PgError(conn_, result, FirstLine(sql));
      PQclear(result);
      return error;
    }
    return Result(result);
  }

  // Runs `sql`, which may hold several statements, without parameters
  // (migrations, transaction control).
  absl::Status ExecScript(const std::string& sql) {
    PGresult* result = PQexec(conn_, sql.c_str());
    const ExecStatusType status = result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
    absl::Status error;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      error = PgError(conn_, result, FirstLine(sql));
    }
    PQclear(result);
    return error;
  }

 private:
  explicit Connection(PGconn* conn) : conn_(conn) {}

  // For messages: the statement's first non-empty line.
  static std::string FirstLine(std::string_view sql) {
    while (!sql.empty() && sql.front() == '\n') sql.remove_prefix(1);
    return std::string(sql.substr(0, std::min(sql.find('\n'), size_t{80})));
  }

  PGconn* conn_;
};

class PostgresStore::Pool {
 public:
  explicit Pool(PostgresOptions options) : options_(std::move(options)) {}

  // A connection for one call, returned to the pool when the lease ends.
  class Lease {
   public:
    Lease(Pool* pool, std::unique_ptr<Connection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    Lease(Lease&& other) noexcept
        : pool_(other.pool_), connection_(std::move(other.connection_)) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (connection_ != nullptr) pool_->Release(std::move(connection_));
    }
    Connection& operator*() const { return *connection_; }
    Connection* operator->() const { return connection_.get(); }

   private:
    Pool* pool_;
    std::unique_ptr<Connection> connection_;
  };

  // An idle connection, or a new one while fewer than max_connections are
  // open; otherwise waits for one to be released. UNAVAILABLE if
  // connecting fails.
  absl::StatusOr<Lease> Acquire() {
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](Pool* pool) {
            return !pool->idle_.empty() || pool->open_ < pool->options_.max_connections;
          },
          this));
      if (!idle_.empty()) {
        std::unique_ptr<Connection> connection = std::move(idle_.back());
        idle_.pop_back();
        return Lease(this, std::move(connection));
      }
      ++open_;  // Reserved while connecting, outside the lock.
    }
    absl::StatusOr<std::unique_ptr<Connection>> connection = Connection::Open(options_);
    if (!connection.ok()) {
      absl::MutexLock lock(&mu_);
      --open_;
      return connection.status();
    }
    return Lease(this, *std::move(connection));
  }

 private:
  // Keeps a healthy connection for the next call. A broken one is closed,
  // and so is every idle one: what broke one (a server restart, a network
  // cut) has most likely broken them all, and the next call should not
  // find out by failing.
  void Release(std::unique_ptr<Connection> connection) {
    std::vector<std::unique_ptr<Connection>> closing;
    absl::MutexLock lock(&mu_);
    if (connection->reusable()) {
      idle_.push_back(std::move(connection));
      return;
    }
    const bool broken = connection->broken();
    closing.push_back(std::move(connection));
    --open_;
    if (broken) {
      open_ -= static_cast<int>(idle_.size());
      for (auto& idle : idle_) closing.push_back(std::move(idle));
      idle_.clear();
    }
    // `closing` is destroyed after the lock is released (declared first).
  }

  const PostgresOptions options_;
  absl::Mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;
};

namespace {

using Connection = PostgresStore::Connection;

// A transaction on a leased connection; rolled back unless committed.
class Transaction {
 public:
  static absl::StatusOr<Transaction> Begin(Connection& connection, const char* begin = "BEGIN") {
    KORPUS_RETURN_IF_ERROR(connection.ExecScript(begin));
    return Transaction(connection);
  }
  Transaction(Transaction&& other) noexcept
      : connection_(other.connection_), open_(std::exchange(other.open_, false)) {}
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction() {
    // Nothing more to do if even this fails: the pool drops a connection
    // left in a transaction.
    if (open_) connection_.ExecScript("ROLLBACK").IgnoreError();
  }

  absl::Status Commit() {
    open_ = false;
    return connection_.ExecScript("COMMIT");
  }

 private:
  explicit Transaction(Connection& connection) : connection_(connection), open_(true) {}

  Connection& connection_;
  bool open_;
};

absl::Status CheckDatabase(Connection& connection) {
  KORPUS_ASSIGN_OR_RETURN(
      Result result,
      connection.Exec("SELECT current_database()::text, pg_encoding_to_char(encoding)::text, "
                      "datctype::text FROM pg_database WHERE datname = current_database()"));
  if (result.rows() != 1) return absl::InternalError("postgresql: current database not found");
  const Row row = result.row(0);
  const std::string name(row.Text(0));
  if (row.Text(1) != "UTF8") {
    return absl::FailedPreconditionError(absl::StrCat(
        "postgresql: database '", name, "' has encoding ", std::string(row.Text(1)),
        "; korpus needs UTF8 (CREATE DATABASE ... ENCODING 'UTF8')"));
  }
  const std::string_view ctype = row.Text(2);
  if (ctype == "C" || ctype == "POSIX") {
    return absl::FailedPreconditionError(absl::StrCat(
        "postgresql: database '", name, "' has LC_CTYPE '", std::string(ctype),
        "', under which full-text search takes every non-ASCII character for a letter and "
        "does not lower-case umlauts; create it with a UTF-8 locale (CREATE DATABASE ... "
        "LC_CTYPE 'C.UTF-8' LC_COLLATE 'C.UTF-8' TEMPLATE template0)"));
  }
  return absl::OkStatus();
}

absl::Status Migrate(Connection& connection, const SearchMorphology& morphology) {
  KORPUS_ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(connection));
  KORPUS_RETURN_IF_ERROR(connection.Exec(kMigrationLock).status());
  KORPUS_RETURN_IF_ERROR(connection.ExecScript(
      "CREATE TABLE IF NOT EXISTS schema_version ("
      "  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),"
      "  version integer NOT NULL)"));
  KORPUS_ASSIGN_OR_RETURN(Result current, connection.Exec("SELECT version FROM schema_version"));
  const int64_t version = current.rows() == 0 ? 0 : current.row(0).Int64(0);
  if (version > kLatestVersion) {
    return absl::FailedPreconditionError(absl::StrCat(
        "postgresql: the database has schema version ", version, ", newer than version ",
        kLatestVersion, " that this build understands; use a newer korpus-storage"));
  }
  if (version < 0) {
    return absl::DataLossError(
        absl::StrCat("postgresql: the database has an invalid schema version ", version));
  }
  if (version == kLatestVersion) return transaction.Commit();
  for (const Migration& migration : kMigrations) {
    if (migration.version <= version) continue;
    absl::Status status = connection.ExecScript(migration.sql);
    if (status.ok() && migration.backfill != nullptr) status = migration.backfill(connection);
    if (status.ok() && migration.backfill_search != nullptr) {
      status = migration.backfill_search(connection, morphology);
    }
    if (!status.ok()) {
      return absl::Status(status.code(), absl::StrCat("migrating to schema version ",
                                                      migration.version, ": ", status.message()));
    }
  }
  KORPUS_RETURN_IF_ERROR(
      connection
          .Exec("INSERT INTO schema_version (version) VALUES ($1) "
                "ON CONFLICT (singleton) DO UPDATE SET version = excluded.version",
                Params().Int(kLatestVersion))
          .status());
  return transaction.Commit();
}

// Rows per multi-row statement, well below libpq's 65535 parameters.
constexpr size_t kRowsPerStatement = 1000;

// Runs `sql_head` followed by one "(...)" VALUES tuple per item of `items`
// (from `tuple(item, first_param, params)`, which adds its parameters and
// returns its SQL) and `sql_tail`, in chunks of kRowsPerStatement; calls
// `on_result` with each chunk's result.
template <typename Item, typename Tuple, typename OnResult>
absl::Status ExecValues(Connection& connection, const std::vector<Item>& items,
                        std::string_view sql_head, std::string_view sql_tail, Tuple tuple,
                        OnResult on_result) {
  for (size_t begin = 0; begin < items.size(); begin += kRowsPerStatement) {
    const size_t end = std::min(items.size(), begin + kRowsPerStatement);
    Params params;
    std::string sql(sql_head);
    for (size_t i = begin; i < end; ++i) {
      if (i > begin) sql += ", ";
      sql += tuple(items[i], params.size() + 1, params);
    }
    sql += sql_tail;
    KORPUS_ASSIGN_OR_RETURN(Result result, connection.Exec(sql, params));
    on_result(result);
  }
  return absl::OkStatus();
}

// Writes the entity rows of the document `seq` (see entity_rows.h for the
// tables) inside the caller's write transaction: four multi-row
// statements for all the document's entities (canonical names, aliases,
// corpus-wide figures, document rows) instead of round trips per entity.
// Rows are distinct by entity_id (PrepareEntities merged them), as an
// upsert needs.
absl::Status WriteEntities(Connection& connection, int64_t seq,
                           const std::vector<internal::EntityRow>& rows) {
  if (rows.empty()) return absl::OkStatus();
  struct Name {
    const std::string* entity_id;
    const std::string* name;
  };
  std::vector<Name> aliases;
  for (const internal::EntityRow& row : rows) {
    for (size_t i = 1; i < row.names.size(); ++i) {
      aliases.push_back({&row.entity_id, &row.names[i]});
    }
  }
  constexpr char kNameUpsert[] =
      " ON CONFLICT (entity_id, name) DO UPDATE SET document_count = n.document_count + 1, "
      "canonical_count = n.canonical_count + excluded.canonical_count";
  // The canonical names' new counts decide whether they become the
  // entities' canonical names.
  absl::flat_hash_map<std::string, int64_t> canonical_counts;
  KORPUS_RETURN_IF_ERROR(ExecValues(
      connection, rows,
      "INSERT INTO entity_names AS n (entity_id, name, document_count, canonical_count) VALUES ",
      absl::StrCat(kNameUpsert, " RETURNING n.entity_id, n.canonical_count"),
      [](const internal::EntityRow& row, int first, Params& params) {
        params.Text(row.entity_id).Text(row.canonical_name);
        return absl::StrCat("($", first, ", $", first + 1, ", 1, 1)");
      },
      [&](const Result& result) {
        for (int i = 0; i < result.rows(); ++i) {
          canonical_counts[std::string(result.row(i).Text(0))] = result.row(i).Int64(1);
        }
      }));
  KORPUS_RETURN_IF_ERROR(ExecValues(
      connection, aliases,
      "INSERT INTO entity_names AS n (entity_id, name, document_count, canonical_count) VALUES ",
      kNameUpsert,
      [](const Name& alias, int first, Params& params) {
        params.Text(*alias.entity_id).Text(*alias.name);
        return absl::StrCat("($", first, ", $", first + 1, ", 1, 0)");
      },
      [](const Result&) {}));
  // Every right-hand side sees the row before the update.
  KORPUS_RETURN_IF_ERROR(ExecValues(
      connection, rows,
      "INSERT INTO entities AS e (entity_id, canonical_name, canonical_key, canonical_count, "
      "person_count, organization_count, location_count, other_count, document_count, "
      "mention_count, salience_sum, salience_max) VALUES ",
      " ON CONFLICT (entity_id) DO UPDATE SET "
      "canonical_name = CASE WHEN excluded.canonical_count > e.canonical_count "
      "THEN excluded.canonical_name ELSE e.canonical_name END, "
      "canonical_key = CASE WHEN excluded.canonical_count > e.canonical_count "
      "THEN excluded.canonical_key ELSE e.canonical_key END, "
      "canonical_count = GREATEST(e.canonical_count, excluded.canonical_count), "
      "person_count = e.person_count + excluded.person_count, "
      "organization_count = e.organization_count + excluded.organization_count, "
      "location_count = e.location_count + excluded.location_count, "
      "other_count = e.other_count + excluded.other_count, "
      "document_count = e.document_count + 1, "
      "mention_count = e.mention_count + excluded.mention_count, "
      "salience_sum = e.salience_sum + excluded.salience_sum, "
      "salience_max = GREATEST(e.salience_max, excluded.salience_max)",
      [&](const internal::EntityRow& row, int first, Params& params) {
        auto it = canonical_counts.find(row.entity_id);
        params.Text(row.entity_id)
            .Text(row.canonical_name)
            .Text(row.canonical_key)
            .Int(it != canonical_counts.end() ? it->second : 1)
            .Int(row.type == v1::ENTITY_TYPE_PERSON ? 1 : 0)
            .Int(row.type == v1::ENTITY_TYPE_ORGANIZATION ? 1 : 0)
            .Int(row.type == v1::ENTITY_TYPE_LOCATION ? 1 : 0)
            .Int(row.type == v1::ENTITY_TYPE_OTHER ? 1 : 0)
            .Int(row.mention_count)
            .Double(row.salience);
        std::string tuple = "(";
        for (int i = 0; i < 8; ++i) absl::StrAppend(&tuple, "$", first + i, ", ");
        absl::StrAppend(&tuple, "1, $", first + 8, ", $", first + 9, ", $", first + 9, ")");
        return tuple;
      },
      [](const Result&) {}));
  return ExecValues(
      connection, rows,
      "INSERT INTO document_entities (document_seq, entity_id, salience, mention_count) VALUES ",
      "",
      [seq](const internal::EntityRow& row, int first, Params& params) {
        params.Int(seq).Text(row.entity_id).Double(row.salience).Int(row.mention_count);
        return absl::StrCat("($", first, ", $", first + 1, ", $", first + 2, ", $", first + 3,
                            ")");
      },
      [](const Result&) {});
}

// Writes the extraction rows of the document `seq` (extraction_rows.h)
// inside the caller's write transaction: the document frequencies of its
// terms in one upsert (then its keywords, appended to
// row.annotations_blob), its quotes and its dates with their entities in
// multi-row inserts. Writes are serialised (kWriteLock), so the upserts
// cannot deadlock on the shared term rows.
absl::Status WriteExtractions(Connection& connection, int64_t seq,
                              const v1::Annotations& annotations, internal::DocumentRow& row) {
  const internal::ExtractionRows& x = row.extraction;
  if (!x.term_keys.empty()) {
    std::vector<const std::string*> keys;
    keys.reserve(x.term_keys.size() + 1);
    static const std::string* const kCountKey = new std::string(internal::kDocumentCountKey);
    keys.push_back(kCountKey);
    for (const std::string& key : x.term_keys) keys.push_back(&key);
    absl::flat_hash_map<std::string, int64_t> frequency;
    frequency.reserve(keys.size());
    KORPUS_RETURN_IF_ERROR(ExecValues(
        connection, keys, "INSERT INTO term_frequencies AS f (term, document_count) VALUES ",
        " ON CONFLICT (term) DO UPDATE SET document_count = f.document_count + 1 "
        "RETURNING f.term, f.document_count",
        [](const std::string* key, int first, Params& params) {
          params.Text(*key);
          return absl::StrCat("($", first, ", 1)");
        },
        [&](const Result& result) {
          for (int i = 0; i < result.rows(); ++i) {
            frequency[std::string(result.row(i).Text(0))] = result.row(i).Int64(1);
          }
        }));
    const int64_t documents = frequency[internal::kDocumentCountKey];
    row.annotations_blob += internal::KeywordsBlob(
        annotations, internal::StoredDocumentFrequencies(documents, std::move(frequency)));
  }
  KORPUS_RETURN_IF_ERROR(ExecValues(
      connection, x.quotes,
      "INSERT INTO quotes (document_seq, quote_index, document_time, speaker_entity_id, kind, "
      "text, search, record) VALUES ",
      "",
      [&](const internal::QuoteRow& quote, int first, Params& params) {
        params.Int(seq)
            .Int(quote.index)
            .Int(x.document_time_micros)
            .Text(quote.speaker_entity_id)
            .Int(quote.kind)
            .Text(quote.text)
            .Bytes(quote.record);
        return absl::StrCat("($", first, ", $", first + 1, ", $", first + 2, ", $", first + 3,
                            ", $", first + 4, ", $", first + 5, ", to_tsvector('simple', $",
                            first + 5, "), $", first + 6, ")");
      },
      [](const Result&) {}));
  KORPUS_RETURN_IF_ERROR(ExecValues(
      connection, x.dates,
      "INSERT INTO timeline (document_seq, date_index, resolved, start_day, end_day, "
      "granularity, record) VALUES ",
      "",
      [&](const internal::DateRow& date, int first, Params& params) {
        params.Int(seq).Int(date.index).Int(date.resolved ? 1 : 0);
        if (date.resolved) {
          params.Int(date.start_day).Int(date.end_day);
        } else {
          params.NullInt().NullInt();
        }
        params.Int(date.granularity).Bytes(date.record);
        std::string tuple = "(";
        for (int i = 0; i < 7; ++i) absl::StrAppend(&tuple, i > 0 ? ", $" : "$", first + i);
        return absl::StrCat(tuple, ")");
      },
      [](const Result&) {}));
  struct DateEntity {
    const std::string* entity_id;
    int32_t index;
  };
  std::vector<DateEntity> date_entities;
  for (const internal::DateRow& date : x.dates) {
    for (const std::string& entity_id : date.entity_ids) {
      date_entities.push_back({&entity_id, date.index});
    }
  }
  return ExecValues(
      connection, date_entities,
      "INSERT INTO timeline_entities (entity_id, document_seq, date_index) VALUES ", "",
      [seq](const DateEntity& entity, int first, Params& params) {
        params.Text(*entity.entity_id).Int(seq).Int(entity.index);
        return absl::StrCat("($", first, ", $", first + 1, ", $", first + 2, ")");
      },
      [](const Result&) {});
}

// Migration 2: the entity rows of the documents stored before it, from
// their stored annotations, in ingestion order (so that canonical-name ties
// resolve as if they had been stored now). Annotations without entities
// (an annotator without NER) give none; so do annotations whose entities
// Put would refuse (an entry without id).
absl::Status BackfillEntities(Connection& connection) {
  constexpr int kBatch = 256;
  int64_t after_seq = 0;
  while (true) {
    KORPUS_ASSIGN_OR_RETURN(
        Result batch,
        connection.Exec("SELECT document_seq, data FROM annotations WHERE document_seq > $1 "
                        "ORDER BY document_seq LIMIT $2",
                        Params().Int(after_seq).Int(kBatch)));
    if (batch.rows() == 0) return absl::OkStatus();
    for (int i = 0; i < batch.rows(); ++i) {
      const int64_t seq = batch.row(i).Int64(0);
      v1::Annotations annotations;
      if (!internal::MergeBlob(batch.row(i).Blob(1), annotations)) {
        return absl::DataLossError(
            absl::StrCat("stored annotations of document seq ", seq, " do not parse"));
      }
      absl::StatusOr<std::vector<internal::EntityRow>> rows =
          internal::PrepareEntities(annotations);
      if (!rows.ok()) continue;
      KORPUS_RETURN_IF_ERROR(WriteEntities(connection, seq, *rows));
    }
    after_seq = batch.row(batch.rows() - 1).Int64(0);
  }
}

// A lexeme quoted for tsvector and tsquery input.
std::string QuotedLexeme(std::string_view term) {
  std::string quoted = "'";
  for (char c : term) {
    if (c == '\'' || c == '\\') quoted.push_back(c);
    quoted.push_back(c);
  }
  quoted.push_back('\'');
  return quoted;
}

// Lexemes longer than this are left out (PostgreSQL's limit is 2046 bytes).
constexpr size_t kMaxLexemeBytes = 200;

// The tsvector of a document's lemma terms (SearchMorphology::IndexTerms):
// weight A, the k-th term at position 2k. Concatenated after the surface
// words' tsvector (whose positions it follows), so no lemma is next to
// another lemma or to a surface word: phrases match surface words only.
// PostgreSQL keeps at most 256 positions per lexeme and none above 16383.
std::string LemmaTsVector(const std::vector<std::string>& terms) {
  absl::flat_hash_map<std::string_view, std::vector<int>> positions;
  std::vector<std::string_view> order;
  int position = 0;
  for (const std::string& term : terms) {
    position = std::min(position + 2, 16383);
    if (term.empty() || term.size() > kMaxLexemeBytes) continue;
    auto [it, inserted] = positions.try_emplace(term);
    if (inserted) order.push_back(term);
    if (it->second.size() < 256 && (it->second.empty() || it->second.back() != position)) {
      it->second.push_back(position);
    }
  }
  std::string vector;
  for (std::string_view term : order) {
    if (!vector.empty()) vector.push_back(' ');
    absl::StrAppend(&vector, QuotedLexeme(term), ":");
    const std::vector<int>& at = positions[term];
    for (size_t i = 0; i < at.size(); ++i) absl::StrAppend(&vector, i == 0 ? "" : ",", at[i], "A");
  }
  return vector;
}

// The tsquery matching any of a query word's lemma terms
// (SearchMorphology::QueryTerms) in the lemma part of `search` (weight A).
std::string LemmaTsQuery(const std::vector<std::string>& terms) {
  std::vector<std::string> lexemes;
  for (const std::string& term : terms) {
    if (!term.empty() && term.size() <= kMaxLexemeBytes) {
      lexemes.push_back(absl::StrCat(QuotedLexeme(term), ":A"));
    }
  }
  return absl::StrJoin(lexemes, " | ");
}

// Migration 5: `search` of the documents stored before it, with the lemma
// terms of their stored annotations (or, without, their text).
absl::Status BackfillLemmas(Connection& connection, const SearchMorphology& morphology) {
  constexpr int kBatch = 256;
  int64_t after_seq = 0;
  while (true) {
    KORPUS_ASSIGN_OR_RETURN(
        Result batch,
        connection.Exec("SELECT d.seq, d.title, d.text, a.data FROM documents d "
                        "LEFT JOIN annotations a ON a.document_seq = d.seq "
                        "WHERE d.seq > $1 ORDER BY d.seq LIMIT $2",
                        Params().Int(after_seq).Int(kBatch)));
    if (batch.rows() == 0) return absl::OkStatus();
    for (int i = 0; i < batch.rows(); ++i) {
      const Row row = batch.row(i);
      const int64_t seq = row.Int64(0);
      v1::Document document;
      document.set_title(std::string(row.Text(1)));
      document.set_text(std::string(row.Text(2)));
      if (!row.IsNull(3) && !internal::MergeBlob(row.Blob(3), *document.mutable_annotations())) {
        return absl::DataLossError(
            absl::StrCat("stored annotations of document seq ", seq, " do not parse"));
      }
      KORPUS_RETURN_IF_ERROR(
          connection
              .Exec("UPDATE documents SET search = to_tsvector('simple', title) || "
                    "to_tsvector('simple', text) || $2::tsvector WHERE seq = $1",
                    Params().Int(seq).OwnedText(LemmaTsVector(morphology.IndexTerms(document))))
              .status());
    }
    after_seq = batch.row(batch.rows() - 1).Int64(0);
  }
}

// " AND EXISTS (...)" for each of `count` entity ids bound as parameters
// $first, $first+1, ...: the document `seq_column` mentions them all.
std::string MentionsAll(std::string_view seq_column, int first, size_t count) {
  std::string sql;
  for (size_t i = 0; i < count; ++i) {
    absl::StrAppend(&sql, " AND EXISTS (SELECT 1 FROM document_entities g WHERE g.document_seq = ",
                    std::string(seq_column), " AND g.entity_id = $", first + i, ")");
  }
  return sql;
}

// The EntityType values set in a filter's type mask, in enum order.
std::vector<int64_t> TypesOf(const internal::ListFilters& filters) {
  std::vector<int64_t> types;
  for (int type = v1::ENTITY_TYPE_PERSON; type <= v1::ENTITY_TYPE_OTHER; ++type) {
    if ((filters.entity_type_mask >> type) & 1) types.push_back(type);
  }
  return types;
}

// " AND EXISTS (...)" for the entity type and story filters that are set in
// `filters`, on the document `seq_column`, with their parameters from $first
// (each type, then the story id, as AddTypeAndStory binds them). The type
// is the entity's corpus-wide one (entities.type). The types are compared
// with IN rather than through a bit mask, so that the planner estimates them
// from the column's statistics: with the opaque mask expression it built
// the set of every document with an entity of the type before walking the
// documents (10,000 documents: a page of List took 24 ms instead of 1 ms).
// A per-document subplan (OFFSET 0) was tried too: better for a search with
// few matches, but 3 times slower for one matching most documents.
std::string TypeAndStoryFilter(std::string_view seq_column, int first,
                               const internal::ListFilters& filters) {
  std::string sql;
  int next = first;
  if (filters.entity_type_mask != 0) {
    std::vector<std::string> placeholders;
    for (size_t i = 0; i < TypesOf(filters).size(); ++i) {
      placeholders.push_back(absl::StrCat("$", next++));
    }
    absl::StrAppend(&sql,
                    " AND EXISTS (SELECT 1 FROM document_entities g JOIN entities e "
                    "ON e.entity_id = g.entity_id WHERE g.document_seq = ",
                    std::string(seq_column), " AND e.type IN (",
                    absl::StrJoin(placeholders, ", "), "))");
  }
  if (!filters.story_id.empty()) {
    absl::StrAppend(&sql,
                    " AND EXISTS (SELECT 1 FROM story_documents sd JOIN stories s "
                    "ON s.seq = sd.story_seq WHERE sd.document_seq = ",
                    std::string(seq_column), " AND s.story_id = $", next++, ")");
  }
  return sql;
}

// Binds TypeAndStoryFilter's parameters; returns how many.
int AddTypeAndStory(const internal::ListFilters& filters, Params& params) {
  int count = 0;
  for (int64_t type : TypesOf(filters)) {
    params.Int(type);
    ++count;
  }
  if (!filters.story_id.empty()) {
    params.Text(filters.story_id);
    ++count;
  }
  return count;
}

// The tsquery of a query tree (ParseQuery), built from the parameters
// $next_param, $next_param+1, ... that BindLeaves binds in leaf order
// (ParsedQuery::Leaves): a word or phrase goes through phraseto_tsquery (a
// word is a one-word phrase; a hyphenated word becomes the phrase the parser
// made of it when indexing), a prefix gets ":*D" on its last lexeme (surface
// words only). A word without prefix also matches its lemma terms: a second
// parameter, LemmaTsQuery. The parser guarantees every leaf a letter or
// digit, so no operand is empty (&& would drop an empty one and match
// everything).
bool HasLemmaParam(const QueryNode& node) {
  return node.kind == QueryNode::Kind::kWord && !node.prefix;
}

std::string TsQueryOf(const QueryNode& node, int& next_param) {
  switch (node.kind) {
    case QueryNode::Kind::kWord:
    case QueryNode::Kind::kPhrase: {
      const std::string phrase = absl::StrCat("phraseto_tsquery('simple', $", next_param++, ")");
      if (node.prefix) return absl::StrCat("(", phrase, "::text || ':*D')::tsquery");
      if (!HasLemmaParam(node)) return phrase;
      return absl::StrCat("(", phrase, " || $", next_param++, "::tsquery)");
    }
    case QueryNode::Kind::kAnd:
    case QueryNode::Kind::kOr: {
      std::vector<std::string> parts;
      for (const QueryNode& child : node.children) parts.push_back(TsQueryOf(child, next_param));
      return absl::StrCat("(", absl::StrJoin(parts, node.kind == QueryNode::Kind::kAnd ? " && " : " || "),
                          ")");
    }
    case QueryNode::Kind::kNot:
      return absl::StrCat("(!!", TsQueryOf(node.children[0], next_param), ")");
  }
  return "";
}

std::string TsQuery(const ParsedQuery& query, int first) {
  int next_param = first;
  return TsQueryOf(query.root, next_param);
}

// Binds the parameters of TsQuery's leaves; returns how many.
int BindLeaves(const std::vector<const QueryNode*>& leaves, const SearchMorphology& morphology,
               Params& params) {
  int count = 0;
  for (const QueryNode* leaf : leaves) {
    params.Text(leaf->text);
    ++count;
    if (HasLemmaParam(*leaf)) {
      params.OwnedText(LemmaTsQuery(morphology.QueryTerms(leaf->text)));
      ++count;
    }
  }
  return count;
}

}  // namespace

int PostgresStore::SchemaVersion() { return kLatestVersion; }

absl::StatusOr<std::unique_ptr<PostgresStore>> PostgresStore::Open(
    const PostgresOptions& options) {
  if (options.conninfo.empty()) return absl::InvalidArgumentError("PostgresOptions.conninfo is empty");
  if (options.max_connections < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "PostgresOptions.max_connections must be at least 1, got ", options.max_connections));
  }
  auto pool = std::make_unique<Pool>(options);
  auto morphology = std::make_shared<const SearchMorphology>(options.search_lexicon);
  {
    KORPUS_ASSIGN_OR_RETURN(Pool::Lease connection, pool->Acquire());
    KORPUS_RETURN_IF_ERROR(CheckDatabase(*connection));
    KORPUS_RETURN_IF_ERROR(Migrate(*connection, *morphology));
  }
  auto store = std::unique_ptr<PostgresStore>(new PostgresStore(std::move(pool)));
  store->morphology_ = std::move(morphology);
  return store;
}

PostgresStore::PostgresStore(std::unique_ptr<Pool> pool) : pool_(std::move(pool)) {}

PostgresStore::~PostgresStore() = default;

namespace {

// The story SQL (story_rows.h) inside the caller's write transaction
// (writes are serialised by kWriteLock, so two documents never pick a
// story at once).
class PostgresStoryTables final : public internal::StoryTables {
 public:
  explicit PostgresStoryTables(Connection& connection) : connection_(connection) {}

  absl::StatusOr<absl::flat_hash_map<std::string, int64_t>> Frequencies(
      const std::vector<std::string>& keys) override {
    absl::flat_hash_map<std::string, int64_t> frequency;
    constexpr size_t kBatch = 1000;
    for (size_t first = 0; first < keys.size(); first += kBatch) {
      Params params;
      std::string in;
      for (size_t k = first; k < std::min(keys.size(), first + kBatch); ++k) {
        params.Text(keys[k]);
        absl::StrAppend(&in, in.empty() ? "$" : ", $", params.size());
      }
      KORPUS_ASSIGN_OR_RETURN(
          Result result,
          connection_.Exec(absl::StrCat("SELECT term, document_count FROM term_frequencies "
                                        "WHERE term IN (", in, ")"),
                           params));
      for (int i = 0; i < result.rows(); ++i) {
        frequency[std::string(result.row(i).Text(0))] = result.row(i).Int64(1);
      }
    }
    return frequency;
  }

  absl::StatusOr<std::vector<Candidate>> Candidates(int64_t from_micros, int64_t to_micros,
                                                    int limit) override {
    KORPUS_ASSIGN_OR_RETURN(
        Result result,
        connection_.Exec("SELECT seq, story_id, document_count, state FROM stories "
                         "WHERE last_seen_micros >= $1 AND first_seen_micros <= $2 "
                         "ORDER BY last_seen_micros DESC, seq DESC LIMIT $3",
                         Params().Int(from_micros).Int(to_micros).Int(limit)));
    std::vector<Candidate> candidates;
    for (int i = 0; i < result.rows(); ++i) {
      const Row row = result.row(i);
      Candidate& c = candidates.emplace_back();
      c.seq = row.Int64(0);
      c.story_id = std::string(row.Text(1));
      c.document_count = row.Int64(2);
      c.state = std::string(row.Blob(3));
    }
    return candidates;
  }

  absl::StatusOr<int64_t> InsertStory(const internal::StoryRow& row) override {
    KORPUS_ASSIGN_OR_RETURN(
        Result result,
        connection_.Exec("INSERT INTO stories (story_id, label, document_count, "
                         "first_seen_micros, last_seen_micros, summary, state) "
                         "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING seq",
                         Params()
                             .Text(row.story_id)
                             .Text(row.label)
                             .Int(row.document_count)
                             .Int(row.first_seen_micros)
                             .Int(row.last_seen_micros)
                             .Bytes(row.summary)
                             .Bytes(row.state)));
    if (result.rows() != 1) return absl::InternalError("postgresql: story insert returned no seq");
    return result.row(0).Int64(0);
  }

  absl::Status UpdateStory(int64_t seq, const internal::StoryRow& row) override {
    return connection_
        .Exec("UPDATE stories SET label = $2, document_count = $3, first_seen_micros = $4, "
              "last_seen_micros = $5, summary = $6, state = $7 WHERE seq = $1",
              Params()
                  .Int(seq)
                  .Text(row.label)
                  .Int(row.document_count)
                  .Int(row.first_seen_micros)
                  .Int(row.last_seen_micros)
                  .Bytes(row.summary)
                  .Bytes(row.state))
        .status();
  }

  absl::Status InsertStoryDocument(int64_t story_seq, int64_t position, int64_t document_seq,
                                   double similarity) override {
    return connection_
        .Exec("INSERT INTO story_documents (story_seq, position, document_seq, similarity) "
              "VALUES ($1, $2, $3, $4)",
              Params().Int(story_seq).Int(position).Int(document_seq).Double(similarity))
        .status();
  }

 private:
  Connection& connection_;
};

// removal.h's statements on the leased connection, inside the caller's
// write transaction (under kWriteLock).
class PostgresRemovalTables final : public internal::RemovalTables {
 public:
  explicit PostgresRemovalTables(Connection& connection)
      : connection_(connection), stories_(connection) {}

  absl::StatusOr<std::vector<internal::SqlRow>> Query(
      std::string_view sql, const std::vector<internal::SqlValue>& values) override {
    // removal.h writes ?N; PostgreSQL numbers its parameters $N.
    std::string statement(sql);
    std::replace(statement.begin(), statement.end(), '?', '$');
    Params params;
    for (const internal::SqlValue& value : values) {
      if (const auto* n = std::get_if<int64_t>(&value)) {
        params.Int(*n);
      } else if (const auto* d = std::get_if<double>(&value)) {
        params.Double(*d);
      } else if (const auto* t = std::get_if<std::string>(&value)) {
        params.Text(*t);
      } else if (const auto* b = std::get_if<internal::SqlBlob>(&value)) {
        params.Bytes(b->bytes);
      } else {
        params.NullInt();
      }
    }
    KORPUS_ASSIGN_OR_RETURN(Result result, connection_.Exec(statement, params));
    std::vector<internal::SqlRow> rows;
    rows.reserve(result.rows());
    for (int i = 0; i < result.rows(); ++i) {
      const Row row = result.row(i);
      internal::SqlRow& out = rows.emplace_back();
      for (int c = 0; c < result.columns(); ++c) {
        if (row.IsNull(c)) {
          out.emplace_back(std::monostate());
          continue;
        }
        switch (result.type(c)) {
          case kInt8Oid:
          case kInt4Oid:
          case kInt2Oid:
            out.emplace_back(row.Int64(c));
            break;
          case kFloat8Oid:
            out.emplace_back(row.Double(c));
            break;
          case kByteaOid:
            out.emplace_back(internal::SqlBlob{std::string(row.Blob(c))});
            break;
          default:
            out.emplace_back(std::string(row.Text(c)));
        }
      }
    }
    return rows;
  }

  // Quotes keep their search vector in the row.
  absl::Status RemoveQuoteIndex(int64_t) override { return absl::OkStatus(); }

  internal::StoryTables& Stories() override { return stories_; }

 private:
  Connection& connection_;
  PostgresStoryTables stories_;
};

}  // namespace

namespace {

// Gives the document `seq`, just become ANNOTATED, the next watch position,
// inside the caller's write transaction. Writes hold kWriteLock until they
// commit, so positions commit in their order and a reader that sees one
// sees every smaller one.
absl::Status AssignWatchPosition(Connection& connection, int64_t seq) {
  return connection
      .Exec("UPDATE documents SET watch_seq = "
            "(SELECT coalesce(max(watch_seq), 0) + 1 FROM documents) WHERE seq = $1",
            Params().Int(seq))
      .status();
}

// Everything an annotated document adds besides its documents row (with its
// search vector), inside the caller's write transaction: extraction rows,
// story, the annotations row and entity rows. Put and Annotate share it.
absl::Status WriteAnnotations(Connection& connection, int64_t seq, const v1::Document& document,
                              internal::DocumentRow& row) {
  KORPUS_RETURN_IF_ERROR(WriteExtractions(connection, seq, document.annotations(), row));
  PostgresStoryTables stories(connection);
  KORPUS_RETURN_IF_ERROR(internal::AssignStory(stories, document, seq, row));
  KORPUS_RETURN_IF_ERROR(
      connection
          .Exec("INSERT INTO annotations (document_seq, model_name, model_version, data) "
                "VALUES ($1, $2, $3, $4)",
                Params()
                    .Int(seq)
                    .Text(document.annotations().model_name())
                    .Text(document.annotations().model_version())
                    .Bytes(row.annotations_blob))
          .status());
  return WriteEntities(connection, seq, row.entities);
}

}  // namespace

absl::StatusOr<PutResult> PostgresStore::Write(const v1::Document& document, WriteMode mode) {
  KORPUS_ASSIGN_OR_RETURN(internal::DocumentRow row, internal::PrepareRow(document, mode));
  const v1::Document& basic = row.basic;
  Params insert;
  insert.Text(basic.id())
      .Text(basic.title())
      .Text(basic.language())
      .Text(basic.content_hash())
      .Text(basic.source_uri());
  if (basic.has_published_at()) {
    insert.Int(basic.published_at().seconds());
  } else {
    insert.NullInt();
  }
  insert.Int(basic.published_at().nanos())
      .Int(row.ingested_at_micros)
      .Int(basic.state())
      .Text(basic.state_reason())
      .Int(basic.char_count())
      .Int(basic.sentence_count())
      .Int(basic.token_count())
      .Bytes(row.metadata_blob)
      .Text(document.text())
      .Bytes(row.paragraphs_blob)
      .OwnedText(LemmaTsVector(morphology_->IndexTerms(document)));

  KORPUS_ASSIGN_OR_RETURN(Pool::Lease connection, pool_->Acquire());
  KORPUS_ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(*connection));
  KORPUS_RETURN_IF_ERROR(connection->Exec(kWriteLock).status());
  KORPUS_ASSIGN_OR_RETURN(
      Result inserted,
      connection->Exec(
          "INSERT INTO documents (id, title, language, content_hash, source_uri, "
          "published_at_seconds, published_at_nanos, ingested_at_micros, state, state_reason, "
          "char_count, sentence_count, token_count, metadata, text, paragraphs, search) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, "
          "to_tsvector('simple', $2) || to_tsvector('simple', $15) || $17::tsvector) "
          "ON CONFLICT (id) DO NOTHING RETURNING seq",
          insert));
  PutResult result;
  if (inserted.rows() == 0) {
    // The id exists: report what is stored, write nothing.
    KORPUS_ASSIGN_OR_RETURN(
        Result existing,
        connection->Exec(absl::StrCat("SELECT ", internal::Columns(v1::DOCUMENT_VIEW_BASIC),
                                      " FROM documents d WHERE d.id = $1"),
                         Params().Text(document.id())));
    if (existing.rows() != 1) {
      return absl::InternalError("postgresql: insert conflicted but the id is not stored");
    }
    KORPUS_RETURN_IF_ERROR(
        internal::ReadDocument(existing.row(0), v1::DOCUMENT_VIEW_BASIC, result.stored_basic));
    result.created = false;
    return result;  // The transaction rolls back; it wrote nothing.
  }
  const int64_t seq = inserted.row(0).Int64(0);
  if (row.has_annotations) {
    KORPUS_RETURN_IF_ERROR(WriteAnnotations(*connection, seq, document, row));
  }
  if (basic.state() == v1::DOCUMENT_STATE_ANNOTATED) {
    KORPUS_RETURN_IF_ERROR(AssignWatchPosition(*connection, seq));
  }
  KORPUS_RETURN_IF_ERROR(transaction.Commit());
  result.created = true;
  result.stored_basic = std::move(row.basic);
  return result;
}

absl::StatusOr<AnnotateResult> PostgresStore::Annotate(std::string_view id,
                                                       const v1::Annotations& annotations) {
  if (id.empty()) return absl::InvalidArgumentError("AnnotateDocumentRequest.id is empty");
  KORPUS_ASSIGN_OR_RETURN(Pool::Lease connection, pool_->Acquire());
  KORPUS_ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(*connection));
  KORPUS_RETURN_IF_ERROR(connection->Exec(kWriteLock).status());
  KORPUS_ASSIGN_OR_RETURN(
      Result selected,
      connection->Exec(absl::StrCat("SELECT ", internal::Columns(v1::DOCUMENT_VIEW_TEXT),
                                    " FROM documents d WHERE d.id = $1"),
                       Params().Text(id)));
  if (selected.rows() == 0) {
    return absl::NotFoundError(absl::StrCat("no document with id '", std::string(id), "'"));
  }
  AnnotateResult result;
  const int64_t seq = selected.row(0).Int64(0);
  v1::Document stored;
  KORPUS_RETURN_IF_ERROR(internal::ReadDocument(selected.row(0), v1::DOCUMENT_VIEW_TEXT, stored));
  if (stored.state() == v1::DOCUMENT_STATE_ANNOTATED) {
    // Already annotated (by another writer): nothing to do.
    KORPUS_RETURN_IF_ERROR(internal::ReadDocument(selected.row(0), v1::DOCUMENT_VIEW_BASIC,
                                                  result.stored_basic));
    return result;
  }
  const v1::Document document = internal::WithAnnotations(std::move(stored), annotations);
  KORPUS_ASSIGN_OR_RETURN(internal::DocumentRow row,
                          internal::PrepareRow(document, WriteMode::kImport));
  KORPUS_RETURN_IF_ERROR(
      connection
          ->Exec("UPDATE documents SET state = $2, state_reason = $3, sentence_count = $4, "
                 "token_count = $5, search = to_tsvector('simple', title) || "
                 "to_tsvector('simple', text) || $6::tsvector WHERE seq = $1",
                 Params()
                     .Int(seq)
                     .Int(row.basic.state())
                     .Text(row.basic.state_reason())
                     .Int(row.basic.sentence_count())
                     .Int(row.basic.token_count())
                     .OwnedText(LemmaTsVector(morphology_->IndexTerms(document))))
          .status());
  KORPUS_RETURN_IF_ERROR(WriteAnnotations(*connection, seq, document, row));
  KORPUS_RETURN_IF_ERROR(AssignWatchPosition(*connection, seq));
  KORPUS_RETURN_IF_ERROR(transaction.Commit());
  result.changed = true;
  result.stored_basic = std::move(row.basic);
  return result;
}

absl::StatusOr<AnnotateResult> PostgresStore::MarkFailed(std::string_view id,
                                                         std::string_view reason) {
  if (id.empty()) return absl::InvalidArgumentError("MarkDocumentFailedRequest.id is empty");
  if (reason.empty()) {
    return absl::InvalidArgumentError("MarkDocumentFailedRequest.reason is empty");
  }
  KORPUS_ASSIGN_OR_RETURN(Pool::Lease connection, pool_->Acquire());
  KORPUS_ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(*connection));
  KORPUS_RETURN_IF_ERROR(connection->Exec(kWriteLock).status());
  KORPUS_ASSIGN_OR_RETURN(
      Result updated,
      connection->Exec("UPDATE documents SET state = $2, state_reason = $3 "
                       "WHERE id = $1 AND state = $4 RETURNING seq",
                       Params()
                           .Text(id)
                           .Int(v1::DOCUMENT_STATE_FAILED)
                           .Text(reason)
                           .Int(v1::DOCUMENT_STATE_PENDING)));
  AnnotateResult result;
  result.changed = updated.rows() > 0;
  KORPUS_ASSIGN_OR_RETURN(
      Result existing,
      connection->Exec(absl::StrCat("SELECT ", internal::Columns(v1::DOCUMENT_VIEW_BASIC),
                                    " FROM documents d WHERE d.id = $1"),
                       Params().Text(id)));
  if (existing.rows() == 0) {
    return absl::NotFoundError(absl::StrCat("no document with id '", std::string(id), "'"));
  }
  KORPUS_RETURN_IF_ERROR(
      internal::ReadDocument(existing.row(0), v1::DOCUMENT_VIEW_BASIC, result.stored_basic));
  KORPUS_RETURN_IF_ERROR(transaction.Commit());
  return result;
}

absl::StatusOr<v1::Document> PostgresStore::Delete(std::string_view id) {
  if (id.empty()) return absl::InvalidArgumentError("DeleteDocumentRequest.id is empty");
  KORPUS_ASSIGN_OR_RETURN(Pool::Lease connection, pool_->Acquire());
  KORPUS_ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(*connection));
  KORPUS_RETURN_IF_ERROR(connection->Exec(kWriteLock).status());
  KORPUS_ASSIGN_OR_RETURN(
      Result selected,
      connection->Exec(absl::StrCat("SELECT ", internal::Columns(v1::DOCUMENT_VIEW_BASIC),
                                    " FROM documents d WHERE d.id = $1"),
                       Params().Text(id)));
  if (selected.rows() == 0) {
    return absl::NotFoundError(absl::StrCat("no document with id '", std::string(id), "'"));
  }
  const int64_t seq = selected.row(0).Int64(0);
  v1::Document deleted;
  KORPUS_RETURN_IF_ERROR(
      internal::ReadDocument(selected.row(0), v1::DOCUMENT_VIEW_BASIC, deleted));
  PostgresRemovalTables tables(*connection);
  KORPUS_RETURN_IF_ERROR(internal::RemoveAnnotationRows(tables, {seq}));
  KORPUS_RETURN_IF_ERROR(
      connection->Exec("DELETE FROM documents WHERE seq = $1", Params().Int(seq)).status());
  KORPUS_RETURN_IF_ERROR(transaction.Commit());
  return deleted;
}

absl::StatusOr<int64_t> PostgresStore::ReannotateSelected(
    const v1::ReannotateDocumentsRequest& request) {
  KORPUS_ASSIGN_OR_RETURN(internal::ReannotateSelection selection,
                          internal::PrepareReannotate(request));
  KORPUS_ASSIGN_OR_RETURN(Pool::Lease connection, pool_->Acquire());
  KORPUS_ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(*connection));
  KORPUS_RETURN_IF_ERROR(connection->Exec(kWriteLock).status());
  PostgresRemovalTables tables(*connection);
  for (const std::string& id : selection.ids) {
    KORPUS_ASSIGN_OR_RETURN(std::vector<internal::SqlRow> found,
                            tables.Query("SELECT seq FROM documents WHERE id = ?1", {id}));
    if (found.empty()) return absl::NotFoundError(absl::StrCat("no document with id '", id, "'"));
  }
  KORPUS_ASSIGN_OR_RETURN(
      std::vector<internal::SqlRow> selected,
      tables.Query(absl::StrCat("SELECT d.seq FROM documents d WHERE ", selection.where,
                                " ORDER BY d.seq"),
                   selection.params));
  std::vector<int64_t> seqs;
  seqs.reserve(selected.size());
  for (const internal::SqlRow& row : selected) seqs.push_back(internal::SqlInt(row[0]));
  KORPUS_RETURN_IF_ERROR(internal::RemoveAnnotationRows(tables, seqs));
  for (const int64_t seq : seqs) {
    KORPUS_ASSIGN_OR_RETURN(
        Result stored,
        connection->Exec(absl::StrCat("SELECT ", internal::Columns(v1::DOCUMENT_VIEW_TEXT),
                                      " FROM documents d WHERE d.seq = $1"),
                         Params().Int(seq)));
    if (stored.rows() != 1) return absl::InternalError("postgresql: a selected document vanished");
    v1::Document document;
    KORPUS_RETURN_IF_ERROR(
        internal::ReadDocument(stored.row(0), v1::DOCUMENT_VIEW_TEXT, document));
    KORPUS_RETURN_IF_ERROR(
        connection
            ->Exec("UPDATE documents SET state = $2, state_reason = '', sentence_count = 0, "
                   "token_count = 0, search = to_tsvector('simple', title) || "
                   "to_tsvector('simple', text) || $3::tsvector WHERE seq = $1",
                   Params()
                       .Int(seq)
                       .Int(v1::DOCUMENT_STATE_PENDING)
                       .OwnedText(LemmaTsVector(morphology_->IndexTerms(document))))
            .status());
  }
  KORPUS_RETURN_IF_ERROR(transaction.Commit());
  return static_cast<int64_t>(selected.size());
}

absl::StatusOr<v1::Document> PostgresStore::Get(std::string_view id, v1::DocumentView view) {
  if (id.empty()) return absl::InvalidArgumentError("GetDocumentRequest.id is empty");
  KORPUS_RETURN_IF_ERROR(internal::ValidateView(view, "GetDocumentRequest.view"));
  view = internal::OrDefault(view, v1::DOCUMENT_VIEW_FULL);
  KORPUS_ASSIGN_OR_RETURN(Pool::Lease connection, pool_->Acquire());
  KORPUS_ASSIGN_OR_RETURN(
      Result result,
      connection->Exec(
          absl::StrCat("SELECT ", internal::Columns(view), " FROM documents d WHERE d.id = $1"),
          Params().Text(id)));
  if (result.rows() == 0) {
    return absl::NotFoundError(absl::StrCat("no document with id '", std::string(id), "'"));
  }
  v1::Document document;
  KORPUS_RETURN_IF_ERROR(internal::ReadDocument(result.row(0), view, document));
  return document;
}

absl::StatusOr<v1::ListDocumentsResponse> PostgresStore::List(
    const v1::ListDocumentsRequest& request) {
  KORPUS_ASSIGN_OR_RETURN(const int page_size,
                          EffectivePageSize(request.page_size(), kDefaultListPageSize,
                                            "ListDocumentsRequest.page_size"));
  KORPUS_RETURN_IF_ERROR(internal::ValidateView(request.view(), "ListDocumentsRequest.view"));
  const v1::DocumentView view = internal::OrDefault(request.view(), v1::DOCUMENT_VIEW_BASIC);
  KORPUS_ASSIGN_OR_RETURN(const std::vector<std::string> entity_ids,
                          internal::EntityFilter(request.entity_ids(),
                                                 "ListDocumentsRequest.entity_ids"));
  KORPUS_RETURN_IF_ERROR(internal::ValidateStateFilter(request.state()));
  KORPUS_ASSIGN_OR_RETURN(const internal::ListFilters filters,
                          internal::ParseListFilters(request));
  const std::string binding = BindingOf(absl::StrCat(
      "list\nview=", static_cast<int>(view), internal::EntityFilterBinding(entity_ids),
      internal::StateFilterBinding(request.state()), internal::ListFiltersBinding(filters)));
  int64_t after_seq = 0;
  if (!request.page_token().empty()) {
    KORPUS_ASSIGN_OR_RETURN(after_seq, DecodePageToken(request.page_token(), binding,
                                                       "ListDocumentsRequest.page_token"));
  }
  KORPUS_ASSIGN_OR_RETURN(Pool::Lease connection, pool_->Acquire());
  // One more than the page, to learn whether another page follows.
  Params params;
  params.Int(after_seq).Int(page_size + 1).Int(request.state());
  params.Int(filters.dated ? 1 : 0)
      .Int(filters.after_seconds)
      .Int(filters.after_nanos)
      .Int(filters.before_seconds)
      .Int(filters.before_nanos)
      .Text(filters.source_prefix);
  for (const std::string& id : entity_ids) params.Text(id);
  const int type_and_story_params = AddTypeAndStory(filters, params);
  // With entities, the walk goes along the first entity's index entries
  // (entity_id, document_seq), already in ingestion order, and checks the
  // others by primary key. Else, with a story, along the story's documents
  // (its parameter is TypeAndStoryFilter's last) rather than the whole table.
  const std::string walk =
      filters.story_id.empty()
          ? std::string(" FROM documents d WHERE d.seq > $1 ")
          : absl::StrCat(" FROM story_documents sd JOIN documents d "
                         "ON d.seq = sd.document_seq WHERE sd.story_seq = "
                         "(SELECT seq FROM stories WHERE story_id = $",
                         9 + type_and_story_params, ") AND d.seq > $1 ");
  KORPUS_ASSIGN_OR_RETURN(
      Result result,
      connection->Exec(
          entity_ids.empty()
              ? absl::StrCat("SELECT ", internal::Columns(view), walk,
                             "AND ($3 = 0 OR d.state = $3) "
                             "AND ($4 = 0 OR ((d.published_at_seconds, d.published_at_nanos) "
                             ">= ($5, $6) "
                             "AND (d.published_at_seconds, d.published_at_nanos) < ($7, $8))) "
                             "AND ($9 = '' OR starts_with(d.source_uri, $9))",
                             TypeAndStoryFilter("d.seq", 10, filters), " ORDER BY d.seq LIMIT $2")
              : absl::StrCat("SELECT ", internal::Columns(view),
                             " FROM document_entities f JOIN documents d ON d.seq = f.document_seq "
                             "WHERE f.entity_id = $10 AND f.document_seq > $1 "
                             "AND ($3 = 0 OR d.state = $3) "
                             "AND ($4 = 0 OR ((d.published_at_seconds, d.published_at_nanos) "
                             ">= ($5, $6) "
                             "AND (d.published_at_seconds, d.published_at_nanos) < ($7, $8))) "
                             "AND ($9 = '' OR starts_with(d.source_uri, $9)) ",
                             MentionsAll("d.seq", 11, entity_ids.size() - 1),
                             TypeAndStoryFilter("d.seq", 10 + static_cast<int>(entity_ids.size()),
                                                filters),
                             " ORDER BY f.document_seq LIMIT $2"),
          params));
  v1::ListDocumentsResponse response;
  const int rows = std::min(result.rows(), page_size);
  for (int i = 0; i < rows; ++i) {
    KORPUS_RETURN_IF_ERROR(internal::ReadDocument(result.row(i), view, *response.add_documents()));
  }
  if (result.rows() > page_size) {
    response.set_next_page_token(EncodePageToken(result.row(rows - 1).Int64(0), binding));
  }
  return response;
}

absl::StatusOr<v1::SearchResponse> PostgresStore::Search(const v1::SearchRequest& request) {
  KORPUS_ASSIGN_OR_RETURN(const int page_size,
                          EffectivePageSize(request.page_size(), kDefaultSearchPageSize,
                                            "SearchRequest.page_size"));
  KORPUS_RETURN_IF_ERROR(internal::ValidateView(request.view(), "SearchRequest.view"));
  KORPUS_ASSIGN_OR_RETURN(const ParsedQuery query, ParseQuery(request.query()));
  const v1::DocumentView view = internal::OrDefault(request.view(), v1::DOCUMENT_VIEW_BASIC);
  // Bound to the parsed query, so that "a  b" and "a AND b" share tokens.
  const std::string terms = query.Canonical();
  const std::vector<const QueryNode*> leaves = query.Leaves();
  KORPUS_ASSIGN_OR_RETURN(const std::vector<std::string> entity_ids,
                          internal::EntityFilter(request.entity_ids(),
                                                 "SearchRequest.entity_ids"));
  KORPUS_ASSIGN_OR_RETURN(const internal::ListFilters filters,
                          internal::ParseListFilters(request));
  KORPUS_ASSIGN_OR_RETURN(const int top_entities, internal::TopEntitiesLimit(request));
  const std::string binding =
      BindingOf(absl::StrCat("search\nview=", static_cast<int>(view), "\nterms=", terms,
                             internal::EntityFilterBinding(entity_ids),
                             internal::ListFiltersBinding(filters)));
  int64_t offset = 0;
  if (!request.page_token().empty()) {
    KORPUS_ASSIGN_OR_RETURN(
        offset, DecodePageToken(request.page_token(), binding, "SearchRequest.page_token"));
  }

  // Parameters: the terms (BindLeaves), then the entity ids, then limit and
  // offset.
  Params term_params;
  const int first_entity = BindLeaves(leaves, *morphology_, term_params) + 1;
  // Then, when set, the date and source filters (six parameters).
  const int first_filter = first_entity + static_cast<int>(entity_ids.size());
  const bool filtered = internal::Active(filters);
  const std::string match = absl::StrCat(
      "d.search @@ ", TsQuery(query, 1), MentionsAll("d.seq", first_entity, entity_ids.size()),
      filtered ? absl::Substitute(
                     " AND ($$$0 = 0 OR ((d.published_at_seconds, d.published_at_nanos) >= "
                     "($$$1, $$$2) AND (d.published_at_seconds, d.published_at_nanos) < "
                     "($$$3, $$$4))) AND ($$$5 = '' OR starts_with(d.source_uri, $$$5))",
                     first_filter, first_filter + 1, first_filter + 2, first_filter + 3,
                     first_filter + 4, first_filter + 5)
               : std::string(),
      TypeAndStoryFilter("d.seq", first_filter + (filtered ? 6 : 0), filters));
  // The parameter after all of the match's.
  const int after_match = first_filter + (filtered ? 6 : 0) +
                          static_cast<int>(TypesOf(filters).size()) +
                          (filters.story_id.empty() ? 0 : 1);
  auto add_terms = [this, &leaves, &entity_ids, &filters, filtered](Params& params) {
    BindLeaves(leaves, *morphology_, params);
    for (const std::string& id : entity_ids) params.Text(id);
    if (filtered) {
      params.Int(filters.dated ? 1 : 0)
          .Int(filters.after_seconds)
          .Int(filters.after_nanos)
          .Int(filters.before_seconds)
          .Int(filters.before_nanos)
          .Text(filters.source_prefix);
    }
    AddTypeAndStory(filters, params);
  };

  v1::SearchResponse response;
  KORPUS_ASSIGN_OR_RETURN(Pool::Lease connection, pool_->Acquire());
  // One snapshot, so that the count and the page agree.
  KORPUS_ASSIGN_OR_RETURN(
      Transaction transaction,
      Transaction::Begin(*connection, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  {
    Params count_params;
    add_terms(count_params);
    KORPUS_ASSIGN_OR_RETURN(
        Result count,
        connection->Exec(absl::StrCat("SELECT count(*) FROM documents d WHERE ", match),
                         count_params));
    if (count.rows() == 1) response.set_total_size(count.row(0).Int64(0));
  }
  if (request.documents_per_month() && response.total_size() > 0) {
    Params month_params;
    add_terms(month_params);
    KORPUS_ASSIGN_OR_RETURN(
        Result months,
        connection->Exec(
            absl::StrCat("SELECT extract(year FROM t)::int8 AS y, extract(month FROM t)::int8 "
                         "AS m, count(*) FROM (SELECT to_timestamp(d.published_at_seconds) "
                         "AT TIME ZONE 'UTC' AS t FROM documents d WHERE ",
                         match, " AND d.published_at_seconds IS NOT NULL) s "
                         "GROUP BY y, m ORDER BY y, m"),
            month_params));
    for (int i = 0; i < months.rows(); ++i) {
      const Row row = months.row(i);
      v1::MonthCount* month = response.add_documents_per_month();
      month->set_year(static_cast<int32_t>(row.Int64(0)));
      month->set_month(static_cast<int32_t>(row.Int64(1)));
      month->set_document_count(row.Int64(2));
    }
  }
  if (top_entities > 0 && response.total_size() > 0) {
    // Counted over the entity links of every match; only the winners are
    // looked up in `entities`.
    Params top_params;
    add_terms(top_params);
    top_params.Int(top_entities);
    KORPUS_ASSIGN_OR_RETURN(
        Result top,
        connection->Exec(
            absl::StrCat("SELECT t.entity_id, e.canonical_name, e.type::int8, t.n FROM "
                         "(SELECT g.entity_id, count(*)::int8 AS n FROM documents d "
                         "JOIN document_entities g ON g.document_seq = d.seq WHERE ",
                         match, " GROUP BY g.entity_id ORDER BY n DESC, g.entity_id COLLATE \"C\" "
                         "LIMIT $", after_match, ") t JOIN entities e ON e.entity_id = t.entity_id "
                         "ORDER BY t.n DESC, t.entity_id COLLATE \"C\""),
            top_params));
    for (int i = 0; i < top.rows(); ++i) {
      internal::ReadEntityCount(top.row(i), 0, *response.add_top_entities());
    }
  }
  if (offset < response.total_size()) {
    // The page is ranked and cut first; only its hits get a snippet
    // (SearchMorphology::Snippet). Weights {D, C, B, A}: a surface word
    // (D) counts twice as much as a lemma term (A), so a document with the
    // exact word ranks above one with only an inflected form or compound.
    const int limit_param = after_match;
    Params page_params;
    add_terms(page_params);
    page_params.Int(page_size).Int(offset);
    KORPUS_ASSIGN_OR_RETURN(
        Result page,
        connection->Exec(
            absl::StrCat(
                "SELECT ", internal::Columns(view), ", p.rank, d.text "
                "FROM (SELECT d.seq, ts_rank_cd('{1.0, 0.2, 0.4, 0.5}', d.search, ",
                TsQuery(query, 1),
                ", 1)::float8 AS rank FROM documents d WHERE ", match,
                " ORDER BY rank DESC, d.seq LIMIT $", limit_param, " OFFSET $", limit_param + 1,
                ") p JOIN documents d ON d.seq = p.seq ORDER BY p.rank DESC, d.seq"),
            page_params));
    const int score_column = internal::ColumnCount(view);
    for (int i = 0; i < page.rows(); ++i) {
      const Row row = page.row(i);
      v1::SearchHit* hit = response.add_hits();
      KORPUS_RETURN_IF_ERROR(internal::ReadDocument(row, view, *hit->mutable_document()));
      hit->set_score(row.Double(score_column));
      hit->set_snippet(morphology_->Snippet(row.Text(score_column + 1), query));
    }
  }
  KORPUS_RETURN_IF_ERROR(transaction.Commit());
  const int64_t next_offset = offset + response.hits_size();
  if (response.hits_size() > 0 && next_offset < response.total_size()) {
    response.set_next_page_token(EncodePageToken(next_offset, binding));
  }
  return response;
}

namespace {

// Up to `limit` aliases of `entity` (its names other than the canonical
// one), most documents first, ties in byte order (as in SQLite).
absl::Status ReadAliases(Connection& connection, int limit, v1::Entity& entity) {
  KORPUS_ASSIGN_OR_RETURN(
      Result result,
      connection.Exec("SELECT name, document_count FROM entity_names "
                      "WHERE entity_id = $1 AND name <> $2 "
                      "ORDER BY document_count DESC, name COLLATE \"C\" LIMIT $3",
                      Params().Text(entity.entity_id()).Text(entity.canonical_name()).Int(limit)));
  for (int i = 0; i < result.rows(); ++i) {
    v1::EntityAlias* alias = entity.add_aliases();
    alias->set_name(std::string(result.row(i).Text(0)));
    alias->set_document_count(result.row(i).Int64(1));
  }
  return absl::OkStatus();
}

// Up to `limit` aliases of each of `entities`, as ReadAliases gives them,
// in one round trip instead of one per entity.
absl::Status ReadAliasesOfPage(Connection& connection, int limit,
                               google::protobuf::RepeatedPtrField<v1::Entity>& entities) {
  if (entities.empty()) return absl::OkStatus();
  Params params;
  params.Int(limit);
  std::vector<std::string> placeholders;
  absl::flat_hash_map<std::string, v1::Entity*> by_id;
  for (v1::Entity& entity : entities) {
    params.Text(entity.entity_id());
    placeholders.push_back(absl::StrCat("$", params.size()));
    by_id[entity.entity_id()] = &entity;
  }
  KORPUS_ASSIGN_OR_RETURN(
      Result result,
      connection.Exec(
          absl::StrCat(
              "SELECT entity_id, name, document_count FROM (SELECT n.entity_id, n.name, "
              "n.document_count, row_number() OVER (PARTITION BY n.entity_id "
              "ORDER BY n.document_count DESC, n.name COLLATE \"C\") AS rank "
              "FROM entity_names n JOIN entities e ON e.entity_id = n.entity_id "
              "WHERE n.entity_id IN (", absl::StrJoin(placeholders, ", "),
              ") AND n.name <> e.canonical_name) ranked "
              "WHERE rank <= $1 ORDER BY entity_id, rank"),
          params));
  for (int i = 0; i < result.rows(); ++i) {
    const Row row = result.row(i);
    auto it = by_id.find(std::string(row.Text(0)));
    if (it == by_id.end()) continue;
    v1::EntityAlias* alias = it->second->add_aliases();
    alias->set_name(std::string(row.Text(1)));
    alias->set_document_count(row.Int64(2));
  }
  return absl::OkStatus();
}

// The filters of ListEntities over `entities e`: $1 the type (0 for all),
// $2 the folded name prefix ('' for all).
constexpr char kEntityFilters[] =
    "($1 = 0 OR e.type = $1) AND ($2 = '' OR starts_with(e.canonical_key, $2))";

}  // namespace

absl::StatusOr<v1::ListEntitiesResponse> PostgresStore::ListEntities(
    const v1::ListEntitiesRequest& request) {
  KORPUS_ASSIGN_OR_RETURN(const internal::EntityListing listing,
                          internal::PrepareEntityListing(request));
  v1::ListEntitiesResponse response;
  KORPUS_ASSIGN_OR_RETURN(Pool::Lease connection, pool_->Acquire());
  // One snapshot, so that the count and the page agree.
  KORPUS_ASSIGN_OR_RETURN(
      Transaction transaction,
      Transaction::Begin(*connection, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  {
    KORPUS_ASSIGN_OR_RETURN(
        Result count,
        connection->Exec(absl::StrCat("SELECT count(*) FROM entities e WHERE ", kEntityFilters),
                         Params().Int(listing.type).Text(listing.prefix)));
    if (count.rows() == 1) response.set_total_size(count.row(0).Int64(0));
  }
  if (listing.offset < response.total_size()) {
    KORPUS_ASSIGN_OR_RETURN(
        Result page,
        connection->Exec(absl::StrCat("SELECT ", internal::kEntityColumns,
                                      " FROM entities e WHERE ", kEntityFilters, " ORDER BY ",
                                      listing.order_by, " LIMIT $3 OFFSET $4"),
                         Params()
                             .Int(listing.type)
                             .Text(listing.prefix)
                             .Int(listing.page_size)
                             .Int(listing.offset)));
    for (int i = 0; i < page.rows(); ++i) {
      internal::ReadEntity(page.row(i), *response.add_entities());
    }
  }
  KORPUS_RETURN_IF_ERROR(
      ReadAliasesOfPage(*connection, kListedAliases, *response.mutable_entities()));
  KORPUS_RETURN_IF_ERROR(transaction.Commit());
  const int64_t next_offset = listing.offset + response.entities_size();
  if (response.entities_size() > 0 && next_offset < response.total_size()) {
    response.set_next_page_token(EncodePageToken(next_offset, listing.binding));
  }
  return response;
}

absl::StatusOr<v1::Entity> PostgresStore::GetEntity(const v1::GetEntityRequest& request) {
  KORPUS_ASSIGN_OR_RETURN(const internal::EntityLookup lookup,
                          internal::PrepareEntityLookup(request));
  v1::Entity entity;
  KORPUS_ASSIGN_OR_RETURN(Pool::Lease connection, pool_->Acquire());
  KORPUS_ASSIGN_OR_RETURN(
      Transaction transaction,
      Transaction::Begin(*connection, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  {
    KORPUS_ASSIGN_OR_RETURN(
        Result result,
        connection->Exec(absl::StrCat("SELECT ", internal::kEntityColumns,
                                      " FROM entities e WHERE e.entity_id = $1"),
                         Params().Text(request.entity_id())));
    if (result.rows() == 0) {
      return absl::NotFoundError(absl::StrCat("no entity with id '", request.entity_id(), "'"));
    }
    internal::ReadEntity(result.row(0), entity);
  }
  KORPUS_RETURN_IF_ERROR(ReadAliases(*connection, kEntityAliases, entity));
  if (lookup.offset < entity.document_count()) {
    KORPUS_ASSIGN_OR_RETURN(
        Result page,
        // The page is cut from the entity's index entries first; only its
        // documents are read.
        connection->Exec("SELECT d.id, d.title, p.salience, p.mention_count FROM "
                         "(SELECT document_seq, salience, mention_count FROM document_entities "
                         "WHERE entity_id = $1 ORDER BY salience DESC, document_seq "
                         "LIMIT $2 OFFSET $3) p "
                         "JOIN documents d ON d.seq = p.document_seq "
                         "ORDER BY p.salience DESC, p.document_seq",
                         Params()
                             .Text(request.entity_id())
                             .Int(lookup.page_size)
                             .Int(lookup.offset)));
    for (int i = 0; i < page.rows(); ++i) {
      const Row row = page.row(i);
      v1::EntityDocument* document = entity.add_documents();
      document->set_document_id(std::string(row.Text(0)));
      document->set_title(std::string(row.Text(1)));
      document->set_salience(row.Double(2));
      document->set_mention_count(static_cast<int32_t>(row.Int64(3)));
    }
  }
  KORPUS_RETURN_IF_ERROR(transaction.Commit());
  const int64_t next_offset = lookup.offset + entity.documents_size();
  if (entity.documents_size() > 0 && next_offset < entity.document_count()) {
    entity.set_documents_next_page_token(EncodePageToken(next_offset, lookup.binding));
  }
  return entity;
}

absl::StatusOr<v1::ListCooccurrencesResponse> PostgresStore::ListCooccurrences(
    const v1::ListCooccurrencesRequest& request) {
  KORPUS_ASSIGN_OR_RETURN(const internal::CooccurrenceListing listing,
                          internal::PrepareCooccurrenceListing(request));
  v1::ListCooccurrencesResponse response;
  KORPUS_ASSIGN_OR_RETURN(Pool::Lease connection, pool_->Acquire());
  // One snapshot, so that the entity, the count and the page agree.
  KORPUS_ASSIGN_OR_RETURN(
      Transaction transaction,
      Transaction::Begin(*connection, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  {
    KORPUS_ASSIGN_OR_RETURN(
        Result result,
        connection->Exec("SELECT e.entity_id, e.canonical_name, e.type::int8, e.document_count "
                         "FROM entities e WHERE e.entity_id = $1 AND e.document_count > 0",
                         Params().Text(listing.entity_id)));
    if (result.rows() == 0) {
      return absl::NotFoundError(absl::StrCat("no entity with id '", listing.entity_id, "'"));
    }
    internal::ReadEntityCount(result.row(0), 0, *response.mutable_entity());
  }
  // The companions: the other entity links of the entity's documents ($1 the
  // entity, $2 the type or 0).
  constexpr char kCompanions[] =
      " FROM document_entities g JOIN document_entities o ON o.document_seq = g.document_seq "
      "JOIN entities e ON e.entity_id = o.entity_id "
      "WHERE g.entity_id = $1 AND o.entity_id <> $1 AND ($2 = 0 OR e.type = $2)";
  {
    KORPUS_ASSIGN_OR_RETURN(
        Result count,
        connection->Exec(absl::StrCat("SELECT count(DISTINCT o.entity_id)", kCompanions),
                         Params().Text(listing.entity_id).Int(listing.type)));
    if (count.rows() == 1) response.set_total_size(count.row(0).Int64(0));
  }
  if (listing.offset < response.total_size()) {
    KORPUS_ASSIGN_OR_RETURN(
        Result page,
        connection->Exec(
            absl::StrCat("SELECT e.entity_id, e.canonical_name, e.type::int8, count(*)::int8 AS n",
                         kCompanions,
                         " GROUP BY e.entity_id ORDER BY n DESC, e.entity_id COLLATE \"C\" "
                         "LIMIT $3 OFFSET $4"),
            Params()
                .Text(listing.entity_id)
                .Int(listing.type)
                .Int(listing.page_size)
                .Int(listing.offset)));
    for (int i = 0; i < page.rows(); ++i) {
      internal::ReadEntityCount(page.row(i), 0, *response.add_cooccurrences()->mutable_entity());
    }
  }
  if (!response.cooccurrences().empty()) {
    // The examples of the whole page in one round trip.
    Params params;
    params.Text(listing.entity_id).Int(kCooccurrenceExamples);
    std::vector<std::string> placeholders;
    absl::flat_hash_map<std::string, v1::Cooccurrence*> by_id;
    for (v1::Cooccurrence& cooccurrence : *response.mutable_cooccurrences()) {
      params.Text(cooccurrence.entity().entity_id());
      placeholders.push_back(absl::StrCat("$", params.size()));
      by_id[cooccurrence.entity().entity_id()] = &cooccurrence;
    }
    KORPUS_ASSIGN_OR_RETURN(
        Result examples,
        connection->Exec(
            absl::StrCat("SELECT entity_id, id FROM (SELECT o.entity_id, d.id, row_number() "
                         "OVER (PARTITION BY o.entity_id ORDER BY g.document_seq DESC) AS rank "
                         "FROM document_entities g JOIN document_entities o "
                         "ON o.document_seq = g.document_seq JOIN documents d "
                         "ON d.seq = g.document_seq WHERE g.entity_id = $1 AND o.entity_id IN (",
                         absl::StrJoin(placeholders, ", "),
                         ")) ranked WHERE rank <= $2 ORDER BY entity_id, rank"),
            params));
    for (int i = 0; i < examples.rows(); ++i) {
      const Row row = examples.row(i);
      auto it = by_id.find(std::string(row.Text(0)));
      if (it != by_id.end()) it->second->add_example_document_ids(std::string(row.Text(1)));
    }
  }
  KORPUS_RETURN_IF_ERROR(transaction.Commit());
  const int64_t next_offset = listing.offset + response.cooccurrences_size();
  if (response.cooccurrences_size() > 0 && next_offset < response.total_size()) {
    response.set_next_page_token(EncodePageToken(next_offset, listing.binding));
  }
  return response;
}

absl::StatusOr<v1::CorpusStats> PostgresStore::Stats() {
  KORPUS_ASSIGN_OR_RETURN(Pool::Lease connection, pool_->Acquire());
  KORPUS_ASSIGN_OR_RETURN(
      Result result,
      connection->Exec("SELECT count(*), coalesce(sum(sentence_count), 0)::bigint, "
                       "coalesce(sum(token_count), 0)::bigint, "
                       "coalesce(sum(char_count), 0)::bigint, "
                       "count(*) FILTER (WHERE state = 1), count(*) FILTER (WHERE state = 2), "
                       "count(*) FILTER (WHERE state = 3), max(ingested_at_micros), "
                       "count(*) FILTER (WHERE ingested_at_micros > $1), "
                       "count(*) FILTER (WHERE ingested_at_micros > $2) "
                       "FROM documents",
                       Params()
                           .Int(absl::ToUnixMicros(absl::Now()) - int64_t{3600} * 1000000)
                           .Int(absl::ToUnixMicros(absl::Now()) - int64_t{86400} * 1000000)));
  v1::CorpusStats stats;
  if (result.rows() != 1) return stats;
  const Row row = result.row(0);
  stats.set_document_count(row.Int64(0));
  stats.set_sentence_count(row.Int64(1));
  stats.set_token_count(row.Int64(2));
  stats.set_char_count(row.Int64(3));
  stats.set_pending_count(row.Int64(4));
  stats.set_annotated_count(row.Int64(5));
  stats.set_failed_count(row.Int64(6));
  if (!row.IsNull(7)) internal::SetMicros(row.Int64(7), *stats.mutable_last_ingested_at());
  stats.set_ingested_last_hour(row.Int64(8));
  stats.set_ingested_last_day(row.Int64(9));
  KORPUS_ASSIGN_OR_RETURN(
      Result entities,
      connection->Exec("SELECT type::int8, count(*) FROM entities WHERE document_count > 0 "
                       "GROUP BY type"));
  internal::EntityTypeCounts counts{};
  for (int i = 0; i < entities.rows(); ++i) {
    internal::AddEntityTypeCount(entities.row(i).Int64(0), entities.row(i).Int64(1), counts);
  }
  internal::SetEntityTypeCounts(counts, stats);
  return stats;
}

namespace {

// The filters of ListQuotes over `quotes q`: $1 the speaker, $2 the
// document id ('' for all), $3 1 to include quoted terms.
constexpr char kQuoteFilters[] =
    "($1 = '' OR q.speaker_entity_id = $1) "
    "AND ($2 = '' OR q.document_seq = (SELECT seq FROM documents WHERE id = $2)) "
    "AND ($3 = 1 OR q.kind <> 4)";

// The filters of GetTimeline over `timeline t`: $1 the entity, $2 the
// document id ('' for all), $3 / $4 the first and last day (NULL: open),
// $5 1 for resolved dates only.
constexpr char kTimelineFilters[] =
    "($1 = '' OR EXISTS (SELECT 1 FROM timeline_entities te WHERE te.entity_id = $1 "
    "AND te.document_seq = t.document_seq AND te.date_index = t.date_index)) "
    "AND ($2 = '' OR t.document_seq = (SELECT seq FROM documents WHERE id = $2)) "
    "AND ($3::bigint IS NULL OR t.end_day >= $3) AND ($4::bigint IS NULL OR t.start_day <= $4) "
    "AND ($5 = 0 OR t.resolved = 1)";

}  // namespace

absl::StatusOr<v1::ListQuotesResponse> PostgresStore::ListQuotes(
    const v1::ListQuotesRequest& request) {
  KORPUS_ASSIGN_OR_RETURN(const internal::QuoteListing listing,
                          internal::PrepareQuoteListing(request));
  // Each word through phraseto_tsquery, as Search does with its terms: a
  // word the parser splits ("KI-Chip") needs its parts in order.
  std::string where = kQuoteFilters;
  for (size_t i = 0; i < listing.words.size(); ++i) {
    absl::StrAppend(&where, " AND q.search @@ phraseto_tsquery('simple', $", 6 + i, ")");
  }
  auto params = [&](Params& p) -> Params& {
    p.Text(listing.speaker_entity_id).Text(listing.document_id).Int(listing.include_terms ? 1 : 0);
    p.Int(listing.page_size).Int(listing.offset);
    for (const std::string& word : listing.words) p.Text(word);
    return p;
  };
  v1::ListQuotesResponse response;
  KORPUS_ASSIGN_OR_RETURN(Pool::Lease connection, pool_->Acquire());
  // One snapshot, so that the count and the page agree.
  KORPUS_ASSIGN_OR_RETURN(
      Transaction transaction,
      Transaction::Begin(*connection, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  {
    // $4 and $5 (page size and offset) are unused here; their types are
    // given, so both statements share one parameter list.
    Params p;
    KORPUS_ASSIGN_OR_RETURN(
        Result count,
        connection->Exec(absl::StrCat("SELECT count(*) FROM quotes q WHERE ", where), params(p)));
    if (count.rows() == 1) response.set_total_size(count.row(0).Int64(0));
  }
  if (listing.offset < response.total_size()) {
    Params p;
    KORPUS_ASSIGN_OR_RETURN(
        Result page,
        connection->Exec(
            absl::StrCat("SELECT ", internal::kQuoteColumns,
                         " FROM quotes q JOIN documents d ON d.seq = q.document_seq WHERE ", where,
                         " ORDER BY q.document_time DESC, q.document_seq DESC, q.quote_index "
                         "LIMIT $4 OFFSET $5"),
            params(p)));
    for (int i = 0; i < page.rows(); ++i) {
      KORPUS_RETURN_IF_ERROR(internal::ReadQuote(page.row(i), *response.add_quotes()));
    }
  }
  KORPUS_RETURN_IF_ERROR(transaction.Commit());
  const int64_t next_offset = listing.offset + response.quotes_size();
  if (response.quotes_size() > 0 && next_offset < response.total_size()) {
    response.set_next_page_token(EncodePageToken(next_offset, listing.binding));
  }
  return response;
}

absl::StatusOr<v1::GetTimelineResponse> PostgresStore::GetTimeline(
    const v1::GetTimelineRequest& request) {
  KORPUS_ASSIGN_OR_RETURN(const internal::TimelineListing listing,
                          internal::PrepareTimelineListing(request));
  auto params = [&](Params& p) -> Params& {
    p.Text(listing.entity_id).Text(listing.document_id);
    if (listing.from_day) {
      p.Int(*listing.from_day);
    } else {
      p.NullInt();
    }
    if (listing.to_day) {
      p.Int(*listing.to_day);
    } else {
      p.NullInt();
    }
    p.Int(listing.resolved_only ? 1 : 0);
    return p;
  };
  v1::GetTimelineResponse response;
  KORPUS_ASSIGN_OR_RETURN(Pool::Lease connection, pool_->Acquire());
  KORPUS_ASSIGN_OR_RETURN(
      Transaction transaction,
      Transaction::Begin(*connection, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  {
    Params p;
    KORPUS_ASSIGN_OR_RETURN(
        Result count,
        connection->Exec(absl::StrCat("SELECT count(*) FROM timeline t WHERE ", kTimelineFilters),
                         params(p)));
    if (count.rows() == 1) response.set_total_size(count.row(0).Int64(0));
  }
  if (listing.offset < response.total_size()) {
    Params p;
    params(p).Int(listing.page_size).Int(listing.offset);
    KORPUS_ASSIGN_OR_RETURN(
        Result page,
        connection->Exec(
            absl::StrCat("SELECT ", internal::kTimelineColumns,
                         " FROM timeline t JOIN documents d ON d.seq = t.document_seq WHERE ",
                         kTimelineFilters,
                         " ORDER BY t.resolved DESC, t.start_day, t.end_day, t.document_seq, "
                         "t.date_index LIMIT $6 OFFSET $7"),
            p));
    for (int i = 0; i < page.rows(); ++i) {
      KORPUS_RETURN_IF_ERROR(internal::ReadTimelineEvent(page.row(i), *response.add_events()));
    }
  }
  KORPUS_RETURN_IF_ERROR(transaction.Commit());
  const int64_t next_offset = listing.offset + response.events_size();
  if (response.events_size() > 0 && next_offset < response.total_size()) {
    response.set_next_page_token(EncodePageToken(next_offset, listing.binding));
  }
  return response;
}

namespace {

// The filters of ListStories over `stories s`: $1 the least document count,
// $2 an entity one of the story's documents mentions ('' for all).
constexpr char kStoryFilters[] =
    "s.document_count >= $1 AND ($2 = '' OR s.seq IN (SELECT sd.story_seq "
    "FROM document_entities de JOIN story_documents sd ON sd.document_seq = de.document_seq "
    "WHERE de.entity_id = $2))";

// The story's first `limit` documents in joining order (all when limit is
// negative), and its main entities' corpus-wide names and types.
absl::Status ReadStoryDetails(Connection& connection, int64_t story_seq, int limit,
                              v1::Story& story) {
  Params params;
  params.Int(story_seq);
  if (limit >= 0) {
    params.Int(limit);
  } else {
    params.NullInt();  // LIMIT NULL: no limit
  }
  KORPUS_ASSIGN_OR_RETURN(
      Result documents,
      connection.Exec(absl::StrCat("SELECT ", internal::kStoryDocumentColumns,
                                   " FROM story_documents sd JOIN documents d "
                                   "ON d.seq = sd.document_seq "
                                   "WHERE sd.story_seq = $1 ORDER BY sd.position LIMIT $2"),
                      params));
  for (int i = 0; i < documents.rows(); ++i) {
    internal::ReadStoryDocument(documents.row(i), *story.add_documents());
  }
  for (v1::StoryEntity& entity : *story.mutable_main_entities()) {
    KORPUS_ASSIGN_OR_RETURN(
        Result result,
        connection.Exec("SELECT canonical_name, type FROM entities WHERE entity_id = $1",
                        Params().Text(entity.entity_id())));
    if (result.rows() == 0) continue;
    entity.set_canonical_name(std::string(result.row(0).Text(0)));
    entity.set_type(static_cast<v1::EntityType>(result.row(0).Int64(1)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::ListStoriesResponse> PostgresStore::ListStories(
    const v1::ListStoriesRequest& request) {
  KORPUS_ASSIGN_OR_RETURN(const internal::StoryListing listing,
                          internal::PrepareStoryListing(request));
  v1::ListStoriesResponse response;
  KORPUS_ASSIGN_OR_RETURN(Pool::Lease connection, pool_->Acquire());
  // One snapshot, so that the count and the page agree.
  KORPUS_ASSIGN_OR_RETURN(
      Transaction transaction,
      Transaction::Begin(*connection, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  {
    KORPUS_ASSIGN_OR_RETURN(
        Result count,
        connection->Exec(absl::StrCat("SELECT count(*) FROM stories s WHERE ", kStoryFilters),
                         Params().Int(listing.min_documents).Text(listing.entity_id)));
    if (count.rows() == 1) response.set_total_size(count.row(0).Int64(0));
  }
  std::vector<int64_t> seqs;
  if (listing.offset < response.total_size()) {
    KORPUS_ASSIGN_OR_RETURN(
        Result page,
        connection->Exec(absl::StrCat("SELECT ", internal::kStoryColumns,
                                      " FROM stories s WHERE ", kStoryFilters,
                                      " ORDER BY s.last_seen_micros DESC, s.story_id "
                                      "LIMIT $3 OFFSET $4"),
                         Params()
                             .Int(listing.min_documents)
                             .Text(listing.entity_id)
                             .Int(listing.page_size)
                             .Int(listing.offset)));
    for (int i = 0; i < page.rows(); ++i) {
      KORPUS_RETURN_IF_ERROR(internal::ReadStory(page.row(i), *response.add_stories()));
      seqs.push_back(page.row(i).Int64(0));
    }
  }
  for (size_t i = 0; i < seqs.size(); ++i) {
    KORPUS_RETURN_IF_ERROR(ReadStoryDetails(*connection, seqs[i], internal::kListedStoryDocuments,
                                            *response.mutable_stories(static_cast<int>(i))));
  }
  KORPUS_RETURN_IF_ERROR(transaction.Commit());
  const int64_t next_offset = listing.offset + response.stories_size();
  if (response.stories_size() > 0 && next_offset < response.total_size()) {
    response.set_next_page_token(EncodePageToken(next_offset, listing.binding));
  }
  return response;
}

absl::StatusOr<v1::Story> PostgresStore::GetStory(const v1::GetStoryRequest& request) {
  KORPUS_RETURN_IF_ERROR(internal::ValidateGetStory(request));
  v1::Story story;
  KORPUS_ASSIGN_OR_RETURN(Pool::Lease connection, pool_->Acquire());
  KORPUS_ASSIGN_OR_RETURN(
      Transaction transaction,
      Transaction::Begin(*connection, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  int64_t seq = 0;
  {
    KORPUS_ASSIGN_OR_RETURN(
        Result result,
        connection->Exec(absl::StrCat("SELECT ", internal::kStoryColumns,
                                      " FROM stories s WHERE s.story_id = $1"),
                         Params().Text(request.story_id())));
    if (result.rows() == 0) {
      return absl::NotFoundError(absl::StrCat("no story with id '", request.story_id(), "'"));
    }
    KORPUS_RETURN_IF_ERROR(internal::ReadStory(result.row(0), story));
    seq = result.row(0).Int64(0);
  }
  KORPUS_RETURN_IF_ERROR(ReadStoryDetails(*connection, seq, -1, story));
  KORPUS_RETURN_IF_ERROR(transaction.Commit());
  return story;
}

absl::StatusOr<v1::PollWatchResponse> PostgresStore::PollWatch(
    const v1::PollWatchRequest& request) {
  KORPUS_ASSIGN_OR_RETURN(const internal::WatchPlan plan, internal::PrepareWatch(request));
  v1::PollWatchResponse response;
  KORPUS_ASSIGN_OR_RETURN(Pool::Lease connection, pool_->Acquire());
  // The last position this poll looks at: kWatchScanLimit positions on at
  // most (the current last one for start_from_now). Positions commit in
  // their order (AssignWatchPosition), so none at or below it can appear
  // later.
  int64_t bound = plan.after;
  {
    KORPUS_ASSIGN_OR_RETURN(
        Result scan,
        plan.from_now
            ? connection->Exec("SELECT max(watch_seq) FROM documents")
            : connection->Exec("SELECT max(watch_seq) FROM (SELECT watch_seq FROM documents "
                               "WHERE watch_seq > $1 ORDER BY watch_seq LIMIT $2) s",
                               Params().Int(plan.after).Int(kWatchScanLimit)));
    if (scan.rows() == 1 && !scan.row(0).IsNull(0)) bound = scan.row(0).Int64(0);
  }
  if (plan.from_now || bound == plan.after) {
    response.set_cursor(internal::WatchCursor(plan, bound));
    return response;
  }
  // Parameters: $1 after, $2 bound, $3 limit, $4 state, $5-$10 the date and
  // source filters, then the query's terms (BindLeaves), then the entities.
  Params params;
  params.Int(plan.after).Int(bound).Int(plan.max_events + 1).Int(v1::DOCUMENT_STATE_ANNOTATED);
  params.Int(plan.filters.dated ? 1 : 0)
      .Int(plan.filters.after_seconds)
      .Int(plan.filters.after_nanos)
      .Int(plan.filters.before_seconds)
      .Int(plan.filters.before_nanos)
      .Text(plan.filters.source_prefix);
  const int first_entity = 11 + BindLeaves(plan.query.Leaves(), *morphology_, params);
  for (const std::string& id : plan.entity_ids) params.Text(id);
  KORPUS_ASSIGN_OR_RETURN(
      Result result,
      connection->Exec(
          absl::StrCat("SELECT ", internal::Columns(plan.view), ", d.watch_seq FROM documents d "
                       "WHERE d.watch_seq > $1 AND d.watch_seq <= $2 AND d.state = $4 "
                       "AND ($5 = 0 OR ((d.published_at_seconds, d.published_at_nanos) >= "
                       "($6, $7) AND (d.published_at_seconds, d.published_at_nanos) < ($8, $9))) "
                       "AND ($10 = '' OR starts_with(d.source_uri, $10)) AND d.search @@ ",
                       TsQuery(plan.query, 11),
                       MentionsAll("d.seq", first_entity, plan.entity_ids.size()),
                       " ORDER BY d.watch_seq LIMIT $3"),
          params));
  const int position_column = internal::ColumnCount(plan.view);
  int64_t reached = bound;
  for (int i = 0; i < result.rows(); ++i) {
    const Row row = result.row(i);
    if (response.events_size() == plan.max_events) {
      reached = row.Int64(position_column) - 1;
      break;
    }
    v1::WatchEvent* event = response.add_events();
    KORPUS_RETURN_IF_ERROR(internal::ReadDocument(row, plan.view, *event->mutable_document()));
    event->set_cursor(internal::WatchCursor(plan, row.Int64(position_column)));
  }
  response.set_cursor(internal::WatchCursor(plan, reached));
  return response;
}

}  // namespace korpus::store
