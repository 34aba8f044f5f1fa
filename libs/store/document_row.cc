#include "libs/store/document_row.h"

#include <utility>

#include <google/protobuf/io/coded_stream.h>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace korpus::store::internal {
namespace {

constexpr char kBasicColumns[] =
    "d.seq, d.id, d.title, d.language, d.content_hash, d.source_uri, "
    "d.published_at_seconds, d.published_at_nanos, d.ingested_at_micros, d.state, "
    "d.state_reason, d.char_count, d.sentence_count, d.token_count, d.metadata";
constexpr char kTextColumns[] = ", d.text, d.paragraphs";
constexpr char kFullColumns[] =
    ", (SELECT a.data FROM annotations a WHERE a.document_seq = d.seq)";

int64_t CodePointCount(std::string_view text) {
  int64_t count = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

int64_t Micros(const google::protobuf::Timestamp& timestamp) {
  return timestamp.seconds() * 1000000 + timestamp.nanos() / 1000;
}

}  // namespace

v1::Document WithAnnotations(v1::Document stored, const v1::Annotations& annotations) {
  *stored.mutable_annotations() = annotations;
  stored.set_state(v1::DOCUMENT_STATE_ANNOTATED);
  stored.clear_state_reason();
  stored.set_sentence_count(0);
  stored.set_token_count(0);
  return stored;
}

absl::Status ValidateStateFilter(v1::DocumentState state) {
  if (v1::DocumentState_IsValid(state)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("ListDocumentsRequest.state has unknown value ", static_cast<int>(state)));
}

std::string StateFilterBinding(v1::DocumentState state) {
  return state == v1::DOCUMENT_STATE_UNSPECIFIED ? ""
                                                  : absl::StrCat("\nstate=", static_cast<int>(state));
}

namespace {

absl::Status ValidateTimestamp(const google::protobuf::Timestamp& t, std::string_view field) {
  // The range of google.protobuf.Timestamp: 0001-01-01 to 9999-12-31.
  if (t.seconds() < -62135596800 || t.seconds() > 253402300799) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(field), ".seconds is out of range: ", t.seconds()));
  }
  if (t.nanos() < 0 || t.nanos() > 999999999) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(field), ".nanos is out of range: ", t.nanos()));
  }
  return absl::OkStatus();
}

}  // namespace

// For ListDocumentsRequest and SearchRequest, whose filter fields agree.
template <typename Request>
absl::StatusOr<ListFilters> ParseFilters(const Request& request, std::string_view message) {
  ListFilters filters;
  if (request.has_published_after()) {
    const google::protobuf::Timestamp& t = request.published_after();
    const std::string field = absl::StrCat(std::string(message), ".published_after");
    if (absl::Status s = ValidateTimestamp(t, field); !s.ok()) return s;
    filters.dated = true;
    filters.after_seconds = t.seconds();
    filters.after_nanos = t.nanos();
  }
  if (request.has_published_before()) {
    const google::protobuf::Timestamp& t = request.published_before();
    const std::string field = absl::StrCat(std::string(message), ".published_before");
    if (absl::Status s = ValidateTimestamp(t, field); !s.ok()) return s;
    filters.dated = true;
    filters.before_seconds = t.seconds();
    filters.before_nanos = t.nanos();
  }
  if (request.has_published_after() && request.has_published_before() &&
      std::make_pair(filters.after_seconds, filters.after_nanos) >
          std::make_pair(filters.before_seconds, filters.before_nanos)) {
    return absl::InvalidArgumentError(absl::StrCat(
        std::string(message), ".published_after is later than published_before"));
  }
  filters.source_prefix = request.source_prefix();
  for (int type : request.entity_types()) {
    if (type == v1::ENTITY_TYPE_UNSPECIFIED || !v1::EntityType_IsValid(type)) {
      return absl::InvalidArgumentError(absl::StrCat(
          std::string(message), ".entity_types has unknown or unspecified type ", type));
    }
    filters.entity_type_mask |= int64_t{1} << type;
  }
  filters.story_id = request.story_id();
  return filters;
}

absl::StatusOr<ListFilters> ParseListFilters(const v1::ListDocumentsRequest& request) {
  return ParseFilters(request, "ListDocumentsRequest");
}

absl::StatusOr<ListFilters> ParseListFilters(const v1::SearchRequest& request) {
  return ParseFilters(request, "SearchRequest");
}

std::string ListFiltersBinding(const ListFilters& filters) {
  std::string binding;
  if (filters.dated) {
    absl::StrAppend(&binding, "\npublished=", filters.after_seconds, ".", filters.after_nanos,
                    "..", filters.before_seconds, ".", filters.before_nanos);
  }
  if (!filters.source_prefix.empty()) {
    // Length-prefixed, so no prefix can imitate another binding line.
    absl::StrAppend(&binding, "\nsource_prefix=", filters.source_prefix.size(), ":",
                    filters.source_prefix);
  }
  if (filters.entity_type_mask != 0) {
    absl::StrAppend(&binding, "\nentity_types=", filters.entity_type_mask);
  }
  if (!filters.story_id.empty()) {
    absl::StrAppend(&binding, "\nstory_id=", filters.story_id.size(), ":", filters.story_id);
  }
  return binding;
}

absl::StatusOr<DocumentRow> PrepareRow(const v1::Document& document, WriteMode mode) {
  if (document.id().empty()) return absl::InvalidArgumentError("Document.id is empty");
  if (document.text().empty()) return absl::InvalidArgumentError("Document.text is empty");
  if (document.state() == v1::DOCUMENT_STATE_ANNOTATED && !document.has_annotations()) {
    return absl::InvalidArgumentError(
        "Document.state is DOCUMENT_STATE_ANNOTATED but Document.annotations is not set");
  }
  if (!v1::DocumentState_IsValid(document.state())) {
    return absl::InvalidArgumentError(absl::StrCat("Document.state has unknown value ",
                                                   static_cast<int>(document.state())));
  }

  DocumentRow row;
  v1::Document& basic = row.basic;
  basic.set_id(document.id());
  basic.set_title(document.title());
  basic.set_language(document.language());
  basic.set_content_hash(document.content_hash());
  basic.set_source_uri(document.source_uri());
  if (document.has_published_at()) *basic.mutable_published_at() = document.published_at();
  *basic.mutable_metadata() = document.metadata();
  basic.set_state(document.state() != v1::DOCUMENT_STATE_UNSPECIFIED ? document.state()
                  : document.has_annotations()                      ? v1::DOCUMENT_STATE_ANNOTATED
                                                                    : v1::DOCUMENT_STATE_PENDING);
  basic.set_state_reason(document.state_reason());
  basic.set_char_count(document.char_count() != 0
                           ? document.char_count()
                           : static_cast<int32_t>(CodePointCount(document.text())));
  basic.set_sentence_count(document.sentence_count() != 0
                               ? document.sentence_count()
                               : document.annotations().sentences_size());
  basic.set_token_count(document.token_count() != 0 ? document.token_count()
                                                    : document.annotations().tokens_size());
  // Microseconds, so that what Put returns equals what Get reads back.
  row.ingested_at_micros = mode == WriteMode::kImport && document.has_ingested_at()
                               ? Micros(document.ingested_at())
                               : absl::ToUnixMicros(absl::Now());
  SetMicros(row.ingested_at_micros, *basic.mutable_ingested_at());

  {
    v1::Document only_metadata;
    *only_metadata.mutable_metadata() = document.metadata();
    only_metadata.SerializeToString(&row.metadata_blob);
  }
  {
    // The text view's structure: paragraphs and the page furniture ingest
    // removed (kept so that nothing of the raw article is lost).
    v1::Document only_paragraphs;
    *only_paragraphs.mutable_paragraphs() = document.paragraphs();
    *only_paragraphs.mutable_removed() = document.removed();
    only_paragraphs.SerializeToString(&row.paragraphs_blob);
  }
  row.has_annotations = document.has_annotations();
  if (row.has_annotations) {
    absl::StatusOr<std::vector<EntityRow>> entities = PrepareEntities(document.annotations());
    if (!entities.ok()) return entities.status();
    row.entities = *std::move(entities);
    absl::StatusOr<ExtractionRows> extraction =
        PrepareExtractions(document, row.ingested_at_micros);
    if (!extraction.ok()) return extraction.status();
    row.extraction = *std::move(extraction);
    if (document.annotations().keywords().empty()) {
      document.annotations().SerializeToString(&row.annotations_blob);
    } else {
      // Keywords are the store's to compute (an import carries the old
      // store's): stored without them, recomputed by the backend.
      v1::Annotations annotations = document.annotations();
      annotations.clear_keywords();
      annotations.SerializeToString(&row.annotations_blob);
    }
  }
  return row;
}

v1::DocumentView OrDefault(v1::DocumentView view, v1::DocumentView default_view) {
  switch (view) {
    case v1::DOCUMENT_VIEW_BASIC:
    case v1::DOCUMENT_VIEW_TEXT:
    case v1::DOCUMENT_VIEW_FULL:
      return view;
    default:
      return default_view;
  }
}

absl::Status ValidateView(v1::DocumentView view, std::string_view field) {
  if (!v1::DocumentView_IsValid(view)) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(field), " has unknown value ", static_cast<int>(view)));
  }
  return absl::OkStatus();
}

std::string Columns(v1::DocumentView view) {
  switch (view) {
    case v1::DOCUMENT_VIEW_TEXT:
      return absl::StrCat(kBasicColumns, kTextColumns);
    case v1::DOCUMENT_VIEW_FULL:
      return absl::StrCat(kBasicColumns, kTextColumns, kFullColumns);
    default:
      return kBasicColumns;
  }
}

int ColumnCount(v1::DocumentView view) {
  switch (view) {
    case v1::DOCUMENT_VIEW_TEXT:
      return 17;
    case v1::DOCUMENT_VIEW_FULL:
      return 18;
    default:
      return 15;
  }
}

bool MergeBlob(std::string_view blob, google::protobuf::MessageLite& message) {
  google::protobuf::io::CodedInputStream input(reinterpret_cast<const uint8_t*>(blob.data()),
                                               static_cast<int>(blob.size()));
  return message.MergeFromCodedStream(&input) && input.ConsumedEntireMessage();
}

void SetMicros(int64_t micros, google::protobuf::Timestamp& timestamp) {
  // Floor division, so that times before 1970 keep nanos in [0, 1e9).
  int64_t seconds = micros / 1000000;
  int64_t rest = micros % 1000000;
  if (rest < 0) {
    rest += 1000000;
    --seconds;
  }
  timestamp.set_seconds(seconds);
  timestamp.set_nanos(static_cast<int32_t>(rest) * 1000);
}

}  // namespace korpus::store::internal
