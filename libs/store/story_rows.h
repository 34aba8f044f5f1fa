// Internal to libs/store: stories (documents reporting the same event,
// nlp::StoryClusterer) as both backends keep them, so that the backends
// differ only in SQL. The clustering itself runs once, here, in
// AssignStory; a backend supplies its SQL through StoryTables.
//
// Tables (the same schema version in both backends):
//   stories          one row per story: seq (creation order), story_id
//                    ("s" + the 24 hex digits of the document that started
//                    it, so the same ingestion order gives the same ids),
//                    label, document_count, first_seen_micros and
//                    last_seen_micros (the earliest and latest document
//                    time: published_at, else ingested_at), summary (a
//                    serialized v1::Story with label and main entities) and
//                    state (a serialized StoredStoryState: the centroid and
//                    the event evidence, story_state.proto).
//   story_documents  (story_seq, position): document_seq and the similarity
//                    with which it joined (1 for the first), in joining
//                    order; indexed by document_seq.
//
// Put, in the document's write transaction, after the term frequencies are
// updated (extraction_rows.h): the document's StoryFeatures are computed
// from its annotations (terms weighted by the corpus as stored, itself
// included); the stories whose time span, widened by the clusterer's
// window, holds the document's time are the candidates (at most
// kMaxStoryCandidates, the most recently active); the document joins the
// most probable one or starts a new story; the story's row is rewritten and
// Annotations.story_id set. Documents without Annotations.terms (not
// annotated, or by an annotator without extraction) get no story.
// Deterministic: the same documents stored in the same order give the same
// stories.
#ifndef KORPUS_LIBS_STORE_STORY_ROWS_H_
#define KORPUS_LIBS_STORE_STORY_ROWS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "korpus/v1/document.pb.h"
#include "korpus/v1/query.pb.h"
#include "libs/nlp/extract/stories.h"
#include "libs/store/document_row.h"

namespace korpus::store::internal {

inline constexpr int kDefaultStoryPageSize = 50;
// Documents per story in ListStories responses (GetStory lists all).
inline constexpr int kListedStoryDocuments = 5;
// Most candidate stories a document is compared with.
inline constexpr int kMaxStoryCandidates = 200;

// A story row as written.
struct StoryRow {
  std::string story_id;
  std::string label;
  int64_t document_count = 0;
  int64_t first_seen_micros = 0;
  int64_t last_seen_micros = 0;
  std::string summary;
  std::string state;
};

// A backend's story SQL, run inside its write transaction.
class StoryTables {
 public:
  virtual ~StoryTables() = default;
  // term_frequencies: the document_count of each of `keys` that has a row
  // (kDocumentCountKey's row counts the documents).
  virtual absl::StatusOr<absl::flat_hash_map<std::string, int64_t>> Frequencies(
      const std::vector<std::string>& keys) = 0;
  struct Candidate {
    int64_t seq = 0;
    std::string state;
    int64_t document_count = 0;
    std::string story_id;
  };
  // Stories with last_seen_micros >= from and first_seen_micros <= to, the
  // `limit` most recently active (ties: the later story).
  virtual absl::StatusOr<std::vector<Candidate>> Candidates(int64_t from_micros,
                                                            int64_t to_micros, int limit) = 0;
  // Inserts a story; returns its seq.
  virtual absl::StatusOr<int64_t> InsertStory(const StoryRow& row) = 0;
  virtual absl::Status UpdateStory(int64_t seq, const StoryRow& row) = 0;
  virtual absl::Status InsertStoryDocument(int64_t story_seq, int64_t position,
                                           int64_t document_seq, double similarity) = 0;
};

// Clusters the just-inserted document `document_seq` (see the file
// comment) and appends Annotations.story_id to row.annotations_blob.
// Nothing for a row without annotations or without terms. DATA_LOSS if a
// candidate's stored state does not parse.
absl::Status AssignStory(StoryTables& tables, const v1::Document& document, int64_t document_seq,
                         DocumentRow& row);

// A remaining member of a story, for RebuildStory.
struct StoryMember {
  std::string document_id;
  v1::Annotations annotations;
  int64_t time_micros = 0;  // published_at, else ingested_at
};

// Recomputes the story `story_seq` (`story_id`) from `members` (not empty)
// in joining order, as AssignStory would have built it from them with the
// term frequencies now stored, and rewrites its row: what is left when a
// member is deleted or re-annotated (removal.h).
absl::Status RebuildStory(StoryTables& tables, int64_t story_seq, std::string_view story_id,
                          const std::vector<StoryMember>& members);

// The nlp inputs of a stored document: Annotations.terms as TermCounts and
// the StoryEvidence from tokens, sentences, entities, quotes and dates
// (code point offsets throughout); `time_micros` is the document time.
std::vector<nlp::TermCount> StoryTerms(const v1::Annotations& annotations);
nlp::StoryEvidence StoryEvidenceOf(const v1::Annotations& annotations, int64_t time_micros);

// "s" + the hex digits of a document id ("d" + 24 hex digits).
std::string StoryIdFor(std::string_view document_id);

std::string SerializeStoryState(const nlp::Story& story);
// DATA_LOSS naming `story_id` if `blob` does not parse.
absl::StatusOr<nlp::Story> ParseStoryState(std::string_view blob, std::string_view story_id);

// A validated ListStoriesRequest.
struct StoryListing {
  int64_t min_documents = 1;
  std::string entity_id;  // empty: every story
  int page_size = 0;
  int64_t offset = 0;
  std::string binding;
};
// INVALID_ARGUMENT for a negative min_documents, a page size outside
// [0, 1000] or a page token from other parameters.
absl::StatusOr<StoryListing> PrepareStoryListing(const v1::ListStoriesRequest& request);

// INVALID_ARGUMENT for an empty story_id.
absl::Status ValidateGetStory(const v1::GetStoryRequest& request);

// The columns ReadStory reads, from `stories` aliased `s`.
inline constexpr char kStoryColumns[] =
    "s.seq, s.story_id, s.document_count, s.first_seen_micros, s.last_seen_micros, s.summary";

// Reads kStoryColumns from `row` into `story` (label and main entities
// from the summary). DATA_LOSS if the summary does not parse.
template <typename Row>
absl::Status ReadStory(const Row& row, v1::Story& story) {
  if (!MergeBlob(row.Blob(5), story)) {
    return absl::DataLossError(
        absl::StrCat("stored summary of story '", std::string(row.Text(1)), "' does not parse"));
  }
  story.set_story_id(std::string(row.Text(1)));
  story.set_document_count(static_cast<int32_t>(row.Int64(2)));
  SetMicros(row.Int64(3), *story.mutable_first_seen());
  SetMicros(row.Int64(4), *story.mutable_last_seen());
  return absl::OkStatus();
}

// The columns ReadStoryDocument reads: d.id, d.title, d.published_at_seconds,
// d.published_at_nanos, d.ingested_at_micros, sd.similarity.
inline constexpr char kStoryDocumentColumns[] =
    "d.id, d.title, d.published_at_seconds, d.published_at_nanos, d.ingested_at_micros, "
    "sd.similarity";

template <typename Row>
void ReadStoryDocument(const Row& row, v1::StoryDocument& document) {
  document.set_document_id(std::string(row.Text(0)));
  document.set_title(std::string(row.Text(1)));
  if (!row.IsNull(2)) {
    document.mutable_published_at()->set_seconds(row.Int64(2));
    document.mutable_published_at()->set_nanos(static_cast<int32_t>(row.Int64(3)));
  }
  SetMicros(row.Int64(4), *document.mutable_ingested_at());
  document.set_similarity(row.Double(5));
}

}  // namespace korpus::store::internal

#endif  // KORPUS_LIBS_STORE_STORY_ROWS_H_
