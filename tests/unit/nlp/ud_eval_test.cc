#include "libs/nlp/ud_eval.h"

#include <string>

#include "gtest/gtest.h"
#include "libs/nlp/conllu.h"

namespace korpus::nlp {
namespace {

// Builds CoNLL-U from a compact notation: sentences separated by "|", tokens
// by spaces; a token "zum=zu+dem" is a multiword token with its words; a
// word may carry "/UPOS" ("Haus/NOUN").
std::vector<ConlluSentence> Make(const std::string& spec) {
  std::string conllu;
  size_t start = 0;
  while (start <= spec.size()) {
    size_t bar = spec.find('|', start);
    if (bar == std::string::npos) bar = spec.size();
    std::string sentence = spec.substr(start, bar - start);
    conllu += "# text = x\n";
    int id = 0;
    size_t pos = 0;
    while (pos < sentence.size()) {
      size_t space = sentence.find(' ', pos);
      if (space == std::string::npos) space = sentence.size();
      std::string token = sentence.substr(pos, space - pos);
      pos = space + 1;
      if (token.empty()) continue;
      auto word_line = [&](std::string word) {
        std::string upos = "X";
        if (size_t slash = word.find('/'); slash != std::string::npos) {
          upos = word.substr(slash + 1);
          word = word.substr(0, slash);
        }
        ++id;
        conllu += std::to_string(id) + "\t" + word + "\t" + word + "\t" + upos +
                  "\t_\t_\t0\troot\t_\t_\n";
      };
      if (size_t eq = token.find('='); eq != std::string::npos) {
        std::string rest = token.substr(eq + 1);
        int words = 1 + static_cast<int>(std::count(rest.begin(), rest.end(), '+'));
        conllu += std::to_string(id + 1) + "-" + std::to_string(id + words) + "\t" +
                  token.substr(0, eq) + "\t_\t_\t_\t_\t_\t_\t_\t_\n";
        size_t p = 0;
        while (true) {
          size_t plus = rest.find('+', p);
          word_line(rest.substr(p, plus == std::string::npos ? std::string::npos : plus - p));
          if (plus == std::string::npos) break;
          p = plus + 1;
        }
      } else {
        word_line(token);
      }
    }
    conllu += "\n";
    start = bar + 1;
  }
  absl::StatusOr<std::vector<ConlluSentence>> parsed = ParseConllu(conllu);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  return parsed.ok() ? *parsed : std::vector<ConlluSentence>{};
}

UdEvaluation Eval(const std::string& gold, const std::string& system) {
  absl::StatusOr<UdEvaluation> result = EvaluateUd(Make(gold), Make(system));
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? *result : UdEvaluation{};
}

TEST(UdEvalTest, PerfectMatchScoresOne) {
  UdEvaluation e = Eval("Das/PRON ist/AUX gut/ADJ .|Ja .", "Das/PRON ist/AUX gut/ADJ .|Ja .");
  EXPECT_DOUBLE_EQ(e.tokens.F1(), 1.0);
  EXPECT_DOUBLE_EQ(e.sentences.F1(), 1.0);
  EXPECT_DOUBLE_EQ(e.words.F1(), 1.0);
  EXPECT_DOUBLE_EQ(e.upos.F1(), 1.0);
  EXPECT_DOUBLE_EQ(e.lemmas.F1(), 1.0);
}

TEST(UdEvalTest, SplitTokenCostsPrecisionAndRecall) {
  // Gold "US-Dollar" is one token; the system splits it into three.
  UdEvaluation e = Eval("500 US-Dollar", "500 US - Dollar");
  EXPECT_EQ(e.tokens.gold_total, 2);
  EXPECT_EQ(e.tokens.system_total, 4);
  EXPECT_EQ(e.tokens.correct, 1);
  EXPECT_DOUBLE_EQ(e.tokens.F1(), 2.0 * 1 / (2 + 4));
}

TEST(UdEvalTest, MergedTokenCostsPrecisionAndRecall) {
  UdEvaluation e = Eval("geht 's", "geht's");
  EXPECT_EQ(e.tokens.correct, 0);
  EXPECT_EQ(e.words.correct, 0);
  EXPECT_DOUBLE_EQ(e.tokens.Recall(), 0.0);
}

TEST(UdEvalTest, MissingSentenceBoundary) {
  UdEvaluation e = Eval("Es regnet .|Wir bleiben .", "Es regnet . Wir bleiben .");
  EXPECT_EQ(e.sentences.gold_total, 2);
  EXPECT_EQ(e.sentences.system_total, 1);
  EXPECT_EQ(e.sentences.correct, 0);
  EXPECT_DOUBLE_EQ(e.tokens.F1(), 1.0);
}

TEST(UdEvalTest, MultiwordTokensAlignByForm) {
  // Same expansion on both sides aligns fully; a system that keeps "zum" as
  // one word matches neither "zu" nor "dem".
  UdEvaluation e = Eval("zum=zu/ADP+dem/DET Haus/NOUN", "zum=zu/ADP+dem/DET Haus/NOUN");
  EXPECT_DOUBLE_EQ(e.words.F1(), 1.0);
  EXPECT_DOUBLE_EQ(e.upos.F1(), 1.0);
  UdEvaluation unsplit = Eval("zum=zu/ADP+dem/DET Haus/NOUN", "zum/ADP Haus/NOUN");
  EXPECT_EQ(unsplit.words.gold_total, 3);
  EXPECT_EQ(unsplit.words.system_total, 2);
  EXPECT_EQ(unsplit.words.correct, 1);  // only "Haus"
  EXPECT_DOUBLE_EQ(unsplit.tokens.F1(), 1.0);
}

TEST(UdEvalTest, WrongTagCountsAgainstUposOnly) {
  UdEvaluation e = Eval("Haus/NOUN", "Haus/VERB");
  EXPECT_DOUBLE_EQ(e.words.F1(), 1.0);
  EXPECT_DOUBLE_EQ(e.upos.F1(), 0.0);
}

TEST(UdEvalTest, DifferentTextIsAnError) {
  absl::StatusOr<UdEvaluation> result = EvaluateUd(Make("Haus"), Make("Maus"));
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace korpus::nlp
