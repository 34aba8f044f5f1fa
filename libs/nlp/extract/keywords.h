// Key phrases of an article, weighted against the stored corpus (TF-IDF).
//
//   std::vector<TermCount> terms = CountTerms(text, analysis);
//   std::vector<Keyword> keywords = ExtractKeywords(terms, corpus_frequencies);
//
// Terms (the same keys that storage counts document frequencies of):
// - kLemma: the lemma of a noun or proper noun outside any entity mention;
//   German compounds are single words ("Exportbeschränkung", "KI-Chip"),
//   so compound nouns are terms of their own. Key: the lower-cased lemma.
// - kPhrase: an adjective followed by a noun ("künstliche Intelligenz").
//   Key: the lower-cased lemmas joined by a space ("künstlich intelligenz").
//   A phrase becomes a keyword only when it occurs at least
//   KeywordOptions::min_phrase_count times.
// - kEntity: a named entity (all its mentions, whatever their form). Key:
//   "e:" + entity_id.
// Score = (1 + ln tf) * idf * boost, with idf = ln((N + 1) / (df + 1)) + 1
// (N documents in the corpus, df of them with the term; with an empty
// corpus every idf is 1), tf counting a mention in the first sentence (the
// headline) twice, and boost = 1 + salience for entities, 1 otherwise.
//
// Linear in the number of words. Thread-safety: pure functions;
// InMemoryDocumentFrequencies is not thread-safe for Add().
#ifndef KORPUS_LIBS_NLP_EXTRACT_KEYWORDS_H_
#define KORPUS_LIBS_NLP_EXTRACT_KEYWORDS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "libs/nlp/pipeline.h"

namespace korpus::nlp {

// Document frequencies over the stored corpus. Storage implements it; the
// extractor only reads. Implementations must be safe to call from the
// thread that runs ExtractKeywords.
class DocumentFrequencies {
 public:
  virtual ~DocumentFrequencies() = default;
  // Documents in the corpus (0 when empty).
  virtual int64_t DocumentCount() const = 0;
  // Documents containing the term `key` (a TermCount::key) at least once.
  virtual int64_t Frequency(std::string_view key) const = 0;
};

enum class TermKind : uint8_t { kLemma = 1, kPhrase = 2, kEntity = 3 };
std::string_view TermKindName(TermKind kind);  // "lemma", "phrase", "entity"

// A term of one document and how often it occurs.
struct TermCount {
  std::string key;   // see the file comment
  std::string text;  // for display: the lemma, the phrase as first written, the entity's name
  TermKind kind = TermKind::kLemma;
  int32_t count = 0;     // occurrences
  bool in_title = false;  // occurs in the first sentence
  uint32_t begin = 0;    // first occurrence (UTF-8 byte offsets)
  uint32_t end = 0;
  int32_t entity = -1;    // index into AnalyzedText::entities for kEntity
  std::string entity_id;  // for kEntity
  double salience = 0;    // for kEntity
};

// The document's terms, in order of first occurrence. Needs lemmas and UPOS
// (a pipeline with models); without them every capitalised word counts as
// a noun and its form as its lemma.
std::vector<TermCount> CountTerms(std::string_view text, const AnalyzedText& analysis);

struct KeywordOptions {
  size_t max_keywords = 10;     // default 10
  int32_t min_phrase_count = 2;  // default 2 (see kPhrase)
};

struct Keyword {
  std::string key;
  std::string text;
  TermKind kind = TermKind::kLemma;
  double score = 0;
  int32_t count = 0;
  uint32_t begin = 0;  // first occurrence
  uint32_t end = 0;
  std::string entity_id;  // for kEntity
};

// The highest-scoring terms, best first (ties: first occurrence first).
std::vector<Keyword> ExtractKeywords(const std::vector<TermCount>& terms,
                                     const DocumentFrequencies& frequencies,
                                     const KeywordOptions& options = {});

// The smoothed idf used above.
double InverseDocumentFrequency(int64_t document_count, int64_t frequency);

// A DocumentFrequencies in memory, for tests, tools and small corpora.
class InMemoryDocumentFrequencies : public DocumentFrequencies {
 public:
  // Counts one document (each distinct key once).
  void Add(const std::vector<TermCount>& terms);
  int64_t DocumentCount() const override { return documents_; }
  int64_t Frequency(std::string_view key) const override;

 private:
  int64_t documents_ = 0;
  absl::flat_hash_map<std::string, int64_t> frequency_;
};

}  // namespace korpus::nlp

#endif  // KORPUS_LIBS_NLP_EXTRACT_KEYWORDS_H_
