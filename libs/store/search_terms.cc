#include "libs/store/search_terms.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "libs/nlp/unicode_util.h"

namespace korpus::store {
namespace {

// A word of text: a maximal run of letters and digits (as SQLite's
// unicode61 tokenizer and PostgreSQL's parser split words; hyphenated words
// are several), by byte offsets.
struct TextWord {
  size_t begin;
  size_t end;
};

std::vector<TextWord> TextWords(std::string_view text) {
  std::vector<TextWord> words;
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t length = static_cast<int32_t>(text.size());
  int32_t i = 0;
  bool in_word = false;
  size_t begin = 0;
  while (i < length) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    const bool alnum = c >= 0 && (u_isalnum(c) || u_hasBinaryProperty(c, UCHAR_ALPHABETIC));
    if (alnum && !in_word) {
      begin = static_cast<size_t>(start);
      in_word = true;
    } else if (!alnum && in_word) {
      words.push_back({begin, static_cast<size_t>(start)});
      in_word = false;
    }
  }
  if (in_word) words.push_back({begin, text.size()});
  return words;
}

// Lemma terms are single tokens of the index: no spaces inside.
std::string Term(std::string_view lower) {
  std::string term(lower);
  std::replace_if(term.begin(), term.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n'; },
                  '-');
  return term;
}

bool IsContentWord(v1::UniversalPos upos) {
  switch (upos) {
    case v1::UNIVERSAL_POS_NOUN:
    case v1::UNIVERSAL_POS_PROPN:
    case v1::UNIVERSAL_POS_VERB:
    case v1::UNIVERSAL_POS_ADJ:
    case v1::UNIVERSAL_POS_ADV:
    case v1::UNIVERSAL_POS_NUM:
    case v1::UNIVERSAL_POS_X:
    case v1::UNIVERSAL_POS_UNSPECIFIED:
      return true;
    default:
      return false;
  }
}

bool IsNounLike(v1::UniversalPos upos) {
  return upos == v1::UNIVERSAL_POS_NOUN || upos == v1::UNIVERSAL_POS_PROPN ||
         upos == v1::UNIVERSAL_POS_X || upos == v1::UNIVERSAL_POS_UNSPECIFIED;
}

// LowercaseUtf8 with a shortcut for ASCII words (most words of a text).
std::string Lower(std::string_view word) {
  for (char c : word) {
    if (static_cast<unsigned char>(c) >= 0x80) return nlp::LowercaseUtf8(word);
  }
  std::string lower(word);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lower;
}

size_t CodePoints(std::string_view text) {
  size_t count = 0;
  for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

// What a query's words and phrases (outside NOT) ask the snippet to mark.
struct SnippetLeaf {
  // Lower-cased text words of the leaf (several for a phrase or a
  // hyphenated word: those must follow each other).
  std::vector<std::string> words;
  bool prefix = false;
  // For a one-word leaf without prefix: its QueryTerms.
  absl::flat_hash_set<std::string> lemma_terms;
};

void CollectLeaves(const QueryNode& node, std::vector<const QueryNode*>& leaves) {
  if (node.kind == QueryNode::Kind::kNot) return;
  if (node.IsLeaf()) {
    leaves.push_back(&node);
    return;
  }
  for (const QueryNode& child : node.children) CollectLeaves(child, leaves);
}

}  // namespace

SearchMorphology::SearchMorphology(std::shared_ptr<const nlp::SearchLexicon> lexicon)
    : lexicon_(std::move(lexicon)) {
  if (lexicon_ != nullptr) decompounder_.emplace(*lexicon_);
}

std::optional<std::string> SearchMorphology::UnknownCompoundLemma(std::string_view lower) const {
  nlp::SearchLexicon::Analysis analysis;
  size_t code_points = 0;
  for (size_t i = 0; i < lower.size(); ++i) {
    if ((static_cast<unsigned char>(lower[i]) & 0xC0) == 0x80) continue;
    if (code_points++ < 3) continue;
    const std::string_view ending = lower.substr(i);
    if (CodePoints(ending) < 3) break;
    if (lexicon_->Find(ending, analysis) && analysis.common_noun && !analysis.noun.empty()) {
      return absl::StrCat(std::string(lower.substr(0, i)), std::string(analysis.noun));
    }
  }
  return std::nullopt;
}

void SearchMorphology::AppendParts(std::string_view lemma, std::vector<std::string>& terms) const {
  if (!decompounder_.has_value()) return;
  if (CodePoints(lemma) < nlp::Decompounder::kMinWordLength &&
      lemma.find('-') == std::string_view::npos) {
    return;
  }
  {
    absl::MutexLock lock(&cache_mu_);
    auto it = parts_cache_.find(absl::string_view(lemma.data(), lemma.size()));
    if (it != parts_cache_.end()) {
      terms.insert(terms.end(), it->second.begin(), it->second.end());
      return;
    }
  }
  std::vector<std::string> parts = decompounder_->Split(lemma);
  if (parts.size() < 2) parts.clear();
  for (std::string& part : parts) part = Term(part);
  terms.insert(terms.end(), parts.begin(), parts.end());
  absl::MutexLock lock(&cache_mu_);
  if (parts_cache_.size() >= kMaxCachedWords) parts_cache_.clear();
  parts_cache_.try_emplace(std::string(lemma), std::move(parts));
}

void SearchMorphology::AppendTextWordTerms(std::string_view word,
                                           std::vector<std::string>& terms) const {
  const std::string lower = nlp::LowercaseUtf8(word);
  std::vector<std::string> lemmas;
  if (lexicon_ != nullptr) {
    lemmas = lexicon_->Lemmas(lower);
    if (lemmas.empty()) {
      if (std::optional<std::string> lemma = UnknownCompoundLemma(lower)) {
        lemmas.push_back(*std::move(lemma));
      }
    }
  }
  if (lemmas.empty()) lemmas.push_back(lower);
  for (const std::string& lemma : lemmas) terms.push_back(Term(lemma));
  if (nlp::StartsUpper(word)) AppendParts(lemmas.front(), terms);
}

std::vector<std::string> SearchMorphology::IndexTerms(const v1::Document& document) const {
  std::vector<std::string> terms;
  const std::string& text = document.text();
  const std::string& title = document.title();
  if (!title.empty() && text.compare(0, title.size(), title) != 0) {
    for (const TextWord& word : TextWords(title)) {
      AppendTextWordTerms(std::string_view(title).substr(word.begin, word.end - word.begin),
                          terms);
    }
  }
  if (document.has_annotations() && document.annotations().words_size() > 0) {
    // A compound's parts are computed once per document.
    absl::flat_hash_map<std::string, std::vector<std::string>> parts_of;
    for (const v1::Word& word : document.annotations().words()) {
      if (!IsContentWord(word.upos())) continue;
      const std::string& lemma =
          word.lemma().empty() || word.lemma() == "_" ? word.form() : word.lemma();
      if (lemma.empty()) continue;
      const std::string lower = nlp::LowercaseUtf8(lemma);
      terms.push_back(Term(lower));
      if (!IsNounLike(word.upos())) continue;
      auto [it, inserted] = parts_of.try_emplace(lower);
      if (inserted) AppendParts(lower, it->second);
      terms.insert(terms.end(), it->second.begin(), it->second.end());
    }
    return terms;
  }
  for (const TextWord& word : TextWords(text)) {
    AppendTextWordTerms(std::string_view(text).substr(word.begin, word.end - word.begin), terms);
  }
  return terms;
}

std::vector<std::string> SearchMorphology::QueryTerms(std::string_view word) const {
  const std::string lower = nlp::LowercaseUtf8(word);
  std::vector<std::string> terms{Term(lower)};
  const auto add = [&terms](std::string term) {
    term = Term(term);
    if (std::find(terms.begin(), terms.end(), term) == terms.end()) terms.push_back(term);
  };
  if (lexicon_ == nullptr) return terms;
  const std::vector<std::string> lemmas = lexicon_->Lemmas(lower);
  for (const std::string& lemma : lemmas) add(lemma);
  if (lemmas.empty() && lower.find('-') == std::string::npos) {
    if (std::optional<std::string> lemma = UnknownCompoundLemma(lower)) add(*std::move(lemma));
  }
  const size_t hyphen = lower.rfind('-');
  if (hyphen != std::string::npos && hyphen + 1 < lower.size()) {
    const std::string head = lower.substr(hyphen + 1);
    for (const std::string& lemma : lexicon_->Lemmas(head)) {
      add(absl::StrCat(lower.substr(0, hyphen + 1), lemma));
    }
  }
  return terms;
}

std::string SearchMorphology::Snippet(std::string_view text, const ParsedQuery& query) const {
  std::vector<const QueryNode*> nodes;
  CollectLeaves(query.root, nodes);
  std::vector<SnippetLeaf> leaves;
  for (const QueryNode* node : nodes) {
    SnippetLeaf leaf;
    for (const TextWord& word : TextWords(node->text)) {
      leaf.words.push_back(Lower(std::string_view(node->text).substr(word.begin, word.end - word.begin)));
    }
    if (leaf.words.empty()) continue;
    leaf.prefix = node->prefix;
    if (node->kind == QueryNode::Kind::kWord && !node->prefix) {
      for (std::string& term : QueryTerms(node->text)) leaf.lemma_terms.insert(std::move(term));
      // The compound parts of a text word are lemmas: match a one-word
      // query through its lemmas only.
    }
    leaves.push_back(std::move(leaf));
  }

  const std::vector<TextWord> words = TextWords(text);
  std::vector<std::string> lower(words.size());
  for (size_t i = 0; i < words.size(); ++i) {
    lower[i] = Lower(text.substr(words[i].begin, words[i].end - words[i].begin));
  }
  // Whether the text word `i` matches the one-word leaf through a lemma or
  // a compound part. Compounds are split only when the word contains the
  // first three bytes of one of the leaf's terms (cheap, and true for the
  // parts that matter: "beschränkung" in "exportbeschränkungen").
  // The lexicon is asked only about words that begin like one of the
  // terms (or with a non-ASCII letter: "äpfel" of "apfel"), which inflection
  // almost never changes.
  const auto lemma_match = [&](const SnippetLeaf& leaf, size_t i) {
    if (leaf.lemma_terms.empty() || lexicon_ == nullptr || lower[i].empty()) return false;
    bool same_start = static_cast<unsigned char>(lower[i][0]) >= 0x80;
    for (const std::string& term : leaf.lemma_terms) {
      same_start |= !term.empty() && term[0] == lower[i][0];
    }
    std::vector<std::string> lemmas;
    if (same_start) {
      lemmas = lexicon_->Lemmas(lower[i]);
      for (const std::string& lemma : lemmas) {
        if (leaf.lemma_terms.contains(lemma)) return true;
      }
    }
    bool worth_splitting = false;
    for (const std::string& term : leaf.lemma_terms) {
      if (term.size() >= 3 && lower[i].size() > term.size() - 1 &&
          lower[i].find(std::string_view(term).substr(0, 3)) != std::string::npos) {
        worth_splitting = true;
        break;
      }
    }
    if (!worth_splitting) return false;
    std::vector<std::string> parts;
    AppendParts(lemmas.empty() ? lower[i] : lemmas.front(), parts);
    if (parts.empty()) AppendParts(lower[i], parts);
    for (const std::string& part : parts) {
      if (leaf.lemma_terms.contains(part)) return true;
    }
    return false;
  };

  // Matches: spans of text words [first, last] and the leaf they match.
  struct Match {
    size_t first;
    size_t last;
    size_t leaf;
  };
  std::vector<Match> matches;
  for (size_t i = 0; i < words.size(); ++i) {
    for (size_t l = 0; l < leaves.size(); ++l) {
      const SnippetLeaf& leaf = leaves[l];
      const size_t n = leaf.words.size();
      if (i + n > words.size()) continue;
      bool match = true;
      for (size_t k = 0; k < n && match; ++k) {
        const bool last = k + 1 == n;
        if (last && leaf.prefix) {
          match = lower[i + k].compare(0, leaf.words[k].size(), leaf.words[k]) == 0;
        } else {
          match = lower[i + k] == leaf.words[k];
        }
      }
      if (!match && n == 1) match = lemma_match(leaf, i);
      if (match) {
        matches.push_back({i, i + n - 1, l});
        break;
      }
    }
  }

  // The window: kSnippetWords words starting a little before a match,
  // chosen to show the most different leaves, then the most matches.
  size_t start = 0;
  if (!matches.empty()) {
    size_t best_leaves = 0, best_count = 0;
    for (const Match& anchor : matches) {
      const size_t from = anchor.first >= 3 ? anchor.first - 3 : 0;
      const size_t to = from + kSnippetWords;
      absl::flat_hash_set<size_t> seen;
      size_t count = 0;
      for (const Match& match : matches) {
        if (match.first >= from && match.last < to) {
          seen.insert(match.leaf);
          ++count;
        }
      }
      if (seen.size() > best_leaves || (seen.size() == best_leaves && count > best_count)) {
        best_leaves = seen.size();
        best_count = count;
        start = from;
      }
    }
  }
  const size_t end = std::min(words.size(), start + kSnippetWords);
  if (start >= end) {
    // No words at all: the text's beginning, cut at a code point boundary.
    size_t cut = std::min<size_t>(text.size(), 200);
    while (cut > 0 && cut < text.size() && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
      --cut;
    }
    return std::string(text.substr(0, cut));
  }
  std::string snippet;
  if (start > 0) snippet += "…";
  size_t at = words[start].begin;
  for (const Match& match : matches) {
    if (match.first < start || match.last >= end) continue;
    if (words[match.first].begin < at) continue;  // overlaps the previous match
    absl::StrAppend(&snippet, std::string(text.substr(at, words[match.first].begin - at)), "[",
                    std::string(text.substr(words[match.first].begin,
                                            words[match.last].end - words[match.first].begin)),
                    "]");
    at = words[match.last].end;
  }
  snippet += std::string(text.substr(at, words[end - 1].end - at));
  if (end < words.size()) snippet += "…";
  return snippet;
}

}  // namespace korpus::store
