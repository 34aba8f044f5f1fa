// Page furniture ("boilerplate") in articles: comment widgets, credit and
// source lines, teaser headlines of other articles, repeated site text.
// Decided per paragraph from structural signals; a phrase list is only one
// signal among several.
//
//   std::vector<BoilerplateBlock> blocks = ...;  // the article's paragraphs
//   std::vector<BoilerplateDecision> d = ClassifyBoilerplate(blocks, model, {});
//
// Signals (points; a paragraph with at least options.threshold points is
// boilerplate; the title never is):
//   kShortUnpunctuated  1  at most max_short_words words, no sentence
//                          punctuation at the end ("Quelle & Bilder")
//   kArticleTail        2  after the last paragraph of running text
//                          (>= min_body_words words ending in . ! ? …)
//   kKnownPhrase        1  contains a typical German page-furniture phrase
//                          ("kommentar", "e-mail-adresse wird nicht
//                          veröffentlicht", "newsletter", "quelle", ...)
//   kRepeatedInCorpus   3  its fingerprint occurs in at least
//                          min_corpus_documents documents of the
//                          BoilerplateModel (and in at least
//                          min_corpus_fraction of them)
//   kLinkDense          2  HTML: at least link_density of its text is
//                          link text (3 when it is also longer than a
//                          heading: a list of links)
//   kTeaserHeadline     2  headline-like (no sentence punctuation at the
//                          end) but at least teaser_min_words words long:
//                          longer than any heading
//   kForeignVocabulary  1  headline-like, and under a third of its
//                          capitalised words occur elsewhere in the article
//   kDuplicateTitle     3  repeats the title
// So a comment widget at the end (tail + short + phrase) goes, a short
// heading inside the article (short) stays, a teaser headline about
// something else (teaser + foreign) goes, and a line that many documents of
// the corpus share goes wherever it is.
//
// Linear in the text. Thread-safety: BoilerplateModel is immutable after
// construction and may be shared; ClassifyBoilerplate is a pure function.
#ifndef KORPUS_LIBS_INGEST_BOILERPLATE_H_
#define KORPUS_LIBS_INGEST_BOILERPLATE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace korpus::ingest {

// Signals, as bits of BoilerplateDecision::signals.
enum BoilerplateSignal : uint32_t {
  kShortUnpunctuated = 1u << 0,
  kArticleTail = 1u << 1,
  kKnownPhrase = 1u << 2,
  kRepeatedInCorpus = 1u << 3,
  kLinkDense = 1u << 4,
  kTeaserHeadline = 1u << 5,
  kForeignVocabulary = 1u << 6,
  kDuplicateTitle = 1u << 7,
};

// "short_unpunctuated", "article_tail", ... for one signal bit.
std::string_view BoilerplateSignalName(BoilerplateSignal signal);
// The names of the bits set in `signals`, joined by ",".
std::string BoilerplateSignalNames(uint32_t signals);

// Line fingerprints seen across the corpus: how many documents contain each
// normalised paragraph. Storage or ingest builds it from what it has stored
// (AddDocument per stored document, or FromCounts from a table) and hands it
// to the Normalizer; without one, kRepeatedInCorpus never fires.
class BoilerplateModel {
 public:
  BoilerplateModel() = default;
  // A model from stored counts: fingerprint -> number of documents.
  static BoilerplateModel FromCounts(int64_t document_count,
                                     absl::flat_hash_map<uint64_t, int64_t> counts);

  // The fingerprint of a paragraph: 64-bit FNV-1a of its text lower-cased
  // (ASCII and German letters), digits replaced by 0, and everything but
  // letters and digits dropped, so "Kommentare (12)" and "Kommentare (3)"
  // match. Stable across processes and builds.
  static uint64_t Fingerprint(std::string_view paragraph);

  // Counts one document's paragraphs (each distinct fingerprint once).
  void AddDocument(const std::vector<std::string>& paragraphs);

  int64_t document_count() const { return document_count_; }
  // Documents containing the paragraph with this fingerprint.
  int64_t Count(uint64_t fingerprint) const;
  const absl::flat_hash_map<uint64_t, int64_t>& counts() const { return counts_; }

 private:
  int64_t document_count_ = 0;
  absl::flat_hash_map<uint64_t, int64_t> counts_;
};

struct BoilerplateOptions {
  int threshold = 3;               // points to remove; default 3
  int max_short_words = 12;        // default 12
  int min_body_words = 20;         // running text; default 20
  int teaser_min_words = 16;       // default 16
  double link_density = 0.5;       // default 0.5
  int64_t min_corpus_documents = 3;  // default 3
  double min_corpus_fraction = 0.01;  // default 1 % of the corpus
};

// One paragraph as the detector sees it.
struct BoilerplateBlock {
  std::string_view text;  // cleaned (CleanParagraph)
  bool is_title = false;
  bool is_heading = false;
  double link_density = 0;  // HTML: share of link text in [0, 1]; 0 for plain text
};

struct BoilerplateDecision {
  bool remove = false;
  uint32_t signals = 0;  // BoilerplateSignal bits that fired
  int points = 0;
};

// One decision per block. `model` may be null.
std::vector<BoilerplateDecision> ClassifyBoilerplate(const std::vector<BoilerplateBlock>& blocks,
                                                     const BoilerplateModel* model,
                                                     const BoilerplateOptions& options);

// FAQ structure: question paragraphs ("1. Was ist …?", "Wie …?") followed by
// answer paragraphs. Recognised only as a block: after a heading naming
// questions ("Häufig gestellte Fragen", "FAQ", "Fragen und Antworten"), or
// as at least two question/answer pairs in a row, so that a single
// rhetorical question in running text is not taken for an FAQ.
enum class FaqRole : uint8_t { kNone = 0, kQuestion = 1, kAnswer = 2 };
std::vector<FaqRole> FindFaq(const std::vector<BoilerplateBlock>& blocks);

}  // namespace korpus::ingest

#endif  // KORPUS_LIBS_INGEST_BOILERPLATE_H_
