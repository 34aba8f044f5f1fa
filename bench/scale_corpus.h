// Annotated documents by the hundred thousand, for the storage scale
// benchmark (korpus-bench-scale). Annotating 100,000 articles would take the
// annotator most of an hour on two cores, so the sentences of the pool
// (CorpusGenerator::sentences()) are annotated once, each on its own, by the
// real annotator; a document is then assembled from annotated sentences
// chosen by (seed, index): its text, paragraphs and every annotation layer
// (tokens, sentences, words, entities, quotes, amounts, dates, terms,
// sentiment) with offsets moved to where the sentence lands. Entities of
// the same entity_id merge across sentences; terms add up.
//
// What differs from annotating the assembled text: mentions are not linked
// across sentences (a short "Huang" in one sentence does not join "Jensen
// Huang" in another), sentiment and salience are combined approximately.
// For storage, which only stores and indexes what it is given, the
// documents have the sizes, vocabulary and annotation density of real ones.
#ifndef KORPUS_BENCH_SCALE_CORPUS_H_
#define KORPUS_BENCH_SCALE_CORPUS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "korpus/v1/document.pb.h"

namespace korpus::bench {

struct AnnotatedSentence {
  std::string text;
  int32_t code_points = 0;
  v1::Annotations annotations;  // offsets relative to `text`
};

struct ScaleCorpusOptions {
  // Tokens per document (at least).
  int target_tokens = 600;
  uint64_t seed = 1;
  // Document i is published at first_published + i * published_every.
  absl::Time first_published = absl::FromUnixSeconds(1704067200);  // 2024-01-01
  absl::Duration published_every = absl::Minutes(10);
};

class ScaleCorpus {
 public:
  // `sentences` must not be empty; sentences with no tokens are dropped.
  static absl::StatusOr<ScaleCorpus> Create(std::vector<AnnotatedSentence> sentences,
                                            const ScaleCorpusOptions& options);

  // Document `index`: state ANNOTATED, a unique id ("d" + 24 hex digits of
  // the index), title, paragraphs, counts and annotations.
  v1::Document Generate(int64_t index) const;

  const std::vector<AnnotatedSentence>& sentences() const { return sentences_; }

 private:
  ScaleCorpus(std::vector<AnnotatedSentence> sentences, ScaleCorpusOptions options)
      : sentences_(std::move(sentences)), options_(options) {}

  std::vector<AnnotatedSentence> sentences_;
  std::vector<int> title_candidates_;  // short sentences
  ScaleCorpusOptions options_;
};

}  // namespace korpus::bench

#endif  // KORPUS_BENCH_SCALE_CORPUS_H_
