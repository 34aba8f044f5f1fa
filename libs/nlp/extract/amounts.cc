#include "libs/nlp/extract/amounts.h"

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <string>

#include "libs/nlp/extract/extract_util.h"

namespace korpus::nlp {
namespace {

using extract_internal::LowerToken;

struct WordValue {
  std::string_view word;
  double value;
};

constexpr WordValue kNumberWords[] = {
    {"ein", 1},        {"eine", 1},      {"einer", 1},      {"einem", 1},      {"einen", 1},
    {"eines", 1},      {"zwei", 2},      {"drei", 3},       {"vier", 4},       {"fünf", 5},
    {"sechs", 6},      {"sieben", 7},    {"acht", 8},       {"neun", 9},       {"zehn", 10},
    {"elf", 11},       {"zwölf", 12},    {"zwanzig", 20},   {"dreißig", 30},   {"vierzig", 40},
    {"fünfzig", 50},   {"hundert", 100}, {"tausend", 1000}, {"anderthalb", 1.5},
    {"eineinhalb", 1.5}, {"zweieinhalb", 2.5},
};

constexpr WordValue kScales[] = {
    {"tausend", 1e3},    {"tsd.", 1e3},        {"mio.", 1e6},       {"mio", 1e6},
    {"million", 1e6},    {"millionen", 1e6},   {"mrd.", 1e9},       {"mrd", 1e9},
    {"milliarde", 1e9},  {"milliarden", 1e9},  {"bio.", 1e12},      {"billion", 1e12},
    {"billionen", 1e12},
};

struct Currency {
  std::string_view word;
  std::string_view code;
};

constexpr Currency kCurrencies[] = {
    {"dollar", "USD"},    {"us-dollar", "USD"}, {"$", "USD"},      {"us$", "USD"},
    {"usd", "USD"},       {"euro", "EUR"},      {"€", "EUR"},      {"eur", "EUR"},
    {"franken", "CHF"},   {"chf", "CHF"},       {"pfund", "GBP"},  {"£", "GBP"},
    {"gbp", "GBP"},       {"yen", "JPY"},       {"¥", "JPY"},      {"jpy", "JPY"},
    {"yuan", "CNY"},      {"renminbi", "CNY"},  {"cny", "CNY"},    {"rmb", "CNY"},
    {"rubel", "RUB"},     {"rub", "RUB"},       {"won", "KRW"},    {"krw", "KRW"},
    {"rupien", "INR"},    {"inr", "INR"},       {"cent", "EUR"},
};

struct Qualifier {
  std::string_view first;
  std::string_view second;  // empty for one-word qualifiers
  Approximation approximation;
};

constexpr Qualifier kQualifiers[] = {
    {"mehr", "als", Approximation::kMoreThan},  {"weniger", "als", Approximation::kLessThan},
    {"bis", "zu", Approximation::kUpTo},        {"etwa", "", Approximation::kAbout},
    {"rund", "", Approximation::kAbout},        {"ca.", "", Approximation::kAbout},
    {"circa", "", Approximation::kAbout},       {"zirka", "", Approximation::kAbout},
    {"ungefähr", "", Approximation::kAbout},    {"knapp", "", Approximation::kAbout},
    {"fast", "", Approximation::kAbout},        {"beinahe", "", Approximation::kAbout},
    {"annähernd", "", Approximation::kAbout},   {"über", "", Approximation::kMoreThan},
    {"unter", "", Approximation::kLessThan},    {"mindestens", "", Approximation::kAtLeast},
    {"höchstens", "", Approximation::kUpTo},    {"maximal", "", Approximation::kUpTo},
};

template <typename T, size_t N>
const T* Find(const T (&table)[N], std::string_view word) {
  for (const T& entry : table) {
    if (entry.word == word) return &entry;
  }
  return nullptr;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

class AmountScanner {
 public:
  AmountScanner(std::string_view text, const AnalyzedText& analysis)
      : text_(text), tokens_(analysis.tokens) {
    lower_.reserve(tokens_.size());
    for (const Token& token : tokens_) lower_.push_back(LowerToken(text, token));
  }

  std::vector<Amount> Run();

 private:
  struct Number {
    double value = 0;
    uint32_t next = 0;  // the token after it
    bool word = false;  // a number word ("eine")
    double second = 0;  // "3-4" as one token: the upper bound
    bool has_second = false;
  };
  // A number at t (digits, or a number word when `allow_words`).
  std::optional<Number> NumberAt(uint32_t t, bool allow_words) const;
  double ScaleAt(uint32_t t) const {
    if (t >= tokens_.size()) return 0;
    const WordValue* scale = Find(kScales, lower_[t]);
    return scale != nullptr ? scale->value : 0;
  }
  const Currency* CurrencyAt(uint32_t t) const {
    return t < tokens_.size() ? Find(kCurrencies, lower_[t]) : nullptr;
  }
  bool Is(uint32_t t, std::string_view s) const { return t < tokens_.size() && lower_[t] == s; }

  std::string_view text_;
  const std::vector<Token>& tokens_;
  std::vector<std::string> lower_;
};

std::optional<AmountScanner::Number> AmountScanner::NumberAt(uint32_t t, bool allow_words) const {
  if (t >= tokens_.size()) return std::nullopt;
  Number n;
  n.next = t + 1;
  const std::string_view s = tokens_[t].Text(text_);
  if (tokens_[t].kind == TokenKind::kNumber && ParseGermanNumber(s, n.value)) return n;
  // "3-4" / "3–4" as one token.
  if (!s.empty() && IsDigit(s[0])) {
    for (std::string_view dash : {"-", "\xE2\x80\x93"}) {
      const size_t at = s.find(dash);
      if (at != std::string_view::npos && ParseGermanNumber(s.substr(0, at), n.value) &&
          ParseGermanNumber(s.substr(at + dash.size()), n.second)) {
        n.has_second = true;
        return n;
      }
    }
  }
  if (allow_words) {
    if (const WordValue* word = Find(kNumberWords, lower_[t]); word != nullptr) {
      n.value = word->value;
      n.word = true;
      return n;
    }
  }
  return std::nullopt;
}

std::vector<Amount> AmountScanner::Run() {
  std::vector<Amount> out;
  uint32_t t = 0;
  while (t < tokens_.size()) {
    std::optional<Number> number = NumberAt(t, /*allow_words=*/true);
    if (!number) {
      ++t;
      continue;
    }
    const uint32_t start = t;
    // A currency sign or code before the number: "$5", "€ 20", "USD 3".
    const Currency* currency = start > 0 ? CurrencyAt(start - 1) : nullptr;
    if (currency != nullptr && tokens_[start - 1].kind == TokenKind::kWord &&
        currency->word != "usd" && currency->word != "eur") {
      currency = nullptr;  // "Euro 5" is not how German writes amounts
    }
    uint32_t first = currency != nullptr ? start - 1 : start;
    uint32_t u = number->next;
    double scale = ScaleAt(u);
    if (scale > 0) ++u;
    // Ranges: "3 bis 4", "3 - 4", "zwischen 3 und 4".
    bool is_range = number->has_second;
    double low = number->value, high = number->second;
    double high_scale = 0;
    const bool between = start > 0 && Is(start - 1, "zwischen") && currency == nullptr;
    if (!is_range && (Is(u, "bis") || Is(u, "-") || Is(u, "\xE2\x80\x93") || (between && Is(u, "und")))) {
      if (std::optional<Number> second = NumberAt(u + 1, /*allow_words=*/!number->word ? false : true);
          second && !second->has_second) {
        is_range = true;
        high = second->value;
        u = second->next;
        high_scale = ScaleAt(u);
        if (high_scale > 0) ++u;
      }
    }
    if (is_range) {
      // "3 bis 4 Millionen": the scale after the second number applies to both.
      if (scale == 0) scale = high_scale;
      if (high_scale == 0) high_scale = scale;
    }
    // The unit after the number (and scale).
    AmountUnit unit = AmountUnit::kNumber;
    std::string code;
    if (currency != nullptr) {
      unit = AmountUnit::kCurrency;
      code = std::string(currency->code);
    } else if (const Currency* after = CurrencyAt(u); after != nullptr) {
      unit = AmountUnit::kCurrency;
      code = std::string(after->code);
      if (after->word == "cent") {
        low /= 100;
        high /= 100;
      }
      ++u;
    } else if (Is(u, "%") || Is(u, "prozent")) {
      unit = AmountUnit::kPercent;
      ++u;
    } else if (Is(u, "prozentpunkte") || Is(u, "prozentpunkten") || Is(u, "prozentpunkt")) {
      unit = AmountUnit::kPercentagePoint;
      ++u;
    }
    const bool scaled = scale > 0;
    if (!scaled && unit == AmountUnit::kNumber) {
      t = number->next;
      continue;  // a bare number: a year, a count, a rank
    }
    if (number->word && !scaled && unit == AmountUnit::kNumber) {
      t = number->next;
      continue;
    }
    Amount amount;
    amount.value = low * (scaled ? scale : 1);
    amount.is_range = is_range;
    if (is_range) amount.range_max = high * (high_scale > 0 ? high_scale : 1);
    amount.unit = unit;
    amount.currency = std::move(code);
    // Qualifiers before the amount: "mehr als", "etwa", and "um" (a change).
    if (between) {
      first = start - 1;
    } else {
      for (const Qualifier& q : kQualifiers) {
        if (q.second.empty()) {
          if (first >= 1 && Is(first - 1, q.first)) {
            amount.approximation = q.approximation;
            --first;
            break;
          }
        } else if (first >= 2 && Is(first - 2, q.first) && Is(first - 1, q.second)) {
          amount.approximation = q.approximation;
          first -= 2;
          break;
        }
      }
    }
    if (first >= 1 && Is(first - 1, "um") &&
        (unit == AmountUnit::kPercent || unit == AmountUnit::kPercentagePoint ||
         unit == AmountUnit::kCurrency)) {
      amount.change = true;
    }
    amount.begin = tokens_[first].begin;
    amount.end = tokens_[u - 1].end;
    out.push_back(std::move(amount));
    t = u;
  }
  return out;
}

}  // namespace

std::string_view AmountUnitName(AmountUnit unit) {
  switch (unit) {
    case AmountUnit::kNumber: return "number";
    case AmountUnit::kCurrency: return "currency";
    case AmountUnit::kPercent: return "percent";
    case AmountUnit::kPercentagePoint: return "percentage_point";
  }
  return "unknown";
}

std::string_view ApproximationName(Approximation approx) {
  switch (approx) {
    case Approximation::kExact: return "exact";
    case Approximation::kAbout: return "about";
    case Approximation::kMoreThan: return "more_than";
    case Approximation::kLessThan: return "less_than";
    case Approximation::kUpTo: return "up_to";
    case Approximation::kAtLeast: return "at_least";
  }
  return "unknown";
}

bool ParseGermanNumber(std::string_view s, double& value) {
  if (s.empty() || !IsDigit(s[0])) return false;
  std::string digits;  // normalised: digits with '.' as the decimal point
  const size_t comma = s.find(',');
  std::string_view integer = s.substr(0, comma);
  std::string_view fraction =
      comma == std::string_view::npos ? std::string_view() : s.substr(comma + 1);
  if (comma != std::string_view::npos) {
    if (fraction.empty()) return false;
    for (char c : fraction) {
      if (!IsDigit(c)) return false;
    }
  }
  const size_t dots = std::count(integer.begin(), integer.end(), '.');
  if (dots == 0) {
    for (char c : integer) {
      if (!IsDigit(c)) return false;
    }
    digits = std::string(integer);
  } else {
    // Thousands groups "1.000.000", or (one dot, 1-2 digits after it, no
    // comma) an English decimal point "3.5".
    const size_t last_dot = integer.rfind('.');
    const std::string_view tail = integer.substr(last_dot + 1);
    if (dots == 1 && comma == std::string_view::npos && !tail.empty() && tail.size() <= 2) {
      for (char c : integer) {
        if (!IsDigit(c) && c != '.') return false;
      }
      if (last_dot == 0) return false;
      value = std::strtod(std::string(integer).c_str(), nullptr);
      return true;
    }
    size_t group_start = 0;
    for (size_t k = 0; k <= integer.size(); ++k) {
      if (k == integer.size() || integer[k] == '.') {
        const size_t length = k - group_start;
        if (group_start == 0 ? (length == 0 || length > 3) : length != 3) return false;
        group_start = k + 1;
      } else if (!IsDigit(integer[k])) {
        return false;
      } else {
        digits.push_back(integer[k]);
      }
    }
  }
  if (!fraction.empty()) {
    digits.push_back('.');
    digits.append(fraction);
  }
  value = std::strtod(digits.c_str(), nullptr);
  return true;
}

std::vector<Amount> ExtractAmounts(std::string_view text, const AnalyzedText& analysis) {
  return AmountScanner(text, analysis).Run();
}

}  // namespace korpus::nlp
