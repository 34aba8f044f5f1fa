// Internal to libs/store: what every backend does with the extraction
// layers of a document on their way in (quotes, dates, terms, keywords) and
// with ListQuotes / GetTimeline requests on their way to SQL, so that the
// backends differ only in SQL.
//
// Both backends keep the same tables (added by the same schema version):
//   term_frequencies   one row per term key (v1::Term.key): document_count,
//                      the documents whose Annotations.terms hold it. The
//                      row with the empty key (kDocumentCountKey) counts the
//                      documents with terms. Put updates them and computes
//                      Annotations.keywords (nlp::ExtractKeywords, TF-IDF)
//                      against them in the same transaction, so a
//                      document's keywords are weighted against the corpus
//                      as it was when it was stored, itself included.
//   quotes             one row per Annotations.quotes entry: document_seq,
//                      quote_index, document_time (published_at, else
//                      ingested_at, in microseconds: the listing order),
//                      speaker_entity_id, kind, text (the quoted words, for
//                      the text filter's full-text index) and `record`, a
//                      serialized v1::QuoteRecord without its document
//                      fields (quote, text, speaker name and type, context),
//                      so that listing never parses the annotations.
//   timeline           one row per Annotations.dates entry: document_seq,
//                      date_index, resolved, start_day / end_day (days since
//                      1970-01-01, inclusive; NULL when unresolved),
//                      granularity and `record`, a serialized
//                      v1::TimelineEvent without its document fields.
//   timeline_entities  (entity_id, document_seq, date_index): the entities
//                      mentioned in the sentence of each date.
#ifndef KORPUS_LIBS_STORE_EXTRACTION_ROWS_H_
#define KORPUS_LIBS_STORE_EXTRACTION_ROWS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "korpus/v1/document.pb.h"
#include "korpus/v1/query.pb.h"
#include "libs/nlp/extract/keywords.h"

namespace korpus::store::internal {

// The term_frequencies key whose row counts the documents with terms.
inline constexpr char kDocumentCountKey[] = "";

inline constexpr int kDefaultQuotePageSize = 50;
inline constexpr int kDefaultTimelinePageSize = 100;
// Most words of ListQuotesRequest.text.
inline constexpr int kMaxQuoteTextWords = 16;

struct QuoteRow {
  int32_t index = 0;
  std::string speaker_entity_id;
  int32_t kind = 0;
  std::string text;
  std::string record;
};

struct DateRow {
  int32_t index = 0;
  bool resolved = false;
  int64_t start_day = 0;  // when resolved
  int64_t end_day = 0;
  int32_t granularity = 0;
  std::vector<std::string> entity_ids;  // distinct, sorted
  std::string record;
};

// The extraction rows of one document, ready to be written.
struct ExtractionRows {
  std::vector<QuoteRow> quotes;
  std::vector<DateRow> dates;
  // The distinct keys of Annotations.terms, sorted; empty keys are dropped.
  std::vector<std::string> term_keys;
  // published_at, else ingested_at, in microseconds.
  int64_t document_time_micros = 0;
};

// Validates the extraction layers of `annotations` (of `document`) and
// derives the rows. INVALID_ARGUMENT naming the entry
// ("Annotations.quotes[2].end is 1200, past the text's 900 code points")
// for offsets outside the text or begin > end, and unknown enum values.
absl::StatusOr<ExtractionRows> PrepareExtractions(const v1::Document& document,
                                                  int64_t ingested_at_micros);

// Document frequencies read from term_frequencies in the write
// transaction: the corpus size and the frequencies of one document's terms
// (keys not in the map have frequency 0).
class StoredDocumentFrequencies final : public nlp::DocumentFrequencies {
 public:
  StoredDocumentFrequencies(int64_t documents, absl::flat_hash_map<std::string, int64_t> frequency)
      : documents_(documents), frequency_(std::move(frequency)) {}
  int64_t DocumentCount() const override { return documents_; }
  int64_t Frequency(std::string_view key) const override;

 private:
  int64_t documents_;
  absl::flat_hash_map<std::string, int64_t> frequency_;
};

// Annotations.keywords from Annotations.terms weighted by `frequencies`
// (nlp::ExtractKeywords with its default options), as a serialized
// v1::Annotations holding only the keywords: appended to the serialized
// annotations it sets their keywords (protobuf merges repeated fields by
// concatenation). Empty when there are no terms.
std::string KeywordsBlob(const v1::Annotations& annotations,
                         const nlp::DocumentFrequencies& frequencies);

// A validated ListQuotesRequest.
struct QuoteListing {
  std::string speaker_entity_id;
  std::string document_id;
  // The words of `text`, each to be matched as a whole word (a phrase of
  // the full-text engine when the engine splits it further, as "KI-Chip").
  std::vector<std::string> words;
  bool include_terms = false;
  int page_size = 0;
  int64_t offset = 0;
  std::string binding;
};
absl::StatusOr<QuoteListing> PrepareQuoteListing(const v1::ListQuotesRequest& request);

// A validated GetTimelineRequest. Days are days since 1970-01-01.
struct TimelineListing {
  std::string entity_id;
  std::string document_id;
  std::optional<int64_t> from_day;
  std::optional<int64_t> to_day;
  // Only resolved dates: unless include_unresolved, and always with a date
  // bound (an unresolved date has no period to overlap it).
  bool resolved_only = true;
  int page_size = 0;
  int64_t offset = 0;
  std::string binding;
};
absl::StatusOr<TimelineListing> PrepareTimelineListing(const v1::GetTimelineRequest& request);

// The columns ReadQuote reads: d.id, d.title, d.published_at_seconds,
// d.published_at_nanos, q.quote_index, q.record.
inline constexpr char kQuoteColumns[] =
    "d.id, d.title, d.published_at_seconds, d.published_at_nanos, q.quote_index, q.record";
// The columns ReadTimelineEvent reads.
inline constexpr char kTimelineColumns[] = "d.id, d.title, t.date_index, t.record";

bool ParseRecord(std::string_view blob, google::protobuf::MessageLite& message);

// Reads kQuoteColumns from `row` (a backend's row cursor) into `record`.
// DATA_LOSS if the stored record does not parse.
template <typename Row>
absl::Status ReadQuote(const Row& row, v1::QuoteRecord& record) {
  if (!ParseRecord(row.Blob(5), record)) {
    return absl::DataLossError(absl::StrCat("stored quote ", row.Int64(4), " of document '",
                                            std::string(row.Text(0)), "' does not parse"));
  }
  record.set_document_id(std::string(row.Text(0)));
  record.set_document_title(std::string(row.Text(1)));
  if (!row.IsNull(2)) {
    record.mutable_published_at()->set_seconds(row.Int64(2));
    record.mutable_published_at()->set_nanos(static_cast<int32_t>(row.Int64(3)));
  }
  record.set_quote_index(static_cast<int32_t>(row.Int64(4)));
  return absl::OkStatus();
}

// Reads kTimelineColumns from `row` into `event`.
template <typename Row>
absl::Status ReadTimelineEvent(const Row& row, v1::TimelineEvent& event) {
  if (!ParseRecord(row.Blob(3), event)) {
    return absl::DataLossError(absl::StrCat("stored date ", row.Int64(2), " of document '",
                                            std::string(row.Text(0)), "' does not parse"));
  }
  event.set_document_id(std::string(row.Text(0)));
  event.set_document_title(std::string(row.Text(1)));
  event.set_date_index(static_cast<int32_t>(row.Int64(2)));
  return absl::OkStatus();
}

}  // namespace korpus::store::internal

#endif  // KORPUS_LIBS_STORE_EXTRACTION_ROWS_H_
