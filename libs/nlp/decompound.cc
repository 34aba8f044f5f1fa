#include "libs/nlp/decompound.h"

#include <algorithm>
#include <array>

#include "absl/strings/str_split.h"
#include "libs/nlp/lexicon.h"
#include "libs/nlp/model_io.h"
#include "libs/nlp/string_compat.h"
#include "libs/nlp/unicode_util.h"

namespace korpus::nlp {
namespace {

constexpr uint8_t kNounForm = 1;
constexpr uint8_t kNounLemma = 2;
// The noun is written like a common noun ("Chip"), not as an abbreviation
// or acronym ("KSC", "Gew."): only such nouns become parts of compounds.
constexpr uint8_t kCommonNoun = 4;

bool LooksLikeCommonNoun(std::string_view form) {
  if (form.size() < 2) return false;
  for (char c : form.substr(1)) {
    if ((c >= 'A' && c <= 'Z') || c == '.' || (c >= '0' && c <= '9')) return false;
  }
  return StartsUpper(form);
}

constexpr uint16_t kVerbClasses = kLexVerbInfinitive | kLexVerbFinite | kLexVerbParticiple2 |
                                  kLexVerbParticiple1 | kLexVerbImperative |
                                  kLexVerbZuInfinitive | kLexVerbSeparated;
constexpr uint16_t kAdjectiveClasses = kLexAdjectiveBase | kLexAdjectiveInflected;

// Lemmas in the file are (length of the prefix shared with the form, rest);
// see lexicon.cc, whose format this reader follows (the version check in
// ModelReader::Open refuses any other).
bool ReadLemma(ModelReader& reader, const std::string& form, std::string& lemma) {
  uint8_t shared;
  std::string rest;
  if (!reader.U8(shared) || !reader.Str(rest) || shared > form.size()) return false;
  lemma = form.substr(0, shared) + rest;
  return true;
}

void AddLemma(std::vector<std::string>& lemmas, std::string lemma) {
  if (lemma.empty() || lemma.size() > 255) return;
  if (std::find(lemmas.begin(), lemmas.end(), lemma) == lemmas.end()) {
    lemmas.push_back(std::move(lemma));
  }
}

// Byte offsets of the code points of `text`, plus text.size() at the end.
std::vector<size_t> CodePointStarts(std::string_view text) {
  std::vector<size_t> starts;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) starts.push_back(i);
  }
  starts.push_back(text.size());
  return starts;
}

// Linking elements (Fugenelemente) that may follow a modifier.
constexpr std::array<std::string_view, 6> kLinks = {"s", "es", "n", "en", "e", "er"};

// Nouns that as the first part of a longer word are almost always a
// prefix or particle instead ("Ausland" is not Aus + Land, "Vorteil" not
// Vor + Teil), or give junk splits ("Verbrauch").
bool IsJunkModifier(std::string_view part) {
  static constexpr std::array<std::string_view, 18> kJunk = {
      "aus", "ab", "an", "auf", "ein", "um", "vor", "nach", "zu", "mit", "bei",
      "über", "unter", "gegen", "durch", "verb", "ver", "all"};
  return std::find(kJunk.begin(), kJunk.end(), part) != kJunk.end();
}

}  // namespace

SearchLexicon SearchLexicon::Pack(std::vector<Pending> pending) {
  std::sort(pending.begin(), pending.end(),
            [](const Pending& a, const Pending& b) { return a.form < b.form; });
  // Merge forms that differ only in case ("Arbeiten", "arbeiten"), in
  // place (a second vector would double the peak memory of loading).
  size_t kept = 0;
  for (size_t i = 0; i < pending.size(); ++i) {
    if (kept > 0 && pending[kept - 1].form == pending[i].form) {
      Pending& into = pending[kept - 1];
      into.flags |= pending[i].flags;
      if (into.noun.empty()) into.noun = pending[i].noun;
      for (std::string& lemma : pending[i].lemmas) AddLemma(into.lemmas, std::move(lemma));
      pending[i] = Pending();
    } else {
      if (kept != i) pending[kept] = std::move(pending[i]);
      ++kept;
    }
  }
  pending.resize(kept);
  std::vector<Pending>& merged = pending;
  SearchLexicon lexicon;
  lexicon.data_ = std::make_unique<std::string>();
  std::string& data = *lexicon.data_;
  size_t bytes = 0;
  for (const Pending& entry : merged) {
    bytes += entry.form.size() + 3 + entry.noun.size();
    for (const std::string& lemma : entry.lemmas) bytes += 1 + lemma.size();
  }
  data.reserve(bytes);
  std::vector<std::pair<size_t, size_t>> forms;  // (offset, size)
  forms.reserve(merged.size());
  for (Pending& entry : merged) {
    // The noun's lemma goes first among the lemmas.
    if (!entry.noun.empty()) {
      auto it = std::find(entry.lemmas.begin(), entry.lemmas.end(), entry.noun);
      if (it != entry.lemmas.end()) std::rotate(entry.lemmas.begin(), it, it + 1);
    }
    if (entry.lemmas.size() > 255) entry.lemmas.resize(255);
    forms.emplace_back(data.size(), entry.form.size());
    data += entry.form;
    data.push_back(static_cast<char>(entry.flags));
    data.push_back(static_cast<char>(entry.noun.size()));
    data += entry.noun;
    data.push_back(static_cast<char>(entry.lemmas.size()));
    for (const std::string& lemma : entry.lemmas) {
      data.push_back(static_cast<char>(lemma.size()));
      data += lemma;
    }
    entry = Pending();
  }
  lexicon.records_.reserve(forms.size());
  for (const auto& [offset, size] : forms) {
    lexicon.records_.emplace(std::string_view(data.data() + offset, size),
                             static_cast<uint32_t>(offset + size));
  }
  return lexicon;
}

absl::StatusOr<SearchLexicon> SearchLexicon::Load(const std::string& path) {
  std::vector<Pending> pending;
  {
    absl::StatusOr<ModelReader> reader =
        ModelReader::Open(path, Lexicon::kMagic, Lexicon::kVersion);
    if (!reader.ok()) return reader.status();
    uint32_t count;
    if (!reader->U32(count)) return reader->Corrupt();
    pending.reserve(count);
    std::string form;
    std::string rest;
    std::string lemma;
    for (uint32_t k = 0; k < count; ++k) {
      uint8_t shared, classes_low, classes_high;
      if (!reader->U8(shared) || shared > form.size() || !reader->Str(rest) ||
          !reader->U8(classes_low) || !reader->U8(classes_high)) {
        return reader->Corrupt();
      }
      const uint32_t classes = uint32_t(classes_high) << 8 | classes_low;
      form.resize(shared);
      form += rest;
      if (classes & (kLexNoun | kLexVerbFinite)) {
        uint8_t morph_low, morph_high;
        if (!reader->U8(morph_low) || !reader->U8(morph_high)) return reader->Corrupt();
      }
      Pending entry;
      entry.form = LowercaseUtf8(form);
      if (classes & kLexNoun) {
        if (!ReadLemma(*reader, form, lemma)) return reader->Corrupt();
        entry.flags |= kNounForm;
        entry.noun = LowercaseUtf8(lemma);
        if (entry.noun.size() > 255) entry.noun.clear();
        if (lemma == form) entry.flags |= kNounLemma;
        if (LooksLikeCommonNoun(form)) entry.flags |= kCommonNoun;
        AddLemma(entry.lemmas, entry.noun);
      }
      if (classes & kVerbClasses) {
        if (!ReadLemma(*reader, form, lemma)) return reader->Corrupt();
        // Not for a form that is only the stem half of a separable verb
        // ("kohle" of "ankohlen"): a search for "Kohle" is not about it.
        if (classes & kVerbClasses & ~kLexVerbSeparated) {
          AddLemma(entry.lemmas, LowercaseUtf8(lemma));
        }
      }
      if (classes & kAdjectiveClasses) {
        if (!ReadLemma(*reader, form, lemma)) return reader->Corrupt();
        AddLemma(entry.lemmas, LowercaseUtf8(lemma));
      }
      if (entry.form.size() <= 255) pending.push_back(std::move(entry));
    }
    if (!reader->AtEnd()) return reader->Corrupt();
  }
  return Pack(std::move(pending));
}

SearchLexicon SearchLexicon::ForTest(const std::vector<TestEntry>& entries) {
  std::vector<Pending> pending;
  for (const TestEntry& test : entries) {
    Pending entry;
    entry.form = LowercaseUtf8(test.form);
    if (!test.noun_lemma.empty()) {
      entry.flags |= kNounForm;
      entry.noun = LowercaseUtf8(test.noun_lemma);
      if (test.noun_lemma == test.form) entry.flags |= kNounLemma;
      if (LooksLikeCommonNoun(test.form)) entry.flags |= kCommonNoun;
      AddLemma(entry.lemmas, entry.noun);
    }
    for (const std::string& lemma : test.other_lemmas) AddLemma(entry.lemmas, LowercaseUtf8(lemma));
    pending.push_back(std::move(entry));
  }
  return Pack(std::move(pending));
}

bool SearchLexicon::Find(std::string_view lower_form, Analysis& analysis) const {
  auto it = records_.find(lower_form);
  if (it == records_.end()) return false;
  const std::string& data = *data_;
  size_t at = it->second;
  const auto byte = [&data](size_t offset) { return static_cast<uint8_t>(data[offset]); };
  const uint8_t flags = byte(at++);
  analysis.noun_form = flags & kNounForm;
  analysis.noun_lemma = flags & kNounLemma;
  analysis.common_noun = flags & kCommonNoun;
  const size_t noun_size = byte(at++);
  analysis.noun = std::string_view(data.data() + at, noun_size);
  at += noun_size;
  const size_t count = byte(at++);
  analysis.lemmas.clear();
  for (size_t i = 0; i < count; ++i) {
    const size_t size = byte(at++);
    analysis.lemmas.emplace_back(data.data() + at, size);
    at += size;
  }
  return true;
}

std::vector<std::string> SearchLexicon::Lemmas(std::string_view lower_form) const {
  Analysis analysis;
  std::vector<std::string> lemmas;
  if (!Find(lower_form, analysis)) return lemmas;
  for (std::string_view lemma : analysis.lemmas) lemmas.emplace_back(lemma);
  return lemmas;
}

std::vector<std::string> Decompounder::Split(std::string_view word) const {
  const std::string lower = LowercaseUtf8(word);
  std::vector<std::string_view> segments;
  for (absl::string_view segment : absl::StrSplit(ToAbsl(lower), '-', absl::SkipEmpty())) {
    segments.push_back(ToStd(segment));
  }
  std::vector<std::string> parts;
  if (segments.size() <= 1) {
    SplitSegment(segments.empty() ? std::string_view(lower) : segments[0], parts);
    if (parts.empty()) parts.push_back(lower);
    return parts;
  }
  for (size_t i = 0; i < segments.size(); ++i) {
    std::vector<std::string> segment_parts;
    SplitSegment(segments[i], segment_parts);
    if (i + 1 < segments.size() && segment_parts.size() == 1) {
      // A modifier before a hyphen keeps its form ("Daten-" is not "Datum").
      segment_parts[0] = std::string(segments[i]);
    }
    for (std::string& part : segment_parts) parts.push_back(std::move(part));
  }
  return parts;
}

void Decompounder::SplitSegment(std::string_view segment, std::vector<std::string>& parts) const {
  SearchLexicon::Analysis analysis;
  // A noun form is split as its lemma ("Talente" as "talent", so that the
  // plural ending is not taken for a part: not Tal + Ente).
  std::string word(segment);
  if (lexicon_.Find(segment, analysis) && analysis.noun_form && !analysis.noun.empty()) {
    word = std::string(analysis.noun);
  }
  const auto whole = [&]() { parts.push_back(word); };
  const std::vector<size_t> starts = CodePointStarts(word);
  const size_t n = starts.size() - 1;
  if (n < kMinWordLength) return whole();
  if (lexicon_.Find(word, analysis)) {
    // A lemma that is also a verb or adjective form ("Alternative") is a
    // derived word, not a compound.
    if (analysis.lemmas.size() > 1 || (!analysis.lemmas.empty() && !analysis.noun_form)) {
      return whole();
    }
  }
  // A noun derived from a verb or adjective: the verb stem itself
  // ("Verbrauch" of "verbrauchen"), or with -ung, -keit, -heit
  // ("Zusammenarbeit", "Verantwortung", "Notwendigkeit").
  const auto known_non_noun = [&](const std::string& form) {
    return lexicon_.Find(form, analysis) && !analysis.noun_form && !analysis.lemmas.empty();
  };
  for (std::string_view ending : {"en", "n"}) {
    if (known_non_noun(word + std::string(ending))) return whole();
  }
  for (std::string_view suffix : {"ung", "keit", "heit"}) {
    if (word.size() > suffix.size() + 3 &&
        std::string_view(word).substr(word.size() - suffix.size()) == suffix) {
      const std::string stem = word.substr(0, word.size() - suffix.size());
      if (known_non_noun(stem) || known_non_noun(stem + "en") || known_non_noun(stem + "n")) {
        return whole();
      }
    }
  }
  const auto piece = [&](size_t from, size_t to) {
    return std::string_view(word).substr(starts[from], starts[to] - starts[from]);
  };
  // The head: a common noun of at least kMinPartLength code points at the
  // end. Most words have none other than themselves, so this is looked up
  // first.
  std::vector<std::pair<size_t, std::string>> heads;  // (start, lemma)
  for (size_t j = kMinPartLength; j + kMinPartLength <= n; ++j) {
    if (lexicon_.Find(piece(j, n), analysis) && analysis.common_noun && !analysis.noun.empty()) {
      heads.emplace_back(j, std::string(analysis.noun));
    }
  }
  if (heads.empty()) return whole();
  // best[j]: the best split of the first j code points into modifiers, each
  // a known common noun (its lemma, or another of its forms of at least 4
  // code points: "Kinder-arzt") followed by an optional linking element.
  // Score: fewer parts, then a longer shortest part.
  struct Best {
    bool ok = false;
    int count = 0;
    size_t shortest = 0;
    size_t from = 0;    // where the last part starts
    std::string lemma;  // the last part's lemma
  };
  const auto better = [](int count, size_t shortest, const Best& than) {
    if (!than.ok) return true;
    if (count != than.count) return count < than.count;
    return shortest > than.shortest;
  };
  const size_t last_head = heads.back().first;
  std::vector<Best> best(last_head + 1);
  best[0].ok = true;
  best[0].shortest = n;
  for (size_t j = kMinPartLength; j <= last_head; ++j) {
    for (size_t k = 0; k + kMinPartLength <= j; ++k) {
      if (!best[k].ok || best[k].count + 2 > kMaxParts) continue;
      // The modifier is piece(k, m), the linking element piece(m, j).
      for (size_t m = j; m + 2 >= j && m >= k + kMinPartLength; --m) {
        if (m < j && std::find(kLinks.begin(), kLinks.end(), piece(m, j)) == kLinks.end()) {
          continue;
        }
        const std::string_view modifier = piece(k, m);
        if (k == 0 && IsJunkModifier(modifier)) continue;
        if (!lexicon_.Find(modifier, analysis) || !analysis.common_noun ||
            analysis.noun.empty() || (!analysis.noun_lemma && m - k < 4)) {
          continue;
        }
        const int count = best[k].count + 1;
        const size_t shortest = std::min(best[k].shortest, m - k);
        if (better(count, shortest, best[j])) {
          best[j] = Best{true, count, shortest, k, std::string(analysis.noun)};
        }
      }
    }
  }
  Best chosen;
  for (auto& [start, lemma] : heads) {
    if (!best[start].ok) continue;
    const int count = best[start].count + 1;
    const size_t shortest = std::min(best[start].shortest, n - start);
    if (better(count, shortest, chosen)) chosen = Best{true, count, shortest, start, lemma};
  }
  if (!chosen.ok) return whole();
  std::vector<std::string> split{chosen.lemma};
  for (size_t j = chosen.from; j > 0; j = best[j].from) split.push_back(best[j].lemma);
  std::reverse(split.begin(), split.end());
  for (std::string& part : split) parts.push_back(std::move(part));
}

}  // namespace korpus::nlp
