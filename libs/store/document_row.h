// Internal to libs/store: what every backend does to a document on its way
// into and out of its database, so that the backends differ only in SQL.
//
// Both backends store the same columns, in this order (ReadDocument relies
// on it): 0 seq, 1 id, 2 title, 3 language, 4 content_hash, 5 source_uri,
// 6 published_at_seconds (NULL when unknown), 7 published_at_nanos,
// 8 ingested_at_micros, 9 state, 10 state_reason, 11 char_count,
// 12 sentence_count, 13 token_count, 14 metadata (blob), then for TEXT and
// FULL 15 text, 16 paragraphs (blob), then for FULL 17 annotations (blob,
// NULL when not annotated). `metadata` and `paragraphs` are serialized
// v1::Documents with only that field set, so that reading merges them
// straight into the result; `annotations` is a serialized v1::Annotations.
#ifndef KORPUS_LIBS_STORE_DOCUMENT_ROW_H_
#define KORPUS_LIBS_STORE_DOCUMENT_ROW_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <google/protobuf/message_lite.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "korpus/v1/document.pb.h"
#include "libs/store/entity_rows.h"
#include "libs/store/extraction_rows.h"
#include "libs/store/store.h"

namespace korpus::store::internal {

// A document ready to be written: validated, derived fields filled in.
struct DocumentRow {
  // What Put returns: the document in DOCUMENT_VIEW_BASIC as it is stored.
  v1::Document basic;
  int64_t ingested_at_micros = 0;
  std::string metadata_blob;
  std::string paragraphs_blob;
  // Empty when the document has no annotations. Without keywords: the
  // backend appends them (KeywordsBlob) once it knows the corpus.
  bool has_annotations = false;
  std::string annotations_blob;
  // Quotes, dates and term keys of the annotations (extraction_rows.h).
  ExtractionRows extraction;
  // The entities of the annotations, validated and merged by id.
  std::vector<EntityRow> entities;
};

// Validates `document` (INVALID_ARGUMENT naming the field, as Store::Put
// documents) and derives the stored fields: state, counts, entity rows and ingested_at
// (now for kPut; for kImport the document's own, truncated to microseconds,
// or now if unset).
absl::StatusOr<DocumentRow> PrepareRow(const v1::Document& document, WriteMode mode);

// What Store::Annotate writes for the stored document `stored` (read in
// DOCUMENT_VIEW_TEXT): `stored` with `annotations`, state ANNOTATED, no
// reason and the counts to be taken from the annotations; written with
// WriteMode::kImport so that it keeps its ingested_at.
v1::Document WithAnnotations(v1::Document stored, const v1::Annotations& annotations);

// INVALID_ARGUMENT ("ListDocumentsRequest.state ...") for an unknown state.
absl::Status ValidateStateFilter(v1::DocumentState state);
// What a state filter adds to a page token's binding ("" for none).
std::string StateFilterBinding(v1::DocumentState state);

// ListDocumentsRequest's published_after / published_before / source_prefix,
// checked. Unset bounds are the widest instants so that the SQL always
// compares (published_at_seconds, published_at_nanos) >= (after_seconds,
// after_nanos) and < (before_seconds, before_nanos) when `dated`.
struct ListFilters {
  bool dated = false;
  int64_t after_seconds = INT64_MIN;
  int64_t after_nanos = 0;
  int64_t before_seconds = INT64_MAX;
  int64_t before_nanos = 0;
  std::string source_prefix;
  // entity_types as a bit mask (bit t for EntityType t; 0: no filter), and
  // story_id ("" : no filter). Checked apart from the date and source
  // filters (Active), through the entities and story tables.
  int64_t entity_type_mask = 0;
  std::string story_id;
};
// INVALID_ARGUMENT naming the field for a malformed timestamp or
// published_after later than published_before.
absl::StatusOr<ListFilters> ParseListFilters(const v1::ListDocumentsRequest& request);
absl::StatusOr<ListFilters> ParseListFilters(const v1::SearchRequest& request);
// Whether any of the filters is set.
inline bool Active(const ListFilters& filters) {
  return filters.dated || !filters.source_prefix.empty();
}
// What the filters add to a page token's binding ("" for none).
std::string ListFiltersBinding(const ListFilters& filters);

// `view`, or `default_view` for DOCUMENT_VIEW_UNSPECIFIED.
v1::DocumentView OrDefault(v1::DocumentView view, v1::DocumentView default_view);

// INVALID_ARGUMENT naming `field` if `view` is not a known DocumentView.
absl::Status ValidateView(v1::DocumentView view, std::string_view field);

// The columns to select for `view`, in the order above, from `documents`
// aliased `d` (annotations by a subquery on the `annotations` table).
std::string Columns(v1::DocumentView view);
// How many columns Columns(view) has.
int ColumnCount(v1::DocumentView view);

// Merges the serialized message in `blob` into `message` (repeated and map
// fields append). False if it does not parse.
bool MergeBlob(std::string_view blob, google::protobuf::MessageLite& message);

void SetMicros(int64_t micros, google::protobuf::Timestamp& timestamp);

// Reads the columns of Columns(view) from `row` into `document`. Row is a
// backend's row cursor with IsNull(col), Int64(col), Text(col) and
// Blob(col). DATA_LOSS if a stored blob does not parse.
template <typename Row>
absl::Status ReadDocument(const Row& row, v1::DocumentView view, v1::Document& document) {
  document.set_id(std::string(row.Text(1)));
  document.set_title(std::string(row.Text(2)));
  document.set_language(std::string(row.Text(3)));
  document.set_content_hash(std::string(row.Text(4)));
  document.set_source_uri(std::string(row.Text(5)));
  if (!row.IsNull(6)) {
    document.mutable_published_at()->set_seconds(row.Int64(6));
    document.mutable_published_at()->set_nanos(static_cast<int32_t>(row.Int64(7)));
  }
  SetMicros(row.Int64(8), *document.mutable_ingested_at());
  document.set_state(static_cast<v1::DocumentState>(row.Int64(9)));
  document.set_state_reason(std::string(row.Text(10)));
  document.set_char_count(static_cast<int32_t>(row.Int64(11)));
  document.set_sentence_count(static_cast<int32_t>(row.Int64(12)));
  document.set_token_count(static_cast<int32_t>(row.Int64(13)));
  if (!MergeBlob(row.Blob(14), document)) {
    return absl::DataLossError(
        absl::StrCat("stored metadata of document '", document.id(), "' does not parse"));
  }
  if (view == v1::DOCUMENT_VIEW_TEXT || view == v1::DOCUMENT_VIEW_FULL) {
    document.set_text(std::string(row.Text(15)));
    if (!MergeBlob(row.Blob(16), document)) {
      return absl::DataLossError(
          absl::StrCat("stored paragraphs of document '", document.id(), "' does not parse"));
    }
  }
  if (view == v1::DOCUMENT_VIEW_FULL && !row.IsNull(17)) {
    if (!MergeBlob(row.Blob(17), *document.mutable_annotations())) {
      return absl::DataLossError(
          absl::StrCat("stored annotations of document '", document.id(), "' do not parse"));
    }
  }
  return absl::OkStatus();
}

}  // namespace korpus::store::internal

#endif  // KORPUS_LIBS_STORE_DOCUMENT_ROW_H_
