// The annotator's extraction layers over an in-process channel: quotes,
// amounts, dates, sentiment and terms mapped into Annotations, every offset
// a code point offset that maps back to the text.
#include "services/annotator/annotator_service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "libs/clients/annotator_client.h"
#include "libs/nlp/extract/extract.h"
#include "libs/nlp/pipeline.h"
#include "libs/server/server.h"
#include "services/annotator/annotation_builder.h"

namespace korpus {
namespace {

using ::testing::Contains;

// The code points [begin, end) of `text` as UTF-8.
std::string Slice(const std::string& text, int32_t begin, int32_t end) {
  std::string out;
  int32_t code_point = -1;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++code_point;
    if (code_point >= begin && code_point < end) out += text[i];
  }
  return out;
}

class AnnotatorServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<std::unique_ptr<nlp::Pipeline>> pipeline =
        nlp::Pipeline::Load({.model_dir = KORPUS_MODEL_DIR});
    ASSERT_TRUE(pipeline.ok()) << pipeline.status();
    pipeline_ = pipeline->release();
    absl::StatusOr<nlp::Extractor> extractor = nlp::Extractor::Load(KORPUS_MODEL_DIR);
    ASSERT_TRUE(extractor.ok()) << extractor.status();
    extractor_ = new nlp::Extractor(*std::move(extractor));
  }

  void SetUp() override {
    service_ = std::make_unique<AnnotatorServiceImpl>(*pipeline_, extractor_, AnnotatorConfig());
    ServerOptions options;
    options.service_name = "annotator";
    absl::StatusOr<std::unique_ptr<GrpcServer>> server = GrpcServer::Start(
        options, {{service_.get(), v1::AnnotatorService::service_full_name()}});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    client_ = std::make_unique<AnnotatorClient>(server_->InProcessChannel());
  }
  void TearDown() override {
    if (server_) server_->Shutdown(absl::ZeroDuration());
  }

  v1::Annotations Annotate(const v1::Document& document) {
    absl::StatusOr<v1::Annotations> annotations = client_->Annotate(document, CallOptions());
    EXPECT_TRUE(annotations.ok()) << annotations.status();
    return annotations.ok() ? *annotations : v1::Annotations();
  }

  static nlp::Pipeline* pipeline_;
  static nlp::Extractor* extractor_;
  std::unique_ptr<AnnotatorServiceImpl> service_;
  std::unique_ptr<GrpcServer> server_;
  std::unique_ptr<AnnotatorClient> client_;
};

nlp::Pipeline* AnnotatorServiceTest::pipeline_ = nullptr;
nlp::Extractor* AnnotatorServiceTest::extractor_ = nullptr;

// Umlauts and typographic quotation marks before every span, so that a byte
// offset passed through unconverted would cut the wrong characters.
constexpr char kText[] =
    "Müller über Förderung\n\n"
    "Jede Stimme zählt. Anna Schäfer sagte am Dienstag: „Wir können das nicht "
    "alleine schaffen.“ Die Stadt erhält rund 3,5 Millionen Euro für die Schulen. "
    "Die Kosten stiegen im Jahr 2023 um 12 Prozent. "
    "Der Umbau beginnt im März und endet Anfang dieser Woche nicht.";

TEST_F(AnnotatorServiceTest, QuotesAmountsAndDatesMapToCodePoints) {
  v1::Document document;
  document.set_id("d1");
  document.set_text(kText);
  document.mutable_published_at()->set_seconds(1738368000);  // 2025-02-01T00:00:00Z
  const v1::Annotations annotations = Annotate(document);
  const std::string text = kText;

  ASSERT_EQ(annotations.quotes_size(), 1);
  const v1::Quote& quote = annotations.quotes(0);
  EXPECT_EQ(quote.kind(), v1::QUOTE_KIND_DIRECT);
  EXPECT_EQ(Slice(text, quote.begin(), quote.end()), "Wir können das nicht alleine schaffen.");
  EXPECT_EQ(Slice(text, quote.outer_begin(), quote.outer_end()),
            "„Wir können das nicht alleine schaffen.“");
  EXPECT_EQ(Slice(text, quote.speaker_begin(), quote.speaker_end()), "Anna Schäfer");
  EXPECT_EQ(quote.speaker_resolution(), v1::SPEAKER_RESOLUTION_NAME);
  EXPECT_EQ(quote.cue_kind(), v1::QUOTE_CUE_KIND_VERB);
  EXPECT_EQ(quote.cue_lemma(), "sagen");
  EXPECT_EQ(Slice(text, quote.cue_begin(), quote.cue_end()), "sagte");
  EXPECT_FALSE(quote.has_parent());
  ASSERT_FALSE(quote.speaker_entity_id().empty());
  bool speaker_is_entity = false;
  for (const v1::DocumentEntity& entity : annotations.entities()) {
    if (entity.entity_id() == quote.speaker_entity_id()) speaker_is_entity = true;
  }
  EXPECT_TRUE(speaker_is_entity);

  ASSERT_EQ(annotations.amounts_size(), 2);
  EXPECT_EQ(Slice(text, annotations.amounts(0).begin(), annotations.amounts(0).end()),
            "rund 3,5 Millionen Euro");
  EXPECT_DOUBLE_EQ(annotations.amounts(0).value(), 3.5e6);
  EXPECT_EQ(annotations.amounts(0).unit(), v1::AMOUNT_UNIT_CURRENCY);
  EXPECT_EQ(annotations.amounts(0).currency(), "EUR");
  EXPECT_EQ(annotations.amounts(0).approximation(), v1::APPROXIMATION_ABOUT);
  EXPECT_FALSE(annotations.amounts(0).has_range_max());
  EXPECT_EQ(annotations.amounts(1).unit(), v1::AMOUNT_UNIT_PERCENT);
  EXPECT_TRUE(annotations.amounts(1).change());

  // "Dienstag" stays unresolved (which Tuesday?); the year is absolute;
  // "März" and "Anfang dieser Woche" resolve against published_at.
  std::vector<std::string> dates;
  for (const v1::DateMention& date : annotations.dates()) {
    dates.push_back(Slice(text, date.begin(), date.end()));
  }
  ASSERT_EQ(annotations.dates_size(), 4) << testing::PrintToString(dates);
  EXPECT_EQ(dates[0], "Dienstag");
  EXPECT_FALSE(annotations.dates(0).resolved());
  EXPECT_EQ(annotations.dates(0).weekday(), 2);
  EXPECT_FALSE(annotations.dates(0).has_start());
  EXPECT_EQ(dates[1], "Jahr 2023");
  EXPECT_EQ(annotations.dates(1).granularity(), v1::DATE_GRANULARITY_YEAR);
  EXPECT_EQ(annotations.dates(1).start().year(), 2023);
  EXPECT_EQ(annotations.dates(1).end_date().month(), 12);
  EXPECT_EQ(dates[2], "März");
  EXPECT_TRUE(annotations.dates(2).resolved());
  EXPECT_TRUE(annotations.dates(2).relative());
  EXPECT_EQ(annotations.dates(2).start().year(), 2025);
  EXPECT_EQ(annotations.dates(2).start().month(), 3);
  EXPECT_EQ(dates[3], "Anfang dieser Woche");
  EXPECT_EQ(annotations.dates(3).granularity(), v1::DATE_GRANULARITY_WEEK);
  EXPECT_EQ(annotations.dates(3).part(), v1::DATE_PART_EARLY);
  EXPECT_EQ(annotations.dates(3).start().day(), 27);  // Monday 2025-01-27

  // Keywords are storage's; terms are here, their spans in the text.
  EXPECT_EQ(annotations.keywords_size(), 0);
  ASSERT_GT(annotations.terms_size(), 0);
  std::vector<std::string> keys;
  for (const v1::Term& term : annotations.terms()) {
    keys.push_back(term.key());
    EXPECT_GT(term.count(), 0);
    EXPECT_LT(term.begin(), term.end());
    if (term.kind() == v1::TERM_KIND_LEMMA) {
      EXPECT_EQ(Slice(text, term.begin(), term.end()).substr(0, 3), term.text().substr(0, 3))
          << term.key();
    }
  }
  EXPECT_THAT(keys, Contains("förderung"));
}

TEST_F(AnnotatorServiceTest, SentimentPerDocumentSentenceAndEntity) {
  v1::Document document;
  document.set_id("d2");
  document.set_text(
      "Klaus Berger lobt den Plan\n\n"
      "Klaus Berger nannte den Plan hervorragend und sehr erfolgreich. "
      "Der Zug fährt um acht Uhr. "
      "Die Opposition kritisierte den katastrophalen Streit scharf.");
  const v1::Annotations annotations = Annotate(document);
  ASSERT_EQ(annotations.sentences_size(), 4);
  for (const v1::Sentence& sentence : annotations.sentences()) {
    EXPECT_TRUE(sentence.has_sentiment());
    EXPECT_GE(sentence.sentiment().magnitude(), 0);
  }
  EXPECT_EQ(annotations.sentences(1).sentiment().label(), v1::SENTIMENT_LABEL_POSITIVE);
  EXPECT_EQ(annotations.sentences(2).sentiment().label(), v1::SENTIMENT_LABEL_NEUTRAL);
  EXPECT_EQ(annotations.sentences(2).sentiment().polar_words(), 0);
  EXPECT_EQ(annotations.sentences(3).sentiment().label(), v1::SENTIMENT_LABEL_NEGATIVE);
  EXPECT_GT(annotations.sentiment().polar_words(), 2);
  double magnitude = 0;
  for (const v1::Sentence& sentence : annotations.sentences()) {
    magnitude += sentence.sentiment().magnitude();
  }
  EXPECT_NEAR(annotations.sentiment().magnitude(), magnitude, 1e-9);

  // Berger is mentioned only in positive sentences.
  const v1::DocumentEntity* berger = nullptr;
  for (const v1::DocumentEntity& entity : annotations.entities()) {
    if (entity.canonical_name() == "Klaus Berger") berger = &entity;
  }
  ASSERT_NE(berger, nullptr);
  EXPECT_GT(berger->sentiment().score(), 0.2);
  EXPECT_EQ(berger->sentiment().label(), v1::SENTIMENT_LABEL_POSITIVE);
}

TEST_F(AnnotatorServiceTest, RelativeDatesStayUnresolvedWithoutPublicationDate) {
  v1::Document document;
  document.set_id("d3");
  document.set_text("Die Messe beginnt im Juli. Gestern wurde gebaut.");
  const v1::Annotations annotations = Annotate(document);
  ASSERT_EQ(annotations.dates_size(), 2);
  for (const v1::DateMention& date : annotations.dates()) {
    EXPECT_TRUE(date.relative());
    EXPECT_FALSE(date.resolved());
    EXPECT_FALSE(date.has_start());
  }
  EXPECT_EQ(annotations.dates(0).stated().month(), 7);
}

TEST(ArticleDateTest, UtcDayOfPublication) {
  v1::Document document;
  EXPECT_FALSE(ArticleDate(document).has_value());
  document.mutable_published_at()->set_seconds(1738454399);  // 2025-02-01T23:59:59Z
  EXPECT_EQ(ArticleDate(document), absl::CivilDay(2025, 2, 1));
}

}  // namespace
}  // namespace korpus
