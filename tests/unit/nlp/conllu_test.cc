#include "libs/nlp/conllu.h"

#include "gtest/gtest.h"
#include "libs/nlp/analysis_format.h"
#include "libs/nlp/pipeline.h"

namespace korpus::nlp {
namespace {

constexpr char kSample[] =
    "# sent_id = a1\n"
    "# text = Er ging zum Bahnhof.\n"
    "1\tEr\ter\tPRON\tPPER\tCase=Nom\t2\tnsubj\t_\t_\n"
    "2\tging\tgehen\tVERB\tVVFIN\t_\t0\troot\t_\t_\n"
    "3-4\tzum\t_\t_\t_\t_\t_\t_\t_\t_\n"
    "3\tzu\tzu\tADP\tAPPR\t_\t5\tcase\t_\t_\n"
    "4\tdem\tder\tDET\tART\t_\t5\tdet\t_\t_\n"
    "5\tBahnhof\tBahnhof\tNOUN\tNN\t_\t2\tobl\t_\tSpaceAfter=No\n"
    "6\t.\t.\tPUNCT\t$.\t_\t2\tpunct\t_\t_\n"
    "\n";

TEST(ConlluTest, ParsesCommentsRangesAndWords) {
  absl::StatusOr<std::vector<ConlluSentence>> parsed = ParseConllu(kSample);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->size(), 1u);
  const ConlluSentence& s = (*parsed)[0];
  EXPECT_EQ(s.sent_id, "a1");
  EXPECT_EQ(s.text, "Er ging zum Bahnhof.");
  EXPECT_EQ(s.rows.size(), 7u);
  EXPECT_EQ(s.rows[2].type, ConlluRow::Type::kMultiwordToken);
  EXPECT_EQ(s.TokenRows().size(), 5u);
  EXPECT_EQ(s.WordRows().size(), 6u);
  EXPECT_FALSE(s.rows[5].SpaceAfter());
  EXPECT_EQ(s.TextFromTokens(), "Er ging zum Bahnhof.");
}

TEST(ConlluTest, WriteThenReadRoundTrips) {
  absl::StatusOr<std::vector<ConlluSentence>> parsed = ParseConllu(kSample);
  ASSERT_TRUE(parsed.ok());
  std::string written;
  AppendConllu((*parsed)[0], written);
  EXPECT_EQ(written, kSample);
}

TEST(ConlluTest, RejectsWrongColumnCount) {
  absl::StatusOr<std::vector<ConlluSentence>> parsed = ParseConllu("1\tEr\ter\n\n");
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ConlluTest, PipelineOutputHasTextAndRoundTripOffsets) {
  auto pipeline = Pipeline::Load(PipelineOptions{});
  ASSERT_TRUE(pipeline.ok());
  const std::string text = "Im Mai kam er.\n\nDann ging er zum Arzt.";
  const AnalyzedText analysis = (*pipeline)->Analyze(text);
  const std::vector<ConlluSentence> sentences = ToConllu(text, analysis);
  ASSERT_EQ(sentences.size(), 2u);
  EXPECT_EQ(sentences[0].text, "Im Mai kam er.");
  EXPECT_EQ(sentences[1].text, "Dann ging er zum Arzt.");
  for (const ConlluSentence& s : sentences) {
    EXPECT_EQ(s.TextFromTokens(), s.text);
  }
  // "Im" is a multiword token "In dem".
  ASSERT_EQ(sentences[0].rows[0].type, ConlluRow::Type::kMultiwordToken);
  EXPECT_EQ(sentences[0].rows[1].form, "In");
  EXPECT_EQ(sentences[0].rows[2].form, "dem");
  // Re-parsing the written text gives the same sentences.
  std::string written;
  for (const ConlluSentence& s : sentences) AppendConllu(s, written);
  absl::StatusOr<std::vector<ConlluSentence>> reparsed = ParseConllu(written);
  ASSERT_TRUE(reparsed.ok()) << reparsed.status();
  EXPECT_EQ(reparsed->size(), 2u);
}

}  // namespace
}  // namespace korpus::nlp
