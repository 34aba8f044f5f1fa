#include "libs/nlp/extract/amounts.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/unit/nlp/extract_test_util.h"

namespace korpus::nlp {
namespace {

using testing::Slice;
using testing::TestPipeline;

std::vector<Amount> Amounts(const std::string& text) {
  return ExtractAmounts(text, TestPipeline(/*rules_only=*/true).Analyze(text));
}

TEST(ExtractAmountsTest, ScaledCurrency) {
  const std::string text = "Der Konzern will 300 Milliarden US-Dollar in neue Fabriken stecken.";
  const std::vector<Amount> a = Amounts(text);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_DOUBLE_EQ(a[0].value, 3e11);
  EXPECT_EQ(a[0].unit, AmountUnit::kCurrency);
  EXPECT_EQ(a[0].currency, "USD");
  EXPECT_EQ(a[0].approximation, Approximation::kExact);
  EXPECT_EQ(Slice(text, a[0].begin, a[0].end), "300 Milliarden US-Dollar");
}

TEST(ExtractAmountsTest, GermanBillionIsTenToTheTwelfth) {
  const std::string text = "Der Börsenwert stieg auf eine Billion Euro.";
  const std::vector<Amount> a = Amounts(text);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_DOUBLE_EQ(a[0].value, 1e12);
  EXPECT_EQ(a[0].currency, "EUR");
  EXPECT_EQ(Slice(text, a[0].begin, a[0].end), "eine Billion Euro");
}

TEST(ExtractAmountsTest, ScaledNumberWithoutUnit) {
  const std::vector<Amount> a = Amounts("Die Stadt zählt inzwischen 2 Millionen Einwohner.");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_DOUBLE_EQ(a[0].value, 2e6);
  EXPECT_EQ(a[0].unit, AmountUnit::kNumber);
  EXPECT_TRUE(a[0].currency.empty());
}

TEST(ExtractAmountsTest, PercentAsChange) {
  const std::string text = "Der Umsatz fiel um 12,5 % und die Marge um drei Prozentpunkte.";
  const std::vector<Amount> a = Amounts(text);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_DOUBLE_EQ(a[0].value, 12.5);
  EXPECT_EQ(a[0].unit, AmountUnit::kPercent);
  EXPECT_TRUE(a[0].change);
  EXPECT_DOUBLE_EQ(a[1].value, 3);
  EXPECT_EQ(a[1].unit, AmountUnit::kPercentagePoint);
}

TEST(ExtractAmountsTest, PercentWordAndAbbreviatedScale) {
  const std::string text = "Nur 40 Prozent der 1,2 Mrd. Euro sind ausgegeben.";
  const std::vector<Amount> a = Amounts(text);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].unit, AmountUnit::kPercent);
  EXPECT_FALSE(a[0].change);
  EXPECT_DOUBLE_EQ(a[1].value, 1.2e9);
  EXPECT_EQ(Slice(text, a[1].begin, a[1].end), "1,2 Mrd. Euro");
}

TEST(ExtractAmountsTest, Approximations) {
  const std::string text =
      "Das kostet etwa 20 Euro, mehr als 5 Millionen Dollar, weniger als 3 % und bis zu "
      "400 Franken, mindestens 2 Mio. Pfund.";
  const std::vector<Amount> a = Amounts(text);
  ASSERT_EQ(a.size(), 5u);
  EXPECT_EQ(a[0].approximation, Approximation::kAbout);
  EXPECT_EQ(Slice(text, a[0].begin, a[0].end), "etwa 20 Euro");
  EXPECT_EQ(a[1].approximation, Approximation::kMoreThan);
  EXPECT_EQ(Slice(text, a[1].begin, a[1].end), "mehr als 5 Millionen Dollar");
  EXPECT_EQ(a[2].approximation, Approximation::kLessThan);
  EXPECT_EQ(a[3].approximation, Approximation::kUpTo);
  EXPECT_EQ(a[3].currency, "CHF");
  EXPECT_EQ(a[4].approximation, Approximation::kAtLeast);
  EXPECT_EQ(a[4].currency, "GBP");
}

TEST(ExtractAmountsTest, Ranges) {
  const std::string text =
      "Geplant sind 3 bis 4 Milliarden Euro; die Preise steigen zwischen 5 und 8 Prozent.";
  const std::vector<Amount> a = Amounts(text);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_TRUE(a[0].is_range);
  EXPECT_DOUBLE_EQ(a[0].value, 3e9);
  EXPECT_DOUBLE_EQ(a[0].range_max, 4e9);
  EXPECT_EQ(a[0].currency, "EUR");
  EXPECT_TRUE(a[1].is_range);
  EXPECT_DOUBLE_EQ(a[1].value, 5);
  EXPECT_DOUBLE_EQ(a[1].range_max, 8);
  EXPECT_EQ(Slice(text, a[1].begin, a[1].end), "zwischen 5 und 8 Prozent");
}

TEST(ExtractAmountsTest, CurrencySymbolsBeforeAndAfter) {
  const std::vector<Amount> a = Amounts("Ein Ticket kostet 1.250 € oder $ 1.400 am Schalter.");
  ASSERT_EQ(a.size(), 2u);
  EXPECT_DOUBLE_EQ(a[0].value, 1250);
  EXPECT_EQ(a[0].currency, "EUR");
  EXPECT_DOUBLE_EQ(a[1].value, 1400);
  EXPECT_EQ(a[1].currency, "USD");
}

TEST(ExtractAmountsTest, BareNumbersYearsAndOrdinalsAreNotAmounts) {
  EXPECT_TRUE(Amounts("Im Jahr 2024 arbeiteten 350 Menschen am 3. Mai dort.").empty());
  EXPECT_TRUE(Amounts("Milliarden von Dollar flossen in den Markt.").empty());
}

TEST(ParseGermanNumberTest, Notations) {
  double v = 0;
  EXPECT_TRUE(ParseGermanNumber("1.000.000", v));
  EXPECT_DOUBLE_EQ(v, 1e6);
  EXPECT_TRUE(ParseGermanNumber("1.250,75", v));
  EXPECT_DOUBLE_EQ(v, 1250.75);
  EXPECT_TRUE(ParseGermanNumber("3,5", v));
  EXPECT_DOUBLE_EQ(v, 3.5);
  EXPECT_TRUE(ParseGermanNumber("3.5", v));
  EXPECT_DOUBLE_EQ(v, 3.5);
  EXPECT_FALSE(ParseGermanNumber("2.2.2025", v));
  EXPECT_FALSE(ParseGermanNumber("14:30", v));
  EXPECT_FALSE(ParseGermanNumber("1.00.0", v));
}

}  // namespace
}  // namespace korpus::nlp
