// The extraction part of the Store contract (ListQuotes, GetTimeline, term
// document frequencies and keywords written with the document), run
// against every backend like store_contract_test.cc. Annotations are made
// up here with code point offsets found in the text, so nothing depends on
// the extractors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/store/store.h"
#include "libs/store/transfer.h"
#include "tests/unit/store/store_backends.h"

namespace korpus::store {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kWeber[] = "e-weber";
constexpr char kStadtwerke[] = "e-stadtwerke";
constexpr char kHamburg[] = "e-hamburg";

int32_t CodePoints(std::string_view text) {
  int32_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// Builds a document whose annotations are spans of its text, found by
// substring (code point offsets).
class DocumentBuilder {
 public:
  DocumentBuilder(const std::string& id, const std::string& text) {
    document_.set_id(id);
    document_.set_title(text.substr(0, text.find('\n')));
    document_.set_text(text);
    document_.set_language("de");
    annotations().set_model_name("korpus-de");
    annotations().set_model_version("0.3.0");
    // Sentences: the title, then each run ending in ". ".
    size_t begin = 0;
    while (begin < text.size()) {
      size_t end = text.find_first_of(".\n", begin);
      end = end == std::string::npos ? text.size() : end + (text[end] == '.' ? 1 : 0);
      if (text.compare(end, 3, "“") == 0) end += 3;  // a closing mark stays with its sentence
      if (end > begin) {
        v1::Sentence* sentence = annotations().add_sentences();
        sentence->set_begin(CodePoints(text.substr(0, begin)));
        sentence->set_end(CodePoints(text.substr(0, end)));
      }
      begin = text.find_first_not_of(" \n", end);
      if (begin == std::string::npos) break;
    }
  }

  DocumentBuilder& Published(int64_t seconds) {
    document_.mutable_published_at()->set_seconds(seconds);
    return *this;
  }

  // The code point span of the first occurrence of `words`.
  std::pair<int32_t, int32_t> Span(const std::string& words) const {
    const size_t at = document_.text().find(words);
    EXPECT_NE(at, std::string::npos) << words;
    const int32_t begin = CodePoints(document_.text().substr(0, at));
    return {begin, begin + CodePoints(words)};
  }

  DocumentBuilder& Entity(const std::string& id, const std::string& name, v1::EntityType type,
                          const std::vector<std::string>& mentions) {
    v1::DocumentEntity* entity = annotations().add_entities();
    entity->set_entity_id(id);
    entity->set_canonical_name(name);
    entity->set_type(type);
    entity->set_salience(0.5);
    for (const std::string& words : mentions) {
      v1::EntityMention* mention = entity->add_mentions();
      const auto [begin, end] = Span(words);
      mention->set_begin(begin);
      mention->set_end(end);
      mention->set_text(words);
    }
    return *this;
  }

  // A quote of `words` (inside quotation marks one code point wide on each
  // side) by `speaker_words`, who is `speaker_id` if not empty.
  DocumentBuilder& Quote(const std::string& words, v1::QuoteKind kind,
                         const std::string& speaker_words = "",
                         const std::string& speaker_id = "") {
    v1::Quote* quote = annotations().add_quotes();
    const auto [begin, end] = Span(words);
    quote->set_begin(begin);
    quote->set_end(end);
    quote->set_outer_begin(begin - 1);
    quote->set_outer_end(end + 1);
    quote->set_kind(kind);
    if (!speaker_words.empty()) {
      const auto [speaker_begin, speaker_end] = Span(speaker_words);
      quote->set_speaker_begin(speaker_begin);
      quote->set_speaker_end(speaker_end);
      quote->set_speaker_resolution(v1::SPEAKER_RESOLUTION_NAME);
      quote->set_cue_kind(v1::QUOTE_CUE_KIND_VERB);
      quote->set_cue_lemma("sagen");
    }
    quote->set_speaker_entity_id(speaker_id);
    return *this;
  }

  // A date mention of `words`; resolved when `start` is given.
  DocumentBuilder& Date(const std::string& words, v1::DateGranularity granularity,
                        std::vector<int> start = {}, std::vector<int> end = {}) {
    v1::DateMention* date = annotations().add_dates();
    const auto [span_begin, span_end] = Span(words);
    date->set_begin(span_begin);
    date->set_end(span_end);
    date->set_granularity(granularity);
    if (!start.empty()) {
      date->set_resolved(true);
      date->mutable_start()->set_year(start[0]);
      date->mutable_start()->set_month(start[1]);
      date->mutable_start()->set_day(start[2]);
      date->mutable_end_date()->set_year(end[0]);
      date->mutable_end_date()->set_month(end[1]);
      date->mutable_end_date()->set_day(end[2]);
    } else {
      date->set_relative(true);
    }
    return *this;
  }

  DocumentBuilder& Term(const std::string& key, v1::TermKind kind, int count) {
    v1::Term* term = annotations().add_terms();
    term->set_key(key);
    term->set_text(key);
    term->set_kind(kind);
    term->set_count(count);
    term->set_begin(0);
    term->set_end(1);
    return *this;
  }

  v1::Annotations& annotations() { return *document_.mutable_annotations(); }
  const v1::Document& document() const { return document_; }

 private:
  v1::Document document_;
};

constexpr int64_t kJanuary2025 = 1736000000;  // 2025-01-04
constexpr int64_t kMarch2025 = 1741000000;    // 2025-03-03

class ExtractionContractTest : public ::testing::TestWithParam<BackendFactory> {
 protected:
  void SetUp() override {
    backend_ = GetParam().make();
    const absl::Status prepared = backend_->Prepare();
    ASSERT_TRUE(prepared.ok()) << prepared;
    absl::StatusOr<std::unique_ptr<Store>> store = OpenStore(backend_->Spec());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }
  void TearDown() override {
    store_.reset();
    if (backend_ != nullptr) backend_->CleanUp();
  }

  void PutOrDie(const v1::Document& document) {
    absl::StatusOr<PutResult> result = store_->Put(document);
    ASSERT_TRUE(result.ok()) << result.status();
    ASSERT_TRUE(result->created);
  }

  // Three articles: "rat" (January), "netz" (March, the newest), "ohne"
  // (no publication date: its ingestion time, now, counts, so it is the
  // newest of all).
  void PutCorpus() {
    PutOrDie(DocumentBuilder("rat",
                             "Rat über Straßenbahn\n\n"
                             "Die Bürgermeisterin Eva Weber sagte: „Die Straßenbahn kommt.“ "
                             "Die Planung läuft seit dem 3. Februar 2024. "
                             "Die Stadtwerke nennen das „Jahrhundertprojekt“.")
                 .Published(kJanuary2025)
                 .Entity(kWeber, "Eva Weber", v1::ENTITY_TYPE_PERSON, {"Eva Weber"})
                 .Entity(kStadtwerke, "Stadtwerke", v1::ENTITY_TYPE_ORGANIZATION,
                         {"Stadtwerke"})
                 .Quote("Die Straßenbahn kommt.", v1::QUOTE_KIND_DIRECT, "Eva Weber", kWeber)
                 .Quote("Jahrhundertprojekt", v1::QUOTE_KIND_TERM)
                 .Date("3. Februar 2024", v1::DATE_GRANULARITY_DAY, {2024, 2, 3}, {2024, 2, 3})
                 .document());
    PutOrDie(DocumentBuilder("netz",
                             "Netz in Hamburg\n\n"
                             "„Wir bauen das Netz bis 2026 aus“, sagte Eva Weber in Hamburg. "
                             "Ein Sprecher der Stadtwerke sagte: „Die KI-Steuerung hilft.“ "
                             "Im Jahr 2023 begann der Umbau. Am Freitag war Hamburg still.")
                 .Published(kMarch2025)
                 .Entity(kWeber, "Eva Weber", v1::ENTITY_TYPE_PERSON, {"Eva Weber"})
                 .Entity(kHamburg, "Hamburg", v1::ENTITY_TYPE_LOCATION,
                         {"Hamburg", "Hamburg still"})
                 .Entity(kStadtwerke, "Stadtwerke", v1::ENTITY_TYPE_ORGANIZATION,
                         {"Stadtwerke"})
                 .Quote("Wir bauen das Netz bis 2026 aus", v1::QUOTE_KIND_DIRECT, "Eva Weber",
                        kWeber)
                 .Quote("Die KI-Steuerung hilft.", v1::QUOTE_KIND_DIRECT,
                        "Ein Sprecher der Stadtwerke", kStadtwerke)
                 .Date("Jahr 2023", v1::DATE_GRANULARITY_YEAR, {2023, 1, 1}, {2023, 12, 31})
                 .Date("Freitag", v1::DATE_GRANULARITY_DAY)
                 .document());
    PutOrDie(DocumentBuilder("ohne",
                             "Ohne Datum\n\n"
                             "Ein Anwohner sagte: „Das Netz ist zu laut.“ "
                             "Im Februar 2024 wurde gemessen.")
                 .Quote("Das Netz ist zu laut.", v1::QUOTE_KIND_DIRECT, "Ein Anwohner")
                 .Date("Februar 2024", v1::DATE_GRANULARITY_MONTH, {2024, 2, 1}, {2024, 2, 29})
                 .document());
  }

  v1::ListQuotesResponse ListQuotes(const v1::ListQuotesRequest& request) {
    absl::StatusOr<v1::ListQuotesResponse> response = store_->ListQuotes(request);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? *response : v1::ListQuotesResponse();
  }

  std::vector<std::string> QuoteTexts(const v1::ListQuotesRequest& request) {
    std::vector<std::string> texts;
    const v1::ListQuotesResponse response = ListQuotes(request);
    for (const v1::QuoteRecord& quote : response.quotes()) {
      texts.push_back(quote.text());
    }
    return texts;
  }

  v1::GetTimelineResponse Timeline(const v1::GetTimelineRequest& request) {
    absl::StatusOr<v1::GetTimelineResponse> response = store_->GetTimeline(request);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? *response : v1::GetTimelineResponse();
  }

  std::vector<std::string> EventTexts(const v1::GetTimelineRequest& request) {
    std::vector<std::string> texts;
    const v1::GetTimelineResponse response = Timeline(request);
    for (const v1::TimelineEvent& event : response.events()) {
      texts.push_back(event.text());
    }
    return texts;
  }

  std::unique_ptr<StoreBackend> backend_;
  std::unique_ptr<Store> store_;
};

TEST_P(ExtractionContractTest, ListQuotesNewestDocumentFirstThenTextOrder) {
  PutCorpus();
  const v1::ListQuotesResponse all = ListQuotes({});
  EXPECT_EQ(all.total_size(), 4);
  std::vector<std::string> texts;
  for (const v1::QuoteRecord& quote : all.quotes()) texts.push_back(quote.text());
  EXPECT_THAT(texts, ElementsAre("Das Netz ist zu laut.", "Wir bauen das Netz bis 2026 aus",
                                 "Die KI-Steuerung hilft.", "Die Straßenbahn kommt."));
  EXPECT_TRUE(all.next_page_token().empty());

  const v1::QuoteRecord& weber = all.quotes(3);
  EXPECT_EQ(weber.document_id(), "rat");
  EXPECT_EQ(weber.document_title(), "Rat über Straßenbahn");
  EXPECT_EQ(weber.published_at().seconds(), kJanuary2025);
  EXPECT_EQ(weber.quote_index(), 0);
  EXPECT_EQ(weber.speaker_name(), "Eva Weber");
  EXPECT_EQ(weber.speaker_type(), v1::ENTITY_TYPE_PERSON);
  EXPECT_EQ(weber.quote().speaker_entity_id(), kWeber);
  EXPECT_EQ(weber.quote().cue_lemma(), "sagen");
  EXPECT_EQ(weber.context(), "Die Bürgermeisterin Eva Weber sagte: „Die Straßenbahn kommt.“");
  // No entity: the words naming the speaker.
  EXPECT_EQ(all.quotes(0).speaker_name(), "Ein Anwohner");
  EXPECT_EQ(all.quotes(0).speaker_type(), v1::ENTITY_TYPE_UNSPECIFIED);
  EXPECT_FALSE(all.quotes(0).has_published_at());
}

TEST_P(ExtractionContractTest, ListQuotesFilters) {
  PutCorpus();
  v1::ListQuotesRequest request;
  request.set_speaker_entity_id(kWeber);
  EXPECT_THAT(QuoteTexts(request),
              ElementsAre("Wir bauen das Netz bis 2026 aus", "Die Straßenbahn kommt."));
  request.set_document_id("rat");
  EXPECT_THAT(QuoteTexts(request), ElementsAre("Die Straßenbahn kommt."));
  request.set_document_id("unbekannt");
  EXPECT_THAT(QuoteTexts(request), IsEmpty());
  EXPECT_EQ(ListQuotes(request).total_size(), 0);

  v1::ListQuotesRequest terms;
  terms.set_document_id("rat");
  terms.set_include_terms(true);
  const v1::ListQuotesResponse with_terms = ListQuotes(terms);
  ASSERT_EQ(with_terms.quotes_size(), 2);
  EXPECT_EQ(with_terms.quotes(1).text(), "Jahrhundertprojekt");
  EXPECT_EQ(with_terms.quotes(1).quote().kind(), v1::QUOTE_KIND_TERM);
  EXPECT_EQ(with_terms.quotes(1).speaker_name(), "");
}

TEST_P(ExtractionContractTest, ListQuotesByTextMatchesEveryWholeWord) {
  PutCorpus();
  v1::ListQuotesRequest request;
  request.set_text("netz");
  EXPECT_THAT(QuoteTexts(request),
              ElementsAre("Das Netz ist zu laut.", "Wir bauen das Netz bis 2026 aus"));
  request.set_text("Netz  LAUT");
  EXPECT_THAT(QuoteTexts(request), ElementsAre("Das Netz ist zu laut."));
  request.set_text("Net");  // whole words only
  EXPECT_THAT(QuoteTexts(request), IsEmpty());
  request.set_text("straßenbahn");
  EXPECT_THAT(QuoteTexts(request), ElementsAre("Die Straßenbahn kommt."));
  request.set_text("KI-Steuerung");
  EXPECT_THAT(QuoteTexts(request), ElementsAre("Die KI-Steuerung hilft."));
  request.set_text("\"netz OR laut* –");  // no operators; words without letters are ignored
  EXPECT_THAT(QuoteTexts(request), IsEmpty());
  request.set_text("– netz");
  EXPECT_EQ(ListQuotes(request).total_size(), 2);
  // Terms are searched only with include_terms.
  request.set_text("Jahrhundertprojekt");
  EXPECT_THAT(QuoteTexts(request), IsEmpty());
  request.set_include_terms(true);
  EXPECT_THAT(QuoteTexts(request), ElementsAre("Jahrhundertprojekt"));
}

TEST_P(ExtractionContractTest, ListQuotesPagesAreCompleteAndBoundToTheFilters) {
  PutCorpus();
  v1::ListQuotesRequest request;
  request.set_include_terms(true);
  request.set_page_size(2);
  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    request.set_page_token(token);
    const v1::ListQuotesResponse page = ListQuotes(request);
    EXPECT_EQ(page.total_size(), 5);
    for (const v1::QuoteRecord& quote : page.quotes()) seen.push_back(quote.text());
    token = page.next_page_token();
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_THAT(seen, ElementsAre("Das Netz ist zu laut.", "Wir bauen das Netz bis 2026 aus",
                                "Die KI-Steuerung hilft.", "Die Straßenbahn kommt.",
                                "Jahrhundertprojekt"));

  request.set_page_token("");
  const std::string first_token = ListQuotes(request).next_page_token();
  ASSERT_FALSE(first_token.empty());
  v1::ListQuotesRequest other = request;
  other.set_page_token(first_token);
  other.set_speaker_entity_id(kWeber);
  absl::StatusOr<v1::ListQuotesResponse> rejected = store_->ListQuotes(other);
  EXPECT_EQ(rejected.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(rejected.status().message(), HasSubstr("ListQuotesRequest.page_token"));
  other = request;
  other.set_page_token(first_token);
  other.set_include_terms(false);
  EXPECT_EQ(store_->ListQuotes(other).status().code(), absl::StatusCode::kInvalidArgument);
  other.set_page_token("garbage");
  EXPECT_EQ(store_->ListQuotes(other).status().code(), absl::StatusCode::kInvalidArgument);

  v1::ListQuotesRequest bad;
  bad.set_page_size(1001);
  absl::StatusOr<v1::ListQuotesResponse> too_big = store_->ListQuotes(bad);
  EXPECT_EQ(too_big.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(too_big.status().message(), HasSubstr("ListQuotesRequest.page_size"));
  bad.set_page_size(0);
  bad.set_text("a b c d e f g h i j k l m n o p q");  // 17 words
  absl::StatusOr<v1::ListQuotesResponse> many_words = store_->ListQuotes(bad);
  EXPECT_EQ(many_words.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(many_words.status().message(), HasSubstr("ListQuotesRequest.text"));
}

TEST_P(ExtractionContractTest, PutRejectsQuotesAndDatesOutsideTheTextAndWritesNothing) {
  DocumentBuilder builder("kaputt", "Kaputt\n\nEr sagte: „Ja.“");
  builder.Quote("Ja.", v1::QUOTE_KIND_DIRECT);
  builder.annotations().mutable_quotes(0)->set_end(500);
  absl::StatusOr<PutResult> put = store_->Put(builder.document());
  EXPECT_EQ(put.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(put.status().message(), HasSubstr("Annotations.quotes[0]"));

  DocumentBuilder dates("kaputt", "Kaputt\n\nAm 30. Februar 2024.");
  dates.Date("30. Februar 2024", v1::DATE_GRANULARITY_DAY, {2024, 2, 30}, {2024, 2, 30});
  put = store_->Put(dates.document());
  EXPECT_EQ(put.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(put.status().message(), HasSubstr("Annotations.dates[0]"));

  EXPECT_EQ(store_->Get("kaputt").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ListQuotes({}).total_size(), 0);
  EXPECT_EQ(Timeline({}).total_size(), 0);
}

TEST_P(ExtractionContractTest, TimelineOrdersByPeriodAndPutsUnresolvedLast) {
  PutCorpus();
  const v1::GetTimelineResponse all = Timeline({});
  EXPECT_EQ(all.total_size(), 3);
  std::vector<std::string> texts;
  for (const v1::TimelineEvent& event : all.events()) texts.push_back(event.text());
  EXPECT_THAT(texts, ElementsAre("Jahr 2023", "Februar 2024", "3. Februar 2024"));
  const v1::TimelineEvent& year = all.events(0);
  EXPECT_EQ(year.document_id(), "netz");
  EXPECT_EQ(year.document_title(), "Netz in Hamburg");
  EXPECT_EQ(year.date_index(), 0);
  EXPECT_EQ(year.date().granularity(), v1::DATE_GRANULARITY_YEAR);
  EXPECT_EQ(year.sentence(), "Im Jahr 2023 begann der Umbau.");
  EXPECT_THAT(year.entities(), IsEmpty());
  const v1::TimelineEvent& day = all.events(2);
  EXPECT_EQ(day.sentence(), "Die Planung läuft seit dem 3. Februar 2024.");

  v1::GetTimelineRequest unresolved;
  unresolved.set_include_unresolved(true);
  const v1::GetTimelineResponse with_unresolved = Timeline(unresolved);
  EXPECT_EQ(with_unresolved.total_size(), 4);
  ASSERT_EQ(with_unresolved.events_size(), 4);
  const v1::TimelineEvent& friday = with_unresolved.events(3);
  EXPECT_EQ(friday.text(), "Freitag");
  EXPECT_FALSE(friday.date().resolved());
  ASSERT_EQ(friday.entities_size(), 1);
  EXPECT_EQ(friday.entities(0).entity_id(), kHamburg);
  EXPECT_EQ(friday.entities(0).canonical_name(), "Hamburg");
  EXPECT_EQ(friday.entities(0).type(), v1::ENTITY_TYPE_LOCATION);
}

TEST_P(ExtractionContractTest, TimelineFilters) {
  PutCorpus();
  v1::GetTimelineRequest request;
  // Overlap with February 2024 (zero day: the whole month).
  request.mutable_from()->set_year(2024);
  request.mutable_from()->set_month(2);
  request.mutable_to()->set_year(2024);
  request.mutable_to()->set_month(2);
  EXPECT_THAT(EventTexts(request), ElementsAre("Februar 2024", "3. Februar 2024"));
  // From 2024-02-04: the month still overlaps, the 3rd does not.
  request.mutable_from()->set_day(4);
  EXPECT_THAT(EventTexts(request), ElementsAre("Februar 2024"));
  // Open end; unresolved dates never overlap a bound.
  request.clear_to();
  request.set_include_unresolved(true);
  EXPECT_THAT(EventTexts(request), ElementsAre("Februar 2024"));
  // Up to the end of 2023 (zero month: the whole year).
  v1::GetTimelineRequest until;
  until.mutable_to()->set_year(2023);
  EXPECT_THAT(EventTexts(until), ElementsAre("Jahr 2023"));

  v1::GetTimelineRequest document;
  document.set_document_id("netz");
  document.set_include_unresolved(true);
  EXPECT_THAT(EventTexts(document), ElementsAre("Jahr 2023", "Freitag"));
  v1::GetTimelineRequest entity;
  entity.set_entity_id(kHamburg);
  entity.set_include_unresolved(true);
  EXPECT_THAT(EventTexts(entity), ElementsAre("Freitag"));
  entity.set_entity_id(kWeber);
  EXPECT_THAT(EventTexts(entity), IsEmpty());
}

TEST_P(ExtractionContractTest, TimelineRejectsBadBoundsAndForeignTokens) {
  PutCorpus();
  v1::GetTimelineRequest request;
  request.mutable_from()->set_year(2024);
  request.mutable_from()->set_month(2);
  request.mutable_from()->set_day(30);
  absl::StatusOr<v1::GetTimelineResponse> response = store_->GetTimeline(request);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(response.status().message(), HasSubstr("GetTimelineRequest.from"));
  request.clear_from();
  request.mutable_to()->set_month(13);
  request.mutable_to()->set_year(2024);
  response = store_->GetTimeline(request);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(response.status().message(), HasSubstr("GetTimelineRequest.to"));
  request.mutable_to()->set_month(1);
  request.mutable_from()->set_year(2025);
  response = store_->GetTimeline(request);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(response.status().message(), HasSubstr("after"));

  v1::GetTimelineRequest paged;
  paged.set_page_size(2);
  const v1::GetTimelineResponse first = Timeline(paged);
  ASSERT_EQ(first.events_size(), 2);
  ASSERT_FALSE(first.next_page_token().empty());
  paged.set_page_token(first.next_page_token());
  const v1::GetTimelineResponse second = Timeline(paged);
  ASSERT_EQ(second.events_size(), 1);
  EXPECT_EQ(second.events(0).text(), "3. Februar 2024");
  EXPECT_TRUE(second.next_page_token().empty());
  paged.set_include_unresolved(true);
  EXPECT_EQ(store_->GetTimeline(paged).status().code(), absl::StatusCode::kInvalidArgument);
}

std::vector<std::string> KeywordKeys(const v1::Document& document) {
  std::vector<std::string> keys;
  for (const v1::Keyword& keyword : document.annotations().keywords()) {
    keys.push_back(keyword.key());
  }
  return keys;
}

TEST_P(ExtractionContractTest, KeywordsAreWeightedByTheStoredDocumentFrequencies) {
  // "haushalt" is in every document, "tram" and "brücke" in one each.
  PutOrDie(DocumentBuilder("a", "Haushalt\n\nDer Haushalt.")
               .Term("haushalt", v1::TERM_KIND_LEMMA, 2)
               .Term("brücke", v1::TERM_KIND_LEMMA, 2)
               .document());
  DocumentBuilder second("b", "Tram\n\nDie Tram und der Haushalt.");
  second.Term("haushalt", v1::TERM_KIND_LEMMA, 2).Term("tram", v1::TERM_KIND_LEMMA, 2);
  // Keywords sent along are replaced.
  v1::Keyword* stale = second.annotations().add_keywords();
  stale->set_key("veraltet");
  PutOrDie(second.document());
  PutOrDie(DocumentBuilder("c", "Haushalt\n\nNur Haushalt.")
               .Term("haushalt", v1::TERM_KIND_LEMMA, 1)
               .document());

  // When "a" was stored it was the whole corpus: equal weights, first
  // occurrence first.
  absl::StatusOr<v1::Document> a = store_->Get("a");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_THAT(KeywordKeys(*a), ElementsAre("haushalt", "brücke"));
  EXPECT_DOUBLE_EQ(a->annotations().keywords(0).score(), a->annotations().keywords(1).score());
  // For "b", "haushalt" was in 2 of 2 documents, "tram" in 1.
  absl::StatusOr<v1::Document> b = store_->Get("b");
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_THAT(KeywordKeys(*b), ElementsAre("tram", "haushalt"));
  EXPECT_GT(b->annotations().keywords(0).score(), b->annotations().keywords(1).score());
  EXPECT_EQ(b->annotations().keywords(0).count(), 2);
  EXPECT_EQ(b->annotations().keywords(0).kind(), v1::TERM_KIND_LEMMA);

  // An imported copy gets its keywords from the target's corpus, once.
  std::vector<v1::Document> exported;
  ASSERT_TRUE(ExportDocuments(*store_, [&](const v1::Document& document) {
                exported.push_back(document);
                return true;
              }).ok());
  std::unique_ptr<StoreBackend> backend = GetParam().make();
  ASSERT_TRUE(backend->Prepare().ok());
  absl::StatusOr<std::unique_ptr<Store>> target = OpenStore(backend->Spec());
  ASSERT_TRUE(target.ok()) << target.status();
  for (const v1::Document& document : exported) ASSERT_TRUE((*target)->Import(document).ok());
  absl::StatusOr<v1::Document> copied = (*target)->Get("b");
  ASSERT_TRUE(copied.ok()) << copied.status();
  EXPECT_THAT(KeywordKeys(*copied), ElementsAre("tram", "haushalt"));
  target->reset();
  backend->CleanUp();
}

INSTANTIATE_TEST_SUITE_P(Backends, ExtractionContractTest, ::testing::ValuesIn(AllBackends()),
                         [](const ::testing::TestParamInfo<BackendFactory>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace korpus::store
