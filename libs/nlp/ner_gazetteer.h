// Name lists for the NER features: words and multi-word phrases mapped to
// bits saying which list they are on (country, city, language, ...). Built
// by korpus-train-ner from open data (ICU's German display names, Debian's
// iso-codes catalogues, the wngerman word list) and stored inside
// models/de_ner.bin, so tagging needs no system files.
//
// Thread-safety: immutable after building/loading; lookups may run
// concurrently.
#ifndef KORPUS_LIBS_NLP_NER_GAZETTEER_H_
#define KORPUS_LIBS_NLP_NER_GAZETTEER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "libs/nlp/model_io.h"

namespace korpus::nlp {

// Bits of a gazetteer entry; the numbers are part of the model format.
enum NerGazetteerBit : uint32_t {
  kGazCountry = 1u << 0,       // "Frankreich", "Vereinigte Staaten" (ICU, iso_3166-1)
  kGazRegion = 1u << 1,        // "Bayern", "Kalifornien" (iso_3166-2, ICU regions)
  kGazCity = 1u << 2,          // "Wien", "Zürich" (ICU time-zone cities)
  kGazLanguage = 1u << 3,      // "Französisch" (ICU, iso_639)
  kGazDerivStem = 1u << 4,     // "französisch", "deutsch": adjectives of a language/country
  kGazNameWord = 1u << 5,      // capitalised wngerman word the lexicon does not know
  kGazCurrency = 1u << 6,      // "Euro", "US-Dollar" (iso_4217)
  kGazNounCompound = 1u << 7,  // like kGazNameWord, but ends in a known noun ("Stadtwerk")
  kGazFirstName = 1u << 8,     // given names (Faker's person lists, many locales)
  kGazLastName = 1u << 9,      // family names (Faker)
  kGazCompanySuffix = 1u << 10,  // "GmbH", "AG" (Faker de_DE)
  kGazDingPlace = 1u << 11,    // Ding [geogr.] entry translated by a capitalised English name
  kGazDingName = 1u << 12,     // other Ding entry translated by a capitalised English name
  kGazDingDeriv = 1u << 13,    // Ding adjective translated capitalised ("französisch": French)
  // Abbreviation of a common noun, not a name: "KI" (künstliche Intelligenz),
  // "IT", "CEO", "BIP" (Ding entries whose expansion is a common noun phrase
  // and none a name other than a place code).
  kGazCommonAbbrev = 1u << 14,
};
constexpr int kGazetteerBitCount = 15;
constexpr uint32_t kGazPlaceBits = kGazCountry | kGazRegion | kGazCity | kGazDingPlace;

class NerGazetteer {
 public:
  // Adds `bits` to a single word (exact form).
  void AddWord(std::string_view form, uint32_t bits);
  // Adds `bits` to a phrase of 2..kMaxPhraseWords words (exact forms).
  void AddPhrase(const std::vector<std::string>& words, uint32_t bits);
  static constexpr size_t kMaxPhraseWords = 4;

  // Bits of one word; 0 when on no list.
  uint32_t WordBits(std::string_view form) const {
    auto it = words_.find(absl::string_view(form.data(), form.size()));
    return it == words_.end() ? 0 : it->second;
  }
  // For each word, the bits of the longest listed phrase covering it,
  // starting there (`begin`) or going on there (`inside`). Both are resized
  // to words.size().
  void PhraseBits(const std::vector<std::string_view>& words, std::vector<uint32_t>& begin,
                  std::vector<uint32_t>& inside) const;

  // Alias normalisation: a surface form ("USA", "Vereinigte Staaten von
  // Amerika", "US") -> the canonical name of what it names ("Vereinigte
  // Staaten"). Exact forms; the first canonical added for a form wins.
  void AddAlias(std::string_view form, std::string_view canonical);
  // The canonical name for `form`, or empty when it is no known alias. A
  // canonical name maps to itself.
  std::string_view Canonical(std::string_view form) const {
    auto it = aliases_.find(absl::string_view(form.data(), form.size()));
    return it == aliases_.end() ? std::string_view() : std::string_view(it->second);
  }

  size_t word_count() const { return words_.size(); }
  size_t alias_count() const { return aliases_.size(); }
  size_t phrase_count() const { return phrases_.size(); }

  // Serialisation inside another model file (sorted, so deterministic).
  void Write(ModelWriter& writer) const;
  // False on a truncated or malformed payload.
  bool Read(ModelReader& reader);

 private:
  absl::flat_hash_map<std::string, uint32_t> words_;
  absl::flat_hash_map<uint64_t, uint32_t> phrases_;  // StableHash of words joined by ' '
  absl::flat_hash_map<std::string, uint8_t> phrase_starts_;  // first word -> max length
  absl::flat_hash_map<std::string, std::string> aliases_;
};

}  // namespace korpus::nlp

#endif  // KORPUS_LIBS_NLP_NER_GAZETTEER_H_
