// End to end: the four real binaries on loopback, driven through the
// gateway's public API as a client would drive them.
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "libs/clients/corpus_client.h"
#include "tests/testing/korpus_cluster.h"
#include "tests/testing/reflection_client.h"

namespace korpus {
namespace {

using ::testing::Contains;
using ::testing::UnorderedElementsAreArray;

struct SeedFile {
  std::string name;
  std::string content;
  std::string first_line;
};

std::vector<SeedFile> ReadSeeds() {
  std::vector<SeedFile> seeds;
  for (const auto& entry :
       std::filesystem::directory_iterator(testing::DefaultBuildPaths().seeds_dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    SeedFile seed{entry.path().filename().string(), content.str(), ""};
    seed.first_line = std::string(absl::StripAsciiWhitespace(
        seed.content.substr(0, seed.content.find('\n'))));
    seeds.push_back(std::move(seed));
  }
  std::sort(seeds.begin(), seeds.end(),
            [](const SeedFile& a, const SeedFile& b) { return a.name < b.name; });
  return seeds;
}

// Whether `word` occurs in `text` as a whole word (between characters that
// are not ASCII letters or digits, nor part of a multi-byte character),
// ignoring ASCII case: the expectation for a one-word search.
bool ContainsWord(const std::string& text, const std::string& word) {
  auto is_word_byte = [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
           (static_cast<unsigned char>(c) & 0x80) != 0;
  };
  size_t begin = 0;
  while (begin < text.size()) {
    size_t end = begin;
    while (end < text.size() && is_word_byte(text[end])) ++end;
    if (absl::EqualsIgnoreCase(absl::string_view(text).substr(begin, end - begin), word)) {
      return true;
    }
    begin = end + 1;
  }
  return false;
}

v1::RawArticle ArticleFromSeed(const SeedFile& seed) {
  v1::RawArticle article;
  article.set_content(seed.content);
  article.set_format(v1::CONTENT_FORMAT_TEXT);
  article.set_source_uri("seeds/" + seed.name);
  return article;
}

// The code points [begin, end) of UTF-8 `text`.
std::string CodePointSlice(const std::string& text, int begin, int end) {
  size_t byte = 0;
  int code_point = 0;
  size_t begin_byte = std::string::npos;
  for (; byte <= text.size(); ++byte) {
    const bool boundary =
        byte == text.size() || (static_cast<unsigned char>(text[byte]) & 0xC0) != 0x80;
    if (!boundary) continue;
    if (code_point == begin) begin_byte = byte;
    if (code_point == end) return text.substr(begin_byte, byte - begin_byte);
    ++code_point;
  }
  return "<out of range>";
}

class PipelineEndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<testing::KorpusCluster>> cluster =
        testing::KorpusCluster::Start({.work_dir = work_dir_.path(),
                                       .gateway_args = {"--backend_timeout=2s"}});
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    cluster_ = *std::move(cluster);
    client_ = std::make_unique<CorpusClient>(MakeChannel(cluster_->gateway_address()));
  }

  std::vector<v1::IngestResult> StreamIngest(const std::vector<SeedFile>& seeds) {
    std::vector<v1::IngestResult> results;
    size_t next = 0;
    absl::Status status = client_->StreamIngestDocuments(
        [&](v1::RawArticle& article) {
          if (next == seeds.size()) return false;
          article = ArticleFromSeed(seeds[next++]);
          return true;
        },
        [&](const v1::IngestResult& result) { results.push_back(result); }, {});
    EXPECT_TRUE(status.ok()) << status;
    return results;
  }

  int64_t DocumentCount() {
    absl::StatusOr<v1::CorpusStats> stats = client_->GetStats({});
    EXPECT_TRUE(stats.ok()) << stats.status();
    return stats.ok() ? stats->document_count() : -1;
  }

  testing::TempDir work_dir_;
  std::unique_ptr<testing::KorpusCluster> cluster_;
  std::unique_ptr<CorpusClient> client_;
};

TEST_F(PipelineEndToEndTest, IngestsSeedsOnceAndServesThemAnnotated) {
  const std::vector<SeedFile> seeds = ReadSeeds();
  ASSERT_EQ(seeds.size(), 5u);

  const std::vector<v1::IngestResult> results = StreamIngest(seeds);
  ASSERT_EQ(results.size(), seeds.size());
  std::set<std::string> ids;
  for (size_t i = 0; i < seeds.size(); ++i) {
    const v1::IngestResult& result = results[i];
    SCOPED_TRACE(seeds[i].name);
    EXPECT_EQ(result.index(), static_cast<int>(i));
    EXPECT_EQ(result.outcome(), v1::INGEST_OUTCOME_CREATED);
    EXPECT_EQ(result.title(), seeds[i].first_line);
    // Plausible for news prose: several sentences of 5 to 60 tokens each.
    EXPECT_GE(result.sentence_count(), 5);
    EXPECT_GT(result.token_count(), 5 * result.sentence_count());
    EXPECT_LT(result.token_count(), 60 * result.sentence_count());
    ids.insert(result.document_id());
  }
  EXPECT_EQ(ids.size(), seeds.size());
  EXPECT_EQ(DocumentCount(), 5);

  // A stored document comes back with annotations whose offsets point at
  // the tokens' text.
  v1::GetDocumentRequest get;
  get.set_id(results[0].document_id());
  absl::StatusOr<v1::Document> document = client_->GetDocument(get, {});
  ASSERT_TRUE(document.ok()) << document.status();
  EXPECT_EQ(document->title(), seeds[0].first_line);
  EXPECT_EQ(document->state(), v1::DOCUMENT_STATE_ANNOTATED);
  ASSERT_EQ(document->annotations().tokens_size(), results[0].token_count());
  EXPECT_FALSE(document->annotations().model_name().empty());
  for (const v1::Token& token : document->annotations().tokens()) {
    ASSERT_EQ(CodePointSlice(document->text(), token.begin(), token.end()), token.text());
  }
  // Every token has at least one word; words carry lemma and tags.
  const v1::Annotations& annotations = document->annotations();
  EXPECT_GE(annotations.words_size(), annotations.tokens_size());
  int tagged = 0;
  for (const v1::Word& word : annotations.words()) {
    ASSERT_LT(word.token_index(), annotations.tokens_size());
    if (!word.lemma().empty() && word.upos() != v1::UNIVERSAL_POS_UNSPECIFIED &&
        word.xpos() != v1::STTS_TAG_UNSPECIFIED) {
      ++tagged;
    }
  }
  EXPECT_EQ(tagged, annotations.words_size());

  // The same files again, as a batch this time: duplicates, nothing new.
  v1::IngestDocumentsRequest batch;
  for (const SeedFile& seed : seeds) *batch.add_articles() = ArticleFromSeed(seed);
  absl::StatusOr<v1::IngestDocumentsResponse> again = client_->IngestDocuments(batch, {});
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->duplicate_count(), 5);
  EXPECT_EQ(again->created_count(), 0);
  for (int i = 0; i < again->results_size(); ++i) {
    EXPECT_EQ(again->results(i).outcome(), v1::INGEST_OUTCOME_DUPLICATE);
    EXPECT_EQ(again->results(i).document_id(), results[i].document_id());
  }
  EXPECT_EQ(DocumentCount(), 5);

  // Exactly the articles containing the word, and no others.
  std::vector<std::string> expected;
  for (size_t i = 0; i < seeds.size(); ++i) {
    if (ContainsWord(seeds[i].content, "Exportkontrollen")) {
      expected.push_back(results[i].document_id());
    }
  }
  ASSERT_FALSE(expected.empty());
  ASSERT_LT(expected.size(), seeds.size());
  v1::SearchRequest search;
  search.set_query("Exportkontrollen");
  absl::StatusOr<v1::SearchResponse> found = client_->Search(search, {});
  ASSERT_TRUE(found.ok()) << found.status();
  std::vector<std::string> found_ids;
  for (const v1::SearchHit& hit : found->hits()) found_ids.push_back(hit.document().id());
  EXPECT_THAT(found_ids, UnorderedElementsAreArray(expected));
  EXPECT_EQ(found->total_size(), static_cast<int64_t>(expected.size()));
}

TEST_F(PipelineEndToEndTest, ReflectionListsDescribesAndCallsLikeGrpcurl) {
  testing::ReflectionClient reflection(
      grpc::CreateChannel(cluster_->gateway_address(), grpc::InsecureChannelCredentials()));
  absl::StatusOr<std::vector<std::string>> services = reflection.ListServices();
  ASSERT_TRUE(services.ok()) << services.status();
  EXPECT_THAT(*services, Contains("korpus.v1.CorpusService"));
  EXPECT_THAT(*services, Contains("grpc.health.v1.Health"));

  absl::StatusOr<const google::protobuf::ServiceDescriptor*> corpus =
      reflection.DescribeService("korpus.v1.CorpusService");
  ASSERT_TRUE(corpus.ok()) << corpus.status();
  const google::protobuf::MethodDescriptor* search = (*corpus)->FindMethodByName("Search");
  ASSERT_NE(search, nullptr);
  EXPECT_EQ(search->input_type()->full_name(), "korpus.v1.SearchRequest");
  EXPECT_NE(search->input_type()->FindFieldByName("query"), nullptr);
  absl::StatusOr<const google::protobuf::ServiceDescriptor*> health =
      reflection.DescribeService("grpc.health.v1.Health");
  ASSERT_TRUE(health.ok()) << health.status();

  // Ingest an article and find it, with requests written as JSON (bytes
  // fields are base64 in protobuf's JSON mapping).
  const std::string content =
      "Messe in Leipzig\nDie Buchmesse öffnete am Donnerstag ihre Tore. "
      "Die Veranstalter rechnen mit vielen Besuchern.";
  absl::StatusOr<std::string> ingested = reflection.CallUnaryJson(
      "korpus.v1.CorpusService", "IngestDocuments",
      absl::StrCat(R"({"articles": [{"content": ")", absl::Base64Escape(content),
                   R"(", "format": "CONTENT_FORMAT_TEXT"}]})"));
  ASSERT_TRUE(ingested.ok()) << ingested.status();
  EXPECT_THAT(*ingested, ::testing::HasSubstr("INGEST_OUTCOME_CREATED"));

  absl::StatusOr<std::string> response = reflection.CallUnaryJson(
      "korpus.v1.CorpusService", "Search", R"({"query": "Buchmesse", "pageSize": 5})");
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_THAT(*response, ::testing::HasSubstr("Messe in Leipzig"));

  absl::StatusOr<std::string> malformed = reflection.CallUnaryJson(
      "korpus.v1.CorpusService", "Search", R"({"query": ""})");
  EXPECT_EQ(malformed.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(PipelineEndToEndTest, StorageOutageFailsPromptlyAndRecoversWithoutRestartingGateway) {
  ASSERT_EQ(DocumentCount(), 0);
  ASSERT_TRUE(cluster_->StopStorage().ok());

  const absl::Duration deadline = absl::Seconds(5);
  const absl::Time start = absl::Now();
  absl::StatusOr<v1::CorpusStats> stats = client_->GetStats({.timeout = deadline});
  const absl::Duration took = absl::Now() - start;
  EXPECT_EQ(stats.status().code(), absl::StatusCode::kUnavailable) << stats.status();
  EXPECT_LT(took, deadline);

  std::vector<SeedFile> seeds = ReadSeeds();
  seeds.resize(1);
  v1::IngestDocumentsRequest batch;
  *batch.add_articles() = ArticleFromSeed(seeds[0]);
  absl::StatusOr<v1::IngestDocumentsResponse> refused = client_->IngestDocuments(batch, {});
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable) << refused.status();

  ASSERT_TRUE(cluster_->RestartStorage().ok());
  // The gateway reconnects on its own (reconnect backoff <= 1 s); poll the
  // condition with a deadline rather than sleeping a guessed time.
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  absl::StatusOr<v1::IngestDocumentsResponse> accepted;
  do {
    accepted = client_->IngestDocuments(batch, {});
  } while (!accepted.ok() && accepted.status().code() == absl::StatusCode::kUnavailable &&
           absl::Now() < give_up);
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  EXPECT_EQ(accepted->created_count(), 1);
  EXPECT_EQ(DocumentCount(), 1);
}

TEST_F(PipelineEndToEndTest, BadArticlesAreRefusedWithClearCodesAndNothingIsStored) {
  v1::IngestDocumentsRequest batch;
  batch.add_articles()->set_content("Titel\nKaputt: \xC3\x28 hier.");  // invalid UTF-8
  batch.add_articles()->set_content(" \n\t \n");                        // empty
  batch.add_articles()->set_content(std::string(2 << 20, 'a'));         // over 1 MiB
  absl::StatusOr<v1::IngestDocumentsResponse> response = client_->IngestDocuments(batch, {});
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->results_size(), 3);
  EXPECT_EQ(response->rejected_count(), 3);
  EXPECT_EQ(response->results(0).error().code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(response->results(0).error().message(), ::testing::HasSubstr("UTF-8"));
  EXPECT_EQ(response->results(1).error().code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(response->results(2).error().code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  for (const v1::IngestResult& result : response->results()) {
    EXPECT_EQ(result.outcome(), v1::INGEST_OUTCOME_REJECTED);
    EXPECT_TRUE(result.document_id().empty());
  }
  EXPECT_EQ(DocumentCount(), 0);
}

TEST_F(PipelineEndToEndTest, PageFurnitureLeavesTheTextButIsKeptWithTheDocument) {
  v1::IngestDocumentsRequest batch;
  batch.add_articles()->set_content(
      "Neue Brücke über die Elbe eröffnet\n"
      "Nach vier Jahren Bauzeit ist die neue Brücke in Dresden für den Verkehr freigegeben "
      "worden. Die Stadt rechnet mit deutlich kürzeren Wegen für Pendler.\n"
      "Der Bau kostete rund 80 Millionen Euro und lag damit im Plan, wie die Verwaltung "
      "am Montag mitteilte.\n"
      "Schreibe einen Kommentar\n"
      "Deine E-Mail-Adresse wird nicht veröffentlicht\n");
  absl::StatusOr<v1::IngestDocumentsResponse> response = client_->IngestDocuments(batch, {});
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->created_count(), 1) << response->DebugString();

  v1::GetDocumentRequest get;
  get.set_id(response->results(0).document_id());
  get.set_view(v1::DOCUMENT_VIEW_TEXT);
  absl::StatusOr<v1::Document> document = client_->GetDocument(get, {});
  ASSERT_TRUE(document.ok()) << document.status();
  EXPECT_THAT(document->text(), ::testing::Not(::testing::HasSubstr("Kommentar")));
  EXPECT_THAT(document->text(), ::testing::HasSubstr("Pendler"));
  std::string removed;
  for (const v1::RemovedBlock& block : document->removed()) {
    removed += block.text() + "\n";
    EXPECT_GT(block.signals_size(), 0);
  }
  EXPECT_THAT(removed, ::testing::HasSubstr("Schreibe einen Kommentar"));
}

TEST_F(PipelineEndToEndTest, ServersDrainAndExitCleanlyOnSigterm) {
  EXPECT_TRUE(cluster_->gateway().Stop(SIGTERM).ok());
  EXPECT_TRUE(cluster_->StopStorage().ok());
}

}  // namespace
}  // namespace korpus
