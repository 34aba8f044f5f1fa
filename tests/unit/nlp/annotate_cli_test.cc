#include "libs/nlp/annotate_cli.h"

#include <sstream>

#include "gtest/gtest.h"
#include "libs/nlp/conllu.h"

namespace korpus::nlp {
namespace {

TEST(AnnotateCliTest, TextToConlluRoundTripsOffsets) {
  const std::string text = "Am 2. Februar kam Dr. Weber.\n\nEr blieb bis 14:30 Uhr.";
  std::istringstream in(text);
  std::ostringstream out;
  AnnotateOptions options;
  options.model_dir = KORPUS_MODEL_DIR;
  ASSERT_TRUE(RunAnnotate(options, in, out).ok());
  absl::StatusOr<std::vector<ConlluSentence>> sentences = ParseConllu(out.str());
  ASSERT_TRUE(sentences.ok()) << sentences.status();
  ASSERT_EQ(sentences->size(), 2u);
  for (const ConlluSentence& s : *sentences) {
    EXPECT_FALSE(s.text.empty());
    for (size_t r : s.TokenRows()) {
      const ConlluRow& row = s.rows[r];
      const size_t at = row.misc.find("TokenRange=");
      ASSERT_NE(at, std::string::npos) << row.misc;
      const size_t colon = row.misc.find(':', at);
      const size_t begin = std::stoul(row.misc.substr(at + 11, colon - at - 11));
      const size_t end = std::stoul(row.misc.substr(colon + 1));
      EXPECT_EQ(text.substr(begin, end - begin), row.form);
    }
  }
  EXPECT_EQ((*sentences)[0].rows[1].form, "An");  // "Am" -> "An" "dem"
  EXPECT_NE((*sentences)[0].rows[1].upos, "_");
}

TEST(AnnotateCliTest, PretokenisedConlluIsOnlyTagged) {
  const std::string conllu =
      "# sent_id = x1\n# text = Häuser stehen\n"
      "1\tHäuser\t_\t_\t_\t_\t_\t_\t_\t_\n2\tstehen\t_\t_\t_\t_\t_\t_\t_\t_\n\n";
  std::istringstream in(conllu);
  std::ostringstream out;
  AnnotateOptions options;
  options.model_dir = KORPUS_MODEL_DIR;
  options.input = AnnotateInput::kConllu;
  ASSERT_TRUE(RunAnnotate(options, in, out).ok());
  absl::StatusOr<std::vector<ConlluSentence>> sentences = ParseConllu(out.str());
  ASSERT_TRUE(sentences.ok()) << sentences.status();
  ASSERT_EQ((*sentences)[0].rows.size(), 2u);
  EXPECT_EQ((*sentences)[0].sent_id, "x1");
  EXPECT_EQ((*sentences)[0].rows[0].lemma, "Haus");
  EXPECT_EQ((*sentences)[0].rows[0].upos, "NOUN");
}

TEST(AnnotateCliTest, InvalidUtf8AndBadFormatAreInvalidArgument) {
  std::istringstream in("ab\xff");
  std::ostringstream out;
  AnnotateOptions options;
  options.model_dir = "";
  EXPECT_EQ(RunAnnotate(options, in, out).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseAnnotateOutput("xml").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace korpus::nlp
