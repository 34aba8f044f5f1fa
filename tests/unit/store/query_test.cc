#include "libs/store/query.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace korpus::store {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ParseQueryTest, WordsAreSeparatedByWhitespace) {
  absl::StatusOr<ParsedQuery> query = ParseQuery("  Exportkontrollen\tChina \n");
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_THAT(query->terms, ElementsAre(QueryTerm{"Exportkontrollen", false},
                                        QueryTerm{"China", false}));
}

TEST(ParseQueryTest, QuotesMakePhrases) {
  absl::StatusOr<ParsedQuery> query = ParseQuery("\"Berliner Senat\" Haushalt\"Jahr 2025\"");
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_THAT(query->terms, ElementsAre(QueryTerm{"Berliner Senat", true},
                                        QueryTerm{"Haushalt", false},
                                        QueryTerm{"Jahr 2025", true}));
}

TEST(ParseQueryTest, KeepsUmlautsAndHyphens) {
  absl::StatusOr<ParsedQuery> query = ParseQuery("Äpfel US-Zölle");
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_THAT(query->terms, ElementsAre(QueryTerm{"Äpfel", false}, QueryTerm{"US-Zölle", false}));
}

TEST(ParseQueryTest, RejectsEmptyQuery) {
  EXPECT_EQ(ParseQuery("").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseQuery(" \t ").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ParseQueryTest, UnbalancedQuoteNamesItsPositionInCharacters) {
  // "Öl " is 3 characters (4 bytes): the quote is at position 3.
  absl::Status status = ParseQuery("Öl \"Preis steigt").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("position 3"));
}

TEST(ParseQueryTest, RejectsEmptyPhraseAndTermsWithoutWords) {
  EXPECT_EQ(ParseQuery("Haushalt \"\"").status().code(), absl::StatusCode::kInvalidArgument);
  absl::Status status = ParseQuery("Haushalt - Senat").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("position 9"));
}

}  // namespace
}  // namespace korpus::store
