// Renders an AnalyzedText as CoNLL-U sentences, JSON or a readable table.
#ifndef KORPUS_LIBS_NLP_ANALYSIS_FORMAT_H_
#define KORPUS_LIBS_NLP_ANALYSIS_FORMAT_H_

#include <string>
#include <string_view>
#include <vector>

#include "libs/nlp/conllu.h"
#include "libs/nlp/pipeline.h"

namespace korpus::nlp {

// One ConlluSentence per sentence of `analysis`, which must come from
// analysing `text`. `# text` is the sentence's text with line breaks and tabs
// replaced by spaces; every token carries TokenRange=begin:end (byte offsets
// into `text`, half-open) in MISC, plus SpaceAfter=No when the next token of
// the sentence follows without whitespace, and NER=<BIO tag> ("NER=B-PER")
// on tokens inside a named-entity mention. HEAD/DEPREL are "_" (no parser).
// Sentence ids are "<id_prefix><n>", n counting from 1.
std::vector<ConlluSentence> ToConllu(std::string_view text, const AnalyzedText& analysis,
                                     std::string_view id_prefix = "s");

// {"model": ..., "sentences": [{"begin":..,"end":..,"text":..,"tokens":[{"begin":..,
// "end":..,"text":..,"kind":..,"words":[{"form":..,"lemma":..,"upos":..,"xpos":..,
// "feats":..}]}]}], "entities":[{"id":..,"name":..,"type":"PER","salience":..,
// "aliases":[..],"mentions":[{"begin":..,"end":..,"text":..,"subtype":""}]}]},
// one line, no trailing newline; "entities" only when there are any.
std::string ToJson(std::string_view text, const AnalyzedText& analysis,
                   std::string_view model_name, std::string_view model_version);

// Appends `value` as a JSON string literal (UTF-8 passes through; quotes,
// backslashes and control characters are escaped).
void AppendJsonString(std::string_view value, std::string& out);

// A table for people: one line per word (offsets, form, lemma, UPOS, XPOS,
// features, NER tag of the token), a blank line between sentences; then the
// entities, most salient first.
std::string ToTable(std::string_view text, const AnalyzedText& analysis);

}  // namespace korpus::nlp

#endif  // KORPUS_LIBS_NLP_ANALYSIS_FORMAT_H_
