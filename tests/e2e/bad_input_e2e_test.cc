// End to end: the bad-input table of docs/RELIABILITY.md through the real
// binaries. Every refused input gets its status code and a message naming
// the problem, and leaves nothing stored. One cluster serves the whole
// binary (ctest runs it as one test); no test here stores a document except
// where it says so, and those count what they add.
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "libs/clients/corpus_client.h"
#include "tests/testing/korpus_cluster.h"

namespace korpus {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

// Long enough (well over 200 bytes of letters) for language identification
// to be sure; written for this test.
constexpr char kEnglish[] =
    "Tram line to be extended\n"
    "The city council decided on Wednesday, after a long debate, to extend the tram line to "
    "the new housing estate in the north. Construction is due to start next spring and will "
    "take about two years. Residents had campaigned for years for a better connection to the "
    "city centre, and local shops hope for more customers.";
constexpr char kFrench[] =
    "Le tramway sera prolongé\n"
    "Le conseil municipal a décidé mercredi, après un long débat, de prolonger la ligne de "
    "tramway jusqu'au nouveau quartier résidentiel du nord. Les travaux doivent commencer au "
    "printemps prochain et durer environ deux ans. Les habitants réclamaient depuis des années "
    "une meilleure liaison avec le centre-ville.";
// German news full of English names and terms, with an English quote.
constexpr char kGermanWithEnglish[] =
    "Chipkonzern zeigt neue AI-Server\n"
    "Auf seiner Hausmesse hat der Chipkonzern am Dienstag neue Server für Rechenzentren "
    "vorgestellt. Die Cloud-Anbieter wollen die Systeme für das Training von Large Language "
    "Models einsetzen. \"Demand is simply incredible\", sagte der Firmenchef vor Tausenden "
    "Zuhörern. Analysten blieben dennoch skeptisch, die Aktie gab nachbörslich leicht nach.";
constexpr char kGermanParagraph[] =
    "Die Stadtverwaltung hat am Donnerstag angekündigt, die Öffnungszeiten der Bibliotheken im "
    "kommenden Jahr zu verlängern. Leserinnen und Leser können dann auch sonntags ausleihen.";

class BadInputEndToEndTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    work_dir_ = new testing::TempDir();
    absl::StatusOr<std::unique_ptr<testing::KorpusCluster>> cluster =
        testing::KorpusCluster::Start({.work_dir = work_dir_->path()});
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    cluster_ = cluster->release();
    client_ = new CorpusClient(MakeChannel(cluster_->gateway_address()));
  }
  static void TearDownTestSuite() {
    delete client_;
    delete cluster_;
    delete work_dir_;
  }
  void SetUp() override { ASSERT_NE(client_, nullptr) << "the cluster did not start"; }

  static int64_t DocumentCount() {
    absl::StatusOr<v1::CorpusStats> stats = client_->GetStats({});
    EXPECT_TRUE(stats.ok()) << stats.status();
    return stats.ok() ? stats->document_count() : -1;
  }

  static v1::RawArticle Article(std::string content,
                                v1::ContentFormat format = v1::CONTENT_FORMAT_TEXT) {
    v1::RawArticle article;
    article.set_content(std::move(content));
    article.set_format(format);
    return article;
  }

  // Ingests `article` alone; returns its result (the batch call itself must
  // succeed: one bad article never fails the batch).
  static v1::IngestResult IngestOne(const v1::RawArticle& article) {
    v1::IngestDocumentsRequest batch;
    *batch.add_articles() = article;
    absl::StatusOr<v1::IngestDocumentsResponse> response =
        client_->IngestDocuments(batch, {.timeout = absl::Seconds(30)});
    EXPECT_TRUE(response.ok()) << response.status();
    if (!response.ok() || response->results_size() != 1) return v1::IngestResult();
    return response->results(0);
  }

  // Expects `article` refused with `code`, nothing stored, and returns the
  // message.
  static std::string ExpectRefused(const v1::RawArticle& article, grpc::StatusCode code) {
    const int64_t before = DocumentCount();
    const v1::IngestResult result = IngestOne(article);
    EXPECT_EQ(result.outcome(), v1::INGEST_OUTCOME_REJECTED);
    EXPECT_EQ(result.error().code(), code) << result.error().message();
    EXPECT_TRUE(result.document_id().empty());
    EXPECT_EQ(DocumentCount(), before);
    return result.error().message();
  }

  static testing::TempDir* work_dir_;
  static testing::KorpusCluster* cluster_;
  static CorpusClient* client_;
};

testing::TempDir* BadInputEndToEndTest::work_dir_ = nullptr;
testing::KorpusCluster* BadInputEndToEndTest::cluster_ = nullptr;
CorpusClient* BadInputEndToEndTest::client_ = nullptr;

TEST_F(BadInputEndToEndTest, NonGermanArticlesAreRefusedNamingTheLanguage) {
  const std::string english = ExpectRefused(Article(kEnglish), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(english, AllOf(HasSubstr("RawArticle.content"), HasSubstr("English (en, "),
                             HasSubstr("korpus accepts German articles only")));
  const std::string french = ExpectRefused(Article(kFrench), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(french, HasSubstr("French (fr, "));
  // The same article as HTML: markup does not change the verdict.
  ExpectRefused(Article(absl::StrCat("<html><body><p>", kEnglish, "</p></body></html>"),
                        v1::CONTENT_FORMAT_HTML),
                grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(BadInputEndToEndTest, GermanWithEnglishTermsAndShortTextsAreAccepted) {
  const int64_t before = DocumentCount();
  EXPECT_EQ(IngestOne(Article(kGermanWithEnglish)).outcome(), v1::INGEST_OUTCOME_CREATED);
  // Too short to judge: accepted although it is English.
  EXPECT_EQ(IngestOne(Article("Breaking News: Stock Jumps After Earnings Beat")).outcome(),
            v1::INGEST_OUTCOME_CREATED);
  EXPECT_EQ(DocumentCount(), before + 2);
}

TEST_F(BadInputEndToEndTest, NulBytesAndBinaryDataAreRefused) {
  const std::string nul =
      ExpectRefused(Article(std::string("Titel\nEin Satz mit\0Nullbyte.", 28)),
                    grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(nul, AllOf(HasSubstr("RawArticle.content"), HasSubstr("byte 18")));
  // The start of a PNG file.
  const std::string png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0", 20);
  ExpectRefused(Article(png), grpc::StatusCode::INVALID_ARGUMENT);
  v1::RawArticle binary_title = Article(kGermanParagraph);
  binary_title.set_title(std::string("Kopf\x01zeile"));
  EXPECT_THAT(ExpectRefused(binary_title, grpc::StatusCode::INVALID_ARGUMENT),
              HasSubstr("RawArticle.title"));
}

TEST_F(BadInputEndToEndTest, DeeplyNestedHtmlIsNormalisedQuickly) {
  std::string html;
  for (int i = 0; i < 10000; ++i) html += "<div>";
  html += "<p>";
  html += kGermanParagraph;
  html += "</p>";
  for (int i = 0; i < 10000; ++i) html += "</div>";
  const int64_t before = DocumentCount();
  const absl::Time start = absl::Now();
  const v1::IngestResult result = IngestOne(Article(html, v1::CONTENT_FORMAT_HTML));
  // Including annotation and storage; the nesting adds no more than the
  // markup's length.
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  EXPECT_EQ(result.outcome(), v1::INGEST_OUTCOME_CREATED) << result.error().message();
  EXPECT_EQ(DocumentCount(), before + 1);

  // Nesting without any text is empty after whitespace folding.
  std::string empty_nesting;
  for (int i = 0; i < 10000; ++i) empty_nesting += "<div><span>";
  ExpectRefused(Article(empty_nesting, v1::CONTENT_FORMAT_HTML),
                grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(BadInputEndToEndTest, BrokenHtmlKeepsItsTextOrIsRefusedAsEmpty) {
  // Unclosed and stray tags, an attribute without its quote, a bare "<":
  // the text survives.
  const std::string broken = absl::StrCat(
      "<html><body><h1>Bibliotheken länger offen</h1><p>", kGermanParagraph,
      "<p>Auch <b>samstags <i>bis 20 Uhr</b></i>, wenn 3 < 4.</span></div></p><a href=\"x>");
  const v1::IngestResult kept = IngestOne(Article(broken, v1::CONTENT_FORMAT_HTML));
  EXPECT_EQ(kept.outcome(), v1::INGEST_OUTCOME_CREATED) << kept.error().message();
  EXPECT_EQ(kept.title(), "Bibliotheken länger offen");

  // Everything inside an unterminated comment or script is not text.
  ExpectRefused(Article("<!-- <p>Kein Text</p>", v1::CONTENT_FORMAT_HTML),
                grpc::StatusCode::INVALID_ARGUMENT);
  ExpectRefused(Article("<script>var text = '<p>Kein Text</p>';", v1::CONTENT_FORMAT_HTML),
                grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(BadInputEndToEndTest, MalformedReadsAreRefused) {
  v1::SearchRequest search;
  search.set_query("");
  EXPECT_EQ(client_->Search(search, {}).status().code(), absl::StatusCode::kInvalidArgument);
  search.set_query("\"Stadtverwaltung");  // unbalanced quote
  EXPECT_EQ(client_->Search(search, {}).status().code(), absl::StatusCode::kInvalidArgument);

  v1::GetDocumentRequest get;
  get.set_id("d000000000000000000000000");
  EXPECT_EQ(client_->GetDocument(get, {}).status().code(), absl::StatusCode::kNotFound);
  get.set_id("");
  EXPECT_EQ(client_->GetDocument(get, {}).status().code(), absl::StatusCode::kInvalidArgument);

  v1::ListDocumentsRequest list;
  list.set_page_size(1001);
  EXPECT_EQ(client_->ListDocuments(list, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  list.set_page_size(-1);
  EXPECT_EQ(client_->ListDocuments(list, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  list.set_page_size(10);
  list.set_page_token("kein-gültiges-token");
  absl::StatusOr<v1::ListDocumentsResponse> bad_token = client_->ListDocuments(list, {});
  EXPECT_EQ(bad_token.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad_token.status().message(), HasSubstr("page token"));
}

TEST_F(BadInputEndToEndTest, EmptyBatchAndOversizedArticleKeepTheirCodes) {
  absl::StatusOr<v1::IngestDocumentsResponse> empty =
      client_->IngestDocuments(v1::IngestDocumentsRequest(), {});
  EXPECT_EQ(empty.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string over = ExpectRefused(Article(std::string((1 << 20) + 1, 'a')),
                                         grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(over, HasSubstr("the limit is 1048576"));
}

}  // namespace
}  // namespace korpus
