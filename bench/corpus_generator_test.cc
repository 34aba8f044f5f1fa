#include "bench/corpus_generator.h"

#include <set>

#include "gtest/gtest.h"

namespace korpus::bench {
namespace {

const CorpusGenerator& Generator() {
  static const CorpusGenerator* generator = [] {
    absl::StatusOr<CorpusGenerator> loaded = CorpusGenerator::Load({.data_dir = KORPUS_SHARED_DATA_DIR});
    EXPECT_TRUE(loaded.ok()) << loaded.status();
    return loaded.ok() ? new CorpusGenerator(*std::move(loaded)) : nullptr;
  }();
  return *generator;
}

TEST(DetokenizeTest, AttachesPunctuationAndQuotes) {
  EXPECT_EQ(Detokenize({"Er", "sagte", ":", "\"", "Wir", "kommen", "(", "morgen", ")", "\"", "."}),
            "Er sagte: \"Wir kommen (morgen)\".");
  EXPECT_EQ(Detokenize({"Die", "Quote", "stieg", "auf", "17", "%", ",", "hieß", "es", "."}),
            "Die Quote stieg auf 17 %, hieß es.");
}

TEST(CorpusGeneratorTest, ArticlesDependOnlyOnSeedAndIndex) {
  const Article a = Generator().Generate(5);
  const Article b = Generator().Generate(5);
  EXPECT_EQ(a.content, b.content);
  EXPECT_NE(a.content, Generator().Generate(6).content);
  absl::StatusOr<CorpusGenerator> other =
      CorpusGenerator::Load({.data_dir = KORPUS_SHARED_DATA_DIR, .seed = 2});
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_NE(a.content, other->Generate(5).content);
}

TEST(CorpusGeneratorTest, ArticlesHaveTitleParagraphsAndTargetLength) {
  std::set<std::string> titles;
  for (int i = 0; i < 50; ++i) {
    const Article article = Generator().Generate(i);
    EXPECT_EQ(article.content.rfind(article.title + "\n\n", 0), 0u) << article.content;
    EXPECT_EQ(article.title.rfind("Meldung " + std::to_string(i + 1) + ":", 0), 0u);
    EXPECT_GE(article.tokens, 600);
    EXPECT_LT(article.tokens, 700);
    EXPECT_NE(article.content.find("\n\n", article.title.size() + 2), std::string::npos)
        << "one paragraph only";
    titles.insert(article.title);
  }
  EXPECT_EQ(titles.size(), 50u);
}

TEST(CorpusGeneratorTest, QueryWordsAreCapitalisedWords) {
  const std::vector<std::string> words = Generator().QueryWords(20);
  ASSERT_EQ(words.size(), 20u);
  for (const std::string& word : words) {
    EXPECT_GE(word.size(), 5u);
    EXPECT_EQ(word.find(' '), std::string::npos);
  }
}

TEST(CorpusGeneratorTest, JsonLineEscapes) {
  Article article;
  article.title = "Ein \"Titel\"";
  article.content = "Ein \"Titel\"\n\nText.";
  article.source_uri = "bench://corpus/1/0";
  EXPECT_EQ(ArticleToJsonLine(article),
            R"({"title": "Ein \"Titel\"", "content": "Ein \"Titel\"\n\nText.", )"
            R"("source_uri": "bench://corpus/1/0"})");
}

}  // namespace
}  // namespace korpus::bench
