#include "libs/nlp/sentence_classifier.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "libs/nlp/model_io.h"

namespace korpus::nlp {
namespace {

// Feature templates; the numbers are part of the model format.
enum Template : uint64_t {
  kBias = 1, kLeftLower, kRightForm, kRightLower, kLeftShape, kRightShape, kLeft2Lower,
  kLeft2Shape, kRight2Lower, kRight2Shape, kGap, kRule, kRuleRightShape, kLeftLowerRightShape,
  kRightLex, kLeftLex, kLeftLowerRightLex, kSince, kSinceLeftShape, kLeftSuffix3, kLeftBigram,
  kShapes, kRuleGap, kUnexpectedCapital, kUnexpectedCapitalLeftShape, kUnexpectedCapitalSince,
};

constexpr uint64_t kNone = 0xFFFF;  // "no token here" (text start or end)

inline uint64_t Feature(Template t, uint64_t value) { return MixHash(MixHash(t) ^ value); }
inline uint64_t Feature2(Template t, uint64_t a, uint64_t b) {
  return MixHash(MixHash(t) ^ a ^ MixHash(b));
}

// Lower-cases ASCII letters and Ä Ö Ü (enough for German feature keys; the
// lexicon stores sentence-internal spellings, so "Dabei" -> "dabei").
void LowerInto(std::string_view word, std::string& out) {
  out.assign(word.data(), word.size());
  for (size_t k = 0; k < out.size(); ++k) {
    const char c = out[k];
    if (c >= 'A' && c <= 'Z') {
      out[k] = static_cast<char>(c - 'A' + 'a');
    } else if (c == '\xC3' && k + 1 < out.size()) {
      const char d = out[k + 1];
      if (d == '\x84' || d == '\x96' || d == '\x9C') out[k + 1] = static_cast<char>(d + 0x20);
      ++k;
    }
  }
}

enum FirstChar : uint32_t { kFirstLower, kFirstUpper, kFirstDigit, kFirstOther };

FirstChar FirstCharClass(std::string_view word) {
  const auto c = static_cast<unsigned char>(word[0]);
  if (c < 0x80) {
    if (c >= 'a' && c <= 'z') return kFirstLower;
    if (c >= 'A' && c <= 'Z') return kFirstUpper;
    if (c >= '0' && c <= '9') return kFirstDigit;
    return kFirstOther;
  }
  int32_t i = 0;
  UChar32 cp;
  U8_NEXT(reinterpret_cast<const uint8_t*>(word.data()), i, static_cast<int32_t>(word.size()), cp);
  if (cp < 0) return kFirstOther;
  if (u_isupper(cp) || u_istitle(cp)) return kFirstUpper;
  if (u_islower(cp)) return kFirstLower;
  if (u_isdigit(cp)) return kFirstDigit;
  return kFirstOther;
}

// Per token: what the features need, computed once per text.
struct TokenInfo {
  uint64_t lower_hash = 0;
  uint64_t form_hash = 0;
  uint64_t suffix3_hash = 0;
  uint32_t shape = 0;  // first-character class, all-caps, length bucket, kind
  FirstChar first = kFirstOther;
  int32_t lex = -1;    // lexicon classes, -1 until looked up
};

uint32_t ShapeOf(std::string_view word, FirstChar first, TokenKind kind) {
  bool has_lower = false;
  int letters = 0;
  for (char c : word) {
    if (c >= 'a' && c <= 'z') has_lower = true;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) ++letters;
  }
  const bool all_caps = letters >= 2 && !has_lower && first == kFirstUpper;
  const size_t n = word.size();
  const uint32_t length = n <= 1 ? 0 : n <= 2 ? 1 : n <= 3 ? 2 : n <= 6 ? 3 : 4;
  return first | uint32_t(all_caps) << 2 | length << 3 | uint32_t(kind) << 6;
}

// 0: tokens touch; 1: spaces; 2: a line break.
uint32_t GapKind(std::string_view text, uint32_t begin, uint32_t end) {
  if (begin == end) return 0;
  for (uint32_t k = begin; k < end; ++k) {
    if (text[k] == '\n') return 2;
  }
  return 1;
}

bool GapHasParagraphBreak(std::string_view text, uint32_t begin, uint32_t end) {
  int newlines = 0;
  for (uint32_t k = begin; k < end; ++k) {
    if (text[k] == '\n' && ++newlines >= 2) return true;
    if (text.compare(k, 3, "\xE2\x80\xA9") == 0) return true;  // U+2029
  }
  return false;
}

uint32_t SinceBucket(uint32_t tokens) {
  if (tokens <= 3) return tokens;
  return tokens <= 5 ? 4 : tokens <= 9 ? 5 : tokens <= 19 ? 6 : tokens <= 39 ? 7 : 8;
}

// Opening marks before which a sentence may start: quotes, brackets, dashes.
bool OpensSentence(std::string_view token) {
  switch (token[0]) {
    case '"': case '\'': case '`': case '(': case '[': case '-':
      return true;
    default:
      break;
  }
  for (std::string_view mark : {"„", "‚", "«", "»", "–", "—", "“"}) {
    if (token.substr(0, mark.size()) == mark) return true;
  }
  return false;
}

// The features of the gaps of one text. Not thread-safe; one per thread.
class GapFeaturizer {
 public:
  void Prepare(std::string_view text, const std::vector<Token>& tokens,
               const Tokenizer& tokenizer, const Lexicon* lexicon,
               const absl::flat_hash_set<uint64_t>* lowercase_words) {
    text_ = text;
    lowercase_words_ = lowercase_words;
    tokens_ = &tokens;
    tokenizer_ = &tokenizer;
    lexicon_ = lexicon;
    info_.resize(tokens.size());
    for (size_t t = 0; t < tokens.size(); ++t) {
      TokenInfo& info = info_[t];
      const std::string_view word = tokens[t].Text(text);
      LowerInto(word, lower_);
      info.lower_hash = StableHash(lower_);
      info.form_hash = StableHash(word);
      info.first = FirstCharClass(word);
      info.shape = ShapeOf(word, info.first, tokens[t].kind);
      info.suffix3_hash = 0;
      info.lex = -1;
    }
    tokenizer.SplitSentences(text, tokens, rule_sentences_);
    rule_end_.assign(tokens.size(), 0);
    for (const Sentence& s : rule_sentences_) rule_end_[s.first_token + s.token_count - 1] = 1;
  }

  // A sentence must end after token i (i + 1 < tokens.size()).
  bool HardBoundary(size_t i) const {
    const Token& left = (*tokens_)[i];
    const Token& right = (*tokens_)[i + 1];
    if (GapHasParagraphBreak(text_, left.end, right.begin)) return true;
    if (!rule_end_[i]) return false;
    // Where the rules end a sentence at a line break, or before a German
    // opening quote ("sei.„Ich"), which GSD (straight quotes only) cannot
    // teach.
    if (GapKind(text_, left.end, right.begin) == 2) return true;
    const std::string_view next = right.Text(text_);
    return next.substr(0, 3) == "„" || next.substr(0, 3) == "‚";
  }

  // Whether the model decides the gap after token i; false means "no
  // boundary" (unless HardBoundary).
  bool IsCandidate(size_t i) {
    const Token& left = (*tokens_)[i];
    switch (left.kind) {
      case TokenKind::kPunctuation:
      case TokenKind::kSymbol:
        return true;
      case TokenKind::kOrdinal:
        return false;
      case TokenKind::kAbbreviation: {
        const std::string_view word = left.Text(text_);
        return tokenizer_->IsFinalAbbreviation(word.substr(0, word.size() - 1));
      }
      default:
        break;
    }
    // After a word, only before an opening mark or a capitalised word that
    // is normally lower case: a capitalised noun or name after a word is
    // almost never a sentence start, and leaving those out keeps the
    // model from learning noise.
    const Token& right = (*tokens_)[i + 1];
    if (UnexpectedCapital(i + 1, LexClasses(i + 1))) return true;
    return right.kind == TokenKind::kPunctuation && OpensSentence(right.Text(text_));
  }

  // Features of the gap after token i, `since` tokens after the last
  // boundary (the gap's left token counts).
  void Features(size_t i, uint32_t since, bool use_rule, std::vector<uint64_t>& out) {
    out.clear();
    const size_t n = info_.size();
    const TokenInfo& left = info_[i];
    const TokenInfo& right = info_[i + 1];
    const uint64_t left2_lower = i > 0 ? info_[i - 1].lower_hash : kNone;
    const uint64_t left2_shape = i > 0 ? info_[i - 1].shape : kNone;
    const uint64_t right2_lower = i + 2 < n ? info_[i + 2].lower_hash : kNone;
    const uint64_t right2_shape = i + 2 < n ? info_[i + 2].shape : kNone;
    const uint32_t gap = GapKind(text_, (*tokens_)[i].end, (*tokens_)[i + 1].begin);
    const uint32_t right_lex = LexClasses(i + 1);
    const uint32_t left_lex = LexClasses(i);
    const uint32_t since_bucket = SinceBucket(since);

    out.push_back(Feature(kBias, 0));
    out.push_back(Feature(kLeftLower, left.lower_hash));
    out.push_back(Feature(kRightForm, right.form_hash));
    out.push_back(Feature(kRightLower, right.lower_hash));
    out.push_back(Feature(kLeftShape, left.shape));
    out.push_back(Feature(kRightShape, right.shape));
    out.push_back(Feature(kLeft2Lower, left2_lower));
    out.push_back(Feature(kLeft2Shape, left2_shape));
    out.push_back(Feature(kRight2Lower, right2_lower));
    out.push_back(Feature(kRight2Shape, right2_shape));
    out.push_back(Feature(kGap, gap));
    if (use_rule) {
      const uint64_t rule = rule_end_[i];
      out.push_back(Feature(kRule, rule));
      out.push_back(Feature2(kRuleRightShape, rule, right.shape));
      out.push_back(Feature2(kRuleGap, rule, gap));
    }
    out.push_back(Feature2(kLeftLowerRightShape, left.lower_hash, right.shape));
    out.push_back(Feature2(kRightLex, right_lex, right.first));
    out.push_back(Feature(kLeftLex, left_lex));
    out.push_back(Feature2(kLeftLowerRightLex, left.lower_hash, right_lex));
    out.push_back(Feature(kSince, since_bucket));
    out.push_back(Feature2(kSinceLeftShape, since_bucket, left.shape));
    out.push_back(Feature(kLeftSuffix3, Suffix3(i)));
    out.push_back(Feature2(kLeftBigram, left2_lower, left.lower_hash));
    out.push_back(Feature2(kShapes, left2_shape << 20 | uint64_t(left.shape) << 10 | right.shape,
                           gap));
    const uint64_t unexpected = UnexpectedCapital(i + 1, right_lex);
    out.push_back(Feature(kUnexpectedCapital, unexpected));
    out.push_back(Feature2(kUnexpectedCapitalLeftShape, unexpected, left.shape));
    out.push_back(Feature2(kUnexpectedCapitalSince, unexpected, since_bucket));
  }

  // Lower-cased word hashes of tokens, for SentenceClassifier::Train.
  uint64_t LowerHash(size_t t) const { return info_[t].lower_hash; }

 private:
  // Lexicon classes of a word token: the exact form's classes, the lower-
  // cased form's classes shifted by kLexiconClassCount, bit 30 when the
  // lexicon knows neither; 0 for other tokens or without a lexicon.
  uint32_t LexClasses(size_t t) {
    TokenInfo& info = info_[t];
    if (info.lex >= 0) return static_cast<uint32_t>(info.lex);
    uint32_t classes = 0;
    const Token& token = (*tokens_)[t];
    if (lexicon_ != nullptr && token.kind == TokenKind::kWord) {
      const std::string_view word = token.Text(text_);
      if (const Lexicon::Entry* entry = lexicon_->Find(word)) classes |= entry->classes;
      LowerInto(word, lower_);
      if (lower_ != word) {
        if (const Lexicon::Entry* entry = lexicon_->Find(lower_)) {
          classes |= uint32_t(entry->classes) << kLexiconClassCount;
        }
      }
      if (classes == 0) classes = 1u << 30;
    }
    info.lex = static_cast<int32_t>(classes);
    return classes;
  }

  // 1 when word token t starts with a capital although it is not a noun
  // the lexicon knows ("Gut") and its lower-cased form is a known
  // lower-case word ("Die", "Dabei") or verb or adjective form; else 0.
  uint64_t UnexpectedCapital(size_t t, uint32_t lex) const {
    if (info_[t].first != kFirstUpper || (*tokens_)[t].kind != TokenKind::kWord) return 0;
    if (lex & kLexNoun) return 0;
    if (lowercase_words_ != nullptr && lowercase_words_->contains(info_[t].lower_hash)) return 1;
    constexpr uint32_t kNotNoun = kLexVerbInfinitive | kLexVerbFinite | kLexVerbParticiple2 |
                                  kLexAdjectiveBase | kLexAdjectiveInflected;
    return ((lex >> kLexiconClassCount) & kNotNoun) != 0 ? 1 : 0;
  }

  // Hash of a word token's last three characters, lower-cased; 0 otherwise.
  uint64_t Suffix3(size_t t) {
    TokenInfo& info = info_[t];
    const Token& token = (*tokens_)[t];
    if (token.kind != TokenKind::kWord) return 0;
    if (info.suffix3_hash == 0) {
      const std::string_view word = token.Text(text_);
      size_t start = word.size();
      for (int count = 0; count < 3 && start > 0; ++count) {
        --start;
        while (start > 0 && (static_cast<unsigned char>(word[start]) & 0xC0) == 0x80) --start;
      }
      LowerInto(word.substr(start), lower_);
      info.suffix3_hash = StableHash(lower_) | 1;
    }
    return info.suffix3_hash;
  }

  std::string_view text_;
  const std::vector<Token>* tokens_ = nullptr;
  const Tokenizer* tokenizer_ = nullptr;
  const Lexicon* lexicon_ = nullptr;
  const absl::flat_hash_set<uint64_t>* lowercase_words_ = nullptr;
  std::vector<TokenInfo> info_;
  std::vector<Sentence> rule_sentences_;
  std::vector<uint8_t> rule_end_;
  std::string lower_;
};

struct TrainWeight {
  float weight = 0;
  double total = 0;  // sum of weight over time, up to `stamp`
  int64_t stamp = 0;
};

struct Example {
  std::vector<uint64_t> features;
  bool boundary = false;
};

// A copy of `training` without the full stop of some sentences that end in
// a letter and ".", each chosen with probability `fraction`.
SentenceTrainingText DropFinalStops(const SentenceTrainingText& training, double fraction,
                                    std::mt19937& rng) {
  SentenceTrainingText out;
  out.text.reserve(training.text.size());
  size_t copied = 0;
  for (uint32_t end : training.sentence_ends) {
    const bool eligible = end >= 2 && end <= training.text.size() &&
                          training.text[end - 1] == '.' &&
                          ((training.text[end - 2] >= 'a' && training.text[end - 2] <= 'z') ||
                           (static_cast<unsigned char>(training.text[end - 2]) >= 0x80));
    // Draw for every sentence, so the choice does not depend on eligibility.
    const bool drop = (rng() % 1000000) < static_cast<uint32_t>(fraction * 1000000) && eligible;
    out.text.append(training.text, copied, end - copied - (drop ? 1 : 0));
    copied = end;
    out.sentence_ends.push_back(static_cast<uint32_t>(out.text.size()));
  }
  out.text.append(training.text, copied, std::string::npos);
  return out;
}

}  // namespace

SentenceClassifier SentenceClassifier::Train(const std::vector<SentenceTrainingText>& texts,
                                             const Tokenizer& tokenizer, const Lexicon* lexicon,
                                             const SentenceTrainingOptions& options) {
  // Candidate gaps with their features; the "tokens since the last
  // boundary" feature follows the gold boundaries.
  std::vector<Example> examples;
  GapFeaturizer featurizer;
  std::vector<Token> tokens;
  std::mt19937 rng(options.shuffle_seed);  // mt19937 is specified exactly
  std::vector<SentenceTrainingText> augmented;
  if (options.drop_final_stop_fraction > 0) {
    for (const SentenceTrainingText& training : texts) {
      augmented.push_back(DropFinalStops(training, options.drop_final_stop_fraction, rng));
    }
  }
  std::vector<const SentenceTrainingText*> all;
  for (const SentenceTrainingText& training : texts) all.push_back(&training);
  for (const SentenceTrainingText& training : augmented) all.push_back(&training);

  // Words written in lower case inside sentences (not right after a gold
  // boundary), at least twice.
  SentenceClassifier classifier;
  {
    absl::flat_hash_map<uint64_t, int> counts;
    for (const SentenceTrainingText& training : texts) {
      tokenizer.TokenizeInto(training.text, tokens);
      featurizer.Prepare(training.text, tokens, tokenizer, lexicon, nullptr);
      size_t next_end = 0;
      for (size_t t = 1; t < tokens.size(); ++t) {
        while (next_end < training.sentence_ends.size() &&
               training.sentence_ends[next_end] < tokens[t - 1].end) {
          ++next_end;
        }
        const bool sentence_start = next_end < training.sentence_ends.size() &&
                                    training.sentence_ends[next_end] == tokens[t - 1].end;
        const char c = training.text[tokens[t].begin];
        if (!sentence_start && tokens[t].kind == TokenKind::kWord &&
            ((c >= 'a' && c <= 'z') || c == '\xC3')) {
          const std::string_view word = tokens[t].Text(training.text);
          if (c == '\xC3' && (word.size() < 2 || static_cast<unsigned char>(word[1]) < 0xA0)) {
            continue;  // "Ä" "Ö" "Ü": upper case
          }
          ++counts[featurizer.LowerHash(t)];
        }
      }
    }
    for (const auto& [hash, count] : counts) {
      if (count >= 2) classifier.lowercase_words_.insert(hash);
    }
  }

  for (const SentenceTrainingText* training_text : all) {
    const SentenceTrainingText& training = *training_text;
    tokenizer.TokenizeInto(training.text, tokens);
    featurizer.Prepare(training.text, tokens, tokenizer, lexicon, &classifier.lowercase_words_);
    size_t next_end = 0;
    uint32_t since = 0;
    for (size_t i = 0; i + 1 < tokens.size(); ++i) {
      ++since;
      while (next_end < training.sentence_ends.size() &&
             training.sentence_ends[next_end] < tokens[i].end) {
        ++next_end;
      }
      const bool gold = next_end < training.sentence_ends.size() &&
                        training.sentence_ends[next_end] == tokens[i].end;
      if (!featurizer.HardBoundary(i) && featurizer.IsCandidate(i)) {
        Example example;
        featurizer.Features(i, since, options.use_rule_feature, example.features);
        example.boundary = gold;
        examples.push_back(std::move(example));
      }
      if (gold) since = 0;
    }
  }

  absl::flat_hash_map<uint64_t, TrainWeight> weights;
  std::vector<size_t> order(examples.size());
  for (size_t k = 0; k < order.size(); ++k) order[k] = k;
  int64_t now = 0;
  for (int iteration = 0; iteration < options.iterations; ++iteration) {
    for (size_t k = order.size(); k > 1; --k) std::swap(order[k - 1], order[rng() % k]);
    for (size_t index : order) {
      const Example& example = examples[index];
      ++now;
      float score = 0;
      for (uint64_t feature : example.features) {
        auto it = weights.find(feature);
        if (it != weights.end()) score += it->second.weight;
      }
      if ((score > 0) == example.boundary) continue;
      const float delta = example.boundary ? 1.0f : -1.0f;
      for (uint64_t feature : example.features) {
        TrainWeight& w = weights[feature];
        w.total += double(now - w.stamp) * w.weight;
        w.stamp = now;
        w.weight += delta;
      }
    }
  }

  classifier.use_rule_feature_ = options.use_rule_feature;
  for (const auto& [key, w] : weights) {
    const double total = w.total + double(now - w.stamp) * w.weight;
    const float average = static_cast<float>(total / double(std::max<int64_t>(now, 1)));
    if (std::fabs(average) >= 1e-4f) classifier.weights_.emplace(key, average);
  }
  return classifier;
}

void SentenceClassifier::Split(std::string_view text, const std::vector<Token>& tokens,
                               const Tokenizer& tokenizer, const Lexicon* lexicon,
                               std::vector<Sentence>& out) const {
  thread_local GapFeaturizer featurizer;
  thread_local std::vector<uint64_t> features;
  out.clear();
  const uint32_t count = static_cast<uint32_t>(tokens.size());
  if (count == 0) return;
  featurizer.Prepare(text, tokens, tokenizer, lexicon, &lowercase_words_);
  uint32_t first = 0;
  for (uint32_t i = 0; i + 1 < count; ++i) {
    bool boundary = featurizer.HardBoundary(i);
    if (!boundary && featurizer.IsCandidate(i)) {
      featurizer.Features(i, i + 1 - first, use_rule_feature_, features);
      float score = 0;
      for (uint64_t feature : features) {
        auto it = weights_.find(feature);
        if (it != weights_.end()) score += it->second;
      }
      boundary = score > 0;
    }
    if (boundary) {
      out.push_back(Sentence{tokens[first].begin, tokens[i].end, first, i - first + 1});
      first = i + 1;
    }
  }
  out.push_back(Sentence{tokens[first].begin, tokens[count - 1].end, first, count - first});
}

absl::Status SentenceClassifier::Save(const std::string& path) const {
  ModelWriter writer(kMagic, kVersion);
  writer.U8(use_rule_feature_ ? 1 : 0);
  std::vector<std::pair<uint64_t, float>> sorted(weights_.begin(), weights_.end());
  std::sort(sorted.begin(), sorted.end());
  writer.U32(static_cast<uint32_t>(sorted.size()));
  for (const auto& [key, weight] : sorted) {
    writer.U64(key);
    writer.F32(weight);
  }
  std::vector<uint64_t> words(lowercase_words_.begin(), lowercase_words_.end());
  std::sort(words.begin(), words.end());
  writer.U32(static_cast<uint32_t>(words.size()));
  for (uint64_t word : words) writer.U64(word);
  return writer.WriteTo(path);
}

absl::StatusOr<SentenceClassifier> SentenceClassifier::Load(const std::string& path) {
  absl::StatusOr<ModelReader> reader = ModelReader::Open(path, kMagic, kVersion);
  if (!reader.ok()) return reader.status();
  SentenceClassifier classifier;
  uint8_t flags;
  uint32_t count;
  if (!reader->U8(flags) || flags > 1 || !reader->U32(count)) return reader->Corrupt();
  classifier.use_rule_feature_ = flags == 1;
  classifier.weights_.reserve(count);
  for (uint32_t k = 0; k < count; ++k) {
    uint64_t key;
    float weight;
    if (!reader->U64(key) || !reader->F32(weight)) return reader->Corrupt();
    classifier.weights_.emplace(key, weight);
  }
  if (!reader->U32(count)) return reader->Corrupt();
  classifier.lowercase_words_.reserve(count);
  for (uint32_t k = 0; k < count; ++k) {
    uint64_t word;
    if (!reader->U64(word)) return reader->Corrupt();
    classifier.lowercase_words_.insert(word);
  }
  if (!reader->AtEnd()) return reader->Corrupt();
  return classifier;
}

}  // namespace korpus::nlp
