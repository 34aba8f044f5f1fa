// The CoNLL 2018 shared-task evaluation (tokens, sentences, words, UPOS,
// XPOS, UFeats, AllTags, lemmas), re-implemented from the published
// definition of conll18_ud_eval.py:
//  - Gold and system must spell the same characters once whitespace (Unicode
//    Zs) is removed from every FORM; otherwise INVALID_ARGUMENT.
//  - Tokens and sentences are character spans; a span is correct when both
//    its start and its end match a gold span. Scores are P/R/F1.
//  - Words are aligned by span, except inside "multiword spans" (the smallest
//    stretch of text covering every overlapping multiword token, gold or
//    system), where the words are aligned by the longest common subsequence
//    of their lower-cased forms.
//  - UPOS/XPOS/UFeats/AllTags/Lemmas count aligned words whose column agrees;
//    F1 uses all gold and system words, AlignedAccuracy only aligned words.
//    A gold lemma "_" counts as agreeing. UFeats keeps universal features only.
// Offsets are counted in bytes instead of code points; since both sides spell
// the same characters, every comparison gives the same answer.
#ifndef KORPUS_LIBS_NLP_UD_EVAL_H_
#define KORPUS_LIBS_NLP_UD_EVAL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/nlp/conllu.h"

namespace korpus::nlp {

struct UdScore {
  int64_t gold_total = 0;
  int64_t system_total = 0;
  int64_t correct = 0;
  int64_t aligned_total = 0;  // only for word-based metrics

  double Precision() const { return system_total ? double(correct) / system_total : 0.0; }
  double Recall() const { return gold_total ? double(correct) / gold_total : 0.0; }
  double F1() const {
    return gold_total + system_total ? 2.0 * correct / double(gold_total + system_total) : 0.0;
  }
  double AlignedAccuracy() const { return aligned_total ? double(correct) / aligned_total : 0.0; }
};

struct UdEvaluation {
  UdScore tokens, sentences, words, upos, xpos, ufeats, all_tags, lemmas;
};

absl::StatusOr<UdEvaluation> EvaluateUd(const std::vector<ConlluSentence>& gold,
                                        const std::vector<ConlluSentence>& system);

// A fixed-width table (metric, precision, recall, F1, aligned accuracy) in
// percent, like the reference script's --verbose output.
std::string FormatUdTable(const UdEvaluation& evaluation);

// The same figures as a JSON object: {"tokens": {"precision": ..., ...}, ...}.
std::string FormatUdJson(const UdEvaluation& evaluation);

}  // namespace korpus::nlp

#endif  // KORPUS_LIBS_NLP_UD_EVAL_H_
