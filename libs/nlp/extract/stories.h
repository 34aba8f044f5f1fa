// Stories: articles about the same event, clustered incrementally.
//
//   StoryEvidence e = MakeStoryEvidence(text, analysis, quotes, dates, published_at);
//   StoryFeatures f = MakeStoryFeatures(CountTerms(text, analysis), e, corpus_frequencies);
//   StoryClusterer clusterer;                       // default window and model
//   StoryClusterer::Decision d = clusterer.Assign(f, candidate_stories);
//   // d.story >= 0: join candidate_stories[d.story]; -1: start a new story
//   AddToStory(story, document_id, f);              // centroid, label, event state
//
// Content: a document is a TF-IDF vector over its terms (keywords.h: noun
// lemmas, adjective+noun phrases, entity ids), each weighted (1 + ln tf) *
// idf, entity terms multiplied by StoryOptions::entity_weight, cut to the
// max_terms heaviest and L2-normalised. A story's centroid is the sum of its
// documents' vectors (cut to max_centroid_terms).
//
// Event evidence (StoryEvidence -> StoryFeatures -> StorySignals): the
// lead's terms, entity pairs named in one sentence, MinHash of the word
// 4-shingles (near-duplicates), word 3-shingles and speakers of the
// quotations, mentioned days, and the document's time. A document is
// compared only with the candidates in the time window
// (StoryOptions::window); StoryModel, a logistic model over the signals
// fitted on invented articles (korpus-eval-stories --fit, tests/data/stories;
// docs/EXTRACTION.md has the figures), gives the probability of the same
// event; the document joins the most probable story at or above
// StoryOptions::min_probability, otherwise it starts one.
//
// The content-only Assign(StoryVector, ...) with StoryOptions::threshold is
// the clusterer before event evidence, kept for comparison.
//
// Storage chooses the candidates and keeps the stories; the clusterer only
// decides. Thread-safety: StoryClusterer is immutable; all functions are
// pure.
#ifndef KORPUS_LIBS_NLP_EXTRACT_STORIES_H_
#define KORPUS_LIBS_NLP_EXTRACT_STORIES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "libs/nlp/extract/dates.h"
#include "libs/nlp/extract/keywords.h"
#include "libs/nlp/extract/quotes.h"

namespace korpus::nlp {

// How a document compares with a story, each in [0, 1].
struct StorySignals {
  double content = 0;         // cosine with the centroid
  double lead = 0;            // cosine of lead terms
  double near_duplicate = 0;  // MinHash Jaccard estimate, best member
  double quotes = 0;          // share of its quote shingles the story has
  double speakers = 0;        // share of its quoted speakers the story has
  double days = 0;            // share of its mentioned days the story has
  double pairs = 0;           // cosine of co-mentioned entity pairs
};

// The logistic model: P(same event) = sigmoid(bias + sum of weight * signal).
// The defaults are what `korpus-eval-stories --fit` (L2 0.001, pairs
// weighted as they occur, weights kept >= 0) fitted on the 193 in-window
// document pairs of tests/data/stories/articles.tsv and events.tsv
// (docs/EXTRACTION.md, "Stories"; refitting with actors.tsv added changed
// no held-out figure for the better, so these stay).
// Speakers and days got no weight there: shared speakers occur as often in
// the hard negatives, shared days are rare (German reports say "am
// Donnerstag", which stays unresolved).
struct StoryModel {
  double bias = -3.45;
  double content = 6.03;
  double lead = 5.20;
  double near_duplicate = 0.08;
  double quotes = 2.20;
  double speakers = 0;
  double days = 0;
  double pairs = 1.73;

  double Probability(const StorySignals& s) const;
};

struct StoryOptions {
  // Least cosine similarity to join a story. Default 0.2: the best pair F1
  // (0.86) of korpus-eval-stories on tests/data/stories with both the
  // previous and the current NER model (docs/EXTRACTION.md has the sweep;
  // the set is small, so the value is a starting point).
  double threshold = 0.2;
  // Factor on entity terms. Default 1: weights 2 and 3 reached the same best
  // F1 only at higher thresholds, so entity ids count like lemmas.
  double entity_weight = 1.0;
  size_t max_terms = 100;           // per document vector; default 100
  size_t max_centroid_terms = 300;  // per story centroid; default 300
  // A document is compared only with stories whose first..last document
  // time, widened by this on both sides, contains its time. Default 7 days:
  // reports of one event follow it within days; a later development after
  // a week's silence starts a new story.
  absl::Duration window = absl::Hours(24 * 7);
  // Least StoryModel probability to join a story. Default 0.5: the best
  // pooled pair F1 (0.69; 0.4 gives 0.67) of leave-one-file-out
  // cross-validation over the three labelled sets of tests/data/stories
  // (`korpus-eval-stories --cross_validate`, docs/EXTRACTION.md). The sets
  // are small and the curve is noisy (the held-out set scores 0.4 higher),
  // so the value is a data-chosen starting point, not a settled one.
  double min_probability = 0.5;
  StoryModel model;
};

struct StoryTerm {
  std::string key;   // TermCount::key
  std::string text;  // display text
  TermKind kind = TermKind::kLemma;
  double weight = 0;
};

// Sparse vector, sorted by key (so that two vectors merge in linear time).
struct StoryVector {
  std::vector<StoryTerm> terms;
};

StoryVector MakeStoryVector(const std::vector<TermCount>& terms,
                            const DocumentFrequencies& frequencies,
                            const StoryOptions& options = {});

// Cosine similarity in [0, 1] (0 when either vector is empty).
double Cosine(const StoryVector& a, const StoryVector& b);

struct StoryEntity {
  std::string entity_id;
  std::string name;
  double weight = 0;
};

// The story's accumulated evidence (see StoryFeatures), kept next to the
// content centroid in Story::event.
struct StoryEventState {
  StoryVector lead;   // sum of the members' lead vectors
  StoryVector pairs;  // sum of the members' pair vectors
  // The MinHash signatures of the most recent kStorySignatures members.
  std::vector<std::vector<uint32_t>> signatures;
  std::vector<uint64_t> quote_shingles;  // union, sorted (at most kStoryQuoteShingles)
  std::vector<std::string> speakers;     // union, sorted
  std::vector<int64_t> days;             // union, sorted
  std::optional<absl::Time> first_time, last_time;
};
inline constexpr size_t kStorySignatures = 16;
inline constexpr size_t kStoryQuoteShingles = 4096;

struct Story {
  std::string story_id;  // assigned by the caller (storage)
  std::vector<std::string> document_ids;
  StoryVector centroid;  // sum of the member vectors (not normalised)
  // Derived from the centroid by AddToStory: the three heaviest terms
  // joined by " · " (entities first), and the five heaviest entities.
  std::string label;
  std::vector<StoryEntity> main_entities;
  // Event evidence, kept by AddToStory(..., StoryFeatures).
  StoryEventState event;
};

// Adds a document to a story: appends its id, adds its vector to the
// centroid, recomputes label and main entities.
void AddToStory(Story& story, std::string document_id, const StoryVector& document,
                const StoryOptions& options = {});

// ---------------------------------------------------------------------------
// Event evidence. The lemma/entity cosine above tells "same topic" apart
// from "another topic", but not "same event" from "same topic": two reports
// of one meeting and a report of a later decision by the same people share
// nearly all their terms. Reports of one event share more specific things:
// wording (agency copy, near-duplicates), the same quotations and speakers,
// the same dated days, the same actors named together in one sentence,
// headline words, and they appear within days of each other. StoryEvidence
// carries those; StorySignals compares them; StoryModel combines them.

// A quotation of the document (quoted terms left out).
struct QuoteEvidence {
  std::vector<std::string> words;  // lower-cased words of the quoted text
  std::string speaker_entity_id;   // empty if unknown
};

// What a document says about its event, besides its terms. Every field may
// be empty; a missing signal then counts as 0 for that document.
struct StoryEvidence {
  // Lower-cased word and number tokens of the text, in order (shingles).
  std::vector<std::string> words;
  // Per sentence, the entity ids mentioned in it (co-mentioned actors).
  std::vector<std::vector<std::string>> sentence_entities;
  // Resolved dates of day granularity the text mentions.
  std::vector<absl::CivilDay> days;
  std::vector<QuoteEvidence> quotes;
  // When the document appeared: publication time, else ingestion time.
  std::optional<absl::Time> time;
  // Where the lead ends, in the units of TermCount::begin: the headline and
  // the first sentences, which in news state who did what, when and where
  // (the inverted pyramid); later sentences are mostly background. Terms
  // first occurring before it are lead terms. 0: the headline only
  // (TermCount::in_title).
  uint32_t lead_end = 0;
};

// Sentences (the headline included) that make the lead: 3.
inline constexpr size_t kLeadSentences = 3;

// The evidence of an analysed text (`analysis` = Pipeline::Analyze(text)):
// its words, the entities of each sentence, the words and speakers of its
// quotations (quoted terms left out), its resolved day dates and the end of
// its first kLeadSentences sentences.
StoryEvidence MakeStoryEvidence(std::string_view text, const AnalyzedText& analysis,
                                const std::vector<Quote>& quotes,
                                const std::vector<DateMention>& dates,
                                std::optional<absl::Time> time);

// A document as the clusterer compares it. Built by MakeStoryFeatures.
struct StoryFeatures {
  StoryVector content;  // MakeStoryVector of its terms
  StoryVector lead;     // idf-weighted terms of the lead (StoryEvidence::lead_end)
  // Entity pairs named in one sentence, key "p:<id>|<id>" (ids sorted),
  // weighted by sentences * idf(a) * idf(b), L2-normalised.
  StoryVector pairs;
  // MinHash of the word 4-shingles (kMinHashSize values); empty when the
  // text has fewer than 4 words.
  std::vector<uint32_t> minhash;
  // Hashes of the word 3-shingles of its quotations, sorted, distinct.
  std::vector<uint64_t> quote_shingles;
  std::vector<std::string> speakers;  // quoted speakers' entity ids, sorted, distinct
  std::vector<int64_t> days;          // mentioned days (days since 1970-01-01), sorted, distinct
  std::optional<absl::Time> time;
};

inline constexpr size_t kMinHashSize = 64;

StoryFeatures MakeStoryFeatures(const std::vector<TermCount>& terms,
                                const StoryEvidence& evidence,
                                const DocumentFrequencies& frequencies,
                                const StoryOptions& options = {});

// Adds a document's features to a story: AddToStory for the content, plus
// the event state; first/last time widen to the document's time.
void AddToStory(Story& story, std::string document_id, const StoryFeatures& document,
                const StoryOptions& options = {});

// The signals of `document` against `story` (Story::event and centroid).
StorySignals CompareToStory(const StoryFeatures& document, const Story& story);

class StoryClusterer {
 public:
  explicit StoryClusterer(const StoryOptions& options = {}) : options_(options) {}

  struct Decision {
    int32_t story = -1;     // index into the candidates, or -1: a new story
    double similarity = 0;  // with the best candidate (0 if none)
    StorySignals signals;   // of the best candidate (Assign with features)
  };
  // Content cosine only: joins the best candidate at or above
  // StoryOptions::threshold (the clusterer before event evidence; kept for
  // comparison in korpus-eval-stories).
  Decision Assign(const StoryVector& document, const std::vector<Story>& candidates) const;

  // With event evidence: candidates outside the time window (see
  // StoryOptions::window) are skipped; the others are scored by
  // StoryOptions::model; the document joins the most probable one if that
  // probability is at least StoryOptions::min_probability. similarity is
  // that probability. Ties go to the earlier candidate.
  Decision Assign(const StoryFeatures& document, const std::vector<Story>& candidates) const;
  // The same over stories held elsewhere (none null), e.g. in a cache.
  Decision Assign(const StoryFeatures& document,
                  const std::vector<const Story*>& candidates) const;

  // Whether `document` falls in the story's time window (true when either
  // time is unknown).
  bool InWindow(const StoryFeatures& document, const Story& story) const;

  const StoryOptions& options() const { return options_; }

 private:
  StoryOptions options_;
};

}  // namespace korpus::nlp

#endif  // KORPUS_LIBS_NLP_EXTRACT_STORIES_H_
