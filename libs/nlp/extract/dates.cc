#include "libs/nlp/extract/dates.h"

#include <cstdlib>
#include <string>

#include "libs/nlp/extract/extract_util.h"

namespace korpus::nlp {
namespace {

using extract_internal::LowerToken;

struct Named {
  std::string_view word;
  int value;
};

constexpr Named kMonths[] = {
    {"januar", 1},   {"jänner", 1},   {"jan.", 1},     {"februar", 2},   {"feb.", 2},
    {"febr.", 2},    {"märz", 3},     {"mär.", 3},     {"april", 4},     {"apr.", 4},
    {"mai", 5},      {"juni", 6},     {"jun.", 6},     {"juli", 7},      {"jul.", 7},
    {"august", 8},   {"aug.", 8},     {"september", 9}, {"sep.", 9},     {"sept.", 9},
    {"oktober", 10}, {"okt.", 10},    {"november", 11}, {"nov.", 11},    {"dezember", 12},
    {"dez.", 12},
};

constexpr Named kWeekdays[] = {
    {"montag", 1},  {"dienstag", 2}, {"mittwoch", 3}, {"donnerstag", 4},
    {"freitag", 5}, {"samstag", 6},  {"sonnabend", 6}, {"sonntag", 7},
};

constexpr Named kSeasons[] = {
    {"frühjahr", 1}, {"frühjahrs", 1}, {"frühling", 1}, {"frühlings", 1}, {"sommer", 2},
    {"sommers", 2},  {"herbst", 3},    {"herbstes", 3}, {"herbsts", 3},   {"winter", 4},
    {"winters", 4},
};

// Determiners that place a period relative to the article date.
constexpr Named kOffsets[] = {
    {"diese", 0},       {"dieser", 0},      {"dieses", 0},      {"diesen", 0},
    {"diesem", 0},      {"laufenden", 0},   {"laufende", 0},    {"letzte", -1},
    {"letzten", -1},    {"letzter", -1},    {"letztes", -1},    {"letztem", -1},
    {"vergangene", -1}, {"vergangenen", -1}, {"vergangener", -1}, {"vergangenes", -1},
    {"vergangenem", -1}, {"vorige", -1},    {"vorigen", -1},    {"voriger", -1},
    {"voriges", -1},    {"vorigem", -1},    {"nächste", 1},     {"nächsten", 1},
    {"nächster", 1},    {"nächstes", 1},    {"nächstem", 1},    {"kommende", 1},
    {"kommenden", 1},   {"kommender", 1},   {"kommendes", 1},   {"kommendem", 1},
};

// 1 day, 2 week, 3 month, 5 quarter, 6 year (DateGranularity values).
constexpr Named kUnits[] = {
    {"tag", 1},     {"tage", 1},    {"tagen", 1},    {"tages", 1},   {"woche", 2},
    {"wochen", 2},  {"monat", 3},   {"monate", 3},   {"monaten", 3}, {"monats", 3},
    {"quartal", 5}, {"quartals", 5}, {"jahr", 6},    {"jahre", 6},   {"jahren", 6},
    {"jahres", 6},  {"jahrs", 6},
};

constexpr Named kSmallNumbers[] = {
    {"ein", 1},  {"einem", 1}, {"einer", 1}, {"einen", 1}, {"eine", 1},  {"zwei", 2},
    {"drei", 3}, {"vier", 4},  {"fünf", 5},  {"sechs", 6}, {"sieben", 7}, {"acht", 8},
    {"neun", 9}, {"zehn", 10}, {"elf", 11},  {"zwölf", 12},
};

constexpr Named kQuarterOrdinals[] = {
    {"ersten", 1}, {"erste", 1}, {"zweiten", 2}, {"zweite", 2},
    {"dritten", 3}, {"dritte", 3}, {"vierten", 4}, {"vierte", 4},
};

// Words after which a month, season or bare year is a date.
constexpr std::string_view kDatePrepositions[] = {
    "im", "in", "am", "an", "seit", "bis", "ab", "vom", "von", "zum", "nach", "vor",
    "anfang", "mitte", "ende", "des", "den", "dem", "der", "gegen", "zwischen", "über",
    "für", "jahr", "jahre", "jahres", "sommer", "herbst", "winter", "frühjahr", "frühling",
};

template <size_t N>
int Lookup(const Named (&table)[N], std::string_view word, int none = 0) {
  for (const Named& entry : table) {
    if (entry.word == word) return entry.value;
  }
  return none;
}

bool IsDatePreposition(std::string_view word) {
  for (std::string_view p : kDatePrepositions) {
    if (p == word) return true;
  }
  return false;
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int ToInt(std::string_view s) { return std::atoi(std::string(s).c_str()); }

// A valid day, or nullopt ("30. Februar").
std::optional<absl::CivilDay> MakeDay(int year, int month, int day) {
  if (month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
  const absl::CivilDay d(year, month, day);
  if (d.month() != month || d.day() != day) return std::nullopt;
  return d;
}

CalendarDate ToDate(absl::CivilDay d) {
  return CalendarDate{static_cast<int32_t>(d.year()), d.month(), d.day()};
}

int WeekdayIndex(absl::CivilDay d) {  // 1 = Monday .. 7 = Sunday
  return static_cast<int>(absl::GetWeekday(d)) + 1;  // absl: monday == 0
}

class DateScanner {
 public:
  DateScanner(std::string_view text, const AnalyzedText& analysis,
              std::optional<absl::CivilDay> article)
      : text_(text), tokens_(analysis.tokens), article_(article) {
    lower_.reserve(tokens_.size());
    for (const Token& token : tokens_) lower_.push_back(LowerToken(text, token));
  }

  std::vector<DateMention> Run();

 private:
  std::string_view Lower(uint32_t t) const {
    return t < tokens_.size() ? std::string_view(lower_[t]) : std::string_view();
  }
  int YearAt(uint32_t t) const {
    if (t >= tokens_.size() || tokens_[t].kind != TokenKind::kNumber) return 0;
    const std::string_view s = tokens_[t].Text(text_);
    if (s.size() != 4 || !AllDigits(s)) return 0;
    const int year = ToInt(s);
    return year >= 1800 && year <= 2200 ? year : 0;
  }
  // After a preposition, or after "und" following a month ("März und Mai").
  bool Preceded(uint32_t t) const {
    if (t == 0) return false;
    if (lower_[t - 1] == "und") return t >= 2 && Lookup(kMonths, lower_[t - 2]) > 0;
    return IsDatePreposition(lower_[t - 1]);
  }
  // The start of a period's span: a preceding Anfang/Mitte/Ende is included.
  DatePart PartBefore(uint32_t t) const {
    if (t == 0) return DatePart::kWhole;
    const std::string_view w = lower_[t - 1];
    if (w == "anfang") return DatePart::kEarly;
    if (w == "mitte") return DatePart::kMid;
    if (w == "ende") return DatePart::kLate;
    return DatePart::kWhole;
  }

  void Resolve(DateMention& m, absl::CivilDay start, absl::CivilDay end) const {
    m.resolved = true;
    m.start = ToDate(start);
    m.end_date = ToDate(end);
  }
  void ResolveMonth(DateMention& m, int year, int month) const {
    const absl::CivilMonth cm(year, month);
    Resolve(m, absl::CivilDay(cm), absl::CivilDay(cm + 1) - 1);
  }
  void ResolveYear(DateMention& m, int year) const {
    Resolve(m, absl::CivilDay(year, 1, 1), absl::CivilDay(year, 12, 31));
  }
  void ResolveSeason(DateMention& m, int year, Season season) const {
    const int first_month = 3 * static_cast<int>(season);  // spring 3, ..., winter 12
    const absl::CivilMonth cm(year, first_month);
    Resolve(m, absl::CivilDay(cm), absl::CivilDay(cm + 3) - 1);
  }
  void ResolveQuarter(DateMention& m, int year, int quarter) const {
    const absl::CivilMonth cm(year, 3 * (quarter - 1) + 1);
    Resolve(m, absl::CivilDay(cm), absl::CivilDay(cm + 3) - 1);
  }
  void ResolveWeek(DateMention& m, absl::CivilDay any_day) const {
    const absl::CivilDay monday = any_day - (WeekdayIndex(any_day) - 1);
    Resolve(m, monday, monday + 6);
  }

  // Each matcher returns the token after the match, or 0 for no match.
  uint32_t MatchDay(uint32_t t, DateMention& m) const;
  uint32_t MatchWeekday(uint32_t t, DateMention& m) const;
  uint32_t MatchRelativePeriod(uint32_t t, DateMention& m) const;
  uint32_t MatchMonthOrSeason(uint32_t t, DateMention& m) const;
  uint32_t MatchYear(uint32_t t, DateMention& m) const;
  uint32_t MatchQuarter(uint32_t t, DateMention& m) const;
  uint32_t MatchDayWord(uint32_t t, DateMention& m) const;
  uint32_t MatchAgo(uint32_t t, DateMention& m) const;
  uint32_t MatchTime(uint32_t t, DateMention& m) const;

  std::string_view text_;
  const std::vector<Token>& tokens_;
  std::optional<absl::CivilDay> article_;
  std::vector<std::string> lower_;
};

// [Wochentag,] [den|dem] 2. Februar [2025]; 2.2.2025; 2025-02-02.
uint32_t DateScanner::MatchDay(uint32_t t, DateMention& m) const {
  uint32_t p = t;
  const int weekday = Lookup(kWeekdays, Lower(p));
  if (weekday > 0) {
    ++p;
    if (Lower(p) == ",") ++p;
    if (Lower(p) == "den" || Lower(p) == "dem") ++p;
  }
  int year = 0, month = 0, day = 0;
  uint32_t u = 0;
  if (p < tokens_.size() && tokens_[p].kind == TokenKind::kOrdinal) {
    const std::string_view s = tokens_[p].Text(text_);
    month = Lookup(kMonths, Lower(p + 1));
    if (month > 0 && AllDigits(s.substr(0, s.size() - 1)) && s.size() <= 3) {
      day = ToInt(s);
      u = p + 2;
      year = YearAt(u);
      if (year > 0) ++u;
    }
  }
  if (u == 0 && p < tokens_.size()) {
    const std::string_view s = tokens_[p].Text(text_);
    // d.m.yyyy / dd.mm.yy
    const size_t dot1 = s.find('.');
    const size_t dot2 = dot1 == std::string_view::npos ? dot1 : s.find('.', dot1 + 1);
    if (dot2 != std::string_view::npos && AllDigits(s.substr(0, dot1)) &&
        AllDigits(s.substr(dot1 + 1, dot2 - dot1 - 1)) && AllDigits(s.substr(dot2 + 1)) &&
        dot1 <= 2 && dot2 - dot1 - 1 <= 2) {
      const std::string_view y = s.substr(dot2 + 1);
      if (y.size() == 4 || y.size() == 2) {
        day = ToInt(s.substr(0, dot1));
        month = ToInt(s.substr(dot1 + 1, dot2 - dot1 - 1));
        year = ToInt(y) + (y.size() == 2 ? 2000 : 0);
        u = p + 1;
      }
    }
    // yyyy-mm-dd
    if (u == 0 && s.size() == 10 && s[4] == '-' && s[7] == '-' && AllDigits(s.substr(0, 4)) &&
        AllDigits(s.substr(5, 2)) && AllDigits(s.substr(8, 2))) {
      year = ToInt(s.substr(0, 4));
      month = ToInt(s.substr(5, 2));
      day = ToInt(s.substr(8, 2));
      u = p + 1;
    }
  }
  if (u == 0) return 0;
  // Validate against a leap year when the year is unknown, so 29.2. passes.
  if (!MakeDay(year > 0 ? year : 2024, month, day)) return 0;
  m.granularity = DateGranularity::kDay;
  m.stated = CalendarDate{year, month, day};
  m.weekday = weekday;
  if (year > 0) {
    const absl::CivilDay d = *MakeDay(year, month, day);
    Resolve(m, d, d);
  } else if (article_) {
    // The year that puts the day nearest the article date.
    m.relative = true;
    std::optional<absl::CivilDay> best;
    for (int y = static_cast<int>(article_->year()) - 1; y <= article_->year() + 1; ++y) {
      std::optional<absl::CivilDay> d = MakeDay(y, month, day);
      if (d && (!best || std::abs(*d - *article_) < std::abs(*best - *article_))) best = d;
    }
    Resolve(m, *best, *best);
  } else {
    m.relative = true;
  }
  return u;
}

// [letzten|nächsten|diesen] Freitag.
uint32_t DateScanner::MatchWeekday(uint32_t t, DateMention& m) const {
  int offset = 99;
  uint32_t p = t;
  if (Lookup(kOffsets, Lower(p), 99) != 99 && Lookup(kWeekdays, Lower(p + 1)) > 0) {
    offset = Lookup(kOffsets, Lower(p), 99);
    ++p;
  }
  const int weekday = Lookup(kWeekdays, Lower(p));
  if (weekday == 0) return 0;
  m.granularity = DateGranularity::kDay;
  m.weekday = weekday;
  m.relative = true;
  if (offset != 99 && article_) {
    const int today = WeekdayIndex(*article_);
    absl::CivilDay d = *article_;
    if (offset == 0) {
      d = *article_ + (weekday - today);  // this week's
    } else if (offset < 0) {
      d = *article_ - ((today - weekday + 6) % 7 + 1);  // the last one before
    } else {
      d = *article_ + ((weekday - today + 6) % 7 + 1);  // the next one after
    }
    Resolve(m, d, d);
    m.stated = CalendarDate{};
  }
  return p + 1;
}

// [Anfang|Mitte|Ende] diese/letzte/nächste Woche|Monat|Jahr|Quartal|Sommer.
uint32_t DateScanner::MatchRelativePeriod(uint32_t t, DateMention& m) const {
  const int offset = Lookup(kOffsets, Lower(t), 99);
  if (offset == 99) return 0;
  const std::string_view unit_word = Lower(t + 1);
  const int unit = Lookup(kUnits, unit_word);
  const int season = Lookup(kSeasons, unit_word);
  if ((unit == 0 || unit == 1) && season == 0) return 0;
  m.relative = true;
  m.part = PartBefore(t);
  if (season > 0) {
    m.granularity = DateGranularity::kSeason;
    m.season = static_cast<Season>(season);
    if (article_) {
      int year = static_cast<int>(article_->year()) + offset;
      if (m.season == Season::kWinter && article_->month() <= 2 && offset == 0) --year;
      ResolveSeason(m, year, m.season);
    }
    return t + 2;
  }
  m.granularity = static_cast<DateGranularity>(unit);
  // "in den letzten Monaten": a vague stretch of time, not one period.
  const bool plural = unit_word == "wochen" || unit_word == "monate" || unit_word == "monaten" ||
                      unit_word == "jahre" || unit_word == "jahren";
  if (!article_ || plural) return t + 2;
  switch (m.granularity) {
    case DateGranularity::kWeek:
      ResolveWeek(m, *article_ + 7 * offset);
      break;
    case DateGranularity::kMonth: {
      const absl::CivilMonth month = absl::CivilMonth(*article_) + offset;
      ResolveMonth(m, static_cast<int>(month.year()), month.month());
      break;
    }
    case DateGranularity::kQuarter: {
      int quarter = (article_->month() - 1) / 3 + 1 + offset;
      int year = static_cast<int>(article_->year());
      if (quarter < 1) {
        quarter += 4;
        --year;
      } else if (quarter > 4) {
        quarter -= 4;
        ++year;
      }
      m.quarter = quarter;
      ResolveQuarter(m, year, quarter);
      break;
    }
    default:
      ResolveYear(m, static_cast<int>(article_->year()) + offset);
  }
  return t + 2;
}

// Juli [2025], Frühjahr [2025]: with a year, or after a preposition.
uint32_t DateScanner::MatchMonthOrSeason(uint32_t t, DateMention& m) const {
  const int month = Lookup(kMonths, Lower(t));
  const int season = Lookup(kSeasons, Lower(t));
  if (month == 0 && season == 0) return 0;
  const int year = YearAt(t + 1);
  if (year == 0 && !Preceded(t)) return 0;
  // A capitalised token only: "mai" is not a month.
  if (!extract_internal::StartsUpperCase(tokens_[t].Text(text_))) return 0;
  m.part = PartBefore(t);
  m.stated.year = year;
  if (month > 0) {
    m.granularity = DateGranularity::kMonth;
    m.stated.month = month;
    if (year > 0) {
      ResolveMonth(m, year, month);
    } else {
      m.relative = true;
      if (article_) ResolveMonth(m, static_cast<int>(article_->year()), month);
    }
  } else {
    m.granularity = DateGranularity::kSeason;
    m.season = static_cast<Season>(season);
    if (year > 0) {
      ResolveSeason(m, year, m.season);
    } else {
      m.relative = true;
      if (article_) {
        int y = static_cast<int>(article_->year());
        if (m.season == Season::kWinter && article_->month() <= 2) --y;
        ResolveSeason(m, y, m.season);
      }
    }
  }
  return year > 0 ? t + 2 : t + 1;
}

// "Jahr 2022", "2022" after a preposition, Vorjahr, heuer.
uint32_t DateScanner::MatchYear(uint32_t t, DateMention& m) const {
  const std::string_view w = Lower(t);
  if (w == "vorjahr" || w == "vorjahres" || w == "vorjahrs" || w == "heuer") {
    m.granularity = DateGranularity::kYear;
    m.relative = true;
    if (article_) ResolveYear(m, static_cast<int>(article_->year()) - (w == "heuer" ? 0 : 1));
    return t + 1;
  }
  uint32_t p = t;
  if ((w == "jahr" || w == "jahre" || w == "jahres") && YearAt(t + 1) > 0) ++p;
  const int year = YearAt(p);
  if (year == 0 || (p == t && !Preceded(t))) return 0;
  // "2022 Euro", "2022 Mitarbeiter": a count, not a year.
  if (p + 1 < tokens_.size() && tokens_[p + 1].kind == TokenKind::kWord &&
      extract_internal::StartsUpperCase(tokens_[p + 1].Text(text_)) && p == t) {
    return 0;
  }
  m.granularity = DateGranularity::kYear;
  m.part = PartBefore(t);
  m.stated.year = year;
  ResolveYear(m, year);
  return p + 1;
}

// "ersten Quartal [2025]", "Q3 [2024]".
uint32_t DateScanner::MatchQuarter(uint32_t t, DateMention& m) const {
  int quarter = 0;
  uint32_t p = t;
  const std::string_view w = Lower(t);
  if (w.size() == 2 && w[0] == 'q' && w[1] >= '1' && w[1] <= '4') {
    quarter = w[1] - '0';
    p = t + 1;
  } else if (Lookup(kQuarterOrdinals, w) > 0 && (Lower(t + 1) == "quartal" || Lower(t + 1) == "quartals")) {
    quarter = Lookup(kQuarterOrdinals, w);
    p = t + 2;
  } else {
    return 0;
  }
  const int year = YearAt(p);
  m.granularity = DateGranularity::kQuarter;
  m.quarter = quarter;
  m.stated.year = year;
  if (year > 0) {
    ResolveQuarter(m, year, quarter);
    return p + 1;
  }
  m.relative = true;
  if (article_) ResolveQuarter(m, static_cast<int>(article_->year()), quarter);
  return p;
}

// heute, gestern, vorgestern, morgen, übermorgen (lower case only: "Morgen"
// is also the noun).
uint32_t DateScanner::MatchDayWord(uint32_t t, DateMention& m) const {
  const std::string_view s = tokens_[t].Text(text_);
  int offset = 99;
  if (s == "heute" || s == "Heute") offset = 0;
  if (s == "gestern" || s == "Gestern") offset = -1;
  if (s == "vorgestern" || s == "Vorgestern") offset = -2;
  if (s == "morgen") offset = 1;
  if (s == "übermorgen" || s == "Übermorgen") offset = 2;
  if (offset == 99) return 0;
  m.granularity = DateGranularity::kDay;
  m.relative = true;
  if (article_) Resolve(m, *article_ + offset, *article_ + offset);
  return t + 1;
}

// "vor zwei Jahren" (resolved against the article date); "ein Jahr zuvor",
// "drei Tage später" (relative to the narrative: unresolved).
uint32_t DateScanner::MatchAgo(uint32_t t, DateMention& m) const {
  const bool ago = Lower(t) == "vor";
  const uint32_t n = ago ? t + 1 : t;
  int count = Lookup(kSmallNumbers, Lower(n));
  if (count == 0 && n < tokens_.size() && tokens_[n].kind == TokenKind::kNumber &&
      AllDigits(tokens_[n].Text(text_)) && tokens_[n].size() <= 3) {
    count = ToInt(tokens_[n].Text(text_));
  }
  if (count == 0) return 0;
  const int unit = Lookup(kUnits, Lower(n + 1));
  if (unit == 0) return 0;
  m.granularity = static_cast<DateGranularity>(unit);
  m.relative = true;
  if (!ago) {
    const std::string_view after = Lower(n + 2);
    if (after != "zuvor" && after != "später" && after != "danach" && after != "davor" &&
        after != "darauf") {
      return 0;
    }
    return n + 3;  // relative to another event of the story: never resolved
  }
  if (!article_) return n + 2;
  switch (m.granularity) {
    case DateGranularity::kDay:
      Resolve(m, *article_ - count, *article_ - count);
      break;
    case DateGranularity::kWeek:
      ResolveWeek(m, *article_ - 7 * count);
      break;
    case DateGranularity::kMonth: {
      const absl::CivilMonth month = absl::CivilMonth(*article_) - count;
      ResolveMonth(m, static_cast<int>(month.year()), month.month());
      break;
    }
    case DateGranularity::kQuarter: {
      const absl::CivilMonth month = absl::CivilMonth(*article_) - 3 * count;
      m.quarter = (month.month() - 1) / 3 + 1;
      ResolveQuarter(m, static_cast<int>(month.year()), m.quarter);
      break;
    }
    default:
      ResolveYear(m, static_cast<int>(article_->year()) - count);
  }
  return n + 2;
}

// "14 Uhr", "14:30 Uhr", "14.30 Uhr".
uint32_t DateScanner::MatchTime(uint32_t t, DateMention& m) const {
  if (Lower(t + 1) != "uhr" || tokens_[t].kind != TokenKind::kNumber) return 0;
  const std::string_view s = tokens_[t].Text(text_);
  int hour = -1, minute = 0;
  if (AllDigits(s) && s.size() <= 2) {
    hour = ToInt(s);
  } else if (s.size() == 5 && (s[2] == ':' || s[2] == '.') && AllDigits(s.substr(0, 2)) &&
             AllDigits(s.substr(3))) {
    hour = ToInt(s.substr(0, 2));
    minute = ToInt(s.substr(3));
  } else if (s.size() == 4 && (s[1] == ':' || s[1] == '.') && AllDigits(s.substr(0, 1)) &&
             AllDigits(s.substr(2))) {
    hour = ToInt(s.substr(0, 1));
    minute = ToInt(s.substr(2));
  }
  if (hour < 0 || hour > 24 || minute > 59) return 0;
  m.granularity = DateGranularity::kTime;
  m.hour = hour;
  m.minute = minute;
  m.relative = true;  // which day is unknown unless a date precedes it
  return t + 2;
}

std::vector<DateMention> DateScanner::Run() {
  std::vector<DateMention> out;
  std::vector<uint32_t> last_token;  // per mention, its last token
  using Matcher = uint32_t (DateScanner::*)(uint32_t, DateMention&) const;
  static constexpr Matcher kMatchers[] = {
      &DateScanner::MatchDay,   &DateScanner::MatchRelativePeriod, &DateScanner::MatchWeekday,
      &DateScanner::MatchQuarter, &DateScanner::MatchMonthOrSeason, &DateScanner::MatchYear,
      &DateScanner::MatchDayWord, &DateScanner::MatchAgo,           &DateScanner::MatchTime,
  };
  for (uint32_t t = 0; t < tokens_.size();) {
    uint32_t next = 0;
    DateMention m;
    for (Matcher matcher : kMatchers) {
      m = DateMention{};
      next = (this->*matcher)(t, m);
      if (next > t) break;
    }
    if (next <= t) {
      ++t;
      continue;
    }
    uint32_t first = t;
    if (m.part != DatePart::kWhole) --first;  // include Anfang/Mitte/Ende
    m.begin = tokens_[first].begin;
    m.end = tokens_[next - 1].end;
    // A time right after a date ("am 2. Februar um 14 Uhr") belongs to it.
    if (m.granularity == DateGranularity::kTime && !out.empty() &&
        (out.back().granularity == DateGranularity::kDay) &&
        (last_token.back() + 1 == first ||
         (last_token.back() + 2 == first && (Lower(first - 1) == "um" || Lower(first - 1) == ",")))) {
      out.back().hour = m.hour;
      out.back().minute = m.minute;
      out.back().end = m.end;
      last_token.back() = next - 1;
    } else {
      out.push_back(m);
      last_token.push_back(next - 1);
    }
    t = next;
  }
  return out;
}

}  // namespace

std::string_view DateGranularityName(DateGranularity g) {
  switch (g) {
    case DateGranularity::kDay: return "day";
    case DateGranularity::kWeek: return "week";
    case DateGranularity::kMonth: return "month";
    case DateGranularity::kSeason: return "season";
    case DateGranularity::kQuarter: return "quarter";
    case DateGranularity::kYear: return "year";
    case DateGranularity::kTime: return "time";
  }
  return "unknown";
}

std::string_view DatePartName(DatePart part) {
  switch (part) {
    case DatePart::kWhole: return "whole";
    case DatePart::kEarly: return "early";
    case DatePart::kMid: return "mid";
    case DatePart::kLate: return "late";
  }
  return "unknown";
}

std::string_view SeasonName(Season season) {
  switch (season) {
    case Season::kNone: return "none";
    case Season::kSpring: return "spring";
    case Season::kSummer: return "summer";
    case Season::kAutumn: return "autumn";
    case Season::kWinter: return "winter";
  }
  return "unknown";
}

std::vector<DateMention> ExtractDates(std::string_view text, const AnalyzedText& analysis,
                                      std::optional<absl::CivilDay> article_date) {
  return DateScanner(text, analysis, article_date).Run();
}

}  // namespace korpus::nlp
