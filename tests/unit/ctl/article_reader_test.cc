// korpusctl's input side: JSONL lines to articles, and reading files and
// directories in a stable order.
#include "tools/korpusctl/article_reader.h"

#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"

namespace korpus::ctl {
namespace {

TEST(ArticleFromJsonTest, MapsTheDocumentedKeys) {
  absl::StatusOr<v1::RawArticle> article = ArticleFromJson(
      R"({"content": "Messe in Leipzig\nDie Buchmesse öffnet.", "format": "html",)"
      R"( "title": "Messe", "source_uri": "https://example.org/messe",)"
      R"( "published_at": "2025-03-20T08:00:00Z", "metadata": {"ressort": "Kultur"}})");
  ASSERT_TRUE(article.ok()) << article.status();
  EXPECT_EQ(article->content(), "Messe in Leipzig\nDie Buchmesse öffnet.");
  EXPECT_EQ(article->format(), v1::CONTENT_FORMAT_HTML);
  EXPECT_EQ(article->title(), "Messe");
  EXPECT_EQ(article->source_uri(), "https://example.org/messe");
  EXPECT_EQ(article->published_at().seconds(), 1742457600);
  EXPECT_EQ(article->metadata().at("ressort"), "Kultur");
}

TEST(ArticleFromJsonTest, TextIsAcceptedForContentAndFormatDefaultsToText) {
  absl::StatusOr<v1::RawArticle> article = ArticleFromJson(R"({"text": "Kurz und gut."})");
  ASSERT_TRUE(article.ok()) << article.status();
  EXPECT_EQ(article->content(), "Kurz und gut.");
  EXPECT_EQ(article->format(), v1::CONTENT_FORMAT_TEXT);
}

TEST(ArticleFromJsonTest, MalformedLinesAreInvalidArgument) {
  EXPECT_EQ(ArticleFromJson("{not json").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ArticleFromJson(R"({"title": "ohne Inhalt"})").status().code(),
            absl::StatusCode::kInvalidArgument);
  // A misspelt key is an error rather than silently dropped.
  EXPECT_EQ(ArticleFromJson(R"({"content": "x", "titel": "y"})").status().code(),
            absl::StatusCode::kInvalidArgument);
}

class ArticleReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("korpusctl-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void Write(const std::string& name, const std::string& content) {
    std::ofstream(dir_ / name) << content;
  }

  std::filesystem::path dir_;
};

TEST_F(ArticleReaderTest, ReadsADirectoryInNameOrderByExtension) {
  Write("b.html", "<h1>Zwei</h1><p>Text zwei.</p>");
  Write("a.txt", "Eins\nText eins.");
  Write("c.jsonl", "{\"content\": \"Drei\"}\n\n{\"content\": \"Vier\"}\n");
  Write("notes.md", "not an article");
  Write(".hidden.txt", "hidden");

  absl::StatusOr<ArticleReader> reader = ArticleReader::Open({dir_.string()}, InputFormat::kText);
  ASSERT_TRUE(reader.ok()) << reader.status();
  std::vector<std::string> contents;
  std::vector<v1::ContentFormat> formats;
  v1::RawArticle article;
  std::string label;
  while (true) {
    absl::StatusOr<bool> more = reader->Next(article, label);
    ASSERT_TRUE(more.ok()) << more.status();
    if (!*more) break;
    contents.push_back(article.content());
    formats.push_back(article.format());
  }
  EXPECT_EQ(contents, (std::vector<std::string>{"Eins\nText eins.",
                                                 "<h1>Zwei</h1><p>Text zwei.</p>", "Drei",
                                                 "Vier"}));
  EXPECT_EQ(formats[1], v1::CONTENT_FORMAT_HTML);
  EXPECT_EQ(formats[0], v1::CONTENT_FORMAT_TEXT);
}

TEST_F(ArticleReaderTest, ABadJsonlLineIsReportedWithItsLineAndReadingContinues) {
  Write("x.jsonl", "{\"content\": \"gut\"}\n{kaputt\n{\"content\": \"auch gut\"}\n");
  absl::StatusOr<ArticleReader> reader =
      ArticleReader::Open({(dir_ / "x.jsonl").string()}, InputFormat::kText);
  ASSERT_TRUE(reader.ok());
  v1::RawArticle article;
  std::string label;
  ASSERT_TRUE(*reader->Next(article, label));
  absl::StatusOr<bool> bad = reader->Next(article, label);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(label.find(":2"), std::string::npos) << label;
  absl::StatusOr<bool> next = reader->Next(article, label);
  ASSERT_TRUE(next.ok() && *next);
  EXPECT_EQ(article.content(), "auch gut");
}

TEST_F(ArticleReaderTest, AMissingPathIsNotFoundBeforeAnythingIsRead) {
  Write("a.txt", "Eins");
  absl::StatusOr<ArticleReader> reader = ArticleReader::Open(
      {(dir_ / "a.txt").string(), (dir_ / "fehlt.txt").string()}, InputFormat::kText);
  EXPECT_EQ(reader.status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace korpus::ctl
