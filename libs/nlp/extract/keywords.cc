#include "libs/nlp/extract/keywords.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "libs/nlp/extract/extract_util.h"
#include "libs/nlp/string_compat.h"
#include "libs/nlp/unicode_util.h"

namespace korpus::nlp {
namespace {

using extract_internal::HasLetter;

bool IsNounLike(const Word& word, std::string_view form) {
  if (word.upos == "NOUN" || word.upos == "PROPN") return true;
  return word.upos == "_" && StartsUpper(form);
}

}  // namespace

std::string_view TermKindName(TermKind kind) {
  switch (kind) {
    case TermKind::kLemma: return "lemma";
    case TermKind::kPhrase: return "phrase";
    case TermKind::kEntity: return "entity";
  }
  return "unknown";
}

double InverseDocumentFrequency(int64_t document_count, int64_t frequency) {
  document_count = std::max<int64_t>(document_count, 0);
  frequency = std::clamp<int64_t>(frequency, 0, document_count);
  return std::log(static_cast<double>(document_count + 1) / static_cast<double>(frequency + 1)) + 1;
}

std::vector<TermCount> CountTerms(std::string_view text, const AnalyzedText& analysis) {
  std::vector<TermCount> terms;
  absl::flat_hash_map<std::string, size_t> index;
  const uint32_t title_end =
      analysis.sentences.empty() ? 0 : analysis.sentences[0].first_token + analysis.sentences[0].token_count;
  auto add = [&](std::string key, TermKind kind, std::string_view display, uint32_t begin,
                 uint32_t end, bool in_title) -> TermCount& {
    auto [it, inserted] = index.try_emplace(key, terms.size());
    if (inserted) {
      TermCount term;
      term.key = std::move(key);
      term.text = std::string(display);
      term.kind = kind;
      term.begin = begin;
      term.end = end;
      terms.push_back(std::move(term));
    }
    TermCount& term = terms[it->second];
    ++term.count;
    term.in_title = term.in_title || in_title;
    return term;
  };

  for (size_t e = 0; e < analysis.entities.size(); ++e) {
    const Entity& entity = analysis.entities[e];
    for (const MentionRef& m : entity.mentions) {
      TermCount& term = add(absl::StrCat("e:", entity.entity_id), TermKind::kEntity,
                            entity.canonical_name, m.begin, m.end, m.first_token < title_end);
      term.entity = static_cast<int32_t>(e);
      term.entity_id = entity.entity_id;
      term.salience = entity.salience;
    }
  }

  const std::vector<int32_t> token_entity = extract_internal::TokenEntities(analysis);
  const bool has_words = analysis.token_words.size() == analysis.tokens.size() + 1;
  if (!has_words) return terms;
  // The previous word, if it is an adjective outside any entity.
  const Word* adjective = nullptr;
  uint32_t adjective_token = 0;
  for (uint32_t t = 0; t < analysis.tokens.size(); ++t) {
    const Token& token = analysis.tokens[t];
    const uint32_t first = analysis.token_words[t], last = analysis.token_words[t + 1];
    if (token_entity[t] >= 0 || token.kind != TokenKind::kWord || last != first + 1) {
      adjective = nullptr;
      continue;
    }
    const Word& word = analysis.words[first];
    const std::string_view form = token.Text(text);
    if (word.upos == "ADJ") {
      adjective = &word;
      adjective_token = t;
      continue;
    }
    if (!IsNounLike(word, form)) {
      adjective = nullptr;
      continue;
    }
    const std::string_view lemma = (word.lemma.empty() || word.lemma == "_") ? form : word.lemma;
    if (lemma.size() < 2 || !HasLetter(lemma)) {
      adjective = nullptr;
      continue;
    }
    const bool in_title = t < title_end;
    add(LowercaseUtf8(lemma), TermKind::kLemma, lemma, token.begin, token.end, in_title);
    if (adjective != nullptr && adjective_token + 1 == t && adjective->lemma != "_") {
      const Token& adj_token = analysis.tokens[adjective_token];
      add(absl::StrCat(LowercaseUtf8(adjective->lemma), " ", LowercaseUtf8(lemma)),
          TermKind::kPhrase, text.substr(adj_token.begin, token.end - adj_token.begin),
          adj_token.begin, token.end, in_title);
    }
    adjective = nullptr;
  }
  std::stable_sort(terms.begin(), terms.end(),
                   [](const TermCount& a, const TermCount& b) { return a.begin < b.begin; });
  return terms;
}

std::vector<Keyword> ExtractKeywords(const std::vector<TermCount>& terms,
                                     const DocumentFrequencies& frequencies,
                                     const KeywordOptions& options) {
  const int64_t n = frequencies.DocumentCount();
  std::vector<Keyword> keywords;
  keywords.reserve(terms.size());
  for (const TermCount& term : terms) {
    if (term.kind == TermKind::kPhrase && term.count < options.min_phrase_count) continue;
    const int32_t tf = term.count + (term.in_title ? 1 : 0);
    double score = (1 + std::log(static_cast<double>(tf))) *
                   InverseDocumentFrequency(n, frequencies.Frequency(term.key));
    if (term.kind == TermKind::kEntity) score *= 1 + term.salience;
    Keyword k;
    k.key = term.key;
    k.text = term.text;
    k.kind = term.kind;
    k.score = score;
    k.count = term.count;
    k.begin = term.begin;
    k.end = term.end;
    k.entity_id = term.entity_id;
    keywords.push_back(std::move(k));
  }
  std::stable_sort(keywords.begin(), keywords.end(),
                   [](const Keyword& a, const Keyword& b) { return a.score > b.score; });
  if (keywords.size() > options.max_keywords) keywords.resize(options.max_keywords);
  return keywords;
}

void InMemoryDocumentFrequencies::Add(const std::vector<TermCount>& terms) {
  ++documents_;
  for (const TermCount& term : terms) {
    if (term.count > 0) ++frequency_[term.key];  // keys are distinct within a document
  }
}

int64_t InMemoryDocumentFrequencies::Frequency(std::string_view key) const {
  auto it = frequency_.find(ToAbsl(key));
  return it == frequency_.end() ? 0 : it->second;
}

}  // namespace korpus::nlp
