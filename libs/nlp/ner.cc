#include "libs/nlp/ner.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "libs/nlp/model_io.h"
#include "libs/nlp/unicode_util.h"

namespace korpus::nlp {

std::string_view EntityTypeName(EntityType type) {
  switch (type) {
    case EntityType::kPer: return "PER";
    case EntityType::kOrg: return "ORG";
    case EntityType::kLoc: return "LOC";
    case EntityType::kOth: return "OTH";
  }
  return "OTH";
}

std::string_view EntitySubtypeName(EntitySubtype subtype) {
  switch (subtype) {
    case EntitySubtype::kNone: return "";
    case EntitySubtype::kDeriv: return "deriv";
    case EntitySubtype::kPart: return "part";
  }
  return "";
}

std::string NerLabelName(int label) {
  std::string name(EntityTypeName(EntityType(label / 3)));
  name += EntitySubtypeName(EntitySubtype(label % 3));
  return name;
}

std::string NerTagName(int tag) {
  if (tag <= 0 || tag >= kNerTagCount) return "O";
  return absl::StrCat(NerTagIsInside(tag) ? "I-" : "B-", NerLabelName(NerTagLabel(tag)));
}

int ParseNerTag(std::string_view name) {
  if (name == "O") return 0;
  if (name.size() < 5 || name[1] != '-' || (name[0] != 'B' && name[0] != 'I')) return -1;
  const bool inside = name[0] == 'I';
  for (int label = 0; label < kNerLabelCount; ++label) {
    if (name.substr(2) == NerLabelName(label)) return 1 + 2 * label + (inside ? 1 : 0);
  }
  return -1;
}

void AppendMentions(const std::vector<int>& tags, uint32_t first_token,
                    const std::vector<Token>& tokens, std::vector<Mention>& out) {
  for (size_t i = 0; i < tags.size();) {
    if (tags[i] <= 0) {
      ++i;
      continue;
    }
    size_t end = i + 1;
    while (end < tags.size() && tags[end] > 0 && NerTagIsInside(tags[end])) ++end;
    Mention mention;
    mention.first_token = first_token + static_cast<uint32_t>(i);
    mention.token_count = static_cast<uint32_t>(end - i);
    mention.begin = tokens[mention.first_token].begin;
    mention.end = tokens[mention.first_token + mention.token_count - 1].end;
    mention.type = NerTagType(tags[i]);
    mention.subtype = NerTagSubtype(tags[i]);
    out.push_back(mention);
    i = end;
  }
}

namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool Contains(const std::string_view* begin, const std::string_view* end, std::string_view word) {
  return std::find(begin, end, word) != end;
}

// Titles, forms of address and roles that stand before a name, lower case.
constexpr std::string_view kTitles[] = {
    "herr", "herrn", "frau", "dr.", "dr", "prof.", "prof", "professor", "professorin",
    "präsident", "präsidentin", "präsidenten", "kanzler", "kanzlerin", "minister", "ministerin",
    "ministerpräsident", "ministerpräsidentin", "chef", "chefin", "ceo", "cfo", "cto",
    "vorsitzende", "vorsitzender", "bürgermeister", "bürgermeisterin", "senator", "senatorin",
    "abgeordnete", "abgeordneter", "gouverneur", "gouverneurin", "könig", "königin", "prinz",
    "prinzessin", "papst", "sir", "lord", "lady", "mr.", "mrs.", "ms.", "general", "trainer",
    "trainerin", "sprecher", "sprecherin", "gründer", "gründerin", "mitgründer", "premier",
    "premierminister", "premierministerin", "direktor", "direktorin", "analyst", "analystin",
};
// Title words matched only as whole words (too short or too common as endings).
constexpr std::string_view kWholeWordOnly[] = {
    "herr", "herrn", "frau", "dr.", "dr", "prof.", "prof", "sir", "lord", "lady", "mr.", "mrs.",
    "ms.", "ceo", "cfo", "cto", "general", "papst"};

// Heads of organisation nouns (compound tails count: "chiphersteller").
constexpr std::string_view kOrganisationCues[] = {
    "unternehmen", "konzern", "firma", "firmen", "startup", "start-up", "hersteller",
    "anbieter", "zulieferer", "betreiber", "dienstleister", "händler", "holding", "verband",
    "verbände", "partei", "parteien", "gewerkschaft", "behörde", "ministerium", "ministerien",
    "institut", "organisation", "agentur", "stiftung", "genossenschaft", "bank", "banken",
    "versicherer", "sender", "verlag", "club", "klub", "verein", "autobauer", "chipentwickler",
    "softwarehaus", "gruppe", "labor",
};

// Heads of hyphenated compounds whose first part is an organisation.
constexpr std::string_view kOrganisationPartHeads[] = {
    "chef", "chefin", "ceo", "cfo", "cto", "gründer", "gründerin", "mitgründer", "aktie",
    "aktien", "aktionär", "aktionäre", "konzern", "konzerns", "vorstand", "vorstands",
    "mitarbeiter", "mitarbeiterin", "tochter", "manager", "managerin", "sprecher", "sprecherin",
    "zentrale", "börsengang", "umsatz", "gewinn",
};

// `lower` minus a case or plural ending when that leaves a listed word.
bool MatchesWithEnding(std::string_view lower, const std::string_view* begin,
                       const std::string_view* end) {
  for (std::string_view ending : {"", "s", "es", "n", "en"}) {
    if (!EndsWith(lower, ending) || lower.size() <= ending.size()) continue;
    const std::string_view stem = lower.substr(0, lower.size() - ending.size());
    for (const std::string_view* cue = begin; cue != end; ++cue) {
      if (stem == *cue) return true;
      // A compound's head: at least three letters before it ("chiphersteller").
      if (stem.size() >= cue->size() + 3 && EndsWith(stem, *cue) && cue->size() >= 5) return true;
    }
  }
  return false;
}

}  // namespace

bool IsPersonTitle(std::string_view lower) {
  if (Contains(std::begin(kTitles), std::end(kTitles), lower)) return true;
  for (std::string_view title : kTitles) {
    if (Contains(std::begin(kWholeWordOnly), std::end(kWholeWordOnly), title)) continue;
    if (lower.size() > title.size() + 1 && EndsWith(lower, title)) {
      return true;  // "wirtschaftsministerin", "us-präsident", "konzernchef"
    }
  }
  const size_t hyphen = lower.rfind('-');  // "ex-ceo"
  return hyphen != std::string_view::npos && hyphen + 1 < lower.size() &&
         Contains(std::begin(kTitles), std::end(kTitles), lower.substr(hyphen + 1));
}

bool IsOrganisationCue(std::string_view lower) {
  return MatchesWithEnding(lower, std::begin(kOrganisationCues), std::end(kOrganisationCues));
}

bool IsOrganisationPartHead(std::string_view lower) {
  return Contains(std::begin(kOrganisationPartHeads), std::end(kOrganisationPartHeads), lower);
}

namespace {

// Feature templates; the numbers are part of the model format.
enum Template : uint64_t {
  kBias = 1, kForm, kLower, kSuffix, kPrefix, kShape, kInitialCap, kLexForm, kLexLower,
  kGazBit, kGazLowerBit, kPhraseBegin, kPhraseInside, kUpos, kUposShape, kPrevUpos, kNextUpos,
  kPrevLower, kNextLower, kPrev2Lower, kNext2Lower, kPrevShape, kNextShape, kPrevGaz, kNextGaz,
  kPrevLex, kNextLex, kHyphenFirst, kHyphenLast, kHyphenFirstGaz, kHyphenLastLex, kGazStripS,
  kCapLex, kPrevLowerShape, kNextLowerShape, kGazUpos, kLength, kPrevPhrase, kNextPhrase,
  kUposBigram, kCluster, kFineCluster, kPrevCluster, kNextCluster, kClusterShape,
  kPrevTitle, kOrgCueBefore, kOrgCueAfter, kCueShape,
};

inline uint64_t Mix(uint64_t x) {  // splitmix64 finaliser
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}
inline uint64_t StringFeature(Template t, std::string_view value) {
  return StableHash(value, Mix(t));
}
inline uint64_t IntFeature(Template t, uint64_t value) { return Mix(Mix(t) ^ value); }

// Collapsed character-class shape: "Nvidia" -> "Xx", "NVIDIA" -> "X",
// "Nvidia-Chip" -> "Xx-Xx", "G20" -> "Xd", "1990er" -> "dx".
std::string Shape(std::string_view word) {
  std::string shape;
  for (size_t k = 0; k < word.size();) {
    const unsigned char c = static_cast<unsigned char>(word[k]);
    char cls;
    size_t length = 1;
    if (c >= '0' && c <= '9') {
      cls = 'd';
    } else if (c >= 'A' && c <= 'Z') {
      cls = 'X';
    } else if (c >= 'a' && c <= 'z') {
      cls = 'x';
    } else if (c >= 0x80) {
      length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
      length = std::min(length, word.size() - k);
      cls = StartsUpper(word.substr(k, length)) ? 'X' : 'x';
    } else {
      cls = static_cast<char>(c);
    }
    if (shape.empty() || shape.back() != cls) shape.push_back(cls);
    k += length;
  }
  return shape;
}

uint32_t LexBits(const Lexicon* lexicon, std::string_view form) {
  if (lexicon == nullptr) return 0;
  const Lexicon::Entry* entry = lexicon->Find(form);
  return entry == nullptr ? 1u << 15 : entry->classes;
}

// Bit 0: IsPersonTitle, bit 1: IsOrganisationCue, memoised per thread (the
// list matching costs more than the rest of a word's features).
uint8_t CueBits(const std::string& lower) {
  thread_local absl::flat_hash_map<std::string, uint8_t> cache;
  auto it = cache.find(lower);
  if (it != cache.end()) return it->second;
  if (cache.size() > 100000) cache.clear();
  const uint8_t bits = uint8_t(IsPersonTitle(lower)) | uint8_t(IsOrganisationCue(lower)) << 1;
  cache.emplace(lower, bits);
  return bits;
}

// Per-word facts computed once per sentence.
struct WordInfo {
  std::string lower;
  std::string shape;
  bool upper = false;
  uint32_t lex = 0;        // lexicon classes of the form (bit 15: unknown)
  uint32_t lex_lower = 0;  // of the lower-cased form, for capitalised words
  uint32_t gaz = 0;
  uint32_t phrase_begin = 0, phrase_inside = 0;
  uint64_t upos = 0;       // hash of the UPOS, 0 when not given
  uint32_t cluster = 0;    // 1 + (coarse << 16 | fine); 0 when unknown
  bool title = false;      // IsPersonTitle
  bool org_cue = false;    // IsOrganisationCue
};

class FeatureExtractor {
 public:
  FeatureExtractor(const NerFeatureOptions& options, const Lexicon* lexicon,
                   const NerGazetteer& gazetteer, const NerWordClusters& clusters)
      : options_(options),
        lexicon_(options.lexicon ? lexicon : nullptr),
        gazetteer_(gazetteer),
        clusters_(clusters) {}

  // Fills features[i] with the hashed features of word i.
  void Extract(const std::vector<std::string_view>& words,
               const std::vector<std::string_view>& upos,
               std::vector<std::vector<uint64_t>>& features) {
    const size_t n = words.size();
    info_.resize(n);
    for (size_t i = 0; i < n; ++i) {
      WordInfo& info = info_[i];
      info.lower = LowercaseUtf8(words[i]);
      info.shape = Shape(words[i]);
      info.upper = StartsUpper(words[i]);
      info.lex = LexBits(lexicon_, words[i]);
      info.lex_lower = info.upper && info.lower != words[i] ? LexBits(lexicon_, info.lower) : 0;
      info.gaz = options_.gazetteer ? gazetteer_.WordBits(words[i]) : 0;
      info.upos = options_.pos && i < upos.size() ? StableHash(upos[i]) : 0;
      info.cluster = 0;
      if (options_.cues && info.upper) {  // titles and organisation nouns are nouns
        const uint8_t cues = CueBits(info.lower);
        info.title = cues & 1;
        info.org_cue = cues & 2;
      } else {
        info.title = info.org_cue = false;
      }
      if (options_.clusters) {
        auto it = clusters_.find(absl::string_view(words[i].data(), words[i].size()));
        if (it != clusters_.end()) info.cluster = it->second + 1;
      }
    }
    if (options_.gazetteer) {
      gazetteer_.PhraseBits(words, phrase_begin_, phrase_inside_);
      for (size_t i = 0; i < n; ++i) {
        info_[i].phrase_begin = phrase_begin_[i];
        info_[i].phrase_inside = phrase_inside_[i];
      }
    }
    features.resize(n);
    for (size_t i = 0; i < n; ++i) Features(words, i, features[i]);
  }

 private:
  void AddBits(Template t, uint32_t bits, std::vector<uint64_t>& out) const {
    for (int bit = 0; bit < 32; ++bit) {
      if (bits & (1u << bit)) out.push_back(IntFeature(t, bit));
    }
  }

  void Features(const std::vector<std::string_view>& words, size_t i,
                std::vector<uint64_t>& out) const {
    out.clear();
    const size_t n = words.size();
    const WordInfo& info = info_[i];
    const std::string_view lower = info.lower;
    out.push_back(IntFeature(kBias, 0));
    out.push_back(StringFeature(kForm, words[i]));
    out.push_back(StringFeature(kLower, lower));
    for (size_t k = 1; k <= 5; ++k) {
      const size_t start = SuffixStart(lower, k);
      out.push_back(StringFeature(kSuffix, lower.substr(start)));
      if (start == 0) break;
    }
    for (size_t k = 1; k <= 4; ++k) {
      const size_t length = PrefixLength(lower, k);
      out.push_back(StringFeature(kPrefix, lower.substr(0, length)));
      if (length == lower.size()) break;
    }
    out.push_back(StringFeature(kShape, info.shape));
    out.push_back(IntFeature(kLength, std::min<size_t>(words[i].size(), 12)));
    out.push_back(IntFeature(kInitialCap, uint64_t(i == 0) << 1 | uint64_t(info.upper)));
    if (lexicon_ != nullptr) {
      out.push_back(IntFeature(kLexForm, info.lex));
      if (info.lex_lower != 0) out.push_back(IntFeature(kLexLower, info.lex_lower));
      // A capitalised word in mid-sentence that the lexicon does not know as
      // a common noun is the classic German name signal.
      out.push_back(IntFeature(kCapLex, uint64_t(info.upper) << 20 | uint64_t(i == 0) << 21 |
                                            (info.lex & (kLexNoun | 1u << 15)) << 4 |
                                            (info.lex_lower != 0 && info.lex_lower != 1u << 15)));
    }
    if (options_.gazetteer) {
      AddBits(kGazBit, info.gaz, out);
      // Derived adjectives are listed in lower case ("französischen"); the
      // lower-cased lookup finds them at the start of a sentence too.
      if (info.lower != words[i]) AddBits(kGazLowerBit, gazetteer_.WordBits(lower), out);
      AddBits(kPhraseBegin, info.phrase_begin, out);
      AddBits(kPhraseInside, info.phrase_inside, out);
      // Genitive "s" / "'s": "Nvidias", "Deutschlands".
      if (info.upper && words[i].size() > 3 && words[i].back() == 's') {
        AddBits(kGazStripS, gazetteer_.WordBits(words[i].substr(0, words[i].size() - 1)), out);
      }
      if (info.upos != 0) out.push_back(Mix(IntFeature(kGazUpos, info.gaz) ^ info.upos));
    }
    if (info.upos != 0) {
      out.push_back(Mix(Mix(kUpos) ^ info.upos));
      out.push_back(Mix(StringFeature(kUposShape, info.shape) ^ info.upos));
      const uint64_t prev_upos = i > 0 ? info_[i - 1].upos : 1;
      const uint64_t next_upos = i + 1 < n ? info_[i + 1].upos : 1;
      out.push_back(Mix(Mix(kPrevUpos) ^ prev_upos));
      out.push_back(Mix(Mix(kNextUpos) ^ next_upos));
      out.push_back(Mix(Mix(Mix(kUposBigram) ^ prev_upos) ^ info.upos));
    }
    if (options_.clusters) {
      out.push_back(IntFeature(kCluster, info.cluster == 0 ? 0 : info.cluster >> 16));
      out.push_back(IntFeature(kFineCluster, info.cluster));
      out.push_back(IntFeature(kPrevCluster, i > 0 ? info_[i - 1].cluster : 1u << 31));
      out.push_back(IntFeature(kNextCluster, i + 1 < n ? info_[i + 1].cluster : 1u << 31));
      out.push_back(Mix(StringFeature(kClusterShape, info.shape) ^ (info.cluster >> 16)));
    }
    if (options_.cues) {
      // "Präsident X"; "der Konzern X", "das KI-Startup X", "Firmen wie X";
      // "X, ein chinesisches Start-up".
      const bool title = i > 0 && info_[i - 1].title;
      auto cue_before = [&](size_t k) {
        return (k > 0 && info_[k - 1].org_cue) ||
               (k > 1 && info_[k - 2].org_cue && info_[k - 1].lower == "wie");
      };
      const bool org_before = cue_before(i);
      bool org_after = false;
      if (i + 1 < n && words[i + 1] == ",") {
        for (size_t k = i + 2; k < n && k <= i + 5; ++k) org_after |= info_[k].org_cue;
      }
      if (title) out.push_back(IntFeature(kPrevTitle, 1));
      if (org_before) out.push_back(IntFeature(kOrgCueBefore, 1));
      if (org_after) out.push_back(IntFeature(kOrgCueAfter, 1));
      if (title || org_before || org_after) {
        out.push_back(Mix(StringFeature(kCueShape, info.shape) ^
                          (uint64_t(title) | uint64_t(org_before) << 1 | uint64_t(org_after) << 2)));
      }
    }
    // Hyphenated compounds: "Nvidia-Chip" (ORGpart), "SPD-Chef".
    const size_t hyphen = words[i].find('-');
    if (hyphen != std::string_view::npos && hyphen > 0 && hyphen + 1 < words[i].size()) {
      const std::string_view first = words[i].substr(0, hyphen);
      const size_t last_hyphen = words[i].rfind('-');
      const std::string_view last = words[i].substr(last_hyphen + 1);
      out.push_back(StringFeature(kHyphenFirst, first));
      out.push_back(StringFeature(kHyphenLast, LowercaseUtf8(last)));
      if (options_.gazetteer) AddBits(kHyphenFirstGaz, gazetteer_.WordBits(first), out);
      if (lexicon_ != nullptr) {
        out.push_back(IntFeature(kHyphenLastLex, LexBits(lexicon_, last) << 1 |
                                                     LexBits(lexicon_, first) << 17));
      }
    }
    // Context.
    if (i > 0) {
      const WordInfo& prev = info_[i - 1];
      out.push_back(StringFeature(kPrevLower, prev.lower));
      out.push_back(StringFeature(kPrevShape, prev.shape));
      out.push_back(Mix(StringFeature(kPrevLowerShape, prev.lower) ^ StableHash(info.shape)));
      if (lexicon_ != nullptr) out.push_back(IntFeature(kPrevLex, prev.lex));
      if (options_.gazetteer) {
        AddBits(kPrevGaz, prev.gaz, out);
        AddBits(kPrevPhrase, prev.phrase_begin | prev.phrase_inside, out);
      }
    } else {
      out.push_back(IntFeature(kPrevLower, 0));
    }
    if (i + 1 < n) {
      const WordInfo& next = info_[i + 1];
      out.push_back(StringFeature(kNextLower, next.lower));
      out.push_back(StringFeature(kNextShape, next.shape));
      out.push_back(Mix(StringFeature(kNextLowerShape, next.lower) ^ StableHash(info.shape)));
      if (lexicon_ != nullptr) out.push_back(IntFeature(kNextLex, next.lex));
      if (options_.gazetteer) {
        AddBits(kNextGaz, next.gaz, out);
        AddBits(kNextPhrase, next.phrase_begin | next.phrase_inside, out);
      }
    } else {
      out.push_back(IntFeature(kNextLower, 0));
    }
    if (options_.context2) {
      out.push_back(StringFeature(kPrev2Lower, i > 1 ? std::string_view(info_[i - 2].lower) : "<s>"));
      out.push_back(
          StringFeature(kNext2Lower, i + 2 < n ? std::string_view(info_[i + 2].lower) : "</s>"));
    }
  }

  NerFeatureOptions options_;
  const Lexicon* lexicon_;
  const NerGazetteer& gazetteer_;
  const NerWordClusters& clusters_;
  std::vector<WordInfo> info_;
  std::vector<uint32_t> phrase_begin_, phrase_inside_;
};

// Allowed[prev][tag]: an I- tag only after B- or I- of its own label; row
// kNerTagCount is the sentence start.
struct TransitionMask {
  bool allowed[kNerTagCount + 1][kNerTagCount];
  TransitionMask() {
    for (int prev = 0; prev <= kNerTagCount; ++prev) {
      for (int tag = 0; tag < kNerTagCount; ++tag) {
        allowed[prev][tag] = !NerTagIsInside(tag) ||
                             (prev < kNerTagCount && prev > 0 && NerTagLabel(prev) == NerTagLabel(tag));
      }
    }
  }
};
const TransitionMask& Mask() {
  static const TransitionMask mask;
  return mask;
}

// Viterbi over emission scores (n x kNerTagCount) and transitions.
void Viterbi(const std::vector<float>& emissions, size_t n,
             const float (&transitions)[kNerTagCount + 1][kNerTagCount], std::vector<int>& best,
             std::vector<float>& score, std::vector<uint8_t>& back) {
  constexpr float kNone = -std::numeric_limits<float>::infinity();
  const TransitionMask& mask = Mask();
  score.assign(n * kNerTagCount, kNone);
  back.assign(n * kNerTagCount, 0);
  for (int tag = 0; tag < kNerTagCount; ++tag) {
    if (mask.allowed[kNerTagCount][tag]) {
      score[tag] = transitions[kNerTagCount][tag] + emissions[tag];
    }
  }
  for (size_t i = 1; i < n; ++i) {
    const float* previous = &score[(i - 1) * kNerTagCount];
    float* current = &score[i * kNerTagCount];
    for (int tag = 0; tag < kNerTagCount; ++tag) {
      float top = kNone;
      int arg = 0;
      for (int prev = 0; prev < kNerTagCount; ++prev) {
        if (!mask.allowed[prev][tag] || previous[prev] == kNone) continue;
        const float s = previous[prev] + transitions[prev][tag];
        if (s > top) {
          top = s;
          arg = prev;
        }
      }
      if (top == kNone) continue;
      current[tag] = top + emissions[i * kNerTagCount + tag];
      back[i * kNerTagCount + tag] = static_cast<uint8_t>(arg);
    }
  }
  best.assign(n, 0);
  const float* last = &score[(n - 1) * kNerTagCount];
  best[n - 1] = static_cast<int>(std::max_element(last, last + kNerTagCount) - last);
  for (size_t i = n - 1; i > 0; --i) best[i - 1] = back[i * kNerTagCount + best[i]];
}

// Training weights, averaged with Daumé's trick: the averaged weight is
// w - u / c, where u accumulates c * delta.
struct TrainRow {
  float w[kNerTagCount] = {};
  float u[kNerTagCount] = {};
};

}  // namespace

NerTagger NerTagger::Train(const std::vector<NerSentence>& sentences, const Lexicon* lexicon,
                           NerGazetteer gazetteer, NerWordClusters clusters,
                           const NerTrainingOptions& options) {
  NerTagger tagger;
  tagger.options_ = options.features;
  tagger.gazetteer_ = std::move(gazetteer);
  if (tagger.options_.clusters) tagger.clusters_ = std::move(clusters);
  tagger.lexicon_ = lexicon;
  FeatureExtractor extractor(tagger.options_, lexicon, tagger.gazetteer_, tagger.clusters_);

  // Features of every sentence, computed once.
  std::vector<std::vector<std::vector<uint64_t>>> features(sentences.size());
  std::vector<std::string_view> words, upos;
  for (size_t s = 0; s < sentences.size(); ++s) {
    words.assign(sentences[s].words.begin(), sentences[s].words.end());
    upos.assign(sentences[s].upos.begin(), sentences[s].upos.end());
    extractor.Extract(words, upos, features[s]);
  }
  if (options.min_feature_count > 1) {
    absl::flat_hash_map<uint64_t, int> counts;
    for (const auto& sentence : features) {
      for (const auto& token : sentence) {
        for (uint64_t f : token) ++counts[f];
      }
    }
    for (auto& sentence : features) {
      for (auto& token : sentence) {
        token.erase(std::remove_if(token.begin(), token.end(),
                                   [&](uint64_t f) { return counts[f] < options.min_feature_count; }),
                    token.end());
      }
    }
  }

  if (options.trainer == NerTrainer::kCrf) {
    TrainCrf(sentences, features, options, tagger);
    return tagger;
  }
  if (options.trainer == NerTrainer::kPerceptronPlusCrf) {
    NerTrainingOptions each = options;
    each.trainer = NerTrainer::kPerceptron;
    NerTagger perceptron = Train(sentences, lexicon, tagger.gazetteer_, tagger.clusters_, each);
    NerTagger crf;
    each.iterations = options.crf_iterations;
    TrainCrf(sentences, features, each, crf);
    auto rms = [](const NerTagger& t) {
      double sum = 0;
      for (float w : t.weights_) sum += double(w) * w;
      return t.weights_.empty() ? 1.0 : std::sqrt(sum / t.weights_.size());
    };
    const double a = 1.0 / rms(perceptron), b = options.crf_mix / rms(crf);
    for (int p = 0; p <= kNerTagCount; ++p) {
      for (int t = 0; t < kNerTagCount; ++t) {
        tagger.transitions_[p][t] = static_cast<float>(a * perceptron.transitions_[p][t] +
                                                       b * crf.transitions_[p][t]);
      }
    }
    absl::flat_hash_set<uint64_t> key_set;
    for (const auto& [key, row] : perceptron.rows_) key_set.insert(key);
    for (const auto& [key, row] : crf.rows_) key_set.insert(key);
    std::vector<uint64_t> keys(key_set.begin(), key_set.end());
    std::sort(keys.begin(), keys.end());
    for (uint64_t key : keys) {
      float sum[kNerTagCount] = {};
      for (const auto& [model, scale] : {std::make_pair(&perceptron, a), std::make_pair(&crf, b)}) {
        auto it = model->rows_.find(key);
        if (it == model->rows_.end()) continue;
        for (uint32_t k = it->second.offset; k < it->second.offset + it->second.count; ++k) {
          sum[model->tags_[k]] += static_cast<float>(scale * model->weights_[k]);
        }
      }
      Row out{static_cast<uint32_t>(tagger.tags_.size()), 0};
      for (int t = 0; t < kNerTagCount; ++t) {
        if (sum[t] == 0) continue;
        tagger.tags_.push_back(static_cast<uint8_t>(t));
        tagger.weights_.push_back(sum[t]);
        ++out.count;
      }
      if (out.count > 0) tagger.rows_.emplace(key, out);
    }
    return tagger;
  }

  absl::flat_hash_map<uint64_t, uint32_t> index;
  std::vector<TrainRow> rows;
  TrainRow transitions[kNerTagCount + 1];
  float current[kNerTagCount + 1][kNerTagCount] = {};
  double c = 1;
  std::vector<size_t> order(sentences.size());
  for (size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::mt19937 rng(options.shuffle_seed);
  std::vector<float> emissions, score;
  std::vector<uint8_t> back;
  std::vector<int> predicted;

  auto update_emission = [&](const std::vector<uint64_t>& fs, int tag, float delta) {
    for (uint64_t f : fs) {
      auto [it, inserted] = index.try_emplace(f, static_cast<uint32_t>(rows.size()));
      if (inserted) rows.emplace_back();
      TrainRow& row = rows[it->second];
      row.w[tag] += delta;
      row.u[tag] += static_cast<float>(c) * delta;
    }
  };
  auto update_transition = [&](int prev, int tag, float delta) {
    transitions[prev].w[tag] += delta;
    transitions[prev].u[tag] += static_cast<float>(c) * delta;
    current[prev][tag] += delta;
  };

  for (int iteration = 0; iteration < options.iterations; ++iteration) {
    for (size_t k = order.size(); k > 1; --k) std::swap(order[k - 1], order[rng() % k]);
    for (size_t s : order) {
      const NerSentence& sentence = sentences[s];
      const size_t n = sentence.tags.size();
      if (n == 0) continue;
      emissions.assign(n * kNerTagCount, 0.0f);
      for (size_t i = 0; i < n; ++i) {
        for (uint64_t f : features[s][i]) {
          auto it = index.find(f);
          if (it == index.end()) continue;
          const TrainRow& row = rows[it->second];
          for (int tag = 0; tag < kNerTagCount; ++tag) {
            emissions[i * kNerTagCount + tag] += row.w[tag];
          }
        }
      }
      Viterbi(emissions, n, current, predicted, score, back);
      for (size_t i = 0; i < n; ++i) {
        const int gold = sentence.tags[i], guess = predicted[i];
        const int gold_prev = i == 0 ? kNerTagCount : sentence.tags[i - 1];
        const int guess_prev = i == 0 ? kNerTagCount : predicted[i - 1];
        if (gold != guess) {
          update_emission(features[s][i], gold, 1.0f);
          update_emission(features[s][i], guess, -1.0f);
        }
        if (gold != guess || gold_prev != guess_prev) {
          update_transition(gold_prev, gold, 1.0f);
          update_transition(guess_prev, guess, -1.0f);
        }
      }
      c += 1;
    }
  }

  // Average; keep the non-negligible weights, rows sorted by key.
  for (int prev = 0; prev <= kNerTagCount; ++prev) {
    for (int tag = 0; tag < kNerTagCount; ++tag) {
      tagger.transitions_[prev][tag] =
          transitions[prev].w[tag] - transitions[prev].u[tag] / static_cast<float>(c);
    }
  }
  std::vector<std::pair<uint64_t, uint32_t>> keys(index.begin(), index.end());
  std::sort(keys.begin(), keys.end());
  for (const auto& [key, r] : keys) {
    const TrainRow& row = rows[r];
    Row out{static_cast<uint32_t>(tagger.tags_.size()), 0};
    for (int tag = 0; tag < kNerTagCount; ++tag) {
      const float average = row.w[tag] - row.u[tag] / static_cast<float>(c);
      if (std::fabs(average) < 1e-3f) continue;
      tagger.tags_.push_back(static_cast<uint8_t>(tag));
      tagger.weights_.push_back(average);
      ++out.count;
    }
    if (out.count > 0) tagger.rows_.emplace(key, out);
  }
  return tagger;
}

void NerTagger::TrainCrf(const std::vector<NerSentence>& sentences,
                         const std::vector<std::vector<std::vector<uint64_t>>>& features,
                         const NerTrainingOptions& options, NerTagger& tagger) {
  constexpr int T = kNerTagCount;
  const TransitionMask& mask = Mask();
  // Every feature seen in training gets a dense row of T weights, stored as
  // v * scale (the L2 shrinkage of all weights is one multiplication).
  absl::flat_hash_map<uint64_t, uint32_t> index;
  std::vector<std::vector<std::vector<uint32_t>>> rows_of(sentences.size());
  for (size_t s = 0; s < sentences.size(); ++s) {
    rows_of[s].resize(features[s].size());
    for (size_t i = 0; i < features[s].size(); ++i) {
      for (uint64_t f : features[s][i]) {
        auto [it, inserted] = index.try_emplace(f, static_cast<uint32_t>(index.size()));
        rows_of[s][i].push_back(it->second);
      }
    }
  }
  std::vector<float> v(index.size() * T, 0.0f);
  double scale = 1.0;
  double transitions[T + 1][T] = {};  // not shrunk by `scale`; shrunk directly
  std::vector<size_t> order(sentences.size());
  for (size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::mt19937 rng(options.shuffle_seed);
  const double n_sentences = static_cast<double>(std::max<size_t>(1, sentences.size()));
  std::vector<double> emit, alpha, beta, norm;
  double edge[T + 1][T];
  for (int epoch = 0; epoch < options.iterations; ++epoch) {
    const double step = options.crf_step / (1.0 + epoch);
    const double shrink = 1.0 - step * options.crf_l2 / n_sentences;
    for (size_t k = order.size(); k > 1; --k) std::swap(order[k - 1], order[rng() % k]);
    for (size_t s : order) {
      const std::vector<int>& gold = sentences[s].tags;
      const size_t n = gold.size();
      if (n == 0) continue;
      // Emission potentials exp(score - max) per position.
      emit.assign(n * T, 0.0);
      for (size_t i = 0; i < n; ++i) {
        double* e = &emit[i * T];
        for (uint32_t r : rows_of[s][i]) {
          const float* w = &v[size_t(r) * T];
          for (int t = 0; t < T; ++t) e[t] += w[t];
        }
        double top = -1e300;
        for (int t = 0; t < T; ++t) top = std::max(top, e[t] *= scale);
        for (int t = 0; t < T; ++t) e[t] = std::exp(e[t] - top);
      }
      for (int p = 0; p <= T; ++p) {
        for (int t = 0; t < T; ++t) {
          edge[p][t] = mask.allowed[p][t] ? std::exp(transitions[p][t]) : 0.0;
        }
      }
      // Scaled forward-backward.
      alpha.assign(n * T, 0.0);
      beta.assign(n * T, 0.0);
      norm.assign(n, 0.0);
      for (size_t i = 0; i < n; ++i) {
        double total = 0;
        for (int t = 0; t < T; ++t) {
          double a = 0;
          if (i == 0) {
            a = edge[T][t];
          } else {
            for (int p = 0; p < T; ++p) a += alpha[(i - 1) * T + p] * edge[p][t];
          }
          alpha[i * T + t] = a * emit[i * T + t];
          total += alpha[i * T + t];
        }
        norm[i] = total > 0 ? total : 1e-300;
        for (int t = 0; t < T; ++t) alpha[i * T + t] /= norm[i];
      }
      for (int t = 0; t < T; ++t) beta[(n - 1) * T + t] = 1.0;
      for (size_t i = n - 1; i > 0; --i) {
        for (int p = 0; p < T; ++p) {
          double b = 0;
          for (int t = 0; t < T; ++t) b += edge[p][t] * emit[i * T + t] * beta[i * T + t];
          beta[(i - 1) * T + p] = b / norm[i];
        }
      }
      // Gradient step: observed minus expected counts.
      scale *= shrink;
      for (int p = 0; p <= T; ++p) {
        for (int t = 0; t < T; ++t) transitions[p][t] *= shrink;
      }
      const float factor = static_cast<float>(step / scale);
      for (size_t i = 0; i < n; ++i) {
        double gradient[T];
        for (int t = 0; t < T; ++t) gradient[t] = -alpha[i * T + t] * beta[i * T + t];
        gradient[gold[i]] += 1.0;
        for (uint32_t r : rows_of[s][i]) {
          float* w = &v[size_t(r) * T];
          for (int t = 0; t < T; ++t) w[t] += factor * static_cast<float>(gradient[t]);
        }
        const int gold_prev = i == 0 ? T : gold[i - 1];
        transitions[gold_prev][gold[i]] += step;
        if (i == 0) {
          for (int t = 0; t < T; ++t) transitions[T][t] -= step * alpha[t] * beta[t];
        } else {
          for (int p = 0; p < T; ++p) {
            const double a = alpha[(i - 1) * T + p];
            if (a == 0) continue;
            for (int t = 0; t < T; ++t) {
              if (edge[p][t] == 0) continue;
              transitions[p][t] -=
                  step * a * edge[p][t] * emit[i * T + t] * beta[i * T + t] / norm[i];
            }
          }
        }
      }
      if (scale < 1e-6) {
        for (float& w : v) w = static_cast<float>(w * scale);
        scale = 1.0;
      }
    }
  }
  for (int p = 0; p <= T; ++p) {
    for (int t = 0; t < T; ++t) tagger.transitions_[p][t] = static_cast<float>(transitions[p][t]);
  }
  std::vector<std::pair<uint64_t, uint32_t>> keys(index.begin(), index.end());
  std::sort(keys.begin(), keys.end());
  for (const auto& [key, r] : keys) {
    Row out{static_cast<uint32_t>(tagger.tags_.size()), 0};
    for (int t = 0; t < T; ++t) {
      const float w = static_cast<float>(v[size_t(r) * T + t] * scale);
      if (std::fabs(w) < options.crf_prune) continue;
      tagger.tags_.push_back(static_cast<uint8_t>(t));
      tagger.weights_.push_back(w);
      ++out.count;
    }
    if (out.count > 0) tagger.rows_.emplace(key, out);
  }
}

std::vector<int> NerTagger::Tag(const std::vector<std::string_view>& words,
                                const std::vector<std::string_view>& upos) const {
  std::vector<int> best;
  const size_t n = words.size();
  if (n == 0) return best;
  thread_local std::vector<std::vector<uint64_t>> features;
  thread_local std::vector<float> emissions, score;
  thread_local std::vector<uint8_t> back;
  FeatureExtractor extractor(options_, lexicon_, gazetteer_, clusters_);
  extractor.Extract(words, upos, features);
  emissions.assign(n * kNerTagCount, 0.0f);
  for (size_t i = 0; i < n; ++i) {
    float* e = &emissions[i * kNerTagCount];
    for (uint64_t f : features[i]) {
      auto it = rows_.find(f);
      if (it == rows_.end()) continue;
      const Row& row = it->second;
      for (uint32_t k = row.offset; k < row.offset + row.count; ++k) e[tags_[k]] += weights_[k];
    }
  }
  Viterbi(emissions, n, transitions_, best, score, back);
  return best;
}

absl::Status NerTagger::Save(const std::string& path) const {
  ModelWriter writer(kMagic, kVersion);
  writer.U8(options_.lexicon);
  writer.U8(options_.gazetteer);
  writer.U8(options_.pos);
  writer.U8(options_.context2);
  writer.U8(options_.clusters);
  writer.U8(options_.cues);
  gazetteer_.Write(writer);
  std::vector<std::pair<std::string, uint32_t>> clusters(clusters_.begin(), clusters_.end());
  std::sort(clusters.begin(), clusters.end());
  writer.U32(static_cast<uint32_t>(clusters.size()));
  for (const auto& [word, id] : clusters) {
    writer.Str(word);
    writer.U32(id);
  }
  for (int prev = 0; prev <= kNerTagCount; ++prev) {
    for (int tag = 0; tag < kNerTagCount; ++tag) writer.F32(transitions_[prev][tag]);
  }
  std::vector<std::pair<uint64_t, Row>> rows(rows_.begin(), rows_.end());
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  writer.U32(static_cast<uint32_t>(rows.size()));
  for (const auto& [key, row] : rows) {
    writer.U64(key);
    writer.U8(static_cast<uint8_t>(row.count));
    for (uint32_t k = row.offset; k < row.offset + row.count; ++k) {
      writer.U8(tags_[k]);
      writer.F32(weights_[k]);
    }
  }
  return writer.WriteTo(path);
}

absl::StatusOr<NerTagger> NerTagger::Load(const std::string& model_dir, const Lexicon* lexicon) {
  const std::string path = model_dir + "/" + std::string(kFileName);
  absl::StatusOr<ModelReader> reader = ModelReader::Open(path, kMagic, kVersion);
  if (!reader.ok()) return reader.status();
  NerTagger tagger;
  uint8_t flags[6];
  for (uint8_t& flag : flags) {
    if (!reader->U8(flag) || flag > 1) return reader->Corrupt();
  }
  tagger.options_ = NerFeatureOptions{flags[0] == 1, flags[1] == 1, flags[2] == 1, flags[3] == 1,
                                      flags[4] == 1, flags[5] == 1};
  if (!tagger.gazetteer_.Read(*reader)) return reader->Corrupt();
  uint32_t cluster_count;
  if (!reader->U32(cluster_count)) return reader->Corrupt();
  tagger.clusters_.reserve(cluster_count);
  for (uint32_t k = 0; k < cluster_count; ++k) {
    std::string word;
    uint32_t id;
    if (!reader->Str(word) || !reader->U32(id)) return reader->Corrupt();
    tagger.clusters_.emplace(std::move(word), id);
  }
  for (int prev = 0; prev <= kNerTagCount; ++prev) {
    for (int tag = 0; tag < kNerTagCount; ++tag) {
      if (!reader->F32(tagger.transitions_[prev][tag])) return reader->Corrupt();
    }
  }
  uint32_t row_count;
  if (!reader->U32(row_count)) return reader->Corrupt();
  tagger.rows_.reserve(row_count);
  for (uint32_t r = 0; r < row_count; ++r) {
    uint64_t key;
    uint8_t count;
    if (!reader->U64(key) || !reader->U8(count) || count > kNerTagCount) return reader->Corrupt();
    Row row{static_cast<uint32_t>(tagger.tags_.size()), count};
    for (uint8_t k = 0; k < count; ++k) {
      uint8_t tag;
      float weight;
      if (!reader->U8(tag) || !reader->F32(weight) || tag >= kNerTagCount) {
        return reader->Corrupt();
      }
      tagger.tags_.push_back(tag);
      tagger.weights_.push_back(weight);
    }
    tagger.rows_.emplace(key, row);
  }
  if (!reader->AtEnd()) return reader->Corrupt();
  if (tagger.options_.lexicon) {
    if (lexicon == nullptr) {
      absl::StatusOr<Lexicon> own = Lexicon::Load(absl::StrCat(model_dir, "/de_lexicon.bin"));
      if (!own.ok()) return own.status();
      tagger.owned_lexicon_ = std::make_shared<const Lexicon>(*std::move(own));
      lexicon = tagger.owned_lexicon_.get();
    }
    tagger.lexicon_ = lexicon;
  }
  return tagger;
}

}  // namespace korpus::nlp
