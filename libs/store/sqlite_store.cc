#include "libs/store/sqlite_store.h"

#include <sqlite3.h>

#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>

#include <google/protobuf/io/coded_stream.h>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "libs/server/status_macros.h"
#include "libs/store/document_row.h"
#include "libs/store/paging.h"
#include "libs/store/query.h"

namespace korpus::store {
namespace {

// Schema migrations, applied in order at open. Append only: never edit a
// released migration; a new version gets a new entry.
struct Migration {
  int version;
  const char* sql;
};

constexpr Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE documents (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  language TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  source_uri TEXT NOT NULL,
  published_at_seconds INTEGER,
  published_at_nanos INTEGER NOT NULL,
  ingested_at_micros INTEGER NOT NULL,
  state INTEGER NOT NULL,
  state_reason TEXT NOT NULL,
  char_count INTEGER NOT NULL,
  sentence_count INTEGER NOT NULL,
  token_count INTEGER NOT NULL,
  metadata BLOB NOT NULL,
  text TEXT NOT NULL,
  paragraphs BLOB NOT NULL
) STRICT;
CREATE TABLE annotations (
  document_seq INTEGER PRIMARY KEY REFERENCES documents(seq) ON DELETE CASCADE,
  model_name TEXT NOT NULL,
  model_version TEXT NOT NULL,
  data BLOB NOT NULL
) STRICT;
CREATE VIRTUAL TABLE documents_fts USING fts5(
  title, text,
  content = 'documents', content_rowid = 'seq',
  tokenize = 'unicode61 remove_diacritics 0'
);
)sql"},
};

constexpr int kLatestVersion = kMigrations[std::size(kMigrations) - 1].version;

// Maps an SQLite result code to the house status codes: lock contention and
// I/O errors may pass (retry), a full disk is a limit, corruption is data
// loss, files we may not open or write are a deployment problem, anything
// else (constraint violations, misuse) is a bug.
absl::Status SqliteError(sqlite3* db, int rc, std::string_view what) {
  std::string message = absl::StrCat("sqlite: ", std::string(what), ": ",
                                     db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
      return absl::UnavailableError(message);
    case SQLITE_FULL:
      return absl::ResourceExhaustedError(message);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::DataLossError(message);
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return absl::FailedPreconditionError(message);
    default:
      return absl::InternalError(message);
  }
}

// A prepared statement borrowed from a Connection's cache; reset and
// unbound when it goes out of scope. Bound text and blobs are not copied
// (SQLITE_STATIC): they must outlive the statement's use.
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(Statement&& other) noexcept
      : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)) {}
  Statement& operator=(Statement&&) = delete;
  ~Statement() {
    if (stmt_ != nullptr) {
      sqlite3_reset(stmt_);
      sqlite3_clear_bindings(stmt_);
    }
  }

  void BindText(int index, std::string_view text) {
    sqlite3_bind_text(stmt_, index, text.empty() ? "" : text.data(),
                      static_cast<int>(text.size()), SQLITE_STATIC);
  }
  void BindBlob(int index, std::string_view blob) {
    sqlite3_bind_blob(stmt_, index, blob.empty() ? "" : blob.data(),
                      static_cast<int>(blob.size()), SQLITE_STATIC);
  }
  void BindInt64(int index, int64_t value) { sqlite3_bind_int64(stmt_, index, value); }
  void BindNull(int index) { sqlite3_bind_null(stmt_, index); }

  // True when a row is available, false when the statement is done.
  absl::StatusOr<bool> Step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return SqliteError(db_, rc, sqlite3_sql(stmt_));
  }
  // Runs a statement that returns no rows.
  absl::Status Run() {
    absl::StatusOr<bool> row = Step();
    if (!row.ok()) return row.status();
    return absl::OkStatus();
  }

  bool IsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
  int64_t Int64(int column) const { return sqlite3_column_int64(stmt_, column); }
  double Double(int column) const { return sqlite3_column_double(stmt_, column); }
  std::string_view Text(int column) const {
    const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    if (data == nullptr) return {};
    return std::string_view(data, sqlite3_column_bytes(stmt_, column));
  }
  std::string_view Blob(int column) const {
    const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
    if (data == nullptr) return {};
    return std::string_view(data, sqlite3_column_bytes(stmt_, column));
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

// A phrase of the FTS5 query syntax: the text in double quotes, inner quotes
// doubled. FTS5 tokenizes it like the indexed text, so a quoted word is a
// whole word and a quoted phrase needs its words adjacent and in order;
// nothing inside can act as an operator.
std::string Fts5String(std::string_view text) {
  return absl::StrCat("\"", absl::StrReplaceAll(absl::string_view(text.data(), text.size()),
                                                 {{"\"", "\"\""}}),
                      "\"");
}

std::string Fts5Match(const ParsedQuery& query) {
  std::string match;
  for (const QueryTerm& term : query.terms) {
    if (!match.empty()) match += " AND ";
    match += Fts5String(term.text);
  }
  return match;
}


}  // namespace

// One sqlite3 connection with its prepared statements. Callers hold `mu`
// for as long as they use the connection or any statement from it.
class SqliteStore::Connection {
 public:
  static absl::StatusOr<std::unique_ptr<Connection>> Open(const std::string& path, int flags,
                                                          absl::Duration busy_timeout) {
    sqlite3* db = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
    auto connection = std::unique_ptr<Connection>(new Connection(db));
    if (rc != SQLITE_OK) {
      return SqliteError(db, rc, absl::StrCat("opening '", path, "'"));
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, static_cast<int>(absl::ToInt64Milliseconds(busy_timeout)));
    return connection;
  }

  ~Connection() {
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }

  sqlite3* db() { return db_; }

  // Runs one or more statements without results (schema, pragmas).
  absl::Status Exec(const std::string& sql) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, sql);
    return absl::OkStatus();
  }

  // The cached prepared statement for `sql`, preparing it on first use.
  absl::StatusOr<Statement> Prepare(const std::string& sql) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    auto it = statements_.find(sql);
    if (it == statements_.end()) {
      sqlite3_stmt* stmt = nullptr;
      const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                        SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
      if (rc != SQLITE_OK) return SqliteError(db_, rc, absl::StrCat("preparing ", sql));
      it = statements_.emplace(sql, stmt).first;
    }
    return Statement(db_, it->second);
  }

  // Reads an integer pragma such as user_version.
  absl::StatusOr<int64_t> PragmaInt(const std::string& name) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    KORPUS_ASSIGN_OR_RETURN(Statement stmt, Prepare(absl::StrCat("PRAGMA ", name)));
    KORPUS_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) return absl::InternalError(absl::StrCat("PRAGMA ", name, " returned no row"));
    return stmt.Int64(0);
  }

  absl::Mutex mu;

 private:
  explicit Connection(sqlite3* db) : db_(db) {}

  sqlite3* db_;
  absl::flat_hash_map<std::string, sqlite3_stmt*> statements_ ABSL_GUARDED_BY(mu);
};

namespace {

// A transaction on a connection whose mutex the caller holds; rolled back
// unless committed.
class Transaction {
 public:
  // `begin` is "BEGIN" (read) or "BEGIN IMMEDIATE" (takes the write lock at
  // once, so that a write never fails half-way on lock upgrade).
  static absl::StatusOr<Transaction> Begin(SqliteStore::Connection& connection,
                                           const char* begin) {
    KORPUS_ASSIGN_OR_RETURN(Statement stmt, connection.Prepare(begin));
    KORPUS_RETURN_IF_ERROR(stmt.Run());
    return Transaction(connection);
  }
  Transaction(Transaction&& other) noexcept
      : connection_(other.connection_), open_(std::exchange(other.open_, false)) {}
  ~Transaction() {
    if (open_) {
      if (absl::StatusOr<Statement> stmt = connection_.Prepare("ROLLBACK"); stmt.ok()) {
        stmt->Run().IgnoreError();  // Nothing more to do if even this fails.
      }
    }
  }

  absl::Status Commit() {
    KORPUS_ASSIGN_OR_RETURN(Statement stmt, connection_.Prepare("COMMIT"));
    KORPUS_RETURN_IF_ERROR(stmt.Run());
    open_ = false;
    return absl::OkStatus();
  }

 private:
  explicit Transaction(SqliteStore::Connection& connection)
      : connection_(connection), open_(true) {}

  SqliteStore::Connection& connection_;
  bool open_;
};

absl::Status Configure(SqliteStore::Connection& connection, bool in_memory) {
  absl::MutexLock lock(&connection.mu);
  if (!in_memory) {
    KORPUS_ASSIGN_OR_RETURN(Statement stmt, connection.Prepare("PRAGMA journal_mode = WAL"));
    KORPUS_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row || stmt.Text(0) != "wal") {
      return absl::FailedPreconditionError("sqlite: the database cannot use WAL journaling");
    }
  }
  return connection.Exec("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;");
}

absl::Status Migrate(SqliteStore::Connection& connection, const std::string& path) {
  absl::MutexLock lock(&connection.mu);
  KORPUS_ASSIGN_OR_RETURN(int64_t version, connection.PragmaInt("user_version"));
  if (version == kLatestVersion) return absl::OkStatus();
  KORPUS_ASSIGN_OR_RETURN(Transaction transaction,
                          Transaction::Begin(connection, "BEGIN IMMEDIATE"));
  // Read again under the write lock: another process may have migrated.
  KORPUS_ASSIGN_OR_RETURN(version, connection.PragmaInt("user_version"));
  if (version > kLatestVersion) {
    return absl::FailedPreconditionError(absl::StrCat(
        "database '", path, "' has schema version ", version, ", newer than version ",
        kLatestVersion, " that this build understands; use a newer korpus-storage"));
  }
  if (version < 0) {
    return absl::DataLossError(
        absl::StrCat("database '", path, "' has an invalid schema version ", version));
  }
  for (const Migration& migration : kMigrations) {
    if (migration.version <= version) continue;
    if (absl::Status status = connection.Exec(migration.sql); !status.ok()) {
      return absl::Status(status.code(), absl::StrCat("migrating '", path, "' to schema version ",
                                                      migration.version, ": ", status.message()));
    }
  }
  KORPUS_RETURN_IF_ERROR(connection.Exec(absl::StrCat("PRAGMA user_version = ", kLatestVersion)));
  return transaction.Commit();
}

}  // namespace

int SqliteStore::SchemaVersion() { return kLatestVersion; }

absl::StatusOr<std::unique_ptr<SqliteStore>> SqliteStore::Open(const SqliteOptions& options) {
  if (options.path.empty()) {
    return absl::InvalidArgumentError("SqliteOptions.path is empty");
  }
  const bool in_memory = options.path == ":memory:";
  KORPUS_ASSIGN_OR_RETURN(
      std::unique_ptr<Connection> writer,
      Connection::Open(options.path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                       options.busy_timeout));
  KORPUS_RETURN_IF_ERROR(Configure(*writer, in_memory));
  KORPUS_RETURN_IF_ERROR(Migrate(*writer, options.path));
  std::unique_ptr<Connection> reader;
  if (!in_memory) {
    KORPUS_ASSIGN_OR_RETURN(
        reader, Connection::Open(options.path, SQLITE_OPEN_READONLY, options.busy_timeout));
  }
  return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(writer), std::move(reader)));
}

SqliteStore::SqliteStore(std::unique_ptr<Connection> writer, std::unique_ptr<Connection> reader)
    : writer_(std::move(writer)), reader_(std::move(reader)) {}

SqliteStore::~SqliteStore() = default;

absl::StatusOr<PutResult> SqliteStore::Write(const v1::Document& document, WriteMode mode) {
  // Everything that does not need the database is done before taking the lock.
  KORPUS_ASSIGN_OR_RETURN(internal::DocumentRow row, internal::PrepareRow(document, mode));
  PutResult result;
  const v1::Document& basic = row.basic;

  Connection& connection = *writer_;
  absl::MutexLock lock(&connection.mu);
  KORPUS_ASSIGN_OR_RETURN(Transaction transaction,
                          Transaction::Begin(connection, "BEGIN IMMEDIATE"));
  int64_t seq = 0;
  {
    KORPUS_ASSIGN_OR_RETURN(
        Statement insert,
        connection.Prepare(
            "INSERT INTO documents (id, title, language, content_hash, source_uri, "
            "published_at_seconds, published_at_nanos, ingested_at_micros, state, state_reason, "
            "char_count, sentence_count, token_count, metadata, text, paragraphs) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16) "
            "ON CONFLICT (id) DO NOTHING"));
    insert.BindText(1, basic.id());
    insert.BindText(2, basic.title());
    insert.BindText(3, basic.language());
    insert.BindText(4, basic.content_hash());
    insert.BindText(5, basic.source_uri());
    if (basic.has_published_at()) {
      insert.BindInt64(6, basic.published_at().seconds());
    } else {
      insert.BindNull(6);
    }
    insert.BindInt64(7, basic.published_at().nanos());
    insert.BindInt64(8, row.ingested_at_micros);
    insert.BindInt64(9, basic.state());
    insert.BindText(10, basic.state_reason());
    insert.BindInt64(11, basic.char_count());
    insert.BindInt64(12, basic.sentence_count());
    insert.BindInt64(13, basic.token_count());
    insert.BindBlob(14, row.metadata_blob);
    insert.BindText(15, document.text());
    insert.BindBlob(16, row.paragraphs_blob);
    KORPUS_RETURN_IF_ERROR(insert.Run());
  }
  if (sqlite3_changes(connection.db()) == 0) {
    // The id exists: report what is stored, write nothing.
    KORPUS_ASSIGN_OR_RETURN(
        Statement select,
        connection.Prepare(absl::StrCat("SELECT ", internal::Columns(v1::DOCUMENT_VIEW_BASIC),
                                        " FROM documents d WHERE d.id = ?1")));
    select.BindText(1, document.id());
    KORPUS_ASSIGN_OR_RETURN(bool has_row, select.Step());
    if (!has_row) return absl::InternalError("insert conflicted but the id is not stored");
    v1::Document existing;
    KORPUS_RETURN_IF_ERROR(internal::ReadDocument(select, v1::DOCUMENT_VIEW_BASIC, existing));
    result.created = false;
    result.stored_basic = std::move(existing);
    return result;  // The transaction rolls back; it wrote nothing.
  }
  seq = sqlite3_last_insert_rowid(connection.db());
  {
    KORPUS_ASSIGN_OR_RETURN(
        Statement index,
        connection.Prepare("INSERT INTO documents_fts (rowid, title, text) VALUES (?1, ?2, ?3)"));
    index.BindInt64(1, seq);
    index.BindText(2, basic.title());
    index.BindText(3, document.text());
    KORPUS_RETURN_IF_ERROR(index.Run());
  }
  if (row.has_annotations) {
    KORPUS_ASSIGN_OR_RETURN(
        Statement annotate,
        connection.Prepare("INSERT INTO annotations (document_seq, model_name, model_version, "
                           "data) VALUES (?1, ?2, ?3, ?4)"));
    annotate.BindInt64(1, seq);
    annotate.BindText(2, document.annotations().model_name());
    annotate.BindText(3, document.annotations().model_version());
    annotate.BindBlob(4, row.annotations_blob);
    KORPUS_RETURN_IF_ERROR(annotate.Run());
  }
  KORPUS_RETURN_IF_ERROR(transaction.Commit());
  result.created = true;
  result.stored_basic = std::move(row.basic);
  return result;
}

absl::StatusOr<v1::Document> SqliteStore::Get(std::string_view id, v1::DocumentView view) {
  if (id.empty()) return absl::InvalidArgumentError("GetDocumentRequest.id is empty");
  KORPUS_RETURN_IF_ERROR(internal::ValidateView(view, "GetDocumentRequest.view"));
  view = internal::OrDefault(view, v1::DOCUMENT_VIEW_FULL);
  Connection& connection = reader();
  absl::MutexLock lock(&connection.mu);
  KORPUS_ASSIGN_OR_RETURN(
      Statement select,
      connection.Prepare(absl::StrCat("SELECT ", internal::Columns(view), " FROM documents d WHERE d.id = ?1")));
  select.BindText(1, id);
  KORPUS_ASSIGN_OR_RETURN(bool has_row, select.Step());
  if (!has_row) {
    return absl::NotFoundError(absl::StrCat("no document with id '", std::string(id), "'"));
  }
  v1::Document document;
  KORPUS_RETURN_IF_ERROR(internal::ReadDocument(select, view, document));
  return document;
}

absl::StatusOr<v1::ListDocumentsResponse> SqliteStore::List(
    const v1::ListDocumentsRequest& request) {
  KORPUS_ASSIGN_OR_RETURN(const int page_size,
                          EffectivePageSize(request.page_size(), kDefaultListPageSize,
                                            "ListDocumentsRequest.page_size"));
  KORPUS_RETURN_IF_ERROR(internal::ValidateView(request.view(), "ListDocumentsRequest.view"));
  const v1::DocumentView view = internal::OrDefault(request.view(), v1::DOCUMENT_VIEW_BASIC);
  const std::string binding = BindingOf(absl::StrCat("list\nview=", static_cast<int>(view)));
  int64_t after_seq = 0;
  if (!request.page_token().empty()) {
    KORPUS_ASSIGN_OR_RETURN(after_seq, DecodePageToken(request.page_token(), binding,
                                                       "ListDocumentsRequest.page_token"));
  }

  v1::ListDocumentsResponse response;
  Connection& connection = reader();
  absl::MutexLock lock(&connection.mu);
  KORPUS_ASSIGN_OR_RETURN(
      Statement select,
      connection.Prepare(absl::StrCat("SELECT ", internal::Columns(view),
                                      " FROM documents d WHERE d.seq > ?1 ORDER BY d.seq LIMIT ?2")));
  select.BindInt64(1, after_seq);
  // One more than the page, to learn whether another page follows.
  select.BindInt64(2, page_size + 1);
  int64_t last_seq = after_seq;
  while (true) {
    KORPUS_ASSIGN_OR_RETURN(bool has_row, select.Step());
    if (!has_row) break;
    if (response.documents_size() == page_size) {
      response.set_next_page_token(EncodePageToken(last_seq, binding));
      break;
    }
    KORPUS_RETURN_IF_ERROR(internal::ReadDocument(select, view, *response.add_documents()));
    last_seq = select.Int64(0);
  }
  return response;
}

absl::StatusOr<v1::SearchResponse> SqliteStore::Search(const v1::SearchRequest& request) {
  KORPUS_ASSIGN_OR_RETURN(const int page_size,
                          EffectivePageSize(request.page_size(), kDefaultSearchPageSize,
                                            "SearchRequest.page_size"));
  KORPUS_RETURN_IF_ERROR(internal::ValidateView(request.view(), "SearchRequest.view"));
  KORPUS_ASSIGN_OR_RETURN(const ParsedQuery query, ParseQuery(request.query()));
  const v1::DocumentView view = internal::OrDefault(request.view(), v1::DOCUMENT_VIEW_BASIC);
  const std::string match = Fts5Match(query);
  // Bound to the parsed query, so that "a  b" and "a b" share tokens.
  const std::string binding =
      BindingOf(absl::StrCat("search\nview=", static_cast<int>(view), "\nmatch=", match));
  int64_t offset = 0;
  if (!request.page_token().empty()) {
    KORPUS_ASSIGN_OR_RETURN(
        offset, DecodePageToken(request.page_token(), binding, "SearchRequest.page_token"));
  }

  v1::SearchResponse response;
  Connection& connection = reader();
  absl::MutexLock lock(&connection.mu);
  // One read transaction, so that the count and the page see the same state.
  KORPUS_ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(connection, "BEGIN"));
  {
    KORPUS_ASSIGN_OR_RETURN(
        Statement count,
        connection.Prepare("SELECT count(*) FROM documents_fts WHERE documents_fts MATCH ?1"));
    count.BindText(1, match);
    KORPUS_ASSIGN_OR_RETURN(bool has_row, count.Step());
    if (has_row) response.set_total_size(count.Int64(0));
  }
  if (offset < response.total_size()) {
    // bm25() is lower for better matches; ties keep ingestion order so that
    // pages do not overlap. snippet(): column 1 (text), matches in brackets,
    // about 16 tokens around the best match.
    KORPUS_ASSIGN_OR_RETURN(
        Statement select,
        connection.Prepare(absl::StrCat(
            "SELECT ", internal::Columns(view),
            ", -bm25(documents_fts), snippet(documents_fts, 1, '[', ']', '…', 16) "
            "FROM documents_fts JOIN documents d ON d.seq = documents_fts.rowid "
            "WHERE documents_fts MATCH ?1 "
            "ORDER BY bm25(documents_fts), d.seq LIMIT ?2 OFFSET ?3")));
    select.BindText(1, match);
    select.BindInt64(2, page_size);
    select.BindInt64(3, offset);
    const int score_column = internal::ColumnCount(view);
    while (true) {
      KORPUS_ASSIGN_OR_RETURN(bool has_row, select.Step());
      if (!has_row) break;
      v1::SearchHit* hit = response.add_hits();
      KORPUS_RETURN_IF_ERROR(internal::ReadDocument(select, view, *hit->mutable_document()));
      hit->set_score(select.Double(score_column));
      hit->set_snippet(std::string(select.Text(score_column + 1)));
    }
  }
  KORPUS_RETURN_IF_ERROR(transaction.Commit());
  const int64_t next_offset = offset + response.hits_size();
  if (response.hits_size() > 0 && next_offset < response.total_size()) {
    response.set_next_page_token(EncodePageToken(next_offset, binding));
  }
  return response;
}

absl::StatusOr<v1::CorpusStats> SqliteStore::Stats() {
  Connection& connection = reader();
  absl::MutexLock lock(&connection.mu);
  KORPUS_ASSIGN_OR_RETURN(
      Statement select,
      connection.Prepare(
          "SELECT count(*), coalesce(sum(sentence_count), 0), coalesce(sum(token_count), 0), "
          "coalesce(sum(char_count), 0), coalesce(sum(state = 1), 0), "
          "coalesce(sum(state = 2), 0), coalesce(sum(state = 3), 0), max(ingested_at_micros) "
          "FROM documents"));
  KORPUS_ASSIGN_OR_RETURN(bool has_row, select.Step());
  v1::CorpusStats stats;
  if (!has_row) return stats;
  stats.set_document_count(select.Int64(0));
  stats.set_sentence_count(select.Int64(1));
  stats.set_token_count(select.Int64(2));
  stats.set_char_count(select.Int64(3));
  stats.set_pending_count(select.Int64(4));
  stats.set_annotated_count(select.Int64(5));
  stats.set_failed_count(select.Int64(6));
  if (!select.IsNull(7)) {
    const int64_t micros = select.Int64(7);
    stats.mutable_last_ingested_at()->set_seconds(micros / 1000000);
    stats.mutable_last_ingested_at()->set_nanos(static_cast<int32_t>(micros % 1000000) * 1000);
  }
  return stats;
}

}  // namespace korpus::store
