#include "libs/nlp/entities.h"

#include <algorithm>
#include <iterator>
#include <tuple>
#include <map>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_format.h"
#include "libs/nlp/model_io.h"
#include "libs/nlp/string_compat.h"
#include "libs/nlp/unicode_util.h"

namespace korpus::nlp {
namespace {

// Titles, forms of address and roles that stand before a name. A closed
// class, lower case; compounds ending in one ("wirtschaftsministerin",
// "us-präsident") count too.
constexpr std::string_view kTitles[] = {
    "herr", "herrn", "frau", "dr.", "dr", "prof.", "prof", "professor", "professorin",
    "präsident", "präsidentin", "kanzler", "kanzlerin", "minister", "ministerin",
    "ministerpräsident", "ministerpräsidentin", "chef", "chefin", "ceo", "cfo", "cto",
    "vorsitzende", "vorsitzender", "bürgermeister", "bürgermeisterin", "senator", "senatorin",
    "abgeordnete", "abgeordneter", "gouverneur", "gouverneurin", "könig", "königin", "prinz",
    "prinzessin", "papst", "sir", "lord", "lady", "mr.", "mrs.", "ms.", "general", "trainer",
    "trainerin", "sprecher", "sprecherin", "gründer", "gründerin", "premier", "premierminister",
};
// Title words matched only as whole words (too short or too common as endings).
constexpr std::string_view kWholeWordOnly[] = {
    "herr", "herrn", "frau", "dr.", "dr", "prof.", "prof", "sir", "lord", "lady", "mr.", "mrs.",
    "ms.", "ceo"};

bool IsTitle(const std::string& lower) {
  for (std::string_view title : kTitles) {
    if (lower == title) return true;
  }
  for (std::string_view title : kTitles) {
    if (std::find(std::begin(kWholeWordOnly), std::end(kWholeWordOnly), title) != std::end(kWholeWordOnly)) {
      continue;
    }
    if (lower.size() > title.size() + 1 &&
        lower.compare(lower.size() - title.size(), title.size(), title) == 0) {
      return true;  // "wirtschaftsministerin", "us-präsident", "konzernchef"
    }
  }
  const size_t hyphen = lower.rfind('-');  // "ex-ceo"
  return hyphen != std::string::npos && hyphen + 1 < lower.size() &&
         std::find(std::begin(kTitles), std::end(kTitles),
                   std::string_view(lower).substr(hyphen + 1)) != std::end(kTitles);
}

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

// Working state of one mention.
struct Item {
  const Mention* mention = nullptr;
  std::vector<std::string> words;  // the name, titles and apostrophes stripped
  std::vector<std::string> parts;  // for -part: the capitalised hyphen parts
  std::string key;
  int cluster = -1;
};

struct Cluster {
  std::vector<int> items;
  std::string key;
};

}  // namespace

std::string EntityId(EntityType type, std::string_view canonical_name) {
  std::string input(EntityTypeName(type));
  input += '\t';
  input += LowercaseUtf8(canonical_name);
  return absl::StrFormat("e%016x", StableHash(input));
}

std::vector<Entity> MergeMentions(std::string_view text, const std::vector<Token>& tokens,
                                  const std::vector<Sentence>& sentences,
                                  const std::vector<Mention>& mentions) {
  std::vector<Item> items(mentions.size());
  for (size_t m = 0; m < mentions.size(); ++m) {
    Item& item = items[m];
    item.mention = &mentions[m];
    for (uint32_t t = 0; t < mentions[m].token_count; ++t) {
      item.words.emplace_back(tokens[mentions[m].first_token + t].Text(text));
    }
    // Rule 1: titles in front.
    while (item.words.size() > 1 && IsTitle(LowercaseUtf8(item.words.front()))) {
      item.words.erase(item.words.begin());
    }
    item.words.back() = DropApostrophe(item.words.back());
    if (mentions[m].type == EntityType::kOrg) {
      while (item.words.size() > 1 && IsLegalForm(LowercaseUtf8(item.words.back()))) {
        item.words.pop_back();
      }
    }
    if (mentions[m].subtype == EntitySubtype::kPart) {
      // Rule 2: candidate names inside the compound(s).
      for (const std::string& word : item.words) {
        size_t start = 0;
        while (start <= word.size()) {
          size_t hyphen = word.find('-', start);
          if (hyphen == std::string::npos) hyphen = word.size();
          const std::string part = word.substr(start, hyphen - start);
          if (!part.empty() && StartsUpper(part)) item.parts.push_back(part);
          start = hyphen + 1;
        }
      }
    }
  }
  // Keys of the plain (non-part, non-deriv) mentions, for rules 2 and 3.
  absl::flat_hash_set<std::string> plain_keys;
  for (Item& item : items) {
    if (item.mention->subtype != EntitySubtype::kNone) continue;
    item.key = Key(item.words);
    plain_keys.insert(item.key);
  }
  for (Item& item : items) {
    if (item.mention->subtype == EntitySubtype::kNone) {
      // Rule 3: "Nvidias" when "Nvidia" is mentioned.
      std::string& last = item.words.back();
      if (last.size() > 3 && last.back() == 's') {
        std::vector<std::string> bare = item.words;
        bare.back().pop_back();
        const std::string bare_key = Key(bare);
        if (plain_keys.contains(bare_key)) {
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
      if (chosen.empty() && !item.parts.empty()) chosen = {item.parts.front()};
      if (chosen.empty()) chosen = item.words;
      item.words = std::move(chosen);
      item.key = Key(item.words);
    }
  }

  // Group by key (deriv mentions wait for rule 5).
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

  // Rule 4: one-word person mentions join the full name.
  auto word_count = [&](const Cluster& c) { return items[c.items.front()].words.size(); };
  auto is_person = [&](const Cluster& c) {
    return items[c.items.front()].mention->type == EntityType::kPer;
  };
  std::vector<int> merged_into(clusters.size(), -1);
  for (size_t c = 0; c < clusters.size(); ++c) {
    if (!is_person(clusters[c]) || word_count(clusters[c]) != 1) continue;
    const std::string& surname = clusters[c].key;
    const uint32_t position = items[clusters[c].items.front()].mention->begin;
    int before = -1, after = -1;
    uint32_t before_position = 0;
    for (size_t f = 0; f < clusters.size(); ++f) {
      if (f == c || !is_person(clusters[f]) || word_count(clusters[f]) < 2) continue;
      const std::string& full = clusters[f].key;
      if (full.size() <= surname.size() + 1 || !EndsWith(full, surname) ||
          full[full.size() - surname.size() - 1] != ' ') {
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
    merged_into[c] = before >= 0 ? before : after;
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

  // Rule 5: derived adjectives join an entity sharing their stem.
  for (size_t m = 0; m < items.size(); ++m) {
    Item& item = items[m];
    if (item.mention->subtype != EntitySubtype::kDeriv) continue;
    const std::string adjective = LowercaseUtf8(item.words.front());
    int best = -1;
    size_t best_shared = 0;
    for (size_t c = 0; c < clusters.size(); ++c) {
      if (clusters[c].items.empty() ||
          items[clusters[c].items.front()].mention->type != item.mention->type) {
        continue;
      }
      const std::string& key = clusters[c].key;
      size_t shared = 0;
      while (shared < key.size() && shared < adjective.size() && key[shared] == adjective[shared]) {
        ++shared;
      }
      if (shared >= 5 && shared > best_shared) {
        best = static_cast<int>(c);
        best_shared = shared;
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
      size_t words = 0;
      bool all_caps = false;
      int count = 0;
      int first = 0;
    };
    std::vector<Variant> variants;
    bool any_plain = false;
    for (int m : cluster.items) any_plain |= items[m].mention->subtype == EntitySubtype::kNone;
    int type_votes[4] = {0, 0, 0, 0};
    for (int m : cluster.items) {
      const Item& item = items[m];
      if (item.mention->subtype != EntitySubtype::kDeriv) ++type_votes[int(item.mention->type)];
      if (any_plain && item.mention->subtype != EntitySubtype::kNone) continue;
      const std::string name = Join(item.words);
      auto it = std::find_if(variants.begin(), variants.end(),
                             [&](const Variant& v) { return v.name == name; });
      if (it == variants.end()) {
        bool caps = true;
        for (const std::string& w : item.words) caps = caps && IsAllCaps(w);
        variants.push_back(Variant{name, item.words.size(), caps, 0, m});
        it = variants.end() - 1;
      }
      ++it->count;
    }
    bool some_mixed_case = false;
    for (const Variant& v : variants) some_mixed_case |= !v.all_caps;
    const Variant* best = &variants.front();
    for (const Variant& v : variants) {
      auto rank = [&](const Variant& x) {
        return std::make_tuple(x.words, some_mixed_case && !x.all_caps, x.count, -x.first);
      };
      if (rank(v) > rank(*best)) best = &v;
    }
    entity.canonical_name = best->name;
    int type = int(items[cluster.items.front()].mention->type);
    for (int t = 0; t < 4; ++t) {
      if (type_votes[t] > type_votes[type]) type = t;
    }
    entity.type = EntityType(type);
    entity.entity_id = EntityId(entity.type, entity.canonical_name);
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
