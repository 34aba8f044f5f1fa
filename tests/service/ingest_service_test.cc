// korpus.v1.IngestService over an in-process channel: status codes and the
// shape of the response (normalisation itself is covered by
// tests/unit/ingest).
#include "services/ingest/ingest_service.h"

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "libs/clients/ingest_client.h"
#include "libs/server/server.h"

namespace korpus {
namespace {

class IngestServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<ingest::Normalizer> normalizer = ingest::Normalizer::Create({});
    ASSERT_TRUE(normalizer.ok()) << normalizer.status();
    service_ = std::make_unique<IngestServiceImpl>(*std::move(normalizer));
    ServerOptions options;
    options.service_name = "ingest";
    options.listen_address = "127.0.0.1:0";
    absl::StatusOr<std::unique_ptr<GrpcServer>> server = GrpcServer::Start(
        options, {{service_.get(), v1::IngestService::service_full_name()}});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    client_ = std::make_unique<IngestClient>(server_->InProcessChannel());
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown(absl::ZeroDuration());
  }

  absl::StatusOr<v1::Document> Normalize(std::string content) {
    v1::RawArticle article;
    article.set_content(std::move(content));
    article.set_format(v1::CONTENT_FORMAT_TEXT);
    article.set_source_uri("test://ingest_service_test");
    return client_->NormalizeArticle(article, {});
  }

  std::unique_ptr<IngestServiceImpl> service_;
  std::unique_ptr<GrpcServer> server_;
  std::unique_ptr<IngestClient> client_;
};

TEST_F(IngestServiceTest, GoodArticleIsNormalised) {
  absl::StatusOr<v1::Document> document =
      Normalize("Neue Brücke in Dresden\n\nDie Brücke wurde am Montag eröffnet.\n");
  ASSERT_TRUE(document.ok()) << document.status();
  EXPECT_EQ(document->title(), "Neue Brücke in Dresden");
  EXPECT_EQ(document->text(), "Neue Brücke in Dresden\n\nDie Brücke wurde am Montag eröffnet.");
  EXPECT_EQ(document->paragraphs_size(), 2);
  EXPECT_EQ(document->id().size(), 25u);
  EXPECT_EQ(document->language(), "de");
  EXPECT_EQ(document->source_uri(), "test://ingest_service_test");
}

TEST_F(IngestServiceTest, InvalidUtf8IsInvalidArgument) {
  EXPECT_EQ(Normalize("Die Br\xC3" "(cke").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(IngestServiceTest, EmptyContentIsInvalidArgument) {
  EXPECT_EQ(Normalize("").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Normalize(" \n\t\n ").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(IngestServiceTest, ArticleOverTheLimitIsResourceExhausted) {
  // 2 MB: over the 1 MiB article limit, under the 64 MiB message limit, so
  // the validator answers rather than the transport.
  EXPECT_EQ(Normalize(std::string(2000000, 'a')).status().code(),
            absl::StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace korpus
