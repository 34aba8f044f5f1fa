#include "libs/nlp/extract/dates.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/unit/nlp/extract_test_util.h"

namespace korpus::nlp {
namespace {

using testing::Slice;
using testing::TestPipeline;

std::vector<DateMention> Dates(const std::string& text,
                               std::optional<absl::CivilDay> article = std::nullopt) {
  return ExtractDates(text, TestPipeline(/*rules_only=*/true).Analyze(text), article);
}

bool Same(const CalendarDate& d, int y, int m, int day) {
  return d.year == y && d.month == m && d.day == day;
}

// Wednesday, 12 March 2025.
const absl::CivilDay kArticle(2025, 3, 12);

TEST(ExtractDatesTest, FullDateWithWeekday) {
  const std::string text = "Die Messe beginnt am Donnerstag, dem 6. November 2025, in Köln.";
  const std::vector<DateMention> d = Dates(text);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(Slice(text, d[0].begin, d[0].end), "Donnerstag, dem 6. November 2025");
  EXPECT_EQ(d[0].granularity, DateGranularity::kDay);
  EXPECT_TRUE(d[0].resolved);
  EXPECT_FALSE(d[0].relative);
  EXPECT_TRUE(Same(d[0].start, 2025, 11, 6));
  EXPECT_EQ(d[0].weekday, 4);
}

TEST(ExtractDatesTest, NumericDates) {
  const std::vector<DateMention> d = Dates("Frist ist der 31.12.2024, Start war 2023-04-01.");
  ASSERT_EQ(d.size(), 2u);
  EXPECT_TRUE(Same(d[0].start, 2024, 12, 31));
  EXPECT_TRUE(Same(d[1].start, 2023, 4, 1));
}

TEST(ExtractDatesTest, DayWithoutYearTakesTheNearestYear) {
  const std::string text = "Das Urteil fällt am 3. Januar.";
  const std::vector<DateMention> resolved = Dates(text, absl::CivilDay(2024, 12, 20));
  ASSERT_EQ(resolved.size(), 1u);
  EXPECT_TRUE(resolved[0].relative);
  EXPECT_TRUE(Same(resolved[0].start, 2025, 1, 3));
  const std::vector<DateMention> unresolved = Dates(text);
  ASSERT_EQ(unresolved.size(), 1u);
  EXPECT_FALSE(unresolved[0].resolved);
  EXPECT_TRUE(Same(unresolved[0].stated, 0, 1, 3));
}

TEST(ExtractDatesTest, YearsAndMonths) {
  const std::string text = "Im Jahr 2019 sank der Absatz, seit 2021 steigt er, im Juli soll "
                           "ein Modell kommen und im Oktober 2026 das nächste.";
  const std::vector<DateMention> d = Dates(text, kArticle);
  ASSERT_EQ(d.size(), 4u);
  EXPECT_EQ(Slice(text, d[0].begin, d[0].end), "Jahr 2019");
  EXPECT_EQ(d[0].granularity, DateGranularity::kYear);
  EXPECT_TRUE(Same(d[0].start, 2019, 1, 1));
  EXPECT_TRUE(Same(d[0].end_date, 2019, 12, 31));
  EXPECT_EQ(d[1].granularity, DateGranularity::kYear);
  EXPECT_EQ(d[2].granularity, DateGranularity::kMonth);
  EXPECT_TRUE(d[2].relative);
  EXPECT_TRUE(Same(d[2].start, 2025, 7, 1));
  EXPECT_TRUE(Same(d[2].end_date, 2025, 7, 31));
  EXPECT_FALSE(d[3].relative);
  EXPECT_TRUE(Same(d[3].end_date, 2026, 10, 31));
}

TEST(ExtractDatesTest, MonthNamesNeedContext) {
  // "Mai" and "August" are also names.
  EXPECT_TRUE(Dates("August Müller und Mai Nguyen gewannen.", kArticle).empty());
}

TEST(ExtractDatesTest, RelativeWeekWithPart) {
  const std::string text = "Anfang dieser Woche fiel die Aktie, nächste Woche berät der Rat.";
  const std::vector<DateMention> d = Dates(text, kArticle);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(Slice(text, d[0].begin, d[0].end), "Anfang dieser Woche");
  EXPECT_EQ(d[0].granularity, DateGranularity::kWeek);
  EXPECT_EQ(d[0].part, DatePart::kEarly);
  EXPECT_TRUE(Same(d[0].start, 2025, 3, 10));
  EXPECT_TRUE(Same(d[0].end_date, 2025, 3, 16));
  EXPECT_TRUE(Same(d[1].start, 2025, 3, 17));
}

TEST(ExtractDatesTest, RelativeWithoutArticleDateIsUnresolved) {
  const std::vector<DateMention> d = Dates("Im vergangenen Jahr und gestern regnete es.");
  ASSERT_EQ(d.size(), 2u);
  for (const DateMention& m : d) {
    EXPECT_TRUE(m.relative);
    EXPECT_FALSE(m.resolved);
  }
  EXPECT_EQ(d[0].granularity, DateGranularity::kYear);
  EXPECT_EQ(d[1].granularity, DateGranularity::kDay);
}

TEST(ExtractDatesTest, RelativeYearAndDayWords) {
  const std::vector<DateMention> d =
      Dates("Im vergangenen Jahr wuchs der Markt, gestern kam die Bilanz.", kArticle);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_TRUE(Same(d[0].start, 2024, 1, 1));
  EXPECT_TRUE(Same(d[1].start, 2025, 3, 11));
}

TEST(ExtractDatesTest, Seasons) {
  const std::string text = "Im Frühjahr beginnt der Bau, im Herbst 2027 soll er fertig sein.";
  const std::vector<DateMention> d = Dates(text, kArticle);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].granularity, DateGranularity::kSeason);
  EXPECT_EQ(d[0].season, Season::kSpring);
  EXPECT_TRUE(d[0].relative);
  EXPECT_TRUE(Same(d[0].start, 2025, 3, 1));
  EXPECT_TRUE(Same(d[0].end_date, 2025, 5, 31));
  EXPECT_EQ(d[1].season, Season::kAutumn);
  EXPECT_TRUE(Same(d[1].start, 2027, 9, 1));
}

TEST(ExtractDatesTest, QuartersAndAgo) {
  const std::vector<DateMention> d =
      Dates("Im dritten Quartal 2024 lag der Gewinn höher als vor zwei Jahren.", kArticle);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].granularity, DateGranularity::kQuarter);
  EXPECT_EQ(d[0].quarter, 3);
  EXPECT_TRUE(Same(d[0].start, 2024, 7, 1));
  EXPECT_TRUE(Same(d[0].end_date, 2024, 9, 30));
  EXPECT_EQ(d[1].granularity, DateGranularity::kYear);
  EXPECT_TRUE(Same(d[1].start, 2023, 1, 1));
}

TEST(ExtractDatesTest, BareWeekdayIsNotGuessed) {
  const std::vector<DateMention> d = Dates("Am Freitag trafen sich beide.", kArticle);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].weekday, 5);
  EXPECT_TRUE(d[0].relative);
  EXPECT_FALSE(d[0].resolved);
}

TEST(ExtractDatesTest, WeekdayWithDeterminerIsResolved) {
  const std::vector<DateMention> d = Dates("Letzten Freitag und nächsten Montag.", kArticle);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_TRUE(Same(d[0].start, 2025, 3, 7));
  EXPECT_TRUE(Same(d[1].start, 2025, 3, 17));
}

TEST(ExtractDatesTest, NarrativeRelativeIsUnresolved) {
  const std::vector<DateMention> d = Dates("Ein Jahr zuvor war alles anders.", kArticle);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].granularity, DateGranularity::kYear);
  EXPECT_FALSE(d[0].resolved);
}

TEST(ExtractDatesTest, TimeJoinsTheDateBeforeIt) {
  const std::string text = "Anpfiff ist am 14. Juni 2026 um 18:30 Uhr, Einlass ab 16 Uhr.";
  const std::vector<DateMention> d = Dates(text);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(Slice(text, d[0].begin, d[0].end), "14. Juni 2026 um 18:30 Uhr");
  EXPECT_EQ(d[0].hour, 18);
  EXPECT_EQ(d[0].minute, 30);
  EXPECT_EQ(d[1].granularity, DateGranularity::kTime);
  EXPECT_EQ(d[1].hour, 16);
  EXPECT_FALSE(d[1].resolved);
}

}  // namespace
}  // namespace korpus::nlp
