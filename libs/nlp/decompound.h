// German morphology for search: a compact, lower-cased view of the full-form
// lexicon (SearchLexicon: form -> lemmas) and a decompounder that splits a
// noun into its parts ("Exportbeschränkung" -> Export, Beschränkung).
//
// Example:
//   absl::StatusOr<SearchLexicon> lexicon = SearchLexicon::Load("models/de_lexicon.bin");
//   Decompounder decompounder(*lexicon);
//   decompounder.Split("Rechenzentrumsbetreiber");  // {"rechenzentrum", "betreiber"}
//   lexicon->Lemmas("beschränkungen");               // {"beschränkung"}
//
// Everything here is lower case (LowercaseUtf8): search is case-insensitive,
// and lower-casing merges the noun "Arbeiten" with the verb "arbeiten"
// (lemmas "arbeit" and "arbeiten").
//
// Thread-safety: both classes are immutable after construction; every method
// may run concurrently.
#ifndef KORPUS_LIBS_NLP_DECOMPOUND_H_
#define KORPUS_LIBS_NLP_DECOMPOUND_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"

namespace korpus::nlp {

class Lexicon;

// Lower-cased word form -> its lemmas (noun, verb, adjective; lower-cased,
// without duplicates), and whether it is a noun form or a noun lemma. Holds
// the whole lexicon in about a fifth of Lexicon's memory (one string with
// every record, plus a hash table of views into it), for processes that
// only search.
class SearchLexicon {
 public:
  struct Analysis {
    bool noun_form = false;   // some noun has this form
    bool noun_lemma = false;  // the form is itself a noun's lemma ("export", not "exporte")
    bool common_noun = false;  // a noun form written like "Chip", not like "KSC" or "Gew."
    std::string_view noun;    // the lemma of that noun, when noun_form
    std::vector<std::string_view> lemmas;  // every lemma, the noun's first
  };

  // Reads models/de_lexicon.bin (Lexicon's file format, version
  // Lexicon::kVersion) without building a Lexicon. Errors as Lexicon::Load.
  static absl::StatusOr<SearchLexicon> Load(const std::string& path);
  // A lexicon of the given entries, for tests: (form, noun lemma, other
  // lemmas). An empty noun lemma means "not a noun".
  struct TestEntry {
    std::string form;
    std::string noun_lemma;
    std::vector<std::string> other_lemmas;
  };
  static SearchLexicon ForTest(const std::vector<TestEntry>& entries);

  SearchLexicon(SearchLexicon&&) = default;
  SearchLexicon& operator=(SearchLexicon&&) = default;

  // The analysis of a lower-cased form; false if the form is unknown.
  bool Find(std::string_view lower_form, Analysis& analysis) const;
  // The lemmas of a lower-cased form; empty if the form is unknown.
  std::vector<std::string> Lemmas(std::string_view lower_form) const;

  size_t size() const { return records_.size(); }

 private:
  SearchLexicon() = default;
  // One record per lower-cased form, before packing.
  struct Pending {
    std::string form;
    uint8_t flags = 0;
    std::string noun;
    std::vector<std::string> lemmas;
  };
  static SearchLexicon Pack(std::vector<Pending> pending);

  // Records: form bytes, then flags (u8), noun lemma length (u8) and bytes,
  // lemma count (u8), then each lemma as length (u8) and bytes. Heap
  // storage, so that the views below stay valid when the lexicon moves.
  std::unique_ptr<std::string> data_;
  // Form (a view into data_) -> offset of the rest of its record.
  absl::flat_hash_map<std::string_view, uint32_t> records_;
};

// Splits German nouns into their parts with the lexicon's nouns:
// "Exportbeschränkung" -> {"export", "beschränkung"}, "Bundesregierung" ->
// {"bund", "regierung"} (linking elements -s-, -es-, -n-, -en-, -e-, -er-
// dropped), "KI-Chips" -> {"ki", "chip"} (at hyphens). The last part (the
// head) is given as its lemma ("...chips" -> "chip"). Prefers the split with
// the fewest parts, then the longest shortest part. Words it cannot split
// into known nouns of at least kMinPartLength code points, and nouns
// derived from a verb ("Verbrauch" of "verbrauchen", not Verb + Rauch), come
// back as one part: the word lower-cased. Never returns an empty vector.
class Decompounder {
 public:
  // Parts shorter than this (in code points) are never used, except between
  // hyphens ("KI-Chip").
  static constexpr size_t kMinPartLength = 3;
  // Words shorter than this are never split (except at hyphens).
  static constexpr size_t kMinWordLength = 6;
  // Most parts one word (between hyphens) is split into.
  static constexpr int kMaxParts = 4;

  // `lexicon` must outlive the decompounder.
  explicit Decompounder(const SearchLexicon& lexicon) : lexicon_(lexicon) {}

  std::vector<std::string> Split(std::string_view word) const;

 private:
  // Splits one hyphen-free, lower-cased segment; appends its parts.
  void SplitSegment(std::string_view segment, std::vector<std::string>& parts) const;

  const SearchLexicon& lexicon_;
};

}  // namespace korpus::nlp

#endif  // KORPUS_LIBS_NLP_DECOMPOUND_H_
