#include "libs/nlp/entities.h"

#include <algorithm>
#include <iterator>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_format.h"
#include "libs/nlp/model_io.h"
#include "libs/nlp/string_compat.h"
#include "libs/nlp/unicode_util.h"

namespace korpus::nlp {
namespace {

// Legal forms after an organisation's name, lower case.
constexpr std::string_view kLegalForms[] = {
    "ag", "gmbh", "se", "kg", "kgaa", "ohg", "gbr", "e.v.", "inc.", "inc", "corp.", "corp",
    "corporation", "ltd.", "ltd", "plc", "llc"};

bool IsLegalForm(const std::string& lower) {
  return std::find(std::begin(kLegalForms), std::end(kLegalForms), lower) != std::end(kLegalForms);
}

bool IsAllCaps(std::string_view word) {
  bool letters = false;
  for (char c : word) {
    if (c >= 'a' && c <= 'z') return false;
    if (c >= 'A' && c <= 'Z') letters = true;
  }
  return letters && LowercaseUtf8(word) != std::string(word);
}

std::string Join(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

std::vector<std::string> SplitWords(std::string_view name) {
  std::vector<std::string> words;
  size_t start = 0;
  while (start < name.size()) {
    size_t space = name.find(' ', start);
    if (space == std::string_view::npos) space = name.size();
    if (space > start) words.emplace_back(name.substr(start, space - start));
    start = space + 1;
  }
  return words;
}

// The non-empty parts of a hyphenated word ("Nvidia-CEO" -> Nvidia, CEO).
std::vector<std::string> HyphenParts(std::string_view word) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= word.size()) {
    size_t hyphen = word.find('-', start);
    if (hyphen == std::string_view::npos) hyphen = word.size();
    if (hyphen > start) parts.emplace_back(word.substr(start, hyphen - start));
    start = hyphen + 1;
  }
  return parts;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Drops an apostrophe genitive: "Jonas'" -> "Jonas", "Nvidia's" -> "Nvidia".
std::string DropApostrophe(std::string word) {
  for (std::string_view mark : {"'s", "\xE2\x80\x99s", "'", "\xE2\x80\x99"}) {
    if (word.size() > mark.size() + 1 && EndsWith(word, mark)) {
      word.resize(word.size() - mark.size());
      return word;
    }
  }
  return word;
}

// A genitive's bare form: "NVIDIAs" -> "NVIDIA", "Chinas" -> "China",
// "Jonas'" -> "Jonas"; empty when `word` has no genitive ending.
std::string GenitiveStem(const std::string& word) {
  const std::string bare = DropApostrophe(word);
  if (bare != word) return bare;
  if (word.size() > 3 && word.back() == 's') return word.substr(0, word.size() - 1);
  return "";
}

// Comparison key of a name: lower case; adjective endings of non-final
// words reduced to "e" ("deutschen bank" -> "deutsche bank").
std::string Key(const std::vector<std::string>& words) {
  std::vector<std::string> lowered;
  for (size_t k = 0; k < words.size(); ++k) {
    std::string lower = LowercaseUtf8(words[k]);
    if (k + 1 < words.size() && lower.size() > 4) {
      for (std::string_view ending : {"en", "er", "es", "em"}) {
        if (EndsWith(lower, ending)) {
          lower.pop_back();
          break;
        }
      }
    }
    lowered.push_back(std::move(lower));
  }
  return Join(lowered);
}

// The lexicon and gazetteer facts the repairs and rules ask about.
class Knowledge {
 public:
  explicit Knowledge(const EntityKnowledge& k) : k_(k) {}

  uint32_t GazetteerBits(std::string_view word) const {
    return k_.gazetteer == nullptr ? 0 : k_.gazetteer->WordBits(word);
  }
  bool IsCommonAbbreviation(std::string_view word) const {
    return (GazetteerBits(word) & kGazCommonAbbrev) != 0;
  }
  bool IsPlace(std::string_view word) const { return (GazetteerBits(word) & kGazPlaceBits) != 0; }
  // A capitalised word the lexicon knows as a common noun ("Chips").
  bool IsCommonNoun(std::string_view word) const {
    if (k_.lexicon == nullptr || !StartsUpper(word)) return false;
    const Lexicon::Entry* entry = k_.lexicon->Find(word);
    return entry != nullptr && (entry->classes & kLexNoun) != 0;
  }
  // Not a name: lower case, a common noun or abbreviation, or a hyphenated
  // compound of such words ("KI-Schub", "KI-fähige"). `abbreviation` is set
  // when a common-noun abbreviation is in it.
  bool IsCommonWord(const std::string& word, bool& abbreviation) const {
    const std::vector<std::string> parts = HyphenParts(word);
    if (parts.empty()) return true;
    for (const std::string& part : parts) {
      if (IsCommonAbbreviation(part)) {
        abbreviation = true;
        continue;
      }
      if (!StartsUpper(part) && !(part[0] >= '0' && part[0] <= '9')) continue;
      if (!IsCommonNoun(part)) return false;
    }
    return true;
  }
  std::string_view Canonical(std::string_view form) const {
    return k_.gazetteer == nullptr ? std::string_view() : k_.gazetteer->Canonical(form);
  }
  // The lexicon knows the form or its lower case ("Offener", "Autarkie" if
  // listed): not a name to spread over the document.
  bool IsKnownWord(std::string_view word) const {
    return k_.lexicon != nullptr &&
           (k_.lexicon->Find(word) != nullptr || k_.lexicon->Find(LowercaseUtf8(word)) != nullptr);
  }
  bool HasLexicon() const { return k_.lexicon != nullptr; }

 private:
  EntityKnowledge k_;
};

// Working state of one mention.
struct Item {
  const Mention* mention = nullptr;
  std::vector<std::string> words;  // the name, titles and apostrophes stripped
  std::vector<std::string> parts;  // for -part: the capitalised hyphen parts
  std::string key;
  std::string surface_key;  // the key before alias normalisation
  EntityType type = EntityType::kPer;  // the mention's, or its -part name's evidence
  bool alias = false;                  // words are a gazetteer canonical name
  bool titled = false;                 // a title stood before the name
  bool spread = false;                 // added by repair d: its type is copied, no vote
  int cluster = -1;
};

struct Cluster {
  std::vector<int> items;
  std::string key;
  double votes[4] = {0, 0, 0, 0};
  EntityType type = EntityType::kPer;
};

std::string TokenLower(std::string_view text, const std::vector<Token>& tokens, size_t t) {
  return LowercaseUtf8(tokens[t].Text(text));
}

// Repairs a to d of the header: returns the mentions to merge, in text
// order; `spread` (same length) marks those step d added.
std::vector<Mention> RepairMentions(std::vector<bool>& spread_flags, std::string_view text, const std::vector<Token>& tokens,
                                    const std::vector<Mention>& mentions,
                                    const Knowledge& knowledge) {
  // Names the document mentions (keys of plain mentions, name parts of
  // -part mentions), with the type they were first given.
  absl::flat_hash_map<std::string, EntityType> names;
  absl::flat_hash_set<std::string> plain_names;  // of plain mentions only
  auto note_name = [&](const std::string& key, EntityType type) { names.try_emplace(key, type); };
  for (const Mention& m : mentions) {
    std::vector<std::string> words;
    for (uint32_t t = 0; t < m.token_count; ++t) {
      words.emplace_back(tokens[m.first_token + t].Text(text));
    }
    while (words.size() > 1 && IsPersonTitle(LowercaseUtf8(words.front()))) {
      words.erase(words.begin());
    }
    words.back() = DropApostrophe(words.back());
    if (m.subtype == EntitySubtype::kNone) {
      note_name(Key(words), m.type);
      plain_names.insert(Key(words));
    } else if (m.subtype == EntitySubtype::kPart) {
      for (const std::string& word : words) {
        for (const std::string& part : HyphenParts(word)) {
          bool abbreviation = false;
          if (StartsUpper(part) && !knowledge.IsCommonWord(part, abbreviation)) {
            note_name(LowercaseUtf8(part), m.type);
          }
        }
      }
    }
  }
  auto names_something = [&](const std::string& word) {
    return names.contains(LowercaseUtf8(word)) || knowledge.IsPlace(word) ||
           !knowledge.Canonical(word).empty();
  };

  std::vector<Mention> out;
  out.reserve(mentions.size());
  for (const Mention& tagged : mentions) {
    Mention m = tagged;
    const uint32_t end = m.first_token + m.token_count;
    // A leading hyphenated common word is no part of the name: "KI-Modelle
    // US-Chips", "KI-Unternehmens DeepSeek".
    bool stripped_abbreviation = false;
    while (end - m.first_token > 1 && m.subtype != EntitySubtype::kDeriv) {
      const std::string word(tokens[m.first_token].Text(text));
      // Also an organisation noun before the name ("KI-Startup Velotrax");
      // it then votes ORG as the word before the mention.
      // ("Bank of America", "Institut für ..." keep theirs: a lower-case
      // word follows.)
      const bool cue = IsOrganisationCue(LowercaseUtf8(word)) &&
                       StartsUpper(tokens[m.first_token + 1].Text(text));
      if (!cue && (word.find('-') == std::string::npos ||
                   !knowledge.IsCommonWord(word, stripped_abbreviation))) {
        break;
      }
      ++m.first_token;
      --m.token_count;
      m.begin = tokens[m.first_token].begin;
    }
    uint32_t first = m.first_token;
    while (end - first > 1 && IsPersonTitle(TokenLower(text, tokens, first))) ++first;
    auto make = [&](uint32_t from, uint32_t to, EntityType type, EntitySubtype subtype) {
      Mention piece = m;
      piece.first_token = from;
      piece.token_count = to - from;
      piece.begin = tokens[from].begin;
      piece.end = tokens[to - 1].end;
      piece.type = type;
      piece.subtype = subtype;
      return piece;
    };
    // c. Common nouns and common-noun abbreviations only.
    bool abbreviation = false, common = true;
    for (uint32_t t = first; t < end && common; ++t) {
      common = knowledge.IsCommonWord(std::string(tokens[t].Text(text)), abbreviation);
    }
    if (common && (abbreviation || stripped_abbreviation) && m.subtype != EntitySubtype::kDeriv) {
      continue;
    }
    // A compound led by a common-noun abbreviation ("KI-Community") names
    // nothing unless another part is a name of the document or a place.
    if (m.subtype != EntitySubtype::kDeriv && end - first == 1) {
      const std::vector<std::string> parts = HyphenParts(tokens[first].Text(text));
      if (parts.size() >= 2 && knowledge.IsCommonAbbreviation(parts.front())) {
        bool named = false;
        for (size_t k = 1; k < parts.size(); ++k) {
          named |= plain_names.contains(LowercaseUtf8(parts[k])) || knowledge.IsPlace(parts[k]) ||
                   !knowledge.Canonical(parts[k]).empty();
        }
        if (!named) continue;
      }
    }

    // a. A leading genitive naming something: "NVIDIAs Jensen Huang".
    if (m.subtype == EntitySubtype::kNone && end - first >= 2) {
      const std::string genitive(tokens[first].Text(text));
      const std::string stem = GenitiveStem(genitive);
      if (!stem.empty() && StartsUpper(stem) && names_something(stem)) {
        auto known = names.find(LowercaseUtf8(stem));
        const EntityType type = known != names.end() ? known->second : EntityType::kLoc;
        out.push_back(make(first, first + 1, type, EntitySubtype::kNone));
        // The rest is a name of its own when it is a person's ("NVIDIAs
        // Jensen Huang"), several words, or shaped like a name ("ChatGPT",
        // "H20"); a single plain word after a genitive is a common noun
        // ("Chinas Autarkie").
        uint32_t rest = first + 1;
        while (end - rest > 1 && IsPersonTitle(TokenLower(text, tokens, rest))) ++rest;
        bool rest_common = true, unused = false;
        for (uint32_t t = rest; t < end && rest_common; ++t) {
          rest_common = knowledge.IsCommonWord(std::string(tokens[t].Text(text)), unused);
        }
        bool name_shaped = m.type == EntityType::kPer || end - rest >= 2;
        const std::string_view single = tokens[rest].Text(text);
        for (size_t k = 1; k < single.size() && !name_shaped; ++k) {
          name_shaped = (single[k] >= 'A' && single[k] <= 'Z') || (single[k] >= '0' && single[k] <= '9');
        }
        if (!rest_common && name_shaped) out.push_back(make(first + 1, end, m.type, EntitySubtype::kNone));
        continue;
      }
    }
    // A title that is itself a compound with a name ("Nvidia-CEO Jensen
    // Huang", "US-Präsident X") is a -part mention of that name; the person
    // starts after it.
    if (m.subtype == EntitySubtype::kNone && first > m.first_token) {
      bool split = false;
      for (uint32_t t = m.first_token; t < first; ++t) {
        const std::vector<std::string> parts = HyphenParts(tokens[t].Text(text));
        if (parts.size() < 2 || !StartsUpper(parts.front()) || !names_something(parts.front())) {
          continue;
        }
        auto known = names.find(LowercaseUtf8(parts.front()));
        out.push_back(make(t, t + 1, known != names.end() ? known->second : EntityType::kLoc,
                           EntitySubtype::kPart));
        split = true;
      }
      if (split) {
        out.push_back(make(first, end, m.type, EntitySubtype::kNone));
        continue;
      }
    }
    // b. "Nvidia-CEO" tagged as a plain name.
    if (m.subtype == EntitySubtype::kNone && end - first == 1) {
      const std::vector<std::string> parts = HyphenParts(tokens[first].Text(text));
      if (parts.size() >= 2) {
        const std::string& head = parts.back();
        bool unused = false;
        const bool common_head = knowledge.IsCommonWord(head, unused) ||
                                 IsOrganisationPartHead(LowercaseUtf8(head));
        if (common_head && StartsUpper(parts.front()) && names_something(parts.front())) {
          out.push_back(make(m.first_token, end, m.type, EntitySubtype::kPart));
          continue;
        }
      }
    }
    out.push_back(m);
  }

  // d. One-word names spread over the document: an untagged token that is
  // a recognised name of the document, its genitive, or a compound led by
  // it ("Quorvex-Chips") becomes a mention of the same type. Only names the
  // lexicon does not know as words, and only with a lexicon (without one,
  // nothing tells a name from a misrecognised word).
  spread_flags.assign(out.size(), false);
  if (!knowledge.HasLexicon()) return out;
  absl::flat_hash_map<std::string, EntityType> spread;
  for (const Mention& m : out) {
    if (m.subtype != EntitySubtype::kNone || m.token_count != 1) continue;
    const std::string word = DropApostrophe(std::string(tokens[m.first_token].Text(text)));
    bool unused = false;
    if (word.size() < 3 || !StartsUpper(word) || word.find('-') != std::string::npos ||
        knowledge.IsKnownWord(word) || knowledge.IsCommonWord(word, unused)) {
      continue;
    }
    spread.try_emplace(word, m.type);
    // "Trumps" also stands for "Trump" ("Trump-Regierung").
    if (const std::string stem = GenitiveStem(word); stem.size() >= 3) spread.try_emplace(stem, m.type);
  }
  std::vector<bool> covered(tokens.size(), false);
  for (const Mention& m : mentions) {
    for (uint32_t t = m.first_token; t < m.first_token + m.token_count; ++t) covered[t] = true;
  }
  std::vector<Mention> added;
  // A name coordinated with a recognised one ("Firmen wie DeepSeek und
  // Huawei", "Alibaba oder Tencent"): a run of up to three capitalised words
  // the lexicon does not know, right after "und"/"oder"/"sowie" that follows
  // a mention, gets the mention's type.
  for (const Mention& m : out) {
    if (m.subtype != EntitySubtype::kNone) continue;
    const size_t conjunction = m.first_token + m.token_count;
    if (conjunction + 1 >= tokens.size()) continue;
    const std::string word = TokenLower(text, tokens, conjunction);
    if (word != "und" && word != "oder" && word != "sowie") continue;
    size_t run = conjunction + 1;
    while (run < tokens.size() && run < conjunction + 4 && !covered[run] &&
           tokens[run].kind == TokenKind::kWord) {
      const std::string_view candidate = tokens[run].Text(text);
      bool unused = false;
      if (candidate.size() < 2 || !StartsUpper(candidate) || knowledge.IsKnownWord(candidate) ||
          knowledge.IsCommonWord(std::string(candidate), unused)) {
        break;
      }
      ++run;
    }
    if (run == conjunction + 1) continue;
    if (run < tokens.size() && covered[run]) continue;  // runs into another name
    Mention piece = m;
    piece.first_token = static_cast<uint32_t>(conjunction + 1);
    piece.token_count = static_cast<uint32_t>(run - conjunction - 1);
    piece.begin = tokens[conjunction + 1].begin;
    piece.end = tokens[run - 1].end;
    for (size_t t = conjunction + 1; t < run; ++t) covered[t] = true;
    added.push_back(piece);
    if (piece.token_count == 1) spread.try_emplace(std::string(tokens[piece.first_token].Text(text)), m.type);
  }
  for (size_t t = 0; t < tokens.size(); ++t) {
    if (covered[t] || tokens[t].kind != TokenKind::kWord) continue;
    const std::string word(tokens[t].Text(text));
    const std::vector<std::string> parts = HyphenParts(word);
    if (parts.empty()) continue;
    std::string head = parts.front();
    auto found = spread.find(head);
    if (found == spread.end()) {
      const std::string stem = GenitiveStem(head);
      if (!stem.empty()) found = spread.find(stem);
    }
    if (found == spread.end()) continue;
    bool unused = false;
    if (parts.size() >= 2 && !knowledge.IsCommonWord(parts.back(), unused) &&
        !IsOrganisationPartHead(LowercaseUtf8(parts.back()))) {
      continue;
    }
    Mention m;
    m.first_token = static_cast<uint32_t>(t);
    m.token_count = 1;
    m.begin = tokens[t].begin;
    m.end = tokens[t].end;
    m.type = found->second;
    m.subtype = parts.size() >= 2 ? EntitySubtype::kPart : EntitySubtype::kNone;
    added.push_back(m);
  }
  if (added.empty()) return out;
  std::vector<std::pair<Mention, bool>> all;
  for (const Mention& m : out) all.emplace_back(m, false);
  for (const Mention& m : added) all.emplace_back(m, true);
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
    return a.first.first_token < b.first.first_token;
  });
  out.clear();
  spread_flags.clear();
  for (const auto& [m, flag] : all) {
    out.push_back(m);
    spread_flags.push_back(flag);
  }
  return out;
}

}  // namespace

std::string EntityId(std::string_view canonical_name) {
  return absl::StrFormat("e%016x", StableHash(LowercaseUtf8(canonical_name)));
}

std::vector<Entity> MergeMentions(std::string_view text, const std::vector<Token>& tokens,
                                  const std::vector<Sentence>& sentences,
                                  const std::vector<Mention>& input,
                                  const EntityKnowledge& entity_knowledge) {
  const Knowledge knowledge(entity_knowledge);
  std::vector<bool> spread;
  const std::vector<Mention> mentions = RepairMentions(spread, text, tokens, input, knowledge);
  std::vector<Item> items(mentions.size());
  for (size_t m = 0; m < mentions.size(); ++m) {
    Item& item = items[m];
    item.mention = &mentions[m];
    item.type = mentions[m].type;
    item.spread = spread[m];
    for (uint32_t t = 0; t < mentions[m].token_count; ++t) {
      item.words.emplace_back(tokens[mentions[m].first_token + t].Text(text));
    }
    // Rule 1: titles in front, in the mention or just before it.
    while (item.words.size() > 1 && IsPersonTitle(LowercaseUtf8(item.words.front()))) {
      item.words.erase(item.words.begin());
      item.titled = true;
    }
    const uint32_t before = mentions[m].first_token;
    if (before > 0 && IsPersonTitle(TokenLower(text, tokens, before - 1))) item.titled = true;
    item.words.back() = DropApostrophe(item.words.back());
    if (mentions[m].type == EntityType::kOrg) {
      while (item.words.size() > 1 && IsLegalForm(LowercaseUtf8(item.words.back()))) {
        item.words.pop_back();
      }
    }
    if (mentions[m].subtype == EntitySubtype::kPart) {
      // Rule 2: candidate names inside the compound(s).
      for (const std::string& word : item.words) {
        for (const std::string& part : HyphenParts(word)) {
          bool unused = false;
          if (StartsUpper(part) && !knowledge.IsCommonWord(part, unused)) item.parts.push_back(part);
        }
      }
    }
  }
  // Keys of the plain (non-part, non-deriv) mentions, for rules 2 and 3.
  absl::flat_hash_set<std::string> plain_keys;
  absl::flat_hash_set<std::string> person_surnames;  // last words of full person names
  for (Item& item : items) {
    if (item.mention->subtype != EntitySubtype::kNone) continue;
    item.key = Key(item.words);
    plain_keys.insert(item.key);
    if (item.type == EntityType::kPer && item.words.size() >= 2) {
      person_surnames.insert(LowercaseUtf8(item.words.back()));
    }
  }
  for (Item& item : items) {
    if (item.mention->subtype == EntitySubtype::kNone) {
      // Rule 3: "Nvidias" when "Nvidia" is mentioned, "Huangs" when "Jensen
      // Huang" is.
      std::string& last = item.words.back();
      if (last.size() > 3 && last.back() == 's') {
        std::vector<std::string> bare = item.words;
        bare.back().pop_back();
        const std::string bare_key = Key(bare);
        // Or the bare form is a listed place or name and the form is not
        // ("Washingtons", but not "Jonas").
        constexpr uint32_t kNameBits = kGazPlaceBits | kGazFirstName | kGazLastName;
        const bool listed = bare.size() == 1 &&
                            (knowledge.GazetteerBits(bare.back()) & kNameBits) != 0 &&
                            (knowledge.GazetteerBits(last) & kNameBits) == 0;
        // Or a person's name after a title: "Präsident Trumps Entwurf".
        const bool titled_genitive = bare.size() == 1 && item.titled &&
                                     item.type == EntityType::kPer && bare_key.size() >= 3 &&
                                     (knowledge.GazetteerBits(last) & kNameBits) == 0;
        if (plain_keys.contains(bare_key) || listed || titled_genitive ||
            (bare.size() == 1 && person_surnames.contains(bare_key))) {
          item.words = std::move(bare);
          item.key = bare_key;
        }
      }
    } else if (item.mention->subtype == EntitySubtype::kPart) {
      std::vector<std::string> chosen;
      for (const std::string& part : item.parts) {
        std::string bare = part;  // a genitive inside a compound: "Nvidias-Chef"
        if (bare.size() > 3 && bare.back() == 's') bare.pop_back();
        for (const std::string* candidate : {&part, static_cast<const std::string*>(&bare)}) {
          if (chosen.empty() && plain_keys.contains(Key({*candidate}))) chosen = {*candidate};
        }
      }
      if (chosen.empty() && !item.parts.empty()) {
        chosen = {item.parts.front()};
        // No entity of the document: the part's own evidence types it.
        if (knowledge.IsPlace(chosen[0]) || !knowledge.Canonical(chosen[0]).empty()) {
          item.type = EntityType::kLoc;
        }
      }
      if (chosen.empty()) chosen = item.words;
      item.words = std::move(chosen);
      item.key = Key(item.words);
    }
  }
  // Rule 4: aliases.
  for (Item& item : items) {
    if (item.mention->subtype == EntitySubtype::kDeriv || item.type == EntityType::kPer) continue;
    item.surface_key = item.key;
    std::string form = Join(item.words);
    std::string_view canonical = knowledge.Canonical(form);
    if (canonical.empty() && form.size() > 3 && form.back() == 's') {
      form.pop_back();  // "Chinas", "Amerikas"
      canonical = knowledge.Canonical(form);
    }
    if (canonical.empty()) continue;
    const bool code = form.size() <= 3 && IsAllCaps(form);
    if (code && item.type != EntityType::kLoc && item.mention->subtype != EntitySubtype::kPart) {
      continue;
    }
    item.words = SplitWords(canonical);
    item.key = Key(item.words);
    item.alias = true;
    if (item.mention->subtype == EntitySubtype::kPart) item.type = EntityType::kLoc;
  }

  // Type votes of each mention.
  auto vote = [&](const Item& item, double votes[4]) {
    const Mention& m = *item.mention;
    if (m.subtype == EntitySubtype::kDeriv) return;
    if (!item.spread) votes[int(item.type)] += m.subtype == EntitySubtype::kPart ? 0.5 : 1.0;
    if (item.titled) votes[int(EntityType::kPer)] += 2.0;
    const uint32_t first = m.first_token, end = m.first_token + m.token_count;
    // Left of the name, over a coordination ("Firmen wie X und Y"): an
    // organisation noun, or "wie" after one.
    uint32_t left = first;
    while (left >= 2) {
      const std::string word = TokenLower(text, tokens, left - 1);
      if (word != "und" && word != "oder" && word != "sowie" && word != ",") break;
      if (!StartsUpper(tokens[left - 2].Text(text))) break;
      left -= 2;
    }
    bool org_cue = left > 0 && IsOrganisationCue(TokenLower(text, tokens, left - 1));
    if (!org_cue && left > 1 && TokenLower(text, tokens, left - 1) == "wie") {
      org_cue = IsOrganisationCue(TokenLower(text, tokens, left - 2));
    }
    if (!org_cue && end < tokens.size() && tokens[end].Text(text) == ",") {
      for (uint32_t t = end + 1; t < tokens.size() && t <= end + 4 && !org_cue; ++t) {
        const std::string_view word = tokens[t].Text(text);
        if (word == "." || word == ",") break;
        org_cue = IsOrganisationCue(LowercaseUtf8(word));
      }
    }
    if (org_cue) votes[int(EntityType::kOrg)] += 2.0;
    if (m.subtype == EntitySubtype::kPart && m.token_count == 1) {
      const std::vector<std::string> parts = HyphenParts(tokens[first].Text(text));
      if (parts.size() >= 2 && IsOrganisationPartHead(LowercaseUtf8(parts.back()))) {
        votes[int(EntityType::kOrg)] += 1.0;
      }
    }
  };

  // Group by key (deriv mentions wait for rule 6).
  std::vector<Cluster> clusters;
  absl::flat_hash_map<std::string, int> by_key;
  for (size_t m = 0; m < items.size(); ++m) {
    Item& item = items[m];
    if (item.mention->subtype == EntitySubtype::kDeriv) continue;
    auto [it, inserted] = by_key.try_emplace(item.key, static_cast<int>(clusters.size()));
    if (inserted) clusters.push_back(Cluster{{}, item.key});
    clusters[it->second].items.push_back(static_cast<int>(m));
    item.cluster = it->second;
  }
  auto decide_type = [&](Cluster& c) {
    std::fill(std::begin(c.votes), std::end(c.votes), 0.0);
    for (int m : c.items) vote(items[m], c.votes);
    int type = int(items[c.items.front()].type);
    for (int t = 0; t < 4; ++t) {
      if (c.votes[t] > c.votes[type]) type = t;
    }
    c.type = EntityType(type);
  };
  for (Cluster& c : clusters) decide_type(c);

  // Rule 5: one-word person mentions join the full name.
  auto word_count = [&](const Cluster& c) { return items[c.items.front()].words.size(); };
  auto is_person = [&](const Cluster& c) { return c.type == EntityType::kPer; };
  std::vector<int> merged_into(clusters.size(), -1);
  for (size_t c = 0; c < clusters.size(); ++c) {
    if (clusters[c].items.empty() || word_count(clusters[c]) != 1) continue;
    // A one-word mention typed otherwise ("Aalberg sagte" tagged LOC) may
    // still be the surname of the document's one person of that name,
    // unless the word is a listed place or a country alias ("Washington").
    const Item& front = items[clusters[c].items.front()];
    const bool other_type = !is_person(clusters[c]);
    // Not for organisations: "OpenAI" is no surname of "Sam Altman von
    // OpenAI" (a mention the tagger ran together).
    if (other_type && (front.alias || knowledge.IsPlace(front.words.front()) ||
                       clusters[c].type == EntityType::kOrg)) {
      continue;
    }
    const std::string& short_form = clusters[c].key;
    const uint32_t position = items[clusters[c].items.front()].mention->begin;
    int before = -1, after = -1, given = -1, given_count = 0;
    uint32_t before_position = 0;
    for (size_t f = 0; f < clusters.size(); ++f) {
      if (f == c || !is_person(clusters[f]) || word_count(clusters[f]) < 2) continue;
      const std::string& full = clusters[f].key;
      // (The key lowers "Jensen" to "jense": compare the word itself.)
      if (LowercaseUtf8(items[clusters[f].items.front()].words.front()) == short_form) {
        given = static_cast<int>(f);
        ++given_count;
      }
      if (full.size() <= short_form.size() + 1 || !EndsWith(full, short_form) ||
          full[full.size() - short_form.size() - 1] != ' ') {
        continue;
      }
      for (int m : clusters[f].items) {
        const uint32_t begin = items[m].mention->begin;
        if (begin < position && (before < 0 || begin >= before_position)) {
          before = static_cast<int>(f);
          before_position = begin;
        }
        if (begin > position && after < 0) after = static_cast<int>(f);
      }
    }
    if (other_type) {
      // Only the surname rule, and only when one person has that surname.
      int surname_count = 0;
      for (size_t f = 0; f < clusters.size(); ++f) {
        if (f == c || !is_person(clusters[f]) || word_count(clusters[f]) < 2) continue;
        const std::string& full = clusters[f].key;
        bool all_capitalised = true;
        for (const std::string& word : items[clusters[f].items.front()].words) {
          all_capitalised = all_capitalised && StartsUpper(word);
        }
        const bool ends = full.size() > short_form.size() + 1 && EndsWith(full, short_form) &&
                          full[full.size() - short_form.size() - 1] == ' ';
        if (ends && !all_capitalised) surname_count = 2;  // "X von Y": not a surname
        surname_count += ends;
      }
      merged_into[c] = surname_count == 1 ? (before >= 0 ? before : after) : -1;
      continue;
    }
    merged_into[c] = before >= 0 ? before : after >= 0 ? after : given_count == 1 ? given : -1;
  }
  for (size_t c = 0; c < clusters.size(); ++c) {
    if (merged_into[c] < 0) continue;
    Cluster& target = clusters[merged_into[c]];
    for (int m : clusters[c].items) {
      target.items.push_back(m);
      items[m].cluster = merged_into[c];
    }
    clusters[c].items.clear();
  }
  for (Cluster& c : clusters) {
    if (!c.items.empty()) decide_type(c);
  }

  // Rule 6: derived adjectives join an entity sharing their stem.
  for (size_t m = 0; m < items.size(); ++m) {
    Item& item = items[m];
    if (item.mention->subtype != EntitySubtype::kDeriv) continue;
    const std::string adjective = LowercaseUtf8(item.words.front());
    // A country alias at the start of the adjective ("amerikanisch").
    std::string alias_key;
    for (size_t length = adjective.size(); length >= 4 && alias_key.empty(); --length) {
      if ((static_cast<unsigned char>(adjective[length - 1]) & 0xC0) == 0x80) continue;
      const std::string_view canonical =
          knowledge.Canonical(CapitalizeUtf8(std::string_view(adjective).substr(0, length)));
      if (!canonical.empty()) alias_key = Key(SplitWords(canonical));
    }
    int best = -1;
    size_t best_shared = 0;
    for (size_t c = 0; c < clusters.size(); ++c) {
      if (clusters[c].items.empty() || clusters[c].type != item.mention->type) continue;
      if (!alias_key.empty() && clusters[c].key == alias_key) {
        best = static_cast<int>(c);
        break;
      }
      // The entity's name and the spellings its mentions used.
      std::vector<const std::string*> keys = {&clusters[c].key};
      for (int i : clusters[c].items) {
        if (!items[i].surface_key.empty()) keys.push_back(&items[i].surface_key);
      }
      for (const std::string* key : keys) {
        size_t shared = 0;
        while (shared < key->size() && shared < adjective.size() &&
               (*key)[shared] == adjective[shared]) {
          ++shared;
        }
        // "deutsch"/"deutschland" share 7, "chinesisch"/"china" 4 of 5.
        const size_t needed = std::max<size_t>(4, std::min<size_t>(5, key->size() - 1));
        if (shared >= needed && shared > best_shared) {
          best = static_cast<int>(c);
          best_shared = shared;
        }
      }
    }
    if (best >= 0) {
      clusters[best].items.push_back(static_cast<int>(m));
      item.cluster = best;
    }
  }

  // Build the entities.
  const uint32_t first_sentence_end = sentences.empty() ? 0 : sentences.front().end;
  const double length = std::max<double>(1.0, static_cast<double>(text.size()));
  std::vector<Entity> entities;
  std::vector<uint32_t> first_begin;
  for (Cluster& cluster : clusters) {
    if (cluster.items.empty()) continue;
    std::sort(cluster.items.begin(), cluster.items.end());
    Entity entity;
    // Canonical name: from the mentions that are neither -part nor -deriv
    // (those only point at the name), else from all.
    struct Variant {
      std::string name;
      bool alias = false;
      size_t words = 0;
      bool all_caps = false;
      int count = 0;
      int first = 0;
    };
    std::vector<Variant> variants;
    bool any_plain = false;
    for (int m : cluster.items) any_plain |= items[m].mention->subtype == EntitySubtype::kNone;
    for (int m : cluster.items) {
      const Item& item = items[m];
      if (item.mention->subtype == EntitySubtype::kDeriv) continue;
      if (any_plain && item.mention->subtype != EntitySubtype::kNone) continue;
      const std::string name = Join(item.words);
      auto it = std::find_if(variants.begin(), variants.end(),
                             [&](const Variant& v) { return v.name == name; });
      if (it == variants.end()) {
        bool caps = true;
        for (const std::string& w : item.words) caps = caps && IsAllCaps(w);
        variants.push_back(Variant{name, item.alias, item.words.size(), caps, 0, m});
        it = variants.end() - 1;
      }
      ++it->count;
    }
    bool some_mixed_case = false;
    for (const Variant& v : variants) some_mixed_case |= !v.all_caps;
    const Variant* best = &variants.front();
    for (const Variant& v : variants) {
      auto rank = [&](const Variant& x) {
        return std::make_tuple(x.alias, x.words, some_mixed_case && !x.all_caps, x.count, -x.first);
      };
      if (rank(v) > rank(*best)) best = &v;
    }
    entity.canonical_name = best->name;
    entity.type = cluster.type;
    entity.entity_id = EntityId(entity.canonical_name);
    double salience = 0;
    for (int m : cluster.items) {
      const Mention& mention = *items[m].mention;
      MentionRef ref;
      ref.begin = mention.begin;
      ref.end = mention.end;
      ref.first_token = mention.first_token;
      ref.token_count = mention.token_count;
      ref.text = std::string(text.substr(mention.begin, mention.end - mention.begin));
      ref.subtype = mention.subtype;
      if (ref.text != entity.canonical_name &&
          std::find(entity.aliases.begin(), entity.aliases.end(), ref.text) == entity.aliases.end()) {
        entity.aliases.push_back(ref.text);
      }
      entity.mentions.push_back(std::move(ref));
      // Early mentions weigh more; the headline / first sentence most.
      salience += (mention.end <= first_sentence_end ? 2.5 : 1.0) *
                  (1.0 - 0.5 * static_cast<double>(mention.begin) / length) *
                  (mention.subtype == EntitySubtype::kNone ? 1.0 : 0.5);
    }
    entity.salience = salience;
    first_begin.push_back(entity.mentions.front().begin);
    entities.push_back(std::move(entity));
  }
  double top = 0;
  for (const Entity& e : entities) top = std::max(top, e.salience);
  for (Entity& e : entities) e.salience = top > 0 ? e.salience / top : 0;
  std::vector<size_t> order(entities.size());
  for (size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (entities[a].salience != entities[b].salience) return entities[a].salience > entities[b].salience;
    return first_begin[a] < first_begin[b];
  });
  std::vector<Entity> sorted;
  sorted.reserve(entities.size());
  for (size_t k : order) sorted.push_back(std::move(entities[k]));
  return sorted;
}

}  // namespace korpus::nlp
