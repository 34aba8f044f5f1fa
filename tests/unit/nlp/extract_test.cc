#include "libs/nlp/extract/extract.h"

#include <string>

#include "gtest/gtest.h"
#include "tests/unit/nlp/extract_test_util.h"

namespace korpus::nlp {
namespace {

TEST(ExtractorTest, RunsEveryExtractorWithTheCommittedModel) {
  absl::StatusOr<Extractor> extractor = Extractor::Load(KORPUS_MODEL_DIR);
  ASSERT_TRUE(extractor.ok()) << extractor.status();
  const std::string text =
      "Bäckerei Sommer eröffnet Filiale. Die neue Filiale kostete rund 250.000 Euro. "
      "„Wir sind sehr glücklich über den Erfolg“, sagte Ines Sommer am Montag. "
      "Im März soll eine weitere Filiale folgen.";
  const AnalyzedText analysis = testing::AnalyzeWithNames(text, {{"Ines Sommer"}});
  InMemoryDocumentFrequencies corpus;
  const Extractions x = extractor->Extract(text, analysis, absl::CivilDay(2025, 1, 15), &corpus);
  ASSERT_EQ(x.quotes.size(), 1u);
  EXPECT_EQ(x.quotes[0].cue, "sagen");
  ASSERT_EQ(x.amounts.size(), 1u);
  EXPECT_DOUBLE_EQ(x.amounts[0].value, 250000);
  EXPECT_EQ(x.amounts[0].approximation, Approximation::kAbout);
  ASSERT_EQ(x.dates.size(), 2u);  // "Montag" (unresolved), "März" (2025-03)
  EXPECT_FALSE(x.dates[0].resolved);
  EXPECT_EQ(x.dates[1].start.month, 3);
  EXPECT_EQ(x.sentiment.sentences.size(), analysis.sentences.size());
  EXPECT_EQ(x.sentiment.document.label, SentimentLabel::kPositive);
  ASSERT_FALSE(x.keywords.empty());
  EXPECT_EQ(x.keywords[0].key, "filiale");
  EXPECT_EQ(Extractor::Load("/nonexistent").status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace korpus::nlp
