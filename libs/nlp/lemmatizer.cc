#include "libs/nlp/lemmatizer.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "libs/nlp/model_io.h"
#include "libs/nlp/string_compat.h"
#include "libs/nlp/unicode_util.h"

namespace korpus::nlp {
namespace {

constexpr size_t kMaxSuffix = 6;  // code points

std::string Key(std::string_view a, std::string_view b) {
  std::string key;
  key.reserve(a.size() + b.size() + 1);
  key.append(a);
  key += '\t';
  key.append(b);
  return key;
}

// The word class a UPOS draws its lexicon lemma from; empty for none.
std::string_view LexiconGroup(std::string_view upos) {
  if (upos == "NOUN") return "N";
  if (upos == "VERB" || upos == "AUX") return "V";
  if (upos == "ADJ" || upos == "ADV") return "A";
  return {};
}

const std::string* LexiconLemma(const Lexicon::Entry& entry, std::string_view group) {
  if (group == "N" && (entry.classes & kLexNoun)) return &entry.noun_lemma;
  if (group == "V" && !entry.verb_lemma.empty()) return &entry.verb_lemma;
  if (group == "A" && !entry.adjective_lemma.empty()) return &entry.adjective_lemma;
  return nullptr;
}

}  // namespace

Lemmatizer Lemmatizer::Train(const std::vector<LemmaExample>& examples, const Lexicon* lexicon) {
  Lemmatizer lemmatizer;
  // 1. Dictionary: most frequent lemma per (form, UPOS); ties -> smallest lemma.
  std::map<std::string, std::map<std::string, int>> counts;
  for (const LemmaExample& e : examples) {
    if (e.lemma == "_") continue;
    ++counts[Key(e.form, e.upos)][e.lemma];
    const std::string lower = LowercaseUtf8(e.form);
    if (lower != e.form) ++counts[Key(lower, e.upos)][e.lemma];
  }
  for (const auto& [key, lemmas] : counts) {
    auto best = std::max_element(lemmas.begin(), lemmas.end(),
                                 [](const auto& a, const auto& b) { return a.second < b.second; });
    lemmatizer.dictionary_.emplace(key, best->first);
  }

  // 2. Edit scripts per (UPOS, suffix). Training examples count more than
  // lexicon pairs because they follow the treebank's own conventions.
  std::map<std::string, std::map<std::pair<int, std::string>, int>> script_counts;
  auto add_pair = [&](std::string_view form, std::string_view upos, std::string_view lemma,
                      int weight) {
    size_t shared = 0;
    while (shared < form.size() && shared < lemma.size() && form[shared] == lemma[shared]) ++shared;
    // Never cut a code point: "ä" and "ö" share their lead byte 0xC3, and a
    // script that strips half of a character emits invalid UTF-8.
    while (shared > 0 && shared < form.size() &&
           (static_cast<unsigned char>(form[shared]) & 0xC0) == 0x80) {
      --shared;
    }
    if (shared == 0 || form.size() - shared > 255) return;
    const std::pair<int, std::string> script(static_cast<int>(form.size() - shared),
                                             std::string(lemma.substr(shared)));
    for (size_t k = 1; k <= kMaxSuffix; ++k) {
      const size_t start = SuffixStart(form, k);
      script_counts[Key(upos, form.substr(start))][script] += weight;
      if (start == 0) break;
    }
  };
  for (const LemmaExample& e : examples) {
    if (e.lemma != "_" && !LexiconGroup(e.upos).empty()) add_pair(e.form, e.upos, e.lemma, 5);
  }
  // The lexicon is consulted at run time (step 2), so its pairs are not
  // needed here; training scripts on GSD alone keeps the treebank's conventions.
  (void)lexicon;
  // Keep a rule only where it adds information: its best script differs from
  // the one its next-shorter suffix already gives.
  std::map<std::string, EditScript> best_scripts;
  for (const auto& [key, scripts] : script_counts) {
    auto best = std::max_element(scripts.begin(), scripts.end(),
                                 [](const auto& a, const auto& b) { return a.second < b.second; });
    if (best->second < 2) continue;
    best_scripts[key] = EditScript{static_cast<uint8_t>(best->first.first), best->first.second};
  }
  for (const auto& [key, script] : best_scripts) {
    const size_t tab = key.find('\t');
    const std::string_view suffix = std::string_view(key).substr(tab + 1);
    // The parent suffix is the suffix without its first code point.
    const size_t first_length = PrefixLength(suffix, 1);
    if (first_length < suffix.size()) {
      auto parent = best_scripts.find(Key(std::string_view(key).substr(0, tab),
                                          suffix.substr(first_length)));
      if (parent != best_scripts.end() && parent->second.strip == script.strip &&
          parent->second.append == script.append) {
        continue;
      }
    }
    lemmatizer.suffix_rules_.emplace(key, script);
  }
  return lemmatizer;
}

std::string Lemmatizer::Lemmatize(std::string_view form, std::string_view upos,
                                  const Lexicon* lexicon) const {
  std::string key = Key(form, upos);
  if (auto it = dictionary_.find(key); it != dictionary_.end()) return it->second;
  const std::string lower = LowercaseUtf8(form);
  if (lower != form) {
    if (auto it = dictionary_.find(Key(lower, upos)); it != dictionary_.end()) return it->second;
  }
  if (upos == "PROPN" || upos == "NUM" || upos == "PUNCT" || upos == "SYM" || upos == "X") {
    return std::string(form);
  }
  // Hyphenated compound: lemmatise the head, keep the rest ("KI-Chips" ->
  // "KI-Chip").
  if (const size_t hyphen = form.rfind('-');
      hyphen != std::string_view::npos && hyphen > 0 && hyphen + 1 < form.size()) {
    return absl::StrCat(ToAbsl(form.substr(0, hyphen + 1)),
                        Lemmatize(form.substr(hyphen + 1), upos, lexicon));
  }
  const std::string_view group = LexiconGroup(upos);
  if (lexicon != nullptr && !group.empty()) {
    if (const Lexicon::Entry* entry = lexicon->Find(form)) {
      if (const std::string* lemma = LexiconLemma(*entry, group)) return *lemma;
    }
    if (group != "N" && lower != form) {
      if (const Lexicon::Entry* entry = lexicon->Find(lower)) {
        if (const std::string* lemma = LexiconLemma(*entry, group)) return *lemma;
      }
    }
  }
  if (!group.empty()) {
    // Non-nouns are lemmatised in lower case ("Schnelle" at a sentence start).
    const std::string_view base = group == "N" ? form : std::string_view(lower);
    for (size_t k = kMaxSuffix; k >= 1; --k) {
      const size_t start = SuffixStart(base, k);
      if (start == 0 && k > 1 && SuffixStart(base, k - 1) == 0) continue;
      auto it = suffix_rules_.find(Key(upos, base.substr(start)));
      if (it == suffix_rules_.end()) continue;
      const EditScript& script = it->second;
      if (script.strip >= base.size()) break;
      // A script must end on a code-point boundary (models before this
      // check could hold ones that do not).
      if ((static_cast<unsigned char>(base[base.size() - script.strip]) & 0xC0) == 0x80) break;
      return absl::StrCat(ToAbsl(base.substr(0, base.size() - script.strip)), script.append);
    }
    return std::string(base);
  }
  // Closed classes not seen in training: lower case unless a noun-like form.
  return lower;
}

absl::Status Lemmatizer::Save(const std::string& path) const {
  ModelWriter writer(kMagic, kVersion);
  std::map<std::string, std::string> dictionary(dictionary_.begin(), dictionary_.end());
  writer.U32(static_cast<uint32_t>(dictionary.size()));
  for (const auto& [key, lemma] : dictionary) {
    writer.Str(key);
    writer.Str(lemma);
  }
  std::map<std::string, EditScript> rules(suffix_rules_.begin(), suffix_rules_.end());
  writer.U32(static_cast<uint32_t>(rules.size()));
  for (const auto& [key, script] : rules) {
    writer.Str(key);
    writer.U8(script.strip);
    writer.Str(script.append);
  }
  return writer.WriteTo(path);
}

absl::StatusOr<Lemmatizer> Lemmatizer::Load(const std::string& path) {
  absl::StatusOr<ModelReader> reader = ModelReader::Open(path, kMagic, kVersion);
  if (!reader.ok()) return reader.status();
  Lemmatizer lemmatizer;
  uint32_t count;
  if (!reader->U32(count)) return reader->Corrupt();
  for (uint32_t k = 0; k < count; ++k) {
    std::string key, lemma;
    if (!reader->Str(key) || !reader->Str(lemma)) return reader->Corrupt();
    lemmatizer.dictionary_.emplace(std::move(key), std::move(lemma));
  }
  if (!reader->U32(count)) return reader->Corrupt();
  for (uint32_t k = 0; k < count; ++k) {
    std::string key;
    EditScript script;
    if (!reader->Str(key) || !reader->U8(script.strip) || !reader->Str(script.append)) {
      return reader->Corrupt();
    }
    lemmatizer.suffix_rules_.emplace(std::move(key), std::move(script));
  }
  if (!reader->AtEnd()) return reader->Corrupt();
  return lemmatizer;
}

}  // namespace korpus::nlp
