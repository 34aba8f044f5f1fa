// GermEval 2014 / CoNLL token files and the GermEval NER metric.
//
// Metric (the shared task's nereval.perl, a modified conlleval): strict
// chunk-level precision, recall and F1. A chunk starts at a B- tag, or at an
// I- tag after O (or at the sentence start); unlike conlleval, an I-X after
// I-Y does not start a new chunk. A predicted chunk is correct when its
// start and end match a gold chunk and every token's label matches too; in
// strict mode labels include the -deriv/-part subtype, in loose mode they
// are compared without it.
#ifndef KORPUS_LIBS_NLP_NER_EVAL_H_
#define KORPUS_LIBS_NLP_NER_EVAL_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace korpus::nlp {

// One sentence of a GermEval-style file: the `#` comment line (without the
// "#" and tab) and, per token, every column (index, token, outer tag, inner
// tag for GermEval; any number for other CoNLL files).
struct NerFileSentence {
  std::string comment;
  std::vector<std::vector<std::string>> rows;
};

// Parses tab-separated token lines; sentences end at blank lines; lines
// starting with "#" before a sentence become its comment. INVALID_ARGUMENT
// (naming the line) for a row with fewer than `min_columns` columns.
absl::StatusOr<std::vector<NerFileSentence>> ParseNerFile(std::string_view content,
                                                          size_t min_columns = 2);

// A chunk [first, last] of a tag sequence, and its per-token labels
// (the tag without "B-"/"I-").
struct NerChunk {
  uint32_t first = 0;
  uint32_t last = 0;
  std::vector<std::string> labels;
};
// Chunks of a BIO tag sequence under GermEval's rule (see above). Tags are
// "O" or "B-"/"I-" followed by a label; anything else counts as "O".
std::vector<NerChunk> NerChunks(const std::vector<std::string>& tags);

struct NerCounts {
  uint64_t correct = 0;    // predicted chunks that match a gold chunk
  uint64_t predicted = 0;  // predicted chunks
  uint64_t gold = 0;       // gold chunks
  double Precision() const { return predicted == 0 ? 0 : 100.0 * correct / predicted; }
  double Recall() const { return gold == 0 ? 0 : 100.0 * correct / gold; }
  double F1() const {
    const double p = Precision(), r = Recall();
    return p + r == 0 ? 0 : 2 * p * r / (p + r);
  }
};

// Accumulates the metric over sentences.
class NerEvaluator {
 public:
  // `gold` and `predicted` are one sentence's tags, of equal length.
  void Add(const std::vector<std::string>& gold, const std::vector<std::string>& predicted);

  const NerCounts& strict() const { return strict_; }
  const NerCounts& loose() const { return loose_; }
  // Strict counts per label ("PER", "LOCderiv", ...); a chunk counts for the
  // label of its first token.
  const std::map<std::string, NerCounts>& per_label() const { return per_label_; }
  // Loose counts per main class ("PER": PER, PERderiv and PERpart chunks).
  const std::map<std::string, NerCounts>& per_class_loose() const { return per_class_loose_; }
  uint64_t tokens() const { return tokens_; }

 private:
  NerCounts strict_, loose_;
  std::map<std::string, NerCounts> per_label_, per_class_loose_;
  uint64_t tokens_ = 0;
};

// The main class of a label: "LOCderiv" -> "LOC".
std::string NerMainClass(std::string_view label);

}  // namespace korpus::nlp

#endif  // KORPUS_LIBS_NLP_NER_EVAL_H_
