#include "libs/ingest/boilerplate.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "libs/ingest/normalizer.h"

namespace korpus::ingest {
namespace {

// Typical German page furniture, lower case, matched as substrings. One
// signal among several (see the header): never enough on its own.
constexpr std::string_view kPhrases[] = {
    "kommentar",
    "e-mail-adresse wird nicht veröffentlicht",
    "erforderliche felder",
    "quelle",
    "bilder",
    "foto:",
    "fotos:",
    "newsletter",
    "abonnieren",
    "teilen",
    "anzeige",
    "werbung",
    "weiterlesen",
    "mehr lesen",
    "mehr zum thema",
    "lesen sie auch",
    "auch interessieren",
    "alle rechte vorbehalten",
    "©",
    "cookie",
    "datenschutz",
    "impressum",
    "zur startseite",
    "zum artikel",
};

// Lower-cases ASCII and the German capitals Ä Ö Ü in UTF-8.
std::string Lower(std::string_view s) {
  std::string out(s);
  for (size_t i = 0; i < out.size(); ++i) {
    const auto c = static_cast<unsigned char>(out[i]);
    if (c >= 'A' && c <= 'Z') {
      out[i] = static_cast<char>(c - 'A' + 'a');
    } else if (c == 0xC3 && i + 1 < out.size()) {
      const auto d = static_cast<unsigned char>(out[i + 1]);
      if (d == 0x84 || d == 0x96 || d == 0x9C) out[i + 1] = static_cast<char>(d + 0x20);
      ++i;
    }
  }
  return out;
}

bool IsLetterOrDigitByte(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  if (c < 0x80) return false;
  // Punctuation blocks: C2 xx (NBSP, « », ©, ...) and E2 xx xx (quotes,
  // dashes, bullets, ...). Everything else non-ASCII counts as a letter.
  size_t lead = i;
  while (lead > 0 && (static_cast<unsigned char>(s[lead]) & 0xC0) == 0x80) --lead;
  const auto l = static_cast<unsigned char>(s[lead]);
  return l != 0xC2 && l != 0xE2;
}

int WordCount(std::string_view s) {
  int words = 0;
  bool in_word = false;
  for (char c : s) {
    const bool space = c == ' ';
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  return words;
}

// The last character that is not a closing quote or bracket.
std::string_view LastMark(std::string_view s) {
  size_t end = s.size();
  while (end > 0) {
    size_t start = end - 1;
    while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
    const std::string_view c = s.substr(start, end - start);
    if (c == "\"" || c == "'" || c == ")" || c == "]" || c == "\xE2\x80\x9C" ||
        c == "\xE2\x80\x9D" || c == "\xE2\x80\x98" || c == "\xE2\x80\x99" || c == "\xC2\xAB" ||
        c == "\xC2\xBB" || c == " ") {
      end = start;
      continue;
    }
    return c;
  }
  return "";
}

bool EndsSentence(std::string_view s) {
  const std::string_view c = LastMark(s);
  return c == "." || c == "!" || c == "?" || c == "\xE2\x80\xA6";
}

// Capitalised words (after the first word) of a paragraph, as lower-cased
// six-byte keys: a cheap stem ("Treffens" and "Treffen" share "treffe").
std::vector<std::string> CapitalisedKeys(std::string_view s, bool all_words) {
  std::vector<std::string> keys;
  size_t i = 0;
  bool first = true;
  while (i < s.size()) {
    while (i < s.size() && !IsLetterOrDigitByte(s, i)) ++i;
    const size_t begin = i;
    while (i < s.size() && (IsLetterOrDigitByte(s, i) || s[i] == '-')) ++i;
    if (i == begin) break;
    const std::string_view word = s.substr(begin, i - begin);
    const auto c = static_cast<unsigned char>(word[0]);
    const bool upper = (c >= 'A' && c <= 'Z') ||
                       (c == 0xC3 && word.size() > 1 &&
                        (static_cast<unsigned char>(word[1]) == 0x84 ||
                         static_cast<unsigned char>(word[1]) == 0x96 ||
                         static_cast<unsigned char>(word[1]) == 0x9C));
    if ((all_words || (!first && upper)) && word.size() >= 4) {
      keys.push_back(Lower(word.substr(0, std::min<size_t>(word.size(), 6))));
    }
    first = false;
  }
  return keys;
}

}  // namespace

std::string_view BoilerplateSignalName(BoilerplateSignal signal) {
  switch (signal) {
    case kShortUnpunctuated: return "short_unpunctuated";
    case kArticleTail: return "article_tail";
    case kKnownPhrase: return "known_phrase";
    case kRepeatedInCorpus: return "repeated_in_corpus";
    case kLinkDense: return "link_dense";
    case kTeaserHeadline: return "teaser_headline";
    case kForeignVocabulary: return "foreign_vocabulary";
    case kDuplicateTitle: return "duplicate_title";
  }
  return "unknown";
}

std::string BoilerplateSignalNames(uint32_t signals) {
  std::string out;
  for (uint32_t bit = 1; bit != 0 && bit <= kDuplicateTitle; bit <<= 1) {
    if ((signals & bit) == 0) continue;
    if (!out.empty()) out += ',';
    out += BoilerplateSignalName(static_cast<BoilerplateSignal>(bit));
  }
  return out;
}

BoilerplateModel BoilerplateModel::FromCounts(int64_t document_count,
                                              absl::flat_hash_map<uint64_t, int64_t> counts) {
  BoilerplateModel model;
  model.document_count_ = document_count;
  model.counts_ = std::move(counts);
  return model;
}

uint64_t BoilerplateModel::Fingerprint(std::string_view paragraph) {
  const std::string lower = Lower(paragraph);
  uint64_t hash = 1469598103934665603ULL;
  for (size_t i = 0; i < lower.size(); ++i) {
    if (!IsLetterOrDigitByte(lower, i)) continue;
    char c = lower[i];
    if (c >= '0' && c <= '9') c = '0';
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

void BoilerplateModel::AddDocument(const std::vector<std::string>& paragraphs) {
  ++document_count_;
  absl::flat_hash_set<uint64_t> seen;
  for (const std::string& p : paragraphs) {
    const uint64_t fingerprint = Fingerprint(p);
    if (seen.insert(fingerprint).second) ++counts_[fingerprint];
  }
}

int64_t BoilerplateModel::Count(uint64_t fingerprint) const {
  auto it = counts_.find(fingerprint);
  return it == counts_.end() ? 0 : it->second;
}

std::vector<BoilerplateDecision> ClassifyBoilerplate(const std::vector<BoilerplateBlock>& blocks,
                                                     const BoilerplateModel* model,
                                                     const BoilerplateOptions& options) {
  std::vector<BoilerplateDecision> decisions(blocks.size());
  // The last paragraph of running text: everything after it is the tail.
  int64_t last_body = -1;
  std::vector<int> words(blocks.size());
  for (size_t k = 0; k < blocks.size(); ++k) {
    words[k] = WordCount(blocks[k].text);
    if (!blocks[k].is_title && !blocks[k].is_heading && words[k] >= options.min_body_words &&
        EndsSentence(blocks[k].text)) {
      last_body = static_cast<int64_t>(k);
    }
  }
  // Vocabulary of the article: six-byte keys of every word, with the
  // number of paragraphs each occurs in.
  absl::flat_hash_map<std::string, int> paragraphs_with;
  for (const BoilerplateBlock& block : blocks) {
    std::vector<std::string> keys = CapitalisedKeys(block.text, /*all_words=*/true);
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    for (std::string& key : keys) ++paragraphs_with[std::move(key)];
  }
  std::string title;
  for (const BoilerplateBlock& block : blocks) {
    if (block.is_title) title = Lower(block.text);
  }

  for (size_t k = 0; k < blocks.size(); ++k) {
    const BoilerplateBlock& block = blocks[k];
    BoilerplateDecision& d = decisions[k];
    if (block.is_title) continue;
    auto fire = [&d](BoilerplateSignal signal, int points) {
      d.signals |= signal;
      d.points += points;
    };
    const bool headline_like = LooksLikeTitle(block.text, block.text.size() + 1);
    if (headline_like && words[k] <= options.max_short_words) fire(kShortUnpunctuated, 1);
    if (last_body >= 0 && static_cast<int64_t>(k) > last_body) fire(kArticleTail, 2);
    const std::string lower = Lower(block.text);
    for (std::string_view phrase : kPhrases) {
      if (lower.find(phrase) != std::string::npos) {
        fire(kKnownPhrase, 1);
        break;
      }
    }
    if (model != nullptr && model->document_count() > 0) {
      const int64_t count = model->Count(BoilerplateModel::Fingerprint(block.text));
      if (count >= options.min_corpus_documents &&
          static_cast<double>(count) >= options.min_corpus_fraction * model->document_count()) {
        fire(kRepeatedInCorpus, 3);
      }
    }
    if (block.link_density >= options.link_density) {
      fire(kLinkDense, words[k] > options.max_short_words ? 3 : 2);
    }
    if (headline_like && words[k] >= options.teaser_min_words) fire(kTeaserHeadline, 2);
    if (headline_like) {
      const std::vector<std::string> keys = CapitalisedKeys(block.text, /*all_words=*/false);
      if (keys.size() >= 3) {
        size_t known = 0;
        for (const std::string& key : keys) {
          // Occurs in another paragraph than this one.
          auto it = paragraphs_with.find(key);
          known += it != paragraphs_with.end() && it->second >= 2;
        }
        if (known * 3 < keys.size()) fire(kForeignVocabulary, 1);
      }
    }
    if (!title.empty() && lower == title) fire(kDuplicateTitle, 3);
    d.remove = d.points >= options.threshold;
  }
  return decisions;
}

std::vector<FaqRole> FindFaq(const std::vector<BoilerplateBlock>& blocks) {
  std::vector<FaqRole> roles(blocks.size(), FaqRole::kNone);
  auto is_question = [&](size_t k) {
    const BoilerplateBlock& b = blocks[k];
    return !b.is_title && b.text.size() <= 300 && LastMark(b.text) == "?";
  };
  auto is_answer = [&](size_t k) {
    return !blocks[k].is_title && !blocks[k].is_heading && !is_question(k);
  };
  size_t k = 0;
  while (k < blocks.size()) {
    if (!is_question(k) || k + 1 >= blocks.size() || !is_answer(k + 1)) {
      ++k;
      continue;
    }
    // A run of question/answer pairs starting at k.
    const size_t start = k;
    int pairs = 0;
    size_t end = k;
    while (end < blocks.size() && is_question(end) && end + 1 < blocks.size() && is_answer(end + 1)) {
      ++pairs;
      end += 2;
      while (end < blocks.size() && is_answer(end)) ++end;
    }
    bool announced = false;
    if (start > 0 && blocks[start - 1].is_heading) {
      const std::string heading = Lower(blocks[start - 1].text);
      announced = heading.find("frage") != std::string::npos ||
                  heading.find("faq") != std::string::npos ||
                  heading.find("q&a") != std::string::npos;
    }
    if (pairs >= 2 || announced) {
      for (size_t j = start; j < end; ++j) {
        roles[j] = is_question(j) ? FaqRole::kQuestion : FaqRole::kAnswer;
      }
    }
    k = end;
  }
  return roles;
}

}  // namespace korpus::ingest
