#include "libs/store/extraction_rows.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <utility>

#include <google/protobuf/io/coded_stream.h>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "libs/store/paging.h"

namespace korpus::store::internal {
namespace {

// Byte offsets of every code point of a text, and of its end.
class CodePoints {
 public:
  explicit CodePoints(std::string_view text) : text_(text) {
    offsets_.reserve(text.size() + 1);
    for (size_t i = 0; i < text.size(); ++i) {
      if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
        offsets_.push_back(static_cast<uint32_t>(i));
      }
    }
    offsets_.push_back(static_cast<uint32_t>(text.size()));
  }

  int32_t size() const { return static_cast<int32_t>(offsets_.size()) - 1; }

  // Code points [begin, end), which the caller has checked.
  std::string Slice(int32_t begin, int32_t end) const {
    return std::string(text_.substr(offsets_[begin], offsets_[end] - offsets_[begin]));
  }

 private:
  std::string_view text_;
  std::vector<uint32_t> offsets_;
};

absl::Status CheckSpan(const CodePoints& text, int32_t begin, int32_t end,
                       std::string_view entry) {
  if (begin < 0 || end < begin || end > text.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        std::string(entry), " spans [", begin, ", ", end, "), outside the text's ", text.size(),
        " code points"));
  }
  return absl::OkStatus();
}

int64_t DaysSinceEpoch(absl::CivilDay day) { return day - absl::CivilDay(1970, 1, 1); }

// The day of a full calendar date, or nullopt when it is not a real date.
std::optional<absl::CivilDay> DayOf(int32_t year, int32_t month, int32_t day) {
  if (month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
  const absl::CivilDay civil(year, month, day);
  if (civil.year() != year || civil.month() != month || civil.day() != day) return std::nullopt;
  return civil;
}

// Index of the sentence containing code point `offset` (the last one
// beginning at or before it), or -1.
int SentenceAt(const v1::Annotations& annotations, int32_t offset) {
  const auto& sentences = annotations.sentences();
  auto it = std::upper_bound(sentences.begin(), sentences.end(), offset,
                             [](int32_t value, const v1::Sentence& s) { return value < s.begin(); });
  if (it == sentences.begin()) return -1;
  return static_cast<int>(std::prev(it) - sentences.begin());
}

// The text of sentences [first, last], or of [begin, end) without sentences.
std::string Context(const v1::Annotations& annotations, const CodePoints& text, int32_t begin,
                    int32_t end) {
  const int first = SentenceAt(annotations, begin);
  const int last = SentenceAt(annotations, std::max(begin, end - 1));
  if (first < 0 || last < 0) return text.Slice(begin, end);
  const int32_t from = std::min(begin, annotations.sentences(first).begin());
  const int32_t to =
      std::min(text.size(), std::max(end, annotations.sentences(last).end()));
  return text.Slice(from, to);
}

}  // namespace

absl::StatusOr<ExtractionRows> PrepareExtractions(const v1::Document& document,
                                                  int64_t ingested_at_micros) {
  ExtractionRows rows;
  rows.document_time_micros =
      document.has_published_at()
          ? document.published_at().seconds() * 1000000 + document.published_at().nanos() / 1000
          : ingested_at_micros;
  const v1::Annotations& annotations = document.annotations();
  for (const v1::Term& term : annotations.terms()) {
    if (term.key().empty() || term.count() <= 0) continue;
    rows.term_keys.push_back(term.key());
  }
  std::sort(rows.term_keys.begin(), rows.term_keys.end());
  rows.term_keys.erase(std::unique(rows.term_keys.begin(), rows.term_keys.end()),
                       rows.term_keys.end());
  if (annotations.quotes().empty() && annotations.dates().empty()) return rows;

  const CodePoints text(document.text());
  // Entities by id (the speaker's name and type) and by sentence.
  absl::flat_hash_map<std::string, const v1::DocumentEntity*> entity_by_id;
  std::vector<std::vector<int>> sentence_entities(annotations.sentences_size());
  for (int e = 0; e < annotations.entities_size(); ++e) {
    const v1::DocumentEntity& entity = annotations.entities(e);
    entity_by_id.emplace(entity.entity_id(), &entity);
    for (const v1::EntityMention& mention : entity.mentions()) {
      const int sentence = SentenceAt(annotations, mention.begin());
      if (sentence < 0) continue;
      std::vector<int>& list = sentence_entities[sentence];
      if (list.empty() || list.back() != e) list.push_back(e);
    }
  }

  for (int i = 0; i < annotations.quotes_size(); ++i) {
    const v1::Quote& quote = annotations.quotes(i);
    const std::string entry = absl::StrCat("Annotations.quotes[", i, "]");
    if (absl::Status s = CheckSpan(text, quote.begin(), quote.end(), entry); !s.ok()) return s;
    if (absl::Status s = CheckSpan(text, quote.outer_begin(), quote.outer_end(),
                                   absl::StrCat(entry, ".outer"));
        !s.ok()) {
      return s;
    }
    if (absl::Status s = CheckSpan(text, quote.speaker_begin(), quote.speaker_end(),
                                   absl::StrCat(entry, ".speaker"));
        !s.ok()) {
      return s;
    }
    if (!v1::QuoteKind_IsValid(quote.kind())) {
      return absl::InvalidArgumentError(
          absl::StrCat(entry, ".kind has unknown value ", static_cast<int>(quote.kind())));
    }
    v1::QuoteRecord record;
    *record.mutable_quote() = quote;
    record.set_text(text.Slice(quote.begin(), quote.end()));
    if (auto it = entity_by_id.find(quote.speaker_entity_id());
        !quote.speaker_entity_id().empty() && it != entity_by_id.end()) {
      record.set_speaker_name(it->second->canonical_name());
      record.set_speaker_type(it->second->type());
    } else if (quote.speaker_end() > quote.speaker_begin()) {
      record.set_speaker_name(text.Slice(quote.speaker_begin(), quote.speaker_end()));
    }
    record.set_context(Context(annotations, text, quote.outer_begin(), quote.outer_end()));
    QuoteRow& row = rows.quotes.emplace_back();
    row.index = i;
    row.speaker_entity_id = quote.speaker_entity_id();
    row.kind = quote.kind();
    row.text = record.text();
    record.SerializeToString(&row.record);
  }

  for (int i = 0; i < annotations.dates_size(); ++i) {
    const v1::DateMention& date = annotations.dates(i);
    const std::string entry = absl::StrCat("Annotations.dates[", i, "]");
    if (absl::Status s = CheckSpan(text, date.begin(), date.end(), entry); !s.ok()) return s;
    if (!v1::DateGranularity_IsValid(date.granularity())) {
      return absl::InvalidArgumentError(absl::StrCat(entry, ".granularity has unknown value ",
                                                     static_cast<int>(date.granularity())));
    }
    DateRow& row = rows.dates.emplace_back();
    row.index = i;
    row.granularity = date.granularity();
    row.resolved = date.resolved();
    if (row.resolved) {
      const std::optional<absl::CivilDay> start =
          DayOf(date.start().year(), date.start().month(), date.start().day());
      const std::optional<absl::CivilDay> end =
          DayOf(date.end_date().year(), date.end_date().month(), date.end_date().day());
      if (!start || !end || *end < *start) {
        return absl::InvalidArgumentError(absl::StrCat(
            entry, " is resolved but start and end_date are not a period of calendar dates"));
      }
      row.start_day = DaysSinceEpoch(*start);
      row.end_day = DaysSinceEpoch(*end);
    }
    v1::TimelineEvent event;
    *event.mutable_date() = date;
    event.set_text(text.Slice(date.begin(), date.end()));
    // The sentence(s) the date stands in (a date the sentence splitter cut,
    // "3. Februar", spans two) and the entities mentioned there.
    event.set_sentence(Context(annotations, text, date.begin(), date.end()));
    const int first = SentenceAt(annotations, date.begin());
    const int last = SentenceAt(annotations, std::max(date.begin(), date.end() - 1));
    std::vector<int> entities;
    for (int sentence = std::max(first, 0); first >= 0 && sentence <= last; ++sentence) {
      entities.insert(entities.end(), sentence_entities[sentence].begin(),
                      sentence_entities[sentence].end());
    }
    std::sort(entities.begin(), entities.end());
    entities.erase(std::unique(entities.begin(), entities.end()), entities.end());
    for (int e : entities) {
      const v1::DocumentEntity& entity = annotations.entities(e);
      v1::StoryEntity* out = event.add_entities();
      out->set_entity_id(entity.entity_id());
      out->set_canonical_name(entity.canonical_name());
      out->set_type(entity.type());
      out->set_weight(entity.salience());
      row.entity_ids.push_back(entity.entity_id());
    }
    std::sort(row.entity_ids.begin(), row.entity_ids.end());
    row.entity_ids.erase(std::unique(row.entity_ids.begin(), row.entity_ids.end()),
                         row.entity_ids.end());
    event.SerializeToString(&row.record);
  }
  return rows;
}

int64_t StoredDocumentFrequencies::Frequency(std::string_view key) const {
  auto it = frequency_.find(std::string(key));
  return it == frequency_.end() ? 0 : it->second;
}

std::string KeywordsBlob(const v1::Annotations& annotations,
                         const nlp::DocumentFrequencies& frequencies) {
  if (annotations.terms().empty()) return "";
  std::vector<nlp::TermCount> terms;
  terms.reserve(annotations.terms_size());
  for (const v1::Term& term : annotations.terms()) {
    if (term.key().empty() || term.count() <= 0) continue;
    nlp::TermCount& out = terms.emplace_back();
    out.key = term.key();
    out.text = term.text();
    out.kind = static_cast<nlp::TermKind>(term.kind());
    out.count = term.count();
    out.in_title = term.in_title();
    out.begin = static_cast<uint32_t>(std::max(0, term.begin()));
    out.end = static_cast<uint32_t>(std::max(0, term.end()));
    out.entity_id = term.entity_id();
    out.salience = term.salience();
  }
  v1::Annotations only_keywords;
  for (const nlp::Keyword& keyword : nlp::ExtractKeywords(terms, frequencies)) {
    v1::Keyword* out = only_keywords.add_keywords();
    out->set_key(keyword.key);
    out->set_text(keyword.text);
    out->set_kind(static_cast<v1::TermKind>(keyword.kind));
    out->set_score(keyword.score);
    out->set_count(keyword.count);
    out->set_begin(static_cast<int32_t>(keyword.begin));
    out->set_end(static_cast<int32_t>(keyword.end));
    out->set_entity_id(keyword.entity_id);
  }
  return only_keywords.SerializeAsString();
}

absl::StatusOr<QuoteListing> PrepareQuoteListing(const v1::ListQuotesRequest& request) {
  QuoteListing listing;
  {
    absl::StatusOr<int> page_size = EffectivePageSize(
        request.page_size(), kDefaultQuotePageSize, "ListQuotesRequest.page_size");
    if (!page_size.ok()) return page_size.status();
    listing.page_size = *page_size;
  }
  if (request.text().size() > 1000) {
    return absl::InvalidArgumentError(absl::StrCat("ListQuotesRequest.text is ",
                                                   request.text().size(),
                                                   " bytes; the limit is 1000"));
  }
  for (absl::string_view word :
       absl::StrSplit(request.text(), absl::ByAnyChar(" \t\r\n"), absl::SkipEmpty())) {
    // Words without a letter or digit ("–", "…") match nothing in either
    // full-text engine; they are left out rather than failing the request.
    bool has_alnum = false;
    for (int32_t i = 0; i < static_cast<int32_t>(word.size()) && !has_alnum;) {
      UChar32 c;
      U8_NEXT(word.data(), i, static_cast<int32_t>(word.size()), c);
      has_alnum = c >= 0 && u_isalnum(c);
    }
    if (has_alnum) listing.words.emplace_back(word);
  }
  if (listing.words.size() > static_cast<size_t>(kMaxQuoteTextWords)) {
    return absl::InvalidArgumentError(absl::StrCat("ListQuotesRequest.text has ",
                                                   listing.words.size(),
                                                   " words; the limit is ", kMaxQuoteTextWords));
  }
  listing.speaker_entity_id = request.speaker_entity_id();
  listing.document_id = request.document_id();
  listing.include_terms = request.include_terms();
  listing.binding = BindingOf(absl::StrCat(
      "quotes\nspeaker=", listing.speaker_entity_id, "\ndocument=", listing.document_id,
      "\nwords=", absl::StrJoin(listing.words, "\x1f"), "\nterms=", listing.include_terms ? 1 : 0));
  if (!request.page_token().empty()) {
    absl::StatusOr<int64_t> offset =
        DecodePageToken(request.page_token(), listing.binding, "ListQuotesRequest.page_token");
    if (!offset.ok()) return offset.status();
    listing.offset = *offset;
  }
  return listing;
}

namespace {

// A bound of GetTimelineRequest: a zero year is open; a zero month or day
// is the first (for `from`) or last (for `to`) of the year or month.
absl::StatusOr<std::optional<int64_t>> Bound(const v1::CalendarDate& date, bool upper,
                                             std::string_view field) {
  if (date.year() == 0 && date.month() == 0 && date.day() == 0) return std::nullopt;
  if (date.year() == 0 || date.month() < 0 || date.month() > 12 || date.day() < 0 ||
      date.day() > 31 || (date.month() == 0 && date.day() != 0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        std::string(field), " is ", date.year(), "-", date.month(), "-", date.day(),
        ", not a date (year required; a zero month needs a zero day)"));
  }
  absl::CivilDay day;
  if (date.month() == 0) {
    day = upper ? absl::CivilDay(date.year(), 12, 31) : absl::CivilDay(date.year(), 1, 1);
  } else if (date.day() == 0) {
    day = upper ? absl::CivilDay(absl::CivilMonth(date.year(), date.month()) + 1) - 1
                : absl::CivilDay(date.year(), date.month(), 1);
  } else {
    const std::optional<absl::CivilDay> exact = DayOf(date.year(), date.month(), date.day());
    if (!exact) {
      return absl::InvalidArgumentError(absl::StrCat(std::string(field), " is ", date.year(),
                                                     "-", date.month(), "-", date.day(),
                                                     ", not a calendar date"));
    }
    day = *exact;
  }
  return DaysSinceEpoch(day);
}

}  // namespace

absl::StatusOr<TimelineListing> PrepareTimelineListing(const v1::GetTimelineRequest& request) {
  TimelineListing listing;
  {
    absl::StatusOr<int> page_size = EffectivePageSize(
        request.page_size(), kDefaultTimelinePageSize, "GetTimelineRequest.page_size");
    if (!page_size.ok()) return page_size.status();
    listing.page_size = *page_size;
  }
  {
    absl::StatusOr<std::optional<int64_t>> from =
        Bound(request.from(), /*upper=*/false, "GetTimelineRequest.from");
    if (!from.ok()) return from.status();
    listing.from_day = *from;
    absl::StatusOr<std::optional<int64_t>> to =
        Bound(request.to(), /*upper=*/true, "GetTimelineRequest.to");
    if (!to.ok()) return to.status();
    listing.to_day = *to;
  }
  if (listing.from_day && listing.to_day && *listing.from_day > *listing.to_day) {
    return absl::InvalidArgumentError(
        "GetTimelineRequest.from is after GetTimelineRequest.to");
  }
  listing.entity_id = request.entity_id();
  listing.document_id = request.document_id();
  listing.resolved_only = !request.include_unresolved() || listing.from_day || listing.to_day;
  listing.binding = BindingOf(absl::StrCat(
      "timeline\nentity=", listing.entity_id, "\ndocument=", listing.document_id,
      "\nfrom=", listing.from_day ? absl::StrCat(*listing.from_day) : "",
      "\nto=", listing.to_day ? absl::StrCat(*listing.to_day) : "",
      "\nresolved_only=", listing.resolved_only ? 1 : 0));
  if (!request.page_token().empty()) {
    absl::StatusOr<int64_t> offset =
        DecodePageToken(request.page_token(), listing.binding, "GetTimelineRequest.page_token");
    if (!offset.ok()) return offset.status();
    listing.offset = *offset;
  }
  return listing;
}

bool ParseRecord(std::string_view blob, google::protobuf::MessageLite& message) {
  google::protobuf::io::CodedInputStream input(reinterpret_cast<const uint8_t*>(blob.data()),
                                               static_cast<int>(blob.size()));
  return message.ParseFromCodedStream(&input) && input.ConsumedEntireMessage();
}

}  // namespace korpus::store::internal
