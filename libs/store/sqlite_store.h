// The SQLite backend of Store: one database file holding documents,
// annotations and an FTS5 full-text index. See store.h for the contract.
//
// Storage layout (schema version 2, kept in PRAGMA user_version; the
// column order of `documents` is the one libs/store/document_row.h reads):
//   documents      one row per document. `seq` (INTEGER PRIMARY KEY
//                  AUTOINCREMENT, the rowid) is the ingestion sequence that
//                  List pages over; `id` is UNIQUE. Scalars are columns
//                  (timestamps as integers: published_at as seconds + nanos,
//                  NULL seconds when unknown; ingested_at in microseconds;
//                  state as the DocumentState number). `metadata` and
//                  `paragraphs` are serialized v1::Document messages with only
//                  that field set, so reading merges them straight into the
//                  result. `text` and `paragraphs` are the last columns, so
//                  BASIC reads never touch their overflow pages.
//   annotations    one row per annotated document: document_seq, model name
//                  and version (queryable), `data` = serialized v1::Annotations.
//   documents_fts  FTS5 over documents(title, text, lemmas), external content
//                  (the text is not stored twice), tokenize 'unicode61
//                  remove_diacritics 0': case-folded whole words split at
//                  punctuation ("US-Exportkontrollen" -> us, exportkontrollen),
//                  umlauts kept (Äpfel and Apfel stay different words).
//                  documents.lemmas (version 5) holds the document's lemma
//                  terms (SearchMorphology::IndexTerms, space-separated);
//                  query words match title and text or, through their
//                  lemmas, that column. Snippets are cut in C++
//                  (SearchMorphology::Snippet), not by FTS5.
//   entities, document_entities, entity_names
//                  the entities of the annotations and their corpus-wide
//                  figures (libs/store/entity_rows.h), written by Put with
//                  cached prepared statements; STRICT, WITHOUT ROWID.
//                  Version 2 added them and filled them from the stored
//                  annotations of the documents stored before.
//   term_frequencies, quotes, quotes_fts, timeline, timeline_entities
//                  the extraction layers of the annotations (version 3;
//                  libs/store/extraction_rows.h): term document
//                  frequencies for keywords, quotes for ListQuotes (quotes_fts
//                  is FTS5 over their text, tokenized like documents_fts),
//                  dates and their sentences' entities for GetTimeline.
// Documents are never updated or deleted, so the index is written in Put and
// needs no triggers.
//
// Durability and concurrency: WAL journal, synchronous=NORMAL (a committed
// Put survives a process crash; a power cut may lose the last transactions
// but never corrupts the file), foreign keys on, busy_timeout for other
// processes holding the lock (then UNAVAILABLE). Within the process, writes
// go through one connection, serialized by its mutex, and reads through a
// pool of read-only connections (SqliteOptions.reader_connections), each
// serving one read at a time: reads run in parallel with each other and
// with a write (WAL readers see the last committed state), and a read waits
// only while every reader connection is busy. An in-memory database has a
// single connection for both.
#ifndef KORPUS_LIBS_STORE_SQLITE_STORE_H_
#define KORPUS_LIBS_STORE_SQLITE_STORE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/store/store.h"

namespace korpus::nlp {
class SearchLexicon;
}  // namespace korpus::nlp

namespace korpus::store {

class SearchMorphology;

struct SqliteOptions {
  // The database file, created if missing; ":memory:" for a private
  // in-memory database that disappears with the store. Required.
  std::string path;
  // How long a statement waits for a lock held by another process before
  // failing with UNAVAILABLE. Default 5 s.
  absl::Duration busy_timeout = absl::Seconds(5);
  // Read-only connections serving Get, List, Search, Stats and the entity
  // reads, so that that many reads run at once. Each holds its own page
  // cache (about 2 MB at most). Ignored for ":memory:". At least 1;
  // default 4.
  int reader_connections = 4;
  // The German lexicon for lemma and compound matching in Search
  // (search_terms.h); null: lemmas of the annotations and lower-cased words
  // only. Shared, read-only.
  std::shared_ptr<const nlp::SearchLexicon> search_lexicon;
};

class SqliteStore final : public Store {
 public:
  // The schema version this build writes and understands.
  static int SchemaVersion();

  // Opens the database and brings its schema up to SchemaVersion(), applying
  // the missing migrations in order in one transaction (all or none).
  // Errors: INVALID_ARGUMENT for an empty path; FAILED_PRECONDITION if the
  // file's schema is newer than this build knows, or the file cannot be
  // opened or written (permissions, a missing directory); DATA_LOSS if it is
  // not an SQLite database or is corrupt; UNAVAILABLE if another process
  // holds the lock beyond busy_timeout.
  static absl::StatusOr<std::unique_ptr<SqliteStore>> Open(const SqliteOptions& options);

  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  absl::StatusOr<v1::Document> Get(std::string_view id, v1::DocumentView view) override;
  absl::StatusOr<AnnotateResult> Annotate(std::string_view id,
                                          const v1::Annotations& annotations) override;
  absl::StatusOr<AnnotateResult> MarkFailed(std::string_view id, std::string_view reason) override;
  absl::StatusOr<v1::Document> Delete(std::string_view id) override;
  absl::StatusOr<int64_t> ReannotateSelected(
      const v1::ReannotateDocumentsRequest& request) override;
  absl::StatusOr<v1::ListDocumentsResponse> List(const v1::ListDocumentsRequest& request) override;
  absl::StatusOr<v1::SearchResponse> Search(const v1::SearchRequest& request) override;
  absl::StatusOr<v1::PollWatchResponse> PollWatch(const v1::PollWatchRequest& request) override;
  absl::StatusOr<v1::CorpusStats> Stats() override;
  absl::StatusOr<v1::ListEntitiesResponse> ListEntities(
      const v1::ListEntitiesRequest& request) override;
  absl::StatusOr<v1::Entity> GetEntity(const v1::GetEntityRequest& request) override;
  absl::StatusOr<v1::ListCooccurrencesResponse> ListCooccurrences(
      const v1::ListCooccurrencesRequest& request) override;
  absl::StatusOr<v1::ListQuotesResponse> ListQuotes(const v1::ListQuotesRequest& request) override;
  absl::StatusOr<v1::GetTimelineResponse> GetTimeline(
      const v1::GetTimelineRequest& request) override;
  absl::StatusOr<v1::ListStoriesResponse> ListStories(
      const v1::ListStoriesRequest& request) override;
  absl::StatusOr<v1::Story> GetStory(const v1::GetStoryRequest& request) override;

  class Connection;  // Internal: one sqlite3 handle, its mutex and statement cache.
  class ReaderPool;  // Internal: the idle reader connections.
  class ReaderLease;  // Internal: a reader connection borrowed for one read.

 protected:
  absl::StatusOr<PutResult> Write(const v1::Document& document, WriteMode mode) override;

 private:
  SqliteStore(std::unique_ptr<Connection> writer, std::unique_ptr<ReaderPool> readers);

  std::unique_ptr<Connection> writer_;
  std::unique_ptr<ReaderPool> readers_;  // null for an in-memory database
  std::shared_ptr<const SearchMorphology> morphology_;  // never null after Open
};

}  // namespace korpus::store

#endif  // KORPUS_LIBS_STORE_SQLITE_STORE_H_
