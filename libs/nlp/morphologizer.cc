#include "libs/nlp/morphologizer.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "libs/nlp/model_io.h"
#include "libs/nlp/string_compat.h"
#include "libs/nlp/unicode_util.h"

namespace korpus::nlp {
namespace {

// Feature templates; the numbers are part of the model format.
enum Template : uint64_t {
  kXpos = 1, kLowerXpos, kSuffix1Xpos, kSuffix2Xpos, kSuffix3Xpos, kPrevXpos, kNextXpos,
  kPrev2Xpos, kNext2Xpos, kPrevClass, kPrevClassXpos, kPrevLower, kNextLower, kPrev2Lower,
  kMorph, kNextMorph, kNext2Morph, kPrevLowerXpos, kNextSuffix2,
};

constexpr std::string_view kUniversalFeatures[] = {
    "PronType", "NumType", "Poss",  "Reflex", "Foreign", "Abbr",   "Gender",
    "Animacy",  "Number",  "Case",  "Definite", "Degree", "VerbForm", "Mood",
    "Tense",    "Aspect",  "Voice", "Evident", "Polarity", "Person", "Polite"};

inline uint64_t Feature(Template t, uint64_t value) { return MixHash(MixHash(t) ^ value); }
inline uint64_t Feature2(Template t, uint64_t a, uint64_t b) {
  return MixHash(MixHash(t) ^ a ^ MixHash(b));
}

// Per word: hashes the features need, computed once per sentence.
struct WordInfo {
  uint64_t xpos = 0, lower = 0, suffix1 = 0, suffix2 = 0, suffix3 = 0;
  uint32_t morph = 0;  // Lexicon::Entry::morph; bit 16: not in the lexicon
};

class FeatureExtractor {
 public:
  void Prepare(const std::vector<std::string_view>& words,
               const std::vector<std::string_view>& xpos, const Lexicon* lexicon) {
    info_.resize(words.size());
    for (size_t i = 0; i < words.size(); ++i) {
      WordInfo& info = info_[i];
      const std::string lower = LowercaseUtf8(words[i]);
      const std::string_view view = lower;
      info.xpos = StableHash(xpos[i]);
      info.lower = StableHash(view);
      info.suffix1 = StableHash(view.substr(SuffixStart(view, 1)));
      info.suffix2 = StableHash(view.substr(SuffixStart(view, 2)));
      info.suffix3 = StableHash(view.substr(SuffixStart(view, 3)));
      info.morph = 1u << 16;
      if (lexicon != nullptr) {
        const Lexicon::Entry* entry = lexicon->Find(words[i]);
        // A sentence-initial verb ("Gingen sie ...") is in the lexicon in
        // lower case.
        if (entry == nullptr && lower != words[i]) entry = lexicon->Find(lower);
        if (entry != nullptr) info.morph = entry->morph;
      }
    }
  }

  // Features of word i given the previous word's class (-1: none).
  void Features(size_t i, int prev_class, std::vector<uint64_t>& out) const {
    out.clear();
    const WordInfo& w = info_[i];
    const size_t n = info_.size();
    constexpr uint64_t kNone = 0x5A5A;
    const uint64_t prev_xpos = i > 0 ? info_[i - 1].xpos : kNone;
    out.push_back(Feature(kXpos, w.xpos));
    out.push_back(Feature2(kLowerXpos, w.lower, w.xpos));
    out.push_back(Feature2(kSuffix1Xpos, w.suffix1, w.xpos));
    out.push_back(Feature2(kSuffix2Xpos, w.suffix2, w.xpos));
    out.push_back(Feature2(kSuffix3Xpos, w.suffix3, w.xpos));
    out.push_back(Feature2(kPrevXpos, prev_xpos, w.xpos));
    out.push_back(Feature2(kNextXpos, i + 1 < n ? info_[i + 1].xpos : kNone, w.xpos));
    out.push_back(Feature2(kPrev2Xpos, i > 1 ? info_[i - 2].xpos : kNone, w.xpos));
    out.push_back(Feature2(kNext2Xpos, i + 2 < n ? info_[i + 2].xpos : kNone, w.xpos));
    out.push_back(Feature(kPrevClass, uint64_t(prev_class + 1)));
    out.push_back(Feature2(kPrevClassXpos, uint64_t(prev_class + 1), w.xpos ^ MixHash(prev_xpos)));
    out.push_back(Feature(kPrevLower, i > 0 ? info_[i - 1].lower : kNone));
    out.push_back(Feature2(kPrevLowerXpos, i > 0 ? info_[i - 1].lower : kNone, w.xpos));
    out.push_back(Feature(kNextLower, i + 1 < n ? info_[i + 1].lower : kNone));
    out.push_back(Feature(kNextSuffix2, i + 1 < n ? info_[i + 1].suffix2 : kNone));
    out.push_back(Feature(kPrev2Lower, i > 1 ? info_[i - 2].lower : kNone));
    out.push_back(Feature2(kMorph, w.morph, w.xpos));
    if (i + 1 < n) out.push_back(Feature2(kNextMorph, info_[i + 1].morph, w.xpos));
    if (i + 2 < n) out.push_back(Feature2(kNext2Morph, info_[i + 2].morph, w.xpos));
  }

 private:
  std::vector<WordInfo> info_;
};

struct TrainCell {
  uint16_t cls;
  float weight = 0;
  double total = 0;
  int64_t stamp = 0;
};

}  // namespace

std::string Morphologizer::UniversalFeats(std::string_view feats) {
  std::vector<absl::string_view> kept;
  for (absl::string_view feat : absl::StrSplit(ToAbsl(feats), '|')) {
    const std::string_view name = ToStd(feat.substr(0, feat.find('=')));
    if (std::find(std::begin(kUniversalFeatures), std::end(kUniversalFeatures), name) !=
        std::end(kUniversalFeatures)) {
      kept.push_back(feat);
    }
  }
  if (kept.empty()) return "_";
  std::sort(kept.begin(), kept.end());
  return absl::StrJoin(kept, "|");
}

Morphologizer Morphologizer::Train(const std::vector<MorphSentence>& sentences,
                                   const Lexicon* lexicon,
                                   const MorphologizerTrainingOptions& options) {
  Morphologizer model;
  // Class set (sorted, so the model does not depend on data order) and the
  // classes each XPOS was seen with.
  std::vector<std::vector<std::string>> gold(sentences.size());
  std::set<std::string> names;
  std::map<std::string, std::set<std::string>> by_xpos;
  for (size_t s = 0; s < sentences.size(); ++s) {
    for (size_t i = 0; i < sentences[s].words.size(); ++i) {
      gold[s].push_back(UniversalFeats(sentences[s].feats[i]));
      names.insert(gold[s].back());
      by_xpos[sentences[s].xpos[i]].insert(gold[s].back());
    }
  }
  model.class_names_.assign(names.begin(), names.end());
  auto class_of = [&](const std::string& name) {
    return static_cast<uint16_t>(
        std::lower_bound(model.class_names_.begin(), model.class_names_.end(), name) -
        model.class_names_.begin());
  };
  for (const auto& [xpos, classes] : by_xpos) {
    std::vector<uint16_t>& ids = model.xpos_classes_[xpos];
    for (const std::string& name : classes) ids.push_back(class_of(name));
  }

  absl::flat_hash_map<uint64_t, std::vector<TrainCell>> weights;
  std::vector<size_t> order(sentences.size());
  for (size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::mt19937 rng(options.shuffle_seed);  // mt19937 is specified exactly
  int64_t now = 0;
  FeatureExtractor extractor;
  std::vector<uint64_t> features;
  std::vector<float> scores(model.class_names_.size());
  std::vector<std::string_view> words, xpos;
  auto update = [&](uint64_t feature, uint16_t cls, float delta) {
    std::vector<TrainCell>& row = weights[feature];
    for (TrainCell& cell : row) {
      if (cell.cls == cls) {
        cell.total += double(now - cell.stamp) * cell.weight;
        cell.stamp = now;
        cell.weight += delta;
        return;
      }
    }
    row.push_back(TrainCell{cls, delta, 0.0, now});
  };
  for (int iteration = 0; iteration < options.iterations; ++iteration) {
    for (size_t k = order.size(); k > 1; --k) std::swap(order[k - 1], order[rng() % k]);
    for (size_t index : order) {
      const MorphSentence& sentence = sentences[index];
      words.assign(sentence.words.begin(), sentence.words.end());
      xpos.assign(sentence.xpos.begin(), sentence.xpos.end());
      extractor.Prepare(words, xpos, lexicon);
      int prev = -1;
      for (size_t i = 0; i < words.size(); ++i) {
        const uint16_t truth = class_of(gold[index][i]);
        const std::vector<uint16_t>& candidates = model.xpos_classes_[sentence.xpos[i]];
        if (candidates.size() > 1) {
          ++now;
          extractor.Features(i, prev, features);
          for (uint16_t c : candidates) scores[c] = 0;
          for (uint64_t feature : features) {
            auto it = weights.find(feature);
            if (it == weights.end()) continue;
            for (const TrainCell& cell : it->second) scores[cell.cls] += cell.weight;
          }
          uint16_t guess = candidates[0];
          for (uint16_t c : candidates) {
            if (scores[c] > scores[guess]) guess = c;
          }
          if (guess != truth) {
            for (uint64_t feature : features) {
              update(feature, truth, 1.0f);
              update(feature, guess, -1.0f);
            }
          }
        }
        prev = truth;  // gold history, as the tagger
      }
    }
  }

  // Average, drop near-zero weights, lay the rows out sorted by key.
  std::vector<uint64_t> keys;
  keys.reserve(weights.size());
  for (const auto& item : weights) keys.push_back(item.first);
  std::sort(keys.begin(), keys.end());
  for (uint64_t key : keys) {
    std::vector<TrainCell>& row = weights[key];
    std::sort(row.begin(), row.end(),
              [](const TrainCell& a, const TrainCell& b) { return a.cls < b.cls; });
    WeightRow out{static_cast<uint32_t>(model.classes_.size()), 0};
    for (const TrainCell& cell : row) {
      const double total = cell.total + double(now - cell.stamp) * cell.weight;
      const float average = static_cast<float>(total / double(std::max<int64_t>(now, 1)));
      if (std::fabs(average) < 1e-3f) continue;
      model.classes_.push_back(cell.cls);
      model.weights_.push_back(average);
      ++out.count;
    }
    if (out.count > 0) model.rows_.emplace(key, out);
  }
  return model;
}

void Morphologizer::Predict(const std::vector<std::string_view>& words,
                            const std::vector<std::string_view>& xpos, const Lexicon* lexicon,
                            std::vector<std::string_view>& feats) const {
  thread_local FeatureExtractor extractor;
  thread_local std::vector<uint64_t> features;
  thread_local std::vector<float> scores;
  feats.assign(words.size(), "_");
  if (words.empty()) return;
  extractor.Prepare(words, xpos, lexicon);
  scores.resize(class_names_.size());
  int prev = -1;
  for (size_t i = 0; i < words.size(); ++i) {
    auto it = xpos_classes_.find(absl::string_view(xpos[i].data(), xpos[i].size()));
    if (it == xpos_classes_.end()) {
      prev = -1;
      continue;
    }
    const std::vector<uint16_t>& candidates = it->second;
    uint16_t best = candidates[0];
    if (candidates.size() > 1) {
      extractor.Features(i, prev, features);
      for (uint16_t c : candidates) scores[c] = 0;
      for (uint64_t feature : features) {
        auto row = rows_.find(feature);
        if (row == rows_.end()) continue;
        for (uint32_t k = row->second.offset; k < row->second.offset + row->second.count; ++k) {
          scores[classes_[k]] += weights_[k];
        }
      }
      for (uint16_t c : candidates) {
        if (scores[c] > scores[best]) best = c;
      }
    }
    feats[i] = class_names_[best];
    prev = best;
  }
}

absl::Status Morphologizer::Save(const std::string& path) const {
  ModelWriter writer(kMagic, kVersion);
  writer.U32(static_cast<uint32_t>(class_names_.size()));
  for (const std::string& name : class_names_) writer.Str(name);
  std::map<std::string, std::vector<uint16_t>> by_xpos(xpos_classes_.begin(), xpos_classes_.end());
  writer.U32(static_cast<uint32_t>(by_xpos.size()));
  for (const auto& [xpos, classes] : by_xpos) {
    writer.Str(xpos);
    writer.U32(static_cast<uint32_t>(classes.size()));
    for (uint16_t c : classes) writer.U32(c);
  }
  std::vector<std::pair<uint64_t, WeightRow>> rows(rows_.begin(), rows_.end());
  std::sort(rows.begin(), rows.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  writer.U32(static_cast<uint32_t>(rows.size()));
  for (const auto& [key, row] : rows) {
    writer.U64(key);
    writer.U32(row.count);
    for (uint32_t k = row.offset; k < row.offset + row.count; ++k) {
      writer.U8(static_cast<uint8_t>(classes_[k] & 0xFF));  // class ids: 16 bits
      writer.U8(static_cast<uint8_t>(classes_[k] >> 8));
      writer.F32(weights_[k]);
    }
  }
  return writer.WriteTo(path);
}

absl::StatusOr<Morphologizer> Morphologizer::Load(const std::string& path) {
  absl::StatusOr<ModelReader> reader = ModelReader::Open(path, kMagic, kVersion);
  if (!reader.ok()) return reader.status();
  Morphologizer model;
  uint32_t count;
  if (!reader->U32(count) || count == 0 || count > 65535) return reader->Corrupt();
  model.class_names_.resize(count);
  for (std::string& name : model.class_names_) {
    if (!reader->Str(name)) return reader->Corrupt();
  }
  if (!reader->U32(count)) return reader->Corrupt();
  for (uint32_t k = 0; k < count; ++k) {
    std::string xpos;
    uint32_t size;
    if (!reader->Str(xpos) || !reader->U32(size) || size == 0) return reader->Corrupt();
    std::vector<uint16_t>& classes = model.xpos_classes_[xpos];
    for (uint32_t j = 0; j < size; ++j) {
      uint32_t c;
      if (!reader->U32(c) || c >= model.class_names_.size()) return reader->Corrupt();
      classes.push_back(static_cast<uint16_t>(c));
    }
  }
  if (!reader->U32(count)) return reader->Corrupt();
  model.rows_.reserve(count);
  for (uint32_t r = 0; r < count; ++r) {
    uint64_t key;
    uint32_t size;
    if (!reader->U64(key) || !reader->U32(size)) return reader->Corrupt();
    WeightRow row{static_cast<uint32_t>(model.classes_.size()), size};
    for (uint32_t j = 0; j < size; ++j) {
      uint8_t low, high;
      float weight;
      if (!reader->U8(low) || !reader->U8(high) || !reader->F32(weight)) return reader->Corrupt();
      const uint32_t c = uint32_t(high) << 8 | low;
      if (c >= model.class_names_.size()) return reader->Corrupt();
      model.classes_.push_back(static_cast<uint16_t>(c));
      model.weights_.push_back(weight);
    }
    model.rows_.emplace(key, row);
  }
  if (!reader->AtEnd()) return reader->Corrupt();
  return model;
}

}  // namespace korpus::nlp
