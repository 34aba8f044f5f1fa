#include "libs/nlp/tagger.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "absl/strings/str_cat.h"
#include "libs/nlp/model_io.h"
#include "libs/nlp/string_compat.h"
#include "libs/nlp/unicode_util.h"

namespace korpus::nlp {
namespace {

// Feature templates; the numbers are part of the model format.
enum Template : uint64_t {
  kBias = 1, kLower, kForm, kSuffix1, kSuffix2, kSuffix3, kSuffix4, kPrefix1, kPrefix2, kPrefix3,
  kShape, kLexClasses, kPrevLexClasses, kNextLexClasses, kPrevTag, kPrev2Tag, kPrevTags,
  kPrevTagLower, kPrevLower, kNextLower, kPrev2Lower, kNext2Lower, kPrevSuffix3, kNextSuffix3,
  kInitialShape, kLexClassesShape, kLexClassBit, kNextShape, kSuffix3LexClasses,
};

inline uint64_t Mix(uint64_t x) { return MixHash(x); }
inline uint64_t StringFeature(Template t, std::string_view value) {
  return StableHash(value, Mix(t));
}
inline uint64_t IntFeature(Template t, uint64_t value) { return Mix(Mix(t) ^ value); }

// Shape bits of a word.
uint32_t Shape(std::string_view word) {
  bool upper_first = StartsUpper(word), has_digit = false, has_letter = false,
       has_hyphen = false, all_digit = true, has_lower = false, has_upper_later = false;
  for (size_t k = 0; k < word.size(); ++k) {
    const char c = word[k];
    if (c >= '0' && c <= '9') {
      has_digit = true;
    } else {
      all_digit = false;
      if (c == '-') has_hyphen = true;
      if ((c >= 'a' && c <= 'z') || static_cast<unsigned char>(c) >= 0x80) {
        has_letter = true;
        if (c >= 'a' && c <= 'z') has_lower = true;
      }
      if (c >= 'A' && c <= 'Z') {
        has_letter = true;
        if (k > 0) has_upper_later = true;
      }
    }
  }
  const size_t length = word.size();
  const uint32_t length_bucket = length <= 1 ? 0 : length <= 2 ? 1 : length <= 3 ? 2 : length <= 6 ? 3 : 4;
  return uint32_t(upper_first) | uint32_t(has_digit) << 1 | uint32_t(all_digit) << 2 |
         uint32_t(has_hyphen) << 3 | uint32_t(!has_letter && !has_digit) << 4 |
         uint32_t(has_lower) << 5 | uint32_t(has_upper_later) << 6 | length_bucket << 7;
}

struct WordInfo {
  std::string lower;
  uint32_t shape = 0;
  uint32_t lex = 0;
  uint64_t lower_hash_prev = 0, lower_hash_next = 0, lower_hash_2 = 0, suffix3_neighbour = 0;
};

// Lexicon classes of a word; a capitalised sentence-initial word also gets
// the classes of its lower-cased form (marked by bit 15 to keep it apart).
uint32_t LexClasses(std::string_view word, const std::string& lower, const Lexicon* lexicon) {
  if (lexicon == nullptr) return 0;
  uint32_t classes = 0;
  if (const Lexicon::Entry* entry = lexicon->Find(word)) classes |= entry->classes;
  if (lower != word) {
    if (const Lexicon::Entry* entry = lexicon->Find(lower)) classes |= uint32_t(entry->classes) << 16;
  } else if (classes == 0) {
    // A lower-case noun form is a typo or an adjective use; ask for the noun.
    if (const Lexicon::Entry* entry = lexicon->Find(CapitalizeUtf8(word))) {
      classes |= uint32_t(entry->classes & kLexNoun) << 20;
    }
  }
  return classes == 0 ? 1u << 31 : classes;  // bit 31: unknown to the lexicon
}

class FeatureExtractor {
 public:
  void Prepare(const std::vector<std::string_view>& words, const Lexicon* lexicon) {
    words_ = &words;
    info_.resize(words.size());
    for (size_t i = 0; i < words.size(); ++i) {
      WordInfo& info = info_[i];
      info.lower = LowercaseUtf8(words[i]);
      info.shape = Shape(words[i]);
      info.lex = LexClasses(words[i], info.lower, lexicon);
      info.lower_hash_prev = StringFeature(kPrevLower, info.lower);
      info.lower_hash_next = StringFeature(kNextLower, info.lower);
      const std::string_view lower = info.lower;
      info.suffix3_neighbour = StableHash(lower.substr(SuffixStart(lower, 3)));
    }
  }

  // Hashed features of word i given the two previous tags (-1 = none).
  void Features(size_t i, int prev_tag, int prev2_tag, std::vector<uint64_t>& out) const {
    out.clear();
    const std::vector<std::string_view>& words = *words_;
    const WordInfo& info = info_[i];
    const std::string_view lower = info.lower;
    out.push_back(IntFeature(kBias, 0));
    out.push_back(StringFeature(kLower, lower));
    out.push_back(StringFeature(kForm, words[i]));
    const Template suffix_templates[] = {kSuffix1, kSuffix2, kSuffix3, kSuffix4};
    for (size_t k = 1; k <= 4; ++k) {
      const size_t start = SuffixStart(lower, k);
      out.push_back(StringFeature(suffix_templates[k - 1], lower.substr(start)));
      if (start == 0) break;
    }
    const Template prefix_templates[] = {kPrefix1, kPrefix2, kPrefix3};
    for (size_t k = 1; k <= 3; ++k) {
      const size_t length = PrefixLength(lower, k);
      out.push_back(StringFeature(prefix_templates[k - 1], lower.substr(0, length)));
      if (length == lower.size()) break;
    }
    out.push_back(IntFeature(kShape, info.shape));
    out.push_back(IntFeature(kLexClasses, info.lex));
    out.push_back(IntFeature(kLexClassesShape, uint64_t(info.lex) << 16 ^ info.shape));
    for (int bit = 0; bit < 32; ++bit) {
      if (info.lex & (1u << bit)) out.push_back(IntFeature(kLexClassBit, bit));
    }
    out.push_back(Mix(info.suffix3_neighbour ^ Mix(kSuffix3LexClasses) ^ info.lex));
    out.push_back(IntFeature(kInitialShape, (i == 0) << 16 | info.shape));
    out.push_back(IntFeature(kPrevTag, uint64_t(prev_tag + 1)));
    out.push_back(IntFeature(kPrev2Tag, uint64_t(prev2_tag + 1)));
    out.push_back(IntFeature(kPrevTags, uint64_t(prev_tag + 1) << 16 | uint64_t(prev2_tag + 1)));
    out.push_back(StableHash(lower, Mix(kPrevTagLower) ^ uint64_t(prev_tag + 1)));
    if (i > 0) {
      const WordInfo& prev = info_[i - 1];
      out.push_back(prev.lower_hash_prev);
      out.push_back(Mix(prev.suffix3_neighbour ^ Mix(kPrevSuffix3)));
      out.push_back(IntFeature(kPrevLexClasses, prev.lex));
    } else {
      out.push_back(IntFeature(kPrevLower, 0));
    }
    if (i > 1) out.push_back(StringFeature(kPrev2Lower, info_[i - 2].lower));
    if (i + 1 < words.size()) {
      const WordInfo& next = info_[i + 1];
      out.push_back(next.lower_hash_next);
      out.push_back(Mix(next.suffix3_neighbour ^ Mix(kNextSuffix3)));
      out.push_back(IntFeature(kNextLexClasses, next.lex));
      out.push_back(IntFeature(kNextShape, next.shape));
    } else {
      out.push_back(IntFeature(kNextLower, 0));
    }
    if (i + 2 < words.size()) out.push_back(StringFeature(kNext2Lower, info_[i + 2].lower));
  }

 private:
  const std::vector<std::string_view>* words_ = nullptr;
  std::vector<WordInfo> info_;
};

// Training-time weights with the lazy averaging of Daumé's trick.
struct TrainCell {
  uint8_t tag;
  float weight = 0;
  double total = 0;  // sum of weight over time, up to `stamp`
  int64_t stamp = 0;
};

}  // namespace

void Tagger::SetTagNames(std::vector<std::string> names) {
  tag_names_ = std::move(names);
  upos_.clear();
  xpos_.clear();
  for (const std::string& name : tag_names_) {
    const size_t bar = name.find('|');
    upos_.push_back(name.substr(0, bar));
    xpos_.push_back(bar == std::string::npos ? "_" : name.substr(bar + 1));
  }
}

int Tagger::TagIndex(std::string_view name) const {
  for (size_t k = 0; k < tag_names_.size(); ++k) {
    if (tag_names_[k] == name) return static_cast<int>(k);
  }
  return -1;
}

Tagger Tagger::Train(const std::vector<TaggedSentence>& sentences, const Lexicon* lexicon,
                     const TaggerTrainingOptions& options) {
  // Tag set in sorted order, so the model does not depend on data order.
  std::vector<std::string> names;
  for (const TaggedSentence& s : sentences) names.insert(names.end(), s.tags.begin(), s.tags.end());
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  Tagger tagger;
  tagger.SetTagNames(names);
  const int tag_count = static_cast<int>(names.size());

  absl::flat_hash_map<uint64_t, std::vector<TrainCell>> weights;
  std::vector<size_t> order(sentences.size());
  for (size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::mt19937 rng(options.shuffle_seed);  // mt19937 is specified exactly
  int64_t now = 0;
  FeatureExtractor extractor;
  std::vector<uint64_t> features;
  std::vector<float> scores(tag_count);
  std::vector<std::string_view> words;

  auto update = [&](uint64_t feature, int tag, float delta) {
    std::vector<TrainCell>& row = weights[feature];
    for (TrainCell& cell : row) {
      if (cell.tag == tag) {
        cell.total += double(now - cell.stamp) * cell.weight;
        cell.stamp = now;
        cell.weight += delta;
        return;
      }
    }
    row.push_back(TrainCell{static_cast<uint8_t>(tag), delta, 0.0, now});
  };

  for (int iteration = 0; iteration < options.iterations; ++iteration) {
    for (size_t k = order.size(); k > 1; --k) std::swap(order[k - 1], order[rng() % k]);
    for (size_t index : order) {
      const TaggedSentence& sentence = sentences[index];
      words.assign(sentence.words.begin(), sentence.words.end());
      extractor.Prepare(words, lexicon);
      int prev = -1, prev2 = -1;
      for (size_t i = 0; i < words.size(); ++i) {
        ++now;
        extractor.Features(i, prev, prev2, features);
        std::fill(scores.begin(), scores.end(), 0.0f);
        for (uint64_t feature : features) {
          auto it = weights.find(feature);
          if (it == weights.end()) continue;
          for (const TrainCell& cell : it->second) scores[cell.tag] += cell.weight;
        }
        const int guess = static_cast<int>(std::max_element(scores.begin(), scores.end()) - scores.begin());
        const int truth = static_cast<int>(
            std::lower_bound(names.begin(), names.end(), sentence.tags[i]) - names.begin());
        if (guess != truth) {
          for (uint64_t feature : features) {
            update(feature, truth, 1.0f);
            update(feature, guess, -1.0f);
          }
        }
        // Train on gold history (the standard, stable choice for greedy taggers).
        prev2 = prev;
        prev = truth;
      }
    }
  }

  // Average, drop near-zero weights, and lay the rows out sorted by key.
  std::vector<uint64_t> keys;
  keys.reserve(weights.size());
  for (const auto& item : weights) keys.push_back(item.first);
  std::sort(keys.begin(), keys.end());
  for (uint64_t key : keys) {
    std::vector<TrainCell>& row = weights[key];
    std::sort(row.begin(), row.end(), [](const TrainCell& a, const TrainCell& b) { return a.tag < b.tag; });
    WeightRow out{static_cast<uint32_t>(tagger.classes_.size()), 0};
    for (const TrainCell& cell : row) {
      const double total = cell.total + double(now - cell.stamp) * cell.weight;
      const float average = static_cast<float>(total / double(now));
      if (std::fabs(average) < 1e-3f) continue;
      tagger.classes_.push_back(cell.tag);
      tagger.weights_.push_back(average);
      ++out.count;
    }
    if (out.count > 0) tagger.rows_.emplace(key, out);
  }
  (void)tag_count;
  return tagger;
}

void Tagger::Tag(const std::vector<std::string_view>& words, const std::vector<int>& fixed,
                 const Lexicon* lexicon, std::vector<int>& tags) const {
  thread_local FeatureExtractor extractor;
  thread_local std::vector<uint64_t> features;
  thread_local std::vector<float> scores;
  tags.assign(words.size(), 0);
  if (words.empty()) return;
  extractor.Prepare(words, lexicon);
  scores.resize(tag_names_.size());
  int prev = -1, prev2 = -1;
  for (size_t i = 0; i < words.size(); ++i) {
    int tag;
    if (!fixed.empty() && fixed[i] >= 0) {
      tag = fixed[i];
    } else {
      extractor.Features(i, prev, prev2, features);
      std::fill(scores.begin(), scores.end(), 0.0f);
      for (uint64_t feature : features) {
        auto it = rows_.find(feature);
        if (it == rows_.end()) continue;
        const WeightRow& row = it->second;
        for (uint32_t k = row.offset; k < row.offset + row.count; ++k) {
          scores[classes_[k]] += weights_[k];
        }
      }
      tag = static_cast<int>(std::max_element(scores.begin(), scores.end()) - scores.begin());
    }
    tags[i] = tag;
    prev2 = prev;
    prev = tag;
  }
}

absl::Status Tagger::Save(const std::string& path) const {
  ModelWriter writer(kMagic, kVersion);
  writer.U32(static_cast<uint32_t>(tag_names_.size()));
  for (const std::string& name : tag_names_) writer.Str(name);
  std::vector<std::pair<uint64_t, WeightRow>> rows(rows_.begin(), rows_.end());
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  writer.U32(static_cast<uint32_t>(rows.size()));
  for (const auto& [key, row] : rows) {
    writer.U64(key);
    writer.U8(static_cast<uint8_t>(row.count));
    for (uint32_t k = row.offset; k < row.offset + row.count; ++k) {
      writer.U8(classes_[k]);
      writer.F32(weights_[k]);
    }
  }
  return writer.WriteTo(path);
}

absl::StatusOr<Tagger> Tagger::Load(const std::string& path) {
  absl::StatusOr<ModelReader> reader = ModelReader::Open(path, kMagic, kVersion);
  if (!reader.ok()) return reader.status();
  Tagger tagger;
  uint32_t tag_count;
  if (!reader->U32(tag_count) || tag_count == 0 || tag_count > 255) return reader->Corrupt();
  std::vector<std::string> names(tag_count);
  for (std::string& name : names) {
    if (!reader->Str(name)) return reader->Corrupt();
  }
  tagger.SetTagNames(std::move(names));
  uint32_t row_count;
  if (!reader->U32(row_count)) return reader->Corrupt();
  tagger.rows_.reserve(row_count);
  for (uint32_t r = 0; r < row_count; ++r) {
    uint64_t key;
    uint8_t count;
    if (!reader->U64(key) || !reader->U8(count)) return reader->Corrupt();
    WeightRow row{static_cast<uint32_t>(tagger.classes_.size()), count};
    for (uint8_t k = 0; k < count; ++k) {
      uint8_t tag;
      float weight;
      if (!reader->U8(tag) || !reader->F32(weight) || tag >= tag_count) return reader->Corrupt();
      tagger.classes_.push_back(tag);
      tagger.weights_.push_back(weight);
    }
    tagger.rows_.emplace(key, row);
  }
  if (!reader->AtEnd()) return reader->Corrupt();
  return tagger;
}

}  // namespace korpus::nlp
