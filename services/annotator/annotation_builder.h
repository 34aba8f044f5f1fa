// Turns the NLP pipeline's analysis (UTF-8 byte offsets) into the
// v1::Annotations message (Unicode code point offsets, see document.proto).
#ifndef KORPUS_SERVICES_ANNOTATOR_ANNOTATION_BUILDER_H_
#define KORPUS_SERVICES_ANNOTATOR_ANNOTATION_BUILDER_H_

#include <string_view>

#include "korpus/v1/document.pb.h"
#include "libs/nlp/pipeline.h"

namespace korpus {

// `text` is the text `analysis` was computed from. Fills tokens, sentences
// words (lemma, UPOS, STTS, morphology) and entities; leaves model identity and
// timestamps to the caller.
void AppendAnalysis(const nlp::AnalyzedText& analysis, std::string_view text,
                    v1::Annotations& annotations);

}  // namespace korpus

#endif  // KORPUS_SERVICES_ANNOTATOR_ANNOTATION_BUILDER_H_
