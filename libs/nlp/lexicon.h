// A German full-form lexicon: word form -> which word classes it can be
// (noun, verb form, adjective form) and the lemma for each class. Built by
// korpus-train from the npm german-*-dict data (CC BY-SA 4.0; see
// models/LICENSE.txt) and stored in models/de_lexicon.bin.
//
// Thread-safety: immutable after Load(); lookups may run concurrently.
#ifndef KORPUS_LIBS_NLP_LEXICON_H_
#define KORPUS_LIBS_NLP_LEXICON_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"

namespace korpus::nlp {

// Bits of LexiconEntry::classes.
enum LexiconClass : uint16_t {
  kLexNoun = 1 << 0,
  kLexVerbInfinitive = 1 << 1,
  kLexVerbFinite = 1 << 2,     // present, preterite, Konjunktiv I/II
  kLexVerbParticiple2 = 1 << 3,
  kLexVerbParticiple1 = 1 << 4,
  kLexVerbImperative = 1 << 5,
  kLexVerbZuInfinitive = 1 << 6,
  kLexAdjectiveBase = 1 << 7,  // uninflected positive ("schön")
  kLexAdjectiveInflected = 1 << 8,
  kLexVerbSeparated = 1 << 9,  // finite form whose prefix stands apart ("kam" of "ankommen")
};
constexpr int kLexiconClassCount = 10;

// Bits of Lexicon::Entry::morph. For noun forms: the case/number cells the
// form fills (bit 2 * case + number; case Nom 0, Acc 1, Dat 2, Gen 3;
// number Sing 0, Plur 1) and the noun's gender. For finite verb forms: the
// paradigm cells (present, preterite, Konjunktiv I and II).
constexpr uint16_t NounCaseNumberBit(int grammatical_case, int number) {
  return static_cast<uint16_t>(1u << (2 * grammatical_case + number));
}
enum NounGender : uint16_t {
  kNounMasc = 1 << 8,
  kNounFem = 1 << 9,
  kNounNeut = 1 << 10,
};
enum VerbTense : uint16_t {
  kVerbPresent = 1 << 11,
  kVerbPreterite = 1 << 12,
  kVerbSubjunctive1 = 1 << 13,
  kVerbSubjunctive2 = 1 << 14,
};

class Lexicon {
 public:
  struct Entry {
    uint16_t classes = 0;
    uint16_t morph = 0;           // NounCaseNumberBit, NounGender and VerbTense bits
    std::string noun_lemma;       // empty when not a noun form
    std::string verb_lemma;       // empty when not a verb form
    std::string adjective_lemma;  // empty when not an adjective form
  };

  static constexpr std::string_view kMagic = "KORPUS-LEXICON\n";
  static constexpr uint32_t kVersion = 2;  // 2: morph

  // Errors as ModelReader::Open, plus DATA_LOSS for a truncated file.
  static absl::StatusOr<Lexicon> Load(const std::string& path);
  absl::Status Save(const std::string& path) const;

  // nullptr when the exact form is unknown.
  const Entry* Find(std::string_view form) const {
    auto it = entries_.find(absl::string_view(form.data(), form.size()));
    return it == entries_.end() ? nullptr : &it->second;
  }

  // Adds (or merges) one analysis; for building the lexicon. `morph` bits
  // are or-ed in (kept for noun and finite verb forms only).
  void Add(std::string_view form, uint16_t classes, std::string_view lemma,
           uint16_t morph = 0);

  size_t size() const { return entries_.size(); }

 private:
  absl::flat_hash_map<std::string, Entry> entries_;
};

}  // namespace korpus::nlp

#endif  // KORPUS_LIBS_NLP_LEXICON_H_
