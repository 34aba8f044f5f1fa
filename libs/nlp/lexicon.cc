#include "libs/nlp/lexicon.h"

#include <algorithm>
#include <vector>

#include "libs/nlp/model_io.h"

namespace korpus::nlp {
namespace {

constexpr uint16_t kVerbClasses = kLexVerbInfinitive | kLexVerbFinite | kLexVerbParticiple2 |
                                  kLexVerbParticiple1 | kLexVerbImperative |
                                  kLexVerbZuInfinitive | kLexVerbSeparated;
constexpr uint16_t kAdjectiveClasses = kLexAdjectiveBase | kLexAdjectiveInflected;

// Lemmas are stored as (length of the prefix shared with the form, rest).
void WriteLemma(ModelWriter& writer, std::string_view form, std::string_view lemma) {
  size_t shared = 0;
  while (shared < form.size() && shared < lemma.size() && shared < 255 &&
         form[shared] == lemma[shared]) {
    ++shared;
  }
  writer.U8(static_cast<uint8_t>(shared));
  writer.Str(lemma.substr(shared));
}

bool ReadLemma(ModelReader& reader, const std::string& form, std::string& lemma) {
  uint8_t shared;
  std::string rest;
  if (!reader.U8(shared) || !reader.Str(rest) || shared > form.size()) return false;
  lemma = form.substr(0, shared) + rest;
  return true;
}

}  // namespace

void Lexicon::Add(std::string_view form, uint16_t classes, std::string_view lemma,
                  uint16_t morph) {
  Entry& entry = entries_[std::string(form)];
  entry.classes |= classes;
  entry.morph |= morph;
  // The first lemma seen wins; the builder feeds sources in a fixed order.
  if ((classes & kLexNoun) && entry.noun_lemma.empty()) entry.noun_lemma = std::string(lemma);
  if ((classes & kVerbClasses) && entry.verb_lemma.empty()) entry.verb_lemma = std::string(lemma);
  if ((classes & kAdjectiveClasses) && entry.adjective_lemma.empty()) {
    entry.adjective_lemma = std::string(lemma);
  }
}

absl::Status Lexicon::Save(const std::string& path) const {
  std::vector<const std::pair<const std::string, Entry>*> sorted;
  sorted.reserve(entries_.size());
  for (const auto& item : entries_) sorted.push_back(&item);
  std::sort(sorted.begin(), sorted.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  ModelWriter writer(kMagic, kVersion);
  writer.U32(static_cast<uint32_t>(sorted.size()));
  std::string_view previous;
  for (const auto* item : sorted) {
    const std::string& form = item->first;
    const Entry& entry = item->second;
    // Front coding: forms are sorted, so store only what differs from the
    // previous form.
    size_t shared = 0;
    while (shared < previous.size() && shared < form.size() && shared < 255 &&
           previous[shared] == form[shared]) {
      ++shared;
    }
    writer.U8(static_cast<uint8_t>(shared));
    writer.Str(std::string_view(form).substr(shared));
    previous = form;
    writer.U8(static_cast<uint8_t>(entry.classes & 0xFF));
    writer.U8(static_cast<uint8_t>(entry.classes >> 8));
    if (entry.classes & (kLexNoun | kLexVerbFinite)) {
      writer.U8(static_cast<uint8_t>(entry.morph & 0xFF));
      writer.U8(static_cast<uint8_t>(entry.morph >> 8));
    }
    if (entry.classes & kLexNoun) WriteLemma(writer, form, entry.noun_lemma);
    if (entry.classes & kVerbClasses) WriteLemma(writer, form, entry.verb_lemma);
    if (entry.classes & kAdjectiveClasses) WriteLemma(writer, form, entry.adjective_lemma);
  }
  return writer.WriteTo(path);
}

absl::StatusOr<Lexicon> Lexicon::Load(const std::string& path) {
  absl::StatusOr<ModelReader> reader = ModelReader::Open(path, kMagic, kVersion);
  if (!reader.ok()) return reader.status();
  Lexicon lexicon;
  uint32_t count;
  if (!reader->U32(count)) return reader->Corrupt();
  lexicon.entries_.reserve(count);
  std::string form;
  std::string rest;
  for (uint32_t k = 0; k < count; ++k) {
    uint8_t shared, classes_low, classes_high;
    if (!reader->U8(shared) || shared > form.size() || !reader->Str(rest) ||
        !reader->U8(classes_low) || !reader->U8(classes_high)) {
      return reader->Corrupt();
    }
    const uint32_t classes = uint32_t(classes_high) << 8 | classes_low;
    form.resize(shared);
    form += rest;
    Entry entry;
    entry.classes = static_cast<uint16_t>(classes);
    if (classes & (kLexNoun | kLexVerbFinite)) {
      uint8_t morph_low, morph_high;
      if (!reader->U8(morph_low) || !reader->U8(morph_high)) return reader->Corrupt();
      entry.morph = static_cast<uint16_t>(uint32_t(morph_high) << 8 | morph_low);
    }
    if ((classes & kLexNoun) && !ReadLemma(*reader, form, entry.noun_lemma)) {
      return reader->Corrupt();
    }
    if ((classes & kVerbClasses) && !ReadLemma(*reader, form, entry.verb_lemma)) {
      return reader->Corrupt();
    }
    if ((classes & kAdjectiveClasses) && !ReadLemma(*reader, form, entry.adjective_lemma)) {
      return reader->Corrupt();
    }
    lexicon.entries_.emplace(form, std::move(entry));
  }
  if (!reader->AtEnd()) return reader->Corrupt();
  return lexicon;
}

}  // namespace korpus::nlp
