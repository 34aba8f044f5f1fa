// Turns the NLP pipeline's analysis (UTF-8 byte offsets) into the
// v1::Annotations message (Unicode code point offsets, see document.proto).
#ifndef KORPUS_SERVICES_ANNOTATOR_ANNOTATION_BUILDER_H_
#define KORPUS_SERVICES_ANNOTATOR_ANNOTATION_BUILDER_H_

#include <optional>
#include <string_view>

#include "absl/time/civil_time.h"
#include "korpus/v1/document.pb.h"
#include "libs/nlp/extract/extract.h"
#include "libs/nlp/pipeline.h"

namespace korpus {

// `text` is the text `analysis` was computed from. Fills tokens, sentences
// words (lemma, UPOS, STTS, morphology) and entities; leaves model identity and
// timestamps to the caller.
void AppendAnalysis(const nlp::AnalyzedText& analysis, std::string_view text,
                    v1::Annotations& annotations);

// Maps the extractors' results (nlp::Extractor::Extract over the same
// `analysis` and `text`) into `annotations`, which AppendAnalysis must have
// filled from them first: quotes, amounts, dates, terms and the document's
// sentiment, Sentence.sentiment (one per sentence) and
// DocumentEntity.sentiment (the mean score of the sentences mentioning the
// entity that carry polar words, like the document score; polar words and
// magnitude summed over those sentences; neutral within `neutral_band`).
// Every offset is converted from UTF-8 bytes to code points as for tokens.
// Keywords are left to storage (they are weighted against the stored
// corpus), so `extractions.keywords` is not copied.
void AppendExtractions(const nlp::Extractions& extractions, const nlp::AnalyzedText& analysis,
                       std::string_view text, double neutral_band,
                       v1::Annotations& annotations);

// The day relative dates of `document` are resolved against: the calendar
// day of Document.published_at in UTC, or nullopt (relative dates stay
// unresolved) when the document has no publication date. The ingest time
// is deliberately not used: a re-ingested archive article would resolve
// "gestern" to the wrong day.
std::optional<absl::CivilDay> ArticleDate(const v1::Document& document);

}  // namespace korpus

#endif  // KORPUS_SERVICES_ANNOTATOR_ANNOTATION_BUILDER_H_
