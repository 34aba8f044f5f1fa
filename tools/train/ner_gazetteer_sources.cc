#include "tools/train/ner_gazetteer_sources.h"

#include <unicode/locid.h>
#include <unicode/strenum.h>
#include <unicode/timezone.h>
#include <unicode/tznames.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/nlp/conllu.h"
#include "libs/nlp/unicode_util.h"

namespace korpus::train {
namespace {

using nlp::NerGazetteer;

std::string ToUtf8(const icu::UnicodeString& s) {
  std::string out;
  s.toUTF8String(out);
  return out;
}

// Adds a name: one word, or a phrase split at spaces. Parenthesised
// qualifiers ("Korea (Süd)") and text after a comma are dropped.
void AddName(std::string name, uint32_t bits, NerGazetteer& gazetteer, size_t& count) {
  if (size_t cut = name.find_first_of("(,;"); cut != std::string::npos) name.resize(cut);
  while (!name.empty() && name.back() == ' ') name.pop_back();
  std::vector<std::string> words;
  std::istringstream stream(name);
  for (std::string word; stream >> word;) words.push_back(word);
  if (words.empty() || words.size() > NerGazetteer::kMaxPhraseWords) return;
  if (!nlp::StartsUpper(words[0])) return;
  if (words.size() == 1) {
    gazetteer.AddWord(words[0], bits);
  } else {
    gazetteer.AddPhrase(words, bits);
  }
  ++count;
}

// Adjective stem of a language name: "Französisch" -> "französisch" and
// its declined forms, all LOCderiv/ORGderiv candidates in running text.
void AddDerivedForms(const std::string& language, NerGazetteer& gazetteer, size_t& count) {
  const std::string lower = nlp::LowercaseUtf8(language);
  if (lower.size() < 6 || lower.compare(lower.size() - 4, 4, "isch") != 0) {
    if (lower != "deutsch") return;
  }
  for (const char* ending : {"", "e", "en", "er", "es", "em"}) {
    gazetteer.AddWord(lower + ending, nlp::kGazDerivStem);
    gazetteer.AddWord(nlp::CapitalizeUtf8(lower) + ending, nlp::kGazDerivStem);
    ++count;
  }
}

// Reads a GNU gettext .mo catalogue: msgid -> msgstr.
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ReadMo(const std::string& path) {
  absl::StatusOr<std::string> data = nlp::ReadFileToString(path);
  if (!data.ok()) return data.status();
  auto u32 = [&](size_t offset, uint32_t& value) {
    if (offset + 4 > data->size()) return false;
    std::memcpy(&value, data->data() + offset, 4);  // little-endian catalogues
    return true;
  };
  uint32_t magic, count, originals, translations;
  if (!u32(0, magic) || magic != 0x950412de || !u32(8, count) || !u32(12, originals) ||
      !u32(16, translations)) {
    return absl::DataLossError(absl::StrCat(path, " is not a little-endian .mo catalogue"));
  }
  std::vector<std::pair<std::string, std::string>> entries;
  for (uint32_t k = 0; k < count; ++k) {
    uint32_t id_length, id_offset, str_length, str_offset;
    if (!u32(originals + 8 * k, id_length) || !u32(originals + 8 * k + 4, id_offset) ||
        !u32(translations + 8 * k, str_length) || !u32(translations + 8 * k + 4, str_offset) ||
        id_offset + id_length > data->size() || str_offset + str_length > data->size()) {
      return absl::DataLossError(absl::StrCat(path, " is truncated"));
    }
    if (id_length == 0) continue;  // the header
    entries.emplace_back(data->substr(id_offset, id_length), data->substr(str_offset, str_length));
  }
  return entries;
}

void AddIcu(NerGazetteer& gazetteer, GazetteerStats& stats) {
  const icu::Locale german = icu::Locale::getGerman();
  icu::UnicodeString name;
  for (const char* const* code = icu::Locale::getISOCountries(); *code != nullptr; ++code) {
    icu::Locale("", *code).getDisplayCountry(german, name);
    AddName(ToUtf8(name), nlp::kGazCountry, gazetteer, stats["icu countries"]);
  }
  // UN M.49 regions: continents and world regions ("Europa", "Naher Osten").
  for (const char* code : {"001", "002", "003", "005", "009", "011", "013", "014", "015", "017",
                           "018", "019", "021", "029", "030", "034", "035", "039", "053", "054",
                           "057", "061", "142", "143", "145", "150", "151", "154", "155", "202",
                           "419", "EU", "EZ", "UN"}) {
    icu::Locale("", code).getDisplayCountry(german, name);
    AddName(ToUtf8(name), nlp::kGazRegion, gazetteer, stats["icu regions"]);
  }
  for (const char* const* code = icu::Locale::getISOLanguages(); *code != nullptr; ++code) {
    icu::Locale(*code).getDisplayLanguage(german, name);
    const std::string language = ToUtf8(name);
    if (language == *code) continue;  // no German name
    AddName(language, nlp::kGazLanguage, gazetteer, stats["icu languages"]);
    AddDerivedForms(language, gazetteer, stats["derived adjective forms"]);
  }
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::TimeZoneNames> zone_names(icu::TimeZoneNames::createInstance(german, status));
  std::unique_ptr<icu::StringEnumeration> zones(icu::TimeZone::createEnumeration(status));
  if (U_FAILURE(status)) return;
  while (const icu::UnicodeString* zone = zones->snext(status)) {
    if (U_FAILURE(status)) break;
    zone_names->getExemplarLocationName(*zone, name);
    if (name.isBogus() || name.isEmpty()) continue;
    AddName(ToUtf8(name), nlp::kGazCity, gazetteer, stats["icu cities"]);
  }
}

absl::Status AddIsoCodes(const std::string& dir, NerGazetteer& gazetteer, GazetteerStats& stats) {
  struct Catalogue {
    const char* file;
    uint32_t bits;
    bool originals;  // also add the untranslated names (local names of subdivisions)
  };
  for (const Catalogue& catalogue : {Catalogue{"iso_3166-1.mo", nlp::kGazCountry, false},
                                     Catalogue{"iso_3166-2.mo", nlp::kGazRegion, true},
                                     Catalogue{"iso_639-2.mo", nlp::kGazLanguage, false},
                                     Catalogue{"iso_4217.mo", nlp::kGazCurrency, false}}) {
    absl::StatusOr<std::vector<std::pair<std::string, std::string>>> entries =
        ReadMo(absl::StrCat(dir, "/", catalogue.file));
    if (!entries.ok()) return entries.status();
    size_t& count = stats[absl::StrCat("iso-codes ", catalogue.file)];
    for (const auto& [original, translation] : *entries) {
      AddName(translation, catalogue.bits, gazetteer, count);
      if (catalogue.originals) AddName(original, catalogue.bits, gazetteer, count);
      if (catalogue.bits == nlp::kGazLanguage) {
        AddDerivedForms(translation, gazetteer, stats["derived adjective forms"]);
      }
      if (catalogue.bits == nlp::kGazCurrency) {
        // "US-Dollar" -> also "Dollar"; "Schweizer Franken" -> "Franken".
        std::string head = translation;
        if (size_t cut = head.find_first_of("(,"); cut != std::string::npos) head.resize(cut);
        while (!head.empty() && head.back() == ' ') head.pop_back();
        const size_t space = head.find_last_of(" -");
        if (space != std::string::npos) AddName(head.substr(space + 1), catalogue.bits, gazetteer, count);
      }
    }
  }
  return absl::OkStatus();
}

// True when some tail of `word` (at least four letters, capitalised) is a
// lexicon noun: "Stadtwerke" ends in "Werke".
bool HasNounHead(const std::string& word, const nlp::Lexicon& lexicon) {
  for (size_t k = 3; k + 4 <= word.size(); ++k) {
    if ((static_cast<unsigned char>(word[k]) & 0xC0) == 0x80) continue;
    const std::string head = nlp::CapitalizeUtf8(word.substr(k));
    const nlp::Lexicon::Entry* entry = lexicon.Find(head);
    if (entry != nullptr && (entry->classes & nlp::kLexNoun)) return true;
  }
  return false;
}

absl::Status AddWordlist(const std::string& path, const nlp::Lexicon& lexicon,
                         NerGazetteer& gazetteer, GazetteerStats& stats) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open word list ", path));
  for (std::string word; std::getline(in, word);) {
    if (word.empty() || !nlp::StartsUpper(word)) continue;
    if (lexicon.Find(word) != nullptr) continue;  // a known common word
    if (HasNounHead(word, lexicon)) {
      gazetteer.AddWord(word, nlp::kGazNounCompound);
      ++stats["wngerman noun compounds"];
    } else {
      gazetteer.AddWord(word, nlp::kGazNameWord);
      ++stats["wngerman name words"];
    }
  }
  return absl::OkStatus();
}

absl::Status AddNameLists(const std::string& path, NerGazetteer& gazetteer, GazetteerStats& stats) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open name lists ", path));
  for (std::string line; std::getline(in, line);) {
    const size_t tab = line.find('\t');
    if (tab == std::string::npos) continue;
    const std::string list = line.substr(0, tab);
    uint32_t bits = 0;
    if (list == "first") bits = nlp::kGazFirstName;
    if (list == "last") bits = nlp::kGazLastName;
    if (list == "city") bits = nlp::kGazCity;
    if (list == "state") bits = nlp::kGazRegion;
    if (list == "company_suffix") bits = nlp::kGazCompanySuffix;
    if (bits != 0) AddName(line.substr(tab + 1), bits, gazetteer, stats[absl::StrCat("faker ", list)]);
  }
  return absl::OkStatus();
}

std::vector<std::string> SplitOn(const std::string& text, const std::string& separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t at = text.find(separator, start);
    parts.push_back(text.substr(start, at == std::string::npos ? at : at - start));
    if (at == std::string::npos) return parts;
    start = at + separator.size();
  }
}

// "Bodensee {m} [geogr.]" -> "Bodensee"; annotations in {}, [] and () go.
std::string StripAnnotations(const std::string& entry) {
  std::string out;
  int depth = 0;
  for (char c : entry) {
    if (c == '{' || c == '[' || c == '(') ++depth;
    else if (c == '}' || c == ']' || c == ')') depth = std::max(0, depth - 1);
    else if (depth == 0) out.push_back(c);
  }
  while (!out.empty() && out.front() == ' ') out.erase(out.begin());
  while (!out.empty() && out.back() == ' ') out.pop_back();
  std::string squeezed;
  for (char c : out) {
    if (c == ' ' && !squeezed.empty() && squeezed.back() == ' ') continue;
    squeezed.push_back(c);
  }
  return squeezed;
}

// An abbreviation as Ding writes it after its expansion: "/KI/", "/CEO/".
// Two to six letters or digits, at least two capitals.
bool IsAbbreviation(const std::string& s) {
  if (s.size() < 2 || s.size() > 6) return false;
  int capitals = 0;
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') ++capitals;
    else if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9')) return false;
  }
  return capitals >= 2;
}

// Evidence for what an abbreviation stands for: a common noun phrase
// ("künstliche Intelligenz", "Informationstechnik", "chief executive
// officer") or a name ("Europäische Union", "World Health Organization").
struct AbbreviationUse {
  int common = 0;
  int names = 0;
};

// Records the "/ABBR/" marks of one Ding alternative. `german`: the
// expansion is German (a single capitalised word is common when the lexicon
// knows it as a noun); else English (capitalised means a name). Place
// entries (country codes such as "Kiribati /KI/") are not counted.
void NoteAbbreviations(const std::string& alternative, bool german, bool place,
                       const nlp::Lexicon& lexicon,
                       std::map<std::string, AbbreviationUse>& uses) {
  if (place) return;
  size_t open = alternative.find('/');
  while (open != std::string::npos) {
    const size_t close = alternative.find('/', open + 1);
    if (close == std::string::npos) return;
    const std::string abbreviation = alternative.substr(open + 1, close - open - 1);
    if (IsAbbreviation(abbreviation)) {
      const std::string expansion = StripAnnotations(alternative.substr(0, open));
      std::vector<std::string> words;
      std::istringstream stream(expansion);
      for (std::string w; stream >> w;) words.push_back(w);
      // "die Vereinten Nationen": the article says nothing.
      constexpr std::string_view kArticles[] = {"der", "die", "das", "den", "dem", "des", "the"};
      while (words.size() > 1 &&
             std::find(std::begin(kArticles), std::end(kArticles), words[0]) != std::end(kArticles)) {
        words.erase(words.begin());
      }
      if (!words.empty() && words.back() != abbreviation) {
        bool common = !nlp::StartsUpper(words[0]);
        if (!common && german) {
          // A German noun, or a compound ending in one ("Bruttoinlandprodukt"),
          // not followed by a capitalised word (as in "Deutsche Bahn").
          const nlp::Lexicon::Entry* entry = lexicon.Find(words[0]);
          common = ((entry != nullptr && (entry->classes & nlp::kLexNoun)) ||
                    (entry == nullptr && HasNounHead(words[0], lexicon))) &&
                   (words.size() == 1 || !nlp::StartsUpper(words[1]));
        }
        AbbreviationUse& use = uses[abbreviation];
        (common ? use.common : use.names) += 1;
      }
    }
    open = alternative.find('/', close + 1);
  }
}

absl::Status AddDing(const std::string& path, const nlp::Lexicon& lexicon,
                     NerGazetteer& gazetteer, GazetteerStats& stats) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open dictionary ", path));
  std::map<std::string, AbbreviationUse> abbreviations;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const size_t arrow = line.find(" :: ");
    if (arrow == std::string::npos) continue;
    const std::vector<std::string> german = SplitOn(line.substr(0, arrow), " | ");
    const std::vector<std::string> english = SplitOn(line.substr(arrow + 4), " | ");
    const bool place = line.find("[geogr.]") != std::string::npos;
    for (const auto* side : {&german, &english}) {
      for (const std::string& group : *side) {
        for (const std::string& alternative : SplitOn(group, "; ")) {
          NoteAbbreviations(alternative, side == &german, place, lexicon, abbreviations);
        }
      }
    }
    for (size_t g = 0; g < german.size() && g < english.size(); ++g) {
      const std::string translation = StripAnnotations(SplitOn(english[g], "; ")[0]);
      if (translation.empty() || translation[0] < 'A' || translation[0] > 'Z' ||
          translation == "I" || translation.rfind("I ", 0) == 0) {
        continue;
      }
      for (const std::string& entry : SplitOn(german[g], "; ")) {
        const std::string name = StripAnnotations(entry);
        if (name.empty() || name.find_first_of("/….") != std::string::npos) continue;
        if (entry.find("{adj}") != std::string::npos && name.find(' ') == std::string::npos &&
            !nlp::StartsUpper(name)) {
          for (const char* ending : {"", "e", "en", "er", "es", "em"}) {
            gazetteer.AddWord(name + ending, nlp::kGazDingDeriv);
            gazetteer.AddWord(nlp::CapitalizeUtf8(name) + ending, nlp::kGazDingDeriv);
          }
          ++stats["ding derived adjectives"];
          continue;
        }
        if (entry.find("{v}") != std::string::npos || entry.find("{adv}") != std::string::npos) {
          continue;
        }
        AddName(name, place ? nlp::kGazDingPlace : nlp::kGazDingName, gazetteer,
                stats[place ? "ding places" : "ding names"]);
      }
    }
  }
  // An abbreviation only ever expanded to common nouns is a common noun
  // itself ("KI", "IT", "CEO"); one with any name expansion is not ("EU",
  // "AI" = Amnesty International, "WHO").
  for (const auto& [abbreviation, use] : abbreviations) {
    if (use.common == 0 || use.names > 0) continue;
    gazetteer.AddWord(abbreviation, nlp::kGazCommonAbbrev);
    ++stats["ding common-noun abbreviations"];
  }
  return absl::OkStatus();
}

// Reads the string members of iso-codes' iso_3166-1.json, one object per
// country: {"alpha_2": "US", "alpha_3": "USA", "name": "United States",
// "official_name": "United States of America", ...}. The file is written
// one member per line, without escapes, which is all this reader handles.
absl::StatusOr<std::vector<std::map<std::string, std::string>>> ReadIsoCountries(
    const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::vector<std::map<std::string, std::string>> countries;
  for (std::string line; std::getline(in, line);) {
    const size_t first = line.find_first_not_of(' ');
    if (first == std::string::npos) continue;
    if (line[first] == '{') {
      countries.emplace_back();
      continue;
    }
    if (countries.empty() || line[first] != '"') continue;
    const size_t key_end = line.find('"', first + 1);
    const size_t value_begin = line.find(": \"", key_end);
    if (key_end == std::string::npos || value_begin == std::string::npos) continue;
    const size_t value_end = line.find('"', value_begin + 3);
    if (value_end == std::string::npos) continue;
    countries.back()[line.substr(first + 1, key_end - first - 1)] =
        line.substr(value_begin + 3, value_end - value_begin - 3);
  }
  return countries;
}

// Country aliases: every German name iso-codes gives a country (name,
// official and common name, "Korea, Republik" also as "Republik Korea"), the
// tail of an official name "... von Amerika" ("Amerika"), and the ISO codes,
// all -> ICU's German display name ("Vereinigte Staaten", "China").
absl::Status AddCountryAliases(const std::string& json, const std::string& mo,
                               NerGazetteer& gazetteer, GazetteerStats& stats) {
  absl::StatusOr<std::vector<std::map<std::string, std::string>>> countries = ReadIsoCountries(json);
  if (!countries.ok()) return countries.status();
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> entries = ReadMo(mo);
  if (!entries.ok()) return entries.status();
  std::map<std::string, std::string> german(entries->begin(), entries->end());
  const icu::Locale de = icu::Locale::getGerman();
  size_t& count = stats["country aliases"];
  auto add = [&](const std::string& form, const std::string& canonical) {
    if (form.empty() || gazetteer.Canonical(form) == canonical) return;
    if (!gazetteer.Canonical(form).empty()) return;  // first country wins
    gazetteer.AddAlias(form, canonical);
    ++count;
  };
  for (const auto& country : *countries) {
    auto code = country.find("alpha_2");
    if (code == country.end()) continue;
    icu::UnicodeString display;
    icu::Locale("", code->second.c_str()).getDisplayCountry(de, display);
    const std::string canonical = ToUtf8(display);
    if (canonical.empty() || canonical == code->second) continue;
    add(canonical, canonical);
  }
  for (const auto& country : *countries) {
    auto code = country.find("alpha_2");
    if (code == country.end()) continue;
    icu::UnicodeString display;
    icu::Locale("", code->second.c_str()).getDisplayCountry(de, display);
    const std::string canonical = ToUtf8(display);
    if (canonical.empty() || canonical == code->second) continue;
    for (const char* key : {"name", "official_name", "common_name"}) {
      auto english = country.find(key);
      if (english == country.end()) continue;
      auto translated = german.find(english->second);
      std::string name = translated == german.end() ? english->second : translated->second;
      if (name.find('(') != std::string::npos) continue;
      if (const size_t comma = name.find(", "); comma != std::string::npos) {
        name = absl::StrCat(name.substr(comma + 2), " ", name.substr(0, comma));
      }
      add(name, canonical);
      if (const size_t von = name.rfind(" von "); von != std::string::npos) {
        add(name.substr(von + 5), canonical);
      }
    }
    add(code->second, canonical);
    if (auto alpha3 = country.find("alpha_3"); alpha3 != country.end()) add(alpha3->second, canonical);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<nlp::NerGazetteer> BuildNerGazetteer(const GazetteerSources& sources,
                                                    const nlp::Lexicon& lexicon,
                                                    GazetteerStats& stats) {
  NerGazetteer gazetteer;
  if (sources.icu) AddIcu(gazetteer, stats);
  if (!sources.iso_codes_dir.empty()) {
    if (absl::Status s = AddIsoCodes(sources.iso_codes_dir, gazetteer, stats); !s.ok()) return s;
  }
  if (!sources.name_lists.empty()) {
    if (absl::Status s = AddNameLists(sources.name_lists, gazetteer, stats); !s.ok()) return s;
  }
  if (!sources.ding.empty()) {
    if (absl::Status s = AddDing(sources.ding, lexicon, gazetteer, stats); !s.ok()) return s;
  }
  if (!sources.iso_3166_json.empty() && !sources.iso_codes_dir.empty()) {
    if (absl::Status s = AddCountryAliases(sources.iso_3166_json,
                                           absl::StrCat(sources.iso_codes_dir, "/iso_3166-1.mo"),
                                           gazetteer, stats);
        !s.ok()) {
      return s;
    }
  }
  if (!sources.wordlist.empty()) {
    if (absl::Status s = AddWordlist(sources.wordlist, lexicon, gazetteer, stats); !s.ok()) return s;
  }
  return gazetteer;
}

}  // namespace korpus::train
