// Quotations and their speakers.
//
//   AnalyzedText analysis = pipeline->Analyze(text);
//   std::vector<Quote> quotes = ExtractQuotes(text, analysis);
//
// What is found:
// - Quotation marks „…“ „…” "…" “…” »…« «…» ‚…‘ ›…‹, nested to any depth (an
//   inner quote names its enclosing one in `parent`). Marks are paired per
//   paragraph ("\n\n" resets); an unclosed mark is ignored.
// - Kinds: kDirect (a sentence or more: ends in . ! ? or a comma before the
//   closing mark, opens a sentence, or follows a colon), kPartial (words
//   quoted inside a sentence: "eine „sehr starke“ Reaktion"), kTerm (one
//   word, or a short noun phrase without verb or article: "die
//   „KI-Politik“") and kBlock (a paragraph followed by an attribution
//   paragraph "– Name, Rolle"; the block is the paragraph, marks or not).
//   A term gets no speaker, unless a cue makes it a direct quote
//   („Nein“, sagte sie.).
// - Speakers, where a cue can be found in the sentences around the quote:
//   a verb of saying (sagen, erklären, bemerken, betonen, warnen, ...,
//   matched by lemma, or by form when no lemmatizer ran) before a colon or
//   after the closing mark; "so X" after it; "laut X" and "X zufolge"
//   anywhere in the sentence; the attribution line of a block quote. The
//   speaker is the named entity next to the cue (kName); a pronoun (er,
//   sie) resolved to the nearest fitting person before it, preferring the
//   first person of a sentence (its subject) (kPronoun); a title with a
//   surname ("Frau Chen") or a bare title ("der Minister") resolved to the
//   person seen with that name or title (kTitle); a spokesperson ("ein
//   Sprecher von Nvidia", "die Nvidia-Sprecherin") resolved to the
//   organisation (kSpokesperson). A name the NER missed still gives a
//   speaker span, without an entity.
//
// Offsets are UTF-8 byte offsets into `text` (half-open), like AnalyzedText.
// Runs in time linear in the text (speaker searches look at a bounded
// window of tokens). Thread-safety: a pure function.
#ifndef KORPUS_LIBS_NLP_EXTRACT_QUOTES_H_
#define KORPUS_LIBS_NLP_EXTRACT_QUOTES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "libs/nlp/pipeline.h"

namespace korpus::nlp {

enum class QuoteKind : uint8_t {
  kDirect = 1,   // a quoted sentence (or several)
  kPartial = 2,  // quoted words inside a sentence
  kBlock = 3,    // a paragraph attributed by a following "– Name" line
  kTerm = 4,     // a single quoted word or name: a term, no speaker
};

// How the speaker was found (proto: QuoteSpeakerResolution).
enum class SpeakerResolution : uint8_t {
  kNone = 0,          // no speaker found
  kName = 1,          // a name next to the cue
  kPronoun = 2,       // "er"/"sie" resolved to an earlier person
  kTitle = 3,         // "Frau Chen", "der Minister" resolved by name or title
  kSpokesperson = 4,  // "ein Sprecher von X": the organisation X
};

// What introduced the quote (proto: QuoteCueKind).
enum class CueKind : uint8_t {
  kNone = 0,
  kVerb = 1,         // a verb of saying; `cue` is its lemma ("sagen")
  kSo = 2,           // "…“, so Frau Chen"
  kLaut = 3,         // "laut X"
  kZufolge = 4,      // "X zufolge"
  kAttribution = 5,  // the "– Name, Rolle" line after a block quote
};

std::string_view QuoteKindName(QuoteKind kind);              // "direct", ...
std::string_view SpeakerResolutionName(SpeakerResolution r);  // "name", ...
std::string_view CueKindName(CueKind kind);                   // "verb", ...

struct Quote {
  // The quoted text without its marks (and without surrounding spaces).
  uint32_t begin = 0;
  uint32_t end = 0;
  // The quote with its marks; for a block quote without marks, the paragraph.
  uint32_t outer_begin = 0;
  uint32_t outer_end = 0;
  QuoteKind kind = QuoteKind::kDirect;
  // Index into the result of the quote this one is nested in, -1 if none.
  int32_t parent = -1;
  // The speaker: index into AnalyzedText::entities and its entity_id, or -1
  // and "" when no entity could be found (the span may still be set).
  int32_t speaker_entity = -1;
  std::string speaker_entity_id;
  // The words that name the speaker here: "Trump", "sie", "Frau Chen",
  // "ein Sprecher von Nvidia". begin == end when there is none.
  uint32_t speaker_begin = 0;
  uint32_t speaker_end = 0;
  SpeakerResolution resolution = SpeakerResolution::kNone;
  CueKind cue_kind = CueKind::kNone;
  // Lemma of the verb of saying ("sagen"), or "so", "laut", "zufolge", "–".
  std::string cue;
  uint32_t cue_begin = 0;  // the cue word in the text
  uint32_t cue_end = 0;
};

// True for lemmas of verbs that introduce speech: sagen, erklären, ...
bool IsSpeechVerbLemma(std::string_view lemma);

// The quotes of `text` in order of their opening mark; `analysis` must be
// Pipeline::Analyze(text). Needs tokens and sentences; uses lemmas, UPOS and
// entities when present (without them: cue verbs by form, speakers as
// capitalised words without entity).
std::vector<Quote> ExtractQuotes(std::string_view text, const AnalyzedText& analysis);

}  // namespace korpus::nlp

#endif  // KORPUS_LIBS_NLP_EXTRACT_QUOTES_H_
