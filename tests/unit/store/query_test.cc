#include "libs/store/query.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"

namespace korpus::store {
namespace {

using ::testing::HasSubstr;

// The tree of `query` in ParsedQuery::Canonical() form, or the error.
std::string Tree(std::string_view query) {
  absl::StatusOr<ParsedQuery> parsed = ParseQuery(query);
  if (!parsed.ok()) return std::string(parsed.status().message());
  return parsed->Canonical();
}

// The error message of a query that must fail with INVALID_ARGUMENT.
std::string Error(std::string_view query) {
  absl::StatusOr<ParsedQuery> parsed = ParseQuery(query);
  if (parsed.ok()) return "parsed: " + parsed->Canonical();
  if (parsed.status().code() != absl::StatusCode::kInvalidArgument) {
    return absl::StrCat("unexpected code: ", parsed.status().ToString());
  }
  return std::string(parsed.status().message());
}

TEST(ParseQueryTest, WordsAreSeparatedByWhitespaceAndAllMustMatch) {
  EXPECT_EQ(Tree("  Exportkontrollen\tChina \n"), "&(W16:ExportkontrollenW5:China)");
  EXPECT_EQ(Tree("Exportkontrollen"), "W16:Exportkontrollen");
}

TEST(ParseQueryTest, ExplicitAndEqualsJuxtaposition) {
  EXPECT_EQ(Tree("Nvidia AND China"), Tree("Nvidia China"));
}

TEST(ParseQueryTest, QuotesMakePhrases) {
  EXPECT_EQ(Tree("\"Berliner Senat\" Haushalt\"Jahr 2025\""),
            "&(P14:Berliner SenatW8:HaushaltP9:Jahr 2025)");
}

TEST(ParseQueryTest, KeepsUmlautsAndHyphens) {
  EXPECT_EQ(Tree("Äpfel US-Zölle"), "&(W6:ÄpfelW9:US-Zölle)");
}

TEST(ParseQueryTest, OrBindsWeakerThanAnd) {
  EXPECT_EQ(Tree("Chips Nvidia OR AMD"), "|(&(W5:ChipsW6:Nvidia)W3:AMD)");
  EXPECT_EQ(Tree("Chips (Nvidia OR AMD)"), "&(W5:Chips|(W6:NvidiaW3:AMD))");
}

TEST(ParseQueryTest, NestedGroupsOfTheSameOperatorAreFlattened) {
  EXPECT_EQ(Tree("(Nvidia China) Export"), "&(W6:NvidiaW5:ChinaW6:Export)");
  EXPECT_EQ(Tree("Nvidia OR (AMD OR Intel)"), "|(W6:NvidiaW3:AMDW5:Intel)");
}

TEST(ParseQueryTest, NotSubtractsFromItsAnd) {
  EXPECT_EQ(Tree("Chips NOT Huawei"), "&(W5:Chips!(W6:Huawei))");
  EXPECT_EQ(Tree("NOT Huawei Chips"), "&(!(W6:Huawei)W5:Chips)");
  EXPECT_EQ(Tree("(Chips NOT Huawei) OR Halbleiter"), "|(&(W5:Chips!(W6:Huawei))W10:Halbleiter)");
}

TEST(ParseQueryTest, LowerCaseOperatorsAreWords) {
  EXPECT_EQ(Tree("Katz and Maus"), "&(W4:KatzW3:andW4:Maus)");
  EXPECT_EQ(Tree("\"AND\""), "P3:AND");
}

TEST(ParseQueryTest, StarAtTheEndMakesAPrefix) {
  EXPECT_EQ(Tree("Export*"), "W*6:Export");
  EXPECT_EQ(Tree("Halbleiter Export*"), "&(W10:HalbleiterW*6:Export)");
}

TEST(ParseQueryTest, LeavesAreInQueryOrder) {
  absl::StatusOr<ParsedQuery> parsed = ParseQuery("(a1 OR \"b c\") NOT dd* e");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  std::vector<std::string> texts;
  for (const QueryNode* leaf : parsed->Leaves()) texts.push_back(leaf->text);
  EXPECT_EQ(texts, (std::vector<std::string>{"a1", "b c", "dd", "e"}));
}

TEST(ParseQueryTest, RejectsEmptyQuery) {
  EXPECT_THAT(Error(""), HasSubstr("empty"));
  EXPECT_THAT(Error(" \t "), HasSubstr("empty"));
}

TEST(ParseQueryTest, UnbalancedQuoteNamesItsPositionInCharacters) {
  // "Öl " is 3 characters (4 bytes): the quote is at position 3.
  EXPECT_THAT(Error("Öl \"Preis steigt"), HasSubstr("unbalanced quote at position 3"));
}

TEST(ParseQueryTest, RejectsPhrasesAndTermsWithoutLettersOrDigits) {
  EXPECT_THAT(Error("Haushalt \"\""), HasSubstr("phrase without any letter or digit at position 9"));
  EXPECT_THAT(Error("Haushalt - Senat"), HasSubstr("term without any letter or digit at position 9"));
  // Non-ASCII punctuation is no letter either.
  EXPECT_THAT(Error("Händler –"), HasSubstr("position 8"));
}

TEST(ParseQueryTest, RejectsUnbalancedParentheses) {
  EXPECT_THAT(Error("(Nvidia OR AMD"), HasSubstr("'(' without a matching ')' at position 0"));
  EXPECT_THAT(Error("Nvidia) China"), HasSubstr("')' without a matching '(' at position 6"));
  EXPECT_THAT(Error("Nvidia ()"), HasSubstr("empty group '()' at position 7"));
}

TEST(ParseQueryTest, RejectsOperatorsWithoutOperands) {
  EXPECT_THAT(Error("Nvidia OR"), HasSubstr("OR without a right operand at position 7"));
  EXPECT_THAT(Error("AND China"), HasSubstr("AND without a left operand at position 0"));
  EXPECT_THAT(Error("Nvidia AND OR China"), HasSubstr("AND without a right operand at position 7"));
  EXPECT_THAT(Error("Chips NOT"), HasSubstr("NOT without an operand at position 6"));
}

TEST(ParseQueryTest, RejectsNotWithNothingToSubtractFrom) {
  EXPECT_THAT(Error("NOT Huawei"), HasSubstr("NOT with nothing to subtract from at position 0"));
  EXPECT_THAT(Error("Chips OR NOT Huawei"), HasSubstr("at position 9"));
  EXPECT_THAT(Error("Chips NOT NOT Huawei"), HasSubstr("at position 10"));
}

TEST(ParseQueryTest, RejectsMisplacedOrShortPrefixes) {
  EXPECT_THAT(Error("Ex*port"), HasSubstr("'*' inside a word"));
  EXPECT_THAT(Error("Chips E*"), HasSubstr("prefix shorter than 2 characters at position 6"));
  EXPECT_THAT(Error("*"), HasSubstr("without any letter or digit"));
}

TEST(ParseQueryTest, BoundsTheNumberOfTermsAndTheNesting) {
  std::string many;
  for (size_t i = 0; i <= kMaxQueryTerms; ++i) absl::StrAppend(&many, "w", i, " ");
  EXPECT_THAT(Error(many), HasSubstr("more than 64 words and phrases"));
  std::string deep = std::string(kMaxQueryDepth + 1, '(') + "Chips" +
                     std::string(kMaxQueryDepth + 1, ')');
  EXPECT_THAT(Error(deep), HasSubstr("nests deeper than 16 levels at position 16"));
  std::string nots = "Chips";
  for (size_t i = 0; i <= kMaxQueryDepth; ++i) nots += " NOT";
  EXPECT_THAT(Error(nots + " Huawei"), HasSubstr("nests deeper than 16 levels"));
}

}  // namespace
}  // namespace korpus::store
