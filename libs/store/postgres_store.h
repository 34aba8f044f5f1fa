// The PostgreSQL backend of Store, over libpq (C, no exceptions). See
// store.h for the contract; this backend passes the same contract tests as
// SqliteStore (tests/unit/store/store_contract_test.cc).
//
// Storage layout (schema version 2; the version is in table
// schema_version, one row):
//   documents     one row per document, the columns of SqliteStore's
//                 documents table in the same order (document_row.h reads
//                 both): `seq` (bigint identity, the ingestion sequence List
//                 and export page over), `id` UNIQUE, scalar columns,
//                 `metadata` / `paragraphs` as serialized v1::Document blobs
//                 (bytea), and `search`, a tsvector of title and text with
//                 the 'simple' configuration, GIN-indexed. `search` is a
//                 plain column written by Put (not a generated one): the
//                 surface words (weight D), then the document's lemma terms
//                 (SearchMorphology::IndexTerms; weight A, at even
//                 positions after the surface words, so that no phrase
//                 matches across them). Version 5 recomputed it for the
//                 documents stored before.
//   annotations   one row per annotated document: document_seq, model name
//                 and version, `data` = serialized v1::Annotations.
//   entities, document_entities, entity_names
//                 the entities of the annotations and their corpus-wide
//                 figures (libs/store/entity_rows.h), as in SQLite; Put
//                 writes a document's entity rows with four multi-row
//                 statements. Version 2 added them and filled them from
//                 the stored annotations of the documents stored before.
//   term_frequencies, quotes, timeline, timeline_entities
//                 the extraction layers of the annotations (version 3;
//                 libs/store/extraction_rows.h), as in SQLite; quotes.search
//                 is a 'simple' tsvector of the quoted text (GIN), matched
//                 word by word through phraseto_tsquery as in Search.
// Migrations are applied at Open in one transaction, under an advisory lock
// so that two processes opening the same database at once do not race; a
// database with a newer version than this build knows is refused.
//
// Full-text search semantics, compared with SqliteStore's FTS5:
//   - the same: whole words, case-insensitive, no diacritic folding
//     (Äpfel != Apfel), all terms must match, "phrases" need their words
//     adjacent and in order, query text is bound as parameters and never
//     interpreted as operators (each term goes through phraseto_tsquery).
//   - ranking: ts_rank_cd (cover density, normalised by 1 + log(document
//     length)) instead of BM25; hits are ordered by it, ties in ingestion
//     order. Scores are positive and comparable only within one query, as
//     with BM25, but the two backends may order equally good hits
//     differently.
//   - German morphology (search_terms.h) as in SQLite: a word also matches
//     its lemma terms (lexemes of weight A); phrases and prefixes (":*D")
//     match surface words only.
//   - snippets: the same as SQLite's (SearchMorphology::Snippet).
//   - words: PostgreSQL's default parser also keeps hyphenated compounds
//     whole besides their parts ("US-Exportkontrollen" is indexed as
//     us-exportkontrollen, us and exportkontrollen), and host names, e-mail
//     addresses and URLs as one word each.
//   - this needs a database whose LC_CTYPE is a UTF-8 locale (C.UTF-8,
//     de_DE.UTF-8, ...): under LC_CTYPE "C", PostgreSQL takes every non-ASCII
//     character for a letter and does not lower-case umlauts, so Open
//     refuses such a database (FAILED_PRECONDITION).
//
// Concurrency: a pool of at most max_connections libpq connections, shared
// by all threads; a call takes one for its duration (waiting while all are
// busy) and runs its statements in one transaction where it needs more than
// one (Put; Search's count and page see one snapshot). Writes take a
// transaction-scoped advisory lock, so they are serialised as in SQLite and
// the ingestion sequence follows commit order: a List or export walk never
// skips a document that committed late.
//
// Broken connections: a call whose connection breaks (server restart,
// network, an administrator terminating it) fails with UNAVAILABLE; the
// connection and every idle one are dropped, and the next call connects
// afresh. Callers retry UNAVAILABLE (the gRPC clients do).
#ifndef KORPUS_LIBS_STORE_POSTGRES_STORE_H_
#define KORPUS_LIBS_STORE_POSTGRES_STORE_H_

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

struct PostgresOptions {
  // The database, as a libpq connection URI
  // ("postgresql://korpus@db.example:5432/korpus?sslmode=require") or
  // key=value string, passed to libpq as it is. Required.
  std::string conninfo;
  // Most connections open at once. Default 8.
  int max_connections = 8;
  // How long connecting may take, unless conninfo sets connect_timeout.
  // Default 10 s (libpq rounds to whole seconds, at least 2).
  absl::Duration connect_timeout = absl::Seconds(10);
  // The German lexicon for lemma and compound matching in Search
  // (search_terms.h); null: lemmas of the annotations and lower-cased words
  // only. Shared, read-only.
  std::shared_ptr<const nlp::SearchLexicon> search_lexicon;
};

class PostgresStore final : public Store {
 public:
  // The schema version this build writes and understands.
  static int SchemaVersion();

  // Connects, checks the database (UTF-8 encoding and locale) and brings its
  // schema up to SchemaVersion() in one transaction (all or none).
  // Errors: INVALID_ARGUMENT for an empty conninfo or max_connections < 1;
  // UNAVAILABLE if the server cannot be reached or refuses the connection
  // (libpq's message says why: host, authentication, missing database);
  // FAILED_PRECONDITION if the schema is newer than this build knows, the
  // database is not UTF-8 with a UTF-8 LC_CTYPE, or the user may not create
  // the tables.
  static absl::StatusOr<std::unique_ptr<PostgresStore>> Open(const PostgresOptions& options);

  ~PostgresStore() override;
  PostgresStore(const PostgresStore&) = delete;
  PostgresStore& operator=(const PostgresStore&) = delete;

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

  class Connection;  // Internal: one libpq connection.
  class Pool;        // Internal: the connection pool.

 protected:
  absl::StatusOr<PutResult> Write(const v1::Document& document, WriteMode mode) override;

 private:
  explicit PostgresStore(std::unique_ptr<Pool> pool);

  std::unique_ptr<Pool> pool_;
  std::shared_ptr<const SearchMorphology> morphology_;  // never null after Open
};

}  // namespace korpus::store

#endif  // KORPUS_LIBS_STORE_POSTGRES_STORE_H_
