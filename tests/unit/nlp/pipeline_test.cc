#include "libs/nlp/pipeline.h"

#include <string_view>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace korpus::nlp {
namespace {

TEST(PipelineTest, LoadsWithoutModelDirectoryAndNamesItsModel) {
  absl::StatusOr<std::unique_ptr<Pipeline>> pipeline = Pipeline::Load(PipelineOptions{});
  ASSERT_TRUE(pipeline.ok()) << pipeline.status();
  EXPECT_FALSE((*pipeline)->model_name().empty());
  EXPECT_FALSE((*pipeline)->model_version().empty());
}

TEST(PipelineTest, AnalyzeGivesTokensAndSentences) {
  auto pipeline = Pipeline::Load(PipelineOptions{});
  ASSERT_TRUE(pipeline.ok());
  AnalyzedText result = (*pipeline)->Analyze("Es regnet. Wir bleiben zu Hause.");
  EXPECT_EQ(result.tokens.size(), 8u);
  EXPECT_EQ(result.sentences.size(), 2u);
}

TEST(PipelineTest, ConcurrentAnalyzeGivesSameResults) {
  auto pipeline = Pipeline::Load(PipelineOptions{});
  ASSERT_TRUE(pipeline.ok());
  const std::string_view text = "Am 3. Mai kam Dr. Schulz. Er blieb bis zum 5. Juni.";
  const AnalyzedText expected = (*pipeline)->Analyze(text);
  std::vector<std::thread> threads;
  std::vector<size_t> token_counts(4);
  for (int k = 0; k < 4; ++k) {
    threads.emplace_back([&, k] {
      for (int r = 0; r < 200; ++r) token_counts[k] = (*pipeline)->Analyze(text).tokens.size();
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (size_t count : token_counts) EXPECT_EQ(count, expected.tokens.size());
}

}  // namespace
}  // namespace korpus::nlp
