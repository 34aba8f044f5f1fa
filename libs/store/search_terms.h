// German morphology for full-text search (docs/QUERY.md, "German
// morphology"): the lemma terms a document is indexed under, the lemma terms
// a query word matches, and snippets that bracket the words that matched
// through either. Both backends use it, so that they match and highlight the
// same words.
//
//   Document "... neue Exportbeschränkungen für KI-Chips ..." is indexed under
//   (besides its surface words) the lemma terms "neu", "exportbeschränkung",
//   "export", "beschränkung", "ki-chip", "ki", "chip".
//   Query word "Beschränkungen" matches the lemma terms "beschränkungen" and
//   "beschränkung", so it finds the document.
//
// Thread-safety: every method may run concurrently (the only mutable state
// is an internal cache behind a mutex).
#ifndef KORPUS_LIBS_STORE_SEARCH_TERMS_H_
#define KORPUS_LIBS_STORE_SEARCH_TERMS_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "korpus/v1/document.pb.h"
#include "libs/nlp/decompound.h"
#include "libs/store/query.h"

namespace korpus::store {

class SearchMorphology {
 public:
  // Without a lexicon (null) the lemma terms are the annotator's lemmas, or
  // the lower-cased words, and nothing is decompounded; a query word then
  // matches only its own lower-cased form in the lemma index.
  explicit SearchMorphology(std::shared_ptr<const nlp::SearchLexicon> lexicon);

  // The lemma terms of `document`, lower case, in text order, with
  // repetitions: for each content word of Annotations.words (nouns, proper
  // nouns, verbs, adjectives, adverbs, numbers, other) its lemma (the
  // lower-cased form when the lemma is missing), then, for nouns and proper
  // nouns, the parts of the lemma when it is a compound (Decompounder). A
  // document without words is analysed from its text: every word's lexicon
  // lemmas (UnknownCompoundLemma, or itself, when unknown) and, for
  // capitalized words, compound parts. The title is analysed the same way
  // when the text does not begin with it.
  std::vector<std::string> IndexTerms(const v1::Document& document) const;

  // The lemma terms a query word matches: itself lower-cased and its lexicon
  // lemmas; for a word the lexicon does not know, the word with its longest
  // known noun ending lemmatized ("Exportbeschränkungen" ->
  // "exportbeschränkung"); for a hyphenated word, the word with its last
  // part lemmatized ("KI-Chips" -> "ki-chip"). Without duplicates.
  std::vector<std::string> QueryTerms(std::string_view word) const;

  // A snippet of `text` for a hit of `query`: about kSnippetWords words
  // around the words that match the query's words and phrases (outside NOT),
  // each in [brackets] (a phrase as one), "…" where text was cut. A word
  // matches a query word if they are equal ignoring case, if a lexicon lemma
  // or compound part of the word is one of the query word's QueryTerms, or,
  // for a prefix, if the word starts with it. Without any match in the text
  // (the document matched by its title): the text's first words.
  std::string Snippet(std::string_view text, const ParsedQuery& query) const;

  static constexpr int kSnippetWords = 16;

 private:
  // Appends the lemma terms of a word seen in text without an annotation.
  void AppendTextWordTerms(std::string_view word, std::vector<std::string>& terms) const;
  // For a word the lexicon does not know (lower case, no hyphen): the word
  // with its longest known noun ending (at least three code points, after at
  // least three) lemmatized ("exportbeschränkungen" ->
  // "exportbeschränkung"); nullopt if it has none. Needs the lexicon.
  std::optional<std::string> UnknownCompoundLemma(std::string_view lower) const;
  // Appends the compound parts of `lemma` if it splits into more than one.
  void AppendParts(std::string_view lemma, std::vector<std::string>& terms) const;

  std::shared_ptr<const nlp::SearchLexicon> lexicon_;
  std::optional<nlp::Decompounder> decompounder_;
  // AppendParts' results by word: the vocabulary repeats from document to
  // document, splitting is not cheap (a few microseconds a word). Emptied
  // when it reaches kMaxCachedWords (a few MB).
  static constexpr size_t kMaxCachedWords = 50000;
  mutable absl::Mutex cache_mu_;
  mutable absl::flat_hash_map<std::string, std::vector<std::string>> parts_cache_
      ABSL_GUARDED_BY(cache_mu_);
};

}  // namespace korpus::store

#endif  // KORPUS_LIBS_STORE_SEARCH_TERMS_H_
