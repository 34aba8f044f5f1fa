// Dates and times, normalised against the article's date where one is known.
//
//   std::vector<DateMention> dates =
//       ExtractDates(text, analysis, absl::CivilDay(2025, 1, 31));
//   // "Freitag, dem 2. Februar 2025" -> day 2025-02-02
//   // "im Juli"                      -> month 2025-07 (relative, resolved)
//   // "Anfang dieser Woche"          -> week 2025-01-27..2025-02-02, kEarly
//   // "am Freitag"                   -> day, weekday 5, relative, NOT resolved
//
// Recognised (spans exclude prepositions such as "am", "im", "seit"):
// - full dates: [Wochentag,] [den|dem] 2. Februar [2025]; 2.2.2025,
//   02.02.25, 2025-02-02; "2. Feb." with abbreviated months;
// - months: Juli 2025; "im Juli" (a month name after a preposition or
//   Anfang/Mitte/Ende, or before a year, since "Mai" and "August" are also
//   names);
// - years: "im Jahr 2022", "2022" after a preposition ("seit 2019"),
//   "Anfang 2025";
// - seasons: (im) Frühjahr/Frühling/Sommer/Herbst/Winter [2025], with
//   dieses/letzten/nächsten; quarters: "im ersten Quartal 2025", "Q3 2024";
// - relative: heute, gestern, vorgestern, morgen, übermorgen; diese/
//   letzte/vergangene/vorige/nächste/kommende Woche/Monat/Jahr, Vorjahr,
//   heuer; "vor zwei Jahren"; optional Anfang/Mitte/Ende before them;
//   weekdays with letzten/vergangenen/nächsten/kommenden/diesen;
// - times: "14 Uhr", "14:30 Uhr", "14.30 Uhr", joined to a date right before
//   them ("am 2. Februar um 14 Uhr").
// A relative expression is resolved only when article_date is given, and a
// bare weekday ("am Freitag") or a narrative-relative one ("ein Jahr
// zuvor") never is: it says `resolved = false` rather than guessing. A day
// and month without a year take the year that puts them nearest the
// article date.
//
// Needs only tokens (works without models). Linear time. Thread-safety: a
// pure function.
#ifndef KORPUS_LIBS_NLP_EXTRACT_DATES_H_
#define KORPUS_LIBS_NLP_EXTRACT_DATES_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "absl/time/civil_time.h"
#include "libs/nlp/pipeline.h"

namespace korpus::nlp {

enum class DateGranularity : uint8_t {
  kDay = 1,
  kWeek = 2,
  kMonth = 3,
  kSeason = 4,
  kQuarter = 5,
  kYear = 6,
  kTime = 7,  // a time of day without a date ("um 14 Uhr")
};

// Anfang / Mitte / Ende of the period. (Enum values match the proposed
// proto enums, whose 0 is _UNSPECIFIED.)
enum class DatePart : uint8_t { kWhole = 1, kEarly = 2, kMid = 3, kLate = 4 };

enum class Season : uint8_t { kNone = 0, kSpring = 1, kSummer = 2, kAutumn = 3, kWinter = 4 };

std::string_view DateGranularityName(DateGranularity g);  // "day", "week", ...
std::string_view DatePartName(DatePart part);             // "whole", "early", ...
std::string_view SeasonName(Season season);               // "none", "spring", ...

// A calendar date; 0 in a field means unknown.
struct CalendarDate {
  int32_t year = 0;
  int32_t month = 0;  // 1..12
  int32_t day = 0;    // 1..31
};

struct DateMention {
  uint32_t begin = 0;  // UTF-8 byte offsets into the text, half-open
  uint32_t end = 0;
  DateGranularity granularity = DateGranularity::kDay;
  // True when the expression depends on the article date ("im Juli",
  // "gestern", "am 2. Februar" without a year).
  bool relative = false;
  // True when [start, end_date] is known; false for unresolved relative
  // expressions (no article date, a bare weekday, "ein Jahr zuvor").
  bool resolved = false;
  // The period, inclusive, when resolved. A day has start == end_date; a
  // season or week the first and last day; a month or year likewise.
  CalendarDate start;
  CalendarDate end_date;
  // What the text states (0 / kNone when it does not say).
  CalendarDate stated;  // "2. Februar" -> {0, 2, 2}
  int32_t weekday = 0;  // 1 = Montag .. 7 = Sonntag
  Season season = Season::kNone;
  int32_t quarter = 0;  // 1..4
  DatePart part = DatePart::kWhole;
  int32_t hour = -1;    // time of day, -1 when none
  int32_t minute = -1;
};

// The dates and times in `text` in order; `analysis` must be
// Pipeline::Analyze(text) (tokens suffice). `article_date` is the
// publication date used to resolve relative expressions.
std::vector<DateMention> ExtractDates(std::string_view text, const AnalyzedText& analysis,
                                      std::optional<absl::CivilDay> article_date);

}  // namespace korpus::nlp

#endif  // KORPUS_LIBS_NLP_EXTRACT_DATES_H_
