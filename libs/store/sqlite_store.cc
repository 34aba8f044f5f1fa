#include "libs/store/sqlite_store.h"

#include <sqlite3.h>

#include <cstdint>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <google/protobuf/io/coded_stream.h>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/substitute.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
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
  void BindDouble(int index, double value) { sqlite3_bind_double(stmt_, index, value); }
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
  // SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_BLOB or SQLITE_NULL.
  int Type(int column) const { return sqlite3_column_type(stmt_, column); }
  int ColumnCount() const { return sqlite3_column_count(stmt_); }
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

// The FTS5 expression of a query tree (ParseQuery). FTS5's NOT is binary
// ("a NOT b"), which is why the parser only allows NOT beside a term that
// must match: an AND's NOT children are subtracted from its other children.
// Phrases and prefixes match the surface words (columns title and text); a
// word matches them or, in column lemmas, one of its lemma terms
// (SearchMorphology::QueryTerms).
std::string Fts5Expression(const QueryNode& node, const SearchMorphology& morphology) {
  switch (node.kind) {
    case QueryNode::Kind::kWord: {
      if (node.prefix) return absl::StrCat("{title text} : ", Fts5String(node.text), " *");
      std::string expression = absl::StrCat("({title text} : ", Fts5String(node.text));
      for (const std::string& term : morphology.QueryTerms(node.text)) {
        absl::StrAppend(&expression, " OR lemmas : ", Fts5String(term));
      }
      return absl::StrCat(expression, ")");
    }
    case QueryNode::Kind::kPhrase:
      return absl::StrCat("{title text} : ", Fts5String(node.text));
    case QueryNode::Kind::kOr: {
      std::vector<std::string> parts;
      for (const QueryNode& child : node.children) {
        parts.push_back(Fts5Expression(child, morphology));
      }
      return absl::StrCat("(", absl::StrJoin(parts, " OR "), ")");
    }
    case QueryNode::Kind::kAnd: {
      std::vector<std::string> positive;
      for (const QueryNode& child : node.children) {
        if (child.kind != QueryNode::Kind::kNot) {
          positive.push_back(Fts5Expression(child, morphology));
        }
      }
      std::string expression = absl::StrCat("(", absl::StrJoin(positive, " AND "), ")");
      for (const QueryNode& child : node.children) {
        if (child.kind == QueryNode::Kind::kNot) {
          expression = absl::StrCat("(", expression, " NOT ",
                                    Fts5Expression(child.children[0], morphology), ")");
        }
      }
      return expression;
    }
    case QueryNode::Kind::kNot:  // only under kAnd, handled there
      break;
  }
  return "";
}

std::string Fts5Match(const ParsedQuery& query, const SearchMorphology& morphology) {
  return Fts5Expression(query.root, morphology);
}

// " AND EXISTS (...)" for each of `count` entity ids bound as parameters
// ?first, ?first+1, ...: the document `seq_column` mentions them all.
std::string MentionsAll(std::string_view seq_column, int first, size_t count) {
  std::string sql;
  for (size_t i = 0; i < count; ++i) {
    absl::StrAppend(&sql, " AND EXISTS (SELECT 1 FROM document_entities g WHERE g.document_seq = ",
                    std::string(seq_column), " AND g.entity_id = ?", first + i, ")");
  }
  return sql;
}

// " AND EXISTS (...)" for the entity type and story filters that are set in
// `filters`, on the document `seq_column`, with their parameters from ?first
// (the type mask, then the story id; TypeAndStoryParams of them). The type
// is the entity's corpus-wide one (entities.type).
int TypeAndStoryParams(const internal::ListFilters& filters) {
  return (filters.entity_type_mask != 0 ? 1 : 0) + (filters.story_id.empty() ? 0 : 1);
}

std::string TypeAndStoryFilter(std::string_view seq_column, int first,
                               const internal::ListFilters& filters) {
  std::string sql;
  int next = first;
  if (filters.entity_type_mask != 0) {
    absl::StrAppend(&sql,
                    " AND EXISTS (SELECT 1 FROM document_entities g JOIN entities e "
                    "ON e.entity_id = g.entity_id WHERE g.document_seq = ",
                    std::string(seq_column), " AND (?", next++, " >> e.type) & 1 = 1)");
  }
  if (!filters.story_id.empty()) {
    absl::StrAppend(&sql,
                    " AND EXISTS (SELECT 1 FROM story_documents sd JOIN stories s "
                    "ON s.seq = sd.story_seq WHERE sd.document_seq = ",
                    std::string(seq_column), " AND s.story_id = ?", next++, ")");
  }
  return sql;
}

void BindTypeAndStory(Statement& statement, int first, const internal::ListFilters& filters) {
  int next = first;
  if (filters.entity_type_mask != 0) statement.BindInt64(next++, filters.entity_type_mask);
  if (!filters.story_id.empty()) statement.BindText(next++, filters.story_id);
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

// The reader connections not in use. Acquire() waits while all are busy;
// the most recently released one goes out first, its caches warmest.
class SqliteStore::ReaderPool {
 public:
  explicit ReaderPool(std::vector<std::unique_ptr<Connection>> connections)
      : connections_(std::move(connections)) {
    for (auto& connection : connections_) idle_.push_back(connection.get());
  }

  Connection* Acquire() {
    mu_.LockWhen(absl::Condition(this, &ReaderPool::HasIdle));
    Connection* connection = idle_.back();
    idle_.pop_back();
    mu_.Unlock();
    return connection;
  }

  void Release(Connection* connection) {
    absl::MutexLock lock(&mu_);
    idle_.push_back(connection);
  }

 private:
  bool HasIdle() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !idle_.empty(); }

  const std::vector<std::unique_ptr<Connection>> connections_;
  absl::Mutex mu_;
  std::vector<Connection*> idle_ ABSL_GUARDED_BY(mu_);
};

// A connection for one read: a reader from the pool, given back on
// destruction, or the writer for an in-memory database. The caller still
// takes the connection's `mu` (uncontended for a pooled reader).
class SqliteStore::ReaderLease {
 public:
  explicit ReaderLease(SqliteStore& store)
      : pool_(store.readers_.get()),
        connection_(pool_ != nullptr ? pool_->Acquire() : store.writer_.get()) {}
  ~ReaderLease() {
    if (pool_ != nullptr) pool_->Release(connection_);
  }
  ReaderLease(const ReaderLease&) = delete;
  ReaderLease& operator=(const ReaderLease&) = delete;

  Connection& operator*() const { return *connection_; }

 private:
  ReaderPool* const pool_;
  Connection* const connection_;
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

// Writes the entity rows of the document `seq` (see entity_rows.h for the
// tables) with cached prepared statements, inside the caller's write
// transaction: per entity, an update (or insert) per name, an update (or
// insert) of its corpus-wide figures and an insert of its document row.
absl::Status WriteEntities(SqliteStore::Connection& connection, int64_t seq,
                           const std::vector<internal::EntityRow>& rows) {
  for (const internal::EntityRow& row : rows) {
    // Most names and entities exist already once a corpus has grown, so
    // each is updated first and inserted only if there was nothing to
    // update (cheaper than an upsert, which tries the insert first).
    for (const std::string& name : row.names) {
      const bool canonical = &name == &row.names.front();
      KORPUS_ASSIGN_OR_RETURN(
          Statement update,
          connection.Prepare("UPDATE entity_names SET document_count = document_count + 1, "
                             "canonical_count = canonical_count + ?3 "
                             "WHERE entity_id = ?1 AND name = ?2"));
      update.BindText(1, row.entity_id);
      update.BindText(2, name);
      update.BindInt64(3, canonical ? 1 : 0);
      KORPUS_RETURN_IF_ERROR(update.Run());
      if (sqlite3_changes(connection.db()) > 0) continue;
      KORPUS_ASSIGN_OR_RETURN(
          Statement insert,
          connection.Prepare("INSERT INTO entity_names (entity_id, name, document_count, "
                             "canonical_count) VALUES (?1, ?2, 1, ?3)"));
      insert.BindText(1, row.entity_id);
      insert.BindText(2, name);
      insert.BindInt64(3, canonical ? 1 : 0);
      KORPUS_RETURN_IF_ERROR(insert.Run());
    }
    {
      // ?4 is the canonical name's count now (just written above). Every
      // right-hand side sees the row before the update.
      KORPUS_ASSIGN_OR_RETURN(
          Statement update,
          connection.Prepare(
              "UPDATE entities SET "
              "canonical_name = CASE WHEN n.count > canonical_count THEN ?2 "
              "ELSE canonical_name END, "
              "canonical_key = CASE WHEN n.count > canonical_count THEN ?3 "
              "ELSE canonical_key END, "
              "canonical_count = max(canonical_count, n.count), "
              "person_count = person_count + ?4, organization_count = organization_count + ?5, "
              "location_count = location_count + ?6, other_count = other_count + ?7, "
              "document_count = document_count + 1, mention_count = mention_count + ?8, "
              "salience_sum = salience_sum + ?9, salience_max = max(salience_max, ?9) "
              "FROM (SELECT canonical_count AS count FROM entity_names "
              "WHERE entity_id = ?1 AND name = ?2) n "
              "WHERE entity_id = ?1"));
      update.BindText(1, row.entity_id);
      update.BindText(2, row.canonical_name);
      update.BindText(3, row.canonical_key);
      update.BindInt64(4, row.type == v1::ENTITY_TYPE_PERSON ? 1 : 0);
      update.BindInt64(5, row.type == v1::ENTITY_TYPE_ORGANIZATION ? 1 : 0);
      update.BindInt64(6, row.type == v1::ENTITY_TYPE_LOCATION ? 1 : 0);
      update.BindInt64(7, row.type == v1::ENTITY_TYPE_OTHER ? 1 : 0);
      update.BindInt64(8, row.mention_count);
      update.BindDouble(9, row.salience);
      KORPUS_RETURN_IF_ERROR(update.Run());
    }
    if (sqlite3_changes(connection.db()) == 0) {
      KORPUS_ASSIGN_OR_RETURN(
          Statement insert,
          connection.Prepare(
              "INSERT INTO entities (entity_id, canonical_name, canonical_key, canonical_count, "
              "person_count, organization_count, location_count, other_count, document_count, "
              "mention_count, salience_sum, salience_max) "
              "VALUES (?1, ?2, ?3, 1, ?4, ?5, ?6, ?7, 1, ?8, ?9, ?9)"));
      insert.BindText(1, row.entity_id);
      insert.BindText(2, row.canonical_name);
      insert.BindText(3, row.canonical_key);
      insert.BindInt64(4, row.type == v1::ENTITY_TYPE_PERSON ? 1 : 0);
      insert.BindInt64(5, row.type == v1::ENTITY_TYPE_ORGANIZATION ? 1 : 0);
      insert.BindInt64(6, row.type == v1::ENTITY_TYPE_LOCATION ? 1 : 0);
      insert.BindInt64(7, row.type == v1::ENTITY_TYPE_OTHER ? 1 : 0);
      insert.BindInt64(8, row.mention_count);
      insert.BindDouble(9, row.salience);
      KORPUS_RETURN_IF_ERROR(insert.Run());
    }
    KORPUS_ASSIGN_OR_RETURN(
        Statement insert,
        connection.Prepare("INSERT INTO document_entities (document_seq, entity_id, salience, "
                           "mention_count) VALUES (?1, ?2, ?3, ?4)"));
    insert.BindInt64(1, seq);
    insert.BindText(2, row.entity_id);
    insert.BindDouble(3, row.salience);
    insert.BindInt64(4, row.mention_count);
    KORPUS_RETURN_IF_ERROR(insert.Run());
  }
  return absl::OkStatus();
}

// Migration 2: the entity rows of the documents stored before it, from
// their stored annotations, in ingestion order (so that canonical-name ties
// resolve as if they had been stored now). Annotations without entities
// (an annotator without NER) give none; so do annotations whose entities
// Put would refuse (an entry without id).
absl::Status BackfillEntities(SqliteStore::Connection& connection) {
  constexpr int kBatch = 256;
  int64_t after_seq = 0;
  while (true) {
    std::vector<std::pair<int64_t, v1::Annotations>> batch;
    {
      KORPUS_ASSIGN_OR_RETURN(
          Statement select,
          connection.Prepare("SELECT document_seq, data FROM annotations WHERE document_seq > ?1 "
                             "ORDER BY document_seq LIMIT ?2"));
      select.BindInt64(1, after_seq);
      select.BindInt64(2, kBatch);
      while (true) {
        KORPUS_ASSIGN_OR_RETURN(bool has_row, select.Step());
        if (!has_row) break;
        auto& [seq, annotations] = batch.emplace_back();
        seq = select.Int64(0);
        if (!internal::MergeBlob(select.Blob(1), annotations)) {
          return absl::DataLossError(
              absl::StrCat("stored annotations of document seq ", seq, " do not parse"));
        }
      }
    }
    if (batch.empty()) return absl::OkStatus();
    for (const auto& [seq, annotations] : batch) {
      absl::StatusOr<std::vector<internal::EntityRow>> rows =
          internal::PrepareEntities(annotations);
      if (!rows.ok()) continue;
      KORPUS_RETURN_IF_ERROR(WriteEntities(connection, seq, *rows));
    }
    after_seq = batch.back().first;
  }
}

// Writes the extraction rows of the document `seq` (extraction_rows.h)
// inside the caller's write transaction: the document frequencies of its
// terms (then its keywords, appended to row.annotations_blob), its quotes
// with their full-text entries and its dates with their entities.
absl::Status WriteExtractions(SqliteStore::Connection& connection, int64_t seq,
                              const v1::Annotations& annotations, internal::DocumentRow& row) {
  const internal::ExtractionRows& x = row.extraction;
  if (!x.term_keys.empty()) {
    // One upsert per chunk of keys (sizes 128, 64, ..., 1, so that at most
    // eight statements are cached), each returning the new counts: a
    // statement per key cost ten times the rest of Put.
    static const std::string* const kCountKey = new std::string(internal::kDocumentCountKey);
    std::vector<const std::string*> keys;
    keys.reserve(x.term_keys.size() + 1);
    keys.push_back(kCountKey);
    for (const std::string& key : x.term_keys) keys.push_back(&key);
    absl::flat_hash_map<std::string, int64_t> frequency;
    frequency.reserve(keys.size());
    for (size_t first = 0; first < keys.size();) {
      size_t chunk = 128;
      while (chunk > keys.size() - first) chunk /= 2;
      std::string sql = "INSERT INTO term_frequencies (term, document_count) VALUES ";
      for (size_t i = 0; i < chunk; ++i) absl::StrAppend(&sql, i > 0 ? ", (?" : "(?", i + 1, ", 1)");
      absl::StrAppend(&sql, " ON CONFLICT (term) DO UPDATE SET document_count = document_count + 1 "
                            "RETURNING term, document_count");
      KORPUS_ASSIGN_OR_RETURN(Statement upsert, connection.Prepare(sql));
      for (size_t i = 0; i < chunk; ++i) upsert.BindText(static_cast<int>(i + 1), *keys[first + i]);
      while (true) {
        KORPUS_ASSIGN_OR_RETURN(bool has_row, upsert.Step());
        if (!has_row) break;
        frequency[std::string(upsert.Text(0))] = upsert.Int64(1);
      }
      first += chunk;
    }
    const int64_t documents = frequency[internal::kDocumentCountKey];
    row.annotations_blob += internal::KeywordsBlob(
        annotations, internal::StoredDocumentFrequencies(documents, std::move(frequency)));
  }
  for (const internal::QuoteRow& quote : x.quotes) {
    {
      KORPUS_ASSIGN_OR_RETURN(
          Statement insert,
          connection.Prepare("INSERT INTO quotes (document_seq, quote_index, document_time, "
                             "speaker_entity_id, kind, text, record) "
                             "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
      insert.BindInt64(1, seq);
      insert.BindInt64(2, quote.index);
      insert.BindInt64(3, x.document_time_micros);
      insert.BindText(4, quote.speaker_entity_id);
      insert.BindInt64(5, quote.kind);
      insert.BindText(6, quote.text);
      insert.BindBlob(7, quote.record);
      KORPUS_RETURN_IF_ERROR(insert.Run());
    }
    KORPUS_ASSIGN_OR_RETURN(
        Statement index,
        connection.Prepare("INSERT INTO quotes_fts (rowid, text) VALUES (?1, ?2)"));
    index.BindInt64(1, sqlite3_last_insert_rowid(connection.db()));
    index.BindText(2, quote.text);
    KORPUS_RETURN_IF_ERROR(index.Run());
  }
  for (const internal::DateRow& date : x.dates) {
    {
      KORPUS_ASSIGN_OR_RETURN(
          Statement insert,
          connection.Prepare("INSERT INTO timeline (document_seq, date_index, resolved, "
                             "start_day, end_day, granularity, record) "
                             "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
      insert.BindInt64(1, seq);
      insert.BindInt64(2, date.index);
      insert.BindInt64(3, date.resolved ? 1 : 0);
      if (date.resolved) {
        insert.BindInt64(4, date.start_day);
        insert.BindInt64(5, date.end_day);
      } else {
        insert.BindNull(4);
        insert.BindNull(5);
      }
      insert.BindInt64(6, date.granularity);
      insert.BindBlob(7, date.record);
      KORPUS_RETURN_IF_ERROR(insert.Run());
    }
    for (const std::string& entity_id : date.entity_ids) {
      KORPUS_ASSIGN_OR_RETURN(
          Statement insert,
          connection.Prepare("INSERT INTO timeline_entities (entity_id, document_seq, "
                             "date_index) VALUES (?1, ?2, ?3)"));
      insert.BindText(1, entity_id);
      insert.BindInt64(2, seq);
      insert.BindInt64(3, date.index);
      KORPUS_RETURN_IF_ERROR(insert.Run());
    }
  }
  return absl::OkStatus();
}

// The story SQL (story_rows.h) on the writer connection, inside the
// caller's write transaction.
class SqliteStoryTables final : public internal::StoryTables {
 public:
  explicit SqliteStoryTables(SqliteStore::Connection& connection) : connection_(connection) {}

  absl::StatusOr<absl::flat_hash_map<std::string, int64_t>> Frequencies(
      const std::vector<std::string>& keys) override {
    absl::flat_hash_map<std::string, int64_t> frequency;
    for (const std::string& key : keys) {
      KORPUS_ASSIGN_OR_RETURN(
          Statement select,
          connection_.Prepare("SELECT document_count FROM term_frequencies WHERE term = ?1"));
      select.BindText(1, key);
      KORPUS_ASSIGN_OR_RETURN(bool has_row, select.Step());
      if (has_row) frequency[key] = select.Int64(0);
    }
    return frequency;
  }

  absl::StatusOr<std::vector<Candidate>> Candidates(int64_t from_micros, int64_t to_micros,
                                                    int limit) override {
    KORPUS_ASSIGN_OR_RETURN(
        Statement select,
        connection_.Prepare("SELECT seq, story_id, document_count, state FROM stories "
                            "WHERE last_seen_micros >= ?1 AND first_seen_micros <= ?2 "
                            "ORDER BY last_seen_micros DESC, seq DESC LIMIT ?3"));
    select.BindInt64(1, from_micros);
    select.BindInt64(2, to_micros);
    select.BindInt64(3, limit);
    std::vector<Candidate> candidates;
    while (true) {
      KORPUS_ASSIGN_OR_RETURN(bool has_row, select.Step());
      if (!has_row) return candidates;
      Candidate& c = candidates.emplace_back();
      c.seq = select.Int64(0);
      c.story_id = std::string(select.Text(1));
      c.document_count = select.Int64(2);
      c.state = std::string(select.Blob(3));
    }
  }

  absl::StatusOr<int64_t> InsertStory(const internal::StoryRow& row) override {
    KORPUS_ASSIGN_OR_RETURN(
        Statement insert,
        connection_.Prepare("INSERT INTO stories (story_id, label, document_count, "
                            "first_seen_micros, last_seen_micros, summary, state) "
                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
    insert.BindText(1, row.story_id);
    insert.BindText(2, row.label);
    insert.BindInt64(3, row.document_count);
    insert.BindInt64(4, row.first_seen_micros);
    insert.BindInt64(5, row.last_seen_micros);
    insert.BindBlob(6, row.summary);
    insert.BindBlob(7, row.state);
    KORPUS_RETURN_IF_ERROR(insert.Run());
    return sqlite3_last_insert_rowid(connection_.db());
  }

  absl::Status UpdateStory(int64_t seq, const internal::StoryRow& row) override {
    KORPUS_ASSIGN_OR_RETURN(
        Statement update,
        connection_.Prepare("UPDATE stories SET label = ?2, document_count = ?3, "
                            "first_seen_micros = ?4, last_seen_micros = ?5, summary = ?6, "
                            "state = ?7 WHERE seq = ?1"));
    update.BindInt64(1, seq);
    update.BindText(2, row.label);
    update.BindInt64(3, row.document_count);
    update.BindInt64(4, row.first_seen_micros);
    update.BindInt64(5, row.last_seen_micros);
    update.BindBlob(6, row.summary);
    update.BindBlob(7, row.state);
    return update.Run();
  }

  absl::Status InsertStoryDocument(int64_t story_seq, int64_t position, int64_t document_seq,
                                   double similarity) override {
    KORPUS_ASSIGN_OR_RETURN(
        Statement insert,
        connection_.Prepare("INSERT INTO story_documents (story_seq, position, document_seq, "
                            "similarity) VALUES (?1, ?2, ?3, ?4)"));
    insert.BindInt64(1, story_seq);
    insert.BindInt64(2, position);
    insert.BindInt64(3, document_seq);
    insert.BindDouble(4, similarity);
    return insert.Run();
  }

 private:
  SqliteStore::Connection& connection_;
};

// removal.h's statements on the writer connection, inside the caller's
// write transaction.
class SqliteRemovalTables final : public internal::RemovalTables {
 public:
  explicit SqliteRemovalTables(SqliteStore::Connection& connection)
      : connection_(connection), stories_(connection) {}

  absl::StatusOr<std::vector<internal::SqlRow>> Query(
      std::string_view sql, const std::vector<internal::SqlValue>& params) override {
    KORPUS_ASSIGN_OR_RETURN(Statement statement, connection_.Prepare(std::string(sql)));
    for (size_t i = 0; i < params.size(); ++i) {
      const int index = static_cast<int>(i + 1);
      const internal::SqlValue& value = params[i];
      if (const auto* n = std::get_if<int64_t>(&value)) {
        statement.BindInt64(index, *n);
      } else if (const auto* d = std::get_if<double>(&value)) {
        statement.BindDouble(index, *d);
      } else if (const auto* t = std::get_if<std::string>(&value)) {
        statement.BindText(index, *t);
      } else if (const auto* b = std::get_if<internal::SqlBlob>(&value)) {
        statement.BindBlob(index, b->bytes);
      } else {
        statement.BindNull(index);
      }
    }
    std::vector<internal::SqlRow> rows;
    while (true) {
      KORPUS_ASSIGN_OR_RETURN(bool has_row, statement.Step());
      if (!has_row) return rows;
      internal::SqlRow& row = rows.emplace_back();
      for (int c = 0; c < statement.ColumnCount(); ++c) {
        switch (statement.Type(c)) {
          case SQLITE_INTEGER:
            row.emplace_back(statement.Int64(c));
            break;
          case SQLITE_FLOAT:
            row.emplace_back(statement.Double(c));
            break;
          case SQLITE_TEXT:
            row.emplace_back(std::string(statement.Text(c)));
            break;
          case SQLITE_BLOB:
            row.emplace_back(internal::SqlBlob{std::string(statement.Blob(c))});
            break;
          default:
            row.emplace_back(std::monostate());
        }
      }
    }
  }

  absl::Status RemoveQuoteIndex(int64_t seq) override {
    // quotes_fts keeps no copy of its content: entries go by their values.
    return Query("INSERT INTO quotes_fts (quotes_fts, rowid, text) "
                 "SELECT 'delete', id, text FROM quotes WHERE document_seq = ?1",
                 {seq})
        .status();
  }

  internal::StoryTables& Stories() override { return stories_; }

 private:
  SqliteStore::Connection& connection_;
  SqliteStoryTables stories_;
};

// Schema migrations, applied in order at open. Append only: never edit a
// released migration; a new version gets a new entry. `backfill`, if set,
// runs after the SQL in the same transaction, for what SQL alone cannot
// derive (e.g. rows from the serialized annotations).
struct Migration {
  int version;
  const char* sql;
  absl::Status (*backfill)(SqliteStore::Connection& connection) = nullptr;
  // Like backfill, for what needs the store's German morphology.
  absl::Status (*backfill_search)(SqliteStore::Connection& connection,
                                  const SearchMorphology& morphology) = nullptr;
};

absl::Status BackfillLemmas(SqliteStore::Connection& connection,
                            const SearchMorphology& morphology);

// Migration 7: the watch position column, its index and the positions of
// the ANNOTATED documents stored before (after any existing position, in
// ingestion order). The column is added here rather than in SQL, which has
// no ADD COLUMN IF NOT EXISTS, so that migrating again finds it in place.
absl::Status AddWatchPositions(SqliteStore::Connection& connection) {
  {
    KORPUS_ASSIGN_OR_RETURN(
        Statement column,
        connection.Prepare(
            "SELECT count(*) FROM pragma_table_info('documents') WHERE name = 'watch_seq'"));
    KORPUS_ASSIGN_OR_RETURN(bool has_row, column.Step());
    if (has_row && column.Int64(0) == 0) {
      KORPUS_RETURN_IF_ERROR(connection.Exec("ALTER TABLE documents ADD COLUMN watch_seq INTEGER"));
    }
  }
  return connection.Exec(
      "CREATE UNIQUE INDEX IF NOT EXISTS documents_by_watch_seq ON documents (watch_seq); "
      "UPDATE documents SET watch_seq = "
      "(SELECT coalesce(max(watch_seq), 0) FROM documents) + seq "
      "WHERE state = 2 AND watch_seq IS NULL;");
}

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
    {2, R"sql(
CREATE TABLE entities (
  entity_id TEXT PRIMARY KEY,
  canonical_name TEXT NOT NULL,
  canonical_key TEXT NOT NULL,
  canonical_count INTEGER NOT NULL,
  person_count INTEGER NOT NULL,
  organization_count INTEGER NOT NULL,
  location_count INTEGER NOT NULL,
  other_count INTEGER NOT NULL,
  type INTEGER GENERATED ALWAYS AS (
    CASE
      WHEN person_count + organization_count + location_count + other_count = 0 THEN 0
      WHEN person_count >= organization_count AND person_count >= location_count
           AND person_count >= other_count THEN 1
      WHEN organization_count >= location_count AND organization_count >= other_count THEN 2
      WHEN location_count >= other_count THEN 3
      ELSE 4
    END) STORED,
  document_count INTEGER NOT NULL,
  mention_count INTEGER NOT NULL,
  salience_sum REAL NOT NULL,
  salience_max REAL NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX entities_by_document_count ON entities (document_count DESC, entity_id);
CREATE TABLE document_entities (
  document_seq INTEGER NOT NULL REFERENCES documents(seq) ON DELETE CASCADE,
  entity_id TEXT NOT NULL,
  salience REAL NOT NULL,
  mention_count INTEGER NOT NULL,
  PRIMARY KEY (document_seq, entity_id)
) STRICT, WITHOUT ROWID;
-- Covering for entity filters (in ingestion order) and GetEntity's pages
-- (sorted by salience without visiting the table).
CREATE INDEX document_entities_by_entity
  ON document_entities (entity_id, document_seq, salience, mention_count);
CREATE TABLE entity_names (
  entity_id TEXT NOT NULL,
  name TEXT NOT NULL,
  document_count INTEGER NOT NULL,
  canonical_count INTEGER NOT NULL,
  PRIMARY KEY (entity_id, name)
) STRICT, WITHOUT ROWID;
)sql",
     &BackfillEntities},
    // Quotes, timeline and term frequencies (libs/store/extraction_rows.h).
    // Documents stored before have none: their annotations had no such
    // layers.
    {3, R"sql(
CREATE TABLE term_frequencies (
  term TEXT PRIMARY KEY,
  document_count INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE TABLE quotes (
  id INTEGER PRIMARY KEY,
  document_seq INTEGER NOT NULL REFERENCES documents(seq) ON DELETE CASCADE,
  quote_index INTEGER NOT NULL,
  document_time INTEGER NOT NULL,
  speaker_entity_id TEXT NOT NULL,
  kind INTEGER NOT NULL,
  text TEXT NOT NULL,
  record BLOB NOT NULL,
  UNIQUE (document_seq, quote_index)
) STRICT;
CREATE INDEX quotes_by_time ON quotes (document_time DESC, document_seq DESC, quote_index);
CREATE INDEX quotes_by_speaker
  ON quotes (speaker_entity_id, document_time DESC, document_seq DESC, quote_index);
CREATE VIRTUAL TABLE quotes_fts USING fts5(
  text, content = 'quotes', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 0'
);
CREATE TABLE timeline (
  document_seq INTEGER NOT NULL REFERENCES documents(seq) ON DELETE CASCADE,
  date_index INTEGER NOT NULL,
  resolved INTEGER NOT NULL,
  start_day INTEGER,
  end_day INTEGER,
  granularity INTEGER NOT NULL,
  record BLOB NOT NULL,
  PRIMARY KEY (document_seq, date_index)
) STRICT, WITHOUT ROWID;
CREATE INDEX timeline_by_day
  ON timeline (resolved DESC, start_day, end_day, document_seq, date_index);
CREATE TABLE timeline_entities (
  entity_id TEXT NOT NULL,
  document_seq INTEGER NOT NULL,
  date_index INTEGER NOT NULL,
  PRIMARY KEY (entity_id, document_seq, date_index)
) STRICT, WITHOUT ROWID;
)sql"},
    // Stories (libs/store/story_rows.h). Documents stored before belong to
    // none: stories need the term frequencies of the corpus as each
    // document was stored.
    {4, R"sql(
CREATE TABLE stories (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  story_id TEXT NOT NULL UNIQUE,
  label TEXT NOT NULL,
  document_count INTEGER NOT NULL,
  first_seen_micros INTEGER NOT NULL,
  last_seen_micros INTEGER NOT NULL,
  summary BLOB NOT NULL,
  state BLOB NOT NULL
) STRICT;
CREATE INDEX stories_by_last_seen ON stories (last_seen_micros DESC, story_id);
CREATE TABLE story_documents (
  story_seq INTEGER NOT NULL REFERENCES stories(seq) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  document_seq INTEGER NOT NULL REFERENCES documents(seq) ON DELETE CASCADE,
  similarity REAL NOT NULL,
  PRIMARY KEY (story_seq, position)
) STRICT, WITHOUT ROWID;
CREATE INDEX story_documents_by_document ON story_documents (document_seq, story_seq);
)sql"},
    // German-aware search (search_terms.h): the lemma terms of each
    // document, stored with it (documents.lemmas, added by BackfillLemmas)
    // and indexed in a third column of the full-text index, which is
    // rebuilt for the documents stored before.
    {5, R"sql(
DROP TABLE documents_fts;
CREATE VIRTUAL TABLE documents_fts USING fts5(
  title, text, lemmas,
  content = 'documents', content_rowid = 'seq',
  tokenize = 'unicode61 remove_diacritics 0'
);
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
    // before get theirs in ingestion order (AddWatchPositions).
    {7, "-- documents.watch_seq: AddWatchPositions", &AddWatchPositions},
};

constexpr int kLatestVersion = kMigrations[std::size(kMigrations) - 1].version;

// Migration 5: the lemma terms of the documents stored before it, from
// their stored annotations (or, without, their text), then the full-text
// index rebuilt from the documents table.
absl::Status BackfillLemmas(SqliteStore::Connection& connection,
                            const SearchMorphology& morphology) {
  {
    // Added here rather than in the migration's SQL, so that migrating
    // again from an older version (as a test does) finds it in place.
    KORPUS_ASSIGN_OR_RETURN(
        Statement column,
        connection.Prepare(
            "SELECT count(*) FROM pragma_table_info('documents') WHERE name = 'lemmas'"));
    KORPUS_ASSIGN_OR_RETURN(bool has_row, column.Step());
    if (has_row && column.Int64(0) == 0) {
      KORPUS_RETURN_IF_ERROR(
          connection.Exec("ALTER TABLE documents ADD COLUMN lemmas TEXT NOT NULL DEFAULT ''"));
    }
  }
  constexpr int kBatch = 256;
  int64_t after_seq = 0;
  while (true) {
    std::vector<std::pair<int64_t, std::string>> batch;
    {
      KORPUS_ASSIGN_OR_RETURN(
          Statement select,
          connection.Prepare("SELECT d.seq, d.title, d.text, a.data FROM documents d "
                             "LEFT JOIN annotations a ON a.document_seq = d.seq "
                             "WHERE d.seq > ?1 ORDER BY d.seq LIMIT ?2"));
      select.BindInt64(1, after_seq);
      select.BindInt64(2, kBatch);
      while (true) {
        KORPUS_ASSIGN_OR_RETURN(bool has_row, select.Step());
        if (!has_row) break;
        v1::Document document;
        const int64_t seq = select.Int64(0);
        document.set_title(std::string(select.Text(1)));
        document.set_text(std::string(select.Text(2)));
        if (!select.IsNull(3) &&
            !internal::MergeBlob(select.Blob(3), *document.mutable_annotations())) {
          return absl::DataLossError(
              absl::StrCat("stored annotations of document seq ", seq, " do not parse"));
        }
        batch.emplace_back(seq, absl::StrJoin(morphology.IndexTerms(document), " "));
      }
    }
    if (batch.empty()) break;
    for (const auto& [seq, lemmas] : batch) {
      KORPUS_ASSIGN_OR_RETURN(
          Statement update, connection.Prepare("UPDATE documents SET lemmas = ?2 WHERE seq = ?1"));
      update.BindInt64(1, seq);
      update.BindText(2, lemmas);
      KORPUS_RETURN_IF_ERROR(update.Run());
    }
    after_seq = batch.back().first;
  }
  return connection.Exec("INSERT INTO documents_fts (documents_fts) VALUES ('rebuild')");
}

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

absl::Status Migrate(SqliteStore::Connection& connection, const std::string& path,
                     const SearchMorphology& morphology) {
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
    absl::Status status = connection.Exec(migration.sql);
    if (status.ok() && migration.backfill != nullptr) status = migration.backfill(connection);
    if (status.ok() && migration.backfill_search != nullptr) {
      status = migration.backfill_search(connection, morphology);
    }
    if (!status.ok()) {
      return absl::Status(status.code(), absl::StrCat("migrating '", path, "' to schema version ",
                                                      migration.version, ": ", status.message()));
    }
  }
  KORPUS_RETURN_IF_ERROR(connection.Exec(absl::StrCat("PRAGMA user_version = ", kLatestVersion)));
  return transaction.Commit();
}

}  // namespace

int SqliteStore::SchemaVersion() { return kLatestVersion; }

namespace {

// SQLite keeps memory statistics by default, behind one process-wide mutex
// taken on every allocation, which makes busy reader connections wait for
// each other (docs/BENCHMARKS.md: 3.0-3.4 ms of CPU per search with four
// readers busy, 2.1 ms without). korpus never reads the statistics. The
// setting can only change before SQLite initialises, i.e. before the
// process's first connection; afterwards the call fails and changes nothing.
void TurnOffMemoryStatistics() {
  static const int result = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)result;
}

}  // namespace

absl::StatusOr<std::unique_ptr<SqliteStore>> SqliteStore::Open(const SqliteOptions& options) {
  TurnOffMemoryStatistics();
  if (options.path.empty()) {
    return absl::InvalidArgumentError("SqliteOptions.path is empty");
  }
  if (options.reader_connections < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("SqliteOptions.reader_connections must be at least 1, got ",
                     options.reader_connections));
  }
  const bool in_memory = options.path == ":memory:";
  KORPUS_ASSIGN_OR_RETURN(
      std::unique_ptr<Connection> writer,
      Connection::Open(options.path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                       options.busy_timeout));
  KORPUS_RETURN_IF_ERROR(Configure(*writer, in_memory));
  auto morphology = std::make_shared<const SearchMorphology>(options.search_lexicon);
  KORPUS_RETURN_IF_ERROR(Migrate(*writer, options.path, *morphology));
  std::unique_ptr<ReaderPool> readers;
  if (!in_memory) {
    std::vector<std::unique_ptr<Connection>> connections;
    for (int i = 0; i < options.reader_connections; ++i) {
      KORPUS_ASSIGN_OR_RETURN(
          std::unique_ptr<Connection> reader,
          Connection::Open(options.path, SQLITE_OPEN_READONLY, options.busy_timeout));
      connections.push_back(std::move(reader));
    }
    readers = std::make_unique<ReaderPool>(std::move(connections));
  }
  auto store = std::unique_ptr<SqliteStore>(new SqliteStore(std::move(writer), std::move(readers)));
  store->morphology_ = std::move(morphology);
  return store;
}

SqliteStore::SqliteStore(std::unique_ptr<Connection> writer, std::unique_ptr<ReaderPool> readers)
    : writer_(std::move(writer)), readers_(std::move(readers)) {}

SqliteStore::~SqliteStore() = default;

namespace {

// Gives the document `seq`, just become ANNOTATED, the next watch position,
// inside the caller's write transaction (writes are serialised by the
// writer connection, so positions commit in their order).
absl::Status AssignWatchPosition(SqliteStore::Connection& connection, int64_t seq) {
  KORPUS_ASSIGN_OR_RETURN(
      Statement update,
      connection.Prepare("UPDATE documents SET watch_seq = "
                         "(SELECT coalesce(max(watch_seq), 0) + 1 FROM documents) WHERE seq = ?1"));
  update.BindInt64(1, seq);
  return update.Run();
}

// Everything an annotated document adds besides its documents row and its
// full-text entry, inside the caller's write transaction: extraction rows,
// story, the annotations row and entity rows. Put and Annotate share it.
absl::Status WriteAnnotations(SqliteStore::Connection& connection, int64_t seq,
                              const v1::Document& document, internal::DocumentRow& row) {
  KORPUS_RETURN_IF_ERROR(WriteExtractions(connection, seq, document.annotations(), row));
  SqliteStoryTables stories(connection);
  KORPUS_RETURN_IF_ERROR(internal::AssignStory(stories, document, seq, row));
  {
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
  return WriteEntities(connection, seq, row.entities);
}

// The document `id` in DOCUMENT_VIEW_BASIC, inside the caller's transaction.
absl::StatusOr<v1::Document> ReadBasic(SqliteStore::Connection& connection, std::string_view id) {
  KORPUS_ASSIGN_OR_RETURN(
      Statement select,
      connection.Prepare(absl::StrCat("SELECT ", internal::Columns(v1::DOCUMENT_VIEW_BASIC),
                                      " FROM documents d WHERE d.id = ?1")));
  select.BindText(1, id);
  KORPUS_ASSIGN_OR_RETURN(bool has_row, select.Step());
  if (!has_row) {
    return absl::NotFoundError(absl::StrCat("no document with id '", std::string(id), "'"));
  }
  v1::Document document;
  KORPUS_RETURN_IF_ERROR(internal::ReadDocument(select, v1::DOCUMENT_VIEW_BASIC, document));
  return document;
}

}  // namespace

absl::StatusOr<PutResult> SqliteStore::Write(const v1::Document& document, WriteMode mode) {
  // Everything that does not need the database is done before taking the lock.
  KORPUS_ASSIGN_OR_RETURN(internal::DocumentRow row, internal::PrepareRow(document, mode));
  PutResult result;
  const v1::Document& basic = row.basic;
  const std::string lemmas = absl::StrJoin(morphology_->IndexTerms(document), " ");

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
            "char_count, sentence_count, token_count, metadata, text, paragraphs, lemmas) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17) "
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
    insert.BindText(17, lemmas);
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
        connection.Prepare("INSERT INTO documents_fts (rowid, title, text, lemmas) "
                           "VALUES (?1, ?2, ?3, ?4)"));
    index.BindInt64(1, seq);
    index.BindText(2, basic.title());
    index.BindText(3, document.text());
    index.BindText(4, lemmas);
    KORPUS_RETURN_IF_ERROR(index.Run());
  }
  if (row.has_annotations) {
    KORPUS_RETURN_IF_ERROR(WriteAnnotations(connection, seq, document, row));
  }
  if (basic.state() == v1::DOCUMENT_STATE_ANNOTATED) {
    KORPUS_RETURN_IF_ERROR(AssignWatchPosition(connection, seq));
  }
  KORPUS_RETURN_IF_ERROR(transaction.Commit());
  result.created = true;
  result.stored_basic = std::move(row.basic);
  return result;
}

absl::StatusOr<AnnotateResult> SqliteStore::Annotate(std::string_view id,
                                                     const v1::Annotations& annotations) {
  if (id.empty()) return absl::InvalidArgumentError("AnnotateDocumentRequest.id is empty");
  Connection& connection = *writer_;
  absl::MutexLock lock(&connection.mu);
  KORPUS_ASSIGN_OR_RETURN(Transaction transaction,
                          Transaction::Begin(connection, "BEGIN IMMEDIATE"));
  AnnotateResult result;
  v1::Document stored;
  int64_t seq = 0;
  std::string old_lemmas;
  {
    KORPUS_ASSIGN_OR_RETURN(
        Statement select,
        connection.Prepare(absl::StrCat("SELECT ", internal::Columns(v1::DOCUMENT_VIEW_TEXT),
                                        ", d.lemmas FROM documents d WHERE d.id = ?1")));
    select.BindText(1, id);
    KORPUS_ASSIGN_OR_RETURN(bool has_row, select.Step());
    if (!has_row) {
      return absl::NotFoundError(absl::StrCat("no document with id '", std::string(id), "'"));
    }
    seq = select.Int64(0);
    KORPUS_RETURN_IF_ERROR(internal::ReadDocument(select, v1::DOCUMENT_VIEW_TEXT, stored));
    old_lemmas = std::string(select.Text(internal::ColumnCount(v1::DOCUMENT_VIEW_TEXT)));
    if (stored.state() == v1::DOCUMENT_STATE_ANNOTATED) {
      // Already annotated (by another writer): nothing to do.
      KORPUS_RETURN_IF_ERROR(
          internal::ReadDocument(select, v1::DOCUMENT_VIEW_BASIC, result.stored_basic));
      return result;
    }
  }
  const v1::Document document = internal::WithAnnotations(std::move(stored), annotations);
  KORPUS_ASSIGN_OR_RETURN(internal::DocumentRow row,
                          internal::PrepareRow(document, WriteMode::kImport));
  const std::string lemmas = absl::StrJoin(morphology_->IndexTerms(document), " ");
  {
    KORPUS_ASSIGN_OR_RETURN(
        Statement update,
        connection.Prepare("UPDATE documents SET state = ?2, state_reason = ?3, "
                           "sentence_count = ?4, token_count = ?5, lemmas = ?6 WHERE seq = ?1"));
    update.BindInt64(1, seq);
    update.BindInt64(2, row.basic.state());
    update.BindText(3, row.basic.state_reason());
    update.BindInt64(4, row.basic.sentence_count());
    update.BindInt64(5, row.basic.token_count());
    update.BindText(6, lemmas);
    KORPUS_RETURN_IF_ERROR(update.Run());
  }
  {
    // The full-text table keeps no copy of its content: its entry is
    // removed with the old values, then written with the new lemmas.
    KORPUS_ASSIGN_OR_RETURN(
        Statement remove,
        connection.Prepare("INSERT INTO documents_fts (documents_fts, rowid, title, text, "
                           "lemmas) VALUES ('delete', ?1, ?2, ?3, ?4)"));
    remove.BindInt64(1, seq);
    remove.BindText(2, document.title());
    remove.BindText(3, document.text());
    remove.BindText(4, old_lemmas);
    KORPUS_RETURN_IF_ERROR(remove.Run());
  }
  {
    KORPUS_ASSIGN_OR_RETURN(
        Statement index,
        connection.Prepare("INSERT INTO documents_fts (rowid, title, text, lemmas) "
                           "VALUES (?1, ?2, ?3, ?4)"));
    index.BindInt64(1, seq);
    index.BindText(2, document.title());
    index.BindText(3, document.text());
    index.BindText(4, lemmas);
    KORPUS_RETURN_IF_ERROR(index.Run());
  }
  KORPUS_RETURN_IF_ERROR(WriteAnnotations(connection, seq, document, row));
  KORPUS_RETURN_IF_ERROR(AssignWatchPosition(connection, seq));
  KORPUS_RETURN_IF_ERROR(transaction.Commit());
  result.changed = true;
  result.stored_basic = std::move(row.basic);
  return result;
}

absl::StatusOr<AnnotateResult> SqliteStore::MarkFailed(std::string_view id,
                                                       std::string_view reason) {
  if (id.empty()) return absl::InvalidArgumentError("MarkDocumentFailedRequest.id is empty");
  if (reason.empty()) {
    return absl::InvalidArgumentError("MarkDocumentFailedRequest.reason is empty");
  }
  Connection& connection = *writer_;
  absl::MutexLock lock(&connection.mu);
  KORPUS_ASSIGN_OR_RETURN(Transaction transaction,
                          Transaction::Begin(connection, "BEGIN IMMEDIATE"));
  {
    KORPUS_ASSIGN_OR_RETURN(
        Statement update,
        connection.Prepare("UPDATE documents SET state = ?2, state_reason = ?3 "
                           "WHERE id = ?1 AND state = ?4"));
    update.BindText(1, id);
    update.BindInt64(2, v1::DOCUMENT_STATE_FAILED);
    update.BindText(3, reason);
    update.BindInt64(4, v1::DOCUMENT_STATE_PENDING);
    KORPUS_RETURN_IF_ERROR(update.Run());
  }
  AnnotateResult result;
  result.changed = sqlite3_changes(connection.db()) > 0;
  KORPUS_ASSIGN_OR_RETURN(result.stored_basic, ReadBasic(connection, id));
  KORPUS_RETURN_IF_ERROR(transaction.Commit());
  return result;
}

namespace {

// The document `seq` or `id` (the other 0 or empty) in DOCUMENT_VIEW_TEXT
// with its seq and stored lemmas, inside the caller's transaction.
struct StoredText {
  int64_t seq = 0;
  v1::Document document;  // DOCUMENT_VIEW_TEXT
  v1::Document basic;
  std::string lemmas;
};
absl::StatusOr<StoredText> ReadStoredText(SqliteStore::Connection& connection, int64_t seq,
                                          std::string_view id) {
  KORPUS_ASSIGN_OR_RETURN(
      Statement select,
      connection.Prepare(absl::StrCat("SELECT ", internal::Columns(v1::DOCUMENT_VIEW_TEXT),
                                      ", d.lemmas FROM documents d WHERE ",
                                      seq != 0 ? "d.seq = ?1" : "d.id = ?1")));
  if (seq != 0) {
    select.BindInt64(1, seq);
  } else {
    select.BindText(1, id);
  }
  KORPUS_ASSIGN_OR_RETURN(bool has_row, select.Step());
  if (!has_row) {
    return absl::NotFoundError(absl::StrCat("no document with id '", std::string(id), "'"));
  }
  StoredText stored;
  stored.seq = select.Int64(0);
  KORPUS_RETURN_IF_ERROR(internal::ReadDocument(select, v1::DOCUMENT_VIEW_TEXT, stored.document));
  KORPUS_RETURN_IF_ERROR(internal::ReadDocument(select, v1::DOCUMENT_VIEW_BASIC, stored.basic));
  stored.lemmas = std::string(select.Text(internal::ColumnCount(v1::DOCUMENT_VIEW_TEXT)));
  return stored;
}

// Writes the full-text entry of document `seq`: removes the one with the
// old values (the index keeps no copy of its content) and, unless
// `new_lemmas` is null, adds one with the new lemmas.
absl::Status ReindexText(SqliteStore::Connection& connection, int64_t seq,
                         const v1::Document& document, const std::string& old_lemmas,
                         const std::string* new_lemmas) {
  {
    KORPUS_ASSIGN_OR_RETURN(
        Statement remove,
        connection.Prepare("INSERT INTO documents_fts (documents_fts, rowid, title, text, "
                           "lemmas) VALUES ('delete', ?1, ?2, ?3, ?4)"));
    remove.BindInt64(1, seq);
    remove.BindText(2, document.title());
    remove.BindText(3, document.text());
    remove.BindText(4, old_lemmas);
    KORPUS_RETURN_IF_ERROR(remove.Run());
  }
  if (new_lemmas == nullptr) return absl::OkStatus();
  KORPUS_ASSIGN_OR_RETURN(
      Statement index, connection.Prepare("INSERT INTO documents_fts (rowid, title, text, lemmas) "
                                          "VALUES (?1, ?2, ?3, ?4)"));
  index.BindInt64(1, seq);
  index.BindText(2, document.title());
  index.BindText(3, document.text());
  index.BindText(4, *new_lemmas);
  return index.Run();
}

}  // namespace

absl::StatusOr<v1::Document> SqliteStore::Delete(std::string_view id) {
  if (id.empty()) return absl::InvalidArgumentError("DeleteDocumentRequest.id is empty");
  Connection& connection = *writer_;
  absl::MutexLock lock(&connection.mu);
  KORPUS_ASSIGN_OR_RETURN(Transaction transaction,
                          Transaction::Begin(connection, "BEGIN IMMEDIATE"));
  KORPUS_ASSIGN_OR_RETURN(StoredText stored, ReadStoredText(connection, 0, id));
  SqliteRemovalTables tables(connection);
  KORPUS_RETURN_IF_ERROR(internal::RemoveAnnotationRows(tables, {stored.seq}));
  KORPUS_RETURN_IF_ERROR(
      ReindexText(connection, stored.seq, stored.document, stored.lemmas, nullptr));
  {
    KORPUS_ASSIGN_OR_RETURN(Statement remove,
                            connection.Prepare("DELETE FROM documents WHERE seq = ?1"));
    remove.BindInt64(1, stored.seq);
    KORPUS_RETURN_IF_ERROR(remove.Run());
  }
  KORPUS_RETURN_IF_ERROR(transaction.Commit());
  return std::move(stored.basic);
}

absl::StatusOr<int64_t> SqliteStore::ReannotateSelected(
    const v1::ReannotateDocumentsRequest& request) {
  KORPUS_ASSIGN_OR_RETURN(internal::ReannotateSelection selection,
                          internal::PrepareReannotate(request));
  Connection& connection = *writer_;
  absl::MutexLock lock(&connection.mu);
  KORPUS_ASSIGN_OR_RETURN(Transaction transaction,
                          Transaction::Begin(connection, "BEGIN IMMEDIATE"));
  SqliteRemovalTables tables(connection);
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
    KORPUS_ASSIGN_OR_RETURN(StoredText stored, ReadStoredText(connection, seq, ""));
    const std::string lemmas = absl::StrJoin(morphology_->IndexTerms(stored.document), " ");
    KORPUS_RETURN_IF_ERROR(
        tables
            .Query("UPDATE documents SET state = ?2, state_reason = '', sentence_count = 0, "
                   "token_count = 0, lemmas = ?3 WHERE seq = ?1",
                   {seq, int64_t{v1::DOCUMENT_STATE_PENDING}, lemmas})
            .status());
    KORPUS_RETURN_IF_ERROR(ReindexText(connection, seq, stored.document, stored.lemmas, &lemmas));
  }
  KORPUS_RETURN_IF_ERROR(transaction.Commit());
  return static_cast<int64_t>(selected.size());
}

absl::StatusOr<v1::Document> SqliteStore::Get(std::string_view id, v1::DocumentView view) {
  if (id.empty()) return absl::InvalidArgumentError("GetDocumentRequest.id is empty");
  KORPUS_RETURN_IF_ERROR(internal::ValidateView(view, "GetDocumentRequest.view"));
  view = internal::OrDefault(view, v1::DOCUMENT_VIEW_FULL);
  const ReaderLease lease(*this);
  Connection& connection = *lease;
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

  v1::ListDocumentsResponse response;
  const ReaderLease lease(*this);
  Connection& connection = *lease;
  absl::MutexLock lock(&connection.mu);
  // With entities, the walk goes along the first entity's index entries
  // (entity_id, document_seq), already in ingestion order, and checks the
  // others by primary key. Else, with a story, along the story's documents
  // (its parameter is TypeAndStoryFilter's last) rather than the whole table.
  const std::string walk =
      filters.story_id.empty()
          ? std::string(" FROM documents d WHERE d.seq > ?1 ")
          : absl::StrCat(" FROM story_documents sd CROSS JOIN documents d "
                         "ON d.seq = sd.document_seq WHERE sd.story_seq = "
                         "(SELECT seq FROM stories WHERE story_id = ?",
                         9 + TypeAndStoryParams(filters), ") AND d.seq > ?1 ");
  KORPUS_ASSIGN_OR_RETURN(
      Statement select,
      connection.Prepare(
          entity_ids.empty()
              ? absl::StrCat("SELECT ", internal::Columns(view), walk,
                             "AND (?3 = 0 OR d.state = ?3) "
                             "AND (?4 = 0 OR (d.published_at_seconds, d.published_at_nanos) "
                             ">= (?5, ?6) "
                             "AND (d.published_at_seconds, d.published_at_nanos) < (?7, ?8)) "
                             "AND (?9 = '' OR substr(d.source_uri, 1, length(?9)) = ?9)",
                             TypeAndStoryFilter("d.seq", 10, filters), " ORDER BY d.seq LIMIT ?2")
              : absl::StrCat("SELECT ", internal::Columns(view),
                             " FROM document_entities f CROSS JOIN documents d "
                             "ON d.seq = f.document_seq "
                             "WHERE f.entity_id = ?10 AND f.document_seq > ?1 "
                             "AND (?3 = 0 OR d.state = ?3) "
                             "AND (?4 = 0 OR (d.published_at_seconds, d.published_at_nanos) "
                             ">= (?5, ?6) "
                             "AND (d.published_at_seconds, d.published_at_nanos) < (?7, ?8)) "
                             "AND (?9 = '' OR substr(d.source_uri, 1, length(?9)) = ?9) ",
                             MentionsAll("d.seq", 11, entity_ids.size() - 1),
                             TypeAndStoryFilter("d.seq", 10 + static_cast<int>(entity_ids.size()),
                                                filters),
                             " ORDER BY f.document_seq LIMIT ?2")));
  select.BindInt64(1, after_seq);
  // One more than the page, to learn whether another page follows.
  select.BindInt64(2, page_size + 1);
  select.BindInt64(3, request.state());
  select.BindInt64(4, filters.dated ? 1 : 0);
  select.BindInt64(5, filters.after_seconds);
  select.BindInt64(6, filters.after_nanos);
  select.BindInt64(7, filters.before_seconds);
  select.BindInt64(8, filters.before_nanos);
  select.BindText(9, filters.source_prefix);
  for (size_t i = 0; i < entity_ids.size(); ++i) select.BindText(10 + i, entity_ids[i]);
  BindTypeAndStory(select, 10 + static_cast<int>(entity_ids.size()), filters);
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
  KORPUS_ASSIGN_OR_RETURN(const std::vector<std::string> entity_ids,
                          internal::EntityFilter(request.entity_ids(),
                                                 "SearchRequest.entity_ids"));
  KORPUS_ASSIGN_OR_RETURN(const internal::ListFilters filters,
                          internal::ParseListFilters(request));
  KORPUS_ASSIGN_OR_RETURN(const int top_entities, internal::TopEntitiesLimit(request));
  const std::string match = Fts5Match(query, *morphology_);
  // Bound to the parsed query, so that "a  b" and "a b" share tokens.
  const std::string binding =
      BindingOf(absl::StrCat("search\nview=", static_cast<int>(view), "\nmatch=", match,
                             internal::EntityFilterBinding(entity_ids),
                             internal::ListFiltersBinding(filters)));
  // The date and source filters, checked on `documents` only when set (six
  // parameters from `first`), so that unfiltered searches stay on the index.
  // Then the entity type and story filters (TypeAndStoryFilter).
  auto filter_sql = [&filters](int first) -> std::string {
    if (!internal::Active(filters)) {
      return TypeAndStoryFilter("documents_fts.rowid", first, filters);
    }
    return absl::StrCat(absl::Substitute(
        " AND EXISTS (SELECT 1 FROM documents d WHERE d.seq = documents_fts.rowid "
        "AND (?$0 = 0 OR ((d.published_at_seconds, d.published_at_nanos) >= (?$1, ?$2) "
        "AND (d.published_at_seconds, d.published_at_nanos) < (?$3, ?$4))) "
        "AND (?$5 = '' OR substr(d.source_uri, 1, length(?$5)) = ?$5))",
        first, first + 1, first + 2, first + 3, first + 4, first + 5),
        TypeAndStoryFilter("documents_fts.rowid", first + 6, filters));
  };
  auto bind_filters = [&filters](Statement& statement, int first) {
    if (!internal::Active(filters)) {
      BindTypeAndStory(statement, first, filters);
      return;
    }
    BindTypeAndStory(statement, first + 6, filters);
    statement.BindInt64(first, filters.dated ? 1 : 0);
    statement.BindInt64(first + 1, filters.after_seconds);
    statement.BindInt64(first + 2, filters.after_nanos);
    statement.BindInt64(first + 3, filters.before_seconds);
    statement.BindInt64(first + 4, filters.before_nanos);
    statement.BindText(first + 5, filters.source_prefix);
  };
  const int entity_count = static_cast<int>(entity_ids.size());
  int64_t offset = 0;
  if (!request.page_token().empty()) {
    KORPUS_ASSIGN_OR_RETURN(
        offset, DecodePageToken(request.page_token(), binding, "SearchRequest.page_token"));
  }

  v1::SearchResponse response;
  const ReaderLease lease(*this);
  Connection& connection = *lease;
  absl::MutexLock lock(&connection.mu);
  // One read transaction, so that the count and the page see the same state.
  KORPUS_ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(connection, "BEGIN"));
  {
    KORPUS_ASSIGN_OR_RETURN(
        Statement count,
        connection.Prepare(absl::StrCat(
            "SELECT count(*) FROM documents_fts WHERE documents_fts MATCH ?1",
            MentionsAll("documents_fts.rowid", 2, entity_ids.size()),
            filter_sql(2 + entity_count))));
    count.BindText(1, match);
    for (size_t i = 0; i < entity_ids.size(); ++i) count.BindText(2 + i, entity_ids[i]);
    bind_filters(count, 2 + entity_count);
    KORPUS_ASSIGN_OR_RETURN(bool has_row, count.Step());
    if (has_row) response.set_total_size(count.Int64(0));
  }
  if (request.documents_per_month() && response.total_size() > 0) {
    KORPUS_ASSIGN_OR_RETURN(
        Statement months,
        connection.Prepare(absl::StrCat(
            "SELECT CAST(strftime('%Y', d.published_at_seconds, 'unixepoch') AS INTEGER) AS y, "
            "CAST(strftime('%m', d.published_at_seconds, 'unixepoch') AS INTEGER) AS m, "
            "count(*) FROM documents_fts JOIN documents d ON d.seq = documents_fts.rowid "
            "WHERE documents_fts MATCH ?1 AND d.published_at_seconds IS NOT NULL",
            MentionsAll("documents_fts.rowid", 2, entity_ids.size()),
            filter_sql(2 + entity_count), " GROUP BY y, m ORDER BY y, m")));
    months.BindText(1, match);
    for (size_t i = 0; i < entity_ids.size(); ++i) months.BindText(2 + i, entity_ids[i]);
    bind_filters(months, 2 + entity_count);
    while (true) {
      KORPUS_ASSIGN_OR_RETURN(bool has_row, months.Step());
      if (!has_row) break;
      v1::MonthCount* month = response.add_documents_per_month();
      month->set_year(static_cast<int32_t>(months.Int64(0)));
      month->set_month(static_cast<int32_t>(months.Int64(1)));
      month->set_document_count(months.Int64(2));
    }
  }
  if (top_entities > 0 && response.total_size() > 0) {
    // Counted over the entity links of every match; only the winners are
    // looked up in `entities`.
    const int limit_param = 2 + entity_count + (internal::Active(filters) ? 6 : 0) +
                            TypeAndStoryParams(filters);
    KORPUS_ASSIGN_OR_RETURN(
        Statement top,
        connection.Prepare(absl::StrCat(
            "SELECT t.entity_id, e.canonical_name, e.type, t.n FROM (SELECT g.entity_id AS "
            "entity_id, count(*) AS n FROM documents_fts JOIN document_entities g "
            "ON g.document_seq = documents_fts.rowid WHERE documents_fts MATCH ?1",
            MentionsAll("documents_fts.rowid", 2, entity_ids.size()),
            filter_sql(2 + entity_count), " GROUP BY g.entity_id ORDER BY n DESC, g.entity_id "
            "LIMIT ?", limit_param, ") t JOIN entities e ON e.entity_id = t.entity_id "
            "ORDER BY t.n DESC, t.entity_id")));
    top.BindText(1, match);
    for (size_t i = 0; i < entity_ids.size(); ++i) top.BindText(2 + i, entity_ids[i]);
    bind_filters(top, 2 + entity_count);
    top.BindInt64(limit_param, top_entities);
    while (true) {
      KORPUS_ASSIGN_OR_RETURN(bool has_row, top.Step());
      if (!has_row) break;
      internal::ReadEntityCount(top, 0, *response.add_top_entities());
    }
  }
  if (offset < response.total_size()) {
    // bm25() is lower for better matches; ties keep ingestion order so that
    // pages do not overlap. A word found in the lemma column alone (an
    // inflected form, a compound part) weighs half as much as in the text.
    // The snippet is cut from the text (SearchMorphology::Snippet). The
    // matches are ranked and cut on the full-text index alone; only the
    // page's rows are joined to `documents` (a join per match cost three
    // times the CPU for a frequent word: docs/BENCHMARKS.md).
    KORPUS_ASSIGN_OR_RETURN(
        Statement select,
        connection.Prepare(absl::StrCat(
            "WITH page AS (SELECT documents_fts.rowid AS seq, "
            "bm25(documents_fts, 1.0, 1.0, 0.5) AS score FROM documents_fts "
            "WHERE documents_fts MATCH ?1", MentionsAll("documents_fts.rowid", 4, entity_ids.size()),
            filter_sql(4 + entity_count),
            " ORDER BY score, seq LIMIT ?2 OFFSET ?3) "
            "SELECT ", internal::Columns(view), ", -page.score, d.text "
            "FROM page JOIN documents d ON d.seq = page.seq ORDER BY page.score, page.seq")));
    select.BindText(1, match);
    select.BindInt64(2, page_size);
    select.BindInt64(3, offset);
    for (size_t i = 0; i < entity_ids.size(); ++i) select.BindText(4 + i, entity_ids[i]);
    bind_filters(select, 4 + entity_count);
    const int score_column = internal::ColumnCount(view);
    while (true) {
      KORPUS_ASSIGN_OR_RETURN(bool has_row, select.Step());
      if (!has_row) break;
      v1::SearchHit* hit = response.add_hits();
      KORPUS_RETURN_IF_ERROR(internal::ReadDocument(select, view, *hit->mutable_document()));
      hit->set_score(select.Double(score_column));
      hit->set_snippet(morphology_->Snippet(select.Text(score_column + 1), query));
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
// one), most documents first.
absl::Status ReadAliases(SqliteStore::Connection& connection, int limit, v1::Entity& entity) {
  KORPUS_ASSIGN_OR_RETURN(
      Statement select,
      connection.Prepare("SELECT name, document_count FROM entity_names "
                         "WHERE entity_id = ?1 AND name <> ?2 "
                         "ORDER BY document_count DESC, name LIMIT ?3"));
  select.BindText(1, entity.entity_id());
  select.BindText(2, entity.canonical_name());
  select.BindInt64(3, limit);
  while (true) {
    KORPUS_ASSIGN_OR_RETURN(bool has_row, select.Step());
    if (!has_row) return absl::OkStatus();
    v1::EntityAlias* alias = entity.add_aliases();
    alias->set_name(std::string(select.Text(0)));
    alias->set_document_count(select.Int64(1));
  }
}

// The filters of ListEntities over `entities e`: ?1 the type (0 for all),
// ?2 the folded name prefix ('' for all).
constexpr char kEntityFilters[] =
    "(?1 = 0 OR e.type = ?1) AND (?2 = '' OR substr(e.canonical_key, 1, length(?2)) = ?2)";

}  // namespace

absl::StatusOr<v1::ListEntitiesResponse> SqliteStore::ListEntities(
    const v1::ListEntitiesRequest& request) {
  KORPUS_ASSIGN_OR_RETURN(const internal::EntityListing listing,
                          internal::PrepareEntityListing(request));
  v1::ListEntitiesResponse response;
  const ReaderLease lease(*this);
  Connection& connection = *lease;
  absl::MutexLock lock(&connection.mu);
  // One read transaction, so that the count and the page see the same state.
  KORPUS_ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(connection, "BEGIN"));
  {
    KORPUS_ASSIGN_OR_RETURN(
        Statement count,
        connection.Prepare(absl::StrCat("SELECT count(*) FROM entities e WHERE ", kEntityFilters)));
    count.BindInt64(1, listing.type);
    count.BindText(2, listing.prefix);
    KORPUS_ASSIGN_OR_RETURN(bool has_row, count.Step());
    if (has_row) response.set_total_size(count.Int64(0));
  }
  if (listing.offset < response.total_size()) {
    KORPUS_ASSIGN_OR_RETURN(
        Statement select,
        connection.Prepare(absl::StrCat("SELECT ", internal::kEntityColumns,
                                        " FROM entities e WHERE ", kEntityFilters, " ORDER BY ",
                                        listing.order_by, " LIMIT ?3 OFFSET ?4")));
    select.BindInt64(1, listing.type);
    select.BindText(2, listing.prefix);
    select.BindInt64(3, listing.page_size);
    select.BindInt64(4, listing.offset);
    while (true) {
      KORPUS_ASSIGN_OR_RETURN(bool has_row, select.Step());
      if (!has_row) break;
      internal::ReadEntity(select, *response.add_entities());
    }
  }
  for (v1::Entity& entity : *response.mutable_entities()) {
    KORPUS_RETURN_IF_ERROR(ReadAliases(connection, kListedAliases, entity));
  }
  KORPUS_RETURN_IF_ERROR(transaction.Commit());
  const int64_t next_offset = listing.offset + response.entities_size();
  if (response.entities_size() > 0 && next_offset < response.total_size()) {
    response.set_next_page_token(EncodePageToken(next_offset, listing.binding));
  }
  return response;
}

absl::StatusOr<v1::Entity> SqliteStore::GetEntity(const v1::GetEntityRequest& request) {
  KORPUS_ASSIGN_OR_RETURN(const internal::EntityLookup lookup,
                          internal::PrepareEntityLookup(request));
  v1::Entity entity;
  const ReaderLease lease(*this);
  Connection& connection = *lease;
  absl::MutexLock lock(&connection.mu);
  KORPUS_ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(connection, "BEGIN"));
  {
    KORPUS_ASSIGN_OR_RETURN(
        Statement select,
        connection.Prepare(absl::StrCat("SELECT ", internal::kEntityColumns,
                                        " FROM entities e WHERE e.entity_id = ?1")));
    select.BindText(1, request.entity_id());
    KORPUS_ASSIGN_OR_RETURN(bool has_row, select.Step());
    if (!has_row) {
      return absl::NotFoundError(absl::StrCat("no entity with id '", request.entity_id(), "'"));
    }
    internal::ReadEntity(select, entity);
  }
  KORPUS_RETURN_IF_ERROR(ReadAliases(connection, kEntityAliases, entity));
  if (lookup.offset < entity.document_count()) {
    KORPUS_ASSIGN_OR_RETURN(
        Statement select,
        // The page is cut from the entity's index entries first; only its
        // documents are read.
        connection.Prepare("SELECT d.id, d.title, p.salience, p.mention_count FROM "
                           "(SELECT document_seq, salience, mention_count FROM document_entities "
                           "WHERE entity_id = ?1 ORDER BY salience DESC, document_seq "
                           "LIMIT ?2 OFFSET ?3) p "
                           "JOIN documents d ON d.seq = p.document_seq "
                           "ORDER BY p.salience DESC, p.document_seq"));
    select.BindText(1, request.entity_id());
    select.BindInt64(2, lookup.page_size);
    select.BindInt64(3, lookup.offset);
    while (true) {
      KORPUS_ASSIGN_OR_RETURN(bool has_row, select.Step());
      if (!has_row) break;
      v1::EntityDocument* document = entity.add_documents();
      document->set_document_id(std::string(select.Text(0)));
      document->set_title(std::string(select.Text(1)));
      document->set_salience(select.Double(2));
      document->set_mention_count(static_cast<int32_t>(select.Int64(3)));
    }
  }
  KORPUS_RETURN_IF_ERROR(transaction.Commit());
  const int64_t next_offset = lookup.offset + entity.documents_size();
  if (entity.documents_size() > 0 && next_offset < entity.document_count()) {
    entity.set_documents_next_page_token(EncodePageToken(next_offset, lookup.binding));
  }
  return entity;
}

absl::StatusOr<v1::ListCooccurrencesResponse> SqliteStore::ListCooccurrences(
    const v1::ListCooccurrencesRequest& request) {
  KORPUS_ASSIGN_OR_RETURN(const internal::CooccurrenceListing listing,
                          internal::PrepareCooccurrenceListing(request));
  v1::ListCooccurrencesResponse response;
  const ReaderLease lease(*this);
  Connection& connection = *lease;
  absl::MutexLock lock(&connection.mu);
  // One read transaction, so that the entity, the count and the page agree.
  KORPUS_ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(connection, "BEGIN"));
  {
    KORPUS_ASSIGN_OR_RETURN(
        Statement select,
        connection.Prepare("SELECT e.entity_id, e.canonical_name, e.type, e.document_count "
                           "FROM entities e WHERE e.entity_id = ?1 AND e.document_count > 0"));
    select.BindText(1, listing.entity_id);
    KORPUS_ASSIGN_OR_RETURN(bool has_row, select.Step());
    if (!has_row) {
      return absl::NotFoundError(absl::StrCat("no entity with id '", listing.entity_id, "'"));
    }
    internal::ReadEntityCount(select, 0, *response.mutable_entity());
  }
  // The companions: the other entity links of the entity's documents (?1 the
  // entity, ?2 the type or 0).
  constexpr char kCompanions[] =
      " FROM document_entities g JOIN document_entities o ON o.document_seq = g.document_seq "
      "JOIN entities e ON e.entity_id = o.entity_id "
      "WHERE g.entity_id = ?1 AND o.entity_id <> ?1 AND (?2 = 0 OR e.type = ?2)";
  {
    KORPUS_ASSIGN_OR_RETURN(
        Statement count,
        connection.Prepare(absl::StrCat("SELECT count(DISTINCT o.entity_id)", kCompanions)));
    count.BindText(1, listing.entity_id);
    count.BindInt64(2, listing.type);
    KORPUS_ASSIGN_OR_RETURN(bool has_row, count.Step());
    if (has_row) response.set_total_size(count.Int64(0));
  }
  if (listing.offset < response.total_size()) {
    KORPUS_ASSIGN_OR_RETURN(
        Statement select,
        connection.Prepare(absl::StrCat(
            "SELECT e.entity_id, e.canonical_name, e.type, count(*) AS n", kCompanions,
            " GROUP BY e.entity_id ORDER BY n DESC, e.entity_id LIMIT ?3 OFFSET ?4")));
    select.BindText(1, listing.entity_id);
    select.BindInt64(2, listing.type);
    select.BindInt64(3, listing.page_size);
    select.BindInt64(4, listing.offset);
    while (true) {
      KORPUS_ASSIGN_OR_RETURN(bool has_row, select.Step());
      if (!has_row) break;
      internal::ReadEntityCount(select, 0, *response.add_cooccurrences()->mutable_entity());
    }
  }
  for (v1::Cooccurrence& cooccurrence : *response.mutable_cooccurrences()) {
    KORPUS_ASSIGN_OR_RETURN(
        Statement select,
        connection.Prepare("SELECT d.id FROM document_entities g JOIN document_entities o "
                           "ON o.document_seq = g.document_seq AND o.entity_id = ?2 "
                           "JOIN documents d ON d.seq = g.document_seq WHERE g.entity_id = ?1 "
                           "ORDER BY g.document_seq DESC LIMIT ?3"));
    select.BindText(1, listing.entity_id);
    select.BindText(2, cooccurrence.entity().entity_id());
    select.BindInt64(3, kCooccurrenceExamples);
    while (true) {
      KORPUS_ASSIGN_OR_RETURN(bool has_row, select.Step());
      if (!has_row) break;
      cooccurrence.add_example_document_ids(std::string(select.Text(0)));
    }
  }
  KORPUS_RETURN_IF_ERROR(transaction.Commit());
  const int64_t next_offset = listing.offset + response.cooccurrences_size();
  if (response.cooccurrences_size() > 0 && next_offset < response.total_size()) {
    response.set_next_page_token(EncodePageToken(next_offset, listing.binding));
  }
  return response;
}

absl::StatusOr<v1::CorpusStats> SqliteStore::Stats() {
  const ReaderLease lease(*this);
  Connection& connection = *lease;
  absl::MutexLock lock(&connection.mu);
  KORPUS_ASSIGN_OR_RETURN(
      Statement select,
      connection.Prepare(
          "SELECT count(*), coalesce(sum(sentence_count), 0), coalesce(sum(token_count), 0), "
          "coalesce(sum(char_count), 0), coalesce(sum(state = 1), 0), "
          "coalesce(sum(state = 2), 0), coalesce(sum(state = 3), 0), max(ingested_at_micros), "
          "coalesce(sum(ingested_at_micros > ?1), 0), coalesce(sum(ingested_at_micros > ?2), 0) "
          "FROM documents"));
  const int64_t now_micros = absl::ToUnixMicros(absl::Now());
  select.BindInt64(1, now_micros - int64_t{3600} * 1000000);
  select.BindInt64(2, now_micros - int64_t{86400} * 1000000);
  KORPUS_ASSIGN_OR_RETURN(bool has_row, select.Step());
  v1::CorpusStats stats;
  if (!has_row) return stats;
  stats.set_ingested_last_hour(select.Int64(8));
  stats.set_ingested_last_day(select.Int64(9));
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
  KORPUS_ASSIGN_OR_RETURN(
      Statement entities,
      connection.Prepare("SELECT type, count(*) FROM entities WHERE document_count > 0 "
                         "GROUP BY type"));
  internal::EntityTypeCounts counts{};
  while (true) {
    KORPUS_ASSIGN_OR_RETURN(bool has_entity_row, entities.Step());
    if (!has_entity_row) break;
    internal::AddEntityTypeCount(entities.Int64(0), entities.Int64(1), counts);
  }
  internal::SetEntityTypeCounts(counts, stats);
  return stats;
}

namespace {

// The filters of ListQuotes over `quotes q`: ?1 the speaker, ?2 the
// document id ('' for all), ?3 1 to include quoted terms.
constexpr char kQuoteFilters[] =
    "(?1 = '' OR q.speaker_entity_id = ?1) "
    "AND (?2 = '' OR q.document_seq = (SELECT seq FROM documents WHERE id = ?2)) "
    "AND (?3 = 1 OR q.kind <> 4)";

// The filters of GetTimeline over `timeline t`: ?1 the entity, ?2 the
// document id ('' for all), ?3 / ?4 the first and last day (NULL: open),
// ?5 1 for resolved dates only.
constexpr char kTimelineFilters[] =
    "(?1 = '' OR EXISTS (SELECT 1 FROM timeline_entities te WHERE te.entity_id = ?1 "
    "AND te.document_seq = t.document_seq AND te.date_index = t.date_index)) "
    "AND (?2 = '' OR t.document_seq = (SELECT seq FROM documents WHERE id = ?2)) "
    "AND (?3 IS NULL OR t.end_day >= ?3) AND (?4 IS NULL OR t.start_day <= ?4) "
    "AND (?5 = 0 OR t.resolved = 1)";

}  // namespace

absl::StatusOr<v1::ListQuotesResponse> SqliteStore::ListQuotes(
    const v1::ListQuotesRequest& request) {
  KORPUS_ASSIGN_OR_RETURN(const internal::QuoteListing listing,
                          internal::PrepareQuoteListing(request));
  std::string match;
  for (const std::string& word : listing.words) {
    if (!match.empty()) match += " AND ";
    match += Fts5String(word);
  }
  const std::string where = absl::StrCat(
      kQuoteFilters,
      match.empty() ? "" : " AND q.id IN (SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH ?4)");
  auto bind = [&](Statement& statement) {
    statement.BindText(1, listing.speaker_entity_id);
    statement.BindText(2, listing.document_id);
    statement.BindInt64(3, listing.include_terms ? 1 : 0);
    if (!match.empty()) statement.BindText(4, match);
  };
  v1::ListQuotesResponse response;
  const ReaderLease lease(*this);
  Connection& connection = *lease;
  absl::MutexLock lock(&connection.mu);
  // One read transaction, so that the count and the page see the same state.
  KORPUS_ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(connection, "BEGIN"));
  {
    KORPUS_ASSIGN_OR_RETURN(
        Statement count,
        connection.Prepare(absl::StrCat("SELECT count(*) FROM quotes q WHERE ", where)));
    bind(count);
    KORPUS_ASSIGN_OR_RETURN(bool has_row, count.Step());
    if (has_row) response.set_total_size(count.Int64(0));
  }
  if (listing.offset < response.total_size()) {
    KORPUS_ASSIGN_OR_RETURN(
        Statement select,
        connection.Prepare(absl::StrCat(
            "SELECT ", internal::kQuoteColumns,
            " FROM quotes q JOIN documents d ON d.seq = q.document_seq WHERE ", where,
            " ORDER BY q.document_time DESC, q.document_seq DESC, q.quote_index "
            "LIMIT ?5 OFFSET ?6")));
    bind(select);
    select.BindInt64(5, listing.page_size);
    select.BindInt64(6, listing.offset);
    while (true) {
      KORPUS_ASSIGN_OR_RETURN(bool has_row, select.Step());
      if (!has_row) break;
      KORPUS_RETURN_IF_ERROR(internal::ReadQuote(select, *response.add_quotes()));
    }
  }
  KORPUS_RETURN_IF_ERROR(transaction.Commit());
  const int64_t next_offset = listing.offset + response.quotes_size();
  if (response.quotes_size() > 0 && next_offset < response.total_size()) {
    response.set_next_page_token(EncodePageToken(next_offset, listing.binding));
  }
  return response;
}

absl::StatusOr<v1::GetTimelineResponse> SqliteStore::GetTimeline(
    const v1::GetTimelineRequest& request) {
  KORPUS_ASSIGN_OR_RETURN(const internal::TimelineListing listing,
                          internal::PrepareTimelineListing(request));
  auto bind = [&](Statement& statement) {
    statement.BindText(1, listing.entity_id);
    statement.BindText(2, listing.document_id);
    if (listing.from_day) {
      statement.BindInt64(3, *listing.from_day);
    } else {
      statement.BindNull(3);
    }
    if (listing.to_day) {
      statement.BindInt64(4, *listing.to_day);
    } else {
      statement.BindNull(4);
    }
    statement.BindInt64(5, listing.resolved_only ? 1 : 0);
  };
  v1::GetTimelineResponse response;
  const ReaderLease lease(*this);
  Connection& connection = *lease;
  absl::MutexLock lock(&connection.mu);
  KORPUS_ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(connection, "BEGIN"));
  {
    KORPUS_ASSIGN_OR_RETURN(
        Statement count,
        connection.Prepare(absl::StrCat("SELECT count(*) FROM timeline t WHERE ",
                                        kTimelineFilters)));
    bind(count);
    KORPUS_ASSIGN_OR_RETURN(bool has_row, count.Step());
    if (has_row) response.set_total_size(count.Int64(0));
  }
  if (listing.offset < response.total_size()) {
    KORPUS_ASSIGN_OR_RETURN(
        Statement select,
        connection.Prepare(absl::StrCat(
            "SELECT ", internal::kTimelineColumns,
            " FROM timeline t JOIN documents d ON d.seq = t.document_seq WHERE ",
            kTimelineFilters,
            " ORDER BY t.resolved DESC, t.start_day, t.end_day, t.document_seq, t.date_index "
            "LIMIT ?6 OFFSET ?7")));
    bind(select);
    select.BindInt64(6, listing.page_size);
    select.BindInt64(7, listing.offset);
    while (true) {
      KORPUS_ASSIGN_OR_RETURN(bool has_row, select.Step());
      if (!has_row) break;
      KORPUS_RETURN_IF_ERROR(internal::ReadTimelineEvent(select, *response.add_events()));
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

// The filters of ListStories over `stories s`: ?1 the least document count,
// ?2 an entity one of the story's documents mentions ('' for all).
constexpr char kStoryFilters[] =
    "s.document_count >= ?1 AND (?2 = '' OR s.seq IN (SELECT sd.story_seq "
    "FROM document_entities de JOIN story_documents sd ON sd.document_seq = de.document_seq "
    "WHERE de.entity_id = ?2))";

// The story's first `limit` documents in joining order (all when limit is
// negative), and its main entities' corpus-wide names and types.
absl::Status ReadStoryDetails(SqliteStore::Connection& connection, int64_t story_seq, int limit,
                              v1::Story& story) {
  {
    KORPUS_ASSIGN_OR_RETURN(
        Statement select,
        connection.Prepare(absl::StrCat(
            "SELECT ", internal::kStoryDocumentColumns,
            " FROM story_documents sd JOIN documents d ON d.seq = sd.document_seq "
            "WHERE sd.story_seq = ?1 ORDER BY sd.position LIMIT ?2")));
    select.BindInt64(1, story_seq);
    select.BindInt64(2, limit);
    while (true) {
      KORPUS_ASSIGN_OR_RETURN(bool has_row, select.Step());
      if (!has_row) break;
      internal::ReadStoryDocument(select, *story.add_documents());
    }
  }
  for (v1::StoryEntity& entity : *story.mutable_main_entities()) {
    KORPUS_ASSIGN_OR_RETURN(
        Statement select,
        connection.Prepare("SELECT canonical_name, type FROM entities WHERE entity_id = ?1"));
    select.BindText(1, entity.entity_id());
    KORPUS_ASSIGN_OR_RETURN(bool has_row, select.Step());
    if (!has_row) continue;
    entity.set_canonical_name(std::string(select.Text(0)));
    entity.set_type(static_cast<v1::EntityType>(select.Int64(1)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::ListStoriesResponse> SqliteStore::ListStories(
    const v1::ListStoriesRequest& request) {
  KORPUS_ASSIGN_OR_RETURN(const internal::StoryListing listing,
                          internal::PrepareStoryListing(request));
  v1::ListStoriesResponse response;
  const ReaderLease lease(*this);
  Connection& connection = *lease;
  absl::MutexLock lock(&connection.mu);
  // One read transaction, so that the count and the page see the same state.
  KORPUS_ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(connection, "BEGIN"));
  {
    KORPUS_ASSIGN_OR_RETURN(
        Statement count,
        connection.Prepare(absl::StrCat("SELECT count(*) FROM stories s WHERE ", kStoryFilters)));
    count.BindInt64(1, listing.min_documents);
    count.BindText(2, listing.entity_id);
    KORPUS_ASSIGN_OR_RETURN(bool has_row, count.Step());
    if (has_row) response.set_total_size(count.Int64(0));
  }
  std::vector<int64_t> seqs;
  if (listing.offset < response.total_size()) {
    KORPUS_ASSIGN_OR_RETURN(
        Statement select,
        connection.Prepare(absl::StrCat("SELECT ", internal::kStoryColumns,
                                        " FROM stories s WHERE ", kStoryFilters,
                                        " ORDER BY s.last_seen_micros DESC, s.story_id "
                                        "LIMIT ?3 OFFSET ?4")));
    select.BindInt64(1, listing.min_documents);
    select.BindText(2, listing.entity_id);
    select.BindInt64(3, listing.page_size);
    select.BindInt64(4, listing.offset);
    while (true) {
      KORPUS_ASSIGN_OR_RETURN(bool has_row, select.Step());
      if (!has_row) break;
      KORPUS_RETURN_IF_ERROR(internal::ReadStory(select, *response.add_stories()));
      seqs.push_back(select.Int64(0));
    }
  }
  for (size_t i = 0; i < seqs.size(); ++i) {
    KORPUS_RETURN_IF_ERROR(ReadStoryDetails(connection, seqs[i], internal::kListedStoryDocuments,
                                            *response.mutable_stories(static_cast<int>(i))));
  }
  KORPUS_RETURN_IF_ERROR(transaction.Commit());
  const int64_t next_offset = listing.offset + response.stories_size();
  if (response.stories_size() > 0 && next_offset < response.total_size()) {
    response.set_next_page_token(EncodePageToken(next_offset, listing.binding));
  }
  return response;
}

absl::StatusOr<v1::Story> SqliteStore::GetStory(const v1::GetStoryRequest& request) {
  KORPUS_RETURN_IF_ERROR(internal::ValidateGetStory(request));
  v1::Story story;
  const ReaderLease lease(*this);
  Connection& connection = *lease;
  absl::MutexLock lock(&connection.mu);
  KORPUS_ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(connection, "BEGIN"));
  int64_t seq = 0;
  {
    KORPUS_ASSIGN_OR_RETURN(
        Statement select,
        connection.Prepare(absl::StrCat("SELECT ", internal::kStoryColumns,
                                        " FROM stories s WHERE s.story_id = ?1")));
    select.BindText(1, request.story_id());
    KORPUS_ASSIGN_OR_RETURN(bool has_row, select.Step());
    if (!has_row) {
      return absl::NotFoundError(absl::StrCat("no story with id '", request.story_id(), "'"));
    }
    KORPUS_RETURN_IF_ERROR(internal::ReadStory(select, story));
    seq = select.Int64(0);
  }
  KORPUS_RETURN_IF_ERROR(ReadStoryDetails(connection, seq, -1, story));
  KORPUS_RETURN_IF_ERROR(transaction.Commit());
  return story;
}

absl::StatusOr<v1::PollWatchResponse> SqliteStore::PollWatch(const v1::PollWatchRequest& request) {
  KORPUS_ASSIGN_OR_RETURN(const internal::WatchPlan plan, internal::PrepareWatch(request));
  const std::string match = Fts5Match(plan.query, *morphology_);
  v1::PollWatchResponse response;
  const ReaderLease lease(*this);
  Connection& connection = *lease;
  absl::MutexLock lock(&connection.mu);
  KORPUS_ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(connection, "BEGIN"));
  // The last position this poll looks at: kWatchScanLimit positions on at
  // most (the current last one for start_from_now).
  int64_t bound = plan.after;
  {
    KORPUS_ASSIGN_OR_RETURN(
        Statement scan,
        connection.Prepare(plan.from_now
                               ? "SELECT max(watch_seq) FROM documents"
                               : "SELECT max(watch_seq) FROM (SELECT watch_seq FROM documents "
                                 "WHERE watch_seq > ?1 ORDER BY watch_seq LIMIT ?2)"));
    if (!plan.from_now) {
      scan.BindInt64(1, plan.after);
      scan.BindInt64(2, kWatchScanLimit);
    }
    KORPUS_ASSIGN_OR_RETURN(bool has_row, scan.Step());
    if (has_row && !scan.IsNull(0)) bound = scan.Int64(0);
  }
  if (plan.from_now || bound == plan.after) {
    KORPUS_RETURN_IF_ERROR(transaction.Commit());
    response.set_cursor(internal::WatchCursor(plan, bound));
    return response;
  }
  // The full-text index is asked once, for its matches among the rowids
  // (seq) the new positions span, and the new positions are found by
  // watch_seq alone ("+state": not by the index on state, which the
  // planner prefers for the equality and which walks every ANNOTATED
  // document). At 10,000 documents a poll of 100 new ones takes 0.3 ms,
  // against 6.6 ms with a full-text lookup per position and 13 ms through
  // the state index (bench/watch_bench.cc).
  KORPUS_ASSIGN_OR_RETURN(
      Statement select,
      connection.Prepare(absl::StrCat(
          "WITH c AS (SELECT seq FROM documents WHERE watch_seq > ?1 AND watch_seq <= ?2 "
          "AND +state = ?5), "
          "m AS (SELECT rowid AS seq FROM documents_fts WHERE documents_fts MATCH ?3 "
          "AND rowid >= (SELECT min(seq) FROM c) AND rowid <= (SELECT max(seq) FROM c)) "
          "SELECT ", internal::Columns(plan.view), ", d.watch_seq "
          "FROM c JOIN m ON m.seq = c.seq JOIN documents d ON d.seq = c.seq "
          "WHERE (?6 = 0 OR ((d.published_at_seconds, d.published_at_nanos) >= (?7, ?8) "
          "AND (d.published_at_seconds, d.published_at_nanos) < (?9, ?10))) "
          "AND (?11 = '' OR substr(d.source_uri, 1, length(?11)) = ?11)",
          MentionsAll("d.seq", 12, plan.entity_ids.size()), " ORDER BY d.watch_seq LIMIT ?4")));
  select.BindInt64(1, plan.after);
  select.BindInt64(2, bound);
  select.BindText(3, match);
  // One more than asked, to learn whether the poll stopped short of `bound`.
  select.BindInt64(4, plan.max_events + 1);
  select.BindInt64(5, v1::DOCUMENT_STATE_ANNOTATED);
  select.BindInt64(6, plan.filters.dated ? 1 : 0);
  select.BindInt64(7, plan.filters.after_seconds);
  select.BindInt64(8, plan.filters.after_nanos);
  select.BindInt64(9, plan.filters.before_seconds);
  select.BindInt64(10, plan.filters.before_nanos);
  select.BindText(11, plan.filters.source_prefix);
  for (size_t i = 0; i < plan.entity_ids.size(); ++i) {
    select.BindText(12 + static_cast<int>(i), plan.entity_ids[i]);
  }
  const int position_column = internal::ColumnCount(plan.view);
  int64_t reached = bound;
  while (true) {
    KORPUS_ASSIGN_OR_RETURN(bool has_row, select.Step());
    if (!has_row) break;
    if (response.events_size() == plan.max_events) {
      reached = select.Int64(position_column) - 1;
      break;
    }
    v1::WatchEvent* event = response.add_events();
    KORPUS_RETURN_IF_ERROR(internal::ReadDocument(select, plan.view, *event->mutable_document()));
    event->set_cursor(internal::WatchCursor(plan, select.Int64(position_column)));
  }
  KORPUS_RETURN_IF_ERROR(transaction.Commit());
  response.set_cursor(internal::WatchCursor(plan, reached));
  return response;
}

}  // namespace korpus::store
