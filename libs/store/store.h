// The durable store of documents and their annotations: the storage
// service's logic, without gRPC. Backends implement Store; OpenStore() picks
// one from a spec string, so that main.cc and tests never name a backend.
//
// Example:
//   absl::StatusOr<std::unique_ptr<Store>> store = OpenStore("sqlite:korpus.db");
//   if (!store.ok()) return store.status();
//   absl::StatusOr<PutResult> put = (*store)->Put(document);
//   absl::StatusOr<v1::Document> got = (*store)->Get(document.id(), v1::DOCUMENT_VIEW_TEXT);
//
// Backends: SqliteStore (sqlite_store.h, the embedded default) and
// PostgresStore (postgres_store.h). Both pass the same contract tests
// (tests/unit/store/store_contract_test.cc); where their full-text engines
// differ (ranking, snippets, what counts as a word), the backend headers say.
//
// Views (v1::DocumentView): BASIC is metadata and counts (no text,
// paragraphs or annotations); TEXT adds text and paragraphs; FULL adds
// annotations. UNSPECIFIED means FULL for Get and BASIC for List and Search.
//
// Errors follow the house table: INVALID_ARGUMENT for bad input (the message
// names the field), NOT_FOUND for an unknown id, UNAVAILABLE when the
// database is busy or cannot be reached (retry with backoff), DATA_LOSS when
// it is corrupt, INTERNAL for broken invariants.
//
// Thread-safety: every method of a Store may be called concurrently from any
// number of threads.
#ifndef KORPUS_LIBS_STORE_STORE_H_
#define KORPUS_LIBS_STORE_STORE_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "korpus/v1/document.pb.h"
#include "korpus/v1/query.pb.h"
#include "korpus/v1/storage.pb.h"

namespace korpus::nlp {
class SearchLexicon;
}  // namespace korpus::nlp

namespace korpus::store {

// Most distinct entity ids one List or Search may filter by.
inline constexpr int kMaxEntityFilters = 16;
// Most aliases per entity in ListEntities and GetEntity responses.
inline constexpr int kListedAliases = 5;
inline constexpr int kEntityAliases = 100;
// Most watch positions one PollWatch scans, matching or not.
inline constexpr int kWatchScanLimit = 5000;
// Most entities SearchRequest.top_entities may ask for.
inline constexpr int kMaxTopEntities = 100;
// Most example documents per entity in ListCooccurrences.
inline constexpr int kCooccurrenceExamples = 3;

// How Store::Write sets ingested_at: now (Put) or from the document (Import).
enum class WriteMode { kPut, kImport };

struct PutResult {
  // True if the document was new and has been stored; false if a document
  // with its id already existed (nothing was written).
  bool created = false;
  // The document as stored (the existing one when created is false), in
  // DOCUMENT_VIEW_BASIC.
  v1::Document stored_basic;
};

// What Annotate and MarkFailed did.
struct AnnotateResult {
  // True if the document's state changed now; false if it was already
  // ANNOTATED (or, for MarkFailed, not PENDING) and nothing was written.
  bool changed = false;
  // The document as stored afterwards, in DOCUMENT_VIEW_BASIC.
  v1::Document stored_basic;
};

class Store {
 public:
  virtual ~Store() = default;

  // Stores `document`, its annotations (if set), its full-text index
  // entries and its entities (Annotations.entities, which update the
  // corpus-wide entity figures ListEntities and GetEntity report), its
  // quotes and dates (for ListQuotes and GetTimeline) and the document
  // frequencies of its terms (Annotations.terms) in one transaction: after a
  // failure nothing of it is stored. Annotations.keywords is replaced by the
  // keywords of Annotations.terms weighted by those frequencies (TF-IDF,
  // nlp::ExtractKeywords; the corpus as stored, this document included).
  // Idempotent by id: if a document with document.id() exists, nothing is
  // written and created is false, whatever the rest of `document` says.
  //
  // The store sets ingested_at (now) and, if state is UNSPECIFIED, sets it to
  // ANNOTATED when annotations are present and PENDING otherwise. A zero
  // char_count is computed from the text (in code points); zero
  // sentence/token counts are taken from the annotations.
  //
  // INVALID_ARGUMENT if id or text is empty, if state is unknown, if state
  // is ANNOTATED without annotations, or if an entity of the annotations
  // has an empty entity_id, an unknown type or a salience that is not a
  // finite number, or if a quote or date of the annotations spans offsets
  // outside the text, has an unknown kind or granularity, or is resolved
  // without a valid period. Entries with the same entity_id in one
  // document count as one entity there (mentions added, highest salience
  // kept).
  absl::StatusOr<PutResult> Put(const v1::Document& document) {
    return Write(document, WriteMode::kPut);
  }

  // Stores a document as another store exported it (DOCUMENT_VIEW_FULL):
  // exactly like Put, except that its ingested_at is kept (truncated to
  // microseconds; now if unset), so that a moved corpus keeps its history.
  // Documents imported in export order keep their relative ingestion order.
  absl::StatusOr<PutResult> Import(const v1::Document& document) {
    return Write(document, WriteMode::kImport);
  }

  // Attaches `annotations` to the stored document `id` that has none yet
  // (state PENDING or FAILED) and sets its state to ANNOTATED (reason
  // cleared, zero sentence/token counts taken from the annotations), doing
  // in one transaction exactly the index work Put does for an annotated
  // document: entities, quotes, dates, term frequencies and keywords, the
  // lemma search index and the story assignment. Idempotent: a document
  // already ANNOTATED is left as it is and changed is false, so that
  // several writers (gateways, reconcilers) may race on one document.
  // NOT_FOUND for an unknown id; INVALID_ARGUMENT for an empty id or
  // annotations Put would refuse (as Put words it).
  virtual absl::StatusOr<AnnotateResult> Annotate(std::string_view id,
                                                  const v1::Annotations& annotations) = 0;

  // Marks the PENDING document `id` FAILED with `reason` (an annotator's
  // permanent refusal), so that no one retries it. A document that is not
  // PENDING is left as it is and changed is false. NOT_FOUND for an unknown
  // id; INVALID_ARGUMENT for an empty id or reason.
  virtual absl::StatusOr<AnnotateResult> MarkFailed(std::string_view id,
                                                    std::string_view reason) = 0;

  // Deletes the document `id` with everything derived from it, in one
  // transaction: its annotations, full-text and lemma index entries, its
  // entity links (the entities' document, mention and type counts, total
  // and maximum salience are as if it had never been stored; the canonical
  // name stays unless another name is now given by more documents; an
  // entity no other document mentions disappears), quotes,
  // timeline rows and term document frequencies, and its story membership
  // (the story is recomputed from its other documents in joining order,
  // label and main entities included, with the term frequencies as now
  // stored; a story left empty disappears). Returns the document as it
  // was, in DOCUMENT_VIEW_BASIC. NOT_FOUND for an unknown id (so deleting
  // twice gives NOT_FOUND the second time); INVALID_ARGUMENT for an empty
  // one.
  virtual absl::StatusOr<v1::Document> Delete(std::string_view id) = 0;

  // Queues the selected documents for annotation again (a new annotator
  // model): in one transaction each loses its annotations and everything
  // derived from them exactly as Delete removes them (the document itself,
  // text and full-text entry stay), and becomes PENDING with no reason and
  // zero sentence and token counts, so that Annotate (the gateway's
  // reconciler) attaches fresh annotations and nothing is counted twice.
  // Returns how many documents were queued (those already PENDING
  // included). A query is resolved by Search before the transaction.
  // INVALID_ARGUMENT for an empty selection, `all` with another selector,
  // more than 1000 ids, an empty id, an unknown state or a malformed query;
  // RESOURCE_EXHAUSTED if the query finds more than 1000 documents;
  // NOT_FOUND (nothing changed) if one of `ids` is not stored.
  absl::StatusOr<int64_t> Reannotate(const v1::ReannotateDocumentsRequest& request);

  // The document with this id in `view`. NOT_FOUND ("no document with id
  // 'x'") if there is none; INVALID_ARGUMENT if `id` is empty.
  virtual absl::StatusOr<v1::Document> Get(
      std::string_view id, v1::DocumentView view = v1::DOCUMENT_VIEW_UNSPECIFIED) = 0;

  // One page of documents, oldest first (in ingestion order), so pages are
  // stable while documents are added: walking next_page_token until it is
  // empty visits every document stored before the walk began exactly once.
  // With entity_ids, only documents mentioning all of those entities; with
  // entity_types, only those mentioning an entity of one of those types
  // (the entity's corpus-wide type); with story_id, only that story's.
  // INVALID_ARGUMENT if page_size is outside [0, 1000] (0 means 50), the
  // page token is malformed or came from a request with another view or
  // other entity_ids, or entity_ids has an empty id or more than
  // kMaxEntityFilters distinct ids.
  virtual absl::StatusOr<v1::ListDocumentsResponse> List(
      const v1::ListDocumentsRequest& request) = 0;

  // Full-text search (see ParseQuery in libs/store/query.h for the syntax):
  // whole words, case-insensitive, all terms must match. Best hits first;
  // total_size counts every match. INVALID_ARGUMENT for a malformed query,
  // a page_size outside [0, 1000] (0 means 20), a page token that is
  // malformed or came from another query, view or entity_ids, or
  // entity_ids as List rejects them. With entity_ids, only documents that
  // also mention all of those entities match; entity_types and story_id
  // as in List. With top_entities (at most kMaxTopEntities, else
  // INVALID_ARGUMENT), the entities mentioned by the most matching
  // documents (all of them, not just the page).
  virtual absl::StatusOr<v1::SearchResponse> Search(const v1::SearchRequest& request) = 0;

  // One step of a watch (a saved search, CorpusService.Watch): the
  // documents matching request.watch (query and filters as in Search)
  // whose watch position lies after its cursor, in position order, at most
  // max_events (0 means 100). The watch position is assigned, increasing,
  // when a document becomes ANNOTATED (Put or Import of an annotated
  // document, Annotate); positions become visible in their order, so a
  // poll never skips one that commits later. Only ANNOTATED documents are
  // delivered. One poll scans at most kWatchScanLimit positions; the
  // response's cursor says where the next poll continues. An empty cursor
  // starts before the first position; start_from_now at the current last
  // one (no events). Cursors are page tokens bound to the query (its
  // parsed form), view and filters. INVALID_ARGUMENT for what Search
  // rejects (naming WatchRequest fields), a cursor that is malformed or
  // came from another watch, cursor together with start_from_now, or
  // max_events outside [0, 1000].
  virtual absl::StatusOr<v1::PollWatchResponse> PollWatch(const v1::PollWatchRequest& request) = 0;

  // The corpus's entities: every entity_id found in Annotations.entities of
  // the stored documents, with figures over all its documents (see
  // v1::Entity), filtered by type and case-folded name prefix, ordered by
  // request.order_by, ties by entity_id. Each entity carries up to
  // kListedAliases aliases and no documents. INVALID_ARGUMENT for an
  // unknown type or order, a page_size outside [0, 1000] (0 means 50), or a
  // page token that is malformed or came from other parameters.
  virtual absl::StatusOr<v1::ListEntitiesResponse> ListEntities(
      const v1::ListEntitiesRequest& request) = 0;

  // One entity with up to kEntityAliases aliases and one page of the
  // documents mentioning it (most salient first, ties in ingestion order;
  // page_size 0 means 20). NOT_FOUND ("no entity with id 'x'") if no
  // document mentions it; INVALID_ARGUMENT for an empty id, a bad page
  // size or a page token from another entity.
  virtual absl::StatusOr<v1::Entity> GetEntity(const v1::GetEntityRequest& request) = 0;

  // Entity co-occurrence: the entities mentioned in at least one document
  // that also mentions request.entity_id (itself excluded), each with the
  // number of such documents and up to kCooccurrenceExamples of their ids
  // (newest first, in ingestion order); most shared documents first, ties by
  // entity_id in byte order; only companions of request.type when set
  // (Entity.type). total_size counts the companions; response.entity is the
  // entity itself with all its documents. NOT_FOUND ("no entity with id
  // 'x'") if no document mentions it; INVALID_ARGUMENT as
  // PrepareCooccurrenceListing says (cooccurrence_rows.h). Cost: reads the
  // entity links of every document of the entity.
  virtual absl::StatusOr<v1::ListCooccurrencesResponse> ListCooccurrences(
      const v1::ListCooccurrencesRequest& request) = 0;

  // Totals over the whole store: documents, their counts and states, the
  // entities by type, and the documents ingested within the last hour and
  // day (by ingested_at, against the clock now).
  virtual absl::StatusOr<v1::CorpusStats> Stats() = 0;

  // Quotations of the stored documents (Annotations.quotes), newest
  // document first (published_at, else ingested_at; ties: later ingested
  // first), in text order within a document. Filters (AND):
  // speaker_entity_id, document_id (an unknown id matches nothing), text
  // (every word, whole words, case-insensitive, no operators; the backends'
  // full-text engines split words as for Search); quoted terms only with
  // include_terms. total_size counts every match. INVALID_ARGUMENT for a
  // page_size outside [0, 1000] (0 means 50), a text over 1000 bytes or 16
  // words, or a page token that is malformed or came from other filters.
  virtual absl::StatusOr<v1::ListQuotesResponse> ListQuotes(
      const v1::ListQuotesRequest& request) = 0;

  // Dated events (Annotations.dates) with their sentence and its entities:
  // resolved dates by start day, end day, then ingestion order and position;
  // unresolved ones (only with include_unresolved and no from/to) last.
  // from/to keep the events whose period overlaps [from, to]; a zero year
  // leaves that side open, a zero month or day means the whole year or
  // month. INVALID_ARGUMENT for a bound that is no date (naming the field),
  // from after to, a page_size outside [0, 1000] (0 means 100), or a page
  // token that is malformed or came from other filters.
  virtual absl::StatusOr<v1::GetTimelineResponse> GetTimeline(
      const v1::GetTimelineRequest& request) = 0;

  // Stories: documents that report the same event. Put assigns every
  // document with Annotations.terms to one and sets its
  // Annotations.story_id (libs/store/story_rows.h: it joins the most
  // similar story within the time window or starts one; same documents in
  // the same order, same stories). ListStories: most recently active first
  // (last_seen), ties by story_id, each with its first
  // internal::kListedStoryDocuments documents; only stories with at least
  // min_documents documents (0 means 1) and, with entity_id, those one of
  // whose documents mentions that entity. total_size counts every match.
  // INVALID_ARGUMENT for a negative min_documents, a page_size outside
  // [0, 1000] (0 means 50), or a page token that is malformed or came from
  // other filters.
  virtual absl::StatusOr<v1::ListStoriesResponse> ListStories(
      const v1::ListStoriesRequest& request) = 0;

  // One story with all its documents in joining order. NOT_FOUND ("no story
  // with id 'x'") for an unknown id; INVALID_ARGUMENT for an empty one.
  virtual absl::StatusOr<v1::Story> GetStory(const v1::GetStoryRequest& request) = 0;

 protected:
  // Put and Import: the one write path each backend implements.
  virtual absl::StatusOr<PutResult> Write(const v1::Document& document, WriteMode mode) = 0;
  // Reannotate without a query (Reannotate resolves it into ids).
  virtual absl::StatusOr<int64_t> ReannotateSelected(
      const v1::ReannotateDocumentsRequest& request) = 0;
};

// Opens (creating and migrating if needed) the store that `spec` names:
//   sqlite:PATH              an SQLite database file at PATH (created if missing)
//   sqlite::memory:          a private in-memory SQLite database (tests)
//   postgresql://... or postgres://...
//                            a PostgreSQL database; the URI goes to libpq as
//                            it is (user, password, host, port, database,
//                            ?sslmode=... and other libpq parameters)
// INVALID_ARGUMENT for an unknown scheme or an empty path; otherwise the
// backend's own errors (see sqlite_store.h and postgres_store.h).
struct OpenStoreOptions {
  // SQLite: read-only connections serving reads in parallel
  // (SqliteOptions.reader_connections). At least 1; default 4.
  int sqlite_reader_connections = 4;
  // The German lexicon for lemma and compound matching in Search (see
  // SqliteOptions.search_lexicon); null: without.
  std::shared_ptr<const nlp::SearchLexicon> search_lexicon;
};
absl::StatusOr<std::unique_ptr<Store>> OpenStore(std::string_view spec,
                                                 const OpenStoreOptions& options = {});

// `spec` with any password replaced by "***", for logs and messages.
std::string RedactStoreSpec(std::string_view spec);

}  // namespace korpus::store

#endif  // KORPUS_LIBS_STORE_STORE_H_
