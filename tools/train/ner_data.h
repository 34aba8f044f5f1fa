// Shared by korpus-train-ner and korpus-eval-ner: reading GermEval 2014
// files into NER training sentences with UPOS from the core pipeline.
#ifndef KORPUS_TOOLS_TRAIN_NER_DATA_H_
#define KORPUS_TOOLS_TRAIN_NER_DATA_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/nlp/ner.h"
#include "libs/nlp/ner_eval.h"
#include "libs/nlp/tagger.h"

namespace korpus::train {

struct GermEvalData {
  std::vector<nlp::NerFileSentence> raw;  // as read
  std::vector<nlp::NerSentence> sentences;  // words, UPOS, outer tags
};

// Reads a GermEval 2014 .tsv (index, token, outer, inner). Outer tags are
// made valid BIO for training (an I- that cannot continue becomes B-); the
// raw rows keep the gold as written, for scoring. UPOS comes from `tagger`
// with `lexicon` (null tagger: no UPOS). INVALID_ARGUMENT for an unknown tag.
absl::StatusOr<GermEvalData> ReadGermEval(const std::string& path, const nlp::Tagger* tagger,
                                          const nlp::Lexicon* lexicon);

}  // namespace korpus::train

#endif  // KORPUS_TOOLS_TRAIN_NER_DATA_H_
