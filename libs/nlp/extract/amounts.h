// Amounts of money, percentages and scaled numbers, normalised.
//
//   std::vector<Amount> amounts = ExtractAmounts(text, analysis);
//   // "500 Milliarden US-Dollar" -> value 5e11, unit kCurrency, currency "USD"
//   // "eine Billion Dollar"      -> 1e12 USD (German "Billion" is 10^12)
//   // "um 17 %"                  -> 17, kPercent, change = true
//   // "etwa 3 bis 4 Mio. Euro"   -> 3e6, range_max 4e6, kAbout, "EUR"
//
// An amount is a number (digits in German notation "1.000.000,5", or a
// number word "eine", "zwei" ... "zwölf", "zwanzig" ... "hundert", "tausend"
// before a scale or unit), an optional scale (Tausend, Mio./Million,
// Mrd./Milliarde, Bio./Billion) and an optional unit: a currency (word,
// symbol or ISO code before or after the number), "%"/"Prozent" or
// "Prozentpunkte". Bare numbers without a scale or unit (years, counts) are
// not amounts. Approximations before it ("etwa", "rund", "ca.", "circa",
// "ungefähr", "knapp", "fast", "mehr als", "über", "weniger als", "unter",
// "bis zu", "mindestens", "höchstens") and ranges ("3 bis 4", "3-4",
// "zwischen 3 und 4") are marked; "um" before a percentage marks a change
// ("fiel um 17 %").
//
// Needs only tokens (works without models). Linear time. Thread-safety: a
// pure function.
#ifndef KORPUS_LIBS_NLP_EXTRACT_AMOUNTS_H_
#define KORPUS_LIBS_NLP_EXTRACT_AMOUNTS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "libs/nlp/pipeline.h"

namespace korpus::nlp {

// Values match the proposed proto enums (0 is their _UNSPECIFIED).
enum class AmountUnit : uint8_t {
  kNumber = 1,           // no unit, a scaled number: "8 Milliarden"
  kCurrency = 2,         // see Amount::currency
  kPercent = 3,          // "17 %", "17 Prozent"
  kPercentagePoint = 4,  // "2 Prozentpunkte"
};

enum class Approximation : uint8_t {
  kExact = 1,
  kAbout = 2,     // etwa, rund, ca., circa, ungefähr, knapp, fast
  kMoreThan = 3,  // mehr als, über
  kLessThan = 4,  // weniger als, unter
  kUpTo = 5,      // bis zu, höchstens, maximal
  kAtLeast = 6,   // mindestens
};

std::string_view AmountUnitName(AmountUnit unit);          // "number", "currency", ...
std::string_view ApproximationName(Approximation approx);  // "exact", "about", ...

struct Amount {
  uint32_t begin = 0;  // UTF-8 byte offsets of the whole phrase, qualifier included
  uint32_t end = 0;
  double value = 0;    // the normalised number (the lower bound of a range)
  AmountUnit unit = AmountUnit::kNumber;
  std::string currency;  // ISO 4217 ("USD", "EUR") when unit is kCurrency
  Approximation approximation = Approximation::kExact;
  bool is_range = false;
  double range_max = 0;  // the upper bound when is_range
  bool change = false;   // "um 17 %": a change by the amount
};

// The amounts in `text` in order; `analysis` must be Pipeline::Analyze(text)
// (tokens suffice).
std::vector<Amount> ExtractAmounts(std::string_view text, const AnalyzedText& analysis);

// Parses a German-notation number ("1.000.000", "3,5", "1.250,75", "17";
// also "3.5" with one or two digits after a single dot). False for
// anything else ("2.2.2025", "14:30").
bool ParseGermanNumber(std::string_view s, double& value);

}  // namespace korpus::nlp

#endif  // KORPUS_LIBS_NLP_EXTRACT_AMOUNTS_H_
